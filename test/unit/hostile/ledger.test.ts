/**
 * Hostile and unusual file-ledger input (issue 13): JSON types are strict, a SageMaker event names its endpoint,
 * gzip files are read, folders with glob characters, empty folders and links to nothing are handled, and malformed
 * lines are reported in their month with file and line number.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { monthWindow } from "../../../chargeback/engine/month.js";
import { readFileLedger } from "../../../chargeback/sources/file-ledger.js";
import { DataSourceError, ExitCode } from "../../../core/errors.js";
import { runCli } from "../../support/cli.js";
import { ledgerLine } from "../../support/usage-events.js";

const OCT = monthWindow("2026-10");
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "smcb-hostile-ledger-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `files` (path below the ledger → lines) into a fresh ledger folder; returns its path. */
async function ledger(name: string, files: Record<string, string[] | Buffer>): Promise<string> {
  const root = path.join(dir, name);
  for (const [rel, content] of Object.entries(files)) {
    const f = path.join(root, rel);
    await mkdir(path.dirname(f), { recursive: true });
    await writeFile(f, Buffer.isBuffer(content) ? content : `${content.join("\n")}\n`);
  }
  await mkdir(root, { recursive: true });
  return root;
}

describe("file ledger, strict JSON types", () => {
  it('counts "12" and true as token counts, "1" as the version and a SageMaker event without endpoint as malformed', async () => {
    const root = await ledger("types", {
      "2026/10/02/w.jsonl": [
        ledgerLine("ok"),
        ledgerLine("s", { input_tokens: "12" }),
        ledgerLine("b", { output_tokens: true }),
        ledgerLine("v", { v: "1" }),
        ledgerLine("n", { endpoint: null }),
        ledgerLine("x", { endpoint: "" }),
        ledgerLine("m", { kind: "sagemaker", endpoint: undefined }),
        ledgerLine("bedrock", { kind: "bedrock", endpoint: null }), // valid, not a shared-endpoint call
      ],
    });
    const r = await readFileLedger({ path: root, window: OCT });
    expect(r.usage).toEqual([
      { endpoint: "e", lob: "retail", invocations: 1, inputTokens: 10, outputTokens: 1 },
    ]);
    expect(r.malformed).toBe(6);
    expect(r.malformedLines?.map((l) => [l.line, l.reason])).toEqual([
      [2, "a token count that is not a whole non-negative JSON number"],
      [3, "a token count that is not a whole non-negative JSON number"],
      [4, "v is not the number 1"],
      [5, "a sagemaker event without an endpoint"],
      [6, "a sagemaker event without an endpoint"],
      [7, "a sagemaker event without an endpoint"],
    ]);
  });
});

describe("file ledger layouts", () => {
  it("reads .jsonl.gz files beside .jsonl files", async () => {
    const root = await ledger("gz", {
      "2026/10/02/a.jsonl": [ledgerLine("a")],
      "2026/10/02/b.jsonl.gz": gzipSync(`${[ledgerLine("b"), ledgerLine("c"), "{broken"].join("\n")}\n`),
    });
    const r = await readFileLedger({ path: root, window: OCT });
    expect(r.usage).toEqual([
      { endpoint: "e", lob: "retail", invocations: 3, inputTokens: 30, outputTokens: 3 },
    ]);
    expect(r.malformedLines).toEqual([
      { file: "2026/10/02/b.jsonl.gz", line: 3, reason: "not a JSON object (or cut short)", text: "{broken" },
    ]);
  });

  it("reads a folder whose name holds glob characters", async () => {
    const root = await ledger("led[1]*?{a,b}", { "2026/10/02/w.jsonl": [ledgerLine("a")] });
    const r = await readFileLedger({ path: root, window: OCT });
    expect(r.usage.map((u) => u.invocations)).toEqual([1]);
  });

  it("skips a link to nothing with a warning, and follows links to files", async () => {
    const other = await ledger("elsewhere", { "w.jsonl": [ledgerLine("linked")] });
    const root = await ledger("links", { "2026/10/02/w.jsonl": [ledgerLine("a")] });
    await symlink(path.join(root, "gone.jsonl"), path.join(root, "2026/10/02/dangling.jsonl"));
    await symlink(path.join(other, "w.jsonl"), path.join(root, "2026/10/02/linked.jsonl"));
    const r = await readFileLedger({ path: root, window: OCT });
    expect(r.usage.map((u) => u.invocations)).toEqual([2]);
    expect(r.warnings).toEqual(["usage ledger: 2026/10/02/dangling.jsonl is a link to nothing; skipped"]);
  });

  it("refuses a folder that yields no ledger file (empty, or only links to nothing): exit 3 with a hint", async () => {
    const empty = await ledger("empty", {});
    await expect(readFileLedger({ path: empty, window: OCT })).rejects.toBeInstanceOf(DataSourceError);
    const dangling = await ledger("only-dangling", {});
    await symlink(path.join(dangling, "nope.jsonl"), path.join(dangling, "x.jsonl"));
    await expect(readFileLedger({ path: dangling, window: OCT })).rejects.toThrow(/1 links to nothing/);
    await writeFile(
      path.join(empty, "smcb.config.json"),
      JSON.stringify({
        lobs: ["retail"],
        usage: { type: "file", path: "." },
        costs: { type: "cur", path: "c.csv" },
      }),
    );
    await writeFile(path.join(empty, "c.csv"), "line_item_usage_start_date\n");
    const cli = await runCli([
      "chargeback",
      "--month",
      "2026-10",
      "--config",
      path.join(empty, "smcb.config.json"),
    ]);
    expect(cli.code).toBe(ExitCode.DataSource);
    expect(cli.stderr).toMatch(/holds no \*\.jsonl/);
    expect(cli.stderr).toMatch(/FileUsageRecorder/);
  });
});

describe("malformed lines, per month", () => {
  it("counts a malformed line in the month of its ts, else of its file's day folder, with file and line", async () => {
    const root = await ledger("months", {
      "2026/09/30/w.jsonl": [ledgerLine("sep", { ts: "2026-09-30T10:00:00Z" }), "{cut", "[1]"],
      "2026/10/01/w.jsonl": [
        ledgerLine("late", { ts: "2026-09-30T23:59:00Z", input_tokens: -1 }), // September by its ts
        "",
        "not json",
      ],
      "2026/11/01/w.jsonl": [ledgerLine("oct", { ts: "2026-10-31T23:59:00Z", v: 2 })], // October by its ts
    });
    const oct = await readFileLedger({ path: root, window: OCT });
    expect(oct.malformed).toBe(2);
    expect(oct.malformedLines?.map((l) => `${l.file}:${l.line}`)).toEqual([
      "2026/10/01/w.jsonl:3",
      "2026/11/01/w.jsonl:1",
    ]);
    const sep = await readFileLedger({ path: root, window: monthWindow("2026-09") });
    expect(sep.malformed).toBe(3);
    expect(sep.malformedLines?.map((l) => `${l.file}:${l.line}`)).toEqual([
      "2026/09/30/w.jsonl:2",
      "2026/09/30/w.jsonl:3",
      "2026/10/01/w.jsonl:1",
    ]);
    const aug = await readFileLedger({ path: root, window: monthWindow("2026-08") });
    expect(aug).toEqual({ usage: [], malformed: 0, duplicates: 0 });
  });
});
