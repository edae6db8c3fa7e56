/** The terminal table of a chargeback report. */
import type { ChargebackReport } from "../model.js";
import {
  emptyNotice,
  isEmptyReport,
  money,
  reconciliationTable,
  reportTables,
  reportWarnings,
  type Table,
} from "./tables.js";

/**
 * Makes text safe to print on a terminal: C0 and C1 control characters (line breaks, ESC sequences, CR that would
 * overwrite a line) and the bidirectional overrides are shown as `\u{…}` escapes, so a ledger value cannot forge a
 * line of the report or recolour the terminal.
 */
export function escapeTerminal(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters to escape
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    return `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`;
  });
}

/** Lays out rows as aligned columns separated by two spaces, with a rule under the header (and above a total). */
function grid(t: Table): string[] {
  const header = t.columns.map(escapeTerminal);
  const rows = t.rows.map((r) => r.map(escapeTerminal));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const fmt = (r: readonly string[]) =>
    r
      .map((c, i) => (t.numeric[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "─".repeat(w)).join("  ");
  const body = rows.map(fmt);
  if (t.totalRow && body.length > 1) body.splice(body.length - 1, 0, rule);
  return [fmt(header), rule, ...body];
}

function section(t: Table): string[] {
  return [escapeTerminal(t.title), ...grid(t), ...(t.notes ?? []).map((n) => `  ${escapeTerminal(n)}`), ""];
}

/**
 * Renders the report for a terminal: the status line, warnings, then the same tables as the Markdown and HTML
 * reports (reconciliation, total per category, LOB totals with `__idle__`, unallocated and the reconciled total,
 * adjustments, shared endpoints with a sentence each, allocations, unallocated items, excluded services) and the
 * reconciliation line. Control characters in report values are escaped (`escapeTerminal`); money has
 * thousands separators.
 */
export function renderTable(report: ChargebackReport): string {
  const r = report;
  const rec = r.reconciliation;
  const out: string[] = [];
  const status = rec.estimated ? "ESTIMATED — figures are not final" : "final";
  out.push(escapeTerminal(`Chargeback ${r.month} (${r.currency}) — ${status}`), "");
  for (const w of reportWarnings(r)) out.push(`Warning: ${escapeTerminal(w)}`);
  if (reportWarnings(r).length > 0) out.push("");
  if (isEmptyReport(r)) {
    out.push(escapeTerminal(emptyNotice(r)), "", ...section(reconciliationTable(r)));
    return `${out.join("\n").trimEnd()}\n`;
  }
  for (const t of reportTables(r)) if (t.rows.length > 0) out.push(...section(t));
  const ok = rec.difference === "0.00";
  out.push(
    escapeTerminal(
      `Reconciliation: source ${money(rec.sourceTotal)} ${ok ? "=" : "≠"} report ${money(rec.reportTotal)} (difference ${money(rec.difference)}), basis ${rec.basis}` +
        `${rec.estimated ? " — ESTIMATED" : ""}`,
    ),
  );
  return `${out.join("\n")}\n`;
}
