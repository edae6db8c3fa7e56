/**
 * Usage source: the usage lake (the Firehose-delivered usage events as an Athena/Glue table). The aggregation and
 * the row mapper are the file ledger's (`usageAggregationSql`, {@link usageFromRows}: one reader, two
 * engines); the events relation ({@link lakeEventsSql}) applies the file ledger's checks, so malformed events and
 * duplicates are really counted.
 */
import type { AthenaClient } from "@aws-sdk/client-athena";
import type { MonthWindow } from "../engine/index.js";
import type { UsageSourceResult } from "../model.js";
import { type AthenaQueryOptions, athenaEngine, athenaIdent } from "./athena.js";
import {
  compactedLakeEventsSql,
  gatewayEstimateSql,
  gatewayEstimatesFromRows,
  lakeEventsSql,
  usageAggregationSql,
  usageFromRows,
} from "./usage-sql.js";

/** Options of {@link readAthenaUsage}. */
export interface AthenaUsageOptions extends AthenaQueryOptions {
  /** The Glue table of the usage events (in {@link AthenaQueryOptions.database}). */
  readonly table: string;
  readonly window: MonthWindow;
  /** Shared endpoints whose usage is returned hour by hour (`usageAggregationSql`). @default [] */
  readonly hourlyEndpoints?: readonly string[];
  /**
   * Also read the tenant gateway's price estimates per LOB (`gatewayEstimateSql`; the table needs the
   * `price_estimate` column of §3.3): a second query, so asked for only where a gateway runs. @default false
   */
  readonly gatewayEstimates?: boolean;
  /**
   * The Glue table over the ledger's compacted layout (docs/ledger.md), read together with `table` and
   * de-duplicated with it. @default none: the JSON table only
   */
  readonly compactedTable?: string;
}

/** The lake's events: the JSON table, and the compacted table when there is one (one relation, `UNION ALL`). */
function lakeEvents(
  database: string,
  table: string,
  window: MonthWindow,
  compactedTable: string | undefined,
  o: { readonly priceEstimate?: boolean } = {},
): string {
  const raw = lakeEventsSql(`${athenaIdent(database)}.${athenaIdent(table)}`, o);
  if (compactedTable === undefined) return raw;
  return `${raw}\nUNION ALL\n${compactedLakeEventsSql(`${athenaIdent(database)}.${athenaIdent(compactedTable)}`, window, o)}`;
}

/**
 * The Athena SQL of {@link readAthenaUsage}: the lake's events (with its compacted table, if given), checked,
 * de-duplicated by id, aggregated per endpoint and LOB.
 */
export function athenaUsageSql(
  database: string,
  table: string,
  window: MonthWindow,
  hourlyEndpoints?: readonly string[],
  compactedTable?: string,
): string {
  return usageAggregationSql(
    lakeEvents(database, table, window, compactedTable),
    window,
    undefined,
    hourlyEndpoints,
  );
}

/**
 * Reads a month's shared-endpoint usage per endpoint and LOB (and per UTC hour for `hourlyEndpoints`) from the
 * usage lake on Athena, duplicates by `id` counted once, with the numbers of malformed events and of duplicates.
 *
 * @example
 * ```ts
 * const { usage, malformed } = await readAthenaUsage(athena, { database: "smcb", table: "usage_events",
 *   workgroup: "finops", window: monthWindow("2026-10") });
 * ```
 * @throws {@link core!DataSourceError | DataSourceError} when the query fails or returns unreadable counts; {@link core!AwsError | AwsError} when a call fails
 */
export async function readAthenaUsage(
  client: AthenaClient,
  options: AthenaUsageOptions,
): Promise<UsageSourceResult> {
  const engine = athenaEngine(client, options);
  const { database, table, window, compactedTable } = options;
  const [rows, priced] = await Promise.all([
    engine.query(athenaUsageSql(database, table, window, options.hourlyEndpoints, compactedTable)),
    options.gatewayEstimates
      ? engine.query(
          gatewayEstimateSql(
            lakeEvents(database, table, window, compactedTable, { priceEstimate: true }),
            window,
          ),
        )
      : Promise.resolve([]),
  ]);
  const gatewayEstimates = gatewayEstimatesFromRows(priced);
  return { ...usageFromRows(rows), ...(gatewayEstimates.length > 0 ? { gatewayEstimates } : {}) };
}
