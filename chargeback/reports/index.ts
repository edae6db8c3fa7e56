/**
 * Report renderers. {@link REPORT_FORMATS} is the one place that maps a `--format` to its renderer.
 * @module
 */
import type { ChargebackReport } from "../model.js";
import { renderJson } from "./json.js";
import { renderTable } from "./table.js";

export { renderJson } from "./json.js";
export { renderTable } from "./table.js";

/** Every format `smcb chargeback --format` accepts (DESIGN §3.7). */
export const FORMAT_NAMES = ["table", "json", "csv", "focus", "html", "md"] as const;
/** One of {@link FORMAT_NAMES}. */
export type FormatName = (typeof FORMAT_NAMES)[number];

/** A renderer and the file extension of its output. */
export interface ReportFormat {
  readonly extension: string;
  readonly render: (report: ChargebackReport) => string;
}

/** The formats available in this build, by name. */
export const REPORT_FORMATS: Partial<Record<FormatName, ReportFormat>> = {
  table: { extension: "txt", render: renderTable },
  json: { extension: "json", render: renderJson },
};
