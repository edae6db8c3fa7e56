import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadApiModel, shapeProblems } from "../support/api-model.js";
import { type BedrockControlPlane, startBedrockControlPlane } from "../support/bedrock-control-plane.js";
import { runCli } from "../support/cli.js";

const api = loadApiModel("bedrock");
const HAIKU = "anthropic.claude-3-haiku-20240307-v1:0";
const HAIKU_ARNS = ["us-east-1", "us-west-2"].map((r) => `arn:aws:bedrock:${r}::foundation-model/${HAIKU}`);
const SYSTEM_ARN = `arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.${HAIKU}`;

let server: BedrockControlPlane;
let dir: string;
let args: string[];
const cli = (...a: string[]) => runCli(["profiles", ...a, ...args]);
const creates = () => server.requests.filter((q) => q.method === "POST" && q.path === "/inference-profiles");

beforeAll(async () => {
  server = await startBedrockControlPlane(
    [
      {
        id: `us.${HAIKU}`,
        name: "US Claude 3 Haiku",
        type: "SYSTEM_DEFINED",
        modelArns: HAIKU_ARNS,
        tags: [],
      },
    ],
    { models: [{ modelId: HAIKU }], pageLimit: 1 },
  );
  dir = await mkdtemp(path.join(tmpdir(), "smcb-profiles-"));
  const config = path.join(dir, "smcb.config.json");
  await writeFile(config, JSON.stringify({ region: "us-east-1", lobs: ["retail", "wealth"] }));
  args = ["--config", config, "--endpoint-url", server.url];
  vi.stubEnv("AWS_ACCESS_KEY_ID", "testing");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "testing");
  vi.stubEnv("AWS_SESSION_TOKEN", "");
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("smcb profiles create → list → resolve against the Bedrock REST protocol", () => {
  let retailArn = "";

  it("creates a tagged profile from a model id, with a request body the API model accepts", async () => {
    const r = await cli(
      "create",
      "--lob",
      "retail",
      "--app",
      "chat",
      "--model",
      HAIKU,
      "--tag",
      "CostCenter=42",
    );
    expect(r.code).toBe(0);
    retailArn = r.stdout.trim();
    expect(retailArn).toMatch(
      /^arn:aws:bedrock:us-east-1:111122223333:application-inference-profile\/app\d+$/,
    );
    // The model id is a URI label: its ":" travels percent-encoded.
    expect(server.requests[0]).toMatchObject({
      method: "GET",
      path: `/foundation-models/${encodeURIComponent(HAIKU)}`,
    });
    const body = creates()[0]?.body;
    expect(body).toMatchObject({
      inferenceProfileName: "retail-chat-anthropic-claude-3-haiku-20240307-v1-0",
      modelSource: { copyFrom: HAIKU_ARNS[0] },
      tags: [
        { key: "CostCenter", value: "42" },
        { key: "LineOfBusiness", value: "retail" },
      ],
    });
    expect(shapeProblems(api, "CreateInferenceProfile", "input", body)).toEqual([]);
  });

  it("repeating the same create makes no second profile (same clientRequestToken)", async () => {
    const r = await cli(
      "create",
      "--lob",
      "retail",
      "--app",
      "chat",
      "--model",
      HAIKU,
      "--tag",
      "CostCenter=42",
    );
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(retailArn);
    const [a, b] = creates().map((q) => (q.body as { clientRequestToken: string }).clientRequestToken);
    expect(a).toBe(b);
    const list = JSON.parse((await cli("list", "--json")).stdout);
    expect(list.profiles).toHaveLength(1);
  });

  it("copies from a system-defined profile id, and takes its models", async () => {
    const r = await cli("create", "--lob", "wealth", "--model", `us.${HAIKU}`, "--json");
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      copyFrom: SYSTEM_ARN,
      created: true,
      name: "wealth-us-anthropic-claude-3-haiku-20240307-v1-0",
    });
    expect((creates().at(-1)?.body as { modelSource?: unknown } | undefined)?.modelSource).toEqual({
      copyFrom: SYSTEM_ARN,
    });
  });

  it("refuses a taken name for another LOB, and a model the region does not offer", async () => {
    const taken = await cli(
      "create",
      "--lob",
      "wealth",
      "--name",
      "retail-chat-anthropic-claude-3-haiku-20240307-v1-0",
      "--model",
      HAIKU,
    );
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain(`already exists (${retailArn}) with LOB retail`);
    const before = creates().length;
    const unknown = await cli("create", "--lob", "wealth", "--model", "amazon.titan-text-lite-v9");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      'Model "amazon.titan-text-lite-v9" is neither a foundation model nor a system-defined inference profile in us-east-1.',
    );
    expect(creates()).toHaveLength(before);
  });

  it("lists both with LOB and model, and resolves each LOB to its profile", async () => {
    const list = await cli("list");
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(
      /retail-chat-anthropic-claude-3-haiku-20240307-v1-0\s+retail\s+anthropic\.claude-3-haiku-20240307-v1:0\s+ACTIVE/,
    );
    expect(list.stdout).toMatch(/wealth-us-anthropic-claude-3-haiku-20240307-v1-0\s+wealth\s+/);
    expect((await cli("resolve", "--lob", "retail")).stdout.trim()).toBe(retailArn);
    expect((await cli("resolve", "--tag", "CostCenter=42")).stdout.trim()).toBe(retailArn);
    const wealth = JSON.parse((await cli("resolve", "--lob", "wealth", "--json")).stdout);
    expect(wealth).toMatchObject({ source: "tags", modelId: HAIKU });
  });
});
