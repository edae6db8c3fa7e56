/**
 * A short-lived embedded DuckDB session for local sources (CUR files, the usage ledger).
 */
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { DataSourceError } from "../../core/index.js";

/** Quotes a string as an SQL literal (`'…'`, quotes doubled). Works in DuckDB and Athena. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Quotes an identifier (`"…"`). */
export function sqlIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Runs `fn` with a fresh in-memory DuckDB connection (time zone UTC) and closes it afterwards.
 * DuckDB errors become a {@link DataSourceError} (exit 3) prefixed with `what`.
 */
export async function withDuckDb<T>(what: string, fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run("SET TimeZone = 'UTC'");
    return await fn(connection);
  } catch (cause) {
    if (cause instanceof DataSourceError) throw cause;
    throw new DataSourceError(`${what}: ${(cause as Error).message}`, { cause });
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Runs a query and returns its rows as plain JSON values (numbers of BIGINT columns become strings). */
export async function queryRows(c: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  const reader = await c.runAndReadAll(sql);
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}
