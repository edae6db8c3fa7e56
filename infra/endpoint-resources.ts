/**
 * The CDK renderer of an endpoint plan (`inference/endpoints/endpoint-plan.ts`): the same names, properties and tags the
 * SDK deployer sends, as CloudFormation resources.
 */
import { CfnScalableTarget, CfnScalingPolicy } from "aws-cdk-lib/aws-applicationautoscaling";
import { CfnEndpoint, CfnEndpointConfig, CfnInferenceComponent, CfnModel } from "aws-cdk-lib/aws-sagemaker";
import type { Construct } from "constructs";
import type { EndpointPlan } from "../inference/index.js";

/** The resources an endpoint plan renders to. */
export interface EndpointResources {
  readonly models: CfnModel[];
  readonly endpointConfig: CfnEndpointConfig;
  readonly endpoint: CfnEndpoint;
  readonly components: CfnInferenceComponent[];
  readonly scalableTarget: CfnScalableTarget | undefined;
}

type ApiTag = { Key?: string | undefined; Value?: string | undefined };
const tags = (list: ApiTag[] | undefined) =>
  (list ?? []).map((t) => ({ key: t.Key ?? "", value: t.Value ?? "" }));

/** Adds the plan's resources to `scope`, with the dependencies CloudFormation needs. */
export function renderEndpointPlan(scope: Construct, plan: EndpointPlan): EndpointResources {
  const models = plan.models.map(
    (m) =>
      new CfnModel(scope, `Model-${m.ModelName}`, {
        modelName: m.ModelName,
        executionRoleArn: m.ExecutionRoleArn as string,
        primaryContainer: {
          image: m.PrimaryContainer?.Image,
          modelDataUrl: m.PrimaryContainer?.ModelDataUrl,
          environment: m.PrimaryContainer?.Environment,
        },
        tags: tags(m.Tags),
      }),
  );
  const c = plan.endpointConfig;
  const endpointConfig = new CfnEndpointConfig(scope, "EndpointConfig", {
    endpointConfigName: c.EndpointConfigName,
    executionRoleArn: c.ExecutionRoleArn,
    kmsKeyId: c.KmsKeyId,
    productionVariants: (c.ProductionVariants ?? []).map((v) => ({
      variantName: v.VariantName as string,
      modelName: v.ModelName,
      instanceType: v.InstanceType,
      initialInstanceCount: v.InitialInstanceCount,
      initialVariantWeight: v.InitialVariantWeight,
      routingConfig: v.RoutingConfig && { routingStrategy: v.RoutingConfig.RoutingStrategy },
      managedInstanceScaling: v.ManagedInstanceScaling && {
        status: v.ManagedInstanceScaling.Status,
        minInstanceCount: v.ManagedInstanceScaling.MinInstanceCount,
        maxInstanceCount: v.ManagedInstanceScaling.MaxInstanceCount,
      },
    })),
    tags: tags(c.Tags),
  });
  const variantModels = new Set((c.ProductionVariants ?? []).map((v) => v.ModelName));
  for (const m of models) if (variantModels.has(m.modelName)) endpointConfig.addDependency(m);
  const endpoint = new CfnEndpoint(scope, "Endpoint", {
    endpointName: plan.endpoint.EndpointName,
    endpointConfigName: plan.endpoint.EndpointConfigName as string,
    tags: tags(plan.endpoint.Tags),
  });
  endpoint.addDependency(endpointConfig);
  const components = plan.components.map((ic) => {
    const s = ic.Specification;
    const r = new CfnInferenceComponent(scope, `Component-${ic.InferenceComponentName}`, {
      inferenceComponentName: ic.InferenceComponentName,
      endpointName: ic.EndpointName as string,
      variantName: ic.VariantName,
      specification: {
        modelName: s?.ModelName,
        container: s?.Container && {
          image: s.Container.Image,
          artifactUrl: s.Container.ArtifactUrl,
          environment: s.Container.Environment,
        },
        computeResourceRequirements: {
          minMemoryRequiredInMb: s?.ComputeResourceRequirements?.MinMemoryRequiredInMb,
          numberOfCpuCoresRequired: s?.ComputeResourceRequirements?.NumberOfCpuCoresRequired,
          numberOfAcceleratorDevicesRequired:
            s?.ComputeResourceRequirements?.NumberOfAcceleratorDevicesRequired,
        },
      },
      runtimeConfig: { copyCount: ic.RuntimeConfig?.CopyCount },
      tags: tags(ic.Tags),
    });
    r.addDependency(endpoint);
    for (const m of models) if (m.modelName === s?.ModelName) r.addDependency(m);
    return r;
  });
  let scalableTarget: CfnScalableTarget | undefined;
  if (plan.scaling) {
    const sc = plan.scaling;
    scalableTarget = new CfnScalableTarget(scope, "ScalableTarget", {
      serviceNamespace: "sagemaker",
      resourceId: sc.resourceId,
      scalableDimension: sc.scalableDimension,
      minCapacity: sc.minCapacity,
      maxCapacity: sc.maxCapacity,
    });
    scalableTarget.addDependency(endpoint);
    new CfnScalingPolicy(scope, "ScalingPolicy", {
      policyName: sc.policyName,
      policyType: "TargetTrackingScaling",
      scalingTargetId: scalableTarget.ref,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: sc.targetInvocationsPerInstance,
        predefinedMetricSpecification: { predefinedMetricType: "SageMakerVariantInvocationsPerInstance" },
      },
    });
  }
  return { models, endpointConfig, endpoint, components, scalableTarget };
}
