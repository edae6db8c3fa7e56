/** A Transform step: a batch transform job. */
import type { CreateTransformJobRequest, DescribeTransformJobResponse } from "@aws-sdk/client-sagemaker";
import type { Pipelined } from "../variable.js";
import { RequestStep, type RequestStepProps } from "./request-step.js";

/** The `CreateTransformJob` request without `TransformJobName`; any value may be a pipeline variable. */
export type TransformRequest = Pipelined<Omit<CreateTransformJobRequest, "TransformJobName">>;

/** Props of a {@link TransformStep}. */
export type TransformStepProps = RequestStepProps<TransformRequest>;

/**
 * A Transform step.
 *
 * @example
 * ```ts
 * new TransformStep("Score", { request: { ModelName: model.properties.ModelName, TransformInput: {...},
 *   TransformOutput: { S3OutputPath: "s3://bucket/scores" }, TransformResources: { InstanceType: "ml.m5.xlarge", InstanceCount: 1 } } });
 * ```
 */
export class TransformStep extends RequestStep<TransformRequest, DescribeTransformJobResponse> {
  readonly type = "Transform" as const;

  constructor(name: string, props: TransformStepProps) {
    super(name, props);
  }
}
