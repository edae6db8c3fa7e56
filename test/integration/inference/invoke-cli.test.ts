import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { usageEventSchema } from "../../../core/usage-event.js";
import { runCli } from "../../support/cli.js";
import { byteLevelBpe, writeTokenizer } from "../../support/hf-tokenizer.js";
import { MOTO_ENV } from "../../support/moto.js";
import { type RuntimeServer, startRuntimeServer } from "../../support/runtime-server.js";

let server: RuntimeServer;
let dir: string;

beforeAll(async () => {
  // The SDK reads credentials from the process environment.
  Object.assign(process.env, MOTO_ENV);
  server = await startRuntimeServer((req) => {
    if (req.endpoint === "broken") return { status: 424, body: JSON.stringify({ message: "model crashed" }) };
    // TGI without `details`: nothing reported.
    if (req.endpoint.startsWith("plain-tgi"))
      return { body: JSON.stringify([{ generated_text: "Hello, world!" }]) };
    if (req.stream) {
      const text = [
        { choices: [{ delta: { content: "Hel" } }] },
        { choices: [{ delta: { content: "lo" } }] },
        { choices: [], usage: { prompt_tokens: 21, completion_tokens: 2 } },
      ]
        .map((e) => `data: ${JSON.stringify(e)}\n\n`)
        .join("");
      // Chunk boundaries mid-line: 7 bytes each.
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += 7) chunks.push(text.slice(i, i + 7));
      return { chunks };
    }
    return {
      body: JSON.stringify({
        choices: [{ message: { content: "Hello" } }],
        usage: { prompt_tokens: 12, completion_tokens: 4 },
      }),
    };
  });
  dir = await mkdtemp(path.join(tmpdir(), "smcb-invoke-"));
  await writeFile(
    path.join(dir, "smcb.config.json"),
    JSON.stringify({
      lobs: ["retail", "wealth"],
      usage: { type: "file", path: "usage" },
      sharedEndpoints: [{ name: "plain-tgi", owner: "retail", tokenizer: "models/llama" }],
    }),
  );
  // Byte-level BPE that knows "hello" and " world" only (Llama 3 style), where the config says.
  await writeTokenizer(
    path.join(dir, "models", "llama"),
    byteLevelBpe(["h e", "l l", "he ll", "hell o", "Ġ w", "o r", "Ġw or", "Ġwor l", "Ġworl d"]),
  );
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

async function ledger(): Promise<unknown[]> {
  const root = path.join(dir, "usage");
  const files = (await readdir(root, { recursive: true })).filter((f) => f.endsWith(".jsonl"));
  const out: unknown[] = [];
  for (const f of files)
    out.push(
      ...(await readFile(path.join(root, f), "utf8"))
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    );
  return out;
}

const env = { ...MOTO_ENV, AWS_ENDPOINT_URL: undefined } as NodeJS.ProcessEnv;

describe("smcb invoke against a loopback SageMaker runtime", () => {
  it("sends the LOB, component and id, prints the answer and records the right event", async () => {
    const r = await runCli(
      [
        "invoke",
        "--endpoint-name",
        "shared-llm",
        "--lob",
        "retail",
        "--component",
        "shared-llm-retail",
        "--body",
        '{"messages":[{"role":"user","content":"Hi"}]}',
        "--inference-id",
        "cli-test-1",
        "--endpoint-url",
        server.endpoint,
        "--json",
      ],
      { cwd: dir, env },
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.body.choices[0].message.content).toBe("Hello");
    const req = server.requests.at(-1);
    expect(req?.endpoint).toBe("shared-llm");
    expect(req?.headers["x-amzn-sagemaker-custom-attributes"]).toBe("lob=retail");
    expect(req?.headers["x-amzn-sagemaker-inference-component"]).toBe("shared-llm-retail");
    expect(req?.headers["x-amzn-sagemaker-inference-id"]).toBe("cli-test-1");
    const events = await ledger();
    const e = events.find((x) => (x as { id: string }).id === "cli-test-1");
    expect(usageEventSchema.parse(e)).toMatchObject({
      lob: "retail",
      endpoint: "shared-llm",
      component: "shared-llm-retail",
      variant: "AllTraffic",
      input_tokens: 12,
      output_tokens: 4,
      token_source: "reported",
      status: "ok",
    });
    expect(out.usage).toEqual(e);
  });

  it("--stream reassembles the lines and records the final usage chunk", async () => {
    const r = await runCli(
      [
        "invoke",
        "--endpoint-name",
        "shared-llm",
        "--lob",
        "wealth",
        "--body",
        '{"inputs":"x","stream":true}',
        "--stream",
        "--inference-id",
        "cli-stream-1",
        "--endpoint-url",
        server.endpoint,
      ],
      { cwd: dir, env },
    );
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n").filter(Boolean)).toHaveLength(4); // 3 events + the usage line
    expect(r.stdout).toContain("recorded cli-stream-1: lob=wealth input=21 output=2 (reported)");
    const e = (await ledger()).find((x) => (x as { id: string }).id === "cli-stream-1");
    expect(e).toMatchObject({ lob: "wealth", input_tokens: 21, output_tokens: 2, status: "ok" });
  });

  it("records a failed call with status error and exits 3", async () => {
    const r = await runCli(
      [
        "invoke",
        "--endpoint-name",
        "broken",
        "--lob",
        "retail",
        "--body",
        '{"inputs":"a b c"}',
        "--inference-id",
        "cli-err-1",
        "--endpoint-url",
        server.endpoint,
      ],
      { cwd: dir, env },
    );
    expect(r.code).toBe(3);
    const e = (await ledger()).find((x) => (x as { id: string }).id === "cli-err-1");
    expect(e).toMatchObject({ status: "error", lob: "retail", endpoint: "broken", output_tokens: 0 });
  });

  it("refuses a LOB that is not in the config (exit 2) and calls nothing", async () => {
    const before = server.requests.length;
    const r = await runCli(
      [
        "invoke",
        "--endpoint-name",
        "shared-llm",
        "--lob",
        "Retail",
        "--body",
        "{}",
        "--endpoint-url",
        server.endpoint,
      ],
      { cwd: dir, env },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('did you mean "retail"');
    expect(server.requests.length).toBe(before);
  });

  it("counts what the server does not report with the endpoint's tokenizer.json from the config, or --tokenizer", async () => {
    const args = ["invoke", "--lob", "retail", "--body", '{"inputs":"tokenization matters"}'];
    const fromConfig = await runCli(
      [
        ...args,
        "--endpoint-name",
        "plain-tgi",
        "--inference-id",
        "cli-hf-1",
        "--endpoint-url",
        server.endpoint,
      ],
      { cwd: dir, env },
    );
    expect(fromConfig.stderr).toBe("");
    expect(fromConfig.code).toBe(0);
    // One token per byte of "tokenization matters"; "H|e|ll|o|,|Ġworld|!" out (o200k_base: 3 and 4).
    expect(fromConfig.stdout).toContain("recorded cli-hf-1: lob=retail input=20 output=7 (estimated)");
    const e = (await ledger()).find((x) => (x as { id: string }).id === "cli-hf-1");
    expect(e).toMatchObject({
      endpoint: "plain-tgi",
      input_tokens: 20,
      output_tokens: 7,
      token_source: "estimated",
    });
    // An endpoint the config does not name, the tokenizer given on the command line (relative to the working
    // directory); without it, o200k_base counts.
    const fromFlag = await runCli(
      [
        ...args,
        "--endpoint-name",
        "plain-tgi-2",
        "--inference-id",
        "cli-hf-2",
        "--tokenizer",
        "models/llama/tokenizer.json",
        "--endpoint-url",
        server.endpoint,
      ],
      { cwd: dir, env },
    );
    expect(fromFlag.stdout).toContain("recorded cli-hf-2: lob=retail input=20 output=7 (estimated)");
    const tiktoken = await runCli(
      [
        ...args,
        "--endpoint-name",
        "plain-tgi-2",
        "--inference-id",
        "cli-hf-3",
        "--endpoint-url",
        server.endpoint,
      ],
      { cwd: dir, env },
    );
    expect(tiktoken.stdout).toContain("recorded cli-hf-3: lob=retail input=3 output=4 (estimated)");
  });

  it("a missing --tokenizer file exits 2 naming it, and calls nothing", async () => {
    const before = server.requests.length;
    const r = await runCli(
      [
        "invoke",
        "--endpoint-name",
        "plain-tgi",
        "--lob",
        "retail",
        "--body",
        '{"inputs":"x"}',
        "--tokenizer",
        "models/none/tokenizer.json",
        "--endpoint-url",
        server.endpoint,
      ],
      { cwd: dir, env },
    );
    expect(r.code).toBe(2);
    // a local file the user named is a usage error naming it as given (docs/cli.md)
    expect(r.stderr).toContain("--tokenizer models/none/tokenizer.json: no such file or folder");
    expect(server.requests.length).toBe(before);
  });
});
