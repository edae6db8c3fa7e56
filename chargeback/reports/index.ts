/**
 * Report renderers. {@link REPORT_FORMATS} is the one place that maps a `--format` to its renderer.
 * @module
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { ChargebackReport } from "../model.js";
import { FORMAT_NAMES, type FormatName } from "./formats.js";
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

/** Options of {@link writeReports}. */
export interface WriteReportsOptions extends RenderOptions {
  /** The folder the files go to (made when missing). */
  readonly dir: string;
  /** The formats to write. @default every format */
  readonly formats?: readonly FormatName[];
  /** Called with each file's path once it is written (the CLI logs it). */
  readonly onWrite?: (file: string) => void;
}

/**
 * Writes the report in each format to `<dir>/chargeback-<month>.<extension>` (what `smcb chargeback --out` does).
 *
 * @example
 * ```ts
 * const files = await writeReports(report, { dir: "out", formats: ["json", "html"], tagKey: "LineOfBusiness" });
 * ```
 * @returns the paths written, in the order of `formats`
 */
export async function writeReports(
  report: ChargebackReport,
  options: WriteReportsOptions,
): Promise<string[]> {
  await mkdir(options.dir, { recursive: true });
  const names = options.formats && options.formats.length > 0 ? options.formats : FORMAT_NAMES;
  const files: string[] = [];
  for (const name of names) {
    const f = REPORT_FORMATS[name];
    const file = path.join(options.dir, `chargeback-${report.month}.${f.extension}`);
    await writeFile(
      file,
      await f.render(report, options.tagKey !== undefined ? { tagKey: options.tagKey } : {}),
    );
    options.onWrite?.(file);
    files.push(file);
  }
  return files;
}
