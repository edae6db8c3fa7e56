/**
 * The one rendering of an endpoint spec into SageMaker resource definitions (names, properties, tags). The SDK
 * deployer sends them as API calls, the CDK constructs emit them as CloudFormation resources; names carry a hash
 * of what they define, so an unchanged spec renders the same names and a changed one new names.
 */
import { createHash } from "node:crypto";
import type {
  ContainerDefinition,
  CreateEndpointConfigInput,
  CreateEndpointInput,
  CreateInferenceComponentInput,
  CreateModelInput,
  Tag as SageMakerTag,
} from "@aws-sdk/client-sagemaker";
import { lobTags, sharedEndpointTags, type TagPolicy } from "../../core/index.js";
import type {
  ContainerSpec,
  DedicatedEndpointSpec,
  EndpointSpec,
  SharedEndpointSpec,
} from "./endpoint-spec.js";

/** The production variant every rendered endpoint has. */
export const VARIANT_NAME = "AllTraffic";

/** Target tracking autoscaling of a dedicated endpoint's variant (Application Auto Scaling). */
export interface ScalingPlan {
  readonly resourceId: string;
  readonly scalableDimension: "sagemaker:variant:DesiredInstanceCount";
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly policyName: string;
  readonly targetInvocationsPerInstance: number;
}

/** Everything an endpoint spec renders to, in API shapes. */
export interface EndpointPlan {
  readonly mode: EndpointSpec["mode"];
  readonly endpointName: string;
  /** The LOB of a dedicated endpoint, the owner of a shared one. */
  readonly lob: string;
  readonly models: CreateModelInput[];
  readonly endpointConfig: CreateEndpointConfigInput;
  readonly endpoint: CreateEndpointInput;
  readonly components: CreateInferenceComponentInput[];
  readonly scaling: ScalingPlan | undefined;
}

function hashOf(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 8);
}

/** `<base>-<hash>` within SageMaker's 63 characters. */
function hashedName(base: string, value: unknown): string {
  return `${base.slice(0, 63 - 9).replace(/-+$/, "")}-${hashOf(value)}`;
}

function container(c: ContainerSpec): ContainerDefinition {
  return {
    Image: c.image,
    ...(c.modelDataUrl ? { ModelDataUrl: c.modelDataUrl } : {}),
    ...(Object.keys(c.environment).length > 0 ? { Environment: c.environment } : {}),
  };
}

function model(base: string, c: ContainerSpec, role: string, tags: SageMakerTag[]): CreateModelInput {
  const PrimaryContainer = container(c);
  return {
    ModelName: hashedName(base, { PrimaryContainer, role, tags }),
    ExecutionRoleArn: role,
    PrimaryContainer,
    Tags: tags,
  };
}

function planDedicated(spec: DedicatedEndpointSpec, policy: TagPolicy): EndpointPlan {
  const Tags = lobTags(policy, spec.lob, spec.tags);
  const m = model(spec.name, spec.model, spec.executionRoleArn, Tags);
  const variants = [
    {
      VariantName: VARIANT_NAME,
      ModelName: m.ModelName,
      InstanceType: spec.instanceType,
      InitialInstanceCount: spec.initialInstanceCount,
      InitialVariantWeight: 1,
    },
  ] as CreateEndpointConfigInput["ProductionVariants"];
  const kms = spec.kmsKeyId ? { KmsKeyId: spec.kmsKeyId } : {};
  const EndpointConfigName = hashedName(spec.name, { variants, kms, Tags });
  return {
    mode: "dedicated",
    endpointName: spec.name,
    lob: spec.lob,
    models: [m],
    endpointConfig: { EndpointConfigName, ProductionVariants: variants, ...kms, Tags },
    endpoint: { EndpointName: spec.name, EndpointConfigName, Tags },
    components: [],
    scaling: spec.autoscaling && {
      resourceId: `endpoint/${spec.name}/variant/${VARIANT_NAME}`,
      scalableDimension: "sagemaker:variant:DesiredInstanceCount",
      minCapacity: spec.autoscaling.minInstances,
      maxCapacity: spec.autoscaling.maxInstances,
      policyName: `${spec.name}-invocations-per-instance`,
      targetInvocationsPerInstance: spec.autoscaling.targetInvocationsPerInstance,
    },
  };
}

function planShared(spec: SharedEndpointSpec, policy: TagPolicy): EndpointPlan {
  const Tags = sharedEndpointTags(policy, spec.owner, spec.name, spec.tags);
  const variants = [
    {
      VariantName: VARIANT_NAME,
      InstanceType: spec.instanceType,
      InitialInstanceCount: spec.initialInstanceCount,
      RoutingConfig: { RoutingStrategy: "LEAST_OUTSTANDING_REQUESTS" },
      ...(spec.managedScaling
        ? {
            ManagedInstanceScaling: {
              Status: "ENABLED",
              MinInstanceCount: spec.managedScaling.minInstances,
              MaxInstanceCount: spec.managedScaling.maxInstances,
            },
          }
        : {}),
    },
  ] as CreateEndpointConfigInput["ProductionVariants"];
  const kms = spec.kmsKeyId ? { KmsKeyId: spec.kmsKeyId } : {};
  const role = spec.executionRoleArn;
  const EndpointConfigName = hashedName(spec.name, { variants, kms, role, Tags });
  const models: CreateModelInput[] = [];
  const components = spec.components.map((c): CreateInferenceComponentInput => {
    const ctags = lobTags(policy, c.lob, spec.tags);
    let source: {
      ModelName?: string;
      Container?: { Image: string; ArtifactUrl?: string; Environment?: Record<string, string> };
    };
    if (c.model) {
      const m = model(c.name, c.model, role, ctags);
      models.push(m);
      source = { ModelName: m.ModelName };
    } else {
      const k = c.container as ContainerSpec;
      source = {
        Container: {
          Image: k.image,
          ...(k.modelDataUrl ? { ArtifactUrl: k.modelDataUrl } : {}),
          ...(Object.keys(k.environment).length > 0 ? { Environment: k.environment } : {}),
        },
      };
    }
    return {
      InferenceComponentName: c.name,
      EndpointName: spec.name,
      VariantName: VARIANT_NAME,
      Specification: {
        ...source,
        ComputeResourceRequirements: {
          MinMemoryRequiredInMb: c.compute.minMemoryMb,
          ...(c.compute.cpuCores !== undefined ? { NumberOfCpuCoresRequired: c.compute.cpuCores } : {}),
          ...(c.compute.acceleratorDevices !== undefined
            ? { NumberOfAcceleratorDevicesRequired: c.compute.acceleratorDevices }
            : {}),
        },
      },
      RuntimeConfig: { CopyCount: c.copyCount },
      Tags: ctags,
    };
  });
  return {
    mode: "shared",
    endpointName: spec.name,
    lob: spec.owner,
    models,
    endpointConfig: {
      EndpointConfigName,
      ExecutionRoleArn: role,
      ProductionVariants: variants,
      ...kms,
      Tags,
    },
    endpoint: { EndpointName: spec.name, EndpointConfigName, Tags },
    components,
    scaling: undefined,
  };
}

/**
 * Renders a spec into resource definitions, with the tags of docs/contracts.md#tag-policy on the models, the endpoint config,
 * the endpoint and every inference component.
 *
 * @throws {@link core!TagPolicyError | TagPolicyError} when a LOB or owner is not allowed, or the tags break AWS rules
 */
export function planEndpoint(spec: EndpointSpec, policy: TagPolicy): EndpointPlan {
  return spec.mode === "dedicated" ? planDedicated(spec, policy) : planShared(spec, policy);
}
