/**
 * `smcb audit tags` against moto_server with a seeded account: coverage figures, `--fix` changes, idempotence.
 * moto accepts the system tag `sagemaker:pipeline-execution-arn` on CreateTrainingJob / CreateProcessingJob /
 * CreateHyperParameterTuningJob, so the derivation runs end to end here. It does not emulate inference components
 * nor Bedrock inference profiles: those are covered by test/unit/audit/audit.test.ts.
 */
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateHyperParameterTuningJobCommand,
  CreateModelCommand,
  CreatePipelineCommand,
  CreateProcessingJobCommand,
  CreateTrainingJobCommand,
  CreateTransformJobCommand,
  ListTagsCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
  type Tag,
} from "@aws-sdk/client-sagemaker";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { AuditReport } from "../../audit/index.js";
import { runCli } from "../support/cli.js";
import { freePort, MOTO_ENV, type Moto, motoClientConfig, startMoto } from "../support/moto.js";

const ROLE = "arn:aws:iam::123456789012:role/sagemaker";
const EXEC_TAG = "sagemaker:pipeline-execution-arn";
const MOTO_TYPES =
  "training-job,processing-job,tuning-job,transform-job,model,endpoint-config,endpoint,pipeline";

let moto: Moto;
let sm: SageMakerClient;
const arns: Record<string, string> = {};

function lob(value: string): Tag[] {
  return [{ Key: "LineOfBusiness", Value: value }];
}

async function trainingJob(name: string, tags: Tag[]): Promise<void> {
  const out = await sm.send(
    new CreateTrainingJobCommand({
      TrainingJobName: name,
      AlgorithmSpecification: { TrainingImage: "img", TrainingInputMode: "File" },
      RoleArn: ROLE,
      OutputDataConfig: { S3OutputPath: "s3://bucket/out" },
      ResourceConfig: { InstanceType: "ml.m5.xlarge", InstanceCount: 1, VolumeSizeInGB: 10 },
      StoppingCondition: { MaxRuntimeInSeconds: 600 },
      ...(tags.length > 0 ? { Tags: tags } : {}),
    }),
  );
  arns[name] = out.TrainingJobArn as string;
}

async function processingJob(name: string, tags: Tag[]): Promise<void> {
  const out = await sm.send(
    new CreateProcessingJobCommand({
      ProcessingJobName: name,
      ProcessingResources: {
        ClusterConfig: { InstanceCount: 1, InstanceType: "ml.m5.xlarge", VolumeSizeInGB: 10 },
      },
      AppSpecification: { ImageUri: "img" },
      RoleArn: ROLE,
      ...(tags.length > 0 ? { Tags: tags } : {}),
    }),
  );
  arns[name] = out.ProcessingJobArn as string;
}

async function pipeline(name: string, params: string[], tags: Tag[]): Promise<void> {
  await sm.send(
    new CreatePipelineCommand({
      PipelineName: name,
      RoleArn: ROLE,
      PipelineDefinition: JSON.stringify({
        Version: "2020-12-01",
        Parameters: params.map((p) => ({ Name: p, Type: "String", DefaultValue: "retail" })),
        Steps: [],
      }),
      ...(tags.length > 0 ? { Tags: tags } : {}),
    }),
  );
}

async function execution(pipelineName: string, lobValue?: string): Promise<string> {
  const out = await sm.send(
    new StartPipelineExecutionCommand({
      PipelineName: pipelineName,
      ...(lobValue ? { PipelineParameters: [{ Name: "LineOfBusiness", Value: lobValue }] } : {}),
    }),
  );
  return out.PipelineExecutionArn as string;
}

async function seed(): Promise<void> {
  await pipeline("churn", ["LineOfBusiness"], lob("platform"));
  await pipeline("legacy", [], []);
  const execWealth = await execution("churn", "wealth");
  const execWrongCase = await execution("churn", "Retail");
  const execNoParam = await execution("legacy");
  const fromExec = (arn: string): Tag[] => [{ Key: EXEC_TAG, Value: arn }];

  await trainingJob("train-tagged", lob("retail"));
  await trainingJob("train-untagged", []);
  await trainingJob("train-wrong-case", lob("Retail"));
  await trainingJob("train-pipeline-1", fromExec(execWealth));
  await trainingJob("train-pipeline-2", fromExec(execWealth));
  await trainingJob("train-pipeline-bad-param", fromExec(execWrongCase));
  await trainingJob("train-pipeline-tagged", [...fromExec(execWealth), ...lob("insurance")]);
  await trainingJob("train-pipeline-wrong-tag", [...fromExec(execWealth), ...lob("marketing")]);

  await processingJob("proc-pipeline", fromExec(execWealth));
  await processingJob("proc-no-param", fromExec(execNoParam));
  await processingJob("proc-unknown", lob("marketing"));
  await processingJob("proc-key-case", [{ Key: "lineofbusiness", Value: "retail" }]);

  const tuning = await sm.send(
    new CreateHyperParameterTuningJobCommand({
      HyperParameterTuningJobName: "tune-pipeline",
      HyperParameterTuningJobConfig: {
        Strategy: "Bayesian",
        ResourceLimits: { MaxNumberOfTrainingJobs: 1, MaxParallelTrainingJobs: 1 },
      },
      TrainingJobDefinition: {
        AlgorithmSpecification: { TrainingImage: "img", TrainingInputMode: "File" },
        RoleArn: ROLE,
        OutputDataConfig: { S3OutputPath: "s3://bucket/out" },
        ResourceConfig: { InstanceType: "ml.m5.xlarge", InstanceCount: 1, VolumeSizeInGB: 10 },
        StoppingCondition: { MaxRuntimeInSeconds: 600 },
      },
      Tags: fromExec(execWealth),
    }),
  );
  arns["tune-pipeline"] = tuning.HyperParameterTuningJobArn as string;

  for (const [name, tags] of [
    ["model-retail", lob("retail")],
    ["model-untagged", []],
  ] as const)
    await sm.send(
      new CreateModelCommand({
        ModelName: name,
        ExecutionRoleArn: ROLE,
        PrimaryContainer: { Image: "img" },
        ...(tags.length > 0 ? { Tags: [...tags] } : {}),
      }),
    );
  await sm.send(
    new CreateTransformJobCommand({
      TransformJobName: "transform-tagged",
      ModelName: "model-retail",
      TransformInput: { DataSource: { S3DataSource: { S3DataType: "S3Prefix", S3Uri: "s3://bucket/in" } } },
      TransformOutput: { S3OutputPath: "s3://bucket/out" },
      TransformResources: { InstanceType: "ml.m5.xlarge", InstanceCount: 1 },
      Tags: lob("retail"),
    }),
  );
  for (const [name, tags] of [
    ["ec-wealth", lob("wealth")],
    ["ec-untagged", []],
  ] as const)
    await sm.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: name,
        ProductionVariants: [
          {
            VariantName: "main",
            ModelName: "model-retail",
            InstanceType: "ml.m5.xlarge",
            InitialInstanceCount: 1,
          },
        ],
        ...(tags.length > 0 ? { Tags: [...tags] } : {}),
      }),
    );
  await sm.send(
    new CreateEndpointCommand({
      EndpointName: "ep-shared",
      EndpointConfigName: "ec-wealth",
      Tags: [...lob("platform"), { Key: "SharedEndpoint", Value: "ep-shared" }],
    }),
  );
  await sm.send(
    new CreateEndpointCommand({
      EndpointName: "ep-empty-lob",
      EndpointConfigName: "ec-untagged",
      Tags: lob(""),
    }),
  );
}

async function audit(...extra: string[]) {
  const r = await runCli(
    [
      "audit",
      "tags",
      "--config",
      "test/fixtures/smcb.config.json",
      "--endpoint-url",
      moto.endpoint,
      "--region",
      "us-east-1",
      ...extra,
    ],
    { env: MOTO_ENV },
  );
  return r;
}

async function auditJson(...extra: string[]): Promise<{ code: number; report: AuditReport; stderr: string }> {
  const r = await audit("--types", MOTO_TYPES, "--json", ...extra);
  return { code: r.code, report: JSON.parse(r.stdout) as AuditReport, stderr: r.stderr };
}

// The SDK's credential chain reads process.env, not the env runCli hands the command.
beforeAll(() => {
  for (const [k, v] of Object.entries(MOTO_ENV)) vi.stubEnv(k, v);
});
afterAll(() => {
  vi.unstubAllEnvs();
});

const statusOf = (report: AuditReport) =>
  Object.fromEntries(report.resources.map((r) => [`${r.type}/${r.name}`, r.status]));

describe("smcb audit tags against moto", () => {
  beforeAll(async () => {
    moto = await startMoto();
    sm = new SageMakerClient(motoClientConfig(moto));
    await seed();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it("reports coverage per type and overall, every finding with its reason and what is derivable", async () => {
    const { code, report } = await auditJson();
    expect(code).toBe(1);
    expect(report.fix).toBe(false);
    expect(report.changes).toEqual([]);
    expect(
      report.coverage.byType.map((c) => [c.type, c.total, c.present, c.missing, c.invalid, c.percent]),
    ).toEqual([
      ["training-job", 8, 2, 4, 2, 25],
      ["processing-job", 4, 0, 2, 2, 0],
      ["tuning-job", 1, 0, 1, 0, 0],
      ["transform-job", 1, 1, 0, 0, 100],
      ["model", 2, 1, 1, 0, 50],
      ["endpoint-config", 2, 1, 1, 0, 50],
      ["endpoint", 2, 1, 0, 1, 50],
      ["pipeline", 2, 1, 1, 0, 50],
    ]);
    expect(report.coverage.overall).toEqual({
      total: 22,
      present: 7,
      missing: 10,
      invalid: 5,
      percent: 31.8,
    });
    const byName = Object.fromEntries(report.resources.map((r) => [r.name, r]));
    expect(byName["train-wrong-case"]).toMatchObject({
      status: "invalid",
      value: "Retail",
      reason: expect.stringMatching(/did you mean "retail"/),
    });
    expect(byName["proc-key-case"]).toMatchObject({
      status: "invalid",
      reason: expect.stringMatching(/"lineofbusiness" is not "LineOfBusiness"/),
    });
    expect(byName["ep-empty-lob"]).toMatchObject({ status: "invalid", reason: "LOB is empty" });
    expect(byName["train-pipeline-1"]?.derivation).toMatchObject({ lob: "wealth" });
    expect(byName["train-pipeline-bad-param"]?.derivation?.reason).toMatch(
      /LineOfBusiness parameter: "Retail"/,
    );
    expect(byName["proc-no-param"]?.derivation?.reason).toBe(
      'the execution has no parameter "LineOfBusiness"',
    );
    expect(byName["train-untagged"]?.derivation).toBeUndefined();
    expect(byName["train-tagged"]?.arn).toBe(arns["train-tagged"]);
  });

  it("prints a table on stdout without --json", async () => {
    const r = await audit("--types", MOTO_TYPES);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^training-job\s+8\s+2\s+4\s+2\s+25\.0%$/m);
    expect(r.stdout).toMatch(/^all\s+22\s+7\s+10\s+5\s+31\.8%$/m);
    expect(r.stdout).toMatch(/^ {2}missing\s+training-job train-pipeline-1 \(fixable: wealth\)$/m);
    expect(r.stdout).toMatch(
      /4 missing tag\(s\) can be derived from pipeline executions: run again with --fix/,
    );
  });

  it("--fix tags exactly the derivable jobs, never overwrites, and a second run changes nothing", async () => {
    const first = await auditJson("--fix");
    expect(first.code).toBe(1);
    expect(first.report.changes.map((c) => [c.type, c.name, c.key, c.value])).toEqual([
      ["training-job", "train-pipeline-1", "LineOfBusiness", "wealth"],
      ["training-job", "train-pipeline-2", "LineOfBusiness", "wealth"],
      ["processing-job", "proc-pipeline", "LineOfBusiness", "wealth"],
      ["tuning-job", "tune-pipeline", "LineOfBusiness", "wealth"],
    ]);
    for (const c of first.report.changes)
      expect(c.pipelineExecutionArn).toMatch(/:pipeline\/churn\/execution\//);
    expect(first.stderr.trim().split("\n")).toHaveLength(4);
    expect(first.stderr).toMatch(
      /^added LineOfBusiness=wealth to training-job train-pipeline-1 \(from arn:/m,
    );
    expect(first.report.coverage.overall).toEqual({
      total: 22,
      present: 11,
      missing: 6,
      invalid: 5,
      percent: 50,
    });
    expect(first.report.resources.filter((r) => r.fixed).map((r) => r.name)).toEqual([
      "train-pipeline-1",
      "train-pipeline-2",
      "proc-pipeline",
      "tune-pipeline",
    ]);

    // What AWS now holds: one LOB tag on each fixed job; the existing tags untouched.
    const tagsOf = async (name: string) =>
      (await sm.send(new ListTagsCommand({ ResourceArn: arns[name] }))).Tags?.filter(
        (t) => t.Key === "LineOfBusiness",
      );
    expect(await tagsOf("train-pipeline-1")).toEqual(lob("wealth"));
    expect(await tagsOf("tune-pipeline")).toEqual(lob("wealth"));
    expect(await tagsOf("train-pipeline-tagged")).toEqual(lob("insurance"));
    expect(await tagsOf("train-pipeline-wrong-tag")).toEqual(lob("marketing"));
    expect(await tagsOf("train-pipeline-bad-param")).toEqual([]);

    const second = await auditJson("--fix");
    expect(second.code).toBe(1);
    expect(second.report.changes).toEqual([]);
    expect(second.stderr).toBe("");
    expect(second.report.coverage).toEqual(first.report.coverage);
    expect(statusOf(second.report)).toEqual(statusOf(first.report));
    expect(await tagsOf("train-pipeline-1")).toEqual(lob("wealth"));
  });

  it("all types by default: the types moto does not emulate are an AWS error naming them (exit 3)", async () => {
    const r = await audit("--json");
    expect(r.code).toBe(3);
    const { error } = JSON.parse(r.stdout);
    expect(error.message).toMatch(/Could not list 2 resource type\(s\)/);
    // moto answers these two with an HTML error page: said as an API the endpoint does not implement, per type
    expect(error.message).toMatch(
      /inference-component: ListInferenceComponents: the endpoint does not implement/,
    );
    expect(error.message).toMatch(/bedrock-profile: ListInferenceProfiles: the endpoint does not implement/);
    expect(error.hint).toContain(`--types ${MOTO_TYPES}`);
  });

  it("only the types asked for", async () => {
    const r = await audit("--types", "endpoint", "--types", "model", "--json");
    const { code } = r;
    const report = JSON.parse(r.stdout) as AuditReport;
    expect(report.types).toEqual(["model", "endpoint"]);
    expect(report.resources.map((r) => r.name)).toEqual([
      "model-retail",
      "model-untagged",
      "ep-empty-lob",
      "ep-shared",
    ]);
    expect(code).toBe(1);
  });
});

describe("smcb audit tags, bad input", () => {
  // quickly: within the test's own time limit (a runaway retry loop would exceed it), not a measured assertion
  it("an unreachable endpoint exits 3 naming it, quickly", { timeout: 15_000 }, async () => {
    const port = await freePort();
    const r = await runCli(
      [
        "audit",
        "tags",
        "--config",
        "test/fixtures/smcb.config.json",
        "--endpoint-url",
        `http://127.0.0.1:${port}`,
        "--region",
        "us-east-1",
      ],
      { env: MOTO_ENV },
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`cannot reach AWS at 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`));
    expect(r.stderr).toMatch(/hint: Check --endpoint-url/);
  });

  it.each([["0d"], ["30"], ["1y"], ["-2d"], ["1.5d"]])("--since %s exits 2", async (since) => {
    const r = await runCli([
      "audit",
      "tags",
      "--config",
      "test/fixtures/smcb.config.json",
      `--since=${since}`,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Invalid duration/);
  });

  it("an unknown --types value exits 2 listing the choices", async () => {
    const r = await runCli([
      "audit",
      "tags",
      "--config",
      "test/fixtures/smcb.config.json",
      "--types",
      "notebook",
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown resource type\(s\): notebook/);
    expect(r.stderr).toMatch(/hint: Choose from training-job, /);
  });
});
