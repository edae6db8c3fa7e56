/**
 * A short-lived embedded DuckDB session for local sources (CUR files, the usage ledger).
 */
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { DataSourceError } from "../../core/index.js";

/** The memory DuckDB may use before it spills to disk, when none is configured. */
export const DEFAULT_MEMORY_LIMIT = "2GB";

/** How a DuckDB session may use memory and disk (`duckdb` in the configuration). */
export interface DuckDbSettings {
  /** DuckDB's `memory_limit` (e.g. `2GB`, `512MB`). @default {@link DEFAULT_MEMORY_LIMIT} */
  readonly memoryLimit?: string;
  /** Where DuckDB spills what does not fit (`temp_directory`). @default a folder of its own in the OS temp folder, made when DuckDB spills and removed afterwards */
  readonly tempDirectory?: string;
}

/** Quotes a string as an SQL literal (`'…'`, quotes doubled). Works in DuckDB and Athena. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Quotes an identifier (`"…"`). */
export function sqlIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The user-facing part of a DuckDB error: its first line (`Conversion Error: Could not convert string "abc" to
 * DECIMAL(38,18)`), without the excerpt of the generated SQL that DuckDB appends (`LINE 17: …` and a caret), which
 * names no file and only confuses. The full message stays in the error's `cause` (shown by `--debug`).
 */
export function duckDbProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split(/\n\s*\nLINE \d+:|\nLINE \d+:/)[0] ?? message).trim();
}

/**
 * Runs `fn` with a fresh in-memory DuckDB connection (time zone UTC; memory limit and spill folder from
 * `settings`) and closes it afterwards. DuckDB errors become a {@link core!DataSourceError | DataSourceError} (exit 3) prefixed with `what`.
 */
export async function withDuckDb<T>(
  what: string,
  fn: (c: DuckDBConnection) => Promise<T>,
  settings: DuckDbSettings = {},
): Promise<T> {
  // DuckDB creates the spill folder only when it spills
  const spill =
    settings.tempDirectory ??
    path.join(tmpdir(), `smcb-duckdb-${process.pid}-${randomBytes(6).toString("hex")}`);
  const instance = await DuckDBInstance.create(":memory:", {
    memory_limit: settings.memoryLimit ?? DEFAULT_MEMORY_LIMIT,
    temp_directory: spill,
  });
  const connection = await instance.connect();
  try {
    await connection.run("SET TimeZone = 'UTC'");
    return await fn(connection);
  } catch (cause) {
    if (cause instanceof DataSourceError) throw cause;
    throw new DataSourceError(`${what}: ${duckDbProblem(cause)}`, {
      cause,
      hint: "A value or a file does not have the shape the reader expects: check the named file (run again with --debug for DuckDB's full message).",
    });
  } finally {
    connection.closeSync();
    instance.closeSync();
    if (settings.tempDirectory === undefined) rmSync(spill, { recursive: true, force: true });
  }
}

/** Runs a query and returns its rows as plain JSON values (numbers of BIGINT columns become strings). */
export async function queryRows(c: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  const reader = await c.runAndReadAll(sql);
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}
