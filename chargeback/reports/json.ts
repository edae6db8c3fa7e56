/** The JSON report (docs/contracts.md#report-json-smcb-chargeback---json, schemaVersion 1). */
import type { ChargebackReport } from "../model.js";
import { emptyNotice, isEmptyReport } from "./tables.js";

/**
 * Renders the report as the `smcb chargeback --json` document: §3.6 fields plus the additions of the model
 * (per-endpoint utilization details, `usageQuality`, the detail `lines`). The excluded (out-of-scope) services are
 * its `excluded` array, beside the allocation: they are not detail `lines` and not in the reconciled total (the CSV
 * and FOCUS outputs leave them out; the table, Markdown and HTML reports show them in their own section).
 * A month without a single cost line carries `notice`, the sentence the other formats show instead of a bill, so that
 * a program reading the JSON can tell "nothing to charge" from a bill of zeros.
 */
export function renderJson(report: ChargebackReport): string {
  const doc = isEmptyReport(report) ? { ...report, notice: emptyNotice(report) } : report;
  return `${JSON.stringify(doc, null, 2)}\n`;
}
