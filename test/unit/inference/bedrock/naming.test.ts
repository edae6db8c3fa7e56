import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TagPolicyError } from "../../../../core/errors.js";
import {
  deriveProfileName,
  MAX_PROFILE_NAME_LENGTH,
  profileDescriptionProblem,
  profileNameProblem,
  profileRequestToken,
} from "../../../../inference/bedrock/naming.js";
import { bedrockTagProblems, MAX_BEDROCK_TAGS, profileTags } from "../../../../inference/bedrock/tags.js";
import { loadApiModel } from "../../../support/api-model.js";

const bedrock = loadApiModel("bedrock");
const shape = (name: string) => {
  const s = bedrock.shapes[name];
  if (!s) throw new Error(`no shape ${name}`);
  return s;
};
const whole = (pattern: string | undefined) => new RegExp(`^(?:${pattern})$`);
const NAME = shape("InferenceProfileName");
const TOKEN = shape("IdempotencyToken");
const POLICY = { tagKey: "LineOfBusiness", lobs: ["retail", "wealth"] };

describe("deriveProfileName", () => {
  it("joins LOB, application and model, with non-alphanumerics as single dashes", () => {
    expect(
      deriveProfileName({
        lob: "retail",
        application: "chat",
        model: "anthropic.claude-3-haiku-20240307-v1:0",
      }),
    ).toBe("retail-chat-anthropic-claude-3-haiku-20240307-v1-0");
    expect(deriveProfileName({ lob: "retail", model: "amazon.nova-pro-v1:0" })).toBe(
      "retail-amazon-nova-pro-v1-0",
    );
  });
  it("uses the last segment of an ARN", () => {
    expect(
      deriveProfileName({
        lob: "wealth",
        model: "arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.meta.llama3-1-8b-instruct-v1:0",
      }),
    ).toBe("wealth-us-meta-llama3-1-8b-instruct-v1-0");
  });
  it("cuts long names to 64 characters ending in a hash, keeping distinct inputs distinct", () => {
    const long = {
      lob: "insurance",
      application: "claims-triage-assistant",
      model: "us.anthropic.claude-3-7-sonnet-20250219-v1:0",
    };
    const a = deriveProfileName(long);
    const b = deriveProfileName({ ...long, application: "claims-triage-assistanu" });
    expect(a.length).toBeLessThanOrEqual(64);
    expect(a).toMatch(/^insurance-claims-triage-assistant-us-anthropic-.*-[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
    expect(profileNameProblem(a)).toBeUndefined();
  });
  it("always yields a name botocore's InferenceProfileName accepts (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 80 }),
        fc.option(fc.string({ maxLength: 80 })),
        fc.string({ maxLength: 120 }),
        (lob, app, model) => {
          const name = deriveProfileName({ lob, application: app ?? undefined, model });
          expect(name.length).toBeGreaterThanOrEqual(NAME.min ?? 1);
          expect(name.length).toBeLessThanOrEqual(NAME.max ?? 0);
          expect(name).toMatch(whole(NAME.pattern));
          expect(profileNameProblem(name)).toBeUndefined();
        },
      ),
    );
  });
});

describe("profileNameProblem / profileDescriptionProblem", () => {
  it("agrees with the API model's limits", () => {
    expect(MAX_PROFILE_NAME_LENGTH).toBe(NAME.max);
    expect(profileNameProblem("a".repeat(65))).toMatch(/1–64/);
    expect(profileNameProblem("retail--chat")).toMatch(/letters and digits/);
    expect(profileNameProblem("-retail")).toMatch(/letters and digits/);
    expect(profileNameProblem("retail chat_1-x")).toBeUndefined();
    expect(profileDescriptionProblem("Retail chat: claude 3.5")).toBeUndefined();
    expect(profileDescriptionProblem("a, b")).toMatch(/letters, digits/);
    expect(profileDescriptionProblem("x".repeat(201))).toMatch(/1–200/);
  });
});

describe("profileRequestToken", () => {
  const id = {
    name: "retail-x",
    copyFrom: "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0",
    tags: [
      { Key: "LineOfBusiness", Value: "retail" },
      { Key: "App", Value: "chat" },
    ],
  };
  it("is deterministic, ignores tag order, and matches IdempotencyToken", () => {
    const t = profileRequestToken(id);
    expect(profileRequestToken({ ...id, tags: [...id.tags].reverse() })).toBe(t);
    expect(t).toMatch(whole(TOKEN.pattern));
    expect(t.length).toBeLessThanOrEqual(TOKEN.max ?? 0);
  });
  it("changes with any input", () => {
    const t = profileRequestToken(id);
    expect(profileRequestToken({ ...id, name: "retail-y" })).not.toBe(t);
    expect(profileRequestToken({ ...id, copyFrom: `${id.copyFrom}x` })).not.toBe(t);
    expect(profileRequestToken({ ...id, description: "d" })).not.toBe(t);
    expect(profileRequestToken({ ...id, tags: [{ Key: "LineOfBusiness", Value: "wealth" }] })).not.toBe(t);
  });
});

describe("Bedrock tag rules", () => {
  const key = whole(shape("TagKey").pattern);
  it("uses botocore's TagList limit and key/value lengths", () => {
    expect(MAX_BEDROCK_TAGS).toBe(shape("TagList").max);
    expect(shape("TagKey").max).toBe(128);
    expect(shape("TagValue").max).toBe(256);
  });
  it("rejects what Bedrock's TagKey/TagValue pattern rejects, even when the AWS-wide policy allows it", () => {
    expect(key.test("Équipe")).toBe(false);
    expect(bedrockTagProblems([{ Key: "Équipe", Value: "x" }])).toEqual([
      "Équipe: tag key has characters outside Bedrock's A-Z a-z 0-9, whitespace and ._:/=+@-",
    ]);
    expect(bedrockTagProblems([{ Key: "Team", Value: "données" }])[0]).toMatch(/tag value has characters/);
  });
  it("keeps the AWS-wide rules: aws: prefix, lengths, duplicates, count", () => {
    expect(bedrockTagProblems([{ Key: "aws:x", Value: "1" }])[0]).toMatch(/aws:/);
    expect(bedrockTagProblems([{ Key: "k".repeat(129), Value: "1" }])[0]).toMatch(/129 characters/);
    expect(bedrockTagProblems([{ Key: "K", Value: "v".repeat(257) }])[0]).toMatch(/257 characters/);
    const many = Array.from({ length: 201 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
    expect(bedrockTagProblems(many)).toEqual(["201 tags; the limit is 200"]);
    expect(bedrockTagProblems(many.slice(0, 200))).toEqual([]);
  });
  it("profileTags adds the LOB tag, which wins on its key", () => {
    expect(
      profileTags(POLICY, "retail", [
        { Key: "App", Value: "chat" },
        { Key: "LineOfBusiness", Value: "wealth" },
      ]),
    ).toEqual([
      { key: "App", value: "chat" },
      { key: "LineOfBusiness", value: "retail" },
    ]);
  });
  it("profileTags rejects an unknown LOB and invalid extras", () => {
    expect(() => profileTags(POLICY, "Retail")).toThrow(/did you mean "retail"/);
    expect(() => profileTags(POLICY, "retail", [{ Key: "App", Value: "a*b" }])).toThrow(TagPolicyError);
  });
});
