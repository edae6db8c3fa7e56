/**
 * The chargeback as one self-contained HTML page: inline CSS, charts as inline SVG (vega-lite rendered on the
 * server), the figures as tables, and a Content-Security-Policy that forbids every network request.
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

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const STYLE = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #1f2328;
  margin: 0 auto; max-width: 1100px; padding: 24px; overflow-wrap: anywhere; }
@media (max-width: 600px) { body { padding: 12px; } }
h1 { font-size: 24px; margin: 0 0 8px; }
h2 { font-size: 18px; margin: 28px 0 8px; }
.badge { display: inline-block; font-size: 12px; font-weight: 600; padding: 1px 8px; border-radius: 10px;
  background: #fff1c2; color: #7a4d00; border: 1px solid #e3b341; vertical-align: middle; margin-left: 6px; }
.banner { background: #fff8e1; border: 1px solid #e3b341; border-radius: 6px; padding: 10px 14px; margin: 12px 0; }
.ok { color: #1a7f37; } .bad { color: #cf222e; font-weight: 600; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: 6px 0 12px; min-width: 40%; overflow-wrap: normal; }
tr.total td { font-weight: 600; border-top: 2px solid #8c959f; }
tr.line-idle td:first-child, tr.line-unallocated td:first-child { font-style: italic; }
.note { color: #57606a; font-size: 13px; margin: 4px 0; }
.warning { background: #ffebe9; border: 1px solid #ff8182; border-radius: 6px; padding: 8px 14px; margin: 8px 0; }
th, td { border-bottom: 1px solid #d0d7de; padding: 4px 10px; text-align: left; white-space: nowrap; }
th { background: #f6f8fa; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 8px 0 16px; max-width: 100%; } figcaption { color: #57606a; font-size: 12px; }
figure svg { display: block; max-width: 100%; height: auto; }
.empty { color: #57606a; font-style: italic; }
`;

function badge(estimated: boolean): string {
  return estimated ? ' <span class="badge" title="figures are not final">estimated</span>' : "";
}

function rowClass(t: Table, r: readonly string[], i: number): string {
  if (t.totalRow === true && i === t.rows.length - 1) return ' class="total"';
  if (t.id === "lobs" && r[0] === "__idle__") return ' class="line-idle"';
  if (t.id === "lobs" && r[0] === "Unallocated") return ' class="line-unallocated"';
  return "";
}

function tableHtml(t: Table, estimated: boolean): string {
  const cls = (i: number) => (t.numeric[i] ? ' class="num"' : "");
  const head = t.columns.map((c, i) => `<th scope="col"${cls(i)}>${escapeHtml(c)}</th>`).join("");
  const body = t.rows
    .map(
      (r, i) =>
        `<tr${rowClass(t, r, i)}>${r.map((v, j) => `<td${cls(j)}>${escapeHtml(v)}</td>`).join("")}</tr>`,
    )
    .join("\n");
  const notes = (t.notes ?? []).map((n) => `<p class="note">${escapeHtml(n)}</p>`).join("\n");
  return `<section id="${escapeHtml(t.id)}">
<h2>${escapeHtml(t.title)}${badge(estimated)}</h2>
<div class="scroll"><table><thead><tr>${head}</tr></thead>
<tbody>
${body}
</tbody></table></div>
${notes}
</section>`;
}

/**
 * Renders the report as one self-contained HTML page (no scripts, no external resources): the reconciliation with
 * its basis, the warnings, a banner and a badge on every section when figures are estimated, three charts (cost per
 * LOB stacked dedicated/shared/Bedrock/adjustments for the top LOBs and "others", with the `__idle__` and
 * unallocated bars in their own colours; each shared endpoint's utilization and idle capacity; effective cost per
 * million weighted tokens beside the cost at full utilization) and the tables of figures (every LOB, adjustments,
 * excluded services …). Charts scale to the page width and tables scroll inside their own box, so the page never
 * scrolls sideways on a phone. A month without cost lines says so and draws no chart. Every value is escaped.
 *
 * Asynchronous because vega renders asynchronously; the output is deterministic for a given report.
 *
 * @example
 * ```ts
 * await writeFile("out/chargeback-2026-10.html", await renderHtml(report));
 * ```
 */
export async function renderHtml(report: ChargebackReport): Promise<string> {
  const est = report.reconciliation.estimated;
  const rec = report.reconciliation;
  // vega is loaded only when a page is drawn (start-up of the other formats)
  const { renderCharts } = await import("./charts.js");
  const charts = await renderCharts(report);
  const chartHtml = charts
    .filter((c) => c.svg !== undefined)
    .map(
      (c) => `<h2>${escapeHtml(c.title)}${badge(est)}</h2>
<figure id="${escapeHtml(c.id)}">
${c.svg}
<figcaption>${escapeHtml(c.title)}, ${escapeHtml(report.month)}${est ? " (estimated)" : ""}</figcaption>
</figure>`,
    )
    .join("\n");
  const empty = isEmptyReport(report);
  const reconciled = empty
    ? `<p class="bad">${escapeHtml(emptyNotice(report))}</p>`
    : rec.difference === "0.00"
      ? `<p class="ok">Reconciled: report total ${escapeHtml(money(rec.reportTotal))} ${escapeHtml(report.currency)} equals the source total to the cent (basis: ${escapeHtml(basisInWords(rec.basis))}).</p>`
      : `<p class="bad">Not reconciled: report total ${escapeHtml(money(rec.reportTotal))} vs source total ${escapeHtml(money(rec.sourceTotal))} (difference ${escapeHtml(money(rec.difference))}).</p>`;
  const warnings = reportWarnings(report)
    .map((w) => `<div class="warning" role="alert"><strong>Warning:</strong> ${escapeHtml(w)}</div>`)
    .join("\n");
  const tables = (empty ? [reconciliationTable(report)] : reportTables(report)).filter(
    (t) => t.rows.length > 0,
  );
  const banner = est
    ? `<div class="banner" role="status"><strong>Estimated figures.</strong> The source says this month's costs are not final (the month has not ended or the bill is not closed); they may still change.</div>`
    : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Chargeback ${escapeHtml(report.month)}${est ? " (estimated)" : ""}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Chargeback ${escapeHtml(report.month)}${badge(est)}</h1>
${banner}
${warnings}
${reconciled}
${chartHtml}
${tables.map((t) => tableHtml(t, est)).join("\n")}
</body>
</html>
`;
}
