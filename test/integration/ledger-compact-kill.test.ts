/**
 * A compaction killed (SIGKILL, in a child process) between writing a day's Parquet file and renaming it, and
 * between the rename and deleting the raw files: the ledger reads the same, and a second compaction finishes.
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { monthWindow } from "../../chargeback/engine/month.js";
import { readFileLedger } from "../../chargeback/sources/file-ledger.js";
import { type CompactionStep, compactLedger } from "../../chargeback/sources/ledger-compact.js";
import { ROOT } from "../support/cli.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "smcb-compact-kill-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const event = (id: string, day: string, over: Record<string, unknown> = {}) =>
  JSON.stringify({
    v: 1,
    id,
    ts: `2026-10-${day}T08:00:00Z`,
    lob: "retail",
    kind: "sagemaker",
    endpoint: "e",
    input_tokens: 10,
    output_tokens: 1,
    ...over,
  });

/** Runs the child compaction until it reports `step`, then kills it with SIGKILL. */
function killAfter(root: string, step: CompactionStep): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", path.join(ROOT, "test/support/compact-child.ts"), root, step],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) child.kill("SIGKILL");
    });
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("close", (_code, signal) =>
      signal === "SIGKILL"
        ? resolve(out.trim())
        : reject(new Error(`child ended without being killed: ${err}`)),
    );
  });
}

async function files(root: string): Promise<string[]> {
  return (await readdir(root, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort();
}

describe("compaction killed midway", () => {
  it.each<CompactionStep>(["written", "renamed"])(
    "after %s: reads the same, and a second run finishes",
    async (step) => {
      const root = path.join(dir, step);
      for (const day of ["01", "02"]) {
        await mkdir(path.join(root, "2026/10", day), { recursive: true });
        await writeFile(
          path.join(root, "2026/10", day, "w.jsonl"),
          `${[event("a", day), event(`b${day}`, day), event(`b${day}`, day), "{cut"].join("\n")}\n`,
        );
      }
      const oct = monthWindow("2026-10");
      const before = await readFileLedger({ path: root, window: oct });
      expect([before.duplicates, before.malformed]).toEqual([3, 2]);
      const reported = await killAfter(root, step);
      expect(reported).toMatch(new RegExp(`^${step} .*part-[0-9a-f]{16}\\.parquet$`));
      const left = await files(root);
      expect(left.filter((f) => f.endsWith("w.jsonl"))).toHaveLength(2); // no raw file deleted
      expect(left.some((f) => f.endsWith(".parquet"))).toBe(step === "renamed");
      expect(left.some((f) => f.endsWith(".parquet.tmp"))).toBe(step === "written");
      expect(await readFileLedger({ path: root, window: oct })).toEqual(before);
      const again = await compactLedger({ path: root, now: new Date("2026-12-04T12:00:00Z") });
      expect(again.days.map((d) => d.written)).toEqual([step === "written", true]);
      expect((await files(root)).filter((f) => f.endsWith("w.jsonl"))).toEqual([]);
      expect(await readFileLedger({ path: root, window: oct })).toEqual(before);
    },
  );
});
