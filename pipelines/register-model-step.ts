/** A RegisterModel step: registers a model package version (`CreateModelPackage`). */
import type { CreateModelPackageInput, DescribeModelPackageOutput } from "@aws-sdk/client-sagemaker";
import type { JsonObject } from "./definition.js";
import { type PropertyTree, stepProperties } from "./properties.js";
import { type JobStepOptions, Step } from "./step.js";
import { type Pipelined, render } from "./variable.js";

/** Props of a {@link RegisterModelStep}. */
export interface RegisterModelStepProps extends JobStepOptions {
  /** The `CreateModelPackage` request without `ModelPackageName`; any value may be a pipeline variable. */
  readonly request: Pipelined<Omit<CreateModelPackageInput, "ModelPackageName">>;
}

/**
 * A RegisterModel step.
 *
 * @example
 * ```ts
 * new RegisterModelStep("RegisterChurnModel", { request: { ModelPackageGroupName: "churn",
 *   ModelApprovalStatus: "PendingManualApproval", InferenceSpecification: {...} } });
 * ```
 */
export class RegisterModelStep extends Step {
  readonly type = "RegisterModel" as const;
  /** The step's properties (a `DescribeModelPackage` response). */
  readonly properties: PropertyTree<DescribeModelPackageOutput>;

  constructor(
    name: string,
    private readonly props: RegisterModelStepProps,
  ) {
    super(name, props);
    this.properties = stepProperties<DescribeModelPackageOutput>(name);
  }

  protected renderArguments(): JsonObject {
    return render(this.props.request) as JsonObject;
  }
}
