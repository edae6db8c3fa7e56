/**
 * Cost source: a CUR 2.0 table queried on Athena. The SQL is the one the local CUR source runs on DuckDB (one
 * builder, two engines); this module runs it and turns its rows into {@link CostLine}s.
 */
import type { AthenaClient } from "@aws-sdk/client-athena";
import { DataSourceError } from "../../core/errors.js";
import { dec } from "../../core/money.js";
import { monthWindow } from "../engine/month.js";
import type { CostLine, CostSourceResult, InScopeService } from "../model.js";
import { type AthenaQueryOptions, columnsOf, runAthenaQuery } from "./athena.js";

/** The columns the CUR query must return (DESIGN §3.4). */
export const CUR_QUERY_COLUMNS = [
  "line_item_usage_start_date",
  "line_item_product_code",
  "line_item_usage_type",
  "line_item_resource_id",
  "line_item_usage_amount",
  "line_item_unblended_cost",
  "resource_tags",
] as const;

const IN_SCOPE: ReadonlySet<string> = new Set<InScopeService>(["AmazonSageMaker", "AmazonBedrock"]);

/** Options of {@link readAthenaCurCosts}. */
export interface AthenaCurOptions extends AthenaQueryOptions {
  /** The month, `YYYY-MM` (for the estimated flag; the SQL selects the rows). */
  readonly month: string;
  /** The CUR query: it returns {@link CUR_QUERY_COLUMNS} (plus `line_item_currency_code` when it has it). */
  readonly sql: string;
  /** The current time, to flag a month that has not ended. @default new Date() */
  readonly now?: Date;
}

/**
 * Parses `resource_tags` as Athena returns it: JSON text (`{"user_lineofbusiness":"retail"}`, when the query
 * casts the map to JSON) or Athena's map text (`{user_lineofbusiness=retail, user_team=ml}`); empty for null.
 */
export function parseResourceTags(text: string | null): Record<string, string> {
  if (text === null || text.trim() === "" || text.trim() === "{}") return {};
  const t = text.trim();
  try {
    const parsed = JSON.parse(t) as unknown;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(parsed as Record<string, unknown>))
        if (v !== null && v !== undefined) out[k] = String(v);
      return out;
    }
  } catch {
    // not JSON: Athena's map text
  }
  if (!t.startsWith("{") || !t.endsWith("}"))
    throw new DataSourceError(`resource_tags is neither a JSON object nor a map: ${t.slice(0, 80)}`);
  const out: Record<string, string> = {};
  // Tag keys and values cannot contain commas (AWS tag rules), so ", " separates entries.
  for (const entry of t.slice(1, -1).split(", ")) {
    const eq = entry.indexOf("=");
    if (eq > 0) out[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return out;
}

function parseDate(text: string): Date {
  // Athena timestamps: "2026-10-01 00:00:00.000"; ISO also accepted.
  const iso = /^\d{4}-\d{2}-\d{2} \d/.test(text) ? `${text.replace(" ", "T")}Z` : text;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime()))
    throw new DataSourceError(`line_item_usage_start_date "${text}" is not a date.`);
  return d;
}

/**
 * Reads a month's in-scope costs from a CUR 2.0 table on Athena.
 *
 * @example
 * ```ts
 * const costs = await readAthenaCurCosts(athena, { month: "2026-10", sql, database: "cur", workgroup: "finops" });
 * ```
 * @throws {@link DataSourceError} when the query fails or lacks columns (naming them); {@link AwsError} when a call fails
 */
export async function readAthenaCurCosts(
  client: AthenaClient,
  options: AthenaCurOptions,
): Promise<CostSourceResult> {
  const { end } = monthWindow(options.month);
  const result = await runAthenaQuery(client, options.sql, options);
  const col = columnsOf(result, CUR_QUERY_COLUMNS, "CUR query on Athena");
  const currencies = new Set<string>();
  const lines: CostLine[] = [];
  for (const row of result.rows) {
    const service = col(row, "line_item_product_code") ?? "";
    if (!IN_SCOPE.has(service)) continue;
    const currency = col(row, "line_item_currency_code");
    if (currency) currencies.add(currency);
    lines.push({
      usageStart: parseDate(col(row, "line_item_usage_start_date") ?? ""),
      service: service as InScopeService,
      category: "usage",
      lineItemType: "Usage",
      productCode: service,
      usageType: col(row, "line_item_usage_type") ?? "",
      resourceId: col(row, "line_item_resource_id") || null,
      usageAmount: dec(col(row, "line_item_usage_amount")),
      cost: dec(col(row, "line_item_unblended_cost")),
      tags: parseResourceTags(col(row, "resource_tags")),
    });
  }
  if (currencies.size > 1)
    throw new DataSourceError(`The CUR table has several currencies (${[...currencies].sort().join(", ")}).`);
  return {
    lines,
    currency: [...currencies][0] ?? "USD",
    basis: "unblended",
    excluded: [],
    estimated: (options.now ?? new Date()).getTime() < end.getTime(),
  };
}
