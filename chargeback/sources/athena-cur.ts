/**
 * Cost source: a CUR 2.0 table queried on Athena. The SQL, its checks and the row mapper are those the local CUR
 * source runs on DuckDB ({@link readCurLines}: one reader, two engines); this module only lists the table's columns
 * and runs the reader through the Athena adapter of the SQL-engine port.
 */
import type { AthenaClient } from "@aws-sdk/client-athena";
import type { MonthWindow } from "../engine/index.js";
import type { CostBasis, CostSourceResult } from "../model.js";
import { type AthenaQueryOptions, athenaEngine, athenaIdent, athenaTableColumns } from "./athena.js";
import { parseTagMap, readCurLines } from "./cur-sql.js";

/** Options of {@link readAthenaCurCosts}. */
export interface AthenaCurOptions extends AthenaQueryOptions {
  /** The table holding the CUR 2.0 export (in {@link AthenaQueryOptions.database}). */
  readonly table: string;
  readonly window: MonthWindow;
  /** The cost basis (docs/contracts.md#cost-input-the-real-bill). @default "net-amortized" */
  readonly basis?: CostBasis;
  /** Whether the month has not ended (the result is then flagged estimated). @default false */
  readonly estimated?: boolean;
  /** Endpoints whose lines are kept hour by hour (shared endpoints charged by measured utilization). @default [] */
  readonly hourlyEndpoints?: readonly string[];
}

/**
 * Parses `resource_tags` as Athena returns it: JSON text or Athena's map text; empty for null.
 * (The same parser as the CUR row mapper's: {@link parseTagMap}.)
 */
export function parseResourceTags(text: string | null): Record<string, string> {
  return parseTagMap(text);
}

/**
 * Reads a month's costs from a CUR 2.0 table on Athena at a cost basis: two queries (the table's columns from
 * `information_schema.columns`, then the CUR reader's one scan).
 *
 * @example
 * ```ts
 * const costs = await readAthenaCurCosts(athena, { database: "cur", table: "data", workgroup: "finops",
 *   window: monthWindow("2026-10"), basis: "net-amortized" });
 * ```
 * @throws {@link core!DataSourceError | DataSourceError} when the table is missing, lacks a column the basis needs (all named), mixes
 * currencies, or the query fails; {@link core!AwsError | AwsError} when a call fails
 */
export async function readAthenaCurCosts(
  client: AthenaClient,
  options: AthenaCurOptions,
): Promise<CostSourceResult> {
  const engine = athenaEngine(client, options);
  const ref = `${athenaIdent(options.database)}.${athenaIdent(options.table)}`;
  const columns = await athenaTableColumns(engine, options.database, options.table);
  const result = await readCurLines(engine, {
    relations: [{ name: ref, from: ref, columns }],
    window: options.window,
    basis: options.basis ?? "net-amortized",
    estimated: options.estimated ?? false,
    what: `CUR table ${ref}`,
    ...(options.hourlyEndpoints ? { hourlyEndpoints: options.hourlyEndpoints } : {}),
  });
  return { ...result, provenance: { kind: "athena", location: ref } };
}
