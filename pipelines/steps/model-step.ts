/** A Model step: creates a SageMaker model (`CreateModel`). */
import type { CreateModelInput, DescribeModelOutput } from "@aws-sdk/client-sagemaker";
import type { Pipelined } from "../variable.js";
import { RequestStep, type RequestStepProps } from "./request-step.js";

/** The `CreateModel` request without `ModelName`; any value may be a pipeline variable. */
export type ModelRequest = Pipelined<Omit<CreateModelInput, "ModelName">>;

/** Props of a {@link ModelStep}. */
export type ModelStepProps = RequestStepProps<ModelRequest>;

/**
 * A Model step (type `Model`). The SageMaker Python SDK's `ModelStep` names it `<name>-CreateModel`; this
 * builder uses the name you give.
 *
 * @example
 * ```ts
 * new ModelStep("CreateBestModel-CreateModel", { request: { ExecutionRoleArn: role,
 *   PrimaryContainer: { Image: image, ModelDataUrl: tune.topModelS3Uri(0, bucket, prefix) } } });
 * ```
 */
export class ModelStep extends RequestStep<ModelRequest, DescribeModelOutput> {
  readonly type = "Model" as const;

  constructor(name: string, props: ModelStepProps) {
    super(name, props);
  }
}
