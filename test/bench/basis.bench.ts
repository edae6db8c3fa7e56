/**
 * Benchmark (npm run bench:basis): the realistic example month (examples/, the CUR 2.0 export `npm start` reads) at
 * each cost basis against the `unblended` run, in one process, rounds interleaved (every basis once per round),
 * median of the rounds. Two arms per basis: the whole chargeback (costs + the example's usage ledger + engine) and
 * the cost side alone (the same run with an empty usage source), where the basis's SQL is the larger part.
 * Issue 10's goal: every basis within 1.2× the unblended run. Figures go to test/bench/results/basis.json.
 *
 *   ROUNDS=9 npm run bench:basis
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { COST_BASES, type CostBasis } from "../../chargeback/model.js";
import { runChargeback, type UsageSource } from "../../chargeback/run.js";
import { type LoadedConfig, loadConfig } from "../../core/config.js";
import { median } from "./median.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const GOAL = 1.2;

const noUsage: UsageSource = async () => ({ usage: [], malformed: 0, duplicates: 0 });

function withBasis(config: LoadedConfig, basis: CostBasis): LoadedConfig {
  if (config.costs === undefined) throw new Error("the example config has no costs source");
  return { ...config, costs: { ...config.costs, basis } } as LoadedConfig;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function main(): Promise<void> {
  if (!existsSync(path.join(ROOT, "examples/usage")))
    throw new Error("examples/usage is missing: run `npm start` (or `tsx examples/generate.ts`) first");
  const config = await loadConfig(path.join(ROOT, "examples/smcb.config.json"));
  const now = new Date("2026-12-01T00:00:00Z");
  const arms = {
    full: (basis: CostBasis) => runChargeback({ config: withBasis(config, basis), month: "2026-10", now }),
    costs: (basis: CostBasis) =>
      runChargeback({ config: withBasis(config, basis), month: "2026-10", now, usageSource: noUsage }),
  };
  const totals = new Map<CostBasis, string>();
  for (const basis of COST_BASES) {
    const r = await arms.full(basis); // warm-up, and the totals each basis gives
    totals.set(basis, r.reconciliation.sourceTotal);
  }
  const ms = new Map<string, number[]>();
  for (let round = 0; round < ROUNDS; round++)
    for (const [arm, run] of Object.entries(arms))
      for (const basis of COST_BASES) {
        const key = `${arm}:${basis}`;
        ms.set(key, [...(ms.get(key) ?? []), await timed(() => run(basis))]);
      }
  const result: Record<string, unknown> = {
    rounds: ROUNDS,
    goal: `ratio ≤ ${GOAL}`,
    totals: Object.fromEntries(totals),
  };
  let worst = 0;
  for (const arm of Object.keys(arms)) {
    const base = median(ms.get(`${arm}:unblended`) as number[]);
    const rows: Record<string, unknown> = {};
    for (const basis of COST_BASES) {
      const m = median(ms.get(`${arm}:${basis}`) as number[]);
      const ratio = Math.round((m / base) * 1000) / 1000;
      worst = Math.max(worst, ratio);
      rows[basis] = {
        medianMs: Math.round(m),
        ratio,
        runsMs: (ms.get(`${arm}:${basis}`) as number[]).map(Math.round),
      };
      console.log(
        `${arm.padEnd(5)} ${basis.padEnd(13)} ${Math.round(m).toString().padStart(6)} ms  ${ratio.toFixed(3)}× unblended`,
      );
    }
    result[arm] = rows;
  }
  result.worstRatio = worst;
  console.log(`worst ratio ${worst.toFixed(3)} (goal ≤ ${GOAL}): ${worst <= GOAL ? "met" : "NOT met"}`);
  await mkdir(path.join(HERE, "results"), { recursive: true });
  await writeFile(path.join(HERE, "results", "basis.json"), `${JSON.stringify(result, null, 2)}\n`);
}

await main();
