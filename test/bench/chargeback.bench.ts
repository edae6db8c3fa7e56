/**
 * Benchmark (npm run bench:chargeback): a generated 5M-event month (20 shared endpoints, 200 LOBs), every arm its own
 * process timed from start to exit (process start and module loading included) with its peak memory (max RSS, from
 * `/usr/bin/time`), median of 3, all arms alternating in the same runs:
 * - `bare`: one bare DuckDB aggregation of the JSONL files (no checks, no de-duplication): the bare scan;
 * - `floor`: one hand-written DuckDB query with the chargeback's semantics (checks, month window, malformed lines of
 *   the month, exact de-duplication by id): the same-semantics floor (see chargeback-measure.ts);
 * - `smcb`: `node dist/scripts/smcb.js chargeback --json` end to end on the JSONL ledger (CUR, config, engine, JSON);
 * - `compacted`: the same on the ledger after `smcb ledger compact` (Parquet; the month is the sum of the files' totals);
 * - `compacted-rows`: the same on a copy of those files without their totals (as an older compaction wrote them): the
 *   month's compacted rows aggregated.
 * Then a 50M-event month, generated directly as a compacted ledger (Parquet, 17 GB of JSONL would not fit the
 * temp disk), run once through `smcb chargeback` with the default DuckDB memory limit: its time and peak memory.
 * Data goes to a temp dir, removed afterwards. A full-size run records its figures in
 * test/bench/results/chargeback.json. Builds dist/ first.
 *
 *   EVENTS=1000000 EVENTS_LARGE=0 npm run bench:chargeback    # a smaller run, without the 50M month
 */
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";
import { stringify } from "csv-stringify/sync";
import { generateLedger, prng, type TrafficSpec } from "../../examples/generate.js";
import { bareSql, DUCK_SCRIPT, floorSql } from "./chargeback-measure.js";
import { median } from "./median.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const EVENTS = Number(process.env.EVENTS ?? 5_000_000);
const EVENTS_LARGE = Number(process.env.EVENTS_LARGE ?? 50_000_000);
const RUNS = Number(process.env.RUNS ?? 3);
const ENDPOINTS = 20;
const LOBS = Array.from({ length: 200 }, (_, i) => `lob-${String(i + 1).padStart(3, "0")}`);
const MONTH = "2026-10";

interface Measure {
  ms: number;
  cpuMs: number;
  maxRssMb: number;
}

/** Runs a command under `/usr/bin/time`: wall time, CPU time and peak RSS of the whole process. */
function measure(what: string, argv: string[], env: NodeJS.ProcessEnv = {}): Measure {
  const timing = path.join(tmpdir(), `smcb-bench-time-${process.pid}`);
  const r = spawnSync("/usr/bin/time", ["-o", timing, "-f", "%e %M %U %S", ...argv], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...env },
    maxBuffer: 1 << 30,
    timeout: 1_800_000,
  });
  if (r.status !== 0) throw new Error(`${what} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const [e = 0, kb = 0, user = 0, sys = 0] = timingOf(timing);
  rmSync(timing, { force: true });
  return {
    ms: Math.round(e * 1000),
    cpuMs: Math.round((user + sys) * 1000),
    maxRssMb: Math.round(kb / 1024),
  };
}

/** The last line of a `/usr/bin/time -f "%e %M %U %S"` output file, as numbers. */
function timingOf(file: string): number[] {
  const text = readFileSync(file, "utf8").trim().split("\n").at(-1) ?? "";
  return text.split(" ").map(Number);
}

const DUCK_ARM = ["node", "--input-type=module", "-e", DUCK_SCRIPT];
const smcbArm = (config: string) => [
  "node",
  path.join(ROOT, "dist/scripts/smcb.js"),
  "chargeback",
  "--month",
  MONTH,
  "--config",
  config,
  "--json",
];

/** The benchmark's traffic: 20 endpoints, 200 LOBs, each LOB on about half of the endpoints. */
function traffic(): TrafficSpec[] {
  const rand = prng(7);
  return Array.from({ length: ENDPOINTS }, (_, e) => ({
    endpoint: `shared-${e + 1}`,
    share: 1 + rand() * 4,
    lobs: Object.fromEntries(LOBS.map((l) => [l, rand() < 0.5 ? rand() * 10 : 0.01])),
    meanInput: 200 + Math.round(rand() * 1500),
    meanOutput: Math.round(rand() * 400),
  }));
}

/** The month's CUR (hosting of each endpoint, a training job per LOB and day) and a config over `usage`. */
async function workspace(dir: string, t: readonly TrafficSpec[]): Promise<void> {
  const header = [
    "line_item_usage_start_date",
    "line_item_product_code",
    "line_item_usage_type",
    "line_item_resource_id",
    "line_item_usage_amount",
    "line_item_unblended_cost",
    "resource_tags",
  ];
  const rows: string[][] = [header];
  for (let d = 1; d <= 31; d++) {
    const ts = `${MONTH}-${String(d).padStart(2, "0")}T00:00:00Z`;
    for (const e of t)
      rows.push([
        ts,
        "AmazonSageMaker",
        "USE1-Host:ml.g5.12xlarge",
        `arn:aws:sagemaker:us-east-1:1:endpoint/${e.endpoint}`,
        "48",
        "340.32",
        "{}",
      ]);
    for (const l of LOBS)
      rows.push([
        ts,
        "AmazonSageMaker",
        "USE1-Train:ml.m5.xlarge",
        `arn:aws:sagemaker:us-east-1:1:training-job/${l}-${d}`,
        "2",
        "0.46",
        JSON.stringify({ user_LineOfBusiness: l }),
      ]);
  }
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "cur.csv"), stringify(rows));
  const config = {
    lobs: LOBS,
    usage: { type: "file", path: "usage" },
    costs: { type: "cur", path: "cur.csv" },
    sharedEndpoints: t.map((e, i) => ({
      name: e.endpoint,
      owner: LOBS[i] as string,
      tokenWeights: { input: 1, output: 3 },
      capacityTokensPerInstanceHour: 2_000_000,
      idle: (["proportional", "even", "owner", "separate"] as const)[i % 4],
      ...(i % 5 === 0 ? { reservations: { [LOBS[i + 1] as string]: 0.1 } } : {}),
    })),
  };
  await writeFile(path.join(dir, "smcb.config.json"), JSON.stringify(config));
}

/**
 * Writes a month of `events` usage events directly as a compacted ledger (one Parquet file per day, the columns
 * and metadata `smcb ledger compact` writes), generated by DuckDB: about 0.1 % of the ids twice.
 */
async function compactedMonth(dir: string, events: number, t: readonly TrafficSpec[]): Promise<void> {
  const db = await DuckDBInstance.create(":memory:", { memory_limit: "2GB" });
  const c = await db.connect();
  await c.run("SET TimeZone = 'UTC'");
  const endpoints = `[${t.map((e) => `'${e.endpoint}'`).join(", ")}]`;
  const perDay = Math.floor(events / 31);
  for (let d = 1; d <= 31; d++) {
    const day = String(d).padStart(2, "0");
    const folder = path.join(dir, "usage", "compacted", "year=2026", "month=10", `day=${day}`);
    await mkdir(folder, { recursive: true });
    const n = d === 31 ? events - perDay * 30 : perDay;
    const first = (d - 1) * perDay;
    await c.run(`COPY (
      SELECT 1 AS v, 'ev-' || (i - (CASE WHEN hash(i) % 1000 = 0 AND i > ${first} THEN 1 ELSE 0 END)) AS id,
        TIMESTAMPTZ '${MONTH}-${day} 00:00:00+00' + to_microseconds(CAST((i - ${first}) * 86400000000 // ${n} AS BIGINT)) AS ts,
        'lob-' || lpad(CAST(1 + hash(i, 1) % 200 AS VARCHAR), 3, '0') AS lob, 'sagemaker' AS kind,
        ${endpoints}[1 + CAST(hash(i, 2) % ${t.length} AS INTEGER)] AS endpoint,
        NULL::VARCHAR AS component, 'AllTraffic' AS variant, NULL::VARCHAR AS profile_arn, NULL::VARCHAR AS model_id,
        CAST(100 + hash(i, 3) % 1500 AS BIGINT) AS input_tokens, CAST(hash(i, 4) % 400 AS BIGINT) AS output_tokens,
        CAST(0 AS BIGINT) AS cache_read_tokens, CAST(0 AS BIGINT) AS cache_write_tokens, 'reported' AS token_source,
        CAST(50 + hash(i, 5) % 900 AS DOUBLE) AS latency_ms, 'ok' AS status, NULL::VARCHAR AS tenant,
        NULL::VARCHAR AS price_estimate, CAST(1 AS BIGINT) AS copies
      FROM range(${first}, ${first + n}) r(i))
      TO '${path.join(folder, "part-generated.parquet")}' (FORMAT parquet, COMPRESSION zstd, KV_METADATA {smcb_sources: '[]'})`);
  }
  c.closeSync();
  db.closeSync();
}

/**
 * A copy of a compacted workspace whose Parquet files have no totals (`smcb_totals`), as a compaction before they
 * existed wrote them: the chargeback then aggregates the month's compacted rows (the `compacted-rows` arm).
 */
async function withoutTotals(from: string, to: string, t: readonly TrafficSpec[]): Promise<void> {
  await workspace(to, t);
  await mkdir(path.join(to, "usage"), { recursive: true });
  const cp = spawnSync("cp", [
    "-r",
    path.join(from, "usage", "quarantine"),
    path.join(to, "usage", "quarantine"),
  ]);
  if (cp.status !== 0) throw new Error(`copying the quarantine files failed: ${cp.stderr}`);
  const db = await DuckDBInstance.create(":memory:", { memory_limit: "2GB" });
  const c = await db.connect();
  const files = (
    await c.runAndReadAll(`SELECT file FROM glob('${path.join(from, "usage", "compacted")}/**/*.parquet')`)
  ).getRows();
  for (const [file] of files) {
    const target = path.join(to, path.relative(from, String(file)));
    await mkdir(path.dirname(target), { recursive: true });
    const kept = (
      await c.runAndReadAll(
        `SELECT decode(key), decode(value) FROM parquet_kv_metadata('${file}') WHERE decode(key) <> 'smcb_totals'`,
      )
    )
      .getRows()
      .map(([k, v]) => `${k}: '${String(v).replaceAll("'", "''")}'`);
    await c.run(
      `COPY (SELECT * FROM read_parquet('${file}')) TO '${target}' (FORMAT parquet, COMPRESSION zstd, KV_METADATA {${kept.join(", ")}})`,
    );
  }
  c.closeSync();
  db.closeSync();
}

async function main(): Promise<void> {
  const started = new Date();
  const dir = await mkdtemp(path.join(tmpdir(), "smcb-bench-chargeback-"));
  try {
    let t = performance.now();
    const build = spawnSync("npm", ["run", "build"], { cwd: ROOT, encoding: "utf8" });
    if (build.status !== 0) throw new Error(`npm run build failed: ${build.stdout}${build.stderr}`);
    console.error(`built dist/ in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const tr = traffic();
    const raw = path.join(dir, "raw");
    const compacted = path.join(dir, "compacted");
    await workspace(raw, tr);
    t = performance.now();
    const lines = await generateLedger({
      dir: path.join(raw, "usage"),
      month: MONTH,
      events: EVENTS,
      traffic: tr,
      duplicateShare: 0.001,
      malformed: 2,
      writersPerDay: 4,
      seed: 5,
    });
    console.error(`generated ${lines} ledger lines in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    // the compacted copy: hard links of the raw files (compaction deletes only the links), then smcb ledger compact
    await workspace(compacted, tr);
    spawnSync("cp", ["-al", path.join(raw, "usage"), path.join(compacted, "usage")]);
    const compaction = measure("ledger compact", [
      "node",
      path.join(ROOT, "dist/scripts/smcb.js"),
      "ledger",
      "compact",
      "--before",
      "2026-11-01",
      "--config",
      path.join(compacted, "smcb.config.json"),
    ]);
    const parquetBytes = Number(
      spawnSync("du", ["-sb", path.join(compacted, "usage")], { encoding: "utf8" }).stdout.split("\t")[0],
    );
    const jsonlBytes = Number(
      spawnSync("du", ["-sb", path.join(raw, "usage")], { encoding: "utf8" }).stdout.split("\t")[0],
    );
    console.error(
      `compacted in ${compaction.ms} ms (peak ${compaction.maxRssMb} MB): ${jsonlBytes} → ${parquetBytes} bytes`,
    );
    const compactedRows = path.join(dir, "compacted-rows");
    await withoutTotals(compacted, compactedRows, tr);

    const usage = path.join(raw, "usage");
    const arms: Record<string, () => Measure> = {
      bare: () => measure("bare", DUCK_ARM, { SQL: bareSql(usage) }),
      floor: () => measure("floor", DUCK_ARM, { SQL: floorSql(usage, MONTH) }),
      smcb: () => measure("smcb", smcbArm(path.join(raw, "smcb.config.json"))),
      compacted: () => measure("compacted", smcbArm(path.join(compacted, "smcb.config.json"))),
      "compacted-rows": () =>
        measure("compacted-rows", smcbArm(path.join(compactedRows, "smcb.config.json"))),
    };
    const runs: Record<string, Measure[]> = Object.fromEntries(Object.keys(arms).map((k) => [k, []]));
    for (let i = 0; i < RUNS; i++) {
      // alternating, so that all see the same page-cache state and machine load
      for (const [k, arm] of Object.entries(arms)) runs[k]?.push(arm());
      console.error(
        `run ${i + 1}: ${Object.entries(runs)
          .map(([k, m]) => `${k} ${m.at(-1)?.ms} ms`)
          .join(", ")}`,
      );
    }
    // the figures agree: smcb on the JSONL and on the compacted ledger (the workspace folder, named in the CUR
    // provenance, aside)
    const report = (ws: string) => {
      const [cmd, ...args] = smcbArm(path.join(ws, "smcb.config.json")) as [string, ...string[]];
      return spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 30 }).stdout.replaceAll(
        ws,
        "<workspace>",
      );
    };
    const rawReport = report(raw);
    const identical = {
      compacted: rawReport === report(compacted),
      compactedRows: rawReport === report(compactedRows),
    };
    for (const ws of [raw, compacted, compactedRows]) await rm(ws, { recursive: true, force: true });

    const med = (k: string, f: keyof Measure = "ms") => median((runs[k] ?? []).map((m) => m[f]));
    const peak = (k: string) => Math.max(...(runs[k] ?? []).map((m) => m.maxRssMb));
    const ratio = (a: number, b: number) => Number((a / b).toFixed(2));
    let large: Record<string, unknown> | undefined;
    if (EVENTS_LARGE > 0) {
      const big = path.join(dir, "large");
      await workspace(big, tr);
      t = performance.now();
      await compactedMonth(big, EVENTS_LARGE, tr);
      const bytes = Number(
        spawnSync("du", ["-sb", path.join(big, "usage")], { encoding: "utf8" }).stdout.split("\t")[0],
      );
      console.error(
        `generated ${EVENTS_LARGE} events as Parquet (${bytes} bytes) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      );
      const m = measure("smcb 50M", smcbArm(path.join(big, "smcb.config.json")));
      console.error(`large month: ${m.ms} ms, peak ${m.maxRssMb} MB`);
      large = {
        events: EVENTS_LARGE,
        input: "compacted (Parquet)",
        parquetBytes: bytes,
        smcb: m,
        memoryLimit: "2GB (default)",
        goal: "peak RSS ≤ 4096 MB",
      };
      await rm(big, { recursive: true, force: true });
    }
    const result = {
      events: EVENTS,
      ledgerLines: lines,
      sharedEndpoints: ENDPOINTS,
      lobs: LOBS.length,
      runs: RUNS,
      medianMs: Object.fromEntries(Object.keys(arms).map((k) => [k, med(k)])),
      cpuMedianMs: Object.fromEntries(Object.keys(arms).map((k) => [k, med(k, "cpuMs")])),
      peakRssMb: Object.fromEntries(Object.keys(arms).map((k) => [k, peak(k)])),
      ratios: {
        smcbVsFloor: ratio(med("smcb"), med("floor")),
        smcbVsBare: ratio(med("smcb"), med("bare")),
        compactedVsBare: ratio(med("compacted"), med("bare")),
        compactedRowsVsBare: ratio(med("compacted-rows"), med("bare")),
        floorVsBare: ratio(med("floor"), med("bare")),
        smcbVsFloorCpu: ratio(med("smcb", "cpuMs"), med("floor", "cpuMs")),
      },
      goals: { smcbVsFloor: "≤ 1.25", compactedVsBare: "≤ 0.5", largePeakRssMb: "≤ 4096" },
      identicalFigures: identical,
      compaction: { ...compaction, jsonlBytes, parquetBytes },
      runsMs: Object.fromEntries(Object.entries(runs).map(([k, m]) => [k, m.map((x) => x.ms)])),
      large,
      machine: {
        cpus: cpus().length,
        memoryGb: Math.round(
          Number(spawnSync("free", ["-g"], { encoding: "utf8" }).stdout.split("\n")[1]?.split(/\s+/)[1]),
        ),
        loadAverage1mAtStart: startLoad,
        loadAverage1mAtEnd: Number(loadavg()[0]?.toFixed(2)),
      },
      date: started.toISOString(),
    };
    console.log(JSON.stringify(result, null, 2));
    if (EVENTS === 5_000_000) {
      await mkdir(path.join(HERE, "results"), { recursive: true });
      await writeFile(path.join(HERE, "results", "chargeback.json"), `${JSON.stringify(result, null, 2)}\n`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const startLoad = Number(loadavg()[0]?.toFixed(2));
await main();
