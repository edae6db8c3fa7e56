/**
 * Benchmark (npm run bench:startup): how long the built `smcb` takes to start, as separate processes, against
 * `node -e 0` (the floor: Node's own start-up) in the same run. Rounds are interleaved (every arm once per round);
 * the figure is the median of the rounds. Issue 13's goal: `smcb --help` and `smcb tags check x` ≤ 300 ms each.
 * The excess over `node -e 0` is the part the command line controls (see the start-up pattern in
 * scripts/commands/index.ts). Figures go to test/bench/results/startup.json. Needs `npm run build` first.
 *
 *   ROUNDS=10 npm run bench:startup
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "./median.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const SMCB = path.join(ROOT, "dist/scripts/smcb.js");
const ROUNDS = Number(process.env.ROUNDS ?? 10);
const GOAL_MS = 300;

/** Each arm: the arguments after `node`, and the exit code it must end with. */
const ARMS: Record<string, { args: string[]; code: number }> = {
  "node -e 0": { args: ["-e", "0"], code: 0 },
  "smcb --help": { args: [SMCB, "--help"], code: 0 },
  "smcb tags check x": {
    args: [SMCB, "tags", "check", "x", "--config", path.join(ROOT, "examples/smcb.config.json")],
    code: 1, // x is not one of the example's LOBs: the check runs to its end and finds it
  },
};

function timed(name: string): number {
  const arm = ARMS[name] as { args: string[]; code: number };
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, arm.args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== arm.code)
    throw new Error(`${name} exited ${r.status}, expected ${arm.code}: ${r.stderr.toString().slice(0, 500)}`);
  return ms;
}

async function main(): Promise<void> {
  if (!existsSync(SMCB)) throw new Error(`${SMCB} is missing: run \`npm run build\` first`);
  const names = Object.keys(ARMS);
  for (const name of names) timed(name); // warm-up: the file system cache
  const ms = new Map<string, number[]>(names.map((n) => [n, []]));
  for (let round = 0; round < ROUNDS; round++) for (const name of names) ms.get(name)?.push(timed(name));
  const base = median(ms.get("node -e 0") as number[]);
  const result: Record<string, unknown> = {
    rounds: ROUNDS,
    goal: `median ≤ ${GOAL_MS} ms`,
    node: process.version,
  };
  let met = true;
  for (const name of names) {
    const runs = ms.get(name) as number[];
    const m = median(runs);
    const ratio = Math.round((m / base) * 100) / 100;
    if (name !== "node -e 0") met &&= m <= GOAL_MS;
    result[name] = {
      medianMs: Math.round(m),
      overNodeMs: Math.round(m - base),
      ratio,
      runsMs: runs.map(Math.round),
    };
    console.log(
      `${name.padEnd(18)} ${Math.round(m).toString().padStart(5)} ms  ${ratio.toFixed(2)}× node -e 0  (+${Math.round(m - base)} ms)`,
    );
  }
  result.met = met;
  console.log(`goal ≤ ${GOAL_MS} ms: ${met ? "met" : "NOT met"}`);
  await mkdir(path.join(HERE, "results"), { recursive: true });
  await writeFile(path.join(HERE, "results", "startup.json"), `${JSON.stringify(result, null, 2)}\n`);
}

await main();
