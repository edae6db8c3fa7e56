/** A String pipeline parameter, optionally restricted to an enumeration. */
import type { DefinitionParameter } from "./definition.js";
import { PipelineBuildError } from "./errors.js";
import { Parameter } from "./parameter.js";

/** Options of a {@link ParameterString}. */
export interface ParameterStringOptions {
  /** The value when an execution does not set it. @default none: every execution must set it */
  readonly defaultValue?: string;
  /** The only values an execution may set (`EnumValues`). @default any string */
  readonly enumValues?: readonly string[];
}

/**
 * A String parameter.
 *
 * @example
 * ```ts
 * const instanceType = new ParameterString("TrainingInstanceType", { defaultValue: "ml.m5.xlarge" });
 * const lob = new ParameterString("LineOfBusiness", { enumValues: ["retail", "wealth"] });
 * ```
 */
export class ParameterString extends Parameter<string> {
  readonly type = "String" as const;
  /** The allowed values, when restricted. */
  readonly enumValues: readonly string[] | undefined;

  constructor(name: string, options: ParameterStringOptions = {}) {
    super(name, "string", options.defaultValue);
    this.enumValues = options.enumValues;
    if (
      options.enumValues !== undefined &&
      options.defaultValue !== undefined &&
      !options.enumValues.includes(options.defaultValue)
    )
      throw new PipelineBuildError("invalid", [
        `parameter ${name}: default "${options.defaultValue}" is not one of its EnumValues (${options.enumValues.join(", ")})`,
      ]);
  }

  override toRequest(): DefinitionParameter {
    const base = super.toRequest();
    return this.enumValues && this.enumValues.length > 0
      ? { ...base, EnumValues: [...this.enumValues] }
      : base;
  }
}
