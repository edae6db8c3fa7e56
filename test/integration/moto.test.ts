import { ListTrainingJobsCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Moto, motoClientConfig, startMoto } from "../support/moto.js";

describe("moto_server harness", () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it("answers SageMaker calls on a loopback port", async () => {
    expect(moto.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const sm = new SageMakerClient(motoClientConfig(moto));
    const out = await sm.send(new ListTrainingJobsCommand({}));
    expect(out.TrainingJobSummaries).toEqual([]);
  });
});
