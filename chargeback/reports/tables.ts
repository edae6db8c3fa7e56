/**
 * The report's figures as plain tables, shared by the terminal, Markdown and HTML renderers so all three show the
 * same lines and the same numbers: every line that makes up the reconciled total (LOBs, `__idle__`, unallocated),
 * the reconciliation with its basis and per-category totals, the adjustments, the shared endpoints (per-million
 * figures in weighted tokens, docs/contracts.md#allocation-rules), and the excluded services.
 */
import { dec, formatMoney, REPORT_LINE_LABELS, sum } from "../../core/index.js";
import {
  ADJUSTMENT_CATEGORIES,
  type AdjustmentCategory,
  type AllocationLine,
  type ChargebackReport,
  COST_CATEGORIES,
  type CostBasis,
  type CostCategory,
  type GatewayEstimateReport,
  type SharedEndpointReport,
} from "../model.js";

/** A table of text cells; `numeric` says which columns are numbers (right-aligned). */
export interface Table {
  /** A stable id (`lobs`, `reconciliation` …), used as the HTML section id. */
  readonly id: string;
  readonly title: string;
  readonly columns: readonly string[];
  readonly numeric: readonly boolean[];
  readonly rows: readonly (readonly string[])[];
  /** True when the last row is a total of the rows above it (rendered bold / after a rule). */
  readonly totalRow?: boolean;
  /** Sentences shown under the title. */
  readonly notes?: readonly string[];
}

/** The label of the `__idle__` line (a shared endpoint's idle capacity under idle policy `separate`). */
export const IDLE_LABEL = REPORT_LINE_LABELS.idle;
/** The label of the unallocated row of the LOB table. */
export const UNALLOCATED_LABEL = REPORT_LINE_LABELS.unallocated;
/** The label of the total row of the LOB table. */
export const TOTAL_LABEL = REPORT_LINE_LABELS.total;

/** A utilization fraction as a percentage with one decimal: `0.4125` → `"41.3%"`. */
export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** An integer count with thousands separators: `1234567` → `"1,234,567"`. */
export function count(n: number): string {
  return n.toLocaleString("en-US", { maximumFractionDigits: 0 });
}

/**
 * A decimal string with thousands separators in its integer part, the decimals kept as they are:
 * `"-1234567.5"` → `"-1,234,567.5"`. Text that is not a plain decimal is returned unchanged.
 */
export function grouped(value: string): string {
  const m = /^([+-]?)(\d+)(\.\d+)?$/.exec(value);
  if (!m) return value;
  return `${m[1] ?? ""}${(m[2] ?? "").replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${m[3] ?? ""}`;
}

/** A money string for display: two places and thousands separators: `"1234.5"` → `"1,234.50"`. */
export function money(value: string): string {
  return grouped(formatMoney(dec(value)));
}

const BASIS_WORDS: Readonly<Record<CostBasis, string>> = {
  "net-amortized": "net amortized (after discounts, commitments amortized)",
  amortized: "amortized (before negotiated discounts, commitments amortized)",
  "net-unblended": "net unblended (after discounts, commitment fees as billed)",
  unblended: "unblended (before discounts, commitment fees as billed)",
};

/** The cost basis in words: `net-amortized` → `"net amortized (after discounts, commitments amortized)"`. */
export function basisInWords(basis: CostBasis): string {
  return BASIS_WORDS[basis] ?? basis;
}

const CATEGORY_WORDS: Readonly<Record<CostCategory, string>> = {
  usage: "Usage",
  commitment: "Commitment",
  discount: "Discount",
  credit: "Credit",
  refund: "Refund",
  tax: "Tax",
};

/** A cost category for a reader: `commitment` → `"Commitment"` (unused commitment; under unblended bases the fees). */
export function categoryInWords(category: CostCategory): string {
  return CATEGORY_WORDS[category] ?? category;
}

/** True when `reason` (an unallocated item's reason) names an adjustment category kept central. */
export function isAdjustmentReason(reason: string): reason is AdjustmentCategory {
  return (ADJUSTMENT_CATEGORIES as readonly string[]).includes(reason);
}

/** True for a report without a single cost line (a month with no data): say so, draw nothing. */
export function isEmptyReport(r: ChargebackReport): boolean {
  return r.lines.length === 0 && dec(r.reconciliation.sourceTotal).isZero();
}

/** The sentence a report without cost lines shows instead of a bill. */
export function emptyNotice(r: ChargebackReport): string {
  return `No cost lines for ${r.month}: the source held no in-scope line for this month, so there is nothing to charge back.`;
}

/** How the source's cost lines were found, in words (`files: cur/*.parquet (3 files)`), or `undefined`. */
export function sourceInWords(r: ChargebackReport): string | undefined {
  const s = r.source;
  if (!s) return undefined;
  const extra = [
    s.files === undefined ? undefined : `${count(s.files)} file${s.files === 1 ? "" : "s"}`,
    s.manifest === undefined ? undefined : `manifest ${s.manifest}`,
    s.ignoredFiles ? `${count(s.ignoredFiles)} not in the manifest, ignored` : undefined,
  ].filter((x) => x !== undefined);
  return `${s.kind}: ${s.location}${extra.length > 0 ? ` (${extra.join(", ")})` : ""}`;
}

/** The reconciliation: basis, source and report totals, difference, estimated or final, where the lines came from. */
export function reconciliationTable(r: ChargebackReport): Table {
  const rec = r.reconciliation;
  const src = sourceInWords(r);
  const rows: string[][] = [
    ["Month", r.month],
    ["Currency", r.currency],
    ["Basis", basisInWords(rec.basis)],
    ["Source total", money(rec.sourceTotal)],
    ["Report total", money(rec.reportTotal)],
    ["Difference", money(rec.difference)],
    ["Figures", rec.estimated ? "ESTIMATED (not final)" : "final"],
    ...(src === undefined ? [] : [["Source", src]]),
  ];
  return {
    id: "reconciliation",
    title: `Reconciliation (${r.currency})`,
    columns: ["Figure", "Value"],
    numeric: [false, false],
    rows,
  };
}

/** The in-scope source total per category (usage, commitment, discount, credit, refund, tax), with their total. */
export function categoryTable(r: ChargebackReport): Table {
  const by = r.reconciliation.byCategory;
  const rows = COST_CATEGORIES.map((c) => [categoryInWords(c), money(by[c] ?? "0")]);
  rows.push(["Source total", money(r.reconciliation.sourceTotal)]);
  return {
    id: "categories",
    title: `Source total per category (${r.currency})`,
    columns: ["Category", "Amount"],
    numeric: [false, true],
    rows,
    totalRow: true,
  };
}

type Split = { dedicated: string; shared: string; bedrock: string; adjustments: string; total: string };

/** The unallocated amount split like a LOB row: adjustments kept central, and usage by where it came from. */
function unallocatedSplit(r: ChargebackReport): Split {
  const total = dec(r.unallocated.total);
  const fromLines = r.lines.filter((l) => l.lob === null);
  const pick = (f: (l: AllocationLine) => boolean) => sum(fromLines.filter(f).map((l) => dec(l.cost)));
  const isAdj = (l: AllocationLine) => l.chargeCategory !== "usage" || l.category === "adjustment";
  let parts = {
    dedicated: pick((l) => !isAdj(l) && l.endpoint === null && l.service === "AmazonSageMaker"),
    shared: pick((l) => !isAdj(l) && l.endpoint !== null),
    bedrock: pick((l) => !isAdj(l) && l.endpoint === null && l.service === "AmazonBedrock"),
    adjustments: pick(isAdj),
  };
  if (!sum(Object.values(parts)).equals(total)) {
    // The detail rows do not carry every unallocated amount: split the items instead.
    const items = r.unallocated.items;
    const itemSum = (f: (i: (typeof items)[number]) => boolean) =>
      sum(items.filter(f).map((i) => dec(i.cost)));
    parts = {
      dedicated: itemSum((i) => !isAdjustmentReason(i.reason) && i.service === "AmazonSageMaker"),
      shared: dec(0),
      bedrock: itemSum((i) => !isAdjustmentReason(i.reason) && i.service === "AmazonBedrock"),
      adjustments: itemSum((i) => isAdjustmentReason(i.reason)),
    };
  }
  return {
    dedicated: formatMoney(parts.dedicated),
    shared: formatMoney(parts.shared),
    bedrock: formatMoney(parts.bedrock),
    adjustments: formatMoney(parts.adjustments),
    total: formatMoney(total),
  };
}

/** The sum of the endpoints' `__idle__` lines. */
export function idleTotal(r: ChargebackReport): string {
  return formatMoney(sum(r.sharedEndpoints.map((e) => dec(e.idle))));
}

/** The unallocated amount as a LOB-table row's parts (dedicated, shared, Bedrock, adjustments, total). */
export function unallocatedParts(r: ChargebackReport): Readonly<Split> {
  return unallocatedSplit(r);
}

/**
 * Cost per LOB by category (dedicated, shared, Bedrock, adjustments), then the `__idle__` line (the sum of the
 * endpoints' idle lines) and the unallocated amount, then a total row equal to `reconciliation.reportTotal`: every
 * line that makes up the reconciled total.
 */
export function lobTable(r: ChargebackReport): Table {
  const fmt = (s: Split) => [
    money(s.dedicated),
    money(s.shared),
    money(s.bedrock),
    money(s.adjustments),
    money(s.total),
  ];
  const idle = idleTotal(r);
  const un = unallocatedSplit(r);
  const all: Split[] = [
    ...r.lobs.map((l) => ({
      dedicated: l.dedicated,
      shared: l.shared,
      bedrock: l.bedrock,
      adjustments: l.adjustments ?? "0.00",
      total: l.total,
    })),
    { dedicated: "0.00", shared: idle, bedrock: "0.00", adjustments: "0.00", total: idle },
    un,
  ];
  const col = (k: keyof Split) => formatMoney(sum(all.map((s) => dec(s[k]))));
  const rows = [
    ...r.lobs.map((l, i) => [l.lob, ...fmt(all[i] as Split)]),
    [IDLE_LABEL, ...fmt(all[r.lobs.length] as Split)],
    [UNALLOCATED_LABEL, ...fmt(un)],
    [
      TOTAL_LABEL,
      ...fmt({
        dedicated: col("dedicated"),
        shared: col("shared"),
        bedrock: col("bedrock"),
        adjustments: col("adjustments"),
        total: col("total"),
      }),
    ],
  ];
  return {
    id: "lobs",
    title: `Cost per line of business (${r.currency})`,
    columns: ["LOB", "Dedicated", "Shared", "Bedrock", "Adjustments", "Total"],
    numeric: [false, true, true, true, true, true],
    rows,
    totalRow: true,
    notes: [
      `${IDLE_LABEL} is the shared endpoints' idle capacity kept on its own line; ${UNALLOCATED_LABEL} is what no LOB could be charged (see below). The total equals the report total.`,
    ],
  };
}

/**
 * The tenant gateway's estimate beside the bill, per LOB with gateway calls: calls, the estimate, the billed total,
 * and the difference (billed − estimate), with a total row and the report's sentence that the bill is the charge.
 * No rows when the report has no gateway estimate.
 */
export function gatewayEstimateTable(r: ChargebackReport): Table {
  const g = r.gatewayEstimate;
  const fmt = (x: GatewayEstimateReport["total"]) => [
    count(x.calls),
    money(x.estimate),
    money(x.billed),
    money(x.difference),
  ];
  const rows = g ? [...g.lobs.map((l) => [l.lob, ...fmt(l)]), ["Total (these LOBs)", ...fmt(g.total)]] : [];
  return {
    id: "gateway-estimate",
    title: `Gateway estimate beside the bill (${r.currency})`,
    columns: ["LOB", "Gateway calls", "Gateway estimate", "Billed", "Difference (billed − estimate)"],
    numeric: [false, true, true, true, true],
    rows,
    totalRow: rows.length > 0,
    notes: g ? [g.note] : [],
  };
}

/** `credit:proportional` → `proportional`; a method without a policy part: `central` when unallocated, else `lob`. */
function policyOf(l: AllocationLine): string {
  const part = l.method.split(":")[1];
  if (part === "central" || part === "proportional" || part === "lob") return part;
  return l.lob === null ? "central" : "lob";
}

/**
 * Every adjustment amount (commitment, discount, credit, refund, tax) and where its policy put it: `central` (an
 * unallocated item), `proportional` (spread over the LOBs, each LOB's part in the LOB table's Adjustments column) or
 * a LOB. One row per category, policy, recipient and service.
 */
export function adjustmentTable(r: ChargebackReport): Table {
  interface Group {
    category: string;
    policy: string;
    service: string;
    lobs: Set<string>;
    cost: ReturnType<typeof dec>;
  }
  const groups = new Map<string, Group>();
  for (const l of r.lines) {
    if (l.chargeCategory === "usage" && l.category !== "adjustment") continue;
    const policy = policyOf(l);
    const who = policy === "lob" ? (l.lob ?? "") : "";
    const key = JSON.stringify([l.chargeCategory, policy, who, l.service]);
    let g = groups.get(key);
    if (!g) {
      g = { category: l.chargeCategory, policy, service: l.service, lobs: new Set(), cost: dec(0) };
      groups.set(key, g);
    }
    if (l.lob !== null) g.lobs.add(l.lob);
    g.cost = g.cost.plus(dec(l.cost));
  }
  const order = (c: string) => (COST_CATEGORIES as readonly string[]).indexOf(c);
  const sorted = [...groups.values()].sort(
    (a, b) =>
      order(a.category) - order(b.category) ||
      (a.policy < b.policy ? -1 : a.policy > b.policy ? 1 : 0) ||
      (a.service < b.service ? -1 : a.service > b.service ? 1 : 0) ||
      ([...a.lobs][0] ?? "").localeCompare([...b.lobs][0] ?? ""),
  );
  const assigned = (g: Group) =>
    g.policy === "central"
      ? `${UNALLOCATED_LABEL} (central)`
      : g.policy === "proportional"
        ? `${count(g.lobs.size)} LOB${g.lobs.size === 1 ? "" : "s"} in proportion to cost`
        : [...g.lobs].join(", ");
  const rows = sorted.map((g) => [
    categoryInWords(g.category as CostCategory),
    g.policy === "lob" ? "LOB" : g.policy,
    assigned(g),
    g.service,
    money(formatMoney(g.cost)),
  ]);
  if (rows.length > 0) rows.push(["Total", "", "", "", money(formatMoney(sum(sorted.map((g) => g.cost))))]);
  return {
    id: "adjustments",
    title: `Adjustments (${r.currency})`,
    columns: ["Category", "Policy", "Charged to", "Service", "Amount"],
    numeric: [false, false, false, false, true],
    rows,
    totalRow: rows.length > 0,
    notes: [
      "Amounts that are not a resource's usage (unused commitment, discounts, credits, refunds, tax), each placed by its costs.adjustments policy; never folded into untagged.",
    ],
  };
}

/** The explanation of one endpoint's split, in one sentence a finance reader can follow. */
export function endpointSentence(e: SharedEndpointReport, currency: string): string {
  const owner = e.owner ?? "its owner";
  const head = `${e.endpoint}: ${money(e.cost)} ${currency} for ${grouped(e.instanceHours)} instance-hours at ${percent(e.utilization)} utilization`;
  const charged = e.allocations.reduce((s, a) => s + (a.chargedTokens ?? a.weightedTokens), 0);
  if (charged === 0)
    return `${head}; no LOB used or reserved it this month, so all of it goes to its owner, ${owner}.`;
  const reserved = e.allocations.filter(
    (a) => a.chargedTokens !== undefined && a.chargedTokens > a.weightedTokens,
  );
  const reservedText =
    reserved.length === 0
      ? ""
      : `; ${reserved
          .map(
            (a) =>
              `${a.lob} reserved more than it used (${count(a.chargedTokens ?? 0)} charged vs ${count(a.weightedTokens)} used weighted tokens) and pays for its reservation`,
          )
          .join("; ")}`;
  const unused = e.unusedCost === undefined ? "" : ` (${money(e.unusedCost)} ${currency})`;
  const idle =
    e.idlePolicy === "separate"
      ? `kept on the ${IDLE_LABEL} line (${money(e.idle)} ${currency}), owned by ${owner}`
      : e.idlePolicy === "even"
        ? "split evenly among the LOBs that used or reserved it"
        : e.idlePolicy === "owner"
          ? `charged to its owner, ${owner}`
          : "spread in proportion to charged tokens";
  return `${head}; split in proportion to charged tokens (the larger of a LOB's weighted tokens and its reserved share of capacity)${reservedText}; the unused capacity${unused} is ${idle}.`;
}

/**
 * One row per shared endpoint: cost, hours, utilization, unused and idle line, raw and weighted tokens, and the two
 * per-million figures, both per 1M weighted tokens (docs/contracts.md#allocation-rules: their ratio is 1 / utilization).
 */
export function sharedEndpointTable(r: ChargebackReport): Table {
  const opt = (v: number | undefined) => (v === undefined ? "" : count(v));
  const measured = r.sharedEndpoints.some((e) => e.measuredUtilization !== undefined);
  const table: Table = {
    id: "shared-endpoints",
    title: `Shared endpoints (${r.currency})`,
    columns: [
      "Endpoint",
      "Cost",
      "Instance-hours",
      "Utilization",
      "Unused capacity",
      "Idle line",
      "Raw tokens",
      "Weighted tokens",
      "Effective per 1M weighted tokens",
      "At full utilization per 1M weighted tokens",
    ],
    numeric: [false, true, true, true, true, true, true, true, true, true],
    rows: r.sharedEndpoints.map((e) => [
      e.endpoint,
      money(e.cost),
      grouped(e.instanceHours),
      percent(e.utilization),
      e.unusedCost === undefined ? "" : money(e.unusedCost),
      money(e.idle),
      opt(e.totalTokens),
      opt(e.weightedTokens),
      e.effectiveCostPerMillionTokens == null ? "—" : grouped(e.effectiveCostPerMillionTokens),
      e.fullUtilizationCostPerMillionTokens == null ? "—" : grouped(e.fullUtilizationCostPerMillionTokens),
    ]),
    notes: r.sharedEndpoints.flatMap((e) =>
      e.measuredUtilization === undefined
        ? [endpointSentence(e, r.currency)]
        : [measuredSentence(e, r.currency), ...(e.idleExplanation ? [e.idleExplanation] : [])],
    ),
  };
  return measured ? withMeasuredColumn(table, r) : table;
}

/**
 * The table with a "Measured utilization" column after "Utilization" (only in reports where some endpoint's
 * utilization is measured, so token-only reports keep their columns).
 */
function withMeasuredColumn(t: Table, r: ChargebackReport): Table {
  const at = t.columns.indexOf("Utilization") + 1;
  const insert = <T>(xs: readonly T[], x: T) => [...xs.slice(0, at), x, ...xs.slice(at)];
  return {
    ...t,
    columns: insert(t.columns, "Measured utilization"),
    numeric: insert(t.numeric, true),
    rows: t.rows.map((row, i) => {
      const m = r.sharedEndpoints[i]?.measuredUtilization;
      return insert(row, m === undefined || m === null ? "—" : percent(m));
    }),
  };
}

/** One sentence on a measured endpoint: source, method, mode, measured beside token utilization, missing hours. */
export function measuredSentence(e: SharedEndpointReport, currency: string): string {
  const how =
    e.allocationMethod === "reserved-compute"
      ? "each LOB pays what its inference components reserved"
      : e.allocationMethod === "hybrid"
        ? "reservations first, the rest by weighted tokens"
        : "the measured use split by weighted tokens";
  const mode =
    e.mode === "hourly"
      ? "hour by hour (hourly cost lines)"
      : e.mode === "hourly-spread"
        ? "hour by hour (each day's cost spread evenly over its hours)"
        : "for the month as a whole";
  const measured =
    e.measuredUtilization === null || e.measuredUtilization === undefined
      ? "—"
      : percent(e.measuredUtilization);
  const missing =
    e.missingHours && e.missingHours.count > 0
      ? `; ${e.missingHours.count} hour(s) (${money(e.missingHours.cost)} ${currency}) had no measurement and were given the month's average`
      : "";
  return `${e.endpoint}: ${money(e.cost)} ${currency}, utilization measured by ${e.utilizationSource} at ${measured} (token-derived ${percent(e.utilization)}); ${how}, ${mode}${missing}.`;
}

/** Each LOB's share of each shared endpoint and its basis: tokens used, charged (reserved), used cost, idle share. */
export function sharedAllocationTable(r: ChargebackReport): Table {
  const opt = (v: number | undefined) => (v === undefined ? "" : count(v));
  return {
    id: "shared-allocations",
    title: `Shared endpoint allocations (${r.currency})`,
    columns: [
      "Endpoint",
      "LOB",
      "Calls",
      "Input tokens",
      "Output tokens",
      "Weighted tokens",
      "Charged tokens",
      "Used or reserved",
      "Idle share",
      "Cost",
    ],
    numeric: [false, false, true, true, true, true, true, true, true, true],
    rows: r.sharedEndpoints.flatMap((e) =>
      e.allocations.map((a) => [
        e.endpoint,
        a.lob,
        opt(a.invocations),
        count(a.inputTokens),
        count(a.outputTokens),
        count(a.weightedTokens),
        opt(a.chargedTokens),
        a.usedCost === undefined ? "" : money(a.usedCost),
        a.idleCost === undefined ? "" : money(a.idleCost),
        money(a.cost),
      ]),
    ),
  };
}

/** What no LOB could be charged, and why (`untagged`, `unknown-lob:<value>`, or an adjustment kept central). */
export function unallocatedTable(r: ChargebackReport): Table {
  const rows = r.unallocated.items.map((i) => [
    isAdjustmentReason(i.reason) ? `${i.reason} (adjustment, central)` : i.reason,
    i.service,
    money(i.cost),
  ]);
  if (rows.length > 0) rows.push(["Total", "", money(r.unallocated.total)]);
  return {
    id: "unallocated",
    title: `Unallocated (${r.currency})`,
    columns: ["Reason", "Service", "Cost"],
    numeric: [false, false, true],
    rows,
    totalRow: rows.length > 0,
  };
}

/** The sentence under the excluded table. */
export const EXCLUDED_NOTE =
  "These services are outside the chargeback's scope (SageMaker, SageMaker Savings Plans, Bedrock and the Marketplace Bedrock models): counted and summed here, not allocated and not in the reconciled total.";

/** The source's out-of-scope lines per service (lines, cost), with their total. */
export function excludedTable(r: ChargebackReport): Table {
  const rows = r.excluded.map((e) => [e.service, count(e.lines), money(e.cost)]);
  if (rows.length > 0)
    rows.push([
      "Total excluded",
      count(r.excluded.reduce((s, e) => s + e.lines, 0)),
      money(formatMoney(sum(r.excluded.map((e) => dec(e.cost))))),
    ]);
  return {
    id: "excluded",
    title: `Excluded: outside the chargeback (${r.currency})`,
    columns: ["Service", "Lines", "Cost"],
    numeric: [false, true, true],
    rows,
    totalRow: rows.length > 0,
    notes: [EXCLUDED_NOTE],
  };
}

/** The report's warnings, then the usage ledger's quality when it skipped or merged anything. */
export function reportWarnings(r: ChargebackReport): string[] {
  const out = [...(r.warnings ?? [])];
  const q = r.usageQuality;
  if (q && (q.malformed > 0 || q.duplicates > 0)) {
    const first = q.malformedLines?.[0];
    const where = first ? ` (first: ${first.file} line ${first.line}, ${first.reason})` : "";
    out.push(
      `Usage ledger: ${count(q.duplicates)} duplicate events counted once, ${count(q.malformed)} malformed lines of ${r.month} skipped${where}.`,
    );
  }
  return out;
}

/** Every table of the report, in reading order. Tables without rows are for the renderers to leave out. */
export function reportTables(r: ChargebackReport): Table[] {
  return [
    reconciliationTable(r),
    categoryTable(r),
    lobTable(r),
    gatewayEstimateTable(r),
    adjustmentTable(r),
    sharedEndpointTable(r),
    sharedAllocationTable(r),
    unallocatedTable(r),
    excludedTable(r),
  ];
}
