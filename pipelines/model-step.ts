/** A Model step: creates a SageMaker model (`CreateModel`). */
import type { CreateModelInput, DescribeModelOutput } from "@aws-sdk/client-sagemaker";
import type { JsonObject } from "./definition.js";
import { type PropertyTree, stepProperties } from "./properties.js";
import { type JobStepOptions, Step } from "./step.js";
import { type Pipelined, render } from "./variable.js";

/** Props of a {@link ModelStep}. */
export interface ModelStepProps extends JobStepOptions {
  /** The `CreateModel` request without `ModelName`; any value may be a pipeline variable. */
  readonly request: Pipelined<Omit<CreateModelInput, "ModelName">>;
}

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
export class ModelStep extends Step {
  readonly type = "Model" as const;
  /** The step's properties (a `DescribeModel` response). */
  readonly properties: PropertyTree<DescribeModelOutput>;

  constructor(
    name: string,
    private readonly props: ModelStepProps,
  ) {
    super(name, props);
    this.properties = stepProperties<DescribeModelOutput>(name);
  }

  protected renderArguments(): JsonObject {
    return render(this.props.request) as JsonObject;
  }
}
