/** An Integer pipeline parameter. */
import { PipelineBuildError } from "./errors.js";
import { Parameter } from "./parameter.js";

/**
 * An Integer parameter. Used as a hyperparameter it renders as `Std:Join` on `""` (hyperparameters are strings).
 *
 * @example
 * ```ts
 * const maxJobs = new ParameterInteger("MaxTuningJobs", { defaultValue: 3 });
 * ```
 */
export class ParameterInteger extends Parameter<number> {
  readonly type = "Integer" as const;

  constructor(name: string, options: { readonly defaultValue?: number } = {}) {
    super(name, "number", options.defaultValue);
    if (options.defaultValue !== undefined && !Number.isSafeInteger(options.defaultValue))
      throw new PipelineBuildError("invalid", [
        `parameter ${name}: default ${options.defaultValue} is not an integer`,
      ]);
  }
}
