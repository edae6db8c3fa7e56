/** The state of one resource's LOB tag under the tag policy. */
import { findLobTag, lobProblem, type Tag, type TagPolicy } from "../core/index.js";
import type { LobTagStatus } from "./types.js";

/** A resource's LOB tag state, its value and, when invalid, why. */
export interface LobTagState {
  readonly status: LobTagStatus;
  readonly value?: string | undefined;
  readonly reason?: string | undefined;
}

/**
 * Classifies a resource's tags. The key must be exactly `policy.tagKey` (AWS tag keys are case-sensitive, and cost
 * allocation treats `lineofbusiness` as another key): a key differing only in case makes the tag `invalid`, not
 * `missing`, so that a fix never adds a second, near-identical key. The value must be a LOB of the policy.
 *
 * @example
 * ```ts
 * classifyLobTag({ tagKey: "LineOfBusiness", lobs: ["retail"] }, [{ Key: "LineOfBusiness", Value: "retail" }]);
 * // { status: "present", value: "retail" }
 * ```
 */
export function classifyLobTag(policy: TagPolicy, tags: readonly Tag[]): LobTagState {
  const exact = tags.find((t) => t.Key === policy.tagKey);
  if (exact) {
    const reason = lobProblem(policy, exact.Value);
    return reason === undefined
      ? { status: "present", value: exact.Value }
      : { status: "invalid", value: exact.Value, reason };
  }
  const value = findLobTag(policy, tags);
  if (value === undefined) return { status: "missing" };
  const key = tags.find((t) => t.Key.toLowerCase() === policy.tagKey.toLowerCase())?.Key;
  return {
    status: "invalid",
    value,
    reason: `tag key "${key}" is not "${policy.tagKey}" (tag keys are case-sensitive)`,
  };
}
