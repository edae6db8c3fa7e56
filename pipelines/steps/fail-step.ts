/** A Fail step: stops the execution as failed, with a message. */
import type { JsonObject } from "../definition.js";
import { type PipelineVariable, render } from "../variable.js";
import { Step, type StepOptions } from "./step.js";

/** Props of a {@link FailStep}. */
export interface FailStepProps extends StepOptions {
  /** The failure reason shown for the execution. @default "" */
  readonly errorMessage?: string | PipelineVariable;
}

/**
 * A Fail step.
 *
 * @example
 * ```ts
 * new FailStep("AucTooLow", { errorMessage: join(" ", ["AUC below", minAuc]) });
 * ```
 */
export class FailStep extends Step {
  readonly type = "Fail" as const;

  constructor(
    name: string,
    private readonly props: FailStepProps = {},
  ) {
    super(name, props);
  }

  protected renderArguments(): JsonObject {
    return { ErrorMessage: render(this.props.errorMessage ?? "") };
  }
}
