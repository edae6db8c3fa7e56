/**
 * `compactLedger`: closed days into Parquet, read together with the raw tail with the same figures; idempotent;
 * a compaction stopped after any step leaves a ledger that reads the same and that a second run finishes.
 */
import { cp, mkdir, mkdtemp, readdir, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { monthWindow } from "../../../chargeback/engine/month.js";
import { runChargeback } from "../../../chargeback/run.js";
import {
  compactedTotalsSql,
  countedEventsSql,
  readFileLedger,
  SOURCES_KEY,
  TOTALS_KEY,
} from "../../../chargeback/sources/file-ledger.js";
import { type CompactionStep, compactLedger } from "../../../chargeback/sources/ledger-compact.js";
import { usageCountedAggregationSql } from "../../../chargeback/sources/usage-sql.js";
import { loadConfig } from "../../../core/config.js";
import { EXAMPLE_TRAFFIC, generateLedger } from "../../../examples/generate.js";
import { ROOT, runCli } from "../../support/cli.js";
import { ledgerLine } from "../../support/usage-events.js";

const OCT = monthWindow("2026-10");
const NOW = new Date("2026-12-04T12:00:00Z");
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "smcb-compact-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A ledger with duplicates within and across days, copies that differ, and malformed lines of two months. */
async function tricky(name: string): Promise<string> {
  const root = path.join(dir, name);
  const files: Record<string, string[]> = {
    "2026/10/01/w1.jsonl": [
      ledgerLine("a"),
      ledgerLine("a"),
      ledgerLine("b", { lob: "wealth" }),
      "{cut",
      ledgerLine("x", { v: "1" }),
    ],
    "2026/10/01/w2.jsonl": [
      ledgerLine("a"),
      ledgerLine("c", { ts: "2026-10-01T05:00:00Z", input_tokens: 3 }),
    ],
    "2026/10/02/w1.jsonl": [
      ledgerLine("a"), // a copy on a later day: counted once across compacted and raw days
      ledgerLine("c", { ts: "2026-10-01T04:00:00Z", input_tokens: 4 }), // a copy that differs: the earlier one counts
      ledgerLine("d", { kind: "bedrock", endpoint: null }),
      "not json",
      ledgerLine("sep", { ts: "2026-09-30T23:00:00Z", input_tokens: -5 }), // malformed, in September by its ts
    ],
    "2026/10/03/w1.jsonl": [
      ledgerLine("e", { ts: "2026-10-03T00:00:00Z" }),
      ledgerLine("b", { lob: "wealth" }),
    ],
  };
  for (const [rel, lines] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), `${lines.join("\n")}\n`);
  }
  return root;
}

const read = (root: string, month = OCT) => readFileLedger({ path: root, window: month });

/** Every file below a folder, relative, sorted. */
async function tree(root: string): Promise<string[]> {
  return ((await readdir(root, { recursive: true, withFileTypes: true })) as import("node:fs").Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort();
}

describe("compactLedger", () => {
  it("gives the same figures (duplicates across compacted and raw days, malformed lines) and is idempotent", async () => {
    const root = await tricky("tricky");
    const before = { oct: await read(root), sep: await read(root, monthWindow("2026-09")) };
    expect(before.oct.usage).toEqual([
      { endpoint: "e", lob: "retail", invocations: 3, inputTokens: 24, outputTokens: 3 },
      { endpoint: "e", lob: "wealth", invocations: 1, inputTokens: 10, outputTokens: 1 },
    ]);
    expect([before.oct.duplicates, before.oct.malformed, before.sep.malformed]).toEqual([5, 3, 1]);
    // compact the first two days only: day 3 stays raw
    const r = await compactLedger({ path: root, before: "2026-10-03", now: NOW });
    expect(r.days.map((d) => [d.day, d.sources, d.lines, d.malformed, d.written])).toEqual([
      ["2026-10-01", 2, 7, 2, true],
      ["2026-10-02", 1, 5, 2, true],
    ]);
    expect(r.days[0]?.rows).toBe(3); // a (three identical lines in w1 and w2: one row, copies = 3), b, c
    expect(r.leftRaw).toBe(1);
    const files = await tree(root);
    expect(files.filter((f) => f.endsWith(".jsonl") && !f.includes("quarantine"))).toEqual([
      "2026/10/03/w1.jsonl",
    ]);
    expect(files.filter((f) => f.startsWith("compacted/")).length).toBe(2); // two Parquet files
    expect(files.filter((f) => f.startsWith("quarantine/")).length).toBe(2); // and their malformed lines
    expect(await read(root)).toEqual(before.oct);
    expect(await read(root, monthWindow("2026-09"))).toEqual(before.sep);
    // again: nothing to do, the same files
    expect((await compactLedger({ path: root, before: "2026-10-03", now: NOW })).days).toEqual([]);
    expect(await tree(root)).toEqual(files);
    // then the rest
    await compactLedger({ path: root, now: NOW });
    expect((await tree(root)).some((f) => !/^(compacted|quarantine)\//.test(f))).toBe(false);
    expect(await read(root)).toEqual(before.oct);
    expect(await read(root, monthWindow("2026-09"))).toEqual(before.sep);
  }, 60_000);

  it("writes the month-wide guarantee, so a compacted month is an aggregation of the counted rows with the same figures", async () => {
    const root = path.join(dir, "unique");
    const files: Record<string, string[]> = {
      "2026/09/30/w1.jsonl": [
        ledgerLine("s", { ts: "2026-09-30T23:00:00Z" }),
        ledgerLine("late", { ts: "2026-10-01T00:10:00Z" }),
      ],
      "2026/10/01/w1.jsonl": [
        ledgerLine("a"),
        ledgerLine("a"), // identical: one row, two copies
        ledgerLine("c", { ts: "2026-10-01T05:00:00Z", input_tokens: 3 }),
        ledgerLine("c", { ts: "2026-10-01T04:00:00Z", input_tokens: 4, lob: "wealth" }), // differs: this one counts
        ledgerLine("b", { kind: "bedrock", endpoint: null }),
        "{cut",
      ],
      "2026/10/02/w1.jsonl": [
        ledgerLine("a"), // the same event on a later day: counted once, on day 1
        ledgerLine("b"), // a SageMaker event whose id a Bedrock event has too: counted
        ledgerLine("late", { ts: "2026-10-01T00:10:00Z" }), // the same event in two months' folders
        ledgerLine("s", { ts: "2026-09-30T23:00:00Z" }),
        ledgerLine("h", { ts: "2026-10-02T07:30:00Z", endpoint: "hourly" }),
        ledgerLine("h", { ts: "2026-10-02T07:30:00Z", endpoint: "hourly", latency_ms: 5 }), // differs elsewhere only
      ],
    };
    for (const [rel, lines] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
      await writeFile(path.join(root, rel), `${lines.join("\n")}\n`);
    }
    const months = [OCT, monthWindow("2026-09")];
    const readAll = () =>
      Promise.all(months.map((w) => readFileLedger({ path: root, window: w, hourlyEndpoints: ["hourly"] })));
    // without hourly endpoints, a month of compacted files only is read from the files' totals
    const readMonths = () => Promise.all(months.map((w) => readFileLedger({ path: root, window: w })));
    const before = await readAll();
    const beforeMonths = await readMonths();
    expect(before[0]?.duplicates).toBe(5); // a ×2, c, late, h
    await compactLedger({ path: root, now: NOW });
    const parquet = (await tree(root)).filter((f) => f.endsWith(".parquet")).map((f) => path.join(root, f));
    expect(parquet.length).toBe(3);
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    const meta = await c.runAndReadAll(
      `SELECT decode(value) AS v FROM parquet_kv_metadata([${parquet.map((f) => `'${f}'`).join(", ")}])
       WHERE decode(key) = 'smcb_month_unique'`,
    );
    expect(meta.getRowObjectsJson().map((r) => r.v)).toEqual(["true", "true", "true"]);
    const counted = await c.runAndReadAll(
      `SELECT id, count(*) FILTER (WHERE counted) AS n FROM read_parquet([${parquet.map((f) => `'${f}'`).join(", ")}])
       WHERE kind = 'sagemaker' GROUP BY id ORDER BY id`,
    );
    // every SageMaker event counted once in its month (late: in October, from either folder; once)
    expect(counted.getRowObjectsJson()).toEqual(
      ["a", "b", "c", "h", "late", "s"].map((id) => ({ id, n: "1" })),
    );
    // the files' totals (smcb_totals) sum to what the aggregation of their counted rows gives, month by month
    for (const w of months) {
      const fromTotals = await c.runAndReadAll(`${compactedTotalsSql(parquet, w)} ORDER BY endpoint, lob`);
      const fromRows = await c.runAndReadAll(
        `${usageCountedAggregationSql(countedEventsSql(parquet), w)} ORDER BY endpoint, lob`,
      );
      // the same figures; the integer types may differ (a sum of sums)
      const text = (rows: Record<string, unknown>[]) =>
        rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)])));
      expect(fromTotals.getRowObjectsJson().length).toBeGreaterThan(0);
      expect(text(fromTotals.getRowObjectsJson())).toEqual(text(fromRows.getRowObjectsJson()));
    }
    c.closeSync();
    db.closeSync();
    expect(await readAll()).toEqual(before);
    expect(await readMonths()).toEqual(beforeMonths);
    // a late writer of day 1 with a copy less than the counted one: that file has no guarantee, figures unchanged
    await mkdir(path.join(root, "2026/10/01"), { recursive: true });
    await writeFile(
      path.join(root, "2026/10/01/w9.jsonl"),
      `${ledgerLine("h", { ts: "2026-10-02T06:00:00Z", endpoint: "hourly", input_tokens: 7 })}\n${ledgerLine("a")}\n`,
    );
    const withLate = await readAll();
    expect(withLate[0]?.duplicates).toBe(7);
    await compactLedger({ path: root, now: NOW });
    const late = (await tree(root)).filter(
      (f) => f.startsWith("compacted/") && !parquet.includes(path.join(root, f)),
    );
    expect(late.length).toBe(1);
    const db2 = await DuckDBInstance.create(":memory:");
    const c2 = await db2.connect();
    const lateMeta = await c2.runAndReadAll(
      `SELECT decode(value) AS v FROM parquet_kv_metadata('${path.join(root, late[0] as string)}') WHERE decode(key) = 'smcb_month_unique'`,
    );
    expect(lateMeta.getRowObjectsJson()).toEqual([{ v: "false" }]);
    c2.closeSync();
    db2.closeSync();
    expect(await readAll()).toEqual(withLate);
    expect((await readMonths())[0]).toEqual(
      await readFileLedger({ path: root, window: OCT, hourlyEndpoints: ["nothing-hourly"] }),
    );
  }, 60_000);

  it("reads a compacted file without totals (an older compaction) from its rows, with the same figures", async () => {
    const root = await tricky("no-totals");
    const before = await read(root);
    await compactLedger({ path: root, now: NOW });
    expect(await read(root)).toEqual(before);
    // rewrite one compacted file as a compaction before totals wrote it: its rows and the other keys only
    const [file] = (await tree(root)).filter((f) => f.endsWith(".parquet")).map((f) => path.join(root, f));
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    const keys = (
      await c.runAndReadAll(
        `SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('${file}') ORDER BY k`,
      )
    ).getRowObjectsJson() as { k: string; v: string }[];
    expect(keys.map((k) => k.k)).toEqual(["smcb_month_unique", SOURCES_KEY, TOTALS_KEY]);
    const kept = keys.filter((k) => k.k !== TOTALS_KEY).map((k) => `${k.k}: '${k.v.replaceAll("'", "''")}'`);
    await c.run(
      `COPY (SELECT * FROM read_parquet('${file}')) TO '${file}.old' (FORMAT parquet, KV_METADATA {${kept.join(", ")}})`,
    );
    c.closeSync();
    db.closeSync();
    await rename(`${file}.old`, file as string);
    expect(await read(root)).toEqual(before);
  }, 60_000);

  it.each<CompactionStep>(["written", "renamed"])(
    "survives a stop after the step %s: the same figures, and a second run finishes",
    async (step) => {
      const root = await tricky(`stop-${step}`);
      const before = await read(root);
      const stop = new Error("stopped");
      await expect(
        compactLedger({
          path: root,
          now: NOW,
          onStep: (s) => {
            if (s === step) throw stop;
          },
        }),
      ).rejects.toThrow(stop.message);
      const files = await tree(root);
      expect(files.filter((f) => f.endsWith(".jsonl") && !f.includes("quarantine")).length).toBe(4); // nothing deleted
      expect(files.some((f) => f.endsWith(".parquet"))).toBe(step === "renamed");
      expect(await read(root)).toEqual(before);
      const again = await compactLedger({ path: root, now: NOW });
      expect(again.days[0]?.written).toBe(step === "written");
      expect((await tree(root)).filter((f) => !/^(compacted|quarantine)\//.test(f))).toEqual([]);
      expect((await tree(root)).some((f) => f.endsWith(".tmp"))).toBe(false); // the same temp name, written again
      expect(await read(root)).toEqual(before);
    },
    60_000,
  );

  it("runs as smcb ledger compact (--json), and refuses a usage source that is not a file ledger", async () => {
    await tricky("cli/usage"); // the ledger the config below names
    const config = path.join(dir, "cli", "smcb.config.json");
    await writeFile(config, JSON.stringify({ lobs: ["retail"], usage: { type: "file", path: "usage" } }));
    const r = await runCli(["ledger", "compact", "--before", "2026-10-02", "--config", config, "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { before: string; days: { day: string; malformed: number }[] };
    expect([out.before, out.days.map((d) => [d.day, d.malformed])]).toEqual([
      "2026-10-02",
      [["2026-10-01", 2]],
    ]);
    await writeFile(config, JSON.stringify({ lobs: ["retail"], usage: { type: "cloudwatch" } }));
    const refused = await runCli(["ledger", "compact", "--config", config]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/only a file ledger is compacted/);
  });

  it("refuses --before a day that has not passed, and a non-date", async () => {
    const root = await tricky("refuse");
    await expect(compactLedger({ path: root, before: "2026-12-05", now: NOW })).rejects.toThrow(
      /after today/,
    );
    await expect(compactLedger({ path: root, before: "2026-02-30", now: NOW })).rejects.toThrow(/not a date/);
  });

  it("gives the example workspace's chargeback the same figures before and after compaction", async () => {
    const ws = path.join(dir, "example");
    await mkdir(ws, { recursive: true });
    const examples = path.join(ROOT, "examples");
    const config = JSON.parse(
      await import("node:fs/promises").then((fs) =>
        fs.readFile(path.join(examples, "smcb.config.json"), "utf8"),
      ),
    ) as Record<string, unknown> & { costs: Record<string, unknown> };
    delete config.$schema;
    await writeFile(
      path.join(ws, "smcb.config.json"),
      JSON.stringify({ ...config, costs: { ...config.costs, cacheDir: path.join(ws, ".smcb") } }),
    );
    await cp(path.join(examples, "cur"), path.join(ws, "cur"), { recursive: true });
    // the example's ledger spec (examples/generate.ts), with fewer events
    await generateLedger({
      dir: path.join(ws, "usage"),
      month: "2026-10",
      events: 20_000,
      traffic: EXAMPLE_TRAFFIC,
      bedrockShare: 0.05,
      duplicateShare: 0.002,
      malformed: 3,
      writersPerDay: 2,
      seed: 2026_10,
    });
    const loaded = await loadConfig(path.join(ws, "smcb.config.json"));
    const run = () => runChargeback({ config: loaded, month: "2026-10", now: NOW });
    const before = await run();
    expect(before.usageQuality?.malformed).toBe(3);
    await compactLedger({ path: path.join(ws, "usage"), now: NOW });
    expect(await run()).toEqual(before);
  }, 180_000);
});
