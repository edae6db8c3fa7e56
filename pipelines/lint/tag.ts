/**
 * `tagDefinition`: adds the LOB parameter and the LOB tag to every cost-bearing step that lacks it
 * (docs/contracts.md#command-line-and-exit-codes). Everything else is left exactly as it was; tagging twice gives the same result as once.
 */
import { MAX_TAGS_PER_RESOURCE, TagPolicyError, tagKeyProblem } from "../../core/index.js";
import {
  asDefinition,
  COST_BEARING_STEP_TYPES,
  declaredParameters,
  isJsonObject,
  type JsonObject,
  type JsonValue,
  walkSteps,
} from "../definition.js";
import { type LobTagPolicy, lobParameterWarnings, lobTagState } from "./lint.js";

/** One change {@link tagDefinition} made to a step. */
export interface TagChange {
  /** The step's name. */
  readonly step: string;
  /** Where it is in the definition. */
  readonly path: string;
  /** `added`: the tag was appended; `replaced`: an invalid LOB tag value was replaced. */
  readonly action: "added" | "replaced";
  /** The value replaced, for `replaced`. */
  readonly previous?: JsonValue;
}

/** The result of {@link tagDefinition}. */
export interface TagResult {
  /** The tagged definition (a new object; the input is not modified). */
  readonly definition: JsonObject;
  /** Whether the String parameter named after the tag key was added. */
  readonly parameterAdded: boolean;
  /** The steps changed. Empty when the definition was already tagged. */
  readonly changes: readonly TagChange[];
  /** Notes (e.g. an existing LOB parameter with a default value). */
  readonly warnings: readonly string[];
}

/**
 * Returns the definition with:
 * - a String parameter named `tagKey` (with `EnumValues` = `lobs` when given, no default: every execution
 *   chooses its LOB), unless one by that name exists (then it is kept as it is; a non-String one is an error);
 * - the tag `{"Key": tagKey, "Value": {"Get": "Parameters.<tagKey>"}}` appended to the `Arguments.Tags` of every
 *   cost-bearing step (Condition branches included) that has no valid LOB tag; an existing tag with that key
 *   but an invalid value (a literal that is not a LOB, or neither a literal nor a parameter) gets its value
 *   replaced instead. A `{"Get": "Parameters.<p>"}` value is valid and kept, as lint passes it.
 *
 * A step that lacks the tag and already has 50 tags cannot take it: the whole call fails with a
 * {@link core!TagPolicyError | TagPolicyError} naming those steps, and nothing is returned (never a silent drop).
 *
 * @example
 * ```ts
 * const { definition, changes } = tagDefinition(sdkDefinition, { tagKey: "LineOfBusiness", lobs: ["retail", "wealth"] });
 * ```
 */
export function tagDefinition(definition: unknown, policy: LobTagPolicy): TagResult {
  const keyProblem = tagKeyProblem(policy.tagKey);
  if (keyProblem) throw new TagPolicyError(`Invalid tag key "${policy.tagKey}": ${keyProblem}.`);
  const def = structuredClone(asDefinition(definition));
  const existing = declaredParameters(def).find((p) => p.Name === policy.tagKey);
  if (existing && existing.Type !== "String")
    throw new TagPolicyError(
      `The definition declares parameter ${policy.tagKey} as ${existing.Type}; the LOB parameter must be a String.`,
      { hint: "Rename that parameter, or choose another tag key in smcb.config.json." },
    );
  let parameterAdded = false;
  if (!existing) {
    const parameter: JsonObject = {
      Name: policy.tagKey,
      Type: "String",
      ...(policy.lobs && policy.lobs.length > 0 ? { EnumValues: [...policy.lobs] } : {}),
    };
    if (Array.isArray(def.Parameters)) def.Parameters.push(parameter);
    else def.Parameters = [parameter];
    parameterAdded = true;
  }
  const params = new Map(declaredParameters(def).map((p) => [p.Name, p]));
  const lobValue: JsonObject = { Get: `Parameters.${policy.tagKey}` };
  const changes: TagChange[] = [];
  const full: string[] = [];
  for (const s of walkSteps(def.Steps)) {
    if (!COST_BEARING_STEP_TYPES.includes(s.type)) continue;
    const st = lobTagState(s.step, policy, params);
    if (st.state === "ok") continue;
    if (st.state === "malformed")
      throw new TagPolicyError(`Step ${s.name} (${s.path}) cannot be tagged: ${st.reason}.`);
    const args = s.step.Arguments as JsonObject;
    if (st.state === "invalid") {
      const tag = (args.Tags as JsonObject[])[st.index] as JsonObject;
      changes.push({ step: s.name, path: s.path, action: "replaced", previous: tag.Value ?? null });
      tag.Value = { ...lobValue };
      // A duplicate LOB tag (SageMaker rejects repeated keys): keep the first, now the parameter, only.
      args.Tags = (args.Tags as JsonObject[]).filter(
        (t, i) => i === st.index || !(isJsonObject(t) && t.Key === policy.tagKey),
      );
    } else if (st.tagCount >= MAX_TAGS_PER_RESOURCE) full.push(`${s.name} (${s.path}, ${st.tagCount} tags)`);
    else {
      const tags = Array.isArray(args.Tags) ? args.Tags : [];
      tags.push({ Key: policy.tagKey, Value: { ...lobValue } });
      args.Tags = tags;
      changes.push({ step: s.name, path: s.path, action: "added" });
    }
  }
  if (full.length > 0)
    throw new TagPolicyError(
      `Adding the ${policy.tagKey} tag would exceed the limit of ${MAX_TAGS_PER_RESOURCE} tags on: ${full.join("; ")}.`,
      { hint: "Remove a tag from each of those steps, then tag again. Nothing was changed." },
    );
  return {
    definition: def,
    parameterAdded,
    changes,
    warnings: lobParameterWarnings(params.get(policy.tagKey), policy),
  };
}
