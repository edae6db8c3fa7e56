import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
} from "@aws-sdk/client-application-auto-scaling";
import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  ListTagsCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DeployProgress, deployEndpoint } from "../../../inference/endpoints/endpoint-deploy.js";
import { planEndpoint } from "../../../inference/endpoints/endpoint-plan.js";
import { type EndpointSpecInput, parseEndpointSpec } from "../../../inference/endpoints/endpoint-spec.js";
import { runCli } from "../../support/cli.js";
import { MOTO_ENV, type Moto, motoClientConfig, startMoto } from "../../support/moto.js";

const policy = { tagKey: "LineOfBusiness", lobs: ["retail", "wealth"] };
const spec: EndpointSpecInput = {
  mode: "dedicated",
  name: "retail-llm",
  lob: "retail",
  executionRoleArn: "arn:aws:iam::123456789012:role/sagemaker-exec",
  model: {
    image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/tgi:latest",
    modelDataUrl: "s3://models/retail/model.tar.gz",
    environment: { MAX_INPUT_LENGTH: "2048" },
  },
  instanceType: "ml.g4dn.xlarge",
  initialInstanceCount: 1,
  autoscaling: { minInstances: 1, maxInstances: 3, targetInvocationsPerInstance: 50 },
  tags: [{ Key: "CostCenter", Value: "cc-42" }],
};

let moto: Moto;
let sm: SageMakerClient;
let aas: ApplicationAutoScalingClient;
beforeAll(async () => {
  Object.assign(process.env, MOTO_ENV);
  moto = await startMoto();
  sm = new SageMakerClient(motoClientConfig(moto));
  aas = new ApplicationAutoScalingClient(motoClientConfig(moto));
});
afterAll(async () => {
  await moto?.stop();
});

async function tagsOf(arn: string | undefined) {
  return (await sm.send(new ListTagsCommand({ ResourceArn: arn }))).Tags;
}

describe("dedicated endpoint deploy against moto", () => {
  it("creates model, config and endpoint, each tagged with the LOB; the second deploy changes nothing", async () => {
    const plan = planEndpoint(parseEndpointSpec(spec), policy);
    const progress: DeployProgress[] = [];
    const first = await deployEndpoint(plan, {
      sagemaker: sm,
      autoscaling: aas,
      onProgress: (p) => progress.push(p),
      pollSeconds: 1,
    });
    expect(first.action).toBe("created");
    expect(progress.at(-1)).toMatchObject({ resource: "endpoint", name: "retail-llm", status: "InService" });

    const ep = await sm.send(new DescribeEndpointCommand({ EndpointName: "retail-llm" }));
    const cfg = await sm.send(
      new DescribeEndpointConfigCommand({ EndpointConfigName: ep.EndpointConfigName }),
    );
    const model = await sm.send(
      new DescribeModelCommand({ ModelName: cfg.ProductionVariants?.[0]?.ModelName }),
    );
    const want = expect.arrayContaining([
      { Key: "LineOfBusiness", Value: "retail" },
      { Key: "CostCenter", Value: "cc-42" },
    ]);
    expect(await tagsOf(ep.EndpointArn)).toEqual(want);
    expect(await tagsOf(cfg.EndpointConfigArn)).toEqual(want);
    expect(await tagsOf(model.ModelArn)).toEqual(want);
    expect(model.PrimaryContainer).toMatchObject({
      Image: spec.model.image,
      ModelDataUrl: spec.model.modelDataUrl,
    });

    const targets = await aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: "sagemaker" }));
    expect(targets.ScalableTargets?.[0]).toMatchObject({
      ResourceId: "endpoint/retail-llm/variant/AllTraffic",
      MinCapacity: 1,
      MaxCapacity: 3,
    });
    const policies = await aas.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: "sagemaker" }));
    expect(policies.ScalingPolicies?.[0]?.TargetTrackingScalingPolicyConfiguration?.TargetValue).toBe(50);

    const again = await deployEndpoint(planEndpoint(parseEndpointSpec(spec), policy), {
      sagemaker: sm,
      autoscaling: aas,
      pollSeconds: 1,
    });
    expect(again).toMatchObject({
      action: "unchanged",
      createdModels: [],
      endpointConfigName: first.endpointConfigName,
    });
  });

  it("smcb endpoint deploy/list/delete end to end", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "smcb-ep-"));
    try {
      await writeFile(path.join(dir, "smcb.config.json"), JSON.stringify({ lobs: policy.lobs }));
      const wealth = { ...spec, name: "wealth-llm", lob: "wealth", autoscaling: undefined };
      await writeFile(path.join(dir, "wealth.json"), JSON.stringify(wealth));
      const env = { AWS_ENDPOINT_URL: moto.endpoint };
      const dep = await runCli(["endpoint", "deploy", "wealth.json", "--poll-seconds", "1", "--json"], {
        cwd: dir,
        env,
      });
      expect(dep.code).toBe(0);
      expect(JSON.parse(dep.stdout).action).toBe("created");
      expect(dep.stderr).toContain("endpoint wealth-llm: InService");
      const list = await runCli(["endpoint", "list", "--json"], { cwd: dir, env });
      expect(list.code).toBe(0);
      const endpoints = JSON.parse(list.stdout).endpoints as { name: string; mode: string; lob: string }[];
      expect(endpoints).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            name: "wealth-llm",
            mode: "dedicated",
            lob: "wealth",
            status: "InService",
          }),
          expect.objectContaining({ name: "retail-llm", mode: "dedicated", lob: "retail" }),
        ]),
      );
      const refused = await runCli(["endpoint", "delete", "--name", "wealth-llm"], { cwd: dir, env });
      expect(refused.code).toBe(2);
      const del = await runCli(
        ["endpoint", "delete", "--name", "wealth-llm", "--yes", "--poll-seconds", "1", "--json"],
        { cwd: dir, env },
      );
      expect(del.code).toBe(0);
      expect(JSON.parse(del.stdout)).toMatchObject({ deleted: true, components: [] });
      expect(JSON.parse(del.stdout).models).toHaveLength(1);
      await writeFile(path.join(dir, "bad.json"), JSON.stringify({ ...wealth, lob: "Wealth" }));
      const invalid = await runCli(["endpoint", "deploy", "bad.json"], { cwd: dir, env });
      expect(invalid.code).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
