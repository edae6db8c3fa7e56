/**
 * The chargeback as Markdown (GitHub-flavoured tables), for a pull request, a wiki page or an e-mail.
 */
import type { ChargebackReport } from "../model.js";
import {
  basisInWords,
  emptyNotice,
  isEmptyReport,
  money,
  reconciliationTable,
  reportTables,
  reportWarnings,
  type Table,
} from "./tables.js";

/** Escapes a table cell: backslashes, pipes, Markdown punctuation and line breaks. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>#+!|~]/g, "\\$&").replace(/\r?\n|\r/g, " ");
}

function table(t: Table, estimated: boolean): string {
  const head = `| ${t.columns.map(escapeMarkdown).join(" | ")} |`;
  const rule = `|${t.numeric.map((n) => (n ? " ---: " : " --- ")).join("|")}|`;
  const body = t.rows.map((r, i) => {
    const bold = t.totalRow === true && i === t.rows.length - 1;
    return `| ${r.map((c) => (bold && c !== "" ? `**${escapeMarkdown(c)}**` : escapeMarkdown(c))).join(" | ")} |`;
  });
  const notes = (t.notes ?? []).flatMap((n) => [escapeMarkdown(n), ""]);
  return [
    `## ${escapeMarkdown(t.title)}${estimated ? " — estimated" : ""}`,
    "",
    head,
    rule,
    ...body,
    "",
    ...notes,
  ].join("\n");
}

/**
 * Renders the report as Markdown: a title, the estimated warning (and a mark on every heading) when figures are not
 * final, the warnings, the reconciliation sentence with its basis, then one table each for the reconciliation, the
 * source total per category, the LOB totals (with `__idle__`, unallocated and the reconciled total), adjustments,
 * shared endpoints (with a sentence per endpoint), shared allocations, unallocated items and excluded services
 * (tables without rows are left out). A month without cost lines says so and shows only the reconciliation.
 * Every value is escaped, so names cannot break the tables; money has thousands separators.
 *
 * @example
 * ```ts
 * await writeFile("out/chargeback-2026-10.md", renderMarkdown(report));
 * ```
 */
export function renderMarkdown(report: ChargebackReport): string {
  const rec = report.reconciliation;
  const cur = escapeMarkdown(report.currency);
  const out = [`# Chargeback ${escapeMarkdown(report.month)}${rec.estimated ? " (estimated)" : ""}`, ""];
  if (rec.estimated)
    out.push(
      "> **Estimated:** the source says these figures are not final (the month has not ended or the bill is not closed).",
      "",
    );
  for (const w of reportWarnings(report)) out.push(`> **Warning:** ${escapeMarkdown(w)}`, "");
  if (isEmptyReport(report)) {
    out.push(
      `**${escapeMarkdown(emptyNotice(report))}**`,
      "",
      table(reconciliationTable(report), rec.estimated),
    );
    return out.join("\n");
  }
  out.push(
    rec.difference === "0.00"
      ? `Reconciled: the report total equals the source total, ${escapeMarkdown(money(rec.reportTotal))} ${cur}, to the cent (basis: ${escapeMarkdown(basisInWords(rec.basis))}).`
      : `**Not reconciled:** report total ${escapeMarkdown(money(rec.reportTotal))} vs source total ${escapeMarkdown(money(rec.sourceTotal))} (difference ${escapeMarkdown(money(rec.difference))}).`,
    "",
  );
  for (const t of reportTables(report)) {
    if (t.rows.length > 0) out.push(table(t, rec.estimated));
  }
  return out.join("\n");
}
