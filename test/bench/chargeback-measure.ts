/**
 * The bare DuckDB arms of the chargeback benchmark: SQL that a person would write by hand, run by {@link DUCK_SCRIPT}
 * in a plain `node` process (no TypeScript loader, nothing of the toolkit) so that its time, process start included,
 * and its peak memory are measured as the CLI's are:
 * - {@link bareSql}: one bare aggregation of the JSONL files: no checks, no de-duplication, no month window (the bare
 *   scan);
 * - {@link floorSql}: one query with the chargeback's semantics (the same-semantics floor): every line checked
 *   (DESIGN §3.3, strict JSON types), the month window, the malformed lines of the month counted per file (by `ts`,
 *   else by the file's day folder), exact de-duplication by id.
 */

/** Runs the SQL in `$SQL` with DuckDB as `smcb` does (UTC, the same memory limit) and prints the row count. */
export const DUCK_SCRIPT = `import { DuckDBInstance } from "@duckdb/node-api";
const db = await DuckDBInstance.create(":memory:", { memory_limit: "2GB" });
const c = await db.connect();
await c.run("SET TimeZone = 'UTC'");
const r = await c.runAndReadAll(process.env.SQL);
process.stdout.write(r.getRows().length + "\\n");
c.closeSync();
db.closeSync();`;

/** The bare scan. */
export function bareSql(dir: string): string {
  return `SELECT endpoint, lob, count(*) AS n, sum(input_tokens) AS i, sum(output_tokens) AS o
    FROM read_json('${dir}/**/*.jsonl', format = 'newline_delimited', ignore_errors = true,
      columns = {id: 'VARCHAR', ts: 'VARCHAR', lob: 'VARCHAR', kind: 'VARCHAR', endpoint: 'VARCHAR',
                 input_tokens: 'BIGINT', output_tokens: 'BIGINT'})
    WHERE kind = 'sagemaker' GROUP BY ALL`;
}

/** The same-semantics floor. */
export function floorSql(dir: string, month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const start = `TIMESTAMPTZ '${month}-01 00:00:00+00'`;
  const end = `TIMESTAMPTZ '${new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10)} 00:00:00+00'`;
  const num = (c: string) => `TRY_CAST(CAST(${c} AS VARCHAR) AS DOUBLE)`;
  const whole = (c: string) => `${c} >= 0 AND ${c} = floor(${c}) AND ${c} < 1e15`;
  return `WITH lines AS (
    SELECT id, ts, lob, kind, endpoint, filename, ${num("v")} AS v, ${num("input_tokens")} AS i, ${num("output_tokens")} AS o
    FROM read_json('${dir}/**/*.jsonl', format = 'newline_delimited', ignore_errors = true, filename = true,
      columns = {v: 'JSON', id: 'VARCHAR', ts: 'TIMESTAMPTZ', lob: 'VARCHAR', kind: 'VARCHAR', endpoint: 'VARCHAR',
                 input_tokens: 'JSON', output_tokens: 'JSON'})
  ), checked AS (
    SELECT *, coalesce(v = 1 AND id <> '' AND lob <> '' AND kind IN ('sagemaker', 'bedrock') AND ts IS NOT NULL
      AND (kind <> 'sagemaker' OR endpoint <> '') AND ${whole("i")} AND ${whole("o")}, false) AS ok FROM lines
  ), month AS (
    SELECT ok, CASE WHEN ok THEN id ELSE filename END AS id, endpoint, lob,
      CAST(i AS BIGINT) AS i, CAST(o AS BIGINT) AS o FROM checked
    WHERE (ok AND kind = 'sagemaker' AND ts >= ${start} AND ts < ${end})
       OR (NOT ok AND CASE WHEN ts IS NOT NULL THEN ts >= ${start} AND ts < ${end}
                      ELSE regexp_extract(filename, '(\\d{4})/(\\d{2})/\\d{2}/[^/]*$', ['y', 'm']) = {'y': '${month.slice(0, 4)}', 'm': '${month.slice(5)}'} END)
  ), per_id AS (
    SELECT grouping(endpoint, lob, i, o) <> 0 AS by_id, ok, id, endpoint, lob, i, o, count(*) AS copies FROM month
    GROUP BY GROUPING SETS ((ok, id, endpoint, lob, i, o), (ok, id))
  )
  SELECT by_id, ok, CASE WHEN NOT ok THEN id END AS file, endpoint, lob, count(*) AS invocations, sum(i), sum(o),
    sum(copies) - count(*) AS duplicates
  FROM per_id GROUP BY ALL`;
}
