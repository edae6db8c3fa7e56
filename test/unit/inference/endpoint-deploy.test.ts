import { readFileSync } from "node:fs";
import path from "node:path";
import {
  AddTagsCommand,
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateInferenceComponentCommand,
  CreateModelCommand,
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteInferenceComponentCommand,
  DeleteModelCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeInferenceComponentCommand,
  DescribeModelCommand,
  ListInferenceComponentsCommand,
  SageMakerClient,
  UpdateEndpointCommand,
  UpdateInferenceComponentCommand,
} from "@aws-sdk/client-sagemaker";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { AwsError, TagPolicyError, UsageError } from "../../../core/errors.js";
import {
  type DeployProgress,
  deleteEndpoint,
  deployEndpoint,
  findStrayComponents,
} from "../../../inference/endpoints/endpoint-deploy.js";
import { planEndpoint } from "../../../inference/endpoints/endpoint-plan.js";
import { type EndpointSpecInput, parseEndpointSpec } from "../../../inference/endpoints/endpoint-spec.js";
import { loadApiModel, shapeProblems } from "../../support/api-model.js";
import { ROOT } from "../../support/cli.js";
import { componentSummary, mockDeployedShared, notFound } from "../../support/endpoint-fixtures.js";

const sagemakerModel = loadApiModel("sagemaker");
const sm = mockClient(SageMakerClient);
afterEach(() => sm.reset());
const client = () => new SageMakerClient({ region: "us-east-1" });
const policy = { tagKey: "LineOfBusiness", lobs: ["retail", "wealth", "platform"] };
const fixture = (name: string) =>
  JSON.parse(readFileSync(path.join(ROOT, "test/fixtures/endpoints", name), "utf8")) as EndpointSpecInput & {
    components: { model?: { image: string }; container?: { image: string }; copyCount?: number }[];
  };
const sharedSpec = fixture("shared-llm.json");
const dedicatedSpec = fixture("retail-llm.json");

/** Every request sent, checked against botocore's SageMaker model. */
function sentRequestProblems(): string[] {
  return sm.calls().flatMap((c) => {
    const cmd = c.args[0] as { constructor: { name: string }; input: unknown };
    return shapeProblems(sagemakerModel, cmd.constructor.name.replace(/Command$/, ""), "input", cmd.input);
  });
}

describe("planEndpoint", () => {
  it("tags shared endpoint resources with the owner and SharedEndpoint, components with their LOB", () => {
    const plan = planEndpoint(parseEndpointSpec(sharedSpec), policy);
    const owner = [
      { Key: "LineOfBusiness", Value: "platform" },
      { Key: "SharedEndpoint", Value: "shared-llm" },
    ];
    expect(plan.endpoint.Tags).toEqual(owner);
    expect(plan.endpointConfig.Tags).toEqual(owner);
    expect(plan.components.map((c) => c.Tags)).toEqual([
      [{ Key: "LineOfBusiness", Value: "retail" }],
      [{ Key: "LineOfBusiness", Value: "wealth" }],
    ]);
    expect(plan.models).toHaveLength(1);
    expect(plan.models[0]?.Tags).toEqual([{ Key: "LineOfBusiness", Value: "retail" }]);
    expect(plan.endpointConfig.ProductionVariants?.[0]).toMatchObject({
      ManagedInstanceScaling: { Status: "ENABLED", MinInstanceCount: 1, MaxInstanceCount: 4 },
    });
    expect(plan.endpointConfig.ProductionVariants?.[0]?.ModelName).toBeUndefined();
  });

  it("renders the same names for the same spec and new ones for a changed spec", () => {
    const a = planEndpoint(parseEndpointSpec(dedicatedSpec), policy);
    const b = planEndpoint(parseEndpointSpec(structuredClone(dedicatedSpec)), policy);
    const c = planEndpoint(parseEndpointSpec({ ...dedicatedSpec, instanceType: "ml.g5.2xlarge" }), policy);
    expect(b.endpointConfig.EndpointConfigName).toBe(a.endpointConfig.EndpointConfigName);
    expect(c.endpointConfig.EndpointConfigName).not.toBe(a.endpointConfig.EndpointConfigName);
    expect(c.models[0]?.ModelName).toBe(a.models[0]?.ModelName);
    const long = planEndpoint(parseEndpointSpec({ ...dedicatedSpec, name: "x".repeat(63) }), policy);
    expect(long.endpointConfig.EndpointConfigName?.length).toBeLessThanOrEqual(63);
  });

  it("refuses LOBs outside the policy and malformed specs", () => {
    expect(() => planEndpoint(parseEndpointSpec({ ...dedicatedSpec, lob: "Retail" }), policy)).toThrow(
      TagPolicyError,
    );
    expect(() => parseEndpointSpec({ ...dedicatedSpec, instanceType: "g5" })).toThrow(UsageError);
    const both = structuredClone(sharedSpec) as { components: Record<string, unknown>[] };
    (both.components[0] as Record<string, unknown>).container = { image: "x" };
    expect(() => parseEndpointSpec(both)).toThrow(/exactly one of model or container/);
  });
});

describe("deployEndpoint (SDK renderer)", () => {
  it("creates a shared endpoint and its inference components; every request fits botocore's model", async () => {
    sm.on(DescribeEndpointCommand)
      .rejectsOnce(notFound("endpoint"))
      .resolves({ EndpointName: "shared-llm", EndpointStatus: "InService" });
    sm.on(DescribeModelCommand).rejects(notFound("model"));
    sm.on(DescribeEndpointConfigCommand).rejects(notFound("endpoint config"));
    sm.on(CreateModelCommand).resolves({ ModelArn: "arn:m" });
    sm.on(CreateEndpointConfigCommand).resolves({ EndpointConfigArn: "arn:c" });
    sm.on(CreateEndpointCommand).resolves({ EndpointArn: "arn:e" });
    sm.on(CreateInferenceComponentCommand).resolves({ InferenceComponentArn: "arn:ic" });
    sm.on(ListInferenceComponentsCommand).resolves({
      InferenceComponents: [componentSummary("shared-llm-retail"), componentSummary("shared-llm-wealth")],
    });
    const describedIc = { rejects: 0 };
    sm.on(DescribeInferenceComponentCommand).callsFake(() => {
      if (describedIc.rejects++ % 2 === 0) throw notFound("inference component");
      return { InferenceComponentStatus: "InService" };
    });
    const plan = planEndpoint(parseEndpointSpec(sharedSpec), policy);
    const r = await deployEndpoint(plan, { sagemaker: client(), pollSeconds: 0.01 });
    expect(r).toMatchObject({
      action: "created",
      components: [
        { name: "shared-llm-retail", action: "created" },
        { name: "shared-llm-wealth", action: "created" },
      ],
      strays: [],
      pruned: [],
    });
    const ics = sm.commandCalls(CreateInferenceComponentCommand).map((c) => c.args[0].input);
    expect(ics[0]).toMatchObject({
      EndpointName: "shared-llm",
      VariantName: "AllTraffic",
      Specification: {
        ModelName: plan.models[0]?.ModelName,
        ComputeResourceRequirements: {
          MinMemoryRequiredInMb: 8192,
          NumberOfAcceleratorDevicesRequired: 1,
          NumberOfCpuCoresRequired: 2,
        },
      },
      RuntimeConfig: { CopyCount: 2 },
      Tags: [{ Key: "LineOfBusiness", Value: "retail" }],
    });
    expect(ics[1]?.Specification?.Container).toEqual({
      Image: sharedSpec.components[0]?.model?.image,
      Environment: { HF_MODEL_ID: "m" },
    });
    expect(sm.commandCalls(CreateEndpointConfigCommand)[0]?.args[0].input.ExecutionRoleArn).toBe(
      sharedSpec.executionRoleArn,
    );
    expect(sentRequestProblems()).toEqual([]);
  });

  it("an unchanged shared endpoint and components change nothing; a changed component is updated", async () => {
    const plan = planEndpoint(parseEndpointSpec(sharedSpec), policy);
    mockDeployedShared(sm, plan);
    sm.on(ListInferenceComponentsCommand).resolves({
      InferenceComponents: [componentSummary("shared-llm-retail"), componentSummary("shared-llm-wealth")],
    });
    const same = await deployEndpoint(plan, { sagemaker: client(), pollSeconds: 0.01 });
    expect(same.action).toBe("unchanged");
    expect(same.components.map((c) => c.action)).toEqual(["unchanged", "unchanged"]);
    for (const C of [
      CreateModelCommand,
      CreateEndpointConfigCommand,
      CreateEndpointCommand,
      UpdateEndpointCommand,
      CreateInferenceComponentCommand,
      UpdateInferenceComponentCommand,
    ])
      expect(sm.commandCalls(C as never)).toHaveLength(0);

    const more = structuredClone(sharedSpec);
    (more.components[1] as { copyCount?: number }).copyCount = 3;
    const r = await deployEndpoint(planEndpoint(parseEndpointSpec(more), policy), {
      sagemaker: client(),
      pollSeconds: 0.01,
    });
    expect(r.action).toBe("updated");
    expect(r.components.map((c) => c.action)).toEqual(["unchanged", "updated"]);
    expect(sm.commandCalls(UpdateInferenceComponentCommand)[0]?.args[0].input.RuntimeConfig).toEqual({
      CopyCount: 3,
    });
    expect(sentRequestProblems()).toEqual([]);
  });

  it("a changed dedicated spec creates a new config and calls UpdateEndpoint, keeping the endpoint's tags", async () => {
    sm.on(DescribeEndpointCommand).resolves({
      EndpointName: "retail-llm",
      EndpointArn: "arn:aws:sagemaker:us-east-1:123456789012:endpoint/retail-llm",
      EndpointStatus: "InService",
      EndpointConfigName: "retail-llm-00000000",
    });
    sm.on(DescribeModelCommand).rejects(notFound("model"));
    sm.on(DescribeEndpointConfigCommand).rejects(notFound("endpoint config"));
    const plan = planEndpoint(parseEndpointSpec(dedicatedSpec), policy);
    const r = await deployEndpoint(plan, { sagemaker: client(), pollSeconds: 0.01 });
    expect(r.action).toBe("updated");
    expect(sm.commandCalls(UpdateEndpointCommand)[0]?.args[0].input).toEqual({
      EndpointName: "retail-llm",
      EndpointConfigName: plan.endpointConfig.EndpointConfigName,
    });
    expect(sm.commandCalls(AddTagsCommand)[0]?.args[0].input.Tags).toEqual([
      { Key: "LineOfBusiness", Value: "retail" },
    ]);
    expect(sentRequestProblems()).toEqual([]);
  });
});

describe("stray inference components (on the endpoint, not in the spec)", () => {
  const shared = () => planEndpoint(parseEndpointSpec(sharedSpec), policy);
  const denied = Object.assign(new Error("User is not authorized to perform this action"), {
    name: "AccessDeniedException",
    $metadata: { httpStatusCode: 400 },
  });
  /** `Operation component` for every call sent, in order. */
  const sequence = () =>
    sm.calls().map((c) => {
      const cmd = c.args[0] as { constructor: { name: string }; input: { InferenceComponentName?: string } };
      return `${cmd.constructor.name.replace(/Command$/, "")} ${cmd.input.InferenceComponentName ?? ""}`.trim();
    });

  it("are listed and reported; without prune nothing is deleted, and other endpoints' components are ignored", async () => {
    const plan = shared();
    mockDeployedShared(sm, plan);
    sm.on(ListInferenceComponentsCommand).resolves({
      InferenceComponents: [
        componentSummary("shared-llm-retail"),
        componentSummary("shared-llm-mortgage"),
        componentSummary("shared-llm-wealth"),
        componentSummary("other-llm-insurance", "InService", "other-llm"),
      ],
    });
    const r = await deployEndpoint(plan, { sagemaker: client(), pollSeconds: 0.01 });
    expect(r).toMatchObject({
      action: "unchanged",
      strays: [{ name: "shared-llm-mortgage", status: "InService" }],
      pruned: [],
    });
    expect(sm.commandCalls(DeleteInferenceComponentCommand)).toHaveLength(0);
    expect(sm.commandCalls(ListInferenceComponentsCommand)[0]?.args[0].input).toEqual({
      EndpointNameEquals: "shared-llm",
    });
    expect(sentRequestProblems()).toEqual([]);
  });

  it("prune deletes only the strays, after the spec's components are in service, and waits until they are gone", async () => {
    const plan = shared();
    mockDeployedShared(sm, plan, ["shared-llm-retail"]);
    let wealthPolls = 0;
    sm.on(DescribeInferenceComponentCommand, { InferenceComponentName: "shared-llm-wealth" }).callsFake(
      () => {
        wealthPolls++;
        if (wealthPolls === 1) throw notFound("inference component");
        return { InferenceComponentStatus: wealthPolls === 2 ? "Creating" : "InService" };
      },
    );
    sm.on(CreateInferenceComponentCommand).resolves({ InferenceComponentArn: "arn:ic" });
    sm.on(DeleteInferenceComponentCommand).resolves({});
    sm.on(DescribeInferenceComponentCommand, { InferenceComponentName: "shared-llm-mortgage" })
      .resolvesOnce({ InferenceComponentName: "shared-llm-mortgage", InferenceComponentStatus: "Deleting" })
      .rejects(notFound("inference component"));
    sm.on(DescribeInferenceComponentCommand, { InferenceComponentName: "shared-llm-insurance" }).rejects(
      notFound("inference component"),
    );
    sm.on(ListInferenceComponentsCommand).resolves({
      InferenceComponents: [
        componentSummary("shared-llm-retail"),
        componentSummary("shared-llm-wealth"),
        componentSummary("shared-llm-mortgage"),
        // Already being deleted: waited for, not deleted again.
        componentSummary("shared-llm-insurance", "Deleting"),
        componentSummary("other-llm-insurance", "InService", "other-llm"),
      ],
    });
    const progress: DeployProgress[] = [];
    const r = await deployEndpoint(
      plan,
      { sagemaker: client(), pollSeconds: 0.01, onProgress: (p) => progress.push(p) },
      { prune: true },
    );
    expect(r).toMatchObject({
      action: "updated",
      components: [
        { name: "shared-llm-retail", action: "unchanged" },
        { name: "shared-llm-wealth", action: "created" },
      ],
      strays: [
        { name: "shared-llm-mortgage", status: "InService" },
        { name: "shared-llm-insurance", status: "Deleting" },
      ],
      pruned: ["shared-llm-mortgage", "shared-llm-insurance"],
    });
    const seq = sequence();
    expect(seq.filter((s) => s.startsWith("DeleteInferenceComponent"))).toEqual([
      "DeleteInferenceComponent shared-llm-mortgage",
    ]);
    const deleted = seq.indexOf("DeleteInferenceComponent shared-llm-mortgage");
    expect(deleted).toBeGreaterThan(seq.indexOf("CreateInferenceComponent shared-llm-wealth"));
    expect(deleted).toBeGreaterThan(seq.lastIndexOf("DescribeInferenceComponent shared-llm-wealth"));
    expect(progress.filter((p) => p.name === "shared-llm-mortgage").map((p) => p.status)).toEqual([
      "Deleting",
      "Deleted",
    ]);
    expect(progress.at(-1)).toMatchObject({ name: "shared-llm-insurance", status: "Deleted" });
    expect(sentRequestProblems()).toEqual([]);
  });

  it("every page of the endpoint's components is listed", async () => {
    const plan = shared();
    mockDeployedShared(sm, plan);
    // The paginator reuses its input object: record each request as it is sent.
    const sent: { NextToken?: string; EndpointNameEquals?: string }[] = [];
    sm.on(ListInferenceComponentsCommand).callsFake((input: { NextToken?: string }) => {
      sent.push({ ...input });
      if (input.NextToken === undefined)
        return {
          InferenceComponents: [componentSummary("shared-llm-retail"), componentSummary("a-1")],
          NextToken: "page-2",
        };
      if (input.NextToken === "page-2")
        return {
          InferenceComponents: [componentSummary("shared-llm-wealth"), componentSummary("b-2")],
          NextToken: "page-3",
        };
      return { InferenceComponents: [componentSummary("c-3", "Failed")] };
    });
    const r = await deployEndpoint(plan, { sagemaker: client(), pollSeconds: 0.01 });
    expect(r.strays).toEqual([
      { name: "a-1", status: "InService" },
      { name: "b-2", status: "InService" },
      { name: "c-3", status: "Failed" },
    ]);
    expect(sent.map((i) => i.NextToken)).toEqual([undefined, "page-2", "page-3"]);
    expect(sent.every((i) => i.EndpointNameEquals === "shared-llm")).toBe(true);
    expect(sent.flatMap((i) => shapeProblems(sagemakerModel, "ListInferenceComponents", "input", i))).toEqual(
      [],
    );
    expect(sentRequestProblems()).toEqual([]);
  });

  it("failures are AwsErrors (exit 3) naming the action; a deletion that does not finish times out", async () => {
    const plan = shared();
    const deps = { sagemaker: client(), pollSeconds: 0.01, maxWaitSeconds: 0.05 };
    mockDeployedShared(sm, plan);
    sm.on(ListInferenceComponentsCommand).rejects(denied);
    const listing = await deployEndpoint(plan, deps, { prune: true }).catch((e: unknown) => e);
    expect(listing).toBeInstanceOf(AwsError);
    expect(listing).toMatchObject({
      exitCode: 3,
      message: expect.stringContaining("ListInferenceComponents shared-llm failed: AccessDeniedException"),
    });

    sm.reset();
    mockDeployedShared(sm, plan);
    sm.on(ListInferenceComponentsCommand).resolves({
      InferenceComponents: [componentSummary("shared-llm-mortgage")],
    });
    sm.on(DeleteInferenceComponentCommand).rejects(denied);
    const deleting = await deployEndpoint(plan, deps, { prune: true }).catch((e: unknown) => e);
    expect(deleting).toBeInstanceOf(AwsError);
    expect(deleting).toMatchObject({
      exitCode: 3,
      message: expect.stringContaining(
        "DeleteInferenceComponent shared-llm-mortgage failed: AccessDeniedException",
      ),
    });

    sm.reset();
    mockDeployedShared(sm, plan);
    sm.on(ListInferenceComponentsCommand).resolves({
      InferenceComponents: [componentSummary("shared-llm-mortgage")],
    });
    sm.on(DeleteInferenceComponentCommand).resolves({});
    sm.on(DescribeInferenceComponentCommand, { InferenceComponentName: "shared-llm-mortgage" }).resolves({
      InferenceComponentStatus: "Deleting",
    });
    const stuck = await deployEndpoint(plan, deps, { prune: true }).catch((e: unknown) => e);
    expect(stuck).toBeInstanceOf(AwsError);
    expect(stuck).toMatchObject({
      exitCode: 3,
      message: expect.stringMatching(
        /shared-llm-mortgage is still Deleting \d+s after DeleteInferenceComponent/,
      ),
      hint: expect.stringContaining(
        "describe-inference-component --inference-component-name shared-llm-mortgage",
      ),
    });
  });

  it("findStrayComponents shows what prune would delete, without deploying", async () => {
    const plan = shared();
    sm.on(ListInferenceComponentsCommand).resolves({
      InferenceComponents: [
        componentSummary("shared-llm-retail"),
        componentSummary("shared-llm-mortgage", "Updating"),
      ],
    });
    expect(await findStrayComponents(plan, client())).toEqual([
      { name: "shared-llm-mortgage", status: "Updating" },
    ]);
    expect(
      await findStrayComponents(planEndpoint(parseEndpointSpec(dedicatedSpec), policy), client()),
    ).toEqual([]);
    expect(sm.calls().map((c) => c.args[0].constructor.name)).toEqual(["ListInferenceComponentsCommand"]);

    sm.reset();
    sm.on(ListInferenceComponentsCommand).rejects(notFound("endpoint shared-llm"));
    expect(await findStrayComponents(plan, client())).toEqual([]);

    sm.reset();
    sm.on(ListInferenceComponentsCommand).rejects(denied);
    await expect(findStrayComponents(plan, client())).rejects.toThrow(
      /ListInferenceComponents shared-llm failed: AccessDeniedException/,
    );
  });
});

describe("deleteEndpoint", () => {
  it("deletes a shared endpoint's components, then the endpoint, config and models", async () => {
    sm.on(DescribeEndpointCommand)
      .resolvesOnce({
        EndpointName: "shared-llm",
        EndpointConfigName: "shared-llm-cfg",
        EndpointStatus: "InService",
      })
      .rejects(notFound("endpoint"));
    sm.on(DescribeEndpointConfigCommand).resolves({ ProductionVariants: [{ VariantName: "AllTraffic" }] });
    sm.on(ListInferenceComponentsCommand).resolves({
      InferenceComponents: [componentSummary("shared-llm-retail")],
    });
    sm.on(DescribeInferenceComponentCommand)
      .resolvesOnce({ Specification: { ModelName: "shared-llm-retail-abc" } })
      .rejects(notFound("inference component"));
    const r = await deleteEndpoint("shared-llm", { sagemaker: client(), pollSeconds: 0.01 });
    expect(r).toEqual({
      endpointName: "shared-llm",
      deleted: true,
      endpointConfigName: "shared-llm-cfg",
      components: ["shared-llm-retail"],
      models: ["shared-llm-retail-abc"],
    });
    expect(sm.commandCalls(DeleteInferenceComponentCommand)).toHaveLength(1);
    expect(sm.commandCalls(DeleteEndpointCommand)).toHaveLength(1);
    expect(sm.commandCalls(DeleteEndpointConfigCommand)).toHaveLength(1);
    expect(sm.commandCalls(DeleteModelCommand)[0]?.args[0].input.ModelName).toBe("shared-llm-retail-abc");
    expect(sentRequestProblems()).toEqual([]);
  });
});
