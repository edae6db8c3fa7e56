/** The terminal table of a chargeback report. */
import type { ChargebackReport } from "../model.js";

type Align = "l" | "r";

/** Lays out rows as aligned columns separated by two spaces, with a rule under the header. */
function grid(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[],
): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const fmt = (r: readonly string[]) =>
    r
      .map((c, i) => (align[i] === "r" ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [fmt(header), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(fmt)];
}

const pct = (u: number) => `${(u * 100).toFixed(1)}%`;

/**
 * Renders the report for a terminal: LOB totals, shared endpoints (utilization, idle), unallocated costs,
 * the reconciliation line and whether the figures are estimated.
 */
export function renderTable(report: ChargebackReport): string {
  const r = report;
  const out: string[] = [];
  const status = r.reconciliation.estimated ? "ESTIMATED — figures are not final" : "final";
  out.push(`Chargeback ${r.month} (${r.currency}) — ${status}`, "");
  out.push(
    ...grid(
      ["LOB", "Dedicated", "Shared", "Bedrock", "Total"],
      [
        ...r.lobs.map((l) => [l.lob, l.dedicated, l.shared, l.bedrock, l.total]),
        ...r.sharedEndpoints
          .filter((e) => e.idle !== "0.00")
          .map((e) => [`__idle__ ${e.endpoint}`, "", e.idle, "", e.idle]),
      ],
      ["l", "r", "r", "r", "r"],
    ),
  );
  if (r.sharedEndpoints.length > 0) {
    out.push("", "Shared endpoints");
    out.push(
      ...grid(
        [
          "Endpoint",
          "Cost",
          "Inst-hours",
          "Utilization",
          "Unused",
          "Idle policy",
          "Idle line",
          "$/M tok",
          "$/M tok @100%",
        ],
        r.sharedEndpoints.map((e) => [
          e.endpoint,
          e.cost,
          e.instanceHours,
          pct(e.utilization),
          e.unusedCost ?? "",
          e.idlePolicy ?? "",
          e.idle,
          e.effectiveCostPerMillionTokens ?? "—",
          e.fullUtilizationCostPerMillionTokens ?? "—",
        ]),
        ["l", "r", "r", "r", "r", "l", "r", "r", "r"],
      ),
    );
    for (const e of r.sharedEndpoints) {
      out.push("", `  ${e.endpoint} (owner ${e.owner ?? "?"}):`);
      out.push(
        ...grid(
          ["LOB", "Calls", "Input tok", "Output tok", "Weighted", "Used", "Idle share", "Cost"],
          e.allocations.map((a) => [
            a.lob,
            String(a.invocations ?? ""),
            String(a.inputTokens),
            String(a.outputTokens),
            String(a.weightedTokens),
            a.usedCost ?? "",
            a.idleCost ?? "",
            a.cost,
          ]),
          ["l", "r", "r", "r", "r", "r", "r", "r"],
        ).map((l) => `    ${l}`),
      );
    }
  }
  out.push("", `Unallocated: ${r.unallocated.total}`);
  for (const i of r.unallocated.items) out.push(`  ${i.reason}  ${i.service}  ${i.cost}`);
  const rec = r.reconciliation;
  const ok = rec.difference === "0.00";
  out.push(
    "",
    `Reconciliation: source ${rec.sourceTotal} ${ok ? "=" : "≠"} report ${rec.reportTotal} (difference ${rec.difference})` +
      `${rec.estimated ? " — ESTIMATED" : ""}`,
  );
  if (r.usageQuality)
    out.push(
      `Usage ledger: ${r.usageQuality.duplicates} duplicate events counted once, ${r.usageQuality.malformed} malformed lines skipped`,
    );
  return `${out.join("\n")}\n`;
}
