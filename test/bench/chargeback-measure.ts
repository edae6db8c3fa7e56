/**
 * One measured run for the chargeback benchmark, in its own process so that peak memory is its own:
 *   tsx chargeback-measure.ts cli <config> <month>        smcb chargeback --json end to end (in-process main())
 *   tsx chargeback-measure.ts baseline <ledger-dir>       one bare DuckDB aggregation of the same files (the floor)
 * and the phases in between, each one DuckDB query over the ledger (to show where the time goes):
 *   tsx chargeback-measure.ts validate <ledger-dir> <month>  the ledger relation (every line read and checked) and the
 *                                                           month filter, summed per (endpoint, lob): no de-duplication
 *   tsx chargeback-measure.ts idcount <ledger-dir> <month>   the same, grouped by `id` with only a count per id: the
 *                                                           least any exact de-duplication by id has to do
 *   tsx chargeback-measure.ts ledger <ledger-dir> <month>    readFileLedger: the real usage query (exact de-duplication)
 * Prints one JSON line on stderr: { mode, ms, cpuMs (CPU time of the measured part), maxRssMb, rows }.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { monthWindow } from "../../chargeback/engine/month.js";
import { ledgerEventsSql, readFileLedger } from "../../chargeback/sources/file-ledger.js";
import { main } from "../../scripts/cli.js";

async function cli(config: string, month: string): Promise<number> {
  let out = "";
  const code = await main(["chargeback", "--month", month, "--config", config, "--json"], {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: () => true },
    env: process.env,
    cwd: process.cwd(),
  });
  if (code !== 0) throw new Error(`smcb exited ${code}: ${out.slice(0, 500)}`);
  return (JSON.parse(out) as { lines: unknown[] }).lines.length;
}

async function duck(sql: string): Promise<number> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  const r = await c.runAndReadAll(sql);
  const rows = r.getRows().length;
  c.closeSync();
  db.closeSync();
  return rows;
}

function baseline(dir: string): Promise<number> {
  return duck(`SELECT endpoint, lob, count(*) AS n, sum(input_tokens) AS i, sum(output_tokens) AS o
    FROM read_json('${dir}/**/*.jsonl', format = 'newline_delimited', ignore_errors = true,
      columns = {id: 'VARCHAR', ts: 'VARCHAR', lob: 'VARCHAR', kind: 'VARCHAR', endpoint: 'VARCHAR',
                 input_tokens: 'BIGINT', output_tokens: 'BIGINT'})
    WHERE kind = 'sagemaker' GROUP BY ALL`);
}

/** The checked ledger relation of the month (as the usage query filters it), without de-duplication. */
function monthEvents(dir: string, month: string): string {
  const w = monthWindow(month);
  const bound = (d: Date) => `'${d.toISOString().slice(0, 19)}'`;
  return `(SELECT * FROM (${ledgerEventsSql(`${dir}/**/*.jsonl`)}) e
    WHERE (kind = 'sagemaker' AND endpoint IS NOT NULL AND ts >= ${bound(w.start)} AND ts < ${bound(w.end)})
       OR malformed)`;
}

function validate(dir: string, month: string): Promise<number> {
  return duck(`SELECT malformed, endpoint, lob, count(*), sum(input_tokens), sum(output_tokens)
    FROM ${monthEvents(dir, month)} m GROUP BY ALL`);
}

function idcount(dir: string, month: string): Promise<number> {
  return duck(`SELECT malformed, count(*) AS ids, sum(copies) AS events
    FROM (SELECT malformed, count(*) AS copies FROM ${monthEvents(dir, month)} m
          GROUP BY malformed, CASE WHEN malformed THEN NULL ELSE id END) d GROUP BY ALL`);
}

async function ledger(dir: string, month: string): Promise<number> {
  return (await readFileLedger({ path: dir, window: monthWindow(month) })).usage.length;
}

const modes: Record<string, (a: string, b: string) => Promise<number>> = {
  cli,
  baseline,
  validate,
  idcount,
  ledger,
};
const [mode, a, b] = process.argv.slice(2);
const run = modes[mode ?? ""];
if (!run) throw new Error(`unknown mode ${mode}; one of ${Object.keys(modes).join(", ")}`);
const before = process.resourceUsage();
const started = performance.now();
const rows = await run(a as string, b as string);
const ms = performance.now() - started;
const usage = process.resourceUsage();
process.stderr.write(
  `${JSON.stringify({
    mode,
    ms: Math.round(ms),
    cpuMs: Math.round(
      (usage.userCPUTime + usage.systemCPUTime - before.userCPUTime - before.systemCPUTime) / 1000,
    ),
    maxRssMb: Math.round(usage.maxRSS / 1024),
    rows,
  })}\n`,
);
