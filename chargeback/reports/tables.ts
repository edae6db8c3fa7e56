/**
 * The report's figures as plain tables, shared by the Markdown and HTML renderers so both show the same numbers.
 */
import { dec, formatMoney, sum } from "../../core/money.js";
import type { ChargebackReport } from "../model.js";

/** A table of text cells; `align` says which columns are numbers (right-aligned). */
export interface Table {
  readonly title: string;
  readonly columns: readonly string[];
  readonly numeric: readonly boolean[];
  readonly rows: readonly (readonly string[])[];
}

/** A utilization fraction as a percentage with one decimal: `0.4125` → `"41.3%"`. */
export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** An integer count with thousands separators: `1234567` → `"1,234,567"`. */
export function count(n: number): string {
  return n.toLocaleString("en-US", { maximumFractionDigits: 0 });
}

/** The key figures: month, currency, totals, reconciliation and the estimated flag. */
export function summaryTable(r: ChargebackReport): Table {
  const rec = r.reconciliation;
  const rows: string[][] = [
    ["Month", r.month],
    ["Currency", r.currency],
    ["Source total", rec.sourceTotal],
    ["Report total", rec.reportTotal],
    ["Difference", rec.difference],
    ["Unallocated", r.unallocated.total],
    ["Figures", rec.estimated ? "ESTIMATED (not final)" : "final"],
  ];
  return { title: "Summary", columns: ["Figure", "Value"], numeric: [false, true], rows };
}

/** Cost per LOB by category, with a row of all LOBs (idle lines and unallocated costs are not in it). */
export function lobTable(r: ChargebackReport): Table {
  const rows = r.lobs.map((l) => [l.lob, l.dedicated, l.shared, l.bedrock, l.total]);
  const total = (pick: (l: ChargebackReport["lobs"][number]) => string) =>
    formatMoney(sum(r.lobs.map((l) => dec(pick(l)))));
  rows.push([
    "All LOBs",
    total((l) => l.dedicated),
    total((l) => l.shared),
    total((l) => l.bedrock),
    total((l) => l.total),
  ]);
  return {
    title: `Cost per line of business (${r.currency})`,
    columns: ["LOB", "Dedicated", "Shared", "Bedrock", "Total"],
    numeric: [false, true, true, true, true],
    rows,
  };
}

/** One row per shared endpoint: cost, hours, utilization, idle line and the per-million-token prices. */
export function sharedEndpointTable(r: ChargebackReport): Table {
  return {
    title: `Shared endpoints (${r.currency})`,
    columns: [
      "Endpoint",
      "Cost",
      "Instance-hours",
      "Utilization",
      "Idle line",
      "Tokens",
      "Effective per 1M tokens",
      "At full utilization per 1M tokens",
    ],
    numeric: [false, true, true, true, true, true, true, true],
    rows: r.sharedEndpoints.map((e) => [
      e.endpoint,
      e.cost,
      e.instanceHours,
      percent(e.utilization),
      e.idle,
      e.totalTokens === undefined ? "" : count(e.totalTokens),
      e.effectiveCostPerMillionTokens ?? "",
      e.fullUtilizationCostPerMillionTokens ?? "",
    ]),
  };
}

/** Each LOB's share of each shared endpoint. */
export function sharedAllocationTable(r: ChargebackReport): Table {
  return {
    title: `Shared endpoint allocations (${r.currency})`,
    columns: ["Endpoint", "LOB", "Input tokens", "Output tokens", "Weighted tokens", "Cost"],
    numeric: [false, false, true, true, true, true],
    rows: r.sharedEndpoints.flatMap((e) =>
      e.allocations.map((a) => [
        e.endpoint,
        a.lob,
        count(a.inputTokens),
        count(a.outputTokens),
        count(a.weightedTokens),
        a.cost,
      ]),
    ),
  };
}

/** What could not be allocated, and why. */
export function unallocatedTable(r: ChargebackReport): Table {
  return {
    title: `Unallocated (${r.currency})`,
    columns: ["Reason", "Service", "Cost"],
    numeric: [false, false, true],
    rows: r.unallocated.items.map((i) => [i.reason, i.service, i.cost]),
  };
}

/** Every table of the report, in reading order. */
export function reportTables(r: ChargebackReport): Table[] {
  return [
    summaryTable(r),
    lobTable(r),
    sharedEndpointTable(r),
    sharedAllocationTable(r),
    unallocatedTable(r),
  ];
}
