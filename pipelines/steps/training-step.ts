/** A Training step: a SageMaker training job. */
import type { CreateTrainingJobRequest, DescribeTrainingJobResponse } from "@aws-sdk/client-sagemaker";
import type { Pipelined, PipelineVariable } from "../variable.js";
import { RequestStep, type RequestStepProps } from "./request-step.js";

/**
 * The `CreateTrainingJob` request without `TrainingJobName`; any value may be a pipeline variable.
 * Hyperparameters may be numbers or variables: they render as strings, as the SDK renders them.
 */
export type TrainingRequest = Pipelined<Omit<CreateTrainingJobRequest, "TrainingJobName">>;

/** Props of a {@link TrainingStep}. */
export type TrainingStepProps = RequestStepProps<TrainingRequest>;

/**
 * A Training step.
 *
 * @example
 * ```ts
 * const train = new TrainingStep("Train", { request: { ... } });
 * train.modelArtifacts; // {"Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"}
 * ```
 */
export class TrainingStep extends RequestStep<TrainingRequest, DescribeTrainingJobResponse> {
  readonly type = "Training" as const;

  constructor(name: string, props: TrainingStepProps) {
    super(name, props);
  }

  /** The S3 URI of the trained model artifacts. */
  get modelArtifacts(): PipelineVariable {
    return this.properties.ModelArtifacts.S3ModelArtifacts;
  }
}
