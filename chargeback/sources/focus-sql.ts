/**
 * The SQL that reads a month of AWS Data Exports "FOCUS 1.2 with AWS columns" (docs/contracts.md#cost-input-the-real-bill), written once for
 * DuckDB and Athena, and the row mapper that turns its result into cost lines, excluded totals and the currency.
 *
 * What the columns hold (sources in `test/unit/chargeback/sources/focus.test.ts`):
 * - `x_ServiceCode` carries the CUR `line_item_product_code` (`AmazonSageMaker`, `MachineLearningSavingsPlans`,
 *   `AmazonBedrock`, a Marketplace product code); `ServiceName` is the service's (or Marketplace product's) name.
 * - `SkuMeter` is the CUR usage type (FOCUS 1.2 replaced FOCUS 1.0's `x_UsageType` by it).
 * - `EffectiveCost` is net amortized, `BilledCost` net unblended; `ContractedCost` is the contracted (negotiated,
 *   not commitment-discounted) price of the quantity.
 * - A commitment's recurring fee is a `Purchase` row (EffectiveCost 0); its unused part is a row with
 *   `CommitmentDiscountStatus = 'Unused'`; covered usage has `CommitmentDiscountStatus = 'Used'`.
 */
import { ConfigError, DataSourceError, type Decimal, dec, sum } from "../../core/index.js";
import type { MonthWindow } from "../engine/index.js";
import type {
  CostBasis,
  CostCategory,
  CostLine,
  CostProvenance,
  CostSourceResult,
  ExcludedSummary,
  InScopeService,
} from "../model.js";
import { hourStartSql } from "./cur-sql.js";
import type { SqlEngine } from "./sql-engine.js";

/** The bases a FOCUS export can give, and the cost column of each. */
const FOCUS_BASIS_COLUMN = { "net-amortized": "EffectiveCost", "net-unblended": "BilledCost" } as const;

/** A cost basis a FOCUS 1.2 export can give. */
export type FocusBasis = keyof typeof FOCUS_BASIS_COLUMN;

/**
 * Checks that a FOCUS export can give `basis` and returns it narrowed: `net-amortized` (`EffectiveCost`) and
 * `net-unblended` (`BilledCost`). FOCUS 1.2 with AWS columns has no non-net figures, so `amortized` and
 * `unblended` are refused.
 *
 * @throws {@link core!ConfigError | ConfigError} (exit 2) naming what is missing, for `amortized` and `unblended`
 */
export function assertFocusBasis(basis: CostBasis): FocusBasis {
  if (basis === "net-amortized" || basis === "net-unblended") return basis;
  const wanted = basis === "amortized" ? "non-net amortized" : "non-net unblended";
  throw new ConfigError(
    `costs.basis "${basis}" needs ${wanted} costs; FOCUS 1.2 has EffectiveCost (net amortized) and BilledCost (net unblended).`,
    [],
    {
      hint: 'Use costs.basis "net-amortized" or "net-unblended" with costs.type "focus", or read the CUR 2.0 export (costs.type "cur") for the non-net bases.',
    },
  );
}

/** The columns the FOCUS reader needs in every file, for a basis (the usage type is checked apart: {@link FOCUS_USAGE_TYPE_COLUMNS}). */
export function focusRequiredColumns(basis: FocusBasis): readonly string[] {
  const costs = basis === "net-amortized" ? ["EffectiveCost"] : ["BilledCost", "ContractedCost"];
  return [
    "ChargePeriodStart",
    "ChargeCategory",
    "ChargeClass",
    "CommitmentDiscountStatus",
    "ServiceName",
    "x_ServiceCode",
    "ResourceId",
    "ConsumedQuantity",
    "ConsumedUnit",
    "BillingCurrency",
    "InvoiceId",
    "Tags",
    ...costs,
  ];
}

/** Where the usage type is: `SkuMeter` (FOCUS 1.2), or `x_UsageType` in a FOCUS 1.0 export; a file needs one. */
export const FOCUS_USAGE_TYPE_COLUMNS = ["SkuMeter", "x_UsageType"] as const;

/** Where the SQL runs, and how the few expressions that differ are spelled there. */
export interface FocusSqlOptions {
  /** The table expression: `read_csv(…)`, `read_parquet(…)`, or `"db"."table"` on Athena. */
  readonly from: string;
  readonly window: MonthWindow;
  readonly basis: FocusBasis;
  /** `athena` (Trino) or `duckdb`. @default "athena" */
  readonly dialect?: "athena" | "duckdb";
  /** An expression giving `ChargePeriodStart` as a UTC `TIMESTAMP`. @default "ChargePeriodStart" */
  readonly start?: string;
  /** An expression giving `Tags` as JSON object text. @default Athena: `json_format(CAST(Tags AS JSON))`; DuckDB: `Tags` */
  readonly tagsJson?: string;
  /** An expression giving the usage type. @default "SkuMeter" */
  readonly usageType?: string;
  /**
   * Endpoint names whose lines are kept hour by hour (grouped by the hour of `ChargePeriodStart` as well, as the
   * CUR reader does), for shared endpoints charged hour by hour. @default []
   */
  readonly hourlyEndpoints?: readonly string[];
}

function timestampLiteral(d: Date): string {
  return `TIMESTAMP '${d.toISOString().slice(0, 19).replace("T", " ")}'`;
}

/**
 * Builds the query returning the month's FOCUS rows (by `ChargePeriodStart`), classified and summed: one row per
 * in-scope (service, category, ChargeCategory, x_ServiceCode, ServiceName, usage type, ResourceId, Tags, unit,
 * currency), and one per excluded service and currency (`service` null, `excluded_service` set). Columns: `service`,
 * `excluded_service`, `category`, `line_item_type`, `product_code`, `product_name`, `usage_type`, `resource_id`,
 * `tags` (JSON text), `unit`, `currency`, `usage_start` (earliest, text), `usage_amount`, `cost` (exact decimal text
 * at the basis), `line_count`, `open_lines` (rows with an empty `InvoiceId`); with `hourlyEndpoints`, also
 * `hour_start` (the hour of `ChargePeriodStart` of those endpoints' lines, so that an hourly export keeps its hours).
 *
 * Scope (docs/contracts.md#cost-input-the-real-bill): `x_ServiceCode` `AmazonSageMaker` or `MachineLearningSavingsPlans` → SageMaker;
 * `AmazonBedrock`, or a `ServiceName` ending in `(Amazon Bedrock Edition)` (a Marketplace model) → Bedrock.
 * Categories: `Tax` → tax; `Credit` → credit; `Adjustment` or `ChargeClass = 'Correction'` → refund; `Purchase` or
 * `CommitmentDiscountStatus = 'Unused'` → commitment; else usage. Under `net-unblended` a covered row
 * (`CommitmentDiscountStatus = 'Used'`) is counted as CUR counts it: the usage at `ContractedCost` (the on-demand
 * price after negotiated discounts, as the CUR covered line) plus a `commitment` line of `BilledCost −
 * ContractedCost` without resource (as the CUR `SavingsPlanNegation`), so LOBs get the same amounts from both.
 *
 * @example
 * ```ts
 * focusLinesSql({ from: '"billing"."focus"', window: monthWindow("2026-10"), basis: "net-amortized" }); // Athena
 * ```
 */
export function focusLinesSql(o: FocusSqlOptions): string {
  const duck = o.dialect === "duckdb";
  const start = o.start ?? "ChargePeriodStart";
  const tags = o.tagsJson ?? (duck ? "Tags" : "json_format(CAST(Tags AS JSON))");
  const usageType = o.usageType ?? "SkuMeter";
  const exact = (col: string) =>
    duck ? `CAST(NULLIF(CAST(${col} AS VARCHAR), '') AS DECIMAL(38, 18))` : `CAST(${col} AS DECIMAL(38, 18))`;
  const text = (col: string) => `NULLIF(CAST(${col} AS VARCHAR), '')`;
  const unblended = o.basis === "net-unblended";
  const costColumn = FOCUS_BASIS_COLUMN[o.basis];
  const usageCost = unblended ? "CASE WHEN covered THEN contracted ELSE cost END" : "cost";
  const negation = unblended
    ? `
  UNION ALL
  SELECT service, 'commitment', charge_category, service_code, service_name, usage_type, CAST(NULL AS VARCHAR),
    '{}', consumed_unit, currency, charge_start, 0, CAST(0 AS DECIMAL(38, 18)), cost - contracted, 0
  FROM classified
  WHERE service IS NOT NULL AND category = 'usage' AND covered`
    : "";
  const inScope = (expr: string) => `CASE WHEN service IS NOT NULL THEN ${expr} END`;
  const hour = hourStartSql(o.hourlyEndpoints, "resource_id", "charge_start");
  return `WITH rows_of_month AS (
  SELECT
    ${start} AS charge_start,
    ${text("ChargeCategory")} AS charge_category,
    ${text("ChargeClass")} AS charge_class,
    ${text("CommitmentDiscountStatus")} AS commitment_status,
    ${text("ServiceName")} AS service_name,
    ${text("x_ServiceCode")} AS service_code,
    ${text(usageType)} AS usage_type,
    ${text("ResourceId")} AS resource_id,
    ${tags} AS tags,
    ${text("ConsumedUnit")} AS consumed_unit,
    ${text("BillingCurrency")} AS currency,
    CASE WHEN ${text("InvoiceId")} IS NULL THEN 1 ELSE 0 END AS open_invoice,
    ${exact("ConsumedQuantity")} AS quantity,
    ${exact(costColumn)} AS cost${unblended ? `,\n    ${exact("ContractedCost")} AS contracted` : ""}
  FROM ${o.from}
  WHERE ${start} >= ${timestampLiteral(o.window.start)}
    AND ${start} < ${timestampLiteral(o.window.end)}
),
classified AS (
  SELECT *,
    CASE
      WHEN service_code IN ('AmazonSageMaker', 'MachineLearningSavingsPlans') THEN 'AmazonSageMaker'
      WHEN service_code = 'AmazonBedrock' THEN 'AmazonBedrock'
      WHEN service_name LIKE '%(Amazon Bedrock Edition)' THEN 'AmazonBedrock'
    END AS service,
    CASE
      WHEN charge_category = 'Tax' THEN 'tax'
      WHEN charge_category = 'Credit' THEN 'credit'
      WHEN charge_category = 'Adjustment' OR charge_class = 'Correction' THEN 'refund'
      WHEN charge_category = 'Purchase' OR commitment_status = 'Unused' THEN 'commitment'
      ELSE 'usage'
    END AS category,
    COALESCE(commitment_status = 'Used', false) AS covered
  FROM rows_of_month
),
lines AS (
  SELECT service, category, charge_category, service_code, service_name, usage_type, resource_id, tags,
    consumed_unit, currency, charge_start, open_invoice, quantity,
    ${usageCost} AS cost, 1 AS n
  FROM classified${negation}
)${hour === undefined ? "" : `,\nhourly_lines AS (SELECT lines.*, ${hour} FROM lines)`}
SELECT
  service,
  CASE WHEN service IS NULL THEN COALESCE(service_name, service_code, '(none)') END AS excluded_service,
  ${inScope("category")} AS category,
  ${inScope("charge_category")} AS line_item_type,
  ${inScope("service_code")} AS product_code,
  ${inScope("CASE WHEN service_name LIKE '%(Amazon Bedrock Edition)' THEN service_name END")} AS product_name,
  ${inScope("usage_type")} AS usage_type,
  ${inScope("resource_id")} AS resource_id,
  ${inScope("tags")} AS tags,
  ${inScope("consumed_unit")} AS unit,
  currency,
  ${hour === undefined ? "" : "hour_start, "}CAST(min(charge_start) AS VARCHAR) AS usage_start,
  CAST(sum(COALESCE(quantity, 0)) AS VARCHAR) AS usage_amount,
  CAST(sum(COALESCE(cost, 0)) AS VARCHAR) AS cost,
  sum(n) AS line_count,
  sum(open_invoice) AS open_lines
FROM ${hour === undefined ? "lines" : "hourly_lines"}
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11${hour === undefined ? "" : ", hour_start"}`;
}

/** Parses a timestamp as DuckDB and Athena print it (`2026-10-01 00:00:00`, `….000`, `…Z`); no zone means UTC. */
function parseUtc(textValue: string): Date {
  let s = textValue.trim().replace(" ", "T");
  if (!/(Z|[+-]\d{2}(:?\d{2})?)$/.test(s)) s += "Z";
  else s = s.replace(/([+-]\d{2})$/, "$1:00");
  const d = new Date(s);
  if (Number.isNaN(d.getTime()))
    throw new DataSourceError(`Unreadable FOCUS ChargePeriodStart "${textValue}".`);
  return d;
}

/** FOCUS `Tags` (JSON object text, KeyValueFormat) as a map; valueless tags (`true`) become `"true"`. */
function parseTags(value: unknown): Record<string, string> {
  if (value === null || value === undefined || value === "") return {};
  const fail = (cause?: unknown) =>
    new DataSourceError(`FOCUS Tags is not a JSON object: ${String(value).slice(0, 80)}`, {
      ...(cause === undefined ? {} : { cause }),
      hint: "Tags must be a JSON object of tag keys to values (FOCUS KeyValueFormat).",
    });
  let v: unknown;
  try {
    v = typeof value === "string" ? JSON.parse(value) : value;
  } catch (cause) {
    throw fail(cause);
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw fail();
  const out: Record<string, string> = Object.create(null); // a tag key `__proto__` stays a key
  for (const [k, val] of Object.entries(v)) if (val !== null && val !== undefined) out[k] = String(val);
  return out;
}

/** What the rows of {@link focusLinesSql} say about the month. */
export interface FocusRowsResult {
  /** In-scope cost lines at the basis. */
  readonly lines: CostLine[];
  /** Out-of-scope rows per service (ServiceName), at the basis. */
  readonly excluded: ExcludedSummary[];
  /** The one currency of every row (`USD` when the month has no row). */
  readonly currency: string;
  /** In-scope rows with an empty `InvoiceId` (the month is then estimated). */
  readonly openLines: number;
  /** Rows read (in scope and excluded). */
  readonly rowsRead: number;
}

const text = (v: string | null | undefined) => (v === null || v === undefined || v === "" ? undefined : v);

/**
 * Maps the result rows of {@link focusLinesSql} (values as text, as the `SqlEngine` port returns them).
 *
 * @param what - names the data in error messages, e.g. the files read
 * @throws {@link core!DataSourceError | DataSourceError} when rows mix currencies, a currency is not an ISO 4217 code or is empty, or a
 * value cannot be read
 */
export function focusResultFromRows(
  rows: readonly Readonly<Record<string, string | null>>[],
  what = "FOCUS data",
): FocusRowsResult {
  const currencies = new Set<string>();
  let emptyCurrency = 0;
  for (const r of rows) {
    const c = text(r.currency);
    if (c === undefined) emptyCurrency += Number(r.line_count ?? 0);
    else currencies.add(c);
  }
  if (emptyCurrency > 0)
    throw new DataSourceError(
      `${what}: ${emptyCurrency} row(s) of the month have an empty BillingCurrency.`,
      {
        hint: "BillingCurrency must not be null in a FOCUS 1.2 export; check that the files are FOCUS as AWS writes it.",
      },
    );
  const sorted = [...currencies].sort();
  if (sorted.length > 1)
    throw new DataSourceError(`${what} mix currencies (${sorted.join(", ")}); one currency per run.`, {
      hint: "Read one payer's export at a time (each billing entity bills in its own currency).",
    });
  const currency = sorted[0] ?? "USD";
  if (!/^[A-Z]{3}$/.test(currency))
    throw new DataSourceError(`${what}: BillingCurrency "${currency}" is not an ISO 4217 code.`);

  const lines: CostLine[] = [];
  const excluded = new Map<string, { lines: number; cost: Decimal[] }>();
  let openLines = 0;
  let rowsRead = 0;
  for (const r of rows) {
    const count = Number(r.line_count ?? 0);
    rowsRead += count;
    const service = text(r.service);
    if (service === undefined) {
      const name = text(r.excluded_service) ?? "(none)";
      const e = excluded.get(name) ?? { lines: 0, cost: [] };
      e.lines += count;
      e.cost.push(dec(r.cost));
      excluded.set(name, e);
      continue;
    }
    openLines += Number(r.open_lines ?? 0);
    const productName = text(r.product_name);
    const unit = text(r.unit);
    lines.push({
      usageStart: parseUtc(String(text(r.hour_start) ?? r.usage_start)),
      service: service as InScopeService,
      category: String(r.category) as CostCategory,
      lineItemType: text(r.line_item_type) ?? "Usage",
      productCode: text(r.product_code) ?? "",
      ...(productName ? { productName } : {}),
      usageType: text(r.usage_type) ?? "",
      resourceId: text(r.resource_id) ?? null,
      usageAmount: dec(r.usage_amount),
      cost: dec(r.cost),
      tags: parseTags(r.tags),
      ...(unit ? { unit } : {}),
    });
  }
  return {
    lines,
    excluded: [...excluded.entries()]
      .map(([service, e]) => ({ service, lines: e.lines, cost: sum(e.cost) }))
      .sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : 0)),
    currency,
    openLines,
    rowsRead,
  };
}

/** Options of {@link readFocusLines}: the query's, without the dialect (the engine's own), plus the result's. */
export interface ReadFocusLinesOptions extends Omit<FocusSqlOptions, "dialect"> {
  /** Whether the month has not ended (the result is then flagged estimated). @default false */
  readonly estimated?: boolean;
  /** Names the data in error messages. @default "FOCUS data" */
  readonly what?: string;
  readonly provenance?: CostProvenance;
}

/**
 * Reads a month of FOCUS lines through any {@link SqlEngine} (DuckDB over files, Athena over a table): builds
 * {@link focusLinesSql} for the engine's dialect, runs it, and maps the rows. The month is estimated when the
 * caller says so or an in-scope row has an empty `InvoiceId` (then also said in a warning).
 *
 * @example
 * ```ts
 * await readFocusLines(athenaEngine, { from: '"billing"."focus"', window: monthWindow("2026-10"), basis: "net-amortized" });
 * ```
 * @throws {@link core!DataSourceError | DataSourceError} as {@link focusResultFromRows} does
 */
export async function readFocusLines(engine: SqlEngine, o: ReadFocusLinesOptions): Promise<CostSourceResult> {
  const rows = await engine.query(focusLinesSql({ ...o, dialect: engine.dialect }));
  const result = focusResultFromRows(rows, o.what);
  const warnings =
    result.openLines > 0
      ? [
          `${result.openLines} in-scope FOCUS row(s) have an empty InvoiceId: the month is not invoiced yet, figures are estimated.`,
        ]
      : [];
  return {
    lines: result.lines,
    currency: result.currency,
    estimated: (o.estimated ?? false) || result.openLines > 0,
    basis: o.basis,
    excluded: result.excluded,
    ...(warnings.length > 0 ? { warnings } : {}),
    ...(o.provenance ? { provenance: o.provenance } : {}),
  };
}
