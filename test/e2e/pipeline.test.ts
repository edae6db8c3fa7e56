import { describe, expect, it } from "vitest";
import { pipeline as churn } from "../../pipelines/examples/churn.js";
import { spawnCli } from "../support/cli.js";

describe("smcb pipeline (built CLI, real process)", () => {
  it("synth loads a TypeScript module and prints its definition", async () => {
    const r = await spawnCli(["pipeline", "synth", "pipelines/examples/churn.ts"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(churn.definition())));
  });
  it("lint of an SDK-made definition exits 1", async () => {
    const r = await spawnCli([
      "pipeline",
      "lint",
      "test/fixtures/sdk-pipelines/05-sdk-unit-test-steps-processing-training-tuning.json",
      "--config",
      "test/fixtures/smcb.config.json",
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/3 of 3 cost-bearing step\(s\) lack a valid LineOfBusiness tag/);
  });
});
