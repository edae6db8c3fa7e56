/**
 * The allocation engine (docs/contracts.md#allocation-rules): cost lines and usage in, the month's {@link ChargebackReport} out.
 * Pure: no I/O, no clock, exact decimals throughout, cents only at the end.
 */
import type { SharedEndpointConfig } from "../../core/index.js";
import {
  centsText,
  DataSourceError,
  type Decimal,
  formatMoney,
  fromUnits,
  REPORT_LINE_LABELS,
  roundToCentsConserving,
  roundUnitsConserving,
  sum,
  type TagPolicy,
  toCents,
  units,
  ZERO,
} from "../../core/index.js";
import {
  ADJUSTMENT_CATEGORIES,
  type AdjustmentCategory,
  type AdjustmentPolicy,
  type AllocationLine,
  type ChargebackReport,
  COST_CATEGORIES,
  type CostBasis,
  type CostCategory,
  type CostLine,
  type CostProvenance,
  type EndpointUsage,
  type ExcludedSummary,
  type GatewayEstimateInput,
  type InScopeService,
  type LobTotal,
  type SharedAllocation,
  type SharedEndpointReport,
  type UnallocatedItem,
  type UsageQuality,
  type UtilizationRecord,
} from "../model.js";
import {
  type ClassifyContext,
  classify,
  type Destination,
  findLob,
  type LobTagMatch,
  lobKeyMatcher,
  normalizeCurTagKey,
} from "./classify.js";
import { gatewayEstimateOf } from "./gateway-estimate.js";
import { allocateMeasured, isMeasured, type MeasuredAllocation, type MeasuredSummary } from "./measured.js";
import { inWindow, monthWindow } from "./month.js";
import { allocateSharedEndpoint, type SharedEndpointAllocation, splitUnitsOf } from "./shared-endpoint.js";

/** Everything the engine needs for one month. */
export interface AllocationInput {
  /** `YYYY-MM`; cost lines whose `usageStart` is outside the month are left out. */
  readonly month: string;
  /** The tag key and the LOB allowlist. */
  readonly policy: TagPolicy;
  /** The configured shared endpoints. */
  readonly sharedEndpoints: readonly SharedEndpointConfig[];
  /** In-scope cost lines (other services are ignored), each with its category, at {@link basis}. */
  readonly costs: readonly CostLine[];
  /** Shared-endpoint usage per endpoint and LOB, duplicates already removed. */
  readonly usage: readonly EndpointUsage[];
  /** Whether the figures are not final. @default false */
  readonly estimated?: boolean;
  /** ISO 4217 currency of the cost lines. @default "USD" */
  readonly currency?: string;
  /** Passed through to the report when given. */
  readonly usageQuality?: UsageQuality;
  /** The basis of the cost lines' amounts. @default "net-amortized" */
  readonly basis?: CostBasis;
  /** Where each adjustment category goes (`costs.adjustments`). @default every category `central` */
  readonly adjustments?: Readonly<Partial<Record<AdjustmentCategory, AdjustmentPolicy>>>;
  /** The source's out-of-scope lines, passed through to the report. @default [] */
  readonly excluded?: readonly ExcludedSummary[];
  /** The source's warnings, passed through ahead of the engine's own. @default [] */
  readonly warnings?: readonly string[];
  /** Where the cost lines came from, passed through. */
  readonly source?: CostProvenance;
  /**
   * Measured utilization of the shared endpoints whose `utilization` is `cloudwatch` or `components` (matched by
   * endpoint name, case-insensitively). @default []
   */
  readonly utilization?: readonly UtilizationRecord[];
  /** The tenant gateway's price estimates per LOB, shown beside the billed totals (`gatewayEstimate`). @default [] */
  readonly gatewayEstimates?: readonly GatewayEstimateInput[];
}

/**
 * Refuses usage that no source should produce: a negative, fractional or non-finite token or invocation count
 * (whatever the source: file ledger, CloudWatch, Athena or a caller's own).
 */
function assertUsageCounts(usage: readonly EndpointUsage[]): void {
  for (const u of usage)
    for (const field of ["invocations", "inputTokens", "outputTokens"] as const) {
      const v = u[field];
      if (!Number.isSafeInteger(v) || v < 0)
        throw new DataSourceError(
          `Usage of ${u.endpoint} by LOB ${JSON.stringify(u.lob)} has ${field} ${v}: counts must be whole numbers ≥ 0.`,
          { hint: "Check the usage source: a recorder or a hand edit wrote an impossible count." },
        );
    }
}

/** The name of a separate idle line (idle policy `separate`). */
export const IDLE_LOB = REPORT_LINE_LABELS.idle;

interface Totals {
  dedicated: Decimal;
  shared: Decimal;
  bedrock: Decimal;
  adjustments: Map<AdjustmentCategory, Decimal>;
}

interface Group {
  readonly service: InScopeService;
  readonly resourceId: string | null;
  readonly unit: string;
  readonly usageType: string;
  readonly productName: string | undefined;
  quantity: Decimal;
  cost: Decimal;
}

interface GroupedPool {
  readonly key: string;
  readonly chargeCategory: CostCategory;
  cost: Decimal;
  readonly groups: Map<string, Group>;
}

type Pool =
  | (GroupedPool & { kind: "lob"; lob: string; category: "dedicated" | "bedrock" })
  | (GroupedPool & { kind: "unallocated"; reason: string; service: InScopeService; method: string })
  | (GroupedPool & { kind: "lob-adjustment"; lob: string; category: AdjustmentCategory })
  | (GroupedPool & { kind: "proportional"; category: AdjustmentCategory; service: InScopeService })
  | {
      kind: "shared";
      key: string;
      chargeCategory: "usage";
      config: SharedEndpointConfig;
      cost: Decimal;
      hours: Decimal;
      resourceId: string | null;
      /** The pool's lines, kept when the endpoint is charged by measured utilization. */
      lines: CostLine[] | undefined;
    };

const HOSTING = /(^|-)Host:/i;
const IN_SCOPE = new Set<string>(["AmazonSageMaker", "AmazonBedrock"]);
const CENTRAL: Readonly<Record<AdjustmentCategory, AdjustmentPolicy>> = {
  commitment: "central",
  discount: "central",
  credit: "central",
  refund: "central",
  tax: "central",
};
/** At most this many tag keys are named in the "tag key matched nothing" warning. */
const KEYS_SHOWN = 20;

function unitOf(line: CostLine): string {
  if (line.unit) return line.unit;
  return line.service === "AmazonSageMaker" && /:ml\./i.test(line.usageType) ? "Hours" : "Units";
}

function addToGroup(groups: Map<string, Group>, line: CostLine): void {
  const gk = `${line.service}\u0000${line.resourceId ?? ""}\u0000${line.usageType}\u0000${line.productName ?? ""}`;
  const g = groups.get(gk);
  if (g) {
    g.quantity = g.quantity.plus(line.usageAmount);
    g.cost = g.cost.plus(line.cost);
  } else
    groups.set(gk, {
      service: line.service,
      resourceId: line.resourceId,
      unit: unitOf(line),
      usageType: line.usageType,
      productName: line.productName,
      quantity: line.usageAmount,
      cost: line.cost,
    });
}

/** Rounds `parts` to cents adding up to `whole`, keyed for ties. */
function roundParts<T>(whole: Decimal, parts: readonly T[], exact: (p: T) => Decimal, key: (p: T) => string) {
  return roundToCentsConserving(whole, parts.map(exact), parts.map(key));
}

function fixed4(d: Decimal | null): string | null {
  return d === null ? null : d.toFixed(4);
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Tag diagnostics gathered while the lines are classified. */
interface TagDiagnostics {
  /** Usage lines outside shared endpoints, whose LOB comes from their tag. */
  checked: number;
  matched: number;
  keysSeen: Set<string>;
  /** The tag maps whose keys are in {@link keysSeen} (lines may share one). */
  mapsSeen: WeakSet<object>;
  /** `"best key ↔ other key"` → lines on which they named different LOBs. */
  collisions: Map<string, number>;
}

/** Phase 1: every in-scope line of the month into its pool (docs/contracts.md#allocation-rules rules 1–3, §3.4 adjustment policies). */
function collectPools(input: AllocationInput): { pools: Map<string, Pool>; tags: TagDiagnostics } {
  const window = monthWindow(input.month);
  const ctx: ClassifyContext = {
    policy: input.policy,
    sharedNames: new Map(input.sharedEndpoints.map((e) => [e.name.toLowerCase(), e.name])),
    adjustments: { ...CENTRAL, ...input.adjustments },
    matcher: lobKeyMatcher(input.policy.tagKey),
  };
  const tags: TagDiagnostics = {
    checked: 0,
    matched: 0,
    keysSeen: new Set(),
    mapsSeen: new WeakSet(),
    collisions: new Map(),
  };
  const pools = new Map<string, Pool>();
  for (const e of input.sharedEndpoints)
    pools.set(`shared\u0000${e.name}`, {
      kind: "shared",
      key: `shared\u0000${e.name}`,
      chargeCategory: "usage",
      config: e,
      cost: ZERO,
      hours: ZERO,
      resourceId: null,
      lines: isMeasured(e) ? [] : undefined,
    });
  // lines of a source often share one tag map (the CUR reader's are per distinct tag text): matched once each
  const matches = new WeakMap<object, LobTagMatch>();
  for (const line of input.costs) {
    if (!IN_SCOPE.has(line.service) || !inWindow(window, line.usageStart)) continue;
    let match = matches.get(line.tags);
    if (match === undefined) {
      match = findLob(ctx.matcher, line.tags);
      matches.set(line.tags, match);
    }
    const d = classify(line, ctx, match);
    if (d.kind === "shared") {
      const p = pools.get(`shared\u0000${d.endpoint}`) as Extract<Pool, { kind: "shared" }>;
      p.cost = p.cost.plus(line.cost);
      if (HOSTING.test(line.usageType)) {
        if (line.category === "usage" && line.usageAmount.isNegative())
          throw new DataSourceError(
            `A hosting line of ${d.endpoint} has ${line.usageAmount.toString()} hours (${line.usageType}, ${line.resourceId ?? "no resource id"}): hosting hours cannot be negative.`,
            {
              hint: "Check the cost source: a refund or credit is a separate line type, not negative usage.",
            },
          );
        p.hours = p.hours.plus(line.usageAmount);
      }
      p.resourceId ??= line.resourceId;
      p.lines?.push(line);
      continue;
    }
    if (d.kind !== "adjustment") noteTags(tags, line, match);
    const p = poolFor(pools, d, line);
    p.cost = p.cost.plus(line.cost);
    addToGroup(p.groups, line);
  }
  return { pools, tags };
}

function noteTags(tags: TagDiagnostics, line: CostLine, match: LobTagMatch): void {
  tags.checked++;
  if (match.key !== undefined) tags.matched++;
  if (!tags.mapsSeen.has(line.tags)) {
    tags.mapsSeen.add(line.tags);
    for (const k of Object.keys(line.tags)) tags.keysSeen.add(k);
  }
  for (const other of match.conflicting) {
    const k = `${match.key} ↔ ${other}`;
    tags.collisions.set(k, (tags.collisions.get(k) ?? 0) + 1);
  }
}

/** The pool a non-shared destination's line goes to, made on first use. */
function poolFor(
  pools: Map<string, Pool>,
  d: Destination,
  line: CostLine,
): Exclude<Pool, { kind: "shared" }> {
  const base = (key: string, chargeCategory: CostCategory) => ({
    key,
    chargeCategory,
    cost: ZERO,
    groups: new Map<string, Group>(),
  });
  let key: string;
  let make: () => Exclude<Pool, { kind: "shared" }>;
  switch (d.kind) {
    case "lob":
      key = `lob\u0000${d.lob}\u0000${d.category}`;
      make = () => ({ ...base(key, "usage"), kind: "lob", lob: d.lob, category: d.category });
      break;
    case "unallocated":
      key = `unallocated\u0000${d.reason}\u0000${line.service}`;
      make = () => ({
        ...base(key, "usage"),
        kind: "unallocated",
        reason: d.reason,
        service: line.service,
        method: d.reason,
      });
      break;
    case "adjustment":
      if (d.policy === "central") {
        key = `unallocated\u0000${d.category}\u0000${line.service}`;
        make = () => ({
          ...base(key, d.category),
          kind: "unallocated",
          reason: d.category,
          service: line.service,
          method: `${d.category}:central`,
        });
      } else if (d.policy === "proportional") {
        key = `proportional\u0000${d.category}\u0000${line.service}`;
        make = () => ({
          ...base(key, d.category),
          kind: "proportional",
          category: d.category,
          service: line.service,
        });
      } else {
        const lob = d.policy;
        key = `adjustment\u0000${lob}\u0000${d.category}`;
        make = () => ({ ...base(key, d.category), kind: "lob-adjustment", lob, category: d.category });
      }
      break;
    case "shared":
      throw new Error("shared lines have their own pool");
  }
  let p = pools.get(key);
  if (!p) {
    p = make();
    pools.set(key, p);
  }
  return p as Exclude<Pool, { kind: "shared" }>;
}

/**
 * Phase 2: a fixed order, whatever the order of the input lines — shared endpoints as configured, LOB pools in
 * allowlist order, unallocated reasons, adjustments to a LOB, then proportional adjustments (which are split by
 * the LOB figures the others make).
 */
function orderPools(pools: Map<string, Pool>, lobs: readonly string[]): Pool[] {
  const lobRank = new Map(lobs.map((l, i) => [l, i]));
  const kindRank = { shared: 0, lob: 1, unallocated: 2, "lob-adjustment": 3, proportional: 4 } as const;
  const rank = (p: Pool): [number, number, string] => [
    kindRank[p.kind],
    p.kind === "lob" || p.kind === "lob-adjustment" ? (lobRank.get(p.lob) ?? 0) : 0,
    p.key,
  ];
  return [...pools.values()].sort((a, b) => {
    const [ka, ra, sa] = rank(a);
    const [kb, rb, sb] = rank(b);
    return ka - kb || ra - rb || byText(sa, sb);
  });
}

/** The running figures of phase 3. */
class Ledger {
  readonly totals: Map<string, Totals>;
  readonly unallocated = new Map<string, { reason: string; service: InScopeService; cost: Decimal }>();
  readonly lines: AllocationLine[] = [];
  readonly endpoints: SharedEndpointReport[] = [];
  readonly byCategory = new Map<CostCategory, Decimal>(COST_CATEGORIES.map((c) => [c, ZERO]));
  readonly warnings: string[] = [];
  idle = ZERO;

  constructor(readonly lobs: readonly string[]) {
    this.totals = new Map(
      lobs.map((l) => [l, { dedicated: ZERO, shared: ZERO, bedrock: ZERO, adjustments: new Map() }]),
    );
  }

  addUnallocated(reason: string, service: InScopeService, cents: Decimal): void {
    const k = `${reason}\u0000${service}`;
    const u = this.unallocated.get(k) ?? { reason, service, cost: ZERO };
    u.cost = u.cost.plus(cents);
    this.unallocated.set(k, u);
  }

  addAdjustment(lob: string, category: AdjustmentCategory, cents: Decimal): void {
    const t = this.totals.get(lob) as Totals;
    t.adjustments.set(category, (t.adjustments.get(category) ?? ZERO).plus(cents));
  }

  /** A LOB's allocated usage cost of one service (the weight of a proportional adjustment). */
  usageOf(lob: string, service: InScopeService): Decimal {
    const t = this.totals.get(lob) as Totals;
    return service === "AmazonBedrock" ? t.bedrock : t.dedicated.plus(t.shared);
  }
}

function poolMethod(pool: Exclude<Pool, { kind: "shared" | "proportional" }>): string {
  switch (pool.kind) {
    case "lob":
      return "tag";
    case "unallocated":
      return pool.method;
    case "lob-adjustment":
      return `${pool.category}:lob`;
  }
}

/** Phase 3a: one pool's cents over its resources, as detail rows, and into the LOB or unallocated figures. */
function settleGroupedPool(
  l: Ledger,
  pool: Exclude<Pool, { kind: "shared" | "proportional" }>,
  cents: Decimal,
) {
  const groups = [...pool.groups.entries()].sort(([a], [b]) => byText(a, b));
  const groupCents = roundParts(
    cents,
    groups,
    ([, g]) => g.cost,
    ([k]) => k,
  );
  const lob = pool.kind === "unallocated" ? null : pool.lob;
  const category: AllocationLine["category"] =
    pool.kind === "lob" ? pool.category : pool.kind === "unallocated" ? "unallocated" : "adjustment";
  groups.forEach(([, g], j) => {
    const c = groupCents[j] as Decimal;
    if (c.isZero() && g.cost.isZero()) return;
    l.lines.push({
      lob,
      category,
      service: g.service,
      resourceId: g.resourceId,
      endpoint: null,
      method: poolMethod(pool),
      chargeCategory: pool.chargeCategory,
      usageType: g.usageType,
      ...(g.productName ? { productName: g.productName } : {}),
      consumedQuantity: g.quantity.toString(),
      consumedUnit: g.unit,
      cost: formatMoney(c),
    });
  });
  if (pool.kind === "lob") {
    const t = l.totals.get(pool.lob) as Totals;
    t[pool.category] = t[pool.category].plus(cents);
  } else if (pool.kind === "unallocated") l.addUnallocated(pool.reason, pool.service, cents);
  else l.addAdjustment(pool.lob, pool.category, cents);
}

/** Phase 3b: one shared endpoint split by its usage (docs/contracts.md#allocation-rules) and rounded to its cents. */
function settleSharedPool(
  l: Ledger,
  pool: Extract<Pool, { kind: "shared" }>,
  cents: Decimal,
  byEndpoint: {
    usage: ReadonlyMap<string, EndpointUsage[]>;
    records: ReadonlyMap<string, UtilizationRecord[]>;
  },
  month: string,
) {
  const key = pool.config.name.toLowerCase();
  const usage = byEndpoint.usage.get(key) ?? [];
  const alloc: SharedEndpointAllocation | MeasuredAllocation = pool.lines
    ? allocateMeasured(pool.config, {
        month,
        lines: pool.lines,
        usage,
        records: byEndpoint.records.get(key) ?? [],
      })
    : allocateSharedEndpoint(pool.config, { cost: pool.cost, instanceHours: pool.hours, usage });
  const measured = (alloc as Partial<MeasuredAllocation>).measured;
  if (measured) l.warnings.push(...measured.warnings);
  const r = roundShared(alloc, cents, pool.resourceId ?? pool.config.name, measured);
  l.endpoints.push(r.report);
  // usage of a LOB outside the allowlist is unallocated, in the detail rows as in the totals
  for (const row of r.lines)
    l.lines.push(
      row.lob === null || row.lob === IDLE_LOB || l.totals.has(row.lob)
        ? row
        : { ...row, lob: null, category: "unallocated", method: `unknown-lob:${row.lob}` },
    );
  l.idle = l.idle.plus(r.idle);
  for (const [lob, c] of r.byLob) {
    const t = l.totals.get(lob);
    if (t) t.shared = t.shared.plus(c);
    else l.addUnallocated(`unknown-lob:${lob}`, "AmazonSageMaker", c);
  }
}

/**
 * Phase 3c: a proportional adjustment spread over the LOBs in proportion to their allocated usage cost of the same
 * service (cents, largest remainder). With no LOB cost of that service it stays central, and a warning says so.
 */
function settleProportionalPool(l: Ledger, pool: Extract<Pool, { kind: "proportional" }>, cents: Decimal) {
  const weights = l.lobs
    .map((lob) => ({ lob, w: l.usageOf(lob, pool.service) }))
    .filter((x) => x.w.greaterThan(0));
  const W = sum(weights.map((x) => x.w));
  if (W.isZero()) {
    l.warnings.push(
      `The ${pool.category} of ${pool.service} (${formatMoney(cents)}) could not be spread in proportion: no LOB has ${pool.service} cost; it is kept central.`,
    );
    settleGroupedPool(
      l,
      { ...pool, kind: "unallocated", reason: pool.category, method: `${pool.category}:central` },
      cents,
    );
    return;
  }
  const shares = roundParts(
    cents,
    weights,
    (x) => cents.times(x.w).dividedBy(W),
    (x) => x.lob,
  );
  const groups = [...pool.groups.values()];
  const usageType = groups.length === 1 ? (groups[0] as Group).usageType : null;
  weights.forEach((x, i) => {
    const c = shares[i] as Decimal;
    l.addAdjustment(x.lob, pool.category, c);
    if (c.isZero()) return;
    l.lines.push({
      lob: x.lob,
      category: "adjustment",
      service: pool.service,
      resourceId: null,
      endpoint: null,
      method: `${pool.category}:proportional`,
      chargeCategory: pool.category,
      usageType,
      consumedQuantity: x.w.toFixed(2),
      consumedUnit: `${pool.service} cost`,
      cost: formatMoney(c),
    });
  });
}

/** The engine's own warnings about the LOB tag. */
function tagWarnings(tags: TagDiagnostics, tagKey: string): string[] {
  const out: string[] = [];
  if (tags.checked > 0 && tags.matched === 0) {
    const seen = [...tags.keysSeen].sort(byText);
    const shown = seen.slice(0, KEYS_SHOWN).join(", ");
    out.push(
      `No cost line carries the LOB tag "${tagKey}" (looked for user_${normalizeCurTagKey(tagKey)}, ` +
        `user_${tagKey} in any case, resourceTags/${tagKey}, ${tagKey}); ` +
        (seen.length === 0
          ? "the lines have no tags at all: activate the tag as a cost allocation tag and include resource_tags in the export."
          : `tag keys seen: ${shown}${seen.length > KEYS_SHOWN ? `, … (${seen.length} in all)` : ""}.`),
    );
  }
  for (const [pair, n] of [...tags.collisions].sort(([a], [b]) => byText(a, b)))
    out.push(
      `Tag keys ${pair} both name the LOB, with different values, on ${n} line(s); the first was used.`,
    );
  return out;
}

/**
 * Allocates one month's costs to LOBs (docs/contracts.md#allocation-rules) and returns the report of §3.6 with its detail rows.
 *
 * Rounding is hierarchical, by the largest-remainder method at each level, so every published figure is the
 * exact sum of the figures below it: the source total (exact sum rounded half-up to cents) is split over the
 * pools (each LOB's dedicated and Bedrock cost, each shared endpoint, each unallocated reason and service, each
 * adjustment category by its policy); each shared endpoint's cents over its LOBs' used and idle parts and its
 * `__idle__` line; a proportional adjustment's cents over the LOBs by their allocated cost of its service; every
 * other pool over its resources. A LOB's `shared` figure is the sum of its rounded endpoint allocations.
 *
 * @example
 * ```ts
 * const report = allocate({ month: "2026-10", policy: { tagKey: "LineOfBusiness", lobs: ["retail"] },
 *   sharedEndpoints: [], costs, usage: [], adjustments: { tax: "proportional" } });
 * report.reconciliation.difference; // "0.00"
 * ```
 */
export function allocate(input: AllocationInput): ChargebackReport {
  assertUsageCounts(input.usage);
  const window = monthWindow(input.month);
  const { policy } = input;
  const { pools, tags } = collectPools(input);
  const poolList = orderPools(pools, policy.lobs);
  const sourceTotal = toCents(sum(poolList.map((p) => p.cost)));
  const poolCents = roundParts(
    sourceTotal,
    poolList,
    (p) => p.cost,
    (p) => p.key,
  );

  const usageByEndpoint = groupByEndpoint(input.usage);
  const recordsByEndpoint = groupByEndpoint(input.utilization ?? []);
  const l = new Ledger(policy.lobs);
  poolList.forEach((pool, i) => {
    const cents = poolCents[i] as Decimal;
    l.byCategory.set(pool.chargeCategory, (l.byCategory.get(pool.chargeCategory) as Decimal).plus(cents));
    if (pool.kind === "shared")
      settleSharedPool(l, pool, cents, { usage: usageByEndpoint, records: recordsByEndpoint }, input.month);
    else if (pool.kind === "proportional") settleProportionalPool(l, pool, cents);
    else settleGroupedPool(l, pool, cents);
  });
  return assembleReport(input, window.month, l, sourceTotal, tags);
}

/** Items by their endpoint's name, lower case. */
function groupByEndpoint<T extends { readonly endpoint: string }>(items: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const u of items) {
    const k = u.endpoint.toLowerCase();
    const list = out.get(k);
    if (list) list.push(u);
    else out.set(k, [u]);
  }
  return out;
}

/** Phase 4: the §3.6 document from the settled figures. */
function assembleReport(
  input: AllocationInput,
  month: string,
  l: Ledger,
  sourceTotal: Decimal,
  tags: TagDiagnostics,
): ChargebackReport {
  const lobTotal = (t: Totals) =>
    t.dedicated.plus(t.shared).plus(t.bedrock).plus(sum(t.adjustments.values()));
  const lobs: LobTotal[] = input.policy.lobs.map((lob) => {
    const t = l.totals.get(lob) as Totals;
    const byCategory: Partial<Record<AdjustmentCategory, string>> = {};
    for (const c of ADJUSTMENT_CATEGORIES) {
      const v = t.adjustments.get(c);
      if (v !== undefined && !v.isZero()) byCategory[c] = formatMoney(v);
    }
    return {
      lob,
      total: formatMoney(lobTotal(t)),
      dedicated: formatMoney(t.dedicated),
      shared: formatMoney(t.shared),
      bedrock: formatMoney(t.bedrock),
      adjustments: formatMoney(sum(t.adjustments.values())),
      ...(Object.keys(byCategory).length > 0 ? { adjustmentsByCategory: byCategory } : {}),
    };
  });
  const items: UnallocatedItem[] = [...l.unallocated.values()]
    .sort((a, b) => byText(a.reason, b.reason) || byText(a.service, b.service))
    .map((u) => ({ reason: u.reason, service: u.service, cost: formatMoney(u.cost) }));
  const unallocatedTotal = sum([...l.unallocated.values()].map((u) => u.cost));
  const reportTotal = sum([...l.totals.values()].map(lobTotal))
    .plus(l.idle)
    .plus(unallocatedTotal);
  const byCategory = Object.fromEntries(
    COST_CATEGORIES.map((c) => [c, formatMoney(l.byCategory.get(c) as Decimal)]),
  ) as Record<CostCategory, string>;
  const warnings = [...(input.warnings ?? []), ...tagWarnings(tags, input.policy.tagKey), ...l.warnings];
  const gatewayEstimate = gatewayEstimateOf(input.gatewayEstimates ?? [], lobs);
  return {
    schemaVersion: 1,
    month,
    currency: input.currency ?? "USD",
    lobs,
    sharedEndpoints: l.endpoints,
    unallocated: { total: formatMoney(unallocatedTotal), items },
    reconciliation: {
      sourceTotal: formatMoney(sourceTotal),
      reportTotal: formatMoney(reportTotal),
      difference: formatMoney(reportTotal.minus(sourceTotal)),
      estimated: input.estimated ?? false,
      basis: input.basis ?? "net-amortized",
      byCategory,
    },
    excluded: (input.excluded ?? []).map((e) => ({
      service: e.service,
      lines: e.lines,
      cost: formatMoney(e.cost),
    })),
    ...(warnings.length > 0 ? { warnings } : {}),
    ...(input.source ? { source: input.source } : {}),
    ...(input.usageQuality ? { usageQuality: input.usageQuality } : {}),
    ...(gatewayEstimate ? { gatewayEstimate } : {}),
    lines: l.lines,
  };
}

/** The report fields of a measured split (docs/utilization.md); the defaults of the token split otherwise. */
function measuredFields(
  a: SharedEndpointAllocation,
  m: MeasuredSummary | undefined,
  idleByLob: readonly { readonly lob: string; readonly cents: Decimal }[],
  idleLine: Decimal,
): Partial<SharedEndpointReport> {
  const idleTotal = sum(idleByLob.map((x) => x.cents)).plus(idleLine);
  const why =
    m === undefined || m.source === "tokens"
      ? "capacity not used by weighted tokens"
      : m.source === "cloudwatch"
        ? `capacity measured idle (${m.mode === "monthly" ? "month" : "hour by hour"}, average use ${pct(m.utilization)})`
        : `capacity no inference component reserved (average reserved ${pct(m.utilization)})`;
  const where = a.ownerFallback
    ? `nobody used the endpoint, so all of it went to the owner ${a.owner}`
    : idleTotal.isZero()
      ? "nothing was idle"
      : a.idlePolicy === "separate"
        ? `kept as the endpoint's __idle__ line`
        : `charged ${a.idlePolicy === "owner" ? "to the owner" : a.idlePolicy === "even" ? "evenly" : "in proportion to use"}: ${idleByLob.map((x) => `${x.lob} ${formatMoney(x.cents)}`).join(", ")}`;
  const idleExplanation = `Idle ${formatMoney(idleTotal)}: ${why}; ${where}.`;
  if (m === undefined) return { idleExplanation };
  return {
    utilizationSource: m.source,
    allocationMethod: m.method,
    mode: m.mode,
    measuredUtilization: m.utilization === null ? null : Number(m.utilization.toDecimalPlaces(6)),
    missingHours: {
      count: m.missing.hours.length,
      cost: formatMoney(m.missing.cost),
      hours: m.missing.hours,
    },
    idleExplanation,
    ...(m.hourly.length > 0
      ? {
          hourly: m.hourly.map((h) => ({
            hour: h.hour,
            utilization: h.utilization === null ? null : Number(h.utilization.toDecimalPlaces(4)),
          })),
        }
      : {}),
  };
}

function pct(d: Decimal | null): string {
  return d === null ? "n/a" : `${d.times(100).toFixed(1)}%`;
}

interface RoundedShared {
  readonly report: SharedEndpointReport;
  readonly lines: AllocationLine[];
  /** Cents per LOB (used + idle share). */
  readonly byLob: Map<string, Decimal>;
  /** Cents of the `__idle__` line. */
  readonly idle: Decimal;
}

/** Rounds one endpoint's exact split to its pool's cents and makes its report entry and detail rows. */
function roundShared(
  a: SharedEndpointAllocation,
  cents: Decimal,
  resourceId: string,
  measured: MeasuredSummary | undefined,
): RoundedShared {
  // share j's used and idle parts are parts 2j and 2j + 1; the __idle__ line is the last; rounded in integer units
  const u = splitUnitsOf(a);
  const parts: bigint[] = [];
  const keys: string[] = [];
  for (const s of a.shares) {
    parts.push(u.used.get(s.lob) ?? 0n, u.idle.get(s.lob) ?? 0n);
    keys.push(`${s.lob}\u0000used`, `${s.lob}\u0000idle`);
  }
  parts.push(u.idleLine);
  keys.push(`${IDLE_LOB}\u0000line`);
  const pc = roundUnitsConserving(units(cents, u.places), parts, 10n ** BigInt(u.places - 2), keys);

  const lines: AllocationLine[] = [];
  const byLob = new Map<string, Decimal>();
  const idleCents: { readonly lob: string; readonly cents: Decimal }[] = [];
  const allocations: SharedAllocation[] = a.shares.map((s, j) => {
    const used = pc[2 * j] as bigint;
    const idle = pc[2 * j + 1] as bigint;
    if (idle > 0n) idleCents.push({ lob: s.lob, cents: fromUnits(idle, 2) });
    const total = used + idle;
    byLob.set(s.lob, fromUnits(total, 2));
    // each figure formatted once, for the detail rows and the allocation alike
    const usedText = centsText(used);
    const idleText = centsText(idle);
    const chargedText = s.chargedTokens.toString();
    const row = (method: string, quantity: string, unit: string, cost: string): AllocationLine => ({
      lob: s.lob,
      category: "shared",
      service: "AmazonSageMaker",
      resourceId,
      endpoint: a.endpoint,
      method,
      consumedQuantity: quantity,
      consumedUnit: unit,
      cost,
      chargeCategory: "usage",
      usageType: null,
    });
    if (used !== 0n || (u.used.get(s.lob) ?? 0n) !== 0n)
      lines.push(
        s.method === "owner-fallback"
          ? row(s.method, a.instanceHours.toString(), "Hours", usedText)
          : s.capacityHours !== undefined
            ? row(s.method, s.capacityHours.toDecimalPlaces(6).toString(), "Hours", usedText)
            : row(s.method, chargedText, "Tokens", usedText),
      );
    if (idle !== 0n || (u.idle.get(s.lob) ?? 0n) !== 0n)
      lines.push(row(`idle:${a.idlePolicy}`, "0", "Tokens", idleText));
    const allocation: { -readonly [K in keyof SharedAllocation]: SharedAllocation[K] } = {
      lob: s.lob,
      inputTokens: s.inputTokens,
      outputTokens: s.outputTokens,
      weightedTokens: s.weightedTokens.toNumber(),
      cost: centsText(total),
      invocations: s.invocations,
      chargedTokens: Number(chargedText),
      usedCost: usedText,
      idleCost: idleText,
    };
    if (s.capacityHours !== undefined)
      allocation.capacityHours = s.capacityHours.toDecimalPlaces(6).toString();
    if (measured?.source === "components")
      allocation.reservedShare = Number((measured.reserved.get(s.lob) ?? ZERO).toDecimalPlaces(6));
    return allocation;
  });
  const idleLineCents = pc[parts.length - 1] as bigint;
  const idle = fromUnits(idleLineCents, 2);
  if (idleLineCents !== 0n || u.idleLine !== 0n)
    lines.push({
      lob: IDLE_LOB,
      category: "idle",
      service: "AmazonSageMaker",
      resourceId,
      endpoint: a.endpoint,
      method: "idle:separate",
      consumedQuantity: measured
        ? a.instanceHours
            .minus(sum(a.shares.map((s) => s.capacityHours ?? ZERO)))
            .toDecimalPlaces(6)
            .toString()
        : a.capacityTokens.minus(a.chargedTokens).toString(),
      consumedUnit: measured ? "Hours" : "Tokens",
      cost: formatMoney(idle),
      chargeCategory: "usage",
      usageType: null,
    });
  return {
    report: {
      endpoint: a.endpoint,
      cost: formatMoney(cents),
      instanceHours: a.instanceHours.toString(),
      utilization: Number(a.utilization.toDecimalPlaces(6)),
      allocations,
      idle: formatMoney(idle),
      owner: a.owner,
      idlePolicy: a.idlePolicy,
      capacityTokens: a.capacityTokens.toString(),
      totalTokens: a.totalTokens,
      weightedTokens: a.weightedTokens.toNumber(),
      invocations: a.invocations,
      unusedCost: formatMoney(toCents(a.unusedCost)),
      effectiveCostPerMillionTokens: fixed4(a.effectiveCostPerMillionTokens),
      fullUtilizationCostPerMillionTokens: fixed4(a.fullUtilizationCostPerMillionTokens),
      ...measuredFields(a, measured, idleCents, idle),
    },
    lines,
    byLob,
    idle,
  };
}
