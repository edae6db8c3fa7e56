/**
 * Pipelines against moto_server: upsert creates then updates, the stored definition carries the LOB tags,
 * start with a valid LOB creates an execution whose parameters carry it, an invalid LOB exits 2 and starts nothing.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CreateBucketCommand, GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  DescribePipelineCommand,
  ListPipelineExecutionsCommand,
  ListPipelineParametersForExecutionCommand,
  ListTagsCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lintDefinition } from "../../pipelines/index.js";
import { runCli } from "../support/cli.js";
import { MOTO_ENV, type Moto, motoClientConfig, startMoto } from "../support/moto.js";

const POLICY = { tagKey: "LineOfBusiness", lobs: ["retail", "wealth", "insurance", "platform"] };
const ROLE = "arn:aws:iam::123456789012:role/PipelineRole";

describe("smcb pipeline against moto", () => {
  let moto: Moto;
  let sm: SageMakerClient;
  let cli: (args: string[]) => ReturnType<typeof runCli>;
  let dir: string;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    // The SDK's credential chain reads process.env, not the CLI's io.env.
    Object.assign(process.env, MOTO_ENV);
    moto = await startMoto();
    sm = new SageMakerClient(motoClientConfig(moto));
    dir = mkdtempSync(path.join(tmpdir(), "smcb-pipelines-it-"));
    cli = (args) =>
      runCli([...args, "--config", "test/fixtures/smcb.config.json", "--endpoint-url", moto.endpoint], {
        env: { ...MOTO_ENV },
      });
  });
  afterAll(async () => {
    for (const k of Object.keys(MOTO_ENV)) {
      if (savedEnv[k] === undefined) delete process.env[k];
      else process.env[k] = savedEnv[k];
    }
    await moto?.stop();
  });

  it("upsert creates, then updates; the stored definition has the tags; the pipeline is tagged", async () => {
    const tagged = path.join(dir, "abalone.json");
    const tag = await cli([
      "pipeline",
      "tag",
      "test/fixtures/sdk-pipelines/02-processing-tuning-createmodel.json",
      "--out",
      tagged,
    ]);
    expect(tag.code).toBe(0);
    const upsert = (extra: string[] = []) =>
      cli([
        "pipeline",
        "upsert",
        "--name",
        "abalone",
        "--definition",
        tagged,
        "--role",
        ROLE,
        "--lob",
        "platform",
        "--json",
        ...extra,
      ]);
    const first = await upsert(["--tag", "Team=ml"]);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ action: "created", definitionLocation: "inline" });
    const second = await upsert(["--description", "second revision"]);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ action: "updated" });

    const stored = await sm.send(new DescribePipelineCommand({ PipelineName: "abalone" }));
    expect(stored.PipelineDescription).toBe("second revision");
    const definition = JSON.parse(stored.PipelineDefinition ?? "{}");
    expect(lintDefinition(definition, POLICY).ok).toBe(true);
    for (const step of definition.Steps.filter((s: { Type: string }) => s.Type !== "Model"))
      expect(step.Arguments.Tags).toContainEqual({
        Key: "LineOfBusiness",
        Value: { Get: "Parameters.LineOfBusiness" },
      });
    const tags = await sm.send(new ListTagsCommand({ ResourceArn: stored.PipelineArn }));
    expect(tags.Tags).toEqual(
      expect.arrayContaining([
        { Key: "LineOfBusiness", Value: "platform" },
        { Key: "Team", Value: "ml" },
      ]),
    );
  });

  it("upsert of a builder module: the churn example", async () => {
    const r = await cli([
      "pipeline",
      "upsert",
      "--name",
      "churn",
      "--definition",
      "pipelines/examples/churn.ts",
      "--role",
      ROLE,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^created arn:aws:sagemaker:us-east-1:\d{12}:pipeline\/churn/);
  });

  it("start with a valid LOB: an execution whose parameters carry it", async () => {
    const r = await cli([
      "pipeline",
      "start",
      "--name",
      "churn",
      "--lob",
      "retail",
      "--param",
      "MinAuc=0.85",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const arn = r.stdout.trim();
    expect(arn).toMatch(/^arn:aws:sagemaker:us-east-1:\d{12}:pipeline\/churn\/execution\/\w+$/);
    const params = await sm.send(
      new ListPipelineParametersForExecutionCommand({ PipelineExecutionArn: arn }),
    );
    expect(params.PipelineParameters).toEqual([
      { Name: "LineOfBusiness", Value: "retail" },
      { Name: "MinAuc", Value: "0.85" },
    ]);
  });

  it("start with an invalid LOB, or a bad parameter, exits 2 and starts nothing", async () => {
    const before = (await sm.send(new ListPipelineExecutionsCommand({ PipelineName: "churn" })))
      .PipelineExecutionSummaries?.length;
    const bad = await cli(["pipeline", "start", "--name", "churn", "--lob", "marketing"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not an allowed LOB/);
    const badParam = await cli([
      "pipeline",
      "start",
      "--name",
      "churn",
      "--lob",
      "retail",
      "--param",
      "MaxTuningJobs=many",
    ]);
    expect(badParam.code).toBe(2);
    expect(badParam.stderr).toMatch(/MaxTuningJobs: "many" is not an Integer/);
    const missing = await cli(["pipeline", "start", "--name", "nothere", "--lob", "retail"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/No pipeline named nothere/);
    const after = (await sm.send(new ListPipelineExecutionsCommand({ PipelineName: "churn" })))
      .PipelineExecutionSummaries?.length;
    expect(after).toBe(before);
  });

  it("start refuses a pipeline whose definition has no LOB parameter (exit 2)", async () => {
    const r = await cli([
      "pipeline",
      "upsert",
      "--name",
      "untagged",
      "--definition",
      "test/fixtures/sdk-pipelines/05-sdk-unit-test-steps-processing-training-tuning.json",
      "--role",
      ROLE,
      "--allow-untagged",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const s = await cli(["pipeline", "start", "--name", "untagged", "--lob", "retail"]);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/declares no LineOfBusiness parameter/);
    const list = await sm.send(new ListPipelineExecutionsCommand({ PipelineName: "untagged" }));
    expect(list.PipelineExecutionSummaries).toEqual([]);
  });

  it("over the inline limit: a clear usage error without --s3-uri, through S3 with it", async () => {
    const big = path.join(dir, "big.json");
    const def = JSON.parse((await cli(["pipeline", "synth", "pipelines/examples/churn.ts"])).stdout);
    def.Metadata = { padding: "x".repeat(1_048_576) };
    writeFileSync(big, JSON.stringify(def));
    const r = await cli(["pipeline", "upsert", "--name", "big", "--definition", big, "--role", ROLE]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/over the 1048576-character limit/);
    expect(r.stderr).toMatch(/--s3-uri/);

    const s3 = new S3Client({ ...motoClientConfig(moto), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: "pipeline-definitions" }));
    const viaS3 = await cli([
      "pipeline",
      "upsert",
      "--name",
      "big",
      "--definition",
      big,
      "--role",
      ROLE,
      "--s3-uri",
      "s3://pipeline-definitions/defs/",
      "--json",
    ]);
    expect(viaS3.code, viaS3.stderr).toBe(0);
    expect(JSON.parse(viaS3.stdout)).toMatchObject({
      action: "created",
      definitionLocation: "s3://pipeline-definitions/defs/big.json",
    });
    const object = await s3.send(
      new GetObjectCommand({ Bucket: "pipeline-definitions", Key: "defs/big.json" }),
    );
    expect(JSON.parse(await (object.Body?.transformToString() ?? "{}"))).toEqual(def);
  });
});
