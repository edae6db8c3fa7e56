/**
 * Benchmark (npm run bench:usage-hours): what reading the file ledger per hour costs against the month's read, and
 * what the gateway-estimate pass adds. A generated month (EVENTS events, 20 shared endpoints, 20 LOBs, 0.1 %
 * duplicates) is read in-process with `readFileLedger`, the arms alternating in each run, median of RUNS runs:
 * - `monthly`: no hourly endpoint (the baseline: the month's query, unchanged);
 * - `hourly-1`: one endpoint per hour;
 * - `hourly-all`: all 20 endpoints per hour;
 * - `estimates`: the month's read plus the gateway-estimate pass (`gatewayEstimates: true`).
 * Ratios are against `monthly` of the same runs. Data goes to a temp dir, removed afterwards.
 *
 *   EVENTS=200000 RUNS=3 npm run bench:usage-hours
 */
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { monthWindow } from "../../chargeback/engine/month.js";
import { readFileLedger } from "../../chargeback/sources/file-ledger.js";
import { generateLedger, type TrafficSpec } from "../../examples/generate.js";
import { median } from "./median.js";

const EVENTS = Number(process.env.EVENTS ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 3);
const MONTH = "2026-10";
const ENDPOINTS = Array.from({ length: 20 }, (_, i) => `shared-${String(i + 1).padStart(2, "0")}`);
const LOBS = Array.from({ length: 20 }, (_, i) => `lob-${String(i + 1).padStart(2, "0")}`);

const traffic: TrafficSpec[] = ENDPOINTS.map((endpoint, i) => ({
  endpoint,
  share: 1 / ENDPOINTS.length,
  lobs: Object.fromEntries(LOBS.map((lob, j) => [lob, 1 + ((i + j) % 5)])),
  meanInput: 800,
  meanOutput: 200,
}));

const ARMS = {
  monthly: {},
  "hourly-1": { hourlyEndpoints: ENDPOINTS.slice(0, 1) },
  "hourly-all": { hourlyEndpoints: ENDPOINTS },
  estimates: { gatewayEstimates: true },
} as const;
type Arm = keyof typeof ARMS;

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), "smcb-bench-usage-hours-"));
  try {
    const lines = await generateLedger({
      dir,
      month: MONTH,
      events: EVENTS,
      traffic,
      duplicateShare: 0.001,
      writersPerDay: 2,
      seed: 12,
    });
    const window = monthWindow(MONTH);
    const times: Record<Arm, number[]> = { monthly: [], "hourly-1": [], "hourly-all": [], estimates: [] };
    const rows: Record<Arm, number> = { monthly: 0, "hourly-1": 0, "hourly-all": 0, estimates: 0 };
    for (let run = 0; run < RUNS; run++)
      for (const arm of Object.keys(ARMS) as Arm[]) {
        const t = performance.now();
        const r = await readFileLedger({ path: dir, window, ...ARMS[arm] });
        times[arm].push(performance.now() - t);
        rows[arm] = r.usage.length;
      }
    const base = median(times.monthly);
    const result = Object.fromEntries(
      (Object.keys(ARMS) as Arm[]).map((arm) => [
        arm,
        {
          medianMs: Math.round(median(times[arm])),
          ratio: Number((median(times[arm]) / base).toFixed(2)),
          rows: rows[arm],
        },
      ]),
    );
    console.log(
      JSON.stringify(
        {
          events: EVENTS,
          lines,
          runs: RUNS,
          cpus: cpus().length,
          load: loadavg().map((l) => l.toFixed(1)),
          result,
        },
        null,
        2,
      ),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
