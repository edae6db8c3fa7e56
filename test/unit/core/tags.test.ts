import { describe, expect, it } from "vitest";
import { TagPolicyError } from "../../../core/errors.js";
import {
  assertTagKey,
  checkLob,
  findLobTag,
  lobTags,
  mergeTags,
  parseTagArgs,
  sharedEndpointTags,
  tagKeyProblem,
  tagSetProblems,
  tagValueProblem,
} from "../../../core/tags.js";

const policy = { tagKey: "LineOfBusiness", lobs: ["retail", "wealth", "platform"] };

describe("tag key and value rules", () => {
  it("accepts the allowed character classes, including Unicode letters and spaces", () => {
    expect(tagKeyProblem("Line Of_Business.:/=+-@")).toBeUndefined();
    expect(tagValueProblem("Épargne 2")).toBeUndefined();
    expect(tagValueProblem("")).toBeUndefined();
  });
  it("rejects lengths beyond 128 (key) and 256 (value), counted in characters", () => {
    expect(tagKeyProblem("k".repeat(128))).toBeUndefined();
    expect(tagKeyProblem("k".repeat(129))).toMatch(/129 characters.*128/);
    expect(tagValueProblem("é".repeat(256))).toBeUndefined();
    expect(tagValueProblem("v".repeat(257))).toMatch(/257 characters.*256/);
  });
  it("rejects an empty key, the aws: prefix in any case, and bad characters", () => {
    expect(tagKeyProblem("")).toMatch(/empty/);
    expect(tagKeyProblem("aws:createdBy")).toMatch(/aws:/);
    expect(tagKeyProblem("AWS:x")).toMatch(/aws:/);
    expect(tagKeyProblem("a*b")).toMatch(/characters/);
    expect(tagValueProblem("retail;drop")).toMatch(/characters/);
  });
});

describe("assertTagKey", () => {
  it("returns a valid key and throws TagPolicyError with the reason otherwise", () => {
    expect(assertTagKey("LineOfBusiness")).toBe("LineOfBusiness");
    expect(() => assertTagKey("aws:lob")).toThrow(TagPolicyError);
    expect(() => assertTagKey("")).toThrow(/tag key is empty/);
  });
});

describe("LOB allowlist", () => {
  it("checks each value with a reason", () => {
    expect(checkLob(policy, "retail")).toEqual({ value: "retail", valid: true });
    expect(checkLob(policy, "")).toMatchObject({ valid: false, reason: "LOB is empty" });
    expect(checkLob(policy, "Retail").reason).toMatch(/did you mean "retail"/);
    expect(checkLob(policy, "marketing").reason).toMatch(
      /not an allowed LOB \(allowed: retail, wealth, platform\)/,
    );
    expect(checkLob(policy, "re$tail").reason).toMatch(/characters/);
  });
});

describe("tag sets", () => {
  it("lists every problem, duplicates and the 50-tag limit", () => {
    const tags = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
    expect(tagSetProblems(tags)).toEqual(["51 tags; the limit is 50"]);
    expect(
      tagSetProblems([
        { Key: "a", Value: "1" },
        { Key: "a", Value: "2" },
        { Key: "aws:x", Value: "!" },
      ]),
    ).toEqual([
      "a: duplicate tag key",
      'aws:x: tag key must not start with "aws:" (reserved for AWS)',
      "aws:x: tag value has characters outside letters, digits, spaces and _.:/=+-@",
    ]);
  });
  it("builds dedicated and shared tags per DESIGN §3.2", () => {
    expect(lobTags(policy, "retail", [{ Key: "team", Value: "ds" }])).toEqual([
      { Key: "team", Value: "ds" },
      { Key: "LineOfBusiness", Value: "retail" },
    ]);
    expect(sharedEndpointTags(policy, "platform", "shared-llm")).toEqual([
      { Key: "LineOfBusiness", Value: "platform" },
      { Key: "SharedEndpoint", Value: "shared-llm" },
    ]);
    expect(() => lobTags(policy, "nope")).toThrow(TagPolicyError);
  });
  it("the LOB tag wins over an extra tag with the same key", () => {
    expect(
      mergeTags([{ Key: "LineOfBusiness", Value: "x" }], [{ Key: "LineOfBusiness", Value: "retail" }]),
    ).toEqual([{ Key: "LineOfBusiness", Value: "retail" }]);
  });
  it("finds the LOB tag case-insensitively and parses K=V arguments", () => {
    expect(findLobTag(policy, [{ Key: "lineofbusiness", Value: "wealth" }])).toBe("wealth");
    expect(findLobTag(policy, [])).toBeUndefined();
    expect(parseTagArgs(["a=b=c", "k="])).toEqual([
      { Key: "a", Value: "b=c" },
      { Key: "k", Value: "" },
    ]);
    expect(() => parseTagArgs(["novalue"])).toThrow(/Key=Value/);
  });
});
