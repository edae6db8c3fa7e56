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
import { DataSourceError, toAwsError } from "../../core/errors.js";

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
 * @throws {@link AwsError} when a call fails; {@link DataSourceError} when the query fails or times out
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
 * @throws {@link DataSourceError} naming every missing column
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
