/**
 * One measured run for the chargeback benchmark, in its own process so that peak memory is its own:
 *   tsx chargeback-measure.ts cli <config> <month>     smcb chargeback --json end to end (in-process main())
 *   tsx chargeback-measure.ts baseline <ledger-dir>    one bare DuckDB aggregation of the same files
 * Prints one JSON line on stderr: { mode, ms, maxRssMb, rows }.
 */
import { DuckDBInstance } from "@duckdb/node-api";
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

async function baseline(dir: string): Promise<number> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  const r =
    await c.runAndReadAll(`SELECT endpoint, lob, count(*) AS n, sum(input_tokens) AS i, sum(output_tokens) AS o
    FROM read_json('${dir}/**/*.jsonl', format = 'newline_delimited', ignore_errors = true,
      columns = {id: 'VARCHAR', ts: 'VARCHAR', lob: 'VARCHAR', kind: 'VARCHAR', endpoint: 'VARCHAR',
                 input_tokens: 'BIGINT', output_tokens: 'BIGINT'})
    WHERE kind = 'sagemaker' GROUP BY ALL`);
  const rows = r.getRows().length;
  c.closeSync();
  db.closeSync();
  return rows;
}

const [mode, a, b] = process.argv.slice(2);
const started = performance.now();
const rows = mode === "cli" ? await cli(a as string, b as string) : await baseline(a as string);
const ms = performance.now() - started;
process.stderr.write(
  `${JSON.stringify({ mode, ms: Math.round(ms), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), rows })}\n`,
);
