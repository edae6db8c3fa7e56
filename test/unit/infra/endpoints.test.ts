import { readFileSync } from "node:fs";
import path from "node:path";
import { Match, type Template } from "aws-cdk-lib/assertions";
import { Bucket } from "aws-cdk-lib/aws-s3";
import { describe, expect, it } from "vitest";
import { planEndpoint } from "../../../inference/endpoints/endpoint-plan.js";
import { parseEndpointSpec } from "../../../inference/endpoints/endpoint-spec.js";
import { DedicatedEndpoint, SharedEndpoint } from "../../../infra/index.js";
import { stackWith } from "../../support/cdk-nag.js";
import { cdkValidationMessage } from "../../support/cdk-validation.js";
import { ROOT } from "../../support/cli.js";

const policy = { tagKey: "LineOfBusiness", lobs: ["retail", "wealth", "platform"] };
const fixture = (name: string) =>
  JSON.parse(readFileSync(path.join(ROOT, "test/fixtures/endpoints", name), "utf8"));
const sharedSpec = fixture("shared-llm.json");
const dedicatedSpec = {
  ...fixture("retail-llm.json"),
  autoscaling: { minInstances: 1, maxInstances: 4, targetInvocationsPerInstance: 100 },
};

describe("the cdk-nag harness", () => {
  it("does report findings (an unencrypted, unlogged bucket)", () => {
    const { findings } = stackWith((s) => new Bucket(s, "Plain"));
    expect(JSON.stringify(findings)).toContain("AwsSolutions-S1");
  });
});

describe("DedicatedEndpoint", () => {
  it("renders model, config, endpoint and autoscaling with the LOB tag and the SDK renderer's names", () => {
    const { template, findings } = stackWith(
      (s) => new DedicatedEndpoint(s, "RetailLlm", { spec: dedicatedSpec, policy }),
    );
    expect(findings).toEqual([]);
    const t = template as Template;
    const plan = planEndpoint(parseEndpointSpec(dedicatedSpec), policy);
    const lobTag = [{ Key: "LineOfBusiness", Value: "retail" }];
    t.resourceCountIs("AWS::SageMaker::Model", 1);
    t.hasResourceProperties("AWS::SageMaker::Model", {
      ModelName: plan.models[0]?.ModelName,
      PrimaryContainer: { Image: dedicatedSpec.model.image },
      Tags: lobTag,
    });
    t.hasResourceProperties("AWS::SageMaker::EndpointConfig", {
      EndpointConfigName: plan.endpointConfig.EndpointConfigName,
      ProductionVariants: [
        {
          VariantName: "AllTraffic",
          ModelName: plan.models[0]?.ModelName,
          InstanceType: "ml.g5.xlarge",
          InitialInstanceCount: 1,
        },
      ],
      Tags: lobTag,
    });
    t.hasResourceProperties("AWS::SageMaker::Endpoint", {
      EndpointName: "retail-llm",
      EndpointConfigName: plan.endpointConfig.EndpointConfigName,
      Tags: lobTag,
    });
    t.hasResourceProperties("AWS::ApplicationAutoScaling::ScalableTarget", {
      ResourceId: "endpoint/retail-llm/variant/AllTraffic",
      ScalableDimension: "sagemaker:variant:DesiredInstanceCount",
      MinCapacity: 1,
      MaxCapacity: 4,
    });
    t.hasResourceProperties("AWS::ApplicationAutoScaling::ScalingPolicy", {
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 100,
        PredefinedMetricSpecification: { PredefinedMetricType: "SageMakerVariantInvocationsPerInstance" },
      },
    });
    const endpoint = Object.values(t.findResources("AWS::SageMaker::Endpoint"))[0] as {
      DependsOn?: string[];
    };
    expect(endpoint.DependsOn?.length).toBe(1);
  });

  it("refuses a LOB outside the policy at synth time", () => {
    cdkValidationMessage(() =>
      stackWith((s) => new DedicatedEndpoint(s, "X", { spec: { ...dedicatedSpec, lob: "cards" }, policy })),
    );
  });
});

describe("SharedEndpoint", () => {
  it("renders the endpoint tagged owner + SharedEndpoint and one component per LOB tagged with it", () => {
    const { template, findings } = stackWith(
      (s) => new SharedEndpoint(s, "SharedLlm", { spec: sharedSpec, policy }),
    );
    expect(findings).toEqual([]);
    const t = template as Template;
    const owner = [
      { Key: "LineOfBusiness", Value: "platform" },
      { Key: "SharedEndpoint", Value: "shared-llm" },
    ];
    t.hasResourceProperties("AWS::SageMaker::Endpoint", { EndpointName: "shared-llm", Tags: owner });
    t.hasResourceProperties("AWS::SageMaker::EndpointConfig", {
      ExecutionRoleArn: sharedSpec.executionRoleArn,
      ProductionVariants: [
        Match.objectLike({
          VariantName: "AllTraffic",
          ManagedInstanceScaling: { Status: "ENABLED", MinInstanceCount: 1, MaxInstanceCount: 4 },
          RoutingConfig: { RoutingStrategy: "LEAST_OUTSTANDING_REQUESTS" },
        }),
      ],
      Tags: owner,
    });
    t.resourceCountIs("AWS::SageMaker::InferenceComponent", 2);
    t.hasResourceProperties("AWS::SageMaker::InferenceComponent", {
      InferenceComponentName: "shared-llm-retail",
      EndpointName: "shared-llm",
      VariantName: "AllTraffic",
      Specification: Match.objectLike({
        ComputeResourceRequirements: {
          MinMemoryRequiredInMb: 8192,
          NumberOfAcceleratorDevicesRequired: 1,
          NumberOfCpuCoresRequired: 2,
        },
      }),
      RuntimeConfig: { CopyCount: 2 },
      Tags: [{ Key: "LineOfBusiness", Value: "retail" }],
    });
    t.hasResourceProperties("AWS::SageMaker::InferenceComponent", {
      InferenceComponentName: "shared-llm-wealth",
      Specification: Match.objectLike({
        Container: { Image: sharedSpec.components[1].container.image, Environment: { HF_MODEL_ID: "m" } },
      }),
      Tags: [{ Key: "LineOfBusiness", Value: "wealth" }],
    });
    t.hasResourceProperties("AWS::SageMaker::Model", { Tags: [{ Key: "LineOfBusiness", Value: "retail" }] });
    for (const ic of Object.values(t.findResources("AWS::SageMaker::InferenceComponent")) as {
      DependsOn?: string[];
    }[])
      expect(ic.DependsOn?.some((d) => d.includes("Endpoint"))).toBe(true);
  });
});
