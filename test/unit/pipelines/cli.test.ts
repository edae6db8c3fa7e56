import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  DescribePipelineCommand,
  DescribePipelineExecutionCommand,
  ListPipelineExecutionStepsCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
} from "@aws-sdk/client-sagemaker";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { pipeline as churn } from "../../../pipelines/examples/churn.js";
import { runCli } from "../../support/cli.js";

const CFG = ["--config", "test/fixtures/smcb.config.json"];
const FIXTURE = "test/fixtures/sdk-pipelines/02-processing-tuning-createmodel.json";
const sm = mockClient(SageMakerClient);
const tmp = () => mkdtempSync(path.join(tmpdir(), "smcb-pipeline-"));

beforeEach(() => sm.reset());

describe("smcb pipeline lint", () => {
  it("exits 1 listing the untagged steps of an SDK-made definition", async () => {
    const r = await runCli(["pipeline", "lint", FIXTURE, ...CFG]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/2 of 2 cost-bearing step\(s\) lack a valid LineOfBusiness tag/);
    expect(r.stdout).toMatch(/Process \(Processing, Steps\[0\]\): no LineOfBusiness tag/);
  });
  it("--json gives the findings; a missing file exits 2, malformed JSON exits 2 (files the user named)", async () => {
    const r = await runCli(["pipeline", "lint", FIXTURE, ...CFG, "--json"]);
    expect(JSON.parse(r.stdout).findings.map((f: { step: string }) => f.step)).toEqual([
      "Process",
      "HPTuning",
    ]);
    expect((await runCli(["pipeline", "lint", "nope.json", ...CFG])).code).toBe(2);
    const dir = tmp();
    writeFileSync(path.join(dir, "bad.json"), "{");
    const bad = await runCli(["pipeline", "lint", path.join(dir, "bad.json"), ...CFG]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not valid JSON/);
  });
});

describe("smcb pipeline tag", () => {
  it("prints the tagged definition, which then lints clean; changes go to stderr", async () => {
    const r = await runCli(["pipeline", "tag", FIXTURE, ...CFG]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/added LineOfBusiness on Process \(Steps\[0\]\)/);
    const dir = tmp();
    const out = path.join(dir, "tagged.json");
    writeFileSync(out, r.stdout);
    expect((await runCli(["pipeline", "lint", out, ...CFG])).code).toBe(0);
    const again = await runCli(["pipeline", "tag", out, ...CFG, "--out", path.join(dir, "again.json")]);
    expect(again.stderr).toMatch(/already tagged/);
    expect(JSON.parse(readFileSync(path.join(dir, "again.json"), "utf8"))).toEqual(JSON.parse(r.stdout));
  });
  it("exits 2 when a step would exceed 50 tags", async () => {
    const dir = tmp();
    const def = {
      Version: "2020-12-01",
      Parameters: [],
      Steps: [
        {
          Name: "P",
          Type: "Processing",
          Arguments: { Tags: Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: "v" })) },
        },
      ],
    };
    writeFileSync(path.join(dir, "full.json"), JSON.stringify(def));
    const r = await runCli(["pipeline", "tag", path.join(dir, "full.json"), ...CFG]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/would exceed the limit of 50 tags on: P/);
    expect(r.stdout).toBe("");
  });
});

describe("smcb pipeline synth", () => {
  it("prints the definition the example module exports", async () => {
    const r = await runCli(["pipeline", "synth", "pipelines/examples/churn.ts", ...CFG]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(churn.definition())));
    expect(r.stderr).toBe("");
  });
  it("exits 2 for a module without a pipeline", async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "empty.ts"), "export const x: number = 1;\n");
    const r = await runCli(["pipeline", "synth", path.join(dir, "empty.ts")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/exports no pipeline/);
  });
});

describe("smcb pipeline upsert / start input checks", () => {
  it("start with an invalid LOB exits 2 and makes no AWS call", async () => {
    const r = await runCli(["pipeline", "start", "--name", "churn", "--lob", "marketing", ...CFG]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"marketing" is not an allowed LOB/);
    expect(sm.calls()).toHaveLength(0);
  });
  it("start with a malformed --param exits 2 and makes no AWS call", async () => {
    const r = await runCli([
      "pipeline",
      "start",
      "--name",
      "churn",
      "--lob",
      "retail",
      "--param",
      "x",
      ...CFG,
    ]);
    expect(r.code).toBe(2);
    expect(sm.calls()).toHaveLength(0);
  });
  it("upsert refuses an untagged definition (exit 1) before any AWS call", async () => {
    const r = await runCli([
      "pipeline",
      "upsert",
      "--name",
      "abalone",
      "--definition",
      FIXTURE,
      "--role",
      "arn:aws:iam::111122223333:role/PipelineRole",
      ...CFG,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Refusing to deploy/);
    expect(sm.calls()).toHaveLength(0);
  });
});

describe("smcb pipeline start --wait", () => {
  const EXEC = "arn:aws:sagemaker:us-east-1:111122223333:pipeline/churn/execution/abc";
  const start = () =>
    runCli(
      ["pipeline", "start", "--name", "churn", "--lob", "retail", "--wait", "--poll-seconds", "0.01", ...CFG],
      { env: { AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b", AWS_REGION: "us-east-1" } },
    );
  beforeEach(() => {
    sm.on(DescribePipelineCommand).resolves({ PipelineDefinition: JSON.stringify(churn.definition()) });
    sm.on(StartPipelineExecutionCommand).resolves({ PipelineExecutionArn: EXEC });
    sm.on(ListPipelineExecutionStepsCommand).resolves({
      PipelineExecutionSteps: [{ StepName: "PrepareData", StepStatus: "Succeeded" }],
    });
  });
  it("follows the execution with progress on stderr; exit 0 when it succeeds", async () => {
    sm.on(DescribePipelineExecutionCommand)
      .resolvesOnce({ PipelineExecutionStatus: "Executing" })
      .resolves({ PipelineExecutionStatus: "Succeeded" });
    const r = await start();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(EXEC);
    expect(r.stderr).toMatch(
      /started .*execution\/abc\nstep PrepareData: Succeeded\nexecution: Executing\nexecution: Succeeded/,
    );
  });
  it("exit 3 when it fails, with the reason", async () => {
    sm.on(DescribePipelineExecutionCommand).resolves({
      PipelineExecutionStatus: "Failed",
      FailureReason: "AucTooLow",
    });
    const r = await start();
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/Execution Failed: AucTooLow/);
  });
});
