/**
 * The CUR 2.0 reader (docs/contracts.md#cost-input-the-real-bill), written once and run on DuckDB (local export files) and Athena (a CUR table)
 * through the {@link SqlEngine} port: one SQL builder ({@link curSql}), one row mapper ({@link curResultFromRows}),
 * one reader ({@link readCurLines}).
 *
 * Sources of the rules:
 * - the amortized cost per line type follows AWS's own CUDOS/CID `cid/builtin/core/data/queries/cid/summary_view.sql`
 *   (aws-solutions-library-samples/cloud-intelligence-dashboards-framework, "amortized_cost");
 * - the net amortized cost follows the same repository's
 *   `dashboards/scad-containers-cost-allocation/scad-containers-cost-allocation.yaml` (its net amortized sum):
 *   `savings_plan_net_savings_plan_effective_cost` for covered usage, `reservation_net_effective_cost` for RI usage,
 *   `reservation_net_unused_amortized_upfront_fee_for_billing_period + reservation_net_unused_recurring_fee` for
 *   `RIFee`, `line_item_net_unblended_cost` otherwise; CUR 2.0 has no net twin of
 *   `savings_plan_total_commitment_to_date` or `savings_plan_used_commitment`, so a `SavingsPlanRecurringFee`'s
 *   unused commitment is scaled by its net-over-gross commitment (see `netUnusedCommitment`);
 * - net columns "are included in your report only when your account has a discount in the applicable billing
 *   period" (https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2-savings-plan.html): without them
 *   net equals non-net.
 */
import { DataSourceError, type Decimal, dec, ZERO } from "../../core/index.js";
import type { MonthWindow } from "../engine/index.js";
import type {
  CostBasis,
  CostCategory,
  CostLine,
  CostSourceResult,
  ExcludedSummary,
  InScopeService,
} from "../model.js";
import type { SqlEngine, SqlRow } from "./sql-engine.js";

/** The CUR 2.0 columns every file or table must have, besides `resource_tags` or `tags`. */
export const CUR_REQUIRED_COLUMNS = [
  "line_item_usage_start_date",
  "line_item_product_code",
  "line_item_usage_type",
  "line_item_resource_id",
  "line_item_usage_amount",
  "line_item_unblended_cost",
] as const;

/** The Savings Plan and RI columns the amortized bases need when a file has `line_item_line_item_type`. */
export const CUR_AMORTIZED_COLUMNS = [
  "savings_plan_savings_plan_effective_cost",
  "savings_plan_total_commitment_to_date",
  "savings_plan_used_commitment",
  "reservation_effective_cost",
  "reservation_unused_amortized_upfront_fee_for_billing_period",
  "reservation_unused_recurring_fee",
  "reservation_reservation_a_r_n",
] as const;

/** The product codes in scope (docs/contracts.md#cost-input-the-real-bill), and the service each is reported under. */
export const CUR_IN_SCOPE_PRODUCTS: Readonly<Record<string, InScopeService>> = {
  AmazonSageMaker: "AmazonSageMaker",
  MachineLearningSavingsPlans: "AmazonSageMaker",
  AmazonBedrock: "AmazonBedrock",
};

/** The suffix of the product name of a Bedrock model sold through AWS Marketplace. */
export const MARKETPLACE_BEDROCK_SUFFIX = "(Amazon Bedrock Edition)";

/** The line types whose amount is a commitment (plus `Fee` with a reservation ARN: an RI upfront fee). */
const COMMITMENT_TYPES = ["SavingsPlanRecurringFee", "SavingsPlanUpfrontFee", "SavingsPlanNegation", "RIFee"];

/**
 * One relation the reader scans: a CUR file (DuckDB) or a CUR table (Athena), with its own columns, so that every
 * file is checked and read by the columns it has (not by the union of all files).
 */
export interface CurRelation {
  /** What to name in messages: the file path or the table. */
  readonly name: string;
  /** The table expression: `read_csv('…', all_varchar = true)`, `read_parquet('…')`, `"db"."table"`. */
  readonly from: string;
  /** Its columns, lower-case name → the engine's type (`VARCHAR`, `DOUBLE`, `MAP(VARCHAR, VARCHAR)`, `varchar`, `timestamp(3)` …). */
  readonly columns: ReadonlyMap<string, string>;
  /** The column names as the relation spells them, by lower-case name (defaults to the lower-case name). */
  readonly spelling?: ReadonlyMap<string, string>;
}

/** Options of {@link curSql}. */
export interface CurSqlOptions {
  readonly relations: readonly CurRelation[];
  readonly window: MonthWindow;
  readonly basis: CostBasis;
  readonly dialect: SqlEngine["dialect"];
  /**
   * Endpoint names (letters, digits, hyphens) whose lines are kept hour by hour (grouped by the hour of
   * `line_item_usage_start_date` as well), for shared endpoints charged by measured utilization. @default []
   */
  readonly hourlyEndpoints?: readonly string[];
}

/**
 * `CASE … END AS hour_start`: the hour (`CAST(date_trunc('hour', ts) AS VARCHAR)`) of an in-scope line (`service`
 * set) of one of `endpoints` (names of letters, digits and hyphens; the others are left out), matched by the
 * endpoint ARN in `resource`; NULL for every other line. `undefined` when no endpoint is hourly, so that the
 * monthly query stays as it was. Valid in DuckDB and Athena (Trino); shared by the CUR and FOCUS readers.
 */
export function hourStartSql(
  endpoints: readonly string[] | undefined,
  resource: string,
  ts: string,
): string | undefined {
  const names = (endpoints ?? []).filter((n) => /^[a-zA-Z0-9-]+$/.test(n));
  if (names.length === 0) return undefined;
  return `CASE WHEN service IS NOT NULL AND (${names
    .map((n) => `lower(${resource}) LIKE '%:endpoint/${n.toLowerCase()}'`)
    .join(" OR ")}) THEN CAST(date_trunc('hour', ${ts}) AS VARCHAR) END AS hour_start`;
}

/** `TIMESTAMP 'YYYY-MM-DD HH:MM:SS'` (valid in DuckDB and Athena/Trino). */
export function timestampLiteral(d: Date): string {
  return `TIMESTAMP '${d.toISOString().slice(0, 19).replace("T", " ")}'`;
}

const isText = (type: string) => /^(varchar|string|char|text)/i.test(type);
const isMap = (type: string) => /^map/i.test(type);
const isTimestamp = (type: string) => /^timestamp/i.test(type);
const isDecimal = (type: string) => /^(decimal|numeric)/i.test(type);

/** The column checks of one relation for one basis: the missing columns (an error) and what it reads by default. */
export function curColumnProblems(
  rel: CurRelation,
  basis: CostBasis,
): {
  missing: string[];
  defaults: ("line_item_line_item_type" | "bill_billing_entity" | "bill_invoice_id")[];
} {
  const has = (c: string) => rel.columns.has(c);
  const missing: string[] = CUR_REQUIRED_COLUMNS.filter((c) => !has(c));
  if (!has("resource_tags") && !has("tags")) missing.push("resource_tags (or tags)");
  if ((basis === "amortized" || basis === "net-amortized") && has("line_item_line_item_type"))
    missing.push(...CUR_AMORTIZED_COLUMNS.filter((c) => !has(c)));
  const defaults = (["line_item_line_item_type", "bill_billing_entity", "bill_invoice_id"] as const).filter(
    (c) => !has(c),
  );
  return { missing, defaults };
}

/** The expressions of one relation's columns in one dialect. */
class Columns {
  constructor(
    private readonly rel: CurRelation,
    private readonly dialect: SqlEngine["dialect"],
  ) {}

  has(c: string): boolean {
    return this.rel.columns.has(c);
  }

  private type(c: string): string {
    return this.rel.columns.get(c) ?? "VARCHAR";
  }

  /** The quoted column. */
  ref(c: string): string {
    const name = this.rel.spelling?.get(c) ?? c;
    return `"${name.replaceAll('"', '""')}"`;
  }

  /** The column as text, `''` read as NULL. */
  text(c: string): string {
    if (!this.has(c)) return "CAST(NULL AS VARCHAR)";
    const t = this.type(c);
    return isText(t) ? `NULLIF(${this.ref(c)}, '')` : `CAST(${this.ref(c)} AS VARCHAR)`;
  }

  /**
   * The column as an exact `DECIMAL(38, 18)`, NULL and `''` as 0. On DuckDB a double is read through its shortest
   * text; Trino (Athena engine v3) casts a double to decimal the same way, through `BigDecimal.valueOf(double)`
   * (trinodb/trino `core/trino-spi/…/type/DecimalConversions.java`, `internalDoubleToLongDecimal`), so `0.1` stays 0.1.
   */
  dec(c: string): string {
    const t = this.type(c);
    const col = this.ref(c);
    let e: string;
    if (isText(t)) e = `CAST(NULLIF(trim(${col}), '') AS DECIMAL(38, 18))`;
    else if (isDecimal(t) || this.dialect === "athena") e = `CAST(${col} AS DECIMAL(38, 18))`;
    else e = `CAST(CAST(${col} AS VARCHAR) AS DECIMAL(38, 18))`;
    return `coalesce(${e}, CAST(0 AS DECIMAL(38, 18)))`;
  }

  /** The net twin of a column when the relation has it, else the column itself (no discount). */
  decNet(net: string, plain: string): string {
    return this.has(net) ? this.dec(net) : this.dec(plain);
  }

  /** `line_item_usage_start_date` as a UTC `TIMESTAMP`. */
  start(): string {
    const c = "line_item_usage_start_date";
    const t = this.type(c);
    const col = this.ref(c);
    if (this.dialect === "duckdb") {
      if (/^timestamp$/i.test(t)) return col;
      return `CAST(CAST(${col} AS TIMESTAMPTZ) AS TIMESTAMP)`;
    }
    if (isTimestamp(t) && !/with time zone/i.test(t)) return col;
    if (isTimestamp(t)) return `CAST((${col} AT TIME ZONE 'UTC') AS TIMESTAMP)`;
    return `CAST((from_iso8601_timestamp(${col}) AT TIME ZONE 'UTC') AS TIMESTAMP)`;
  }

  /** A map column (or its JSON text in CSV) as JSON object text. */
  json(c: string): string {
    if (!this.has(c)) return "CAST(NULL AS VARCHAR)";
    const t = this.type(c);
    if (!isMap(t)) return this.text(c);
    return this.dialect === "duckdb"
      ? `CAST(to_json(${this.ref(c)}) AS VARCHAR)`
      : `json_format(CAST(${this.ref(c)} AS JSON))`;
  }

  /** `product['product_name']` (a map in Parquet/Athena, JSON text in CSV). */
  productName(): string {
    if (!this.has("product")) return "CAST(NULL AS VARCHAR)";
    const col = this.ref("product");
    if (isMap(this.type("product")))
      return this.dialect === "duckdb" ? `${col}['product_name']` : `element_at(${col}, 'product_name')`;
    return this.dialect === "duckdb"
      ? `json_extract_string(NULLIF(${col}, ''), '$.product_name')`
      : `json_extract_scalar(NULLIF(${col}, ''), '$.product_name')`;
  }
}

const ZERO_SQL = "CAST(0 AS DECIMAL(38, 18))";

/** A Savings Plan fee line's unused commitment: `savings_plan_total_commitment_to_date − savings_plan_used_commitment`. */
function unusedCommitment(c: Columns): string {
  return `(${c.dec("savings_plan_total_commitment_to_date")} - ${c.dec("savings_plan_used_commitment")})`;
}

/**
 * The same net of discounts. CUR 2.0 has no net twin of the commitment-to-date columns, so the unused commitment is
 * scaled by what the discount left of the fee line's commitment: the net over the gross commitment of the billing
 * period (`savings_plan_net_recurring_commitment_for_billing_period` + `…_net_amortized_upfront_…`, over their
 * non-net twins), else `line_item_net_unblended_cost / line_item_unblended_cost`, else 1 (no discount to apply).
 * So a no-upfront plan's net amortized month equals its net unblended month, as the invoice does. On DuckDB the
 * ratio is computed in double (DuckDB divides decimals as doubles): an error below 1e-12 of a fee line.
 */
function netUnusedCommitment(c: Columns): string {
  const sum = (cols: string[]) => {
    const have = cols.filter((x) => c.has(x));
    return have.length === 0 ? undefined : `(${have.map((x) => c.dec(x)).join(" + ")})`;
  };
  const gross = sum([
    "savings_plan_recurring_commitment_for_billing_period",
    "savings_plan_amortized_upfront_commitment_for_billing_period",
  ]);
  const net = sum([
    "savings_plan_net_recurring_commitment_for_billing_period",
    "savings_plan_net_amortized_upfront_commitment_for_billing_period",
  ]);
  const ratios: string[] = [];
  if (gross && net) ratios.push(`CAST(${net} AS DOUBLE) / CAST(NULLIF(${gross}, 0) AS DOUBLE)`);
  if (c.has("line_item_net_unblended_cost"))
    ratios.push(
      `CAST(${c.dec("line_item_net_unblended_cost")} AS DOUBLE) / CAST(NULLIF(${c.dec("line_item_unblended_cost")}, 0) AS DOUBLE)`,
    );
  if (ratios.length === 0) return unusedCommitment(c);
  const ratio = `coalesce(${[...ratios, "1"].join(", ")})`;
  return `CAST(CAST(${unusedCommitment(c)} AS DOUBLE) * ${ratio} AS DECIMAL(38, 18))`;
}

/**
 * The cost of one line at the basis (docs/contracts.md#cost-input-the-real-bill), for one relation's columns. `lt` is the line type expression.
 * Under a net basis with net columns present, `*Discount` lines count 0 (the net columns already hold the
 * discount); without net columns they count their unblended cost, so that the discount is not lost.
 */
function basisCost(c: Columns, basis: CostBasis, lt: string, riArn: string): string {
  const net = basis.startsWith("net-");
  const hasNet = c.has("line_item_net_unblended_cost");
  const plain = net
    ? c.decNet("line_item_net_unblended_cost", "line_item_unblended_cost")
    : c.dec("line_item_unblended_cost");
  const discountZero = net && hasNet ? `WHEN ${lt} LIKE '%Discount' THEN ${ZERO_SQL} ` : "";
  if (basis === "unblended" || basis === "net-unblended" || !c.has("line_item_line_item_type"))
    return discountZero ? `CASE ${discountZero}ELSE ${plain} END` : plain;
  const pick = (netCol: string, col: string) => (net ? c.decNet(netCol, col) : c.dec(col));
  const spRefund = c.has("line_item_line_item_description")
    ? `WHEN ${lt} = 'Refund' AND ${c.text("line_item_product_code")} IN ('ComputeSavingsPlans', 'MachineLearningSavingsPlans')` +
      ` AND ${c.text("line_item_line_item_description")} LIKE 'Refund for one-time fee for Savings Plan ID%' THEN ${ZERO_SQL} `
    : "";
  return `CASE
      WHEN ${lt} = 'SavingsPlanCoveredUsage' THEN ${pick("savings_plan_net_savings_plan_effective_cost", "savings_plan_savings_plan_effective_cost")}
      WHEN ${lt} = 'SavingsPlanRecurringFee' THEN ${net ? netUnusedCommitment(c) : unusedCommitment(c)}
      WHEN ${lt} IN ('SavingsPlanNegation', 'SavingsPlanUpfrontFee') THEN ${ZERO_SQL}
      WHEN ${lt} = 'DiscountedUsage' THEN ${pick("reservation_net_effective_cost", "reservation_effective_cost")}
      WHEN ${lt} = 'RIFee' THEN ${pick("reservation_net_unused_amortized_upfront_fee_for_billing_period", "reservation_unused_amortized_upfront_fee_for_billing_period")} + ${pick("reservation_net_unused_recurring_fee", "reservation_unused_recurring_fee")}
      WHEN ${lt} = 'Fee' AND ${riArn} THEN ${ZERO_SQL}
      ${spRefund}${discountZero}ELSE ${plain} END`;
}

/** One relation's lines of the month, in the common shape the aggregation reads. */
function relationSql(rel: CurRelation, o: CurSqlOptions): string {
  const c = new Columns(rel, o.dialect);
  const lt = c.has("line_item_line_item_type")
    ? `coalesce(${c.text("line_item_line_item_type")}, '')`
    : "'Usage'";
  const riArn = c.has("reservation_reservation_a_r_n")
    ? `${c.text("reservation_reservation_a_r_n")} IS NOT NULL`
    : "false";
  const entity = c.has("bill_billing_entity") ? c.text("bill_billing_entity") : "'AWS'";
  const start = c.start();
  return `SELECT
    ${start} AS ts,
    ${c.text("line_item_product_code")} AS product_code,
    ${lt} AS line_type,
    ${c.text("line_item_usage_type")} AS usage_type,
    ${c.text("line_item_resource_id")} AS resource_id,
    ${c.json("resource_tags")} AS resource_tags,
    ${c.json("tags")} AS tags,
    ${c.text("pricing_unit")} AS pricing_unit,
    ${c.text("line_item_currency_code")} AS currency,
    ${entity} AS billing_entity,
    CASE WHEN ${entity} = 'AWS Marketplace' THEN ${c.productName()} END AS product_name,
    ${riArn} AS ri_fee,
    ${c.has("bill_invoice_id") ? `${c.text("bill_invoice_id")} IS NULL` : "false"} AS invoice_open,
    ${c.dec("line_item_usage_amount")} AS usage_amount,
    ${basisCost(c, o.basis, lt, riArn)} AS cost
  FROM ${rel.from}
  WHERE ${start} >= ${timestampLiteral(o.window.start)} AND ${start} < ${timestampLiteral(o.window.end)}`;
}

/**
 * Builds the one query of the CUR reader: a single scan of every relation giving, per (service, product code,
 * line item type, category, usage type, resource, tags, unit, currency, product name), the exact sums of usage and
 * of cost at the basis, the number of lines, the earliest start and whether any line has an empty
 * `bill_invoice_id`; out-of-scope lines come in the same result with `service` NULL, one group per product code
 * (and currency). Result columns: `service`, `product_code`, `line_item_type`, `category`, `usage_type`,
 * `resource_id`, `resource_tags`, `tags`, `pricing_unit`, `currency`, `product_name`, `usage_start`,
 * `usage_amount`, `cost` (decimal text), `line_count`, `invoice_open`. Runs on DuckDB and Athena (Trino).
 *
 * @example
 * ```ts
 * curSql({ relations: [{ name: "cur", from: '"cur"."data"', columns }], window: monthWindow("2026-10"),
 *   basis: "net-amortized", dialect: "athena" });
 * ```
 */
export function curSql(o: CurSqlOptions): string {
  if (o.relations.length === 0) throw new RangeError("curSql needs at least one relation");
  const scope = Object.entries(CUR_IN_SCOPE_PRODUCTS)
    .map(([code, service]) => `WHEN product_code = '${code}' THEN '${service}'`)
    .join(" ");
  const inScope = (col: string) => `CASE WHEN service IS NULL THEN NULL ELSE ${col} END`;
  const hour = hourStartSql(o.hourlyEndpoints, "resource_id", "ts");
  const hourStart =
    hour === undefined
      ? ""
      : `,
  ${hour}`;
  const category = `CASE WHEN service IS NULL THEN NULL
      WHEN line_type = 'Tax' THEN 'tax' WHEN line_type = 'Credit' THEN 'credit' WHEN line_type = 'Refund' THEN 'refund'
      WHEN line_type LIKE '%Discount' THEN 'discount'
      WHEN line_type IN (${COMMITMENT_TYPES.map((t) => `'${t}'`).join(", ")}) OR (line_type = 'Fee' AND ri_fee) THEN 'commitment'
      ELSE 'usage' END`;
  return `WITH raw AS (
  ${o.relations.map((r) => relationSql(r, o)).join("\n  UNION ALL\n  ")}
), scoped0 AS (
  SELECT raw.*, CASE ${scope}
      WHEN billing_entity = 'AWS Marketplace' AND rtrim(product_name) LIKE '%${MARKETPLACE_BEDROCK_SUFFIX}' THEN 'AmazonBedrock'
    END AS service
  FROM raw
), scoped AS (
  SELECT scoped0.*${hourStart} FROM scoped0
)
SELECT
  service,
  product_code,
  ${inScope("line_type")} AS line_item_type,
  ${category} AS category,
  ${inScope("usage_type")} AS usage_type,
  ${inScope("resource_id")} AS resource_id,
  ${inScope("resource_tags")} AS resource_tags,
  ${inScope("tags")} AS tags,
  ${inScope("pricing_unit")} AS pricing_unit,
  currency,
  ${inScope("product_name")} AS product_name,
  ${hour === undefined ? "" : "hour_start, "}CAST(min(ts) AS VARCHAR) AS usage_start,
  CAST(sum(usage_amount) AS VARCHAR) AS usage_amount,
  CAST(sum(cost) AS VARCHAR) AS cost,
  count(*) AS line_count,
  bool_or(invoice_open) AS invoice_open
FROM scoped
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11${hour === undefined ? "" : ", hour_start"}`;
}

/** Parses a timestamp as CUR, DuckDB and Athena print it (`2026-10-01 00:00:00`, `…T…Z`, `…+00`); no zone means UTC. */
export function parseUtcTimestamp(text: string): Date {
  let s = text.trim().replace(" ", "T");
  if (!/(Z|[+-]\d{2}(:?\d{2})?)$/.test(s)) s += "Z";
  else s = s.replace(/([+-]\d{2})$/, "$1:00");
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) throw new DataSourceError(`Unreadable CUR timestamp "${text}".`);
  return d;
}

/**
 * Parses a tag map as the engines return it: JSON text (`{"user_line_of_business":"retail"}`) or Athena's map
 * text (`{user_line_of_business=retail, user_team=ml}`); empty for null. Keys are kept exactly as written.
 *
 * @throws {@link core!DataSourceError | DataSourceError} when the text is neither
 */
export function parseTagMap(
  text: string | null | undefined,
  column = "resource_tags",
): Record<string, string> {
  if (text === null || text === undefined) return {};
  const t = text.trim();
  if (t === "" || t === "{}") return {};
  try {
    const parsed = JSON.parse(t) as unknown;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
      const out: Record<string, string> = Object.create(null); // a tag key `__proto__` stays a key
      for (const [k, v] of Object.entries(parsed as Record<string, unknown>))
        if (v !== null && v !== undefined) out[k] = String(v);
      return out;
    }
  } catch {
    // not JSON: Athena's map text
  }
  if (!t.startsWith("{") || !t.endsWith("}"))
    throw new DataSourceError(`${column} is neither a JSON object nor a map: ${t.slice(0, 80)}`);
  const out: Record<string, string> = Object.create(null); // a tag key `__proto__` stays a key
  // Tag keys and values cannot contain commas (AWS tag rules), so ", " separates entries.
  for (const entry of t.slice(1, -1).split(", ")) {
    const eq = entry.indexOf("=");
    if (eq > 0) out[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return out;
}

/** What {@link curResultFromRows} makes of the rows of {@link curSql}. */
export interface CurRowsResult {
  /** In-scope lines at the basis (adjustment groups whose amount is exactly 0 are left out: no money is lost). */
  readonly lines: CostLine[];
  /** Out-of-scope lines per product code, at the basis, by product code. */
  readonly excluded: ExcludedSummary[];
  /** The currencies seen (in-scope and excluded lines), sorted. */
  readonly currencies: string[];
  /** Whether an in-scope line has an empty `bill_invoice_id`. */
  readonly invoiceOpen: boolean;
  /** In-scope lines read (before grouping). */
  readonly inScopeLines: number;
}

const CATEGORIES: ReadonlySet<string> = new Set<CostCategory>([
  "usage",
  "commitment",
  "discount",
  "credit",
  "refund",
  "tax",
]);

/** The value of `key` in `cache`, made by `make` the first time. */
function onceFor<V>(cache: Map<string, V>, key: string, make: () => V): V {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const made = make();
  cache.set(key, made);
  return made;
}

/**
 * The one row mapper for CUR lines (both engines): the rows of {@link curSql} (text cells) as cost lines and
 * excluded sums. `resource_tags` and the `tags` column are merged into one tag map, keys unchanged.
 *
 * @throws {@link core!DataSourceError | DataSourceError} for a value that cannot be read
 */
export function curResultFromRows(rows: readonly SqlRow[]): CurRowsResult {
  const lines: CostLine[] = [];
  const excluded = new Map<string, { lines: number; cost: Decimal }>();
  const currencies = new Set<string>();
  let invoiceOpen = false;
  let inScopeLines = 0;
  const text = (v: string | null | undefined) => (v === null || v === undefined || v === "" ? undefined : v);
  // a month has few distinct start times and tag texts: each is parsed once (a new Date and a new map per line)
  const starts = new Map<string, number>();
  const startOf = (t: string) => new Date(onceFor(starts, t, () => parseUtcTimestamp(t).getTime()));
  // the merged map of a pair of tag texts, shared (frozen) by the lines that have that pair
  const tagTexts = new Map<string, Readonly<Record<string, string>>>();
  const tagsOf = (resourceTags: string | null | undefined, tags: string | null | undefined) =>
    onceFor(tagTexts, `${resourceTags ?? ""}\u0000${tags ?? ""}`, () =>
      Object.freeze({ ...parseTagMap(resourceTags, "resource_tags"), ...parseTagMap(tags, "tags") }),
    );
  for (const r of rows) {
    const currency = text(r.currency);
    if (currency) currencies.add(currency);
    const cost = dec(r.cost);
    const count = Number(r.line_count ?? 0);
    const productCode = r.product_code ?? "";
    const service = text(r.service);
    if (service === undefined) {
      const e = excluded.get(productCode) ?? { lines: 0, cost: ZERO };
      excluded.set(productCode, { lines: e.lines + count, cost: e.cost.plus(cost) });
      continue;
    }
    inScopeLines += count;
    if (r.invoice_open === "true") invoiceOpen = true;
    const category = (r.category ?? "usage") as CostCategory;
    if (!CATEGORIES.has(category)) throw new DataSourceError(`CUR query returned category "${category}".`);
    if (category !== "usage" && cost.isZero()) continue;
    const unit = text(r.pricing_unit);
    const productName = text(r.product_name);
    const line: { -readonly [K in keyof CostLine]: CostLine[K] } = {
      usageStart: startOf(text(r.hour_start) ?? r.usage_start ?? ""),
      service: service as InScopeService,
      category,
      lineItemType: r.line_item_type ?? "Usage",
      productCode,
      usageType: r.usage_type ?? "",
      resourceId: text(r.resource_id) ?? null,
      usageAmount: dec(r.usage_amount),
      cost,
      tags: tagsOf(r.resource_tags, r.tags),
    };
    if (productName) line.productName = productName;
    if (unit) line.unit = unit;
    lines.push(line);
  }
  const key = (l: CostLine) =>
    [
      l.service,
      l.productCode,
      l.category,
      l.lineItemType,
      l.usageType,
      l.resourceId ?? "",
      JSON.stringify(l.tags),
    ].join("\u0000");
  // each key made once (a stable sort: lines of the same key keep the query's order)
  const keyed = lines.map((l) => [key(l), l] as const);
  keyed.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    lines: keyed.map(([, l]) => l),
    excluded: [...excluded.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([service, e]) => ({ service, lines: e.lines, cost: e.cost })),
    currencies: [...currencies].sort(),
    invoiceOpen,
    inScopeLines,
  };
}

/** Options of {@link readCurLines}. */
export interface ReadCurLinesOptions {
  readonly relations: readonly CurRelation[];
  readonly window: MonthWindow;
  readonly basis: CostBasis;
  /** Whether the month has not ended (the caller's view). @default false */
  readonly estimated?: boolean;
  /** What was read, for messages (`CUR files /data/*.csv`, `CUR table "cur"."data"`). */
  readonly what: string;
  /** Endpoints whose lines are kept hour by hour ({@link CurSqlOptions.hourlyEndpoints}). @default [] */
  readonly hourlyEndpoints?: readonly string[];
}

/**
 * Reads a month of CUR 2.0 through an engine: checks every relation's columns (each file by its own), runs
 * {@link curSql} and maps its rows with {@link curResultFromRows}.
 *
 * @example
 * ```ts
 * await readCurLines(duckDbEngine(c), { relations, window: monthWindow("2026-10"), basis: "net-amortized", what: "CUR files" });
 * ```
 * @throws {@link core!DataSourceError | DataSourceError} naming every file and every missing column; for mixed or non-ISO-4217 currencies
 */
export async function readCurLines(engine: SqlEngine, o: ReadCurLinesOptions): Promise<CostSourceResult> {
  const problems: string[] = [];
  const defaults = new Map<string, string[]>();
  for (const rel of o.relations) {
    const p = curColumnProblems(rel, o.basis);
    if (p.missing.length > 0) problems.push(`${rel.name}: ${p.missing.join(", ")}`);
    for (const d of p.defaults) defaults.set(d, [...(defaults.get(d) ?? []), rel.name]);
  }
  if (problems.length > 0)
    throw new DataSourceError(
      `${o.what}: missing column(s) the ${o.basis} basis needs:\n${problems.map((p) => `  ${p}`).join("\n")}`,
      {
        hint: "Export CUR 2.0 (AWS Data Exports, standard table) with resource ids; or choose costs.basis unblended for a hand-made file without commitment columns.",
      },
    );
  const warnings: string[] = [];
  const named = (files: string[]) =>
    files.length === 1 ? files[0] : `${files.length} files (${files.join(", ")})`;
  const lt = defaults.get("line_item_line_item_type");
  if (lt) warnings.push(`${named(lt)} has no line_item_line_item_type: every line read as Usage.`);
  const be = defaults.get("bill_billing_entity");
  if (be)
    warnings.push(
      `${named(be)} has no bill_billing_entity: every line read as billed by AWS (no Marketplace models).`,
    );
  const inv = defaults.get("bill_invoice_id");
  if (inv) warnings.push(`${named(inv)} has no bill_invoice_id: read as final once the month has ended.`);
  const noCurrency = o.relations.filter((r) => !r.columns.has("line_item_currency_code")).map((r) => r.name);
  if (noCurrency.length > 0)
    warnings.push(`${named(noCurrency)} has no line_item_currency_code: amounts read as USD.`);

  const rows = await engine.query(
    curSql({
      relations: o.relations,
      window: o.window,
      basis: o.basis,
      dialect: engine.dialect,
      ...(o.hourlyEndpoints ? { hourlyEndpoints: o.hourlyEndpoints } : {}),
    }),
  );
  const r = curResultFromRows(rows);
  const bad = r.currencies.filter((c) => !/^[A-Z]{3}$/.test(c));
  if (bad.length > 0)
    throw new DataSourceError(
      `${o.what}: line_item_currency_code ${bad.map((b) => `"${b}"`).join(", ")} is not an ISO 4217 code.`,
    );
  if (r.currencies.length > 1)
    throw new DataSourceError(
      `${o.what} mix currencies (${r.currencies.join(", ")}); a chargeback is in one currency.`,
      {
        hint: "Read one payer's export at a time (each bills in one currency).",
      },
    );
  return {
    lines: r.lines,
    currency: r.currencies[0] ?? "USD",
    estimated: (o.estimated ?? false) || r.invoiceOpen,
    basis: o.basis,
    excluded: r.excluded,
    warnings,
  };
}
