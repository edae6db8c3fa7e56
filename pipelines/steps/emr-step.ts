/** An EMR step: one Hadoop JAR step on a running EMR cluster, or on a cluster the step creates. */
import type { JsonObject } from "../definition.js";
import { PipelineBuildError } from "../errors.js";
import { type PropertyTree, stepProperties } from "../properties.js";
import { type PipelineVariable, render } from "../variable.js";
import type { StepInput } from "./output-parameter-step.js";
import { type CachedStepOptions, Step } from "./step.js";

/** The JAR a step runs: EMR's `HadoopJarStepConfig`. */
export interface HadoopJarStep {
  /** A path to a JAR file run during the step. */
  readonly Jar: string | PipelineVariable;
  /** Command line arguments passed to the JAR's main function. */
  readonly Args?: readonly (string | PipelineVariable)[];
  /** The main class; without it, the JAR's manifest names it. */
  readonly MainClass?: string | PipelineVariable;
  /** Java properties set when the step runs. */
  readonly Properties?: readonly {
    readonly Key: string | PipelineVariable;
    readonly Value: string | PipelineVariable;
  }[];
}

/**
 * The cluster an EMR step creates: EMR's `RunJobFlow` request without `Name`, `Steps` and `AutoTerminationPolicy`
 * (SageMaker names the cluster, adds the step and terminates the cluster after it), with `Instances` holding
 * exactly one of `InstanceGroups` or `InstanceFleets` and neither `KeepJobFlowAliveWhenNoSteps` nor
 * `TerminationProtected`. Members are EMR's, checked against botocore's EMR model in the tests; the AWS SDK's EMR
 * client is not a dependency, so they are not typed member by member.
 */
export interface EmrClusterConfig {
  /** `JobFlowInstancesConfig`. */
  readonly Instances: { readonly [member: string]: StepInput };
  readonly [member: string]: StepInput;
}

/** The properties of an EMR step: EMR's `Step` (from `DescribeStep`), the parts later steps usually read. */
export interface EMRStepProperties {
  Id: string;
  Name: string;
  ActionOnFailure: string;
  Status: { State: string };
}

interface EMRStepCommon extends CachedStepOptions {
  /** The step to run. */
  readonly stepConfig: { readonly HadoopJarStep: HadoopJarStep };
}

/** Props of an {@link EMRStep}: a running cluster (`clusterId`) or a cluster to create (`clusterConfig`). */
export type EMRStepProps = EMRStepCommon &
  (
    | {
        /** The ID of a running cluster (`j-…`). */
        readonly clusterId: string | PipelineVariable;
        /** The runtime role the step's job assumes on that cluster (only with `clusterId`). */
        readonly executionRoleArn?: string | PipelineVariable;
        readonly clusterConfig?: undefined;
      }
    | {
        readonly clusterConfig: EmrClusterConfig;
        readonly clusterId?: undefined;
        readonly executionRoleArn?: undefined;
      }
  );

const FORBIDDEN_CLUSTER_MEMBERS = ["Name", "Steps", "AutoTerminationPolicy"] as const;
const FORBIDDEN_INSTANCE_MEMBERS = ["KeepJobFlowAliveWhenNoSteps", "TerminationProtected"] as const;

function clusterProblems(name: string, props: EMRStepProps): string[] {
  const at = `EMR step ${name}`;
  const cfg = props.clusterConfig;
  if ((props.clusterId === undefined) === (cfg === undefined))
    return [`${at}: give exactly one of clusterId or clusterConfig`];
  if (props.executionRoleArn !== undefined && props.clusterId === undefined)
    return [`${at}: executionRoleArn needs clusterId`];
  if (cfg === undefined) return [];
  const problems: string[] = [];
  for (const k of FORBIDDEN_CLUSTER_MEMBERS)
    if (cfg[k] !== undefined) problems.push(`${at}: clusterConfig cannot have ${k}`);
  const instances = cfg.Instances as { readonly [member: string]: StepInput } | undefined;
  if (instances === undefined) return [...problems, `${at}: clusterConfig needs Instances`];
  for (const k of FORBIDDEN_INSTANCE_MEMBERS)
    if (instances[k] !== undefined) problems.push(`${at}: clusterConfig.Instances cannot have ${k}`);
  if ((instances.InstanceGroups === undefined) === (instances.InstanceFleets === undefined))
    problems.push(`${at}: clusterConfig.Instances needs exactly one of InstanceGroups or InstanceFleets`);
  return problems;
}

/**
 * An EMR step (type `EMR`). EMR is not among the cost-bearing step types of the LOB policy (docs/contracts.md#command-line-and-exit-codes), so the
 * builder, `lint` and `tag` leave it as it is: a step on a running cluster adds no resource of its own, and a
 * cluster the step creates is billed by EMR. To charge that cluster to a LOB, give `clusterConfig.Tags` yourself.
 *
 * @example
 * ```ts
 * new EMRStep("Features", { clusterId: "j-1ABCDEFGHIJKL",
 *   stepConfig: { HadoopJarStep: { Jar: "command-runner.jar", Args: ["spark-submit", "s3://bucket/features.py"] } } });
 * ```
 */
export class EMRStep extends Step {
  readonly type = "EMR" as const;
  /** The step's properties (EMR's `Step`), e.g. `properties.Status.State`. */
  readonly properties: PropertyTree<EMRStepProperties>;

  constructor(
    name: string,
    private readonly props: EMRStepProps,
  ) {
    super(name, props);
    const problems = clusterProblems(name, props);
    if (problems.length > 0) throw new PipelineBuildError("invalid", problems);
    this.properties = stepProperties<EMRStepProperties>(name);
  }

  protected renderArguments(): JsonObject {
    const p = this.props;
    return render({
      ...(p.clusterId === undefined ? { ClusterConfig: p.clusterConfig } : { ClusterId: p.clusterId }),
      ...(p.executionRoleArn === undefined ? {} : { ExecutionRoleArn: p.executionRoleArn }),
      StepConfig: p.stepConfig,
    }) as JsonObject;
  }
}
