/** A Transform step: a batch transform job. */
import type { CreateTransformJobRequest, DescribeTransformJobResponse } from "@aws-sdk/client-sagemaker";
import type { JsonObject } from "./definition.js";
import { type PropertyTree, stepProperties } from "./properties.js";
import { type JobStepOptions, Step } from "./step.js";
import { type Pipelined, render } from "./variable.js";

/** Props of a {@link TransformStep}. */
export interface TransformStepProps extends JobStepOptions {
  /** The `CreateTransformJob` request without `TransformJobName`; any value may be a pipeline variable. */
  readonly request: Pipelined<Omit<CreateTransformJobRequest, "TransformJobName">>;
}

/**
 * A Transform step.
 *
 * @example
 * ```ts
 * new TransformStep("Score", { request: { ModelName: model.properties.ModelName, TransformInput: {...},
 *   TransformOutput: { S3OutputPath: "s3://bucket/scores" }, TransformResources: { InstanceType: "ml.m5.xlarge", InstanceCount: 1 } } });
 * ```
 */
export class TransformStep extends Step {
  readonly type = "Transform" as const;
  /** The step's properties (a `DescribeTransformJob` response). */
  readonly properties: PropertyTree<DescribeTransformJobResponse>;

  constructor(
    name: string,
    private readonly props: TransformStepProps,
  ) {
    super(name, props);
    this.properties = stepProperties<DescribeTransformJobResponse>(name);
  }

  protected renderArguments(): JsonObject {
    return render(this.props.request) as JsonObject;
  }
}
