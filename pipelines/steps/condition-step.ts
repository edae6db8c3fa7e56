/** A Condition step: runs one branch of steps or the other. */
import type { Condition } from "../conditions.js";
import type { JsonObject } from "../definition.js";
import { type PropertyTree, stepProperties } from "../properties.js";
import { Step, type StepOptions } from "./step.js";

/** Props of a {@link ConditionStep}. */
export interface ConditionStepProps extends StepOptions {
  /** All must hold for the `ifSteps` branch to run. */
  readonly conditions: readonly Condition[];
  /** Steps run when every condition holds. */
  readonly ifSteps?: readonly Step[];
  /** Steps run otherwise. */
  readonly elseSteps?: readonly Step[];
}

/**
 * A Condition step. Its branch steps are nested in its `Arguments` (`IfSteps`, `ElseSteps`), as the SDK
 * emits them; do not also list them among the pipeline's steps.
 *
 * @example
 * ```ts
 * new ConditionStep("CheckAuc", { conditions: [greaterThanOrEqualTo(auc, minAuc)], ifSteps: [register], elseSteps: [fail] });
 * ```
 */
export class ConditionStep extends Step {
  readonly type = "Condition" as const;
  /** The step's properties: `Outcome` (`"True"` or `"False"`). */
  readonly properties: PropertyTree<{ Outcome: string }>;

  constructor(
    name: string,
    private readonly props: ConditionStepProps,
  ) {
    super(name, props);
    this.properties = stepProperties<{ Outcome: string }>(name);
  }

  override children(): readonly Step[] {
    return [...(this.props.ifSteps ?? []), ...(this.props.elseSteps ?? [])];
  }

  protected renderArguments(): JsonObject {
    return {
      Conditions: this.props.conditions.map((c) => c.toJSON()),
      IfSteps: (this.props.ifSteps ?? []).map((s) => s.toRequest() as unknown as JsonObject),
      ElseSteps: (this.props.elseSteps ?? []).map((s) => s.toRequest() as unknown as JsonObject),
    };
  }
}
