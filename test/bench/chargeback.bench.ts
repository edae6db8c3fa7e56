/**
 * Benchmark (npm run bench:chargeback): a generated 5M-event month (20 shared endpoints, 200 LOBs).
 * `smcb chargeback --json` end to end against one bare DuckDB aggregation of the same ledger files (the floor),
 * each in its own process, median of 3, peak memory (max RSS), CPU time; and, in the same runs, the phases in
 * between (checked read, per-id count, the usage query alone) to show where the time goes. Data goes to a temp
 * dir, removed afterwards.
 * A full-size run records its figures in test/bench/results/chargeback.json.
 *
 *   EVENTS=1000000 npm run bench:chargeback    # a smaller run
 */
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "csv-stringify/sync";
import { generateLedger, prng, type TrafficSpec } from "../../examples/generate.js";
import { median } from "./median.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const EVENTS = Number(process.env.EVENTS ?? 5_000_000);
const RUNS = Number(process.env.RUNS ?? 3);
const ENDPOINTS = 20;
const LOBS = Array.from({ length: 200 }, (_, i) => `lob-${String(i + 1).padStart(3, "0")}`);

interface Measure {
  mode: string;
  ms: number;
  cpuMs: number;
  maxRssMb: number;
  rows: number;
}

/** The phases between the floor and the end-to-end run (see chargeback-measure.ts), measured in every run. */
const PHASES = {
  validate: "read and check every line, month filter, sum per (endpoint, lob): no de-duplication",
  idcount: "the same grouped by id with only a count per id: the least an exact de-duplication must do",
  ledger: "readFileLedger: the usage query alone, exact de-duplication by id",
} as const;

function measure(args: string[]): Measure {
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", path.join(HERE, "chargeback-measure.ts"), ...args],
    {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 300_000,
    },
  );
  if (r.status !== 0) throw new Error(`measure ${args[0]} failed: ${r.stderr}`);
  const last = r.stderr.trim().split("\n").at(-1) ?? "";
  return JSON.parse(last) as Measure;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), "smcb-bench-chargeback-"));
  try {
    const rand = prng(7);
    const traffic: TrafficSpec[] = Array.from({ length: ENDPOINTS }, (_, e) => ({
      endpoint: `shared-${e + 1}`,
      share: 1 + rand() * 4,
      lobs: Object.fromEntries(LOBS.map((l) => [l, rand() < 0.5 ? rand() * 10 : 0.01])),
      meanInput: 200 + Math.round(rand() * 1500),
      meanOutput: Math.round(rand() * 400),
    }));
    let t = performance.now();
    const lines = await generateLedger({
      dir: path.join(dir, "usage"),
      month: "2026-10",
      events: EVENTS,
      traffic,
      duplicateShare: 0.001,
      malformed: 2,
      writersPerDay: 4,
      seed: 5,
    });
    console.error(`generated ${lines} ledger lines in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    t = performance.now();
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
      const ts = `2026-10-${String(d).padStart(2, "0")}T00:00:00Z`;
      for (const e of traffic)
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
    await writeFile(path.join(dir, "cur.csv"), stringify(rows));
    const config = {
      lobs: LOBS,
      usage: { type: "file", path: "usage" },
      costs: { type: "cur", path: "cur.csv" },
      sharedEndpoints: traffic.map((e, i) => ({
        name: e.endpoint,
        owner: LOBS[i] as string,
        tokenWeights: { input: 1, output: 3 },
        capacityTokensPerInstanceHour: 2_000_000,
        idle: (["proportional", "even", "owner", "separate"] as const)[i % 4],
        ...(i % 5 === 0 ? { reservations: { [LOBS[i + 1] as string]: 0.1 } } : {}),
      })),
    };
    const configFile = path.join(dir, "smcb.config.json");
    await writeFile(configFile, JSON.stringify(config));
    console.error(
      `wrote CUR (${rows.length - 1} lines) and config in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

    const cli: Measure[] = [];
    const base: Measure[] = [];
    const phases = Object.fromEntries(Object.keys(PHASES).map((k) => [k, [] as Measure[]]));
    for (let i = 0; i < RUNS; i++) {
      // alternate so that all see the same page-cache state
      base.push(measure(["baseline", path.join(dir, "usage")]));
      for (const [k, ms] of Object.entries(phases)) ms.push(measure([k, path.join(dir, "usage"), "2026-10"]));
      cli.push(measure(["cli", configFile, "2026-10"]));
      console.error(
        `run ${i + 1}: baseline ${base.at(-1)?.ms} ms, ${Object.entries(phases)
          .map(([k, ms]) => `${k} ${ms.at(-1)?.ms} ms`)
          .join(", ")}, smcb chargeback ${cli.at(-1)?.ms} ms`,
      );
    }
    const baseMs = median(base.map((m) => m.ms));
    const baseCpu = median(base.map((m) => m.cpuMs));
    const result = {
      events: EVENTS,
      ledgerLines: lines,
      sharedEndpoints: ENDPOINTS,
      lobs: LOBS.length,
      runs: RUNS,
      baselineMedianMs: median(base.map((m) => m.ms)),
      chargebackMedianMs: median(cli.map((m) => m.ms)),
      ratio: Number((median(cli.map((m) => m.ms)) / median(base.map((m) => m.ms))).toFixed(2)),
      baselinePeakRssMb: Math.max(...base.map((m) => m.maxRssMb)),
      chargebackPeakRssMb: Math.max(...cli.map((m) => m.maxRssMb)),
      memoryRatio: Number(
        (Math.max(...cli.map((m) => m.maxRssMb)) / Math.max(...base.map((m) => m.maxRssMb))).toFixed(2),
      ),
      goal: "ratio ≤ 1.5",
      baselineRunsMs: base.map((m) => m.ms),
      chargebackRunsMs: cli.map((m) => m.ms),
      baselineCpuMedianMs: baseCpu,
      chargebackCpuMedianMs: median(cli.map((m) => m.cpuMs)),
      cpuRatio: Number((median(cli.map((m) => m.cpuMs)) / baseCpu).toFixed(2)),
      phases: Object.fromEntries(
        Object.entries(phases).map(([k, ms]) => [
          k,
          {
            what: PHASES[k as keyof typeof PHASES],
            medianMs: median(ms.map((m) => m.ms)),
            ratio: Number((median(ms.map((m) => m.ms)) / baseMs).toFixed(2)),
            cpuMedianMs: median(ms.map((m) => m.cpuMs)),
            cpuRatio: Number((median(ms.map((m) => m.cpuMs)) / baseCpu).toFixed(2)),
            peakRssMb: Math.max(...ms.map((m) => m.maxRssMb)),
            runsMs: ms.map((m) => m.ms),
          },
        ]),
      ),
      machine: { cpus: cpus().length, loadAverage1mAtEnd: Number(loadavg()[0]?.toFixed(2)) },
      date: new Date().toISOString(),
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

await main();
