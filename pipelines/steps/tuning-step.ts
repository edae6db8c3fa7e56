/** A Tuning step: a hyperparameter tuning job, with one training definition or several (multi-algorithm). */
import type {
  CreateHyperParameterTuningJobRequest,
  DescribeHyperParameterTuningJobResponse,
  HyperParameterTrainingJobSummary,
} from "@aws-sdk/client-sagemaker";
import { PipelineBuildError } from "../errors.js";
import { join } from "../expressions.js";
import type { Pipelined, PipelineVariable } from "../variable.js";
import { RequestStep, type RequestStepProps } from "./request-step.js";

/** The properties of a Tuning step: the tuning job and the training jobs it ran, best first. */
export type TuningStepProperties = DescribeHyperParameterTuningJobResponse & {
  TrainingJobSummaries: HyperParameterTrainingJobSummary[];
};

/**
 * The `CreateHyperParameterTuningJob` request without `HyperParameterTuningJobName`, with exactly one of
 * `TrainingJobDefinition` (one algorithm) or `TrainingJobDefinitions` (several, each with its
 * `DefinitionName`, `TuningObjective` and `HyperParameterRanges`). Tags of a tuning job are copied to the
 * training jobs it launches.
 */
export type TuningRequest = Pipelined<
  Omit<CreateHyperParameterTuningJobRequest, "HyperParameterTuningJobName">
>;

/** Props of a {@link TuningStep}. */
export type TuningStepProps = RequestStepProps<TuningRequest>;

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
export class TuningStep extends RequestStep<TuningRequest, TuningStepProperties> {
  readonly type = "Tuning" as const;
  constructor(name: string, props: TuningStepProps) {
    super(name, props);
    const single = props.request.TrainingJobDefinition !== undefined;
    const multi = (props.request.TrainingJobDefinitions?.length ?? 0) > 0;
    if (single === multi)
      throw new PipelineBuildError("invalid", [
        `tuning step ${name}: give exactly one of TrainingJobDefinition or TrainingJobDefinitions`,
      ]);
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
}
