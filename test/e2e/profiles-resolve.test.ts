import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  type BedrockControlPlane,
  type FakeProfile,
  fakeProfileArn,
  startBedrockControlPlane,
} from "../support/bedrock-control-plane.js";
import { runCli } from "../support/cli.js";

const HAIKU = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0";
const lob = (value: string) => ({ key: "LineOfBusiness", value });
const PROFILES: FakeProfile[] = [
  {
    id: "sys1",
    name: "US Claude 3 Haiku",
    type: "SYSTEM_DEFINED",
    modelArns: [HAIKU],
    tags: [lob("wealth")],
  },
  {
    id: "r1chat",
    name: "retail-chat",
    type: "APPLICATION",
    modelArns: [HAIKU],
    tags: [lob("retail"), { key: "App", value: "chat" }],
  },
  {
    id: "w1adv",
    name: "wealth-advisor",
    type: "APPLICATION",
    modelArns: [HAIKU],
    tags: [lob("wealth"), { key: "App", value: "advisor" }],
  },
  { id: "i1", name: "insurance-claims", type: "APPLICATION", modelArns: [HAIKU], tags: [lob("insurance")] },
  {
    id: "w2res",
    name: "wealth-research",
    type: "APPLICATION",
    modelArns: [HAIKU],
    tags: [lob("wealth"), { key: "App", value: "research" }],
  },
  { id: "p1", name: "platform-eval", type: "APPLICATION", modelArns: [HAIKU], tags: [lob("platform")] },
];
const arnOf = (id: string) => fakeProfileArn(PROFILES.find((p) => p.id === id) as FakeProfile);

let server: BedrockControlPlane;
let dir: string;
let args: string[];

beforeAll(async () => {
  server = await startBedrockControlPlane(PROFILES, { pageLimit: 2 });
  dir = await mkdtemp(path.join(tmpdir(), "smcb-profiles-"));
  const config = path.join(dir, "smcb.config.json");
  await writeFile(
    config,
    JSON.stringify({
      region: "us-east-1",
      lobs: ["retail", "wealth", "insurance", "platform"],
      bedrock: {
        profiles: {
          platform: "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/static0",
        },
      },
    }),
  );
  args = ["--config", config, "--endpoint-url", server.url, "--region", "us-east-1"];
  vi.stubEnv("AWS_ACCESS_KEY_ID", "testing");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "testing");
  vi.stubEnv("AWS_SESSION_TOKEN", "");
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("smcb profiles resolve against the Bedrock REST protocol", () => {
  it("finds the one application profile by tags, following every page of GET /inference-profiles?type=APPLICATION", async () => {
    server.requests.length = 0;
    const r = await runCli(["profiles", "resolve", "--tag", "LineOfBusiness=insurance", ...args]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${arnOf("i1")}\n`);
    const lists = server.requests.filter((q) => q.path === "/inference-profiles");
    expect(lists.map((q) => q.method)).toEqual(["GET", "GET", "GET"]);
    expect(lists.every((q) => q.query.type === "APPLICATION" && q.query.maxResults === "100")).toBe(true);
    expect(lists.map((q) => q.query.nextToken !== undefined)).toEqual([false, true, true]);
    const tagReads = server.requests.filter((q) => q.path === "/listTagsForResource");
    expect(tagReads.every((q) => q.method === "POST")).toBe(true);
    expect(tagReads.map((q) => (q.body as { resourceARN: string }).resourceARN).sort()).toEqual(
      ["r1chat", "w1adv", "i1", "w2res", "p1"].map(arnOf).sort(),
    );
  });

  it("narrows by several tags, as JSON", async () => {
    const r = await runCli([
      "profiles",
      "resolve",
      "--lob",
      "wealth",
      "--tag",
      "App=research",
      "--json",
      ...args,
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      arn: arnOf("w2res"),
      source: "tags",
      name: "wealth-research",
      modelId: "anthropic.claude-3-haiku-20240307-v1:0",
    });
  });

  it("exits 1 naming the profiles when several match (system profiles never count)", async () => {
    const r = await runCli(["profiles", "resolve", "--tag", "LineOfBusiness=wealth", ...args]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(
      `2 application inference profiles have the tags LineOfBusiness=wealth: wealth-advisor (${arnOf("w1adv")}), wealth-research (${arnOf("w2res")}).`,
    );
  });

  it("exits 1 when none matches", async () => {
    const r = await runCli([
      "profiles",
      "resolve",
      "--tag",
      "LineOfBusiness=retail",
      "--tag",
      "App=advisor",
      ...args,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "No application inference profile has the tags LineOfBusiness=retail, App=advisor.",
    );
  });

  it("answers from the config's static map without any request", async () => {
    server.requests.length = 0;
    const r = await runCli(["profiles", "resolve", "--lob", "platform", ...args]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/static0\n");
    expect(server.requests).toHaveLength(0);
  });

  it("exits 3 when the service fails", async () => {
    const down = await startBedrockControlPlane([], {});
    await down.close();
    const r = await runCli([
      "profiles",
      "resolve",
      "--lob",
      "retail",
      ...args.slice(0, 2),
      "--endpoint-url",
      down.url,
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/ListInferenceProfiles/);
  });
});
