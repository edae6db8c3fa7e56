/**
 * The SQL-engine port: the CUR, FOCUS and usage readers build their SQL once and run it through this small
 * interface, on DuckDB (embedded, local files) or on Athena (a table at scale). Rows come back as text, so that the
 * row mappers are the same for both engines and amounts stay exact (decimal text, never a float).
 */
import type { DuckDBConnection } from "@duckdb/node-api";

/** One result row: column name → its value as text, or `null`. */
export type SqlRow = Readonly<Record<string, string | null>>;

/** Where a query runs. */
export interface SqlEngine {
  /** `duckdb` or `athena` (Trino): the few expressions that differ are spelled for it. */
  readonly dialect: "duckdb" | "athena";
  /** Runs one query and returns every row, values as text. */
  query(sql: string): Promise<SqlRow[]>;
}

/** Turns a value of a DuckDB JSON row into text (`null` stays `null`; objects become JSON). */
function asText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v;
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** Types whose JSON (`to_json`) is a number that reads back with `JSON.parse` as node-api's JSON conversion gives it. */
const JSON_NUMBER = /^(?:FLOAT|DOUBLE)$/;
/**
 * Types that DuckDB casts to the text `asText` makes of node-api's JSON conversion (node-api gives the wide ones as
 * text; test/unit/chargeback/sources/sql-engine.test.ts): they come back as text already.
 */
const AS_TEXT =
  /^(?:VARCHAR|BOOLEAN|U?TINYINT|U?SMALLINT|U?INTEGER|U?BIGINT|U?HUGEINT|DECIMAL\(\d+,\d+\)|DATE|TIME|TIMESTAMP|TIMESTAMP WITH TIME ZONE)$/;

let resultTables = 0;

/**
 * A query's rows as text, fetched as one JSON text (`string_agg` of each row's JSON, in row order): node-api converts
 * value by value in JavaScript (about 2 µs a cell, 0.2 s for a month's CUR), DuckDB writes the JSON in native code. The result is kept in a temporary
 * table so that its column types are known without binding the query twice; a result with a type outside the two
 * lists above (nested, intervals…) is converted by node-api as before.
 */
async function textRows(connection: DuckDBConnection, sql: string): Promise<SqlRow[]> {
  if (!/^\s*(?:WITH|SELECT|FROM)\b/i.test(sql))
    return asTextRows((await connection.runAndReadAll(sql)).getRowObjectsJson());
  const table = `smcb_result_${++resultTables}`;
  await connection.run(`CREATE TEMP TABLE ${table} AS ${sql}`);
  try {
    const columns = (await connection.runAndReadAll(`DESCRIBE ${table}`)).getRowObjectsJson() as {
      column_name: string;
      column_type: string;
    }[];
    if (!columns.every((c) => JSON_NUMBER.test(c.column_type) || AS_TEXT.test(c.column_type)))
      return asTextRows((await connection.runAndReadAll(`SELECT * FROM ${table}`)).getRowObjectsJson());
    const fields = columns.map(({ column_name: name, column_type: type }) => {
      const ref = `"${name.replaceAll('"', '""')}"`;
      return `'${name.replaceAll("'", "''")}': ${AS_TEXT.test(type) ? `CAST(${ref} AS VARCHAR)` : ref}`;
    });
    // one text for the whole result (a text per row would be decoded row by row), rows in the table's order
    const json = await connection.runAndReadAll(
      `SELECT string_agg(CAST(to_json({${fields.join(", ")}}) AS VARCHAR), ',' ORDER BY rowid) FROM ${table}`,
    );
    const rows = JSON.parse(`[${json.getRows()[0]?.[0] ?? ""}]`) as Record<string, unknown>[];
    return columns.some((c) => JSON_NUMBER.test(c.column_type)) ? asTextRows(rows) : (rows as SqlRow[]);
  } finally {
    await connection.run(`DROP TABLE ${table}`);
  }
}

/** Rows of JSON values as rows of text. */
function asTextRows(rows: readonly Record<string, unknown>[]): SqlRow[] {
  return rows.map((r) => {
    const out: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(r)) out[k] = asText(v);
    return out;
  });
}

/**
 * The DuckDB adapter of the port, over an open connection (see `withDuckDb`).
 *
 * @example
 * ```ts
 * await withDuckDb("Reading CUR", async (c) => readCurLines(duckDbEngine(c), options));
 * ```
 */
export function duckDbEngine(connection: DuckDBConnection): SqlEngine {
  return {
    dialect: "duckdb",
    query: (sql) => textRows(connection, sql),
  };
}
