/**
 * Pipeline variables: values resolved by SageMaker at run time (parameters, execution variables, step
 * properties, `Std:Join`, `Std:JsonGet`). Each renders to its definition JSON through `toJSON()`, so a
 * variable can sit anywhere in a step's arguments.
 */
import type { JsonObject, JsonValue } from "./definition.js";

/** The primitive type a variable resolves to, when known; decides how it renders as a hyperparameter. */
export type VariableKind = "string" | "number" | "boolean" | "unknown";

const VARIABLE = Symbol.for("sagemaker-chargeback.pipeline-variable");

/** A value SageMaker resolves at run time. */
export interface PipelineVariable {
  /** Brand: marks pipeline variables. */
  readonly [VARIABLE]: VariableKind;
  /** The definition JSON of the variable, e.g. `{"Get": "Parameters.X"}`. */
  toJSON(): JsonObject;
}

/** Whether `value` is a {@link PipelineVariable}. */
export function isPipelineVariable(value: unknown): value is PipelineVariable {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    (value as Record<symbol, unknown>)[VARIABLE] !== undefined
  );
}

/** The primitive type a variable resolves to. */
export function variableKind(v: PipelineVariable): VariableKind {
  return v[VARIABLE];
}

/** Makes a pipeline variable from its JSON. */
export function variable(kind: VariableKind, json: () => JsonObject): PipelineVariable {
  return { [VARIABLE]: kind, toJSON: json };
}

/** The brand key, for classes that are pipeline variables themselves (parameters). */
export const VARIABLE_BRAND: typeof VARIABLE = VARIABLE;

/**
 * A value where a pipeline variable may stand in for any primitive: what step arguments accept.
 * Hyperparameter maps also accept numbers (rendered as strings, as the SDK does).
 */
export type Pipelined<T> = T extends string | number | boolean
  ? T | PipelineVariable
  : T extends Date
    ? T
    : T extends readonly (infer U)[]
      ? Pipelined<U>[]
      : T extends object
        ? {
            [K in keyof T]: K extends "HyperParameters" | "StaticHyperParameters"
              ? Record<string, HyperParameterValue> | undefined
              : Pipelined<T[K]>;
          }
        : T;

/** A hyperparameter value: strings pass as they are, numbers become strings. */
export type HyperParameterValue = string | number | PipelineVariable;

const HYPERPARAMETER_KEYS = new Set(["HyperParameters", "StaticHyperParameters"]);

function renderHyperParameter(v: unknown): JsonValue {
  if (typeof v === "number") return String(v);
  if (isPipelineVariable(v)) {
    // As the SDK does: a non-string variable is turned into a string by a `Std:Join` on "".
    if (variableKind(v) === "string") return v.toJSON();
    return { "Std:Join": { On: "", Values: [v.toJSON()] } };
  }
  return render(v);
}

/**
 * Renders step arguments to definition JSON: variables to their JSON, `undefined` members dropped,
 * hyperparameter values to strings.
 */
export function render(value: unknown): JsonValue {
  if (isPipelineVariable(value)) return value.toJSON();
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`${value} cannot appear in a pipeline definition`);
    return value;
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(render);
  if (typeof value === "object") {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      if (HYPERPARAMETER_KEYS.has(k) && v !== null && typeof v === "object" && !isPipelineVariable(v)) {
        out[k] = Object.fromEntries(
          Object.entries(v as Record<string, unknown>)
            .filter(([, hv]) => hv !== undefined)
            .map(([hk, hv]) => [hk, renderHyperParameter(hv)]),
        );
      } else out[k] = render(v);
    }
    return out;
  }
  throw new TypeError(`a ${typeof value} cannot appear in a pipeline definition`);
}
