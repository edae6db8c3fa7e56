/**
 * The chargeback as one self-contained HTML page: inline CSS, charts as inline SVG (vega-lite rendered on the
 * server), the figures as tables, and a Content-Security-Policy that forbids every network request.
 */
import type { ChargebackReport } from "../model.js";
import { renderCharts } from "./charts.js";
import { reportTables, type Table } from "./tables.js";

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
  margin: 0 auto; max-width: 1100px; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 8px; }
h2 { font-size: 18px; margin: 28px 0 8px; }
.badge { display: inline-block; font-size: 12px; font-weight: 600; padding: 1px 8px; border-radius: 10px;
  background: #fff1c2; color: #7a4d00; border: 1px solid #e3b341; vertical-align: middle; margin-left: 6px; }
.banner { background: #fff8e1; border: 1px solid #e3b341; border-radius: 6px; padding: 10px 14px; margin: 12px 0; }
.ok { color: #1a7f37; } .bad { color: #cf222e; font-weight: 600; }
table { border-collapse: collapse; margin: 6px 0 12px; min-width: 40%; }
th, td { border-bottom: 1px solid #d0d7de; padding: 4px 10px; text-align: left; white-space: nowrap; }
th { background: #f6f8fa; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 8px 0 16px; } figcaption { color: #57606a; font-size: 12px; }
.empty { color: #57606a; font-style: italic; }
`;

function badge(estimated: boolean): string {
  return estimated ? ' <span class="badge" title="figures are not final">estimated</span>' : "";
}

function tableHtml(t: Table, estimated: boolean): string {
  const cls = (i: number) => (t.numeric[i] ? ' class="num"' : "");
  const head = t.columns.map((c, i) => `<th${cls(i)}>${escapeHtml(c)}</th>`).join("");
  const body =
    t.rows.length === 0
      ? `<tr><td class="empty" colspan="${t.columns.length}">none</td></tr>`
      : t.rows
          .map((r) => `<tr>${r.map((v, i) => `<td${cls(i)}>${escapeHtml(v)}</td>`).join("")}</tr>`)
          .join("\n");
  return `<h2>${escapeHtml(t.title)}${badge(estimated)}</h2>
<table><thead><tr>${head}</tr></thead>
<tbody>
${body}
</tbody></table>`;
}

/**
 * Renders the report as one self-contained HTML page (no scripts, no external resources): the reconciliation,
 * a warning and a badge on every section when figures are estimated, three charts (cost per LOB stacked
 * dedicated/shared/Bedrock; each shared endpoint's utilization and idle capacity; effective cost per million tokens
 * beside the cost at full utilization) and the tables of figures. Every value from the report is escaped.
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
  const reconciled =
    rec.difference === "0.00"
      ? `<p class="ok">Reconciled: report total ${escapeHtml(rec.reportTotal)} ${escapeHtml(report.currency)} equals the source total to the cent.</p>`
      : `<p class="bad">Not reconciled: report total ${escapeHtml(rec.reportTotal)} vs source total ${escapeHtml(rec.sourceTotal)} (difference ${escapeHtml(rec.difference)}).</p>`;
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
${reconciled}
${chartHtml}
${reportTables(report)
  .map((t) => tableHtml(t, est))
  .join("\n")}
</body>
</html>
`;
}
