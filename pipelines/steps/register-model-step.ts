/** A RegisterModel step: registers a model package version (`CreateModelPackage`). */
import type { CreateModelPackageInput, DescribeModelPackageOutput } from "@aws-sdk/client-sagemaker";
import type { Pipelined } from "../variable.js";
import { RequestStep, type RequestStepProps } from "./request-step.js";

/** The `CreateModelPackage` request without `ModelPackageName`; any value may be a pipeline variable. */
export type RegisterModelRequest = Pipelined<Omit<CreateModelPackageInput, "ModelPackageName">>;

/** Props of a {@link RegisterModelStep}. */
export type RegisterModelStepProps = RequestStepProps<RegisterModelRequest>;

/**
 * A RegisterModel step.
 *
 * @example
 * ```ts
 * new RegisterModelStep("RegisterChurnModel", { request: { ModelPackageGroupName: "churn",
 *   ModelApprovalStatus: "PendingManualApproval", InferenceSpecification: {...} } });
 * ```
 */
export class RegisterModelStep extends RequestStep<RegisterModelRequest, DescribeModelPackageOutput> {
  readonly type = "RegisterModel" as const;

  constructor(name: string, props: RegisterModelStepProps) {
    super(name, props);
  }
}
