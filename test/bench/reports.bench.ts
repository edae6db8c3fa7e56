/**
 * Benchmark (npm run bench:reports): how long each report format takes to render a month of 2,000 LOBs (issue 13:
 * the HTML page must render 2,000 LOBs — top LOBs in the charts with "others", every LOB in the tables — in a few
 * seconds; it used to overflow the stack at about 1,000). Baseline in the same run: the JSON report (one
 * `JSON.stringify` of the report). Each format is rendered in the same process, rounds interleaved, median of the
 * rounds (the first round, which loads vega, is a warm-up). Figures go to test/bench/results/reports.json.
 *
 *   LOBS=2000 ROUNDS=5 npm run bench:reports
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { REPORT_FORMATS } from "../../chargeback/reports/index.js";
import { manyLobsReport } from "../fixtures/chargeback-report.js";
import { median } from "./median.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const LOBS = Number(process.env.LOBS ?? 2000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const GOAL_MS = 5000;

const report = manyLobsReport(LOBS);
const formats = Object.entries(REPORT_FORMATS);
const ms = new Map<string, number[]>(formats.map(([name]) => [name, []]));
const bytes = new Map<string, number>();
for (let round = 0; round <= ROUNDS; round++)
  for (const [name, format] of formats) {
    const t = performance.now();
    const out = await format.render(report);
    const took = performance.now() - t;
    bytes.set(name, out.length);
    if (round > 0) ms.get(name)?.push(took);
  }
const base = median(ms.get("json") as number[]);
const result: Record<string, unknown> = {
  lobs: LOBS,
  rounds: ROUNDS,
  baseline: "json",
  goal: `html ≤ ${GOAL_MS} ms`,
};
for (const [name] of formats) {
  const m = median(ms.get(name) as number[]);
  result[name] = { medianMs: Math.round(m), ratio: Number((m / base).toFixed(1)), chars: bytes.get(name) };
  console.log(
    `${name.padEnd(6)} ${m.toFixed(0).padStart(6)} ms  ${(m / base).toFixed(1)}× json  (${bytes.get(name)} chars)`,
  );
}
const html = median(ms.get("html") as number[]);
console.log(`goal: html for ${LOBS} LOBs ≤ ${GOAL_MS} ms: ${html <= GOAL_MS ? "met" : "NOT met"}`);
if (LOBS === 2000) {
  await mkdir(path.join(HERE, "results"), { recursive: true });
  await writeFile(path.join(HERE, "results", "reports.json"), `${JSON.stringify(result, null, 2)}\n`);
}
