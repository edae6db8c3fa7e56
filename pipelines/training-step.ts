/** A Training step: a SageMaker training job. */
import type { CreateTrainingJobRequest, DescribeTrainingJobResponse } from "@aws-sdk/client-sagemaker";
import type { JsonObject } from "./definition.js";
import { type PropertyTree, stepProperties } from "./properties.js";
import { type JobStepOptions, Step } from "./step.js";
import { type Pipelined, type PipelineVariable, render } from "./variable.js";

/** Props of a {@link TrainingStep}. */
export interface TrainingStepProps extends JobStepOptions {
  /**
   * The `CreateTrainingJob` request without `TrainingJobName`; any value may be a pipeline variable.
   * Hyperparameters may be numbers or variables: they render as strings, as the SDK renders them.
   */
  readonly request: Pipelined<Omit<CreateTrainingJobRequest, "TrainingJobName">>;
}

/**
 * A Training step.
 *
 * @example
 * ```ts
 * const train = new TrainingStep("Train", { request: { ... } });
 * train.modelArtifacts; // {"Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"}
 * ```
 */
export class TrainingStep extends Step {
  readonly type = "Training" as const;
  /** The step's properties (a `DescribeTrainingJob` response). */
  readonly properties: PropertyTree<DescribeTrainingJobResponse>;

  constructor(
    name: string,
    private readonly props: TrainingStepProps,
  ) {
    super(name, props);
    this.properties = stepProperties<DescribeTrainingJobResponse>(name);
  }

  /** The S3 URI of the trained model artifacts. */
  get modelArtifacts(): PipelineVariable {
    return this.properties.ModelArtifacts.S3ModelArtifacts;
  }

  protected renderArguments(): JsonObject {
    return render(this.props.request) as JsonObject;
  }
}
