/**
 * The SQL that reads a month of in-scope CUR 2.0 lines (DESIGN §3.4), written once for DuckDB and Athena.
 */
import { DataSourceError } from "../../core/errors.js";
import { dec } from "../../core/money.js";
import type { MonthWindow } from "../engine/month.js";
import type { CostLine, InScopeService } from "../model.js";

/** The CUR 2.0 columns every source needs. */
export const CUR_REQUIRED_COLUMNS = [
  "line_item_usage_start_date",
  "line_item_product_code",
  "line_item_usage_type",
  "line_item_resource_id",
  "line_item_usage_amount",
  "line_item_unblended_cost",
  "resource_tags",
] as const;

/** Where the SQL runs, and how the few expressions that differ are spelled there. */
export interface CurSqlOptions {
  /** The table expression: `read_csv(…)`, `read_parquet(…)`, or `"db"."table"` on Athena. */
  readonly from: string;
  readonly window: MonthWindow;
  /** `athena` (Trino) or `duckdb`. @default "athena" */
  readonly dialect?: "athena" | "duckdb";
  /** An expression giving `line_item_usage_start_date` as a UTC `TIMESTAMP`. @default "line_item_usage_start_date" */
  readonly start?: string;
  /** An expression giving `resource_tags` as a JSON object string. @default Athena: `json_format(CAST(resource_tags AS JSON))`; DuckDB: `resource_tags` */
  readonly tagsJson?: string;
  /** Whether the table has `pricing_unit`. @default false */
  readonly hasUnit?: boolean;
  /** Whether the table has `line_item_currency_code`. @default false */
  readonly hasCurrency?: boolean;
}

/** `TIMESTAMP 'YYYY-MM-DD 00:00:00'` (valid in DuckDB and Athena/Trino). */
export function timestampLiteral(d: Date): string {
  return `TIMESTAMP '${d.toISOString().slice(0, 19).replace("T", " ")}'`;
}

/**
 * Builds the query returning one row per (service, usage type, resource, tags, unit, currency) of the month's
 * in-scope lines, with exact sums, under the CUR column names: `line_item_product_code`, `line_item_usage_type`,
 * `line_item_resource_id`, `resource_tags` (JSON text), `pricing_unit`, `line_item_currency_code`,
 * `line_item_usage_start_date` (the earliest, as text), `line_item_usage_amount`, `line_item_unblended_cost`
 * (decimal text) and `line_count`. Amounts are summed as `DECIMAL(38, 18)`; on DuckDB they are read through their
 * text, so the sums are exact; on Athena a `double` column is cast directly (its binary error stays below 1e-17 per
 * line).
 *
 * @example
 * ```ts
 * curLinesSql({ from: '"cur"."data"', window: monthWindow("2026-10") }); // Athena
 * ```
 */
export function curLinesSql(o: CurSqlOptions): string {
  const duck = o.dialect === "duckdb";
  const start = o.start ?? "line_item_usage_start_date";
  const tags = o.tagsJson ?? (duck ? "resource_tags" : "json_format(CAST(resource_tags AS JSON))");
  const unit = o.hasUnit ? "pricing_unit" : "CAST(NULL AS VARCHAR)";
  const currency = o.hasCurrency ? "line_item_currency_code" : "CAST(NULL AS VARCHAR)";
  const exact = (col: string) =>
    duck ? `CAST(NULLIF(CAST(${col} AS VARCHAR), '') AS DECIMAL(38, 18))` : `CAST(${col} AS DECIMAL(38, 18))`;
  return `SELECT
  line_item_product_code,
  line_item_usage_type,
  line_item_resource_id,
  ${tags} AS resource_tags,
  ${unit} AS pricing_unit,
  ${currency} AS line_item_currency_code,
  CAST(min(${start}) AS VARCHAR) AS line_item_usage_start_date,
  CAST(sum(${exact("line_item_usage_amount")}) AS VARCHAR) AS line_item_usage_amount,
  CAST(sum(${exact("line_item_unblended_cost")}) AS VARCHAR) AS line_item_unblended_cost,
  count(*) AS line_count
FROM ${o.from}
WHERE line_item_product_code IN ('AmazonSageMaker', 'AmazonBedrock')
  AND ${start} >= ${timestampLiteral(o.window.start)}
  AND ${start} < ${timestampLiteral(o.window.end)}
GROUP BY 1, 2, 3, 4, 5, 6`;
}

/** Parses a timestamp as CUR and DuckDB print it (`2026-10-01 00:00:00`, `…T…Z`, `…+00`); no zone means UTC. */
export function parseUtcTimestamp(text: string): Date {
  let s = text.trim().replace(" ", "T");
  if (!/(Z|[+-]\d{2}(:?\d{2})?)$/.test(s)) s += "Z";
  else s = s.replace(/([+-]\d{2})$/, "$1:00");
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) throw new DataSourceError(`Unreadable CUR timestamp "${text}".`);
  return d;
}

function parseTags(text: unknown): Record<string, string> {
  if (text === null || text === undefined || text === "") return {};
  let v: unknown;
  try {
    v = typeof text === "string" ? JSON.parse(text) : text;
  } catch (cause) {
    throw new DataSourceError(`resource_tags is not a JSON object: ${String(text).slice(0, 80)}`, { cause });
  }
  if (v === null || typeof v !== "object" || Array.isArray(v))
    throw new DataSourceError(`resource_tags is not a JSON object: ${String(text).slice(0, 80)}`);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) if (val !== null && val !== undefined) out[k] = String(val);
  return out;
}

/** The result rows of {@link curLinesSql} as cost lines, and the currency they are in. */
export function costLinesFromRows(rows: readonly Record<string, unknown>[]): {
  lines: CostLine[];
  currencies: string[];
} {
  const currencies = new Set<string>();
  const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  const lines = rows.map((r): CostLine => {
    const currency = text(r.line_item_currency_code);
    if (currency) currencies.add(currency);
    const unit = text(r.pricing_unit);
    return {
      usageStart: parseUtcTimestamp(String(r.line_item_usage_start_date)),
      service: String(r.line_item_product_code) as InScopeService,
      category: "usage",
      lineItemType: "Usage",
      productCode: String(r.line_item_product_code),
      usageType: String(r.line_item_usage_type ?? ""),
      resourceId: text(r.line_item_resource_id) ?? null,
      usageAmount: dec(r.line_item_usage_amount as string | null),
      cost: dec(r.line_item_unblended_cost as string | null),
      tags: parseTags(r.resource_tags),
      ...(unit ? { unit } : {}),
    };
  });
  return { lines, currencies: [...currencies].sort() };
}
