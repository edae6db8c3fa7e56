/**
 * Runs one SQL query on Athena and returns its rows: `StartQueryExecution`, then polling
 * `GetQueryExecution` with exponential backoff until the query ends (like the SDK's waiters), then every page of
 * `GetQueryResults`. Used by the Athena CUR cost source and the Athena usage-lake source.
 */
import {
  type AthenaClient,
  GetQueryExecutionCommand,
  type GetQueryExecutionCommandOutput,
  paginateGetQueryResults,
  StartQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import { DataSourceError, toAwsError } from "../../core/index.js";
import type { SqlEngine, SqlRow } from "./sql-engine.js";

/** Where and how an Athena query runs (the `athena` block of the configuration). */
export interface AthenaQueryOptions {
  /** The Glue database. */
  readonly database: string;
  /** The workgroup. @default "primary" */
  readonly workgroup?: string;
  /** `s3://…` for results, when the workgroup does not set one. */
  readonly outputLocation?: string;
  /** Values for the query's `?` placeholders, as Athena SQL literals (`"'2026-10-01'"`). */
  readonly parameters?: readonly string[];
  /** First delay between status checks, in ms; doubles up to 5 s. @default 250 */
  readonly pollMs?: number;
  /** Longest wait for the query to finish, in ms. @default 900000 (15 minutes) */
  readonly timeoutMs?: number;
  /** Called with a progress message on each status check (for the CLI's stderr). */
  readonly onProgress?: (message: string) => void;
}

/** A query's result: column names and rows of text cells (`null` for SQL NULL). */
export interface AthenaRows {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | null)[])[];
}

type QueryState = NonNullable<NonNullable<GetQueryExecutionCommandOutput["QueryExecution"]>["Status"]>;

async function waitUntilQueryDone(client: AthenaClient, id: string, opts: AthenaQueryOptions): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 900_000);
  let delay = opts.pollMs ?? 250;
  for (;;) {
    let status: QueryState | undefined;
    try {
      status = (await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution
        ?.Status;
    } catch (e) {
      throw toAwsError("GetQueryExecution", e);
    }
    switch (status?.State) {
      case "SUCCEEDED":
        return;
      case "FAILED":
      case "CANCELLED":
        throw new DataSourceError(
          `Athena query ${id} ${status.State.toLowerCase()}: ${status.StateChangeReason ?? status.AthenaError?.ErrorMessage ?? "no reason given"}`,
          { hint: "Check the table, the database and the workgroup in the configuration's athena block." },
        );
    }
    opts.onProgress?.(`Athena query ${id}: ${status?.State ?? "unknown"}`);
    if (Date.now() + delay > deadline)
      throw new DataSourceError(
        `Athena query ${id} did not finish within ${(opts.timeoutMs ?? 900_000) / 1000} s.`,
      );
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 5_000);
  }
}

/**
 * Runs `sql` and returns every row.
 *
 * @example
 * ```ts
 * const { columns, rows } = await runAthenaQuery(athena, "SELECT 1 AS one", { database: "cur" });
 * ```
 * @throws {@link core!AwsError | AwsError} when a call fails; {@link core!DataSourceError | DataSourceError} when the query fails or times out
 */
export async function runAthenaQuery(
  client: AthenaClient,
  sql: string,
  opts: AthenaQueryOptions,
): Promise<AthenaRows> {
  let id: string | undefined;
  try {
    id = (
      await client.send(
        new StartQueryExecutionCommand({
          QueryString: sql,
          QueryExecutionContext: { Database: opts.database },
          WorkGroup: opts.workgroup ?? "primary",
          ...(opts.outputLocation ? { ResultConfiguration: { OutputLocation: opts.outputLocation } } : {}),
          ...(opts.parameters?.length ? { ExecutionParameters: [...opts.parameters] } : {}),
        }),
      )
    ).QueryExecutionId;
  } catch (e) {
    throw toAwsError("StartQueryExecution", e);
  }
  if (!id) throw new DataSourceError("Athena StartQueryExecution returned no query id.");
  await waitUntilQueryDone(client, id, opts);

  let columns: string[] | undefined;
  const rows: (string | null)[][] = [];
  try {
    for await (const page of paginateGetQueryResults({ client }, { QueryExecutionId: id })) {
      const pageRows = page.ResultSet?.Rows ?? [];
      let first = 0;
      if (columns === undefined) {
        columns = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Name ?? "");
        // A SELECT's first row repeats the column names.
        const head = pageRows[0]?.Data?.map((d) => d.VarCharValue ?? "");
        if (head && head.length === columns.length && head.every((h, i) => h === columns?.[i])) first = 1;
      }
      for (const r of pageRows.slice(first)) rows.push((r.Data ?? []).map((d) => d.VarCharValue ?? null));
    }
  } catch (e) {
    throw toAwsError("GetQueryResults", e);
  }
  return { columns: columns ?? [], rows };
}

/**
 * Column accessors for a result, checking that the `required` columns are present.
 *
 * @throws {@link core!DataSourceError | DataSourceError} naming every missing column
 */
export function columnsOf(
  result: AthenaRows,
  required: readonly string[],
  what: string,
): (row: readonly (string | null)[], column: string) => string | null {
  const index = new Map(result.columns.map((c, i) => [c.toLowerCase(), i]));
  const missing = required.filter((c) => !index.has(c));
  if (missing.length > 0)
    throw new DataSourceError(`${what}: the query result lacks the column(s) ${missing.join(", ")}.`, {
      hint: `It must return ${required.join(", ")}.`,
    });
  return (row, column) => {
    const i = index.get(column);
    return i === undefined ? null : (row[i] ?? null);
  };
}

/** A result's rows as objects keyed by column name (the {@link SqlEngine} port's row shape). */
export function athenaRowObjects(result: AthenaRows): SqlRow[] {
  return result.rows.map((row) => {
    const out: Record<string, string | null> = {};
    result.columns.forEach((c, i) => {
      out[c] = row[i] ?? null;
    });
    return out;
  });
}

/**
 * The Athena adapter of the SQL-engine port: each query runs with {@link runAthenaQuery} under `options`
 * (database, workgroup, output location), and its rows come back as text cells keyed by column name.
 *
 * @example
 * ```ts
 * const engine = athenaEngine(athena, { database: "cur", workgroup: "finops" });
 * await engine.query("SELECT 1 AS one"); // [{ one: "1" }]
 * ```
 */
export function athenaEngine(client: AthenaClient, options: AthenaQueryOptions): SqlEngine {
  return {
    dialect: "athena",
    async query(sql) {
      return athenaRowObjects(await runAthenaQuery(client, sql, options));
    },
  };
}

/** Quotes an Athena (Trino) identifier: `"name"`, quotes doubled. */
export function athenaIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The query listing a table's columns and types from `information_schema.columns` (Athena names are lower case):
 * result columns `column_name`, `data_type` (e.g. `varchar`, `double`, `timestamp(3)`, `map(varchar,varchar)`).
 */
export function athenaColumnsSql(database: string, table: string): string {
  const lit = (v: string) => `'${v.toLowerCase().replaceAll("'", "''")}'`;
  return `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = ${lit(database)} AND table_name = ${lit(table)}`;
}

/**
 * A table's columns (lower-case name → type), read through the engine from `information_schema.columns`.
 *
 * @throws {@link core!DataSourceError | DataSourceError} when the table has no columns (it does not exist, or the role cannot see it)
 */
export async function athenaTableColumns(
  engine: SqlEngine,
  database: string,
  table: string,
): Promise<Map<string, string>> {
  const rows = await engine.query(athenaColumnsSql(database, table));
  const columns = new Map<string, string>();
  for (const r of rows) if (r.column_name) columns.set(r.column_name.toLowerCase(), r.data_type ?? "varchar");
  if (columns.size === 0)
    throw new DataSourceError(
      `Athena table ${athenaIdent(database)}.${athenaIdent(table)} has no columns (or does not exist).`,
      {
        hint: "Check the database and table of the athena block; the role needs glue:GetTables on them.",
      },
    );
  return columns;
}
