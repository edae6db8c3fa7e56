/**
 * Usage source: the usage lake (the Firehose-delivered usage events as an Athena/Glue table). The SQL is the
 * aggregation the file ledger runs on DuckDB (one builder, two engines); this module runs it on Athena.
 */
import type { AthenaClient } from "@aws-sdk/client-athena";
import { DataSourceError } from "../../core/errors.js";
import type { EndpointUsage, UsageSourceResult } from "../model.js";
import { type AthenaQueryOptions, columnsOf, runAthenaQuery } from "./athena.js";

/** The columns the usage aggregation must return: one row per endpoint and LOB. */
export const USAGE_QUERY_COLUMNS = [
  "endpoint",
  "lob",
  "invocations",
  "input_tokens",
  "output_tokens",
] as const;

/** Options of {@link readAthenaUsage}. */
export interface AthenaUsageOptions extends AthenaQueryOptions {
  /** The usage aggregation: it returns {@link USAGE_QUERY_COLUMNS}, duplicates by `id` counted once. */
  readonly sql: string;
}

function count(text: string | null, column: string): number {
  const n = Number(text ?? "0");
  if (!Number.isSafeInteger(n) || n < 0)
    throw new DataSourceError(`Usage query: ${column} "${text}" is not a count.`);
  return n;
}

/**
 * Reads a month's shared-endpoint usage per endpoint and LOB from the usage lake on Athena.
 * The SQL counts duplicate events once and the lake's JSON SerDe skips unreadable records; neither number is
 * counted by this source, so `malformed` and `duplicates` are 0 (the file ledger source reports both).
 *
 * @example
 * ```ts
 * const { usage } = await readAthenaUsage(athena, { sql, database: "smcb", workgroup: "finops" });
 * ```
 * @throws {@link DataSourceError} when the query fails or lacks columns; {@link AwsError} when a call fails
 */
export async function readAthenaUsage(
  client: AthenaClient,
  options: AthenaUsageOptions,
): Promise<UsageSourceResult> {
  const result = await runAthenaQuery(client, options.sql, options);
  const col = columnsOf(result, USAGE_QUERY_COLUMNS, "Usage query on Athena");
  const usage: EndpointUsage[] = result.rows
    .filter((r) => col(r, "endpoint"))
    .map((r) => ({
      endpoint: col(r, "endpoint") ?? "",
      lob: col(r, "lob") ?? "",
      invocations: count(col(r, "invocations"), "invocations"),
      inputTokens: count(col(r, "input_tokens"), "input_tokens"),
      outputTokens: count(col(r, "output_tokens"), "output_tokens"),
    }));
  return { usage, malformed: 0, duplicates: 0 };
}
