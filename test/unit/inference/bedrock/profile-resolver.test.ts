import {
  BedrockClient,
  ListInferenceProfilesCommand,
  ListTagsForResourceCommand,
} from "@aws-sdk/client-bedrock";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { FindingsError, UsageError } from "../../../../core/errors.js";
import { ProfileResolver } from "../../../../inference/bedrock/profile-resolver.js";
import { appProfileArn as ARN, appProfileSummary as summary } from "../../../support/bedrock-fixtures.js";

const mock = mockClient(BedrockClient);
const client = new BedrockClient({
  region: "us-east-1",
  credentials: { accessKeyId: "x", secretAccessKey: "y" },
});
const STATIC = { retail: ARN("static1") };

const TAGS: Record<string, Array<{ key: string; value: string }>> = {
  r1: [
    { key: "LineOfBusiness", value: "retail" },
    { key: "App", value: "chat" },
  ],
  w1: [
    { key: "LineOfBusiness", value: "wealth" },
    { key: "App", value: "advisor" },
  ],
  w2: [
    { key: "LineOfBusiness", value: "wealth" },
    { key: "App", value: "research" },
  ],
  // The inverse of a LOB match: the value "wealth" under another key must not count.
  x1: [{ key: "Owner", value: "wealth" }],
};

function setup(ttlMs?: number) {
  let clock = 1_000_000;
  const resolver = new ProfileResolver({
    client,
    profiles: STATIC,
    now: () => clock,
    ...(ttlMs === undefined ? {} : { ttlMs }),
  });
  return {
    resolver,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

const lists = () => mock.commandCalls(ListInferenceProfilesCommand).length;

beforeEach(() => {
  mock.reset();
  mock
    .on(ListInferenceProfilesCommand)
    .callsFake(async (i: { nextToken?: string }) =>
      i.nextToken === "n"
        ? { inferenceProfileSummaries: [summary("w2"), summary("x1")] }
        : { inferenceProfileSummaries: [summary("r1"), summary("w1")], nextToken: "n" },
    );
  mock.on(ListTagsForResourceCommand).callsFake(async (i: { resourceARN: string }) => ({
    tags: TAGS[i.resourceARN.split("/")[1] ?? ""] ?? [],
  }));
});

describe("ProfileResolver", () => {
  it("answers a LOB in the static map without calling AWS", async () => {
    const { resolver } = setup();
    expect(await resolver.resolveLob("retail")).toEqual({ arn: ARN("static1"), source: "static" });
    expect(mock.calls()).toHaveLength(0);
  });

  it("goes by tags for a LOB not in the static map, and for a query with more than the LOB tag", async () => {
    const { resolver } = setup();
    const w = await resolver.resolve([
      { Key: "LineOfBusiness", Value: "wealth" },
      { Key: "App", Value: "advisor" },
    ]);
    expect(w).toMatchObject({ arn: ARN("w1"), source: "tags" });
    const m = await resolver.resolve([
      { Key: "LineOfBusiness", Value: "retail" },
      { Key: "App", Value: "chat" },
    ]);
    expect(m).toMatchObject({ arn: ARN("r1"), source: "tags", profile: { name: "name-r1" } });
  });

  it("matches a key with its value, never the value under another key", async () => {
    const { resolver } = setup();
    const m = await resolver.resolve([{ Key: "Owner", Value: "wealth" }]);
    expect(m.arn).toBe(ARN("x1"));
    await expect(resolver.resolve([{ Key: "LineOfBusiness", Value: "advisor" }])).rejects.toThrow(
      /No application/,
    );
  });

  it("exits 1 naming every match when several profiles match", async () => {
    const { resolver } = setup();
    const e = (await resolver.resolveLob("wealth").catch((x: unknown) => x)) as FindingsError;
    expect(e).toBeInstanceOf(FindingsError);
    expect(e.exitCode).toBe(1);
    expect(e.message).toBe(
      `2 application inference profiles have the tags LineOfBusiness=wealth: name-w1 (${ARN("w1")}), name-w2 (${ARN("w2")}).`,
    );
  });

  it("exits 1 naming the tags when nothing matches", async () => {
    const { resolver } = setup();
    const e = (await resolver.resolveLob("insurance").catch((x: unknown) => x)) as FindingsError;
    expect(e).toBeInstanceOf(FindingsError);
    expect(e.message).toBe("No application inference profile has the tags LineOfBusiness=insurance.");
    expect(e.hint).toMatch(/smcb profiles create/);
  });

  it("rejects an empty query", async () => {
    await expect(setup().resolver.resolve([])).rejects.toThrow(UsageError);
  });

  it("lists once per time-to-live, then again after it", async () => {
    const { resolver, advance } = setup(60_000);
    await resolver.resolve([{ Key: "App", Value: "chat" }]);
    expect(lists()).toBe(2); // two pages
    await resolver.resolve([{ Key: "App", Value: "advisor" }]);
    advance(59_999);
    await resolver.resolve([{ Key: "App", Value: "research" }]);
    expect(lists()).toBe(2);
    expect(mock.commandCalls(ListTagsForResourceCommand)).toHaveLength(4);
    advance(1);
    await resolver.resolve([{ Key: "App", Value: "chat" }]);
    expect(lists()).toBe(4);
    expect(mock.commandCalls(ListTagsForResourceCommand)).toHaveLength(8);
  });

  it("shares one listing between concurrent lookups, and forgets it on invalidate()", async () => {
    const { resolver } = setup();
    await Promise.all([
      resolver.resolve([{ Key: "App", Value: "chat" }]),
      resolver.resolve([{ Key: "App", Value: "advisor" }]),
    ]);
    expect(lists()).toBe(2);
    resolver.invalidate();
    await resolver.resolve([{ Key: "App", Value: "chat" }]);
    expect(lists()).toBe(4);
  });

  it("does not cache a failed listing", async () => {
    const { resolver } = setup();
    mock
      .on(ListInferenceProfilesCommand)
      .rejectsOnce(Object.assign(new Error("busy"), { name: "ThrottlingException" }));
    await expect(resolver.resolve([{ Key: "App", Value: "chat" }])).rejects.toThrow(/ThrottlingException/);
    mock.on(ListInferenceProfilesCommand).resolves({ inferenceProfileSummaries: [summary("r1")] });
    expect((await resolver.resolve([{ Key: "App", Value: "chat" }])).arn).toBe(ARN("r1"));
  });
});
