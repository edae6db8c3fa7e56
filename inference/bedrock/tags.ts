/**
 * Bedrock's own tag rules (botocore `bedrock` model: `TagKey`, `TagValue`, `TagList`) on top of the toolkit's tag
 * policy (docs/contracts.md#tag-policy), and the conversion between the policy's `{Key, Value}` tags and Bedrock's `{key, value}`.
 */
import type { Tag as BedrockTag } from "@aws-sdk/client-bedrock";
import {
  assertLob,
  mergeTags,
  type Tag,
  type TagPolicy,
  TagPolicyError,
  tagSetProblems,
} from "../../core/index.js";

/** The most tags a Bedrock `TagList` may hold (botocore `bedrock` model, `TagList.max`). */
export const MAX_BEDROCK_TAGS = 200;

// botocore `TagKey` / `TagValue` pattern `[a-zA-Z0-9\s._:/=+@-]*` (a whole-string match; `\s` as in Java: ASCII only).
const BEDROCK_TAG_PATTERN = /^[a-zA-Z0-9 \t\n\v\f\r._:/=+@-]*$/;
const OUTSIDE = "characters outside Bedrock's A-Z a-z 0-9, whitespace and ._:/=+@-";

/**
 * Every problem of a tag set bound for Bedrock: the AWS-wide policy (lengths, `aws:` prefix, duplicates),
 * Bedrock's narrower ASCII character set, and Bedrock's limit of {@link MAX_BEDROCK_TAGS} tags.
 */
export function bedrockTagProblems(tags: readonly Tag[]): string[] {
  const problems = tagSetProblems(tags, MAX_BEDROCK_TAGS);
  for (const t of tags) {
    if (!BEDROCK_TAG_PATTERN.test(t.Key)) problems.push(`${t.Key}: tag key has ${OUTSIDE}`);
    if (!BEDROCK_TAG_PATTERN.test(t.Value)) problems.push(`${t.Key}: tag value has ${OUTSIDE}`);
  }
  return problems;
}

/**
 * The tags of an application inference profile: `<tagKey>=<lob>` plus `extra` (the LOB tag wins on its key),
 * checked against the policy and Bedrock's rules.
 *
 * @throws {@link core!TagPolicyError | TagPolicyError} listing every problem
 * @example
 * ```ts
 * profileTags({ tagKey: "LineOfBusiness", lobs: ["retail"] }, "retail", [{ Key: "App", Value: "chat" }]);
 * // → [{ key: "App", value: "chat" }, { key: "LineOfBusiness", value: "retail" }]
 * ```
 */
export function profileTags(policy: TagPolicy, lob: string, extra: readonly Tag[] = []): BedrockTag[] {
  assertLob(policy, lob);
  const tags = mergeTags(extra, [{ Key: policy.tagKey, Value: lob }]);
  const problems = bedrockTagProblems(tags);
  if (problems.length > 0) throw new TagPolicyError(`Invalid tags: ${problems.join("; ")}.`);
  return toBedrockTags(tags);
}

/** Converts policy tags (`Key`/`Value`) to Bedrock's (`key`/`value`). */
export function toBedrockTags(tags: readonly Tag[]): BedrockTag[] {
  return tags.map((t) => ({ key: t.Key, value: t.Value }));
}

/** Converts Bedrock's tags (`key`/`value`) to policy tags (`Key`/`Value`). */
export function fromBedrockTags(tags: readonly BedrockTag[] | undefined): Tag[] {
  return (tags ?? []).map((t) => ({ Key: t.key ?? "", Value: t.value ?? "" }));
}
