/** The base of pipeline parameters: a named, typed value chosen per execution. */
import type { DefinitionParameter, JsonObject } from "./definition.js";
import { PipelineBuildError } from "./errors.js";
import { type PipelineVariable, VARIABLE_BRAND, type VariableKind } from "./variable.js";

/** The longest parameter name SageMaker accepts. */
export const MAX_PARAMETER_NAME_LENGTH = 256;
const PARAMETER_NAME = /^[A-Za-z0-9\-_]+$/;

/** A pipeline parameter; used as a value, it renders as `{"Get": "Parameters.<name>"}`. */
export abstract class Parameter<T extends string | number | boolean> implements PipelineVariable {
  /** Brand of pipeline variables. */
  readonly [VARIABLE_BRAND]: VariableKind;
  /** The definition type. */
  abstract readonly type: DefinitionParameter["Type"];

  protected constructor(
    /** The parameter's name (letters, digits, `-`, `_`; at most 256). */
    readonly name: string,
    kind: VariableKind,
    /** The value used when an execution does not set it; without one, every execution must. */
    readonly defaultValue: T | undefined,
  ) {
    this[VARIABLE_BRAND] = kind;
    if (!PARAMETER_NAME.test(name) || name.length > MAX_PARAMETER_NAME_LENGTH)
      throw new PipelineBuildError("invalid", [
        `parameter name "${name}" must be 1–${MAX_PARAMETER_NAME_LENGTH} letters, digits, "-" or "_"`,
      ]);
  }

  /** `{"Get": "Parameters.<name>"}` */
  toJSON(): JsonObject {
    return { Get: `Parameters.${this.name}` };
  }

  /** The parameter's declaration in the definition's `Parameters`. */
  toRequest(): DefinitionParameter {
    return {
      Name: this.name,
      Type: this.type,
      ...(this.defaultValue === undefined ? {} : { DefaultValue: this.defaultValue }),
    };
  }
}
