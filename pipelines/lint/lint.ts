/**
 * `lintDefinition`: which cost-bearing steps of a pipeline definition do not carry the LOB tag (docs/contracts.md#command-line-and-exit-codes).
 * Works on any definition JSON, SDK-made ones included, Condition branches included.
 */
import { lobProblem, MAX_TAGS_PER_RESOURCE, type TagPolicy, tagValueProblem } from "../../core/index.js";
import {
  asDefinition,
  COST_BEARING_STEP_TYPES,
  type DefinitionParameter,
  declaredParameters,
  isJsonObject,
  type JsonObject,
  type JsonValue,
  parameterReference,
  walkSteps,
} from "../definition.js";

/** The tag policy lint and tag apply; without `lobs`, any non-empty valid literal value is accepted. */
export interface LobTagPolicy {
  /** The tag key carrying the LOB. */
  readonly tagKey: string;
  /** The allowed LOB values. @default unchecked: any non-empty valid tag value */
  readonly lobs?: readonly string[];
}

/** What is wrong with a step. */
export type LintProblem = "missing-tag" | "invalid-tag" | "tag-limit" | "malformed";

/** One cost-bearing step without a valid LOB tag. */
export interface LintFinding {
  /** The step's name. */
  readonly step: string;
  /** The step's type. */
  readonly type: string;
  /** Where it is, e.g. `Steps[3].Arguments.IfSteps[0]`. */
  readonly path: string;
  /** The Condition branches it is nested in, e.g. `["CheckAuc:if"]`. */
  readonly branch: readonly string[];
  /** The kind of problem. */
  readonly problem: LintProblem;
  /** One sentence for people. */
  readonly message: string;
}

/** The result of {@link lintDefinition}. */
export interface LintResult {
  /** The tag key checked. */
  readonly tagKey: string;
  /** Steps in the definition (branches included). */
  readonly steps: number;
  /** Cost-bearing steps among them. */
  readonly costBearingSteps: number;
  /** Every cost-bearing step without a valid LOB tag. */
  readonly findings: readonly LintFinding[];
  /** Notes that do not fail the lint (the LOB parameter has a default; a tag uses an undeclared parameter…). */
  readonly warnings: readonly string[];
  /** `true` when there are no findings. */
  readonly ok: boolean;
}

/** How a step's LOB tag stands. */
export type LobTagState =
  | { readonly state: "ok"; readonly warning?: string }
  | { readonly state: "missing"; readonly tagCount: number }
  | { readonly state: "invalid"; readonly index: number; readonly reason: string }
  | { readonly state: "malformed"; readonly reason: string };

function literalProblem(policy: LobTagPolicy, value: string): string | undefined {
  if (policy.lobs) return lobProblem(policy as TagPolicy, value);
  if (value.length === 0) return "LOB is empty";
  return tagValueProblem(value);
}

/**
 * The state of the LOB tag of one step's `Arguments.Tags`: passes with a literal LOB or a
 * `{"Get": "Parameters.<p>"}` value (with a warning when `p` is not a declared String parameter).
 */
export function lobTagState(
  step: JsonObject,
  policy: LobTagPolicy,
  parameters: ReadonlyMap<string, DefinitionParameter>,
): LobTagState {
  const args = step.Arguments;
  if (!isJsonObject(args)) return { state: "malformed", reason: "the step has no Arguments object" };
  const tags: JsonValue | undefined = args.Tags;
  if (tags === undefined) return { state: "missing", tagCount: 0 };
  if (!Array.isArray(tags)) return { state: "malformed", reason: "Arguments.Tags is not a list" };
  const index = tags.findIndex((t) => isJsonObject(t) && t.Key === policy.tagKey);
  if (index < 0) return { state: "missing", tagCount: tags.length };
  const copies = tags.filter((t) => isJsonObject(t) && t.Key === policy.tagKey).length;
  if (copies > 1)
    return {
      state: "invalid",
      index,
      reason: `the ${policy.tagKey} tag is given ${copies} times; SageMaker rejects duplicate tag keys`,
    };
  const value = (tags[index] as JsonObject).Value;
  if (typeof value === "string") {
    const reason = literalProblem(policy, value);
    return reason === undefined ? { state: "ok" } : { state: "invalid", index, reason };
  }
  const param = parameterReference(value);
  if (param === undefined)
    return {
      state: "invalid",
      index,
      reason: `the value ${JSON.stringify(value)} is neither a LOB nor a parameter`,
    };
  // Any `{"Get": "Parameters.<p>"}` passes (docs/contracts.md#command-line-and-exit-codes); a reference SageMaker would reject is a warning.
  const declared = parameters.get(param);
  if (!declared)
    return {
      state: "ok",
      warning: `its ${policy.tagKey} tag uses parameter ${param}, which is not declared`,
    };
  if (declared.Type !== "String")
    return {
      state: "ok",
      warning: `its ${policy.tagKey} tag uses parameter ${param}, which is ${declared.Type}, not String`,
    };
  return { state: "ok" };
}

/** Notes about the LOB parameter, when the definition declares one. */
export function lobParameterWarnings(
  parameter: DefinitionParameter | undefined,
  policy: LobTagPolicy,
): string[] {
  if (parameter?.Type !== "String") return [];
  const warnings: string[] = [];
  const name = parameter.Name;
  if (parameter.DefaultValue !== undefined)
    warnings.push(
      `parameter ${name} has a default (${JSON.stringify(parameter.DefaultValue)}): executions that do not choose a LOB are charged to it`,
    );
  if (policy.lobs) {
    if (!parameter.EnumValues)
      warnings.push(`parameter ${name} has no EnumValues: any value is accepted at start time`);
    else {
      const extra = parameter.EnumValues.filter((v) => !policy.lobs?.includes(v));
      if (extra.length > 0)
        warnings.push(`parameter ${name} allows values that are not LOBs: ${extra.join(", ")}`);
    }
  }
  return warnings;
}

/**
 * Lists the cost-bearing steps (docs/contracts.md#command-line-and-exit-codes: Processing, Training, Tuning, Transform, AutoML, QualityCheck,
 * ClarifyCheck, EndpointConfig, Endpoint, InferenceComponent; Condition branches included) whose
 * `Arguments.Tags` lacks the LOB tag: a literal LOB from `lobs` or a `{"Get": "Parameters.<p>"}` value.
 *
 * @param definition - a parsed definition (any JSON; a non-definition throws a DataSourceError)
 * @param policy - the tag key and, when known, the allowed LOBs
 * @example
 * ```ts
 * const r = lintDefinition(JSON.parse(text), { tagKey: "LineOfBusiness", lobs: ["retail", "wealth"] });
 * if (!r.ok) for (const f of r.findings) console.log(f.step, f.message);
 * ```
 */
export function lintDefinition(definition: unknown, policy: LobTagPolicy): LintResult {
  const def = asDefinition(definition);
  const params = new Map(declaredParameters(def).map((p) => [p.Name, p]));
  const findings: LintFinding[] = [];
  const warnings: string[] = [];
  let steps = 0;
  let costBearing = 0;
  for (const s of walkSteps(def.Steps)) {
    steps++;
    if (!COST_BEARING_STEP_TYPES.includes(s.type)) continue;
    costBearing++;
    const st = lobTagState(s.step, policy, params);
    const where = { step: s.name, type: s.type, path: s.path, branch: s.branch };
    if (st.state === "ok" && st.warning) warnings.push(`step ${s.name}: ${st.warning}`);
    if (st.state === "missing")
      findings.push(
        st.tagCount >= MAX_TAGS_PER_RESOURCE
          ? {
              ...where,
              problem: "tag-limit",
              message: `no ${policy.tagKey} tag, and it already has ${st.tagCount} tags (the limit is ${MAX_TAGS_PER_RESOURCE}): remove one before tagging`,
            }
          : { ...where, problem: "missing-tag", message: `no ${policy.tagKey} tag` },
      );
    else if (st.state === "invalid")
      findings.push({
        ...where,
        problem: "invalid-tag",
        message: `${policy.tagKey} tag is invalid: ${st.reason}`,
      });
    else if (st.state === "malformed") findings.push({ ...where, problem: "malformed", message: st.reason });
  }
  return {
    tagKey: policy.tagKey,
    steps,
    costBearingSteps: costBearing,
    findings,
    warnings: [...lobParameterWarnings(params.get(policy.tagKey), policy), ...warnings],
    ok: findings.length === 0,
  };
}

/**
 * The findings of {@link lintDefinition} as text, one line per finding with the fix, then the warnings: what
 * `smcb pipeline lint` prints and what `upsertPipeline` refuses an untagged definition with.
 *
 * @example
 * ```ts
 * console.log(lintReport(lintDefinition(definition, { tagKey: "LineOfBusiness", lobs: ["retail"] })));
 * ```
 */
export function lintReport(r: LintResult): string {
  const lines =
    r.findings.length === 0
      ? [`ok: all ${r.costBearingSteps} cost-bearing step(s) carry the ${r.tagKey} tag.`]
      : [
          `${r.findings.length} of ${r.costBearingSteps} cost-bearing step(s) lack a valid ${r.tagKey} tag:`,
          ...r.findings.map(
            (f) =>
              `  ${f.step} (${f.type}, ${f.path}${f.branch.length ? `, in ${f.branch.join(" › ")}` : ""}): ${f.message}`,
          ),
          "Fix: smcb pipeline tag <definition.json> --out <tagged.json>",
        ];
  return [...lines, ...r.warnings.map((w) => `warning: ${w}`)].join("\n");
}
