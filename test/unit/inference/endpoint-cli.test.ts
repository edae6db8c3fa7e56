/**
 * `smcb endpoint deploy` of a shared endpoint with stray inference components, run in-process with the SageMaker
 * client mocked (moto does not emulate inference components).
 */

import { readFileSync } from "node:fs";
import {
  CreateInferenceComponentCommand,
  DeleteInferenceComponentCommand,
  DescribeInferenceComponentCommand,
  ListInferenceComponentsCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { planEndpoint } from "../../../inference/endpoints/endpoint-plan.js";
import { parseEndpointSpec } from "../../../inference/endpoints/endpoint-spec.js";
import { loadApiModel, shapeProblems } from "../../support/api-model.js";
import { runCli } from "../../support/cli.js";
import { componentSummary, mockDeployedShared, notFound } from "../../support/endpoint-fixtures.js";

const SPEC = "test/fixtures/endpoints/shared-llm.json";
const CFG = ["--config", "test/fixtures/smcb.config.json", "--poll-seconds", "0.01"];
const sm = mockClient(SageMakerClient);
const sagemakerModel = loadApiModel("sagemaker");
const plan = planEndpoint(parseEndpointSpec(JSON.parse(readFileSync(SPEC, "utf8"))), {
  tagKey: "LineOfBusiness",
  lobs: ["retail", "wealth", "platform"],
});
const deploy = (...extra: string[]) => runCli(["endpoint", "deploy", SPEC, ...CFG, ...extra]);
const sentProblems = () =>
  sm.calls().flatMap((c) => {
    const cmd = c.args[0] as { constructor: { name: string }; input: unknown };
    return shapeProblems(sagemakerModel, cmd.constructor.name.replace(/Command$/, ""), "input", cmd.input);
  });

beforeEach(() => {
  sm.reset();
  mockDeployedShared(sm, plan);
  sm.on(ListInferenceComponentsCommand).resolves({
    InferenceComponents: [
      componentSummary("shared-llm-retail"),
      componentSummary("shared-llm-wealth"),
      componentSummary("shared-llm-mortgage"),
      componentSummary("other-llm-mortgage", "InService", "other-llm"),
    ],
  });
  sm.on(DescribeInferenceComponentCommand, { InferenceComponentName: "shared-llm-mortgage" })
    .resolvesOnce({ InferenceComponentStatus: "InService" })
    .resolvesOnce({ InferenceComponentStatus: "Deleting" })
    .rejects(notFound("inference component"));
  sm.on(DeleteInferenceComponentCommand).resolves({});
});

describe("smcb endpoint deploy: stray inference components", () => {
  it("--prune --json deletes the stray, reports it, and shows its deletion as progress", async () => {
    const r = await deploy("--prune", "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      endpointName: "shared-llm",
      action: "updated",
      components: [
        { name: "shared-llm-retail", action: "unchanged" },
        { name: "shared-llm-wealth", action: "unchanged" },
      ],
      strays: [{ name: "shared-llm-mortgage", status: "InService" }],
      pruned: ["shared-llm-mortgage"],
    });
    expect(out.hint).toBeUndefined();
    expect(sm.commandCalls(DeleteInferenceComponentCommand).map((c) => c.args[0].input)).toEqual([
      { InferenceComponentName: "shared-llm-mortgage" },
    ]);
    expect(sm.commandCalls(CreateInferenceComponentCommand)).toHaveLength(0);
    expect(r.stderr).toContain("component shared-llm-mortgage: Deleting");
    expect(r.stderr).toContain("component shared-llm-mortgage: Deleted");
    expect(sentProblems()).toEqual([]);
  });

  it("without --prune nothing is deleted; text and --json name the stray with a hint", async () => {
    const text = await deploy();
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("shared-llm: unchanged");
    expect(text.stdout).toContain("component shared-llm-mortgage: stray (InService, not in the spec; kept)");
    expect(text.stdout).toMatch(
      /hint: 1 inference component\(s\) on shared-llm are not in the spec .*shared-llm-mortgage\. Deploy with --prune/,
    );
    const json = await deploy("--json");
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout);
    expect(out).toMatchObject({ strays: [{ name: "shared-llm-mortgage" }], pruned: [] });
    expect(out.hint).toContain("--prune");
    expect(sm.commandCalls(DeleteInferenceComponentCommand)).toHaveLength(0);
  });

  it("--plan --prune lists what would be deleted and changes nothing; --plan alone calls nothing", async () => {
    const r = await deploy("--plan", "--prune", "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.endpointName).toBe("shared-llm");
    expect(out.strays).toEqual([{ name: "shared-llm-mortgage", status: "InService" }]);
    expect(sm.calls().map((c) => c.args[0].constructor.name)).toEqual(["ListInferenceComponentsCommand"]);
    sm.resetHistory();
    const offline = await deploy("--plan", "--json");
    expect(JSON.parse(offline.stdout).strays).toBeUndefined();
    expect(sm.calls()).toHaveLength(0);
  });

  it("a failed deletion exits 3 naming the action", async () => {
    sm.on(DeleteInferenceComponentCommand).rejects(
      Object.assign(new Error("not authorized"), {
        name: "AccessDeniedException",
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const r = await deploy("--prune", "--json");
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout).error).toMatchObject({
      name: "AwsError",
      exitCode: 3,
      message: expect.stringContaining(
        "DeleteInferenceComponent shared-llm-mortgage failed: AccessDeniedException",
      ),
    });
  });

  it("--help shows --prune with an example", async () => {
    const r = await runCli(["endpoint", "deploy", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("--prune");
    expect(r.stdout).toContain("smcb endpoint deploy endpoints/shared-llm.json --prune");
  });
});
