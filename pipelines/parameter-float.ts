/** A Float pipeline parameter. */
import { PipelineBuildError } from "./errors.js";
import { Parameter } from "./parameter.js";

/**
 * A Float parameter. Used as a hyperparameter it renders as `Std:Join` on `""`.
 *
 * @example
 * ```ts
 * const minAuc = new ParameterFloat("MinAuc", { defaultValue: 0.8 });
 * ```
 */
export class ParameterFloat extends Parameter<number> {
  readonly type = "Float" as const;

  constructor(name: string, options: { readonly defaultValue?: number } = {}) {
    super(name, "number", options.defaultValue);
    if (options.defaultValue !== undefined && !Number.isFinite(options.defaultValue))
      throw new PipelineBuildError("invalid", [
        `parameter ${name}: default ${options.defaultValue} is not a finite number`,
      ]);
  }
}
