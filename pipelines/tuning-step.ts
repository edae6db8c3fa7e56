/** A Tuning step: a hyperparameter tuning job, with one training definition or several (multi-algorithm). */
import type {
  CreateHyperParameterTuningJobRequest,
  DescribeHyperParameterTuningJobResponse,
  HyperParameterTrainingJobSummary,
} from "@aws-sdk/client-sagemaker";
import type { JsonObject } from "./definition.js";
import { PipelineBuildError } from "./errors.js";
import { join } from "./expressions.js";
import { type PropertyTree, stepProperties } from "./properties.js";
import { type JobStepOptions, Step } from "./step.js";
import { type Pipelined, type PipelineVariable, render } from "./variable.js";

/** The properties of a Tuning step: the tuning job and the training jobs it ran, best first. */
export type TuningStepProperties = DescribeHyperParameterTuningJobResponse & {
  TrainingJobSummaries: HyperParameterTrainingJobSummary[];
};

/** Props of a {@link TuningStep}. */
export interface TuningStepProps extends JobStepOptions {
  /**
   * The `CreateHyperParameterTuningJob` request without `HyperParameterTuningJobName`, with exactly one of
   * `TrainingJobDefinition` (one algorithm) or `TrainingJobDefinitions` (several, each with its
   * `DefinitionName`, `TuningObjective` and `HyperParameterRanges`). Tags of a tuning job are copied to the
   * training jobs it launches.
   */
  readonly request: Pipelined<Omit<CreateHyperParameterTuningJobRequest, "HyperParameterTuningJobName">>;
}

/**
 * A Tuning step.
 *
 * @example
 * ```ts
 * const tune = new TuningStep("Tune", { request: { HyperParameterTuningJobConfig: {...}, TrainingJobDefinition: {...} } });
 * tune.properties.BestTrainingJob.TrainingJobName;
 * tune.topModelS3Uri(0, "my-bucket", "churn/tuning"); // s3://my-bucket/churn/tuning/<best job>/output/model.tar.gz
 * ```
 */
export class TuningStep extends Step {
  readonly type = "Tuning" as const;
  /** The step's properties (a `DescribeHyperParameterTuningJob` response plus `TrainingJobSummaries`). */
  readonly properties: PropertyTree<TuningStepProperties>;

  constructor(
    name: string,
    private readonly props: TuningStepProps,
  ) {
    super(name, props);
    const single = props.request.TrainingJobDefinition !== undefined;
    const multi = (props.request.TrainingJobDefinitions?.length ?? 0) > 0;
    if (single === multi)
      throw new PipelineBuildError("invalid", [
        `tuning step ${name}: give exactly one of TrainingJobDefinition or TrainingJobDefinitions`,
      ]);
    this.properties = stepProperties<TuningStepProperties>(name);
  }

  /** The name of the best training job. */
  get bestTrainingJobName(): PipelineVariable {
    return this.properties.BestTrainingJob.TrainingJobName;
  }

  /**
   * The S3 URI of the model of the `topK`-th best training job (0 = best), given the bucket and prefix of the
   * training jobs' `S3OutputPath`.
   */
  topModelS3Uri(topK: number, bucket: string, prefix = ""): PipelineVariable {
    return join("/", [
      "s3:/",
      bucket,
      ...(prefix ? [prefix] : []),
      this.properties.TrainingJobSummaries.get(topK).TrainingJobName,
      "output/model.tar.gz",
    ]);
  }

  protected renderArguments(): JsonObject {
    return render(this.props.request) as JsonObject;
  }
}
