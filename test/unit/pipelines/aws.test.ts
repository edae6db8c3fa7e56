/**
 * upsert, start, status and wait against a mocked SageMaker client; every request shape is checked against
 * botocore's SageMaker model (required members, no unknown members, lengths and patterns).
 */
import { readFileSync } from "node:fs";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  AddTagsCommand,
  CreatePipelineCommand,
  DescribePipelineCommand,
  DescribePipelineExecutionCommand,
  ListPipelineExecutionStepsCommand,
  ListPipelineParametersForExecutionCommand,
  ListTagsCommand,
  ResourceNotFound,
  SageMakerClient,
  SageMakerServiceException,
  StartPipelineExecutionCommand,
  UpdatePipelineCommand,
} from "@aws-sdk/client-sagemaker";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { TagPolicyError, UsageError } from "../../../core/errors.js";
import {
  executionStatus,
  startPipeline,
  tagDefinition,
  upsertPipeline,
  waitForExecution,
} from "../../../pipelines/index.js";
import { loadApiModel, shapeProblems } from "../../support/api-model.js";
import { runCli } from "../../support/cli.js";

const sagemakerModel = loadApiModel("sagemaker");
const s3Model = loadApiModel("s3");
const POLICY = { tagKey: "LineOfBusiness", lobs: ["retail", "wealth", "insurance", "platform"] };
const ROLE = "arn:aws:iam::111122223333:role/PipelineRole";
const PIPELINE_ARN = "arn:aws:sagemaker:us-east-1:111122223333:pipeline/churn";
const EXEC_ARN = `${PIPELINE_ARN}/execution/abc123def456`;
const sdkFixture = JSON.parse(
  readFileSync("test/fixtures/sdk-pipelines/05-sdk-unit-test-steps-processing-training-tuning.json", "utf8"),
);
const tagged = tagDefinition(sdkFixture, POLICY).definition;

const sm = mockClient(SageMakerClient);
const s3 = mockClient(S3Client);
const client = () =>
  new SageMakerClient({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } });
const validationException = () =>
  new SageMakerServiceException({
    name: "ValidationException",
    $fault: "client",
    $metadata: {},
    message: "nope",
  });

const inputsOf = <I>(command: new (input: I) => unknown): I[] =>
  sm.commandCalls(command as never).map((c) => c.args[0].input as I);
const expectConforms = (operation: string, input: unknown, model = sagemakerModel) =>
  expect(shapeProblems(model, operation, "input", input)).toEqual([]);

beforeEach(() => {
  sm.reset();
  s3.reset();
});

describe("the request-shape checker", () => {
  it("catches missing, unknown, too short and malformed members", () => {
    expect(
      shapeProblems(sagemakerModel, "StartPipelineExecution", "input", {
        PipelineName: "bad name",
        ClientRequestToken: "short",
        Bogus: 1,
      }),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/PipelineName: "bad name" does not match/),
        expect.stringMatching(/ClientRequestToken: shorter than 32/),
        "StartPipelineExecution.Bogus: not a member of StartPipelineExecutionRequest",
      ]),
    );
    expect(shapeProblems(sagemakerModel, "CreatePipeline", "input", { PipelineName: "p" })).toEqual([
      "CreatePipeline.ClientRequestToken: required by CreatePipelineRequest",
      "CreatePipeline.RoleArn: required by CreatePipelineRequest",
    ]);
  });
});

describe("upsertPipeline", () => {
  it.each([
    ["ResourceNotFound (AWS)", () => new ResourceNotFound({ message: "Pipeline not found", $metadata: {} })],
    ["ValidationException (moto)", validationException],
  ])(
    "creates when DescribePipeline answers %s; the request conforms; the token is stable",
    async (_, error) => {
      sm.on(DescribePipelineCommand).rejects(error());
      sm.on(CreatePipelineCommand).resolves({ PipelineArn: PIPELINE_ARN });
      const opts = {
        name: "churn",
        definition: tagged,
        roleArn: ROLE,
        tags: [{ Key: "LineOfBusiness", Value: "platform" }],
        description: "Churn model",
      };
      const r = await upsertPipeline(client(), opts);
      expect(r).toMatchObject({ action: "created", pipelineArn: PIPELINE_ARN, definitionLocation: "inline" });
      await upsertPipeline(client(), opts);
      const [first, second] = inputsOf(CreatePipelineCommand);
      expectConforms("CreatePipeline", first);
      expect(first?.ClientRequestToken).toBe(second?.ClientRequestToken);
      expect(JSON.parse(first?.PipelineDefinition ?? "")).toEqual(tagged);
      expect(first?.Tags).toEqual([{ Key: "LineOfBusiness", Value: "platform" }]);
      expect(inputsOf(UpdatePipelineCommand)).toEqual([]);
    },
  );

  it("updates when the pipeline exists, then applies the tags; requests conform", async () => {
    sm.on(DescribePipelineCommand).resolves({ PipelineArn: PIPELINE_ARN });
    sm.on(UpdatePipelineCommand).resolves({ PipelineArn: PIPELINE_ARN });
    sm.on(AddTagsCommand).resolves({});
    const r = await upsertPipeline(client(), {
      name: "churn",
      definition: JSON.stringify(tagged),
      roleArn: ROLE,
      tags: [{ Key: "Team", Value: "ds" }],
      displayName: "Churn",
    });
    expect(r.action).toBe("updated");
    const [update] = inputsOf(UpdatePipelineCommand);
    expectConforms("UpdatePipeline", update);
    expect(inputsOf(AddTagsCommand)).toEqual([
      { ResourceArn: PIPELINE_ARN, Tags: [{ Key: "Team", Value: "ds" }] },
    ]);
    expectConforms("AddTags", inputsOf(AddTagsCommand)[0]);
    expect(inputsOf(CreatePipelineCommand)).toEqual([]);
  });

  it("goes through S3 over the inline limit, and says so clearly when it cannot", async () => {
    const big = structuredClone(tagged) as { Metadata: Record<string, string> };
    big.Metadata = { padding: "x".repeat(1_048_576) };
    sm.on(DescribePipelineCommand).rejects(validationException());
    sm.on(CreatePipelineCommand).resolves({ PipelineArn: PIPELINE_ARN });
    await expect(upsertPipeline(client(), { name: "churn", definition: big, roleArn: ROLE })).rejects.toThrow(
      /over the 1048576-character limit/,
    );
    expect(sm.calls()).toHaveLength(0);
    s3.on(PutObjectCommand).resolves({ VersionId: "v1" });
    const r = await upsertPipeline(client(), {
      name: "churn",
      definition: big,
      roleArn: ROLE,
      s3Uri: "s3://my-bucket/pipelines/",
      s3: new S3Client({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } }),
    });
    expect(r.definitionLocation).toBe("s3://my-bucket/pipelines/churn.json");
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put).toMatchObject({ Bucket: "my-bucket", Key: "pipelines/churn.json" });
    expectConforms("PutObject", put, s3Model);
    const [create] = inputsOf(CreatePipelineCommand);
    expect(create?.PipelineDefinition).toBeUndefined();
    expect(create?.PipelineDefinitionS3Location).toEqual({
      Bucket: "my-bucket",
      ObjectKey: "pipelines/churn.json",
      VersionId: "v1",
    });
    expectConforms("CreatePipeline", create);
  });

  it("rejects bad names, roles and tags before any call", async () => {
    await expect(
      upsertPipeline(client(), { name: "bad_name", definition: tagged, roleArn: ROLE }),
    ).rejects.toThrow(UsageError);
    await expect(
      upsertPipeline(client(), { name: "p", definition: tagged, roleArn: "role" }),
    ).rejects.toThrow(/Invalid role ARN/);
    await expect(
      upsertPipeline(client(), {
        name: "p",
        definition: tagged,
        roleArn: ROLE,
        tags: [{ Key: "aws:x", Value: "v" }],
      }),
    ).rejects.toThrow(TagPolicyError);
    expect(sm.calls()).toHaveLength(0);
  });
});

describe("startPipeline", () => {
  beforeEach(() => {
    sm.on(DescribePipelineCommand).resolves({
      PipelineArn: PIPELINE_ARN,
      PipelineDefinition: JSON.stringify(tagged),
    });
    sm.on(StartPipelineExecutionCommand).resolves({ PipelineExecutionArn: EXEC_ARN });
  });

  it("starts with the LOB parameter first; the request conforms", async () => {
    const r = await startPipeline(client(), {
      name: "churn",
      lob: "retail",
      policy: POLICY,
      parameters: { TrainingEpochs: "7", UseSpotInstances: "true", InstanceType: "ml.m5.large" },
      displayName: "nightly-retail",
    });
    expect(r.executionArn).toBe(EXEC_ARN);
    const [start] = inputsOf(StartPipelineExecutionCommand);
    expectConforms("StartPipelineExecution", start);
    expect(start?.PipelineParameters).toEqual([
      { Name: "LineOfBusiness", Value: "retail" },
      { Name: "TrainingEpochs", Value: "7" },
      { Name: "UseSpotInstances", Value: "true" },
      { Name: "InstanceType", Value: "ml.m5.large" },
    ]);
    expect(start?.ClientRequestToken).toHaveLength(36);
  });

  it("an invalid LOB fails before any AWS call", async () => {
    await expect(startPipeline(client(), { name: "churn", lob: "Retail", policy: POLICY })).rejects.toThrow(
      /did you mean "retail"/,
    );
    expect(sm.calls()).toHaveLength(0);
  });

  it("bad parameters fail after the read and before StartPipelineExecution, each listed", async () => {
    const e = await startPipeline(client(), {
      name: "churn",
      lob: "retail",
      policy: POLICY,
      parameters: { TrainingEpochs: "seven", UseSpotInstances: "yes", Nope: "1", LineOfBusiness: "wealth" },
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UsageError);
    const message = (e as Error).message;
    expect(message).toMatch(/TrainingEpochs: "seven" is not an Integer/);
    expect(message).toMatch(/UseSpotInstances: "yes" is not a Boolean/);
    expect(message).toMatch(/Nope: the pipeline has no such parameter/);
    expect(message).toMatch(/give the LOB with --lob/);
    expect(inputsOf(StartPipelineExecutionCommand)).toEqual([]);
  });

  it("refuses a pipeline whose definition has no LOB parameter, and a missing pipeline", async () => {
    sm.on(DescribePipelineCommand).resolves({ PipelineDefinition: JSON.stringify(sdkFixture) });
    await expect(startPipeline(client(), { name: "churn", lob: "retail", policy: POLICY })).rejects.toThrow(
      /declares no LineOfBusiness parameter/,
    );
    sm.on(DescribePipelineCommand).rejects(validationException());
    await expect(startPipeline(client(), { name: "churn", lob: "retail", policy: POLICY })).rejects.toThrow(
      /No pipeline named churn/,
    );
    expect(inputsOf(StartPipelineExecutionCommand)).toEqual([]);
  });

  it("checks a given idempotency token's length", async () => {
    await expect(
      startPipeline(client(), { name: "churn", lob: "retail", policy: POLICY, clientRequestToken: "x" }),
    ).rejects.toThrow(/32–128/);
    await startPipeline(client(), {
      name: "churn",
      lob: "retail",
      policy: POLICY,
      clientRequestToken: "t".repeat(40),
    });
    expect(inputsOf(StartPipelineExecutionCommand)[0]?.ClientRequestToken).toBe("t".repeat(40));
  });
});

describe("status and wait", () => {
  const JOB = "arn:aws:sagemaker:us-east-1:111122223333:training-job/pipelines-abc-train";
  const PJOB = "arn:aws:sagemaker:us-east-1:111122223333:processing-job/pipelines-abc-prep";

  it("lists each step with its job and the LOB tag the job carries", async () => {
    sm.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: "Executing" });
    sm.on(ListPipelineParametersForExecutionCommand).resolves({
      PipelineParameters: [{ Name: "LineOfBusiness", Value: "retail" }],
    });
    sm.on(ListPipelineExecutionStepsCommand).resolves({
      PipelineExecutionSteps: [
        { StepName: "Train", StepStatus: "Executing", Metadata: { TrainingJob: { Arn: JOB } } },
        { StepName: "Prep", StepStatus: "Succeeded", Metadata: { ProcessingJob: { Arn: PJOB } } },
        { StepName: "Check", StepStatus: "Succeeded", Metadata: { Condition: { Outcome: "True" } } },
      ],
    });
    sm.on(ListTagsCommand, { ResourceArn: JOB }).resolves({
      Tags: [{ Key: "LineOfBusiness", Value: "retail" }],
    });
    sm.on(ListTagsCommand, { ResourceArn: PJOB }).resolves({ Tags: [] });
    const s = await executionStatus(client(), EXEC_ARN, POLICY);
    expect(s).toMatchObject({ status: "Executing", lob: "retail" });
    expect(s.steps).toEqual([
      { name: "Train", status: "Executing", jobArn: JOB, lobTag: "retail" },
      { name: "Prep", status: "Succeeded", jobArn: PJOB, lobTag: null },
      { name: "Check", status: "Succeeded" },
    ]);
    for (const c of sm.calls()) {
      const cmd = c.args[0] as { constructor: { name: string }; input: unknown };
      expectConforms(cmd.constructor.name.replace(/Command$/, ""), cmd.input);
    }
    const cli = await runCli(["pipeline", "status", EXEC_ARN, "--config", "test/fixtures/smcb.config.json"]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(
      /Train\s+Executing\s+\S+training-job\/pipelines-abc-train\s+LineOfBusiness=retail/,
    );
    expect(cli.stdout).toMatch(/Prep .*LineOfBusiness=\(missing\)/);
  });

  it("follows an execution to its end, reporting changes; bounded by the timeout", async () => {
    sm.on(DescribePipelineExecutionCommand)
      .resolvesOnce({ PipelineExecutionStatus: "Executing" })
      .resolvesOnce({ PipelineExecutionStatus: "Executing" })
      .resolves({ PipelineExecutionStatus: "Succeeded" });
    sm.on(ListPipelineExecutionStepsCommand)
      .resolvesOnce({ PipelineExecutionSteps: [{ StepName: "Prep", StepStatus: "Executing" }] })
      .resolves({
        PipelineExecutionSteps: [
          { StepName: "Train", StepStatus: "Succeeded" },
          { StepName: "Prep", StepStatus: "Succeeded" },
        ],
      });
    const lines: string[] = [];
    const sleeps: number[] = [];
    const r = await waitForExecution(client(), EXEC_ARN, {
      pollSeconds: 5,
      onProgress: (l) => lines.push(l),
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    expect(r).toEqual({ status: "Succeeded", timedOut: false });
    expect(lines).toEqual([
      "step Prep: Executing",
      "execution: Executing",
      "step Prep: Succeeded",
      "step Train: Succeeded",
      "execution: Succeeded",
    ]);
    expect(sleeps).toEqual([5000, 5000]);

    sm.reset();
    sm.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: "Executing" });
    sm.on(ListPipelineExecutionStepsCommand).resolves({ PipelineExecutionSteps: [] });
    let t = 0;
    const timed = await waitForExecution(client(), EXEC_ARN, {
      pollSeconds: 10,
      timeoutSeconds: 25,
      now: () => t,
      sleep: async (ms) => {
        t += ms;
      },
    });
    expect(timed).toEqual({ status: "Executing", timedOut: true });
    expect(t).toBe(20_000);
  });
});
