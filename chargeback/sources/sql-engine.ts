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
    async query(sql) {
      const reader = await connection.runAndReadAll(sql);
      return (reader.getRowObjectsJson() as Record<string, unknown>[]).map((r) => {
        const out: Record<string, string | null> = {};
        for (const [k, v] of Object.entries(r)) out[k] = asText(v);
        return out;
      });
    },
  };
}
