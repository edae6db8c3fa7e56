/**
 * The detail CSV: one row per {@link AllocationLine}, so a spreadsheet can pivot the chargeback any way.
 */
import { stringify } from "csv-stringify/sync";
import type { ChargebackReport } from "../model.js";

/** The CSV columns, in order. Columns added later are appended, so readers of the older columns do not break. */
export const CSV_COLUMNS = [
  "month",
  "currency",
  "lob",
  "category",
  "service",
  "endpoint",
  "resource_id",
  "method",
  "consumed_quantity",
  "consumed_unit",
  "cost",
  "estimated",
  "charge_category",
  "usage_type",
  "product_name",
  "cost_basis",
] as const;

/** The columns appended when the report has the gateway's estimate (`gatewayEstimate`), and only then. */
export const GATEWAY_CSV_COLUMNS = ["gateway_estimate", "gateway_billed", "gateway_difference"] as const;

/** The `category` of the CSV rows that carry the gateway's estimate (not a charge: their `cost` is empty). */
export const GATEWAY_ESTIMATE_CATEGORY = "gateway_estimate";

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Neutralizes a spreadsheet cell against formula injection (CSV injection) as OWASP recommends: a cell that begins
 * with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with a single quote, so a spreadsheet shows it as
 * text instead of evaluating it. A cell that is a plain number (`-12.30`, `+5`) is left as it is, so negative money
 * stays a number. (OWASP, "CSV Injection": https://owasp.org/www-community/attacks/CSV_Injection)
 */
export function neutralizeCell(value: string): string {
  if (!/^[=+\-@\t\r]/.test(value)) return value;
  if (NUMBER.test(value)) return value;
  return `'${value}`;
}

/** Writes rows as RFC 4180 CSV with a header, every cell neutralized ({@link neutralizeCell}). */
export function safeCsv(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  return stringify(
    rows.map((r) => r.map(neutralizeCell)),
    { header: true, columns: [...columns], record_delimiter: "unix" },
  );
}

/**
 * Renders the report's detail rows as CSV (RFC 4180, header row, `\n` line ends). The `cost` column adds up
 * exactly to `reconciliation.reportTotal`; an unallocated row has an empty `lob`, an idle line the LOB `__idle__`.
 *
 * - `charge_category` is `usage` or the adjustment category (`commitment`, `discount`, `credit`, `refund`, `tax`),
 *   `usage_type` the CUR usage type (so a profile's input-token and output-token rows can be told apart; empty for a
 *   mix), `product_name` the Marketplace model's name, `cost_basis` the report's basis (`net-amortized` …).
 * - The excluded (out-of-scope) services are not rows: they are outside the allocation and the reconciled total.
 *   They are in the JSON report (`excluded`) and in the excluded section of the table, Markdown and HTML reports.
 * - When the usage has tenant-gateway events with a price estimate, one more row per LOB with `category`
 *   `gateway_estimate`: `consumed_quantity` the calls priced, `cost` empty (the estimate is not a charge, so the cost
 *   column still adds up to the total), and `gateway_estimate`, `gateway_billed` (the LOB's billed total) and
 *   `gateway_difference` (billed − estimate), columns appended only then ({@link GATEWAY_CSV_COLUMNS}) and empty on
 *   every other row.
 * - Every cell is neutralized against formula injection ({@link neutralizeCell}).
 *
 * @example
 * ```ts
 * await writeFile("out/chargeback-2026-10.csv", renderCsv(report));
 * ```
 */
export function renderCsv(report: ChargebackReport): string {
  const estimated = String(report.reconciliation.estimated);
  const rows = report.lines.map((l) => [
    report.month,
    report.currency,
    l.lob ?? "",
    l.category,
    l.service,
    l.endpoint ?? "",
    l.resourceId ?? "",
    l.method,
    l.consumedQuantity,
    l.consumedUnit,
    l.cost,
    estimated,
    l.chargeCategory,
    l.usageType ?? "",
    l.productName ?? "",
    report.reconciliation.basis,
  ]);
  const g = report.gatewayEstimate;
  if (g === undefined) return safeCsv(CSV_COLUMNS, rows);
  // the gateway's estimate per LOB: one row each, its cost empty so the cost column still adds up to the total
  for (const r of rows) r.push("", "", "");
  for (const e of g.lobs)
    rows.push([
      report.month,
      report.currency,
      e.lob,
      GATEWAY_ESTIMATE_CATEGORY,
      "",
      "",
      "",
      "estimate (not a charge)",
      String(e.calls),
      "calls",
      "",
      estimated,
      "",
      "",
      "",
      report.reconciliation.basis,
      e.estimate,
      e.billed,
      e.difference,
    ]);
  return safeCsv([...CSV_COLUMNS, ...GATEWAY_CSV_COLUMNS], rows);
}
