/**
 * The allocation engine (DESIGN §3.5): cost lines and usage in, the month's {@link ChargebackReport} out.
 * Pure: no I/O, no clock, exact decimals throughout, cents only at the end.
 */
import type { SharedEndpointConfig } from "../../core/config.js";
import { type Decimal, formatMoney, roundToCentsConserving, sum, toCents, ZERO } from "../../core/money.js";
import type { TagPolicy } from "../../core/tags.js";
import type {
  AllocationLine,
  ChargebackReport,
  CostBasis,
  CostLine,
  EndpointUsage,
  ExcludedSummary,
  InScopeService,
  LobTotal,
  SharedAllocation,
  SharedEndpointReport,
  UnallocatedItem,
} from "../model.js";
import { classify } from "./classify.js";
import { inWindow, monthWindow } from "./month.js";
import { allocateSharedEndpoint, type SharedEndpointAllocation } from "./shared-endpoint.js";

/** Everything the engine needs for one month. */
export interface AllocationInput {
  /** `YYYY-MM`; cost lines whose `usageStart` is outside the month are left out. */
  readonly month: string;
  /** The tag key and the LOB allowlist. */
  readonly policy: TagPolicy;
  /** The configured shared endpoints. */
  readonly sharedEndpoints: readonly SharedEndpointConfig[];
  /** In-scope cost lines (other services are ignored). */
  readonly costs: readonly CostLine[];
  /** Shared-endpoint usage per endpoint and LOB, duplicates already removed. */
  readonly usage: readonly EndpointUsage[];
  /** Whether the figures are not final. @default false */
  readonly estimated?: boolean;
  /** ISO 4217 currency of the cost lines. @default "USD" */
  readonly currency?: string;
  /** Passed through to the report when given. */
  readonly usageQuality?: { readonly malformed: number; readonly duplicates: number };
  /** The basis of the cost lines' amounts. @default "net-amortized" */
  readonly basis?: CostBasis;
  /** The source's out-of-scope lines, passed through to the report. @default [] */
  readonly excluded?: readonly ExcludedSummary[];
}

/** The name of a separate idle line (idle policy `separate`). */
export const IDLE_LOB = "__idle__";

interface Totals {
  dedicated: Decimal;
  shared: Decimal;
  bedrock: Decimal;
}

interface Group {
  readonly service: InScopeService;
  readonly resourceId: string | null;
  readonly unit: string;
  readonly usageType: string;
  quantity: Decimal;
  cost: Decimal;
}

type Pool =
  | {
      kind: "lob";
      key: string;
      lob: string;
      category: "dedicated" | "bedrock";
      cost: Decimal;
      groups: Map<string, Group>;
    }
  | {
      kind: "unallocated";
      key: string;
      reason: string;
      service: InScopeService;
      cost: Decimal;
      groups: Map<string, Group>;
    }
  | {
      kind: "shared";
      key: string;
      config: SharedEndpointConfig;
      cost: Decimal;
      hours: Decimal;
      resourceId: string | null;
    };

const HOSTING = /(^|-)Host:/i;
const IN_SCOPE = new Set<string>(["AmazonSageMaker", "AmazonBedrock"]);

function unitOf(line: CostLine): string {
  if (line.unit) return line.unit;
  return line.service === "AmazonSageMaker" && /:ml\./i.test(line.usageType) ? "Hours" : "Units";
}

function addToGroup(groups: Map<string, Group>, line: CostLine): void {
  const gk = `${line.resourceId ?? ""}\u0000${line.usageType}`;
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

/**
 * Allocates one month's costs to LOBs (DESIGN §3.5) and returns the report of §3.6 with its detail rows.
 *
 * Rounding is hierarchical, by the largest-remainder method at each level, so every published figure is the
 * exact sum of the figures below it: the source total (exact sum rounded half-up to cents) is split over the
 * pools (each LOB's dedicated and Bedrock cost, each shared endpoint, each unallocated reason and service); each
 * shared endpoint's cents over its LOBs' used and idle parts and its `__idle__` line; every other pool over its
 * resources. A LOB's `shared` figure is the sum of its rounded endpoint allocations.
 *
 * @example
 * ```ts
 * const report = allocate({ month: "2026-10", policy: { tagKey: "LineOfBusiness", lobs: ["retail"] },
 *   sharedEndpoints: [], costs, usage: [] });
 * report.reconciliation.difference; // "0.00"
 * ```
 */
export function allocate(input: AllocationInput): ChargebackReport {
  const window = monthWindow(input.month);
  const { policy } = input;
  const sharedNames = new Map(input.sharedEndpoints.map((e) => [e.name.toLowerCase(), e.name]));
  const pools = new Map<string, Pool>();
  for (const e of input.sharedEndpoints)
    pools.set(`shared\u0000${e.name}`, {
      kind: "shared",
      key: `shared\u0000${e.name}`,
      config: e,
      cost: ZERO,
      hours: ZERO,
      resourceId: null,
    });

  for (const line of input.costs) {
    if (!IN_SCOPE.has(line.service) || !inWindow(window, line.usageStart)) continue;
    const d = classify(line, policy, sharedNames);
    if (d.kind === "shared") {
      const p = pools.get(`shared\u0000${d.endpoint}`) as Extract<Pool, { kind: "shared" }>;
      p.cost = p.cost.plus(line.cost);
      if (HOSTING.test(line.usageType)) p.hours = p.hours.plus(line.usageAmount);
      p.resourceId ??= line.resourceId;
      continue;
    }
    const key = d.kind === "lob" ? `${d.lob}\u0000${d.category}` : `\uffff${d.reason}\u0000${line.service}`;
    let p = pools.get(key);
    if (!p) {
      p =
        d.kind === "lob"
          ? { kind: "lob", key, lob: d.lob, category: d.category, cost: ZERO, groups: new Map() }
          : {
              kind: "unallocated",
              key,
              reason: d.reason,
              service: line.service,
              cost: ZERO,
              groups: new Map(),
            };
      pools.set(key, p);
    }
    if (p.kind === "shared") continue;
    p.cost = p.cost.plus(line.cost);
    addToGroup(p.groups, line);
  }

  // A fixed order, whatever the order of the input lines: shared endpoints as configured, then LOB pools in
  // allowlist order, then unallocated reasons.
  const lobRank = new Map(policy.lobs.map((l, i) => [l, i]));
  const rank = (p: Pool): [number, number, string] =>
    p.kind === "shared"
      ? [0, 0, ""]
      : p.kind === "lob"
        ? [1, lobRank.get(p.lob) ?? 0, p.category]
        : [2, 0, p.key];
  const poolList = [...pools.values()].sort((a, b) => {
    const [ka, ra, sa] = rank(a);
    const [kb, rb, sb] = rank(b);
    return ka - kb || ra - rb || (sa < sb ? -1 : sa > sb ? 1 : 0);
  });
  const sourceExact = sum(poolList.map((p) => p.cost));
  const sourceTotal = toCents(sourceExact);
  const poolCents = roundParts(
    sourceTotal,
    poolList,
    (p) => p.cost,
    (p) => p.key,
  );

  const lobSet = new Set(policy.lobs);
  const totals = new Map<string, Totals>(
    policy.lobs.map((l) => [l, { dedicated: ZERO, shared: ZERO, bedrock: ZERO }]),
  );
  const unallocated = new Map<string, { reason: string; service: InScopeService; cost: Decimal }>();
  const addUnallocated = (reason: string, service: InScopeService, cents: Decimal) => {
    const k = `${reason}\u0000${service}`;
    const u = unallocated.get(k) ?? { reason, service, cost: ZERO };
    u.cost = u.cost.plus(cents);
    unallocated.set(k, u);
  };
  const usageByEndpoint = new Map<string, EndpointUsage[]>();
  for (const u of input.usage) {
    const k = u.endpoint.toLowerCase();
    const list = usageByEndpoint.get(k);
    if (list) list.push(u);
    else usageByEndpoint.set(k, [u]);
  }
  const lines: AllocationLine[] = [];
  const endpoints: SharedEndpointReport[] = [];
  let idleTotal = ZERO;

  poolList.forEach((pool, i) => {
    const cents = poolCents[i] as Decimal;
    if (pool.kind === "shared") {
      const usage = usageByEndpoint.get(pool.config.name.toLowerCase()) ?? [];
      const alloc = allocateSharedEndpoint(pool.config, {
        cost: pool.cost,
        instanceHours: pool.hours,
        usage,
      });
      const r = roundShared(alloc, cents, pool.resourceId ?? pool.config.name);
      endpoints.push(r.report);
      lines.push(...r.lines);
      idleTotal = idleTotal.plus(r.idle);
      for (const [lob, c] of r.byLob) {
        const t = totals.get(lob);
        if (t && lobSet.has(lob)) t.shared = t.shared.plus(c);
        else addUnallocated(`unknown-lob:${lob}`, "AmazonSageMaker", c);
      }
      return;
    }
    const groups = [...pool.groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const groupCents = roundParts(
      cents,
      groups,
      ([, g]) => g.cost,
      ([k]) => k,
    );
    groups.forEach(([, g], j) => {
      const c = groupCents[j] as Decimal;
      if (c.isZero() && g.cost.isZero()) return;
      lines.push({
        lob: pool.kind === "lob" ? pool.lob : null,
        category: pool.kind === "lob" ? pool.category : "unallocated",
        service: g.service,
        resourceId: g.resourceId,
        endpoint: null,
        method: pool.kind === "lob" ? "tag" : pool.reason,
        chargeCategory: "usage",
        usageType: g.usageType,
        consumedQuantity: g.quantity.toString(),
        consumedUnit: g.unit,
        cost: formatMoney(c),
      });
    });
    if (pool.kind === "lob") {
      const t = totals.get(pool.lob) as Totals;
      t[pool.category] = t[pool.category].plus(cents);
    } else addUnallocated(pool.reason, pool.service, cents);
  });

  const lobs: LobTotal[] = policy.lobs.map((lob) => {
    const t = totals.get(lob) as Totals;
    return {
      lob,
      total: formatMoney(t.dedicated.plus(t.shared).plus(t.bedrock)),
      dedicated: formatMoney(t.dedicated),
      shared: formatMoney(t.shared),
      bedrock: formatMoney(t.bedrock),
      adjustments: "0.00",
    };
  });
  const items: UnallocatedItem[] = [...unallocated.values()]
    .sort((a, b) => (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : a.service < b.service ? -1 : 1))
    .map((u) => ({ reason: u.reason, service: u.service, cost: formatMoney(u.cost) }));
  const unallocatedTotal = sum([...unallocated.values()].map((u) => u.cost));
  const lobTotal = sum([...totals.entries()].map(([, t]) => t.dedicated.plus(t.shared).plus(t.bedrock)));
  const reportTotal = lobTotal.plus(idleTotal).plus(unallocatedTotal);
  return {
    schemaVersion: 1,
    month: window.month,
    currency: input.currency ?? "USD",
    lobs,
    sharedEndpoints: endpoints,
    unallocated: { total: formatMoney(unallocatedTotal), items },
    reconciliation: {
      sourceTotal: formatMoney(sourceTotal),
      reportTotal: formatMoney(reportTotal),
      difference: formatMoney(reportTotal.minus(sourceTotal)),
      estimated: input.estimated ?? false,
      basis: input.basis ?? "net-amortized",
      byCategory: {
        usage: formatMoney(sourceTotal),
        commitment: "0.00",
        discount: "0.00",
        credit: "0.00",
        refund: "0.00",
        tax: "0.00",
      },
    },
    excluded: (input.excluded ?? []).map((e) => ({
      service: e.service,
      lines: e.lines,
      cost: formatMoney(e.cost),
    })),
    ...(input.usageQuality ? { usageQuality: input.usageQuality } : {}),
    lines,
  };
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
function roundShared(a: SharedEndpointAllocation, cents: Decimal, resourceId: string): RoundedShared {
  interface Part {
    readonly lob: string;
    readonly kind: "used" | "idle" | "line";
    readonly exact: Decimal;
  }
  const parts: Part[] = [];
  for (const s of a.shares) {
    parts.push({ lob: s.lob, kind: "used", exact: s.used });
    parts.push({ lob: s.lob, kind: "idle", exact: s.idle });
  }
  parts.push({ lob: IDLE_LOB, kind: "line", exact: a.idleLine });
  const pc = roundParts(
    cents,
    parts,
    (p) => p.exact,
    (p) => `${p.lob}\u0000${p.kind}`,
  );
  const index = new Map(parts.map((p, i) => [`${p.lob}\u0000${p.kind}`, i]));
  const centsOf = (lob: string, kind: Part["kind"]) =>
    pc[index.get(`${lob}\u0000${kind}`) as number] as Decimal;

  const lines: AllocationLine[] = [];
  const byLob = new Map<string, Decimal>();
  const allocations: SharedAllocation[] = a.shares.map((s) => {
    const used = centsOf(s.lob, "used");
    const idle = centsOf(s.lob, "idle");
    byLob.set(s.lob, used.plus(idle));
    const row = (method: string, quantity: string, unit: string, cost: Decimal): AllocationLine => ({
      lob: s.lob,
      category: "shared",
      service: "AmazonSageMaker",
      resourceId,
      endpoint: a.endpoint,
      method,
      consumedQuantity: quantity,
      consumedUnit: unit,
      cost: formatMoney(cost),
      chargeCategory: "usage",
      usageType: null,
    });
    if (!used.isZero() || !s.used.isZero())
      lines.push(
        s.method === "owner-fallback"
          ? row(s.method, a.instanceHours.toString(), "Hours", used)
          : row(s.method, s.chargedTokens.toString(), "Tokens", used),
      );
    if (!idle.isZero() || !s.idle.isZero()) lines.push(row(`idle:${a.idlePolicy}`, "0", "Tokens", idle));
    return {
      lob: s.lob,
      inputTokens: s.inputTokens,
      outputTokens: s.outputTokens,
      weightedTokens: s.weightedTokens.toNumber(),
      cost: formatMoney(used.plus(idle)),
      invocations: s.invocations,
      chargedTokens: s.chargedTokens.toNumber(),
      usedCost: formatMoney(used),
      idleCost: formatMoney(idle),
    };
  });
  const idle = centsOf(IDLE_LOB, "line");
  if (!idle.isZero() || !a.idleLine.isZero())
    lines.push({
      lob: IDLE_LOB,
      category: "idle",
      service: "AmazonSageMaker",
      resourceId,
      endpoint: a.endpoint,
      method: "idle:separate",
      consumedQuantity: a.capacityTokens.minus(a.chargedTokens).toString(),
      consumedUnit: "Tokens",
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
    },
    lines,
    byLob,
    idle,
  };
}
