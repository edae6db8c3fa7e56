/**
 * `upsertPipeline` refuses a definition whose cost-bearing steps lack the LOB tag (issue 14: the rule lives in the
 * library, not only in the CLI), unless `allowUntagged`.
 */
import { readFileSync } from "node:fs";
import {
  CreatePipelineCommand,
  DescribePipelineCommand,
  ResourceNotFound,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { FindingsError } from "../../../core/index.js";
import { tagDefinition, upsertPipeline } from "../../../pipelines/index.js";

const ROLE = "arn:aws:iam::111122223333:role/PipelineRole";
const ARN = "arn:aws:sagemaker:us-east-1:111122223333:pipeline/abalone";
// A definition made by the SageMaker Python SDK: its Processing and Tuning steps carry no LOB tag.
const untagged = JSON.parse(
  readFileSync("test/fixtures/sdk-pipelines/02-processing-tuning-createmodel.json", "utf8"),
) as unknown;
const policy = { tagKey: "LineOfBusiness", lobs: ["retail", "platform"] };
const sm = mockClient(SageMakerClient);
afterEach(() => sm.reset());

describe("upsertPipeline and the tag policy", () => {
  it("refuses an untagged definition before any call (FindingsError, exit 1), with every finding", async () => {
    const client = new SageMakerClient({ region: "us-east-1" });
    const refused = upsertPipeline(client, { name: "abalone", definition: untagged, roleArn: ROLE, policy });
    await expect(refused).rejects.toThrow(FindingsError);
    await expect(refused).rejects.toThrow(
      /Refusing to deploy: 2 of 2 cost-bearing step\(s\) lack a valid LineOfBusiness tag/,
    );
    // Without a policy the default tag key still applies.
    await expect(
      upsertPipeline(client, { name: "abalone", definition: untagged, roleArn: ROLE }),
    ).rejects.toThrow(FindingsError);
    expect(sm.calls()).toHaveLength(0);
  });

  it("deploys it with allowUntagged, and deploys a tagged definition without it", async () => {
    sm.on(DescribePipelineCommand).rejects(new ResourceNotFound({ message: "not found", $metadata: {} }));
    sm.on(CreatePipelineCommand).resolves({ PipelineArn: ARN });
    const client = new SageMakerClient({ region: "us-east-1" });
    const forced = await upsertPipeline(client, {
      name: "abalone",
      definition: untagged,
      roleArn: ROLE,
      policy,
      allowUntagged: true,
    });
    expect(forced.action).toBe("created");
    const tagged = tagDefinition(untagged, policy).definition;
    const ok = await upsertPipeline(client, { name: "abalone", definition: tagged, roleArn: ROLE, policy });
    expect(ok.pipelineArn).toBe(ARN);
    expect(sm.commandCalls(CreatePipelineCommand)).toHaveLength(2);
  });
});
