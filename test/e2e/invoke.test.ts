import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnCli } from "../support/cli.js";
import { byteLevelBpe, writeTokenizer } from "../support/hf-tokenizer.js";
import { MOTO_ENV } from "../support/moto.js";
import { type RuntimeServer, startRuntimeServer } from "../support/runtime-server.js";

let server: RuntimeServer;
let dir: string;
beforeAll(async () => {
  server = await startRuntimeServer((req) => ({
    body: JSON.stringify(
      req.endpoint === "plain"
        ? { generated_text: "Hello, world!" } // nothing reported
        : { generated_text: "Hello there", details: { generated_tokens: 2, prefill: [{}, {}, {}] } },
    ),
  }));
  dir = await mkdtemp(path.join(tmpdir(), "smcb-e2e-invoke-"));
  await writeFile(
    path.join(dir, "smcb.config.json"),
    JSON.stringify({ lobs: ["retail"], usage: { type: "file" } }),
  );
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("smcb invoke (built CLI, real process)", () => {
  // promptly: the process ends by itself within the test's time limit (a recorder timer left running would hang it)
  it("answers, records the event in the ledger and exits promptly", { timeout: 30_000 }, async () => {
    const r = await spawnCli(
      [
        "invoke",
        "--endpoint-name",
        "shared-llm",
        "--lob",
        "retail",
        "--body",
        '{"inputs":"Hi there you"}',
        "--endpoint-url",
        server.endpoint,
      ],
      { cwd: dir, env: { ...MOTO_ENV } },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Hello there");
    expect(r.stdout).toMatch(/recorded \S+: lob=retail input=3 output=2 \(reported\) status=ok/);
    const files = (await readdir(path.join(dir, "usage"), { recursive: true })).filter((f) =>
      f.endsWith(".jsonl"),
    );
    expect(files).toHaveLength(1);
    const line = JSON.parse((await readFile(path.join(dir, "usage", files[0] as string), "utf8")).trim());
    expect(line).toMatchObject({
      lob: "retail",
      endpoint: "shared-llm",
      input_tokens: 3,
      output_tokens: 2,
      status: "ok",
    });
  });

  it("--tokenizer counts what is not reported with a Hugging Face tokenizer.json", async () => {
    await writeTokenizer(
      path.join(dir, "llama"),
      byteLevelBpe(["h e", "l l", "he ll", "hell o", "Ġ w", "o r", "Ġw or", "Ġwor l", "Ġworl d"]),
    );
    const args = [
      "invoke",
      "--endpoint-name",
      "plain",
      "--lob",
      "retail",
      "--body",
      '{"inputs":"hello world"}',
    ];
    const r = await spawnCli([...args, "--tokenizer", "llama", "--endpoint-url", server.endpoint], {
      cwd: dir,
      env: { ...MOTO_ENV },
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    // hello|Ġworld in, H|e|ll|o|,|Ġworld|! out.
    expect(r.stdout).toMatch(/recorded \S+: lob=retail input=2 output=7 \(estimated\) status=ok/);
  });
});
