/**
 * Shared SageMaker endpoint test data: `ListInferenceComponents` entries and a deployed shared endpoint as
 * SageMaker describes it, for aws-sdk-client-mock (moto does not emulate inference components).
 */
import {
  DescribeEndpointCommand,
  DescribeInferenceComponentCommand,
  DescribeModelCommand,
  type InferenceComponentStatus,
  type InferenceComponentSummary,
  type SageMakerClientResolvedConfig,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from "@aws-sdk/client-sagemaker";
import type { AwsStub } from "aws-sdk-client-mock";
import type { EndpointPlan } from "../../inference/endpoints/endpoint-plan.js";

const ARN = "arn:aws:sagemaker:us-east-1:123456789012";

/** The error SageMaker answers for a resource that does not exist. */
export function notFound(what: string): Error {
  return Object.assign(new Error(`Could not find ${what}`), {
    name: "ValidationException",
    $metadata: { httpStatusCode: 400 },
  });
}

/** A ListInferenceComponents entry as SageMaker answers it (every required member). */
export function componentSummary(
  name: string,
  status: InferenceComponentStatus = "InService",
  endpoint = "shared-llm",
): InferenceComponentSummary {
  return {
    CreationTime: new Date("2026-11-01T00:00:00Z"),
    LastModifiedTime: new Date("2026-11-01T00:00:00Z"),
    InferenceComponentArn: `${ARN}:inference-component/${name}`,
    InferenceComponentName: name,
    EndpointArn: `${ARN}:endpoint/${endpoint}`,
    EndpointName: endpoint,
    VariantName: "AllTraffic",
    InferenceComponentStatus: status,
  };
}

/**
 * Mocks a shared endpoint deployed from `plan`: in service with the plan's endpoint config, its models present,
 * and the `deployed` components (default: all) described InService as the plan defines them; the others are
 * left unmocked.
 */
export function mockDeployedShared(
  sm: AwsStub<ServiceInputTypes, ServiceOutputTypes, SageMakerClientResolvedConfig>,
  plan: EndpointPlan,
  deployed: readonly string[] = plan.components.map((c) => c.InferenceComponentName as string),
): void {
  sm.on(DescribeEndpointCommand).resolves({
    EndpointName: plan.endpointName,
    EndpointArn: `${ARN}:endpoint/${plan.endpointName}`,
    EndpointStatus: "InService",
    EndpointConfigName: plan.endpointConfig.EndpointConfigName,
  });
  for (const m of plan.models)
    sm.on(DescribeModelCommand, { ModelName: m.ModelName }).resolves({ ModelName: m.ModelName });
  for (const c of plan.components.filter((c) => deployed.includes(c.InferenceComponentName as string))) {
    const spec = c.Specification;
    const copies = c.RuntimeConfig?.CopyCount;
    sm.on(DescribeInferenceComponentCommand, { InferenceComponentName: c.InferenceComponentName }).resolves({
      InferenceComponentName: c.InferenceComponentName,
      InferenceComponentArn: `${ARN}:inference-component/${c.InferenceComponentName}`,
      InferenceComponentStatus: "InService",
      Specification: {
        ...(spec?.ModelName ? { ModelName: spec.ModelName } : {}),
        ...(spec?.Container
          ? {
              Container: {
                DeployedImage: { SpecifiedImage: spec.Container.Image },
                ...(spec.Container.ArtifactUrl ? { ArtifactUrl: spec.Container.ArtifactUrl } : {}),
                ...(spec.Container.Environment ? { Environment: spec.Container.Environment } : {}),
              },
            }
          : {}),
        ComputeResourceRequirements: spec?.ComputeResourceRequirements,
      },
      RuntimeConfig: { DesiredCopyCount: copies, CurrentCopyCount: copies },
    });
  }
}
