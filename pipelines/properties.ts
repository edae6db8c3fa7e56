/**
 * Typed step properties: `step.properties.ModelArtifacts.S3ModelArtifacts` renders as
 * `{"Get": "Steps.<name>.ModelArtifacts.S3ModelArtifacts"}`. The tree is typed by the step's Describe*
 * response. Lists and maps are read with `get`: by position (`Outputs.get(0)` → `Outputs[0]`), by name
 * (`Outputs.get("train")` → `Outputs['train']`, as the SDK allows) or by key (`HyperParameters.get("eta")`).
 */
import type { JsonObject } from "./definition.js";
import { type PipelineVariable, variable } from "./variable.js";

/** The property tree of a value of type `T` (a Describe* response member). */
export type PropertyTree<T> = [T] extends [Date]
  ? PipelineVariable
  : T extends readonly (infer U)[]
    ? PropertyList<NonNullable<U>>
    : T extends string | number | boolean
      ? PipelineVariable
      : T extends object
        ? string extends keyof T
          ? PropertyList<NonNullable<T[string & keyof T]>>
          : PipelineVariable & {
              readonly [K in keyof T as K extends "$metadata" ? never : K]-?: PropertyTree<NonNullable<T[K]>>;
            }
        : PipelineVariable;

/** A list- or map-valued property. */
export interface PropertyList<U> {
  /** An element by position (`[0]`), by the element's name (`['train']`) or a map entry by key. */
  get(indexOrName: number | string): PropertyTree<U>;
}

/**
 * Members of the Describe* responses whose value is a list or a map, so that the next access is an index
 * (`[0]`, `['train']`) rather than a member (`.Name`). Checked against botocore's model by a unit test.
 */
export const COLLECTION_MEMBERS: ReadonlySet<string> = new Set([
  // lists
  "AdditionalInferenceSpecifications",
  "AdditionalModelDataSources",
  "AlgorithmsConfig",
  "AttributeNames",
  "AutoMLAlgorithms",
  "AutoParameters",
  "CandidateMetrics",
  "CandidateSteps",
  "CategoricalParameterRanges",
  "CollectionConfigurations",
  "ContainerArguments",
  "ContainerEntrypoint",
  "Containers",
  "ContinuousParameterRanges",
  "DebugRuleConfigurations",
  "DebugRuleEvaluationStatuses",
  "FinalMetricDataList",
  "ImageScanStatuses",
  "InferenceContainerDefinitions",
  "InferenceContainers",
  "InputDataConfig",
  "InstanceConfigs",
  "InstanceGroupNames",
  "InstanceGroups",
  "IntegerParameterRanges",
  "MetricDefinitions",
  "Outputs",
  "ParentHyperParameterTuningJobs",
  "PartialFailureReasons",
  "PlacementSpecifications",
  "ProcessingInputs",
  "ProfilerRuleConfigurations",
  "ProfilerRuleEvaluationStatuses",
  "RealTimeInferenceRecommendations",
  "SecondaryStatusTransitions",
  "SecurityGroupIds",
  "SourceAlgorithms",
  "Subnets",
  "SupportedContentTypes",
  "SupportedRealtimeInferenceInstanceTypes",
  "SupportedResponseMIMETypes",
  "SupportedTransformInstanceTypes",
  "TrainingJobDefinitions",
  "TrainingJobSummaries",
  "ValidationProfiles",
  "ValidationStatuses",
  "Values",
  // maps
  "CollectionParameters",
  "CustomerMetadataProperties",
  "Environment",
  "HookParameters",
  "HyperParameters",
  "ProfilingParameters",
  "RuleParameters",
  "StaticHyperParameters",
  "TunedHyperParameters",
]);

function node(path: string, collection: boolean): unknown {
  const target = variable("unknown", (): JsonObject => ({ Get: path }));
  return new Proxy(target, {
    get(t, prop) {
      if (typeof prop === "symbol" || prop === "toJSON") return Reflect.get(t, prop);
      if (prop === "then") return undefined; // never a thenable
      if (collection)
        return prop === "get"
          ? (k: number | string) => node(`${path}${typeof k === "number" ? `[${k}]` : `['${k}']`}`, false)
          : undefined;
      return node(`${path}.${prop}`, COLLECTION_MEMBERS.has(prop));
    },
  });
}

/**
 * The property tree of a step named `stepName` whose properties have type `T`.
 *
 * @example
 * ```ts
 * const p = stepProperties<DescribeTrainingJobResponse>("Train");
 * p.ModelArtifacts.S3ModelArtifacts; // {"Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"}
 * ```
 */
export function stepProperties<T>(stepName: string): PropertyTree<T> {
  return node(`Steps.${stepName}`, false) as PropertyTree<T>;
}
