/**
 * The requests the audit sends for the types moto does not emulate (inference components, Bedrock application
 * inference profiles) and for tags and fixes, checked on the wire against botocore's API models.
 */
import { Readable } from "node:stream";
import { BedrockClient } from "@aws-sdk/client-bedrock";
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { beforeAll, describe, expect, it } from "vitest";
import { auditTags } from "../../../audit/index.js";
import { type ApiModel, checkWireRequest, loadApiModel, type WireRequest } from "../../support/api-model.js";

const ACCOUNT = "111122223333";
const IC_ARN = `arn:aws:sagemaker:us-east-1:${ACCOUNT}:inference-component/ic-retail`;
const JOB_ARN = `arn:aws:sagemaker:us-east-1:${ACCOUNT}:training-job/train-1`;
const EXEC_ARN = `arn:aws:sagemaker:us-east-1:${ACCOUNT}:pipeline/churn/execution/abc123`;
const PROFILE_ARN = `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/p1abc`;

/** Canned answers per operation, and every request as sent. */
function fakeAws(answers: Record<string, unknown>) {
  const sent: WireRequest[] = [];
  const requestHandler = {
    async handle(req: {
      method: string;
      path: string;
      query?: Record<string, string | string[] | null>;
      headers: Record<string, string>;
      body?: unknown;
    }) {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v]));
      const wire: WireRequest = {
        method: req.method,
        path: req.path,
        query: req.query ?? {},
        headers,
        body:
          typeof req.body === "string"
            ? req.body
            : req.body instanceof Uint8Array
              ? Buffer.from(req.body).toString("utf8")
              : undefined,
      };
      sent.push(wire);
      const key = headers["x-amz-target"] ?? `${req.method} ${req.path}`;
      const answer = answers[key] ?? {};
      return {
        response: {
          statusCode: 200,
          headers: { "content-type": "application/json" },
          body: Readable.from([Buffer.from(JSON.stringify(answer))]),
        },
      };
    },
  };
  const config = {
    region: "us-east-1",
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    requestHandler,
  };
  return { sent, config };
}

describe("request shapes against botocore's models", () => {
  let sagemakerModel: ApiModel;
  let bedrockModel: ApiModel;
  beforeAll(() => {
    sagemakerModel = loadApiModel("sagemaker");
    bedrockModel = loadApiModel("bedrock");
  });

  it("inference components, Bedrock profiles, tags, execution parameters and AddTags conform", async () => {
    const sm = fakeAws({
      "SageMaker.ListInferenceComponents": {
        InferenceComponents: [
          {
            InferenceComponentName: "ic-retail",
            InferenceComponentArn: IC_ARN,
            EndpointName: "shared-llm",
            EndpointArn: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:endpoint/shared-llm`,
            VariantName: "main",
            CreationTime: 1_700_000_000,
            LastModifiedTime: 1_700_000_000,
          },
        ],
      },
      "SageMaker.ListTrainingJobs": {
        TrainingJobSummaries: [
          {
            TrainingJobName: "train-1",
            TrainingJobArn: JOB_ARN,
            CreationTime: 1_700_000_000,
            TrainingJobStatus: "Completed",
          },
        ],
      },
      "SageMaker.ListTags": { Tags: [{ Key: "sagemaker:pipeline-execution-arn", Value: EXEC_ARN }] },
      "SageMaker.ListPipelineParametersForExecution": {
        PipelineParameters: [{ Name: "LineOfBusiness", Value: "retail" }],
      },
    });
    const br = fakeAws({
      "GET /inference-profiles": {
        inferenceProfileSummaries: [
          {
            inferenceProfileName: "retail-claude",
            inferenceProfileArn: PROFILE_ARN,
            inferenceProfileId: "p1abc",
            models: [],
            status: "ACTIVE",
            type: "APPLICATION",
          },
        ],
      },
      "POST /listTagsForResource": { tags: [{ key: "LineOfBusiness", value: "retail" }] },
    });
    const report = await auditTags({
      policy: { tagKey: "LineOfBusiness", lobs: ["retail"] },
      clients: { sagemaker: new SageMakerClient(sm.config), bedrock: new BedrockClient(br.config) },
      since: new Date("2026-10-28T00:00:00Z"),
      types: ["training-job", "inference-component", "bedrock-profile"],
      fix: true,
    });
    expect(report.changes.map((c) => c.name)).toEqual(["train-1"]);
    expect(report.resources.map((r) => [r.name, r.status])).toEqual([
      ["train-1", "present"],
      ["ic-retail", "missing"],
      ["retail-claude", "present"],
    ]);

    const checked = [
      ...sm.sent.map((r) => checkWireRequest(sagemakerModel, r)),
      ...br.sent.map((r) => checkWireRequest(bedrockModel, r)),
    ];
    expect(checked.map((c) => c.operation).sort()).toEqual([
      "AddTags",
      "ListInferenceComponents",
      "ListInferenceProfiles",
      "ListPipelineParametersForExecution",
      "ListTags",
      "ListTags",
      "ListTagsForResource",
      "ListTrainingJobs",
    ]);
    for (const c of checked) expect(c.problems, c.operation).toEqual([]);
    const profiles = br.sent.find((r) => r.path === "/inference-profiles");
    expect(profiles?.query).toMatchObject({ type: "APPLICATION" });
  });

  it("the checker does catch a malformed request", () => {
    const bad = checkWireRequest(bedrockModel, {
      method: "GET",
      path: "/inference-profiles",
      query: { type: "CUSTOM", typeEquals: "APPLICATION", maxResults: "5000" },
      headers: {},
      body: undefined,
    });
    expect(bad.operation).toBe("ListInferenceProfiles");
    expect(bad.problems).toEqual([
      "query typeEquals: not a querystring member of ListInferenceProfiles",
      "input.maxResults: above 1000",
      "input.typeEquals: CUSTOM is not one of SYSTEM_DEFINED|APPLICATION",
    ]);
    const badSm = checkWireRequest(sagemakerModel, {
      method: "POST",
      path: "/",
      query: {},
      headers: { "x-amz-target": "SageMaker.ListTags" },
      body: JSON.stringify({ ResourceARN: "x", MaxResults: 10 }),
    });
    expect(badSm.problems).toEqual([
      "input.ResourceARN: not a member of ListTagsInput",
      "input.ResourceArn: required by ListTagsInput",
      "input.MaxResults: below 50",
    ]);
  });
});
