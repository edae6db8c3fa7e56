/** An AutoML step: a SageMaker Autopilot job (`CreateAutoMLJob`) in ensembling mode. */
import type {
  AutoMLJobConfig,
  CreateAutoMLJobRequest,
  DescribeAutoMLJobResponse,
} from "@aws-sdk/client-sagemaker";
import { PipelineBuildError } from "../errors.js";
import type { Pipelined, PipelineVariable } from "../variable.js";
import { RequestStep, type RequestStepProps } from "./request-step.js";

/**
 * The `CreateAutoMLJob` request without `AutoMLJobName`, `ModelDeployConfig` and
 * `GenerateCandidateDefinitionsOnly` (a pipeline cannot take them, as the SageMaker Python SDK says), with
 * `AutoMLJobConfig.Mode` `"ENSEMBLING"`: the only mode a pipeline step runs. Any other value may be a pipeline
 * variable.
 */
export type AutoMLRequest = Pipelined<
  Omit<
    CreateAutoMLJobRequest,
    "AutoMLJobName" | "ModelDeployConfig" | "GenerateCandidateDefinitionsOnly" | "AutoMLJobConfig"
  >
> & {
  /** The job configuration; `Mode` must be `"ENSEMBLING"`. */
  readonly AutoMLJobConfig: Pipelined<Omit<AutoMLJobConfig, "Mode">> & { readonly Mode: "ENSEMBLING" };
};

/**
 * The properties of an AutoML step: the `DescribeAutoMLJob` response, plus the report locations of the best
 * candidate that SageMaker Pipelines adds (`BestCandidateProperties`).
 */
export type AutoMLStepProperties = DescribeAutoMLJobResponse & {
  BestCandidateProperties: { ModelInsightsJsonReportPath: string; ExplainabilityJsonReportPath: string };
};

/** Props of an {@link AutoMLStep}. */
export type AutoMLStepProps = RequestStepProps<AutoMLRequest>;

/**
 * An AutoML step (type `AutoML`). The Autopilot job and the training and processing jobs it launches are billed:
 * the step is cost-bearing and carries the LOB tag like the other job steps.
 *
 * @example
 * ```ts
 * const automl = new AutoMLStep("AutoPilot", { request: {
 *   InputDataConfig: [{ TargetAttributeName: "churned", ChannelType: "training",
 *     DataSource: { S3DataSource: { S3DataType: "S3Prefix", S3Uri: "s3://bucket/train" } } }],
 *   OutputDataConfig: { S3OutputPath: "s3://bucket/automl" }, RoleArn: role,
 *   AutoMLJobConfig: { Mode: "ENSEMBLING" } } });
 * automl.bestModelDataUrl; // {"Get": "Steps.AutoPilot.BestCandidate.InferenceContainers[0].ModelDataUrl"}
 * ```
 */
export class AutoMLStep extends RequestStep<AutoMLRequest, AutoMLStepProperties> {
  readonly type = "AutoML" as const;

  constructor(name: string, props: AutoMLStepProps) {
    super(name, props);
    // A JavaScript caller is not stopped by the type: check what SageMaker would reject at run time.
    const request = props.request as unknown as Record<string, unknown>;
    const mode = (request.AutoMLJobConfig as { Mode?: unknown } | undefined)?.Mode;
    const problems: string[] = [];
    if (mode !== "ENSEMBLING")
      problems.push(`AutoML step ${name}: AutoMLJobConfig.Mode must be "ENSEMBLING" (got ${String(mode)})`);
    for (const key of ["AutoMLJobName", "ModelDeployConfig", "GenerateCandidateDefinitionsOnly"])
      if (request[key] !== undefined)
        problems.push(`AutoML step ${name}: a pipeline step cannot take ${key}`);
    if (problems.length > 0) throw new PipelineBuildError("invalid", problems);
  }

  /** The best candidate's name. */
  get bestCandidateName(): PipelineVariable {
    return this.properties.BestCandidate.CandidateName;
  }

  /** The S3 URI of the best candidate's model artifacts (its first inference container). */
  get bestModelDataUrl(): PipelineVariable {
    return this.properties.BestCandidate.InferenceContainers.get(0).ModelDataUrl;
  }
}
