/** The JSON report (DESIGN §3.6, schemaVersion 1). */
import type { ChargebackReport } from "../model.js";

/**
 * Renders the report as the `smcb chargeback --json` document: §3.6 fields plus the additions of the model
 * (per-endpoint utilization details, `usageQuality`, the detail `lines`).
 */
export function renderJson(report: ChargebackReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
