/**
 * The tag policy (docs/contracts.md#tag-policy): AWS tag rules plus the line-of-business allowlist.
 * Every module that writes or checks a tag goes through these functions.
 */
import { TagPolicyError } from "./errors.js";
import { suggest } from "./suggest.js";

/** An AWS tag as the SageMaker API takes it. */
export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

/** The part of the configuration that defines LOB tagging. */
export interface TagPolicy {
  /** The tag key that carries the LOB. @default "LineOfBusiness" */
  readonly tagKey: string;
  /** The allowed LOB values. */
  readonly lobs: readonly string[];
}

/** The default LOB tag key. */
export const DEFAULT_TAG_KEY = "LineOfBusiness";
/** The tag key that names the shared endpoint a resource belongs to. */
export const SHARED_ENDPOINT_TAG_KEY = "SharedEndpoint";
/** The most tags a SageMaker resource may carry. */
export const MAX_TAGS_PER_RESOURCE = 50;
/** Longest tag key. */
export const MAX_TAG_KEY_LENGTH = 128;
/** Longest tag value. */
export const MAX_TAG_VALUE_LENGTH = 256;

/**
 * The labels the reports give lines that are not a LOB. A LOB may not take one of them (see
 * `reservedLobProblem`): its line would read as, or merge with, the report's own.
 */
export const REPORT_LINE_LABELS = {
  /** A shared endpoint's idle capacity kept on its own line (idle policy `separate`). */
  idle: "__idle__",
  /** What no LOB could be charged. */
  unallocated: "Unallocated",
  /** The total row of the LOB table. */
  total: "Total (reconciled)",
} as const;

/** Names a LOB may not take, compared case-insensitively: the report labels and the words around them. */
const RESERVED_LOB_NAMES = new Set(
  [...Object.values(REPORT_LINE_LABELS), "Total", "All LOBs", "others"].map((n) => n.toLowerCase()),
);

/**
 * Why `lob` cannot be a LOB name although it is a valid tag value, or `undefined`: it is a report label
 * (`__idle__`, `Unallocated`, `Total (reconciled)`, `All LOBs`, the chart's `others (n LOBs)` bar), or `__proto__`,
 * which a JSON object keyed by LOB (`reservations`, `bedrock.profiles`) cannot hold.
 */
export function reservedLobProblem(lob: string): string | undefined {
  const l = lob.trim().toLowerCase();
  if (l === "__proto__")
    return `"${lob}" is reserved: a JSON object keyed by LOB (reservations) cannot hold it`;
  if (RESERVED_LOB_NAMES.has(l) || l.startsWith("others ("))
    return `"${lob}" is reserved: the reports use it for a line that is not a LOB`;
  return undefined;
}

/**
 * Why `key` cannot be the LOB tag key although it is a valid tag key, or `undefined`: the shared-endpoint tag key
 * (`SharedEndpoint`) names an endpoint, not a LOB.
 */
export function reservedTagKeyProblem(key: string): string | undefined {
  return key.toLowerCase() === SHARED_ENDPOINT_TAG_KEY.toLowerCase()
    ? `"${key}" is reserved: it names a resource's shared endpoint, not its LOB`
    : undefined;
}

const TAG_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** The outcome of checking one value. */
export interface TagCheck {
  /** The value checked. */
  readonly value: string;
  /** Whether it passes. */
  readonly valid: boolean;
  /** Why not, when it does not. */
  readonly reason?: string;
}

function codePointLength(s: string): number {
  return [...s].length;
}

/** Why `key` is not a valid AWS tag key, or `undefined` when it is. */
export function tagKeyProblem(key: string): string | undefined {
  const len = codePointLength(key);
  if (len < 1) return "tag key is empty";
  if (len > MAX_TAG_KEY_LENGTH)
    return `tag key is ${len} characters long; the limit is ${MAX_TAG_KEY_LENGTH}`;
  if (!TAG_PATTERN.test(key)) return `tag key has characters outside letters, digits, spaces and _.:/=+-@`;
  if (key.toLowerCase().startsWith("aws:")) return 'tag key must not start with "aws:" (reserved for AWS)';
  return undefined;
}

/** Why `value` is not a valid AWS tag value, or `undefined` when it is. */
export function tagValueProblem(value: string): string | undefined {
  const len = codePointLength(value);
  if (len > MAX_TAG_VALUE_LENGTH)
    return `tag value is ${len} characters long; the limit is ${MAX_TAG_VALUE_LENGTH}`;
  if (!TAG_PATTERN.test(value))
    return "tag value has characters outside letters, digits, spaces and _.:/=+-@";
  return undefined;
}

/** Why `value` is not a valid LOB under `policy`, or `undefined` when it is. */
export function lobProblem(policy: TagPolicy, value: string): string | undefined {
  if (value.length === 0) return "LOB is empty";
  const aws = tagValueProblem(value);
  if (aws) return aws;
  if (!policy.lobs.includes(value)) {
    const near = policy.lobs.find((l) => l.toLowerCase() === value.toLowerCase());
    if (near) return `"${value}" is not an allowed LOB; did you mean "${near}"? (values are case-sensitive)`;
    const typo = suggest(value, policy.lobs);
    return typo
      ? `"${value}" is not an allowed LOB; did you mean "${typo}"?`
      : `"${value}" is not an allowed LOB (allowed: ${policy.lobs.join(", ")})`;
  }
  return undefined;
}

/** Checks one LOB value against the policy. */
export function checkLob(policy: TagPolicy, value: string): TagCheck {
  const reason = lobProblem(policy, value);
  return reason === undefined ? { value, valid: true } : { value, valid: false, reason };
}

/** Returns `key` when it is a valid AWS tag key, or throws a {@link TagPolicyError} saying why not. */
export function assertTagKey(key: string): string {
  const reason = tagKeyProblem(key);
  if (reason !== undefined) throw new TagPolicyError(`Invalid tag key ${JSON.stringify(key)}: ${reason}.`);
  return key;
}

/** Returns `lob` when valid, or throws a {@link TagPolicyError} saying why not. */
export function assertLob(policy: TagPolicy, lob: string): string {
  const reason = lobProblem(policy, lob);
  if (reason !== undefined)
    throw new TagPolicyError(`Invalid LOB: ${reason}${reason.endsWith("?") ? "" : "."}`);
  return lob;
}

/** Every problem with a set of tags: each key and value, duplicate keys, and the 50-tag limit. */
export function tagSetProblems(tags: readonly Tag[], maxTags = MAX_TAGS_PER_RESOURCE): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const t of tags) {
    const k = tagKeyProblem(t.Key);
    if (k) problems.push(`${t.Key}: ${k}`);
    const v = tagValueProblem(t.Value);
    if (v) problems.push(`${t.Key}: ${v}`);
    if (seen.has(t.Key)) problems.push(`${t.Key}: duplicate tag key`);
    seen.add(t.Key);
  }
  if (tags.length > maxTags) problems.push(`${tags.length} tags; the limit is ${maxTags}`);
  return problems;
}

/** Throws a {@link TagPolicyError} listing every problem of a tag set. */
export function assertTagSet(tags: readonly Tag[], maxTags = MAX_TAGS_PER_RESOURCE): readonly Tag[] {
  const problems = tagSetProblems(tags, maxTags);
  if (problems.length > 0) throw new TagPolicyError(`Invalid tags: ${problems.join("; ")}.`);
  return tags;
}

/**
 * Merges tag lists; later lists win on equal keys. Order of first appearance is kept.
 */
export function mergeTags(...lists: ReadonlyArray<readonly Tag[] | undefined>): Tag[] {
  const byKey = new Map<string, string>();
  for (const list of lists) for (const t of list ?? []) byKey.set(t.Key, t.Value);
  return [...byKey].map(([Key, Value]) => ({ Key, Value }));
}

/** The tags of a dedicated resource or an inference component: `<tagKey>=<lob>` plus extras, validated. */
export function lobTags(policy: TagPolicy, lob: string, extra: readonly Tag[] = []): Tag[] {
  assertLob(policy, lob);
  const tags = mergeTags(extra, [{ Key: policy.tagKey, Value: lob }]);
  assertTagSet(tags);
  return tags;
}

/** The tags of a shared endpoint: `<tagKey>=<owner>` and `SharedEndpoint=<name>` plus extras, validated. */
export function sharedEndpointTags(
  policy: TagPolicy,
  owner: string,
  endpointName: string,
  extra: readonly Tag[] = [],
): Tag[] {
  assertLob(policy, owner);
  const tags = mergeTags(extra, [
    { Key: policy.tagKey, Value: owner },
    { Key: SHARED_ENDPOINT_TAG_KEY, Value: endpointName },
  ]);
  assertTagSet(tags);
  return tags;
}

/**
 * Finds the LOB tag in a tag list. Keys match case-insensitively (CUR and some tools change the case).
 * @returns the value, or `undefined` when there is no such tag.
 */
export function findLobTag(
  policy: Pick<TagPolicy, "tagKey">,
  tags: readonly Tag[] | undefined,
): string | undefined {
  const want = policy.tagKey.toLowerCase();
  return tags?.find((t) => t.Key.toLowerCase() === want)?.Value;
}

/** Parses `K=V` strings (as given on the command line) into tags; throws on a missing `=`. */
export function parseTagArgs(args: readonly string[]): Tag[] {
  return args.map((a) => {
    const i = a.indexOf("=");
    if (i <= 0) throw new TagPolicyError(`Tag "${a}" is not of the form Key=Value.`);
    return { Key: a.slice(0, i), Value: a.slice(i + 1) };
  });
}
