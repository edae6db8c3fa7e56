/**
 * The chargeback as Markdown (GitHub-flavoured tables), for a pull request, a wiki page or an e-mail.
 */
import type { ChargebackReport } from "../model.js";
import { reportTables, type Table } from "./tables.js";

/** Escapes a table cell: backslashes, pipes, Markdown punctuation and line breaks. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>#+!|~]/g, "\\$&").replace(/\r?\n/g, " ");
}

function table(t: Table, estimated: boolean): string {
  const head = `| ${t.columns.map(escapeMarkdown).join(" | ")} |`;
  const rule = `|${t.numeric.map((n) => (n ? " ---: " : " --- ")).join("|")}|`;
  const body = t.rows.map((r) => `| ${r.map(escapeMarkdown).join(" | ")} |`);
  return [
    `## ${escapeMarkdown(t.title)}${estimated ? " — estimated" : ""}`,
    "",
    head,
    rule,
    ...body,
    "",
  ].join("\n");
}

/**
 * Renders the report as Markdown: a title, the estimated warning (and a mark on every heading) when figures are not
 * final, the reconciliation, then one table each for the summary, LOB totals, shared endpoints, shared allocations
 * and unallocated costs (tables without rows are left out).
 * Every value is escaped, so names cannot break the tables.
 *
 * @example
 * ```ts
 * await writeFile("out/chargeback-2026-10.md", renderMarkdown(report));
 * ```
 */
export function renderMarkdown(report: ChargebackReport): string {
  const rec = report.reconciliation;
  const out = [`# Chargeback ${escapeMarkdown(report.month)}${rec.estimated ? " (estimated)" : ""}`, ""];
  if (rec.estimated)
    out.push(
      "> **Estimated:** the source says these figures are not final (the month has not ended or the bill is not closed).",
      "",
    );
  out.push(
    rec.difference === "0.00"
      ? `Reconciled: the report total equals the source total, ${escapeMarkdown(rec.reportTotal)} ${escapeMarkdown(report.currency)}, to the cent.`
      : `**Not reconciled:** report total ${escapeMarkdown(rec.reportTotal)} vs source total ${escapeMarkdown(rec.sourceTotal)} (difference ${escapeMarkdown(rec.difference)}).`,
    "",
  );
  for (const t of reportTables(report)) {
    if (t.rows.length > 0) out.push(table(t, rec.estimated));
  }
  return out.join("\n");
}
