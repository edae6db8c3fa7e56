/**
 * The detail CSV: one row per {@link AllocationLine}, so a spreadsheet can pivot the chargeback any way.
 */
import { stringify } from "csv-stringify/sync";
import type { ChargebackReport } from "../model.js";

/** The CSV columns, in order. */
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
] as const;

/**
 * Renders the report's detail rows as CSV (RFC 4180, header row, `\n` line ends). The `cost` column adds up
 * exactly to `reconciliation.reportTotal`; an unallocated row has an empty `lob`.
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
  ]);
  return stringify(rows, { header: true, columns: [...CSV_COLUMNS], record_delimiter: "unix" });
}
