/**
 * Where one cost line lands (docs/contracts.md#allocation-rules rules 1–3), and how the LOB tag is found in the tag keys that CUR 2.0, its
 * `tags` column and FOCUS write (docs/contracts.md#cost-input-the-real-bill "Tags").
 */
import type { TagPolicy } from "../../core/index.js";
import type { AdjustmentCategory, AdjustmentPolicy, CostLine } from "../model.js";

/** The destination of one cost line. */
export type Destination =
  | { readonly kind: "shared"; readonly endpoint: string }
  | { readonly kind: "lob"; readonly lob: string; readonly category: "dedicated" | "bedrock" }
  | { readonly kind: "unallocated"; readonly reason: string }
  | {
      readonly kind: "adjustment";
      readonly category: AdjustmentCategory;
      /** `central`, `proportional`, or the LOB that takes it all. */
      readonly policy: AdjustmentPolicy;
    };

const ENDPOINT_ARN = /:endpoint\/([^/]+)$/i;

/** The endpoint name of a SageMaker endpoint ARN, lower-cased; `undefined` for any other resource. */
export function endpointNameOf(resourceId: string | null): string | undefined {
  if (resourceId === null) return undefined;
  return ENDPOINT_ARN.exec(resourceId)?.[1]?.toLowerCase();
}

/**
 * A tag key as CUR 2.0 writes it in `resource_tags` after the `user_` prefix: the rule AWS documents for CUR column
 * names (an underscore before each capital, lower case, every other character `_`, runs of `_` collapsed, `_`
 * trimmed), e.g. `LineOfBusiness` → `line_of_business`, `app.kubernetes.io/part-of` → `app_kubernetes_io_part_of`.
 *
 * @example
 * ```ts
 * normalizeCurTagKey("LineOfBusiness"); // "line_of_business"
 * ```
 */
export function normalizeCurTagKey(key: string): string {
  return key
    .replace(/\p{Lu}/gu, (c) => `_${c}`)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "_")
    .replace(/_+/g, "_")
    .replace(/^_|_$/g, "");
}

/** The forms of the LOB tag key a source may write, best first. */
export interface LobKeyMatcher {
  readonly tagKey: string;
  /** The rank of `key` as a spelling of the LOB tag key (0 best), or `undefined` when it is not one. */
  rank(key: string): number | undefined;
}

/**
 * Recognises the LOB tag key in every form docs/contracts.md#cost-input-the-real-bill names: CUR 2.0's normalized `user_<normalized>`
 * (`user_line_of_business`), `user_<tagKey>` in any letter case, the `tags` column's `resourceTags/<tagKey>`, and
 * FOCUS `Tags`' original key, bare or with the `user:` provider prefix.
 */
export function lobKeyMatcher(tagKey: string): LobKeyMatcher {
  const normalized = `user_${normalizeCurTagKey(tagKey)}`;
  const loose = `user_${tagKey.toLowerCase()}`;
  const exact = new Map<string, number>([
    [normalized, 0],
    [`resourceTags/${tagKey}`, 1],
    [tagKey, 2],
    [`user:${tagKey}`, 3],
  ]);
  return {
    tagKey,
    rank(key) {
      const r = exact.get(key);
      if (r !== undefined) return r;
      return key.toLowerCase() === loose ? 4 : undefined;
    },
  };
}

/** What {@link findLob} found on one line. */
export interface LobTagMatch {
  /** The LOB value of the best-ranked key; `undefined` when no key names the LOB (or its value is empty). */
  readonly value: string | undefined;
  readonly key: string | undefined;
  /** Other keys that also name the LOB with a different value (a collision after normalization). */
  readonly conflicting: readonly string[];
}

/** Finds the LOB value among a line's tags. */
export function findLob(matcher: LobKeyMatcher, tags: Readonly<Record<string, string>>): LobTagMatch {
  let best: { key: string; value: string; rank: number } | undefined;
  const found: { key: string; value: string }[] = [];
  for (const [key, value] of Object.entries(tags)) {
    if (value === "") continue;
    const rank = matcher.rank(key);
    if (rank === undefined) continue;
    found.push({ key, value });
    if (best === undefined || rank < best.rank || (rank === best.rank && key < best.key))
      best = { key, value, rank };
  }
  if (best === undefined) return { value: undefined, key: undefined, conflicting: [] };
  const winner = best;
  const conflicting = found.filter((f) => f.value !== winner.value).map((f) => f.key);
  return { value: winner.value, key: winner.key, conflicting };
}

/**
 * The LOB tag value of a cost line in any of the key forms of {@link lobKeyMatcher}; `undefined` when absent or empty.
 *
 * @example
 * ```ts
 * lobTagOf("LineOfBusiness", { user_line_of_business: "retail" }); // "retail"
 * ```
 */
export function lobTagOf(tagKey: string, tags: Readonly<Record<string, string>>): string | undefined {
  return findLob(lobKeyMatcher(tagKey), tags).value;
}

/** What {@link classify} needs besides the line. */
export interface ClassifyContext {
  readonly policy: TagPolicy;
  /** The configured shared endpoints, by lower-cased name → configured name. */
  readonly sharedNames: ReadonlyMap<string, string>;
  /** Where each adjustment category goes. */
  readonly adjustments: Readonly<Record<AdjustmentCategory, AdjustmentPolicy>>;
  readonly matcher: LobKeyMatcher;
}

/**
 * Classifies one in-scope cost line: an adjustment goes where its category's policy says; a usage line of a
 * configured shared endpoint to its pool; else by its LOB tag.
 *
 * @param match - the line's LOB tag (from {@link findLob}), found once by the caller
 */
export function classify(line: CostLine, ctx: ClassifyContext, match: LobTagMatch): Destination {
  if (line.category !== "usage")
    return { kind: "adjustment", category: line.category, policy: ctx.adjustments[line.category] };
  const name = endpointNameOf(line.resourceId);
  const shared = name === undefined ? undefined : ctx.sharedNames.get(name);
  if (line.service === "AmazonSageMaker" && shared !== undefined) return { kind: "shared", endpoint: shared };
  const lob = match.value;
  if (lob === undefined) return { kind: "unallocated", reason: "untagged" };
  if (!ctx.policy.lobs.includes(lob)) return { kind: "unallocated", reason: `unknown-lob:${lob}` };
  return { kind: "lob", lob, category: line.service === "AmazonBedrock" ? "bedrock" : "dedicated" };
}
