import {
  BedrockClient,
  ListInferenceProfilesCommand,
  ListTagsForResourceCommand,
} from "@aws-sdk/client-bedrock";
import {
  AddTagsCommand,
  ListInferenceComponentsCommand,
  ListModelsCommand,
  ListPipelineParametersForExecutionCommand,
  ListTagsCommand,
  ListTrainingJobsCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type AuditResourceType,
  type AuditTagsOptions,
  auditTags,
  classifyLobTag,
  parseDuration,
  type TagChange,
} from "../../../audit/index.js";
import { AwsError, ExitCode, UsageError } from "../../../core/errors.js";

const POLICY = { tagKey: "LineOfBusiness", lobs: ["retail", "wealth"] };
const SINCE = new Date("2026-10-28T00:00:00Z");
const ARN = "arn:aws:sagemaker:us-east-1:111122223333";
const EXEC = `${ARN}:pipeline/churn/execution/e1`;

const sm = mockClient(SageMakerClient);
const br = mockClient(BedrockClient);

function run(types: AuditResourceType[], extra: Partial<AuditTagsOptions> = {}) {
  return auditTags({
    policy: POLICY,
    clients: { sagemaker: new SageMakerClient({}), bedrock: new BedrockClient({}) },
    since: SINCE,
    types,
    ...extra,
  });
}

function trainingJobs(...names: string[]) {
  sm.on(ListTrainingJobsCommand).resolves({
    TrainingJobSummaries: names.map((n) => ({
      TrainingJobName: n,
      TrainingJobArn: `${ARN}:training-job/${n}`,
      CreationTime: SINCE,
      TrainingJobStatus: "Completed",
    })),
  });
}

function tagsOf(name: string, tags: Array<[string, string]>) {
  sm.on(ListTagsCommand, { ResourceArn: `${ARN}:training-job/${name}` }).resolves({
    Tags: tags.map(([Key, Value]) => ({ Key, Value })),
  });
}

/** Answers `pages` in turn, keeping a copy of each input (paginators reuse and mutate one input object). */
function paged<T>(pages: T[], inputs: unknown[]) {
  return async (input: object) => {
    inputs.push({ ...input });
    return pages.shift();
  };
}

beforeEach(() => {
  sm.reset();
  br.reset();
  sm.onAnyCommand().resolves({});
  br.onAnyCommand().resolves({});
});
afterEach(() => {
  sm.reset();
  br.reset();
});

describe("parseDuration", () => {
  it("reads hours, days and weeks", () => {
    expect(parseDuration("12h")).toBe(12 * 3_600_000);
    expect(parseDuration("30d")).toBe(30 * 86_400_000);
    expect(parseDuration("2w")).toBe(14 * 86_400_000);
  });
  it.each(["", "0d", "30", "d", "1.5d", "-2d", "3m", "1y", "2 w"])("rejects %j with a usage error", (s) => {
    expect(() => parseDuration(s)).toThrow(UsageError);
  });
});

describe("classifyLobTag", () => {
  it("present, missing, invalid value, wrong-case key; the exact key wins", () => {
    expect(classifyLobTag(POLICY, [{ Key: "LineOfBusiness", Value: "retail" }])).toEqual({
      status: "present",
      value: "retail",
    });
    expect(classifyLobTag(POLICY, [{ Key: "Team", Value: "retail" }])).toEqual({ status: "missing" });
    expect(classifyLobTag(POLICY, [{ Key: "LineOfBusiness", Value: "Wealth" }])).toMatchObject({
      status: "invalid",
      value: "Wealth",
      reason: expect.stringMatching(/did you mean "wealth"/),
    });
    expect(classifyLobTag(POLICY, [{ Key: "LINEOFBUSINESS", Value: "retail" }])).toEqual({
      status: "invalid",
      value: "retail",
      reason: 'tag key "LINEOFBUSINESS" is not "LineOfBusiness" (tag keys are case-sensitive)',
    });
    expect(
      classifyLobTag(POLICY, [
        { Key: "lineofbusiness", Value: "x" },
        { Key: "LineOfBusiness", Value: "wealth" },
      ]),
    ).toEqual({ status: "present", value: "wealth" });
  });
});

describe("auditTags: inference components (not emulated by moto)", () => {
  it("pages through the list and through each component's tags", async () => {
    const ic = (n: string) => ({
      InferenceComponentName: n,
      InferenceComponentArn: `${ARN}:inference-component/${n}`,
      EndpointName: "shared-llm",
      EndpointArn: `${ARN}:endpoint/shared-llm`,
      VariantName: "main",
      CreationTime: SINCE,
      LastModifiedTime: SINCE,
    });
    const lists: unknown[] = [];
    sm.on(ListInferenceComponentsCommand).callsFake(
      paged(
        [
          { InferenceComponents: [ic("ic-b"), ic("ic-a")], NextToken: "page2" },
          { InferenceComponents: [ic("ic-c")] },
        ],
        lists,
      ),
    );
    sm.on(ListTagsCommand, { ResourceArn: `${ARN}:inference-component/ic-a` })
      .resolvesOnce({ Tags: [{ Key: "SharedEndpoint", Value: "shared-llm" }], NextToken: "t2" })
      .resolvesOnce({ Tags: [{ Key: "LineOfBusiness", Value: "retail" }] });
    sm.on(ListTagsCommand, { ResourceArn: `${ARN}:inference-component/ic-b` }).resolves({
      Tags: [{ Key: "LineOfBusiness", Value: "insurance" }],
    });
    sm.on(ListTagsCommand, { ResourceArn: `${ARN}:inference-component/ic-c` }).resolves({ Tags: [] });

    const report = await run(["inference-component"]);
    expect(lists).toEqual([{ MaxResults: 100 }, { MaxResults: 100, NextToken: "page2" }]);
    expect(sm.commandCalls(ListTagsCommand, { ResourceArn: `${ARN}:inference-component/ic-a` })).toHaveLength(
      2,
    );
    expect(report.resources.map((r) => [r.name, r.status, r.value])).toEqual([
      ["ic-a", "present", "retail"],
      ["ic-b", "invalid", "insurance"],
      ["ic-c", "missing", undefined],
    ]);
    expect(report.coverage.byType).toEqual([
      { type: "inference-component", total: 3, present: 1, missing: 1, invalid: 1, percent: 33.3 },
    ]);
    expect(report.resources[2]?.derivation).toBeUndefined();
  });
});

describe("auditTags: Bedrock application inference profiles (not emulated by moto)", () => {
  it("lists APPLICATION profiles on every page and reads tags with ListTagsForResource", async () => {
    const profile = (n: string) => ({
      inferenceProfileName: n,
      inferenceProfileArn: `arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/${n}`,
      inferenceProfileId: n,
      models: [],
      status: "ACTIVE" as const,
      type: "APPLICATION" as const,
      createdAt: SINCE,
    });
    const lists: unknown[] = [];
    br.on(ListInferenceProfilesCommand).callsFake(
      paged(
        [
          { inferenceProfileSummaries: [profile("p-retail")], nextToken: "n2" },
          { inferenceProfileSummaries: [profile("p-none"), profile("p-bad")] },
        ],
        lists,
      ),
    );
    br.on(ListTagsForResourceCommand, { resourceARN: profile("p-retail").inferenceProfileArn }).resolves({
      tags: [{ key: "LineOfBusiness", value: "retail" }],
    });
    br.on(ListTagsForResourceCommand, { resourceARN: profile("p-none").inferenceProfileArn }).resolves({
      tags: [],
    });
    br.on(ListTagsForResourceCommand, { resourceARN: profile("p-bad").inferenceProfileArn }).resolves({
      tags: [{ key: "LineOfBusiness", value: "a*b" }],
    });

    const report = await run(["bedrock-profile"]);
    expect(lists).toEqual([
      { typeEquals: "APPLICATION", maxResults: 100 },
      { typeEquals: "APPLICATION", maxResults: 100, nextToken: "n2" },
    ]);
    expect(report.resources.map((r) => [r.name, r.status])).toEqual([
      ["p-bad", "invalid"],
      ["p-none", "missing"],
      ["p-retail", "present"],
    ]);
    expect(report.resources[0]?.reason).toMatch(/characters outside/);
    expect(report.resources[2]?.createdAt).toEqual(SINCE);
    expect(sm.calls()).toHaveLength(0);
    expect(br.commandCalls(ListTagsForResourceCommand)).toHaveLength(3);
  });

  it("a failing profile tag read is an AWS error naming ListTagsForResource and the profile", async () => {
    const arn = "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/p1";
    br.on(ListInferenceProfilesCommand).resolves({
      inferenceProfileSummaries: [
        {
          inferenceProfileName: "p1",
          inferenceProfileArn: arn,
          inferenceProfileId: "p1",
          models: [],
          status: "ACTIVE",
          type: "APPLICATION",
        },
      ],
    });
    br.on(ListTagsForResourceCommand).rejects(
      Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }),
    );
    const err = await run(["bedrock-profile"]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsError);
    expect((err as AwsError).message).toBe(
      `ListTagsForResource ${arn} failed: ThrottlingException: Rate exceeded`,
    );
  });
});

describe("auditTags: listing", () => {
  it("limits the four job types to --since and lists the others whole", async () => {
    await run(["training-job", "processing-job", "tuning-job", "transform-job", "model", "endpoint-config"]);
    const sent = sm.calls().map((c) => {
      const cmd = c.args[0] as unknown as { constructor: { name: string }; input: unknown };
      return [cmd.constructor.name, cmd.input];
    });
    const jobs = { CreationTimeAfter: SINCE, MaxResults: 100 };
    expect(Object.fromEntries(sent)).toEqual({
      ListTrainingJobsCommand: jobs,
      ListProcessingJobsCommand: jobs,
      ListHyperParameterTuningJobsCommand: jobs,
      ListTransformJobsCommand: jobs,
      ListModelsCommand: { MaxResults: 100 },
      ListEndpointConfigsCommand: { MaxResults: 100 },
    });
    expect(sent).toHaveLength(6);
  });

  it("an empty account has no coverage figure, and no findings", async () => {
    const report = await run(["model"]);
    expect(report.coverage.overall).toEqual({ total: 0, present: 0, missing: 0, invalid: 0, percent: null });
  });

  it("types that cannot be listed are an AWS error naming each, with the others to audit instead", async () => {
    sm.on(ListInferenceComponentsCommand).rejects(
      Object.assign(new Error("Unknown operation"), { name: "UnknownOperationException" }),
    );
    br.on(ListInferenceProfilesCommand).rejects(
      Object.assign(new Error("nope"), { name: "AccessDeniedException" }),
    );
    const err = await run(["model", "inference-component", "bedrock-profile"]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsError);
    expect((err as AwsError).exitCode).toBe(ExitCode.DataSource);
    expect((err as AwsError).message).toBe(
      "Could not list 2 resource type(s):\n" +
        "  inference-component: ListInferenceComponents failed: UnknownOperationException: Unknown operation\n" +
        "  bedrock-profile: ListInferenceProfiles failed: AccessDeniedException: nope",
    );
    expect((err as AwsError).hint).toMatch(/--types model\.$/);
  });

  it("an unreachable AWS is one error, not one per type", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), {
      code: "ECONNREFUSED",
      address: "127.0.0.1",
      port: 9,
    });
    sm.onAnyCommand().rejects(refused);
    const err = await run(["model", "endpoint"]).catch((e: unknown) => e);
    expect((err as AwsError).message).toBe("ListModels: cannot reach AWS at 127.0.0.1:9 (ECONNREFUSED).");
  });

  it("reads tags with bounded concurrency", async () => {
    trainingJobs(...Array.from({ length: 20 }, (_, i) => `job-${String(i).padStart(2, "0")}`));
    let inFlight = 0;
    let most = 0;
    sm.on(ListTagsCommand).callsFake(async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      return { Tags: [{ Key: "LineOfBusiness", Value: "retail" }] };
    });
    const report = await run(["training-job"], { concurrency: 3 });
    expect(report.coverage.overall.present).toBe(20);
    expect(most).toBe(3);
  });

  it("a failing tag read is an AWS error naming the resource", async () => {
    trainingJobs("job-1");
    sm.on(ListTagsCommand).rejects(
      Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }),
    );
    await expect(run(["training-job"])).rejects.toThrow(
      `ListTags ${ARN}:training-job/job-1 failed: ThrottlingException: Rate exceeded`,
    );
  });
});

describe("auditTags: deriving and fixing the LOB of pipeline jobs", () => {
  beforeEach(() => {
    sm.on(ListPipelineParametersForExecutionCommand, { PipelineExecutionArn: EXEC })
      .resolvesOnce({ PipelineParameters: [{ Name: "Other", Value: "x" }], NextToken: "p2" })
      .resolvesOnce({ PipelineParameters: [{ Name: "LineOfBusiness", Value: "wealth" }] });
    sm.on(AddTagsCommand).resolves({});
  });

  it("asks each execution once, tags every untagged job of it, reports each change as it happens", async () => {
    trainingJobs("a", "b", "c", "tagged", "wrong");
    for (const n of ["a", "b", "c"]) tagsOf(n, [["sagemaker:pipeline-execution-arn", EXEC]]);
    tagsOf("tagged", [
      ["sagemaker:pipeline-execution-arn", EXEC],
      ["LineOfBusiness", "retail"],
    ]);
    tagsOf("wrong", [
      ["sagemaker:pipeline-execution-arn", EXEC],
      ["LineOfBusiness", "Wealth"],
    ]);
    const seen: TagChange[] = [];
    const report = await run(["training-job"], { fix: true, onChange: (c) => seen.push(c) });

    expect(sm.commandCalls(ListPipelineParametersForExecutionCommand)).toHaveLength(2); // one execution, two pages
    expect(sm.commandCalls(AddTagsCommand).map((c) => c.args[0].input)).toEqual(
      ["a", "b", "c"].map((n) => ({
        ResourceArn: `${ARN}:training-job/${n}`,
        Tags: [{ Key: "LineOfBusiness", Value: "wealth" }],
      })),
    );
    expect(report.changes.map((c) => c.name)).toEqual(["a", "b", "c"]);
    expect(seen.map((c) => c.name).sort()).toEqual(["a", "b", "c"]);
    expect(report.changes[0]).toEqual({
      type: "training-job",
      name: "a",
      arn: `${ARN}:training-job/a`,
      key: "LineOfBusiness",
      value: "wealth",
      pipelineExecutionArn: EXEC,
    });
    expect(report.resources.map((r) => [r.name, r.status, r.fixed === true])).toEqual([
      ["a", "present", true],
      ["b", "present", true],
      ["c", "present", true],
      ["tagged", "present", false],
      ["wrong", "invalid", false],
    ]);
  });

  it("without fix, only says what is derivable", async () => {
    trainingJobs("a");
    tagsOf("a", [["sagemaker:pipeline-execution-arn", EXEC]]);
    const report = await run(["training-job"]);
    expect(sm.commandCalls(AddTagsCommand)).toHaveLength(0);
    expect(report.resources[0]).toMatchObject({
      status: "missing",
      derivation: { pipelineExecutionArn: EXEC, lob: "wealth" },
    });
    expect(report.changes).toEqual([]);
  });

  it("leaves findings that cannot be derived: gone execution, invalid parameter, tag limit, non-job", async () => {
    const gone = `${ARN}:pipeline/old/execution/gone`;
    const bad = `${ARN}:pipeline/churn/execution/bad`;
    sm.on(ListPipelineParametersForExecutionCommand, { PipelineExecutionArn: gone }).rejects(
      Object.assign(new Error("not found"), { name: "ResourceNotFound" }),
    );
    sm.on(ListPipelineParametersForExecutionCommand, { PipelineExecutionArn: bad }).resolves({
      PipelineParameters: [{ Name: "LineOfBusiness", Value: "marketing" }],
    });
    trainingJobs("gone", "bad", "full");
    tagsOf("gone", [["sagemaker:pipeline-execution-arn", gone]]);
    tagsOf("bad", [["sagemaker:pipeline-execution-arn", bad]]);
    tagsOf("full", [
      ["sagemaker:pipeline-execution-arn", EXEC],
      ...Array.from({ length: 49 }, (_, i): [string, string] => [`k${i}`, "v"]),
    ]);
    sm.on(ListModelsCommand).resolves({
      Models: [{ ModelName: "m", ModelArn: `${ARN}:model/m`, CreationTime: SINCE }],
    });
    sm.on(ListTagsCommand, { ResourceArn: `${ARN}:model/m` }).resolves({
      Tags: [{ Key: "sagemaker:pipeline-execution-arn", Value: EXEC }],
    });

    const report = await run(["training-job", "model"], { fix: true });
    expect(sm.commandCalls(AddTagsCommand)).toHaveLength(0);
    expect(report.changes).toEqual([]);
    expect(report.resources.map((r) => [r.name, r.status, r.derivation?.reason])).toEqual([
      [
        "bad",
        "missing",
        expect.stringMatching(/^the execution's LineOfBusiness parameter: "marketing" is not/),
      ],
      ["full", "missing", "the job already has 50 tags"],
      ["gone", "missing", "the pipeline execution was not found"],
      ["m", "missing", undefined],
    ]);
  });

  it("a failing AddTags is an AWS error", async () => {
    trainingJobs("a");
    tagsOf("a", [["sagemaker:pipeline-execution-arn", EXEC]]);
    sm.on(AddTagsCommand).rejects(Object.assign(new Error("denied"), { name: "AccessDeniedException" }));
    const err = await run(["training-job"], { fix: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsError);
    expect((err as AwsError).message).toBe(
      `AddTags ${ARN}:training-job/a failed: AccessDeniedException: denied`,
    );
  });
});
