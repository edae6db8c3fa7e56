/**
 * Report renderers. {@link REPORT_FORMATS} is the one place that maps a `--format` to its renderer.
 * @module
 */
import type { ChargebackReport } from "../model.js";
import type { FormatName } from "./formats.js";
import { renderJson } from "./json.js";
import { renderCsv, renderFocus, renderHtml, renderMarkdown } from "./renderers.js";
import { renderTable } from "./table.js";

export { FORMAT_NAMES, type FormatName } from "./formats.js";
export { renderJson } from "./json.js";
export * from "./renderers.js";
export { escapeTerminal, renderTable } from "./table.js";

/** What some renderers need beyond the report. */
export interface RenderOptions {
  /** The LOB tag key, for the FOCUS `Tags` column. @default "LineOfBusiness" */
  readonly tagKey?: string;
}

/** A renderer and the file extension of its output. */
export interface ReportFormat {
  readonly extension: string;
  readonly render: (report: ChargebackReport, options?: RenderOptions) => string | Promise<string>;
}

/** Every format, by name. */
export const REPORT_FORMATS: Readonly<Record<FormatName, ReportFormat>> = {
  table: { extension: "txt", render: renderTable },
  json: { extension: "json", render: renderJson },
  csv: { extension: "csv", render: renderCsv },
  focus: { extension: "focus.csv", render: (r, o) => renderFocus(r, o?.tagKey ? { tagKey: o.tagKey } : {}) },
  html: { extension: "html", render: renderHtml },
  md: { extension: "md", render: renderMarkdown },
};
