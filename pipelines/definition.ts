/**
 * The pipeline definition JSON format (what `Pipeline.definition()` returns and `CreatePipeline` takes),
 * and walking it: every step, including steps nested in a Condition's `IfSteps`/`ElseSteps`.
 */
import { DataSourceError } from "../core/index.js";

/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** The definition format version the SageMaker Python SDK emits. */
export const DEFINITION_VERSION = "2020-12-01";

/** A pipeline parameter as declared in a definition. */
export interface DefinitionParameter {
  readonly Name: string;
  readonly Type: "String" | "Integer" | "Float" | "Boolean";
  readonly DefaultValue?: string | number | boolean;
  readonly EnumValues?: readonly string[];
}

/** A step as it appears in a definition. */
export interface DefinitionStep {
  readonly Name: string;
  readonly Type: string;
  readonly Arguments?: JsonObject;
  readonly DependsOn?: readonly string[];
  readonly DisplayName?: string;
  readonly Description?: string;
  readonly CacheConfig?: { readonly Enabled: boolean; readonly ExpireAfter?: string };
  readonly RetryPolicies?: readonly JsonObject[];
  readonly PropertyFiles?: readonly { PropertyFileName: string; OutputName: string; FilePath: string }[];
}

/** A pipeline definition (`Version` 2020-12-01). */
export interface PipelineDefinition {
  readonly Version: string;
  readonly Metadata: JsonObject;
  readonly Parameters: readonly DefinitionParameter[];
  readonly PipelineExperimentConfig?: JsonObject;
  readonly Steps: readonly DefinitionStep[];
}

/**
 * Step types whose step creates a billed SageMaker resource, and so must carry the LOB tag (docs/contracts.md#command-line-and-exit-codes).
 */
export const COST_BEARING_STEP_TYPES: readonly string[] = [
  "Processing",
  "Training",
  "Tuning",
  "Transform",
  "AutoML",
  "QualityCheck",
  "ClarifyCheck",
  "EndpointConfig",
  "Endpoint",
  "InferenceComponent",
];

/** One step found while walking a definition, with where it sits. */
export interface LocatedStep {
  /** The step object itself (not a copy: mutations reach the definition). */
  readonly step: JsonObject;
  /** Its name (`"?"` when missing). */
  readonly name: string;
  /** Its type (`"?"` when missing). */
  readonly type: string;
  /** A JSONPath-like location, e.g. `Steps[3].Arguments.IfSteps[0]`. */
  readonly path: string;
  /** Names of the Condition steps (and branch) it is nested in, outermost first, e.g. `["Check:if"]`. */
  readonly branch: readonly string[];
}

/** Whether a value is a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The deepest nesting of objects and arrays a definition may have: about 100 Condition steps inside one another
 * (each adds three levels). Deeper, the steps' walk and the JSON writer would run out of stack; no pipeline a
 * person or the SDK writes comes near it. This is the toolkit's own limit, not SageMaker's.
 */
export const MAX_DEFINITION_DEPTH = 300;

/** The nesting depth of a JSON value, measured without recursion (so any depth can be measured). */
function jsonDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [v, depth] = top;
    if (typeof v !== "object" || v === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * Checks that a parsed value looks like a pipeline definition (an object with a `Steps` array of objects, nested
 * at most {@link MAX_DEFINITION_DEPTH} levels); throws a {@link core!DataSourceError | DataSourceError} saying what is wrong otherwise.
 */
export function asDefinition(value: unknown, source = "definition"): JsonObject & { Steps: JsonValue[] } {
  if (!isJsonObject(value)) throw new DataSourceError(`${source} is not a JSON object.`);
  if (jsonDepth(value, MAX_DEFINITION_DEPTH) > MAX_DEFINITION_DEPTH)
    throw new DataSourceError(
      `${source} nests more than ${MAX_DEFINITION_DEPTH} levels of objects and arrays (Condition steps inside one another?).`,
      { hint: "Flatten the Condition steps: a pipeline this deep cannot be read safely." },
    );
  const steps = value.Steps;
  if (!Array.isArray(steps))
    throw new DataSourceError(`${source} has no "Steps" array: not a pipeline definition.`);
  if (value.Parameters !== undefined && !Array.isArray(value.Parameters))
    throw new DataSourceError(`${source}: "Parameters" is not an array.`);
  return value as JsonObject & { Steps: JsonValue[] };
}

/** Parses definition JSON text; a syntax error becomes a {@link core!DataSourceError | DataSourceError} naming the source. */
export function parseDefinition(text: string, source = "definition"): JsonObject & { Steps: JsonValue[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new DataSourceError(`${source} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  return asDefinition(parsed, source);
}

/**
 * Every step of a definition, depth first in document order, Condition branches included.
 *
 * @example
 * ```ts
 * for (const s of walkSteps(def.Steps)) console.log(s.path, s.name, s.type);
 * ```
 */
export function* walkSteps(
  steps: readonly JsonValue[],
  path = "Steps",
  branch: readonly string[] = [],
): Generator<LocatedStep> {
  for (const [i, raw] of steps.entries()) {
    const here = `${path}[${i}]`;
    if (!isJsonObject(raw)) throw new DataSourceError(`${here} is not a step object.`);
    const name = typeof raw.Name === "string" ? raw.Name : "?";
    const type = typeof raw.Type === "string" ? raw.Type : "?";
    yield { step: raw, name, type, path: here, branch };
    if (type === "Condition" && isJsonObject(raw.Arguments)) {
      for (const key of ["IfSteps", "ElseSteps"] as const) {
        const nested = raw.Arguments[key];
        if (Array.isArray(nested))
          yield* walkSteps(nested, `${here}.Arguments.${key}`, [
            ...branch,
            `${name}:${key === "IfSteps" ? "if" : "else"}`,
          ]);
      }
    }
  }
}

/** The parameters a definition declares (entries without a string `Name` are skipped). */
export function declaredParameters(definition: JsonObject): DefinitionParameter[] {
  const params = Array.isArray(definition.Parameters) ? definition.Parameters : [];
  return params.filter(
    (p): p is JsonObject => isJsonObject(p) && typeof p.Name === "string",
  ) as unknown as DefinitionParameter[];
}

const PARAMETER_GET = /^Parameters\.(.+)$/;

/** The parameter name of a `{"Get": "Parameters.<p>"}` value, or `undefined` for anything else. */
export function parameterReference(value: unknown): string | undefined {
  if (!isJsonObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1 || typeof value.Get !== "string") return undefined;
  return PARAMETER_GET.exec(value.Get)?.[1];
}
