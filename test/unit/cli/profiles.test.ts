import {
  BedrockClient,
  CreateInferenceProfileCommand,
  GetFoundationModelCommand,
  GetInferenceProfileCommand,
  ListInferenceProfilesCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-bedrock";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import {
  appProfileArn as ARN,
  foundationModelArn,
  appProfileSummary as summary,
} from "../../support/bedrock-fixtures.js";
import { runCli } from "../../support/cli.js";

const CFG = ["--config", "test/fixtures/smcb.config.json"];
const mock = mockClient(BedrockClient);
const NOVA = "amazon.nova-pro-v1:0";
const NOVA_ARN = foundationModelArn(NOVA);
const create = (...extra: string[]) => runCli(["profiles", "create", "--lob", "retail", ...extra, ...CFG]);

beforeEach(() => {
  mock.reset();
  mock
    .on(ListInferenceProfilesCommand)
    .resolves({ inferenceProfileSummaries: [summary("r1"), summary("w1"), summary("w2")] });
  mock.on(ListTagsForResourceCommand).callsFake(async (i: { resourceARN: string }) => ({
    tags: [
      { key: "LineOfBusiness", value: i.resourceARN.endsWith("r1") ? "retail" : "wealth" },
      { key: "App", value: i.resourceARN.slice(-2) },
    ],
  }));
  mock
    .on(GetFoundationModelCommand)
    .rejects(new ResourceNotFoundException({ message: "nope", $metadata: {} }));
  mock
    .on(GetFoundationModelCommand, { modelIdentifier: NOVA })
    .resolves({ modelDetails: { modelArn: NOVA_ARN, modelId: NOVA } });
  mock
    .on(GetInferenceProfileCommand)
    .rejects(new ResourceNotFoundException({ message: "nope", $metadata: {} }));
  mock.on(CreateInferenceProfileCommand).resolves({ inferenceProfileArn: ARN("new1"), status: "ACTIVE" });
});

describe("smcb profiles create", () => {
  it("prints the new profile's ARN", async () => {
    const r = await create("--model", NOVA, "--tag", "App=chat");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${ARN("new1")}\n`);
    expect(r.stderr).toMatch(
      /Created retail-amazon-nova-pro-v1-0 from arn:aws:bedrock:us-east-1::foundation-model/,
    );
  });
  it("gives the details as JSON", async () => {
    const r = await create("--model", NOVA, "--app", "chat", "--json");
    expect(JSON.parse(r.stdout)).toMatchObject({
      arn: ARN("new1"),
      name: "retail-chat-amazon-nova-pro-v1-0",
      created: true,
      copyFrom: NOVA_ARN,
      modelId: NOVA,
      tags: [{ Key: "LineOfBusiness", Value: "retail" }],
    });
  });
  it("exits 2 for a model unknown in the region, and for an invalid tag or LOB", async () => {
    const unknown = await create("--model", "amazon.nova-ultra-v9:0");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /neither a foundation model nor a system-defined inference profile in us-east-1/,
    );
    const tag = await create("--model", NOVA, "--tag", "Équipe=x");
    expect(tag.code).toBe(2);
    expect(tag.stderr).toMatch(/Invalid tags: Équipe: tag key has characters outside Bedrock's/);
    const lob = await runCli(["profiles", "create", "--lob", "Retail", "--model", NOVA, ...CFG]);
    expect(lob.code).toBe(2);
    expect(mock.commandCalls(CreateInferenceProfileCommand)).toHaveLength(0);
  });
});

describe("smcb profiles list", () => {
  it("lists every application profile with LOB, model and status", async () => {
    const r = await runCli(["profiles", "list", ...CFG]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toMatch(/^NAME\s+LOB\s+MODEL\s+STATUS\s+ARN\s+OTHER TAGS$/);
    expect(r.stdout).toMatch(
      /name-r1\s+retail\s+amazon\.nova-pro-v1:0\s+ACTIVE\s+arn:aws:bedrock:us-east-1:111122223333:application-inference-profile\/r1/,
    );
  });
  it("filters by LOB and tags", async () => {
    const r = await runCli(["profiles", "list", "--lob", "wealth", "--tag", "App=w2", "--json", ...CFG]);
    const doc = JSON.parse(r.stdout);
    expect(doc.profiles.map((p: { name: string; lob: string }) => [p.name, p.lob])).toEqual([
      ["name-w2", "wealth"],
    ]);
  });
});

describe("smcb profiles resolve", () => {
  it("uses the config's static map first", async () => {
    const r = await runCli(["profiles", "resolve", "--tag", "LineOfBusiness=retail", ...CFG]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123\n");
    expect(mock.calls()).toHaveLength(0);
  });
  it("prints the one profile found by tags", async () => {
    const r = await runCli(["profiles", "resolve", "--lob", "wealth", "--tag", "App=w1", "--json", ...CFG]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ arn: ARN("w1"), source: "tags", name: "name-w1", modelId: NOVA });
  });
  it("exits 1 naming every match when several match, and the tags when none does", async () => {
    const several = await runCli(["profiles", "resolve", "--tag", "LineOfBusiness=wealth", ...CFG]);
    expect(several.code).toBe(1);
    expect(several.stdout).toBe("");
    expect(several.stderr).toMatch(
      /2 application inference profiles have the tags LineOfBusiness=wealth: name-w1 \(.*\/w1\), name-w2/,
    );
    const none = await runCli(["profiles", "resolve", "--tag", "LineOfBusiness=insurance", "--json", ...CFG]);
    expect(none.code).toBe(1);
    expect(JSON.parse(none.stdout).error).toMatchObject({ name: "FindingsError", exitCode: 1 });
  });
  it("exits 2 without a tag, or with a malformed one", async () => {
    expect((await runCli(["profiles", "resolve", ...CFG])).code).toBe(2);
    expect((await runCli(["profiles", "resolve", "--tag", "nokey", ...CFG])).code).toBe(2);
  });
  it("has examples in its help", async () => {
    const r = await runCli(["profiles", "resolve", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/smcb profiles resolve --tag LineOfBusiness=retail/);
  });
});
