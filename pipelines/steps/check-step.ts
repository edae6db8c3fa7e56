/**
 * The base of the QualityCheck and ClarifyCheck steps: a baselining processing job (`Arguments`) and the check
 * settings SageMaker Pipelines reads from the step itself (`CheckType`, `SkipCheck`, `RegisterNewBaseline`,
 * `ModelPackageGroupName`, `SuppliedBaseline*`).
 */
import type { JsonObject } from "../definition.js";
import { type PipelineVariable, render } from "../variable.js";
import type { ProcessingRequest } from "./processing-step.js";
import { RequestStep } from "./request-step.js";
import type { CachedStepOptions } from "./step.js";

/** Settings common to the check steps. */
export interface CheckStepProps extends CachedStepOptions {
  /**
   * The baselining job: a `CreateProcessingJob` request without `ProcessingJobName` (the Model Monitor analyzer
   * image for a quality check, the Clarify image for a clarify check, with its inputs, output and environment).
   */
  readonly request: ProcessingRequest;
  /** Skip the drift check against the baseline (the job still computes a new baseline). @default false */
  readonly skipCheck?: boolean | PipelineVariable;
  /** Make the newly computed baseline the one the model package group's next check uses. @default false */
  readonly registerNewBaseline?: boolean | PipelineVariable;
  /** The model package group whose latest approved package supplies the baseline. */
  readonly modelPackageGroupName?: string | PipelineVariable;
  /** S3 URI of constraints to check against instead of the registered baseline. */
  readonly suppliedBaselineConstraints?: string | PipelineVariable;
}

/** A check step: Arguments are a processing request; the check settings sit beside them. */
export abstract class CheckStep<C extends string, P> extends RequestStep<ProcessingRequest, P> {
  /** The check this step runs. */
  readonly checkType: C;

  protected constructor(
    name: string,
    checkType: C,
    private readonly check: CheckStepProps,
  ) {
    super(name, check);
    this.checkType = checkType;
  }

  /** Check settings a subclass adds (members of the step, after the common ones). */
  protected checkExtra(): JsonObject {
    return {};
  }

  protected override renderExtra(): JsonObject {
    const c = this.check;
    const optional: JsonObject = {};
    if (c.modelPackageGroupName !== undefined)
      optional.ModelPackageGroupName = render(c.modelPackageGroupName);
    if (c.suppliedBaselineConstraints !== undefined)
      optional.SuppliedBaselineConstraints = render(c.suppliedBaselineConstraints);
    return {
      CheckType: this.checkType,
      SkipCheck: render(c.skipCheck ?? false),
      RegisterNewBaseline: render(c.registerNewBaseline ?? false),
      ...optional,
      ...this.checkExtra(),
    };
  }
}
