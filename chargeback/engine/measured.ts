/**
 * Shared endpoints charged from measured utilization, hour by hour (docs/contracts.md#allocation-rules, docs/utilization.md). Pure and
 * exact: cost lines, usage and utilization records in; the same {@link SharedEndpointAllocation} as the token split
 * out, with a {@link MeasuredSummary}.
 *
 * Each hour `h` (or the month as one period) has a cost `C_h`, instance-hours `H_h`, weighted tokens `w_l` per LOB
 * (`W = Σ w_l`), the share of capacity in use `u` and the shares reserved per LOB `ρ_l` (`P = Σ ρ_l`). Each LOB is
 * charged a share `f_l` of the hour's capacity:
 * - `weighted-tokens`: `f_l = max(r_l, u × w_l / W)` (`r_l` the configured reservation);
 * - `reserved-compute`: `f_l = ρ_l`;
 * - `hybrid`: `f_l = ρ_l + (1 − P) × w_l / W`.
 *
 * With `F = Σ f_l` the used part of the hour is `C_h × f_l` (`C_h × f_l / F` when `F > 1`); what is left of every hour
 * is the idle cost, split once for the month by the idle policy in proportion to the instance-hours each LOB was
 * charged (`Σ_h H_h × f_l`). When no LOB is charged anything all month, all of the cost goes to the owner.
 */
import type { SharedEndpointConfig } from "../../core/index.js";
import { DataSourceError, Decimal, sum, ZERO } from "../../core/index.js";
import type { CostLine, EndpointUsage, UtilizationRecord } from "../model.js";
import { type InstanceSpec, instanceOf } from "./instance-types.js";
import { type MonthWindow, monthWindow } from "./month.js";
import {
  assembleAllocation,
  conserve,
  distributeIdle,
  type IdleSplit,
  type SharedEndpointAllocation,
  type SharedShare,
  shareFields,
  type TokenTotals,
} from "./shared-endpoint.js";

/** Where utilization comes from (`sharedEndpoints[].utilization`). */
export type UtilizationSourceName = NonNullable<SharedEndpointConfig["utilization"]>;
/** How the cost is split (`sharedEndpoints[].allocation`). */
export type AllocationMethod = NonNullable<SharedEndpointConfig["allocation"]>;
/** How the month was cut: one period, hourly cost lines, or daily lines spread over their hours. */
export type AllocationMode = "monthly" | "hourly" | "hourly-spread";

/** What a measured split says besides the shares. */
export interface MeasuredSummary {
  readonly source: UtilizationSourceName;
  readonly method: AllocationMethod;
  readonly mode: AllocationMode;
  readonly instanceType: string;
  /** Share of paid capacity in use (or reserved, `components`), weighted by instance-hours; `null` under `tokens`. */
  readonly utilization: Decimal | null;
  /** Per LOB, the reserved share of capacity weighted by instance-hours (`components`; configured reservations otherwise). */
  readonly reserved: ReadonlyMap<string, Decimal>;
  /** Hours with cost but no measurement: they are given the month's measured average, and listed here. */
  readonly missing: { readonly hours: readonly string[]; readonly cost: Decimal };
  /** Measured utilization per hour with cost (`null`: missing), in time order; empty under `tokens`. */
  readonly hourly: readonly { readonly hour: string; readonly utilization: Decimal | null }[];
  readonly warnings: readonly string[];
}

/** A measured split: the allocation and its summary. */
export interface MeasuredAllocation extends SharedEndpointAllocation {
  readonly measured: MeasuredSummary;
}

/** What {@link allocateMeasured} needs for one endpoint. */
export interface MeasuredInput {
  /** `YYYY-MM`. */
  readonly month: string;
  /** The cost lines of the endpoint's pool, in the month. */
  readonly lines: readonly CostLine[];
  /** The endpoint's usage: per hour (`hour` set) or for the month. */
  readonly usage: readonly EndpointUsage[];
  /** The endpoint's utilization records (none under `tokens`). */
  readonly records: readonly UtilizationRecord[];
}

/** `YYYY-MM-DDTHH:00:00Z` of an instant. */
export function hourOf(d: Date): string {
  return `${d.toISOString().slice(0, 13)}:00:00Z`;
}

/** True when the endpoint is charged by {@link allocateMeasured} rather than the monthly token split. */
export function isMeasured(e: SharedEndpointConfig): boolean {
  return (
    (e.utilization ?? "tokens") !== "tokens" ||
    (e.allocation ?? "weighted-tokens") !== "weighted-tokens" ||
    (e.mode ?? "auto") === "hourly-spread"
  );
}

interface Bucket {
  cost: Decimal;
  hours: Decimal;
}

const HOURS_PER_DAY = 24;
const HOUR_MS = 3_600_000;
const HUNDRED = new Decimal(100);
const ONE = new Decimal(1);

/** The mode that runs: hourly lines → hourly (measured or asked for), else spread when asked for, else monthly. */
function resolveMode(e: SharedEndpointConfig, hourlyLines: boolean): AllocationMode {
  const mode = e.mode ?? "auto";
  if (mode === "monthly") return "monthly";
  if (mode === "hourly-spread") return hourlyLines ? "hourly" : "hourly-spread";
  return hourlyLines && (e.utilization ?? "tokens") !== "tokens" ? "hourly" : "monthly";
}

/** How long the pool's lines are: an hour, a day, or the whole month. */
type Granularity = "hourly" | "daily" | "monthly";

/**
 * The granularity of a pool's lines: hourly when any line starts after midnight (CUR 2.0 hourly granularity);
 * monthly when every line starts on the month's first day at midnight (a monthly export, Cost Explorer, or the
 * month's lines summed by a reader); daily otherwise.
 */
function granularityOf(lines: readonly CostLine[], window: MonthWindow): Granularity {
  if (lines.some((l) => l.usageStart.getUTCHours() !== 0 || l.usageStart.getUTCMinutes() !== 0))
    return "hourly";
  return lines.every((l) => l.usageStart.getTime() === window.start.getTime()) ? "monthly" : "daily";
}

/**
 * The pool's cost and instance-hours per hour: an hourly line belongs to its hour; a daily line is spread evenly
 * over its day's 24 hours, a monthly line over the month's hours (hosting is billed by the hour, so a day's or a
 * month's cost is the sum of its hours).
 */
function buckets(lines: readonly CostLine[], g: Granularity, window: MonthWindow): Map<string, Bucket> {
  const out = new Map<string, Bucket>();
  const add = (hour: string, cost: Decimal, hours: Decimal) => {
    const b = out.get(hour) ?? { cost: ZERO, hours: ZERO };
    b.cost = b.cost.plus(cost);
    b.hours = b.hours.plus(hours);
    out.set(hour, b);
  };
  const monthHours = (window.end.getTime() - window.start.getTime()) / HOUR_MS;
  for (const l of lines) {
    const hosting = /(^|-)Host:/i.test(l.usageType) ? l.usageAmount : ZERO;
    if (g === "hourly") {
      add(hourOf(l.usageStart), l.cost, hosting);
      continue;
    }
    const from = g === "monthly" ? window.start.getTime() : l.usageStart.getTime();
    const n = g === "monthly" ? monthHours : HOURS_PER_DAY;
    for (let h = 0; h < n; h++)
      add(hourOf(new Date(from + h * HOUR_MS)), l.cost.dividedBy(n), hosting.dividedBy(n));
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** One hour's measurement: the share in use and the shares reserved per LOB. */
interface HourMeasure {
  readonly used: Decimal;
  readonly reserved: Map<string, Decimal>;
}

/**
 * `cloudwatch`: per hour, `Σ_variants (Sum / units) / Σ_variants SampleCount / 100` — the instance metric is the SUM
 * over the instance's GPUs (or cores), so dividing by their number gives 0–100 per instance-minute sample, and
 * summing Sums and SampleCounts over variants weights each by its instance-minutes. Capped at 1.
 */
function cloudwatchHours(
  records: readonly UtilizationRecord[],
  spec: InstanceSpec,
): Map<string, HourMeasure> {
  const metric = spec.gpus > 0 ? "GPUUtilization" : "CPUUtilization";
  const units = new Decimal(spec.gpus > 0 ? spec.gpus : spec.vcpus);
  const acc = new Map<string, { s: Decimal; n: Decimal }>();
  for (const r of records) {
    if (r.kind !== "metric" || r.metric !== metric || !(r.samples > 0)) continue;
    const a = acc.get(r.hour) ?? { s: ZERO, n: ZERO };
    a.s = a.s.plus(new Decimal(r.sum).dividedBy(units));
    a.n = a.n.plus(r.samples);
    acc.set(r.hour, a);
  }
  const out = new Map<string, HourMeasure>();
  for (const [hour, a] of acc)
    out.set(hour, { used: Decimal.min(ONE, a.s.dividedBy(a.n).dividedBy(HUNDRED)), reserved: new Map() });
  return out;
}

/**
 * A component copy's share of one instance: the largest of its accelerators, CPU cores and memory over the
 * instance's (its dominant resource, since a copy blocks that much of the instance whatever else is free).
 */
function copyShare(
  c: Extract<UtilizationRecord, { kind: "component" }>,
  spec: InstanceSpec,
  endpoint: string,
) {
  if (c.accelerators > 0 && spec.gpus === 0)
    throw new DataSourceError(
      `Inference component ${c.component} of ${endpoint} reserves ${c.accelerators} accelerator(s) on an instance without GPUs.`,
      { hint: "Check sharedEndpoints[].instanceType / instance." },
    );
  const parts = [
    new Decimal(c.cpuCores).dividedBy(spec.vcpus),
    new Decimal(c.memoryMb).dividedBy(spec.memoryGiB * 1024),
  ];
  if (spec.gpus > 0) parts.push(new Decimal(c.accelerators).dividedBy(spec.gpus));
  return Decimal.max(...parts);
}

/**
 * `components`: per hour, each LOB's reserved share `ρ_l = Σ copies × copy share / instances`, the instances being
 * the hour's instance-hours. A component without a LOB tag reserves for nobody (its share is idle, and a warning
 * says so). Shares adding up to more than 1 are scaled down to 1.
 */
function componentHours(
  records: readonly UtilizationRecord[],
  spec: InstanceSpec,
  endpoint: string,
  hours: ReadonlyMap<string, Bucket>,
  warnings: string[],
): Map<string, HourMeasure> {
  const comps = new Map<string, { lob: string | null; share: Decimal }>();
  for (const r of records)
    if (r.kind === "component") comps.set(r.component, { lob: r.lob, share: copyShare(r, spec, endpoint) });
  const untagged = [...comps].filter(([, c]) => c.lob === null).map(([n]) => n);
  if (untagged.length > 0)
    warnings.push(
      `${endpoint}: inference component(s) ${untagged.sort().join(", ")} carry no LOB tag; what they reserve is counted as idle.`,
    );
  const perHour = new Map<string, Map<string, Decimal>>();
  const unknown = new Set<string>();
  for (const r of records) {
    if (r.kind !== "copies") continue;
    const c = comps.get(r.component);
    if (c === undefined) {
      unknown.add(r.component);
      continue;
    }
    const m = perHour.get(r.hour) ?? new Map<string, Decimal>();
    if (c.lob !== null) m.set(c.lob, (m.get(c.lob) ?? ZERO).plus(c.share.times(r.copies)));
    perHour.set(r.hour, m);
  }
  if (unknown.size > 0)
    throw new DataSourceError(
      `${endpoint}: copy counts of unknown inference component(s) ${[...unknown].sort().join(", ")}.`,
      { hint: "Every component with copies needs its component record (what one copy reserves, its LOB)." },
    );
  const out = new Map<string, HourMeasure>();
  let scaled = 0;
  for (const [hour, m] of perHour) {
    const instances = hours.get(hour)?.hours ?? ZERO;
    if (instances.isZero()) continue;
    const reserved = new Map([...m].map(([lob, units]) => [lob, units.dividedBy(instances)]));
    const P = sum(reserved.values());
    if (P.greaterThan(1)) {
      scaled++;
      for (const [lob, v] of reserved) reserved.set(lob, v.dividedBy(P));
    }
    out.set(hour, { used: Decimal.min(ONE, P), reserved });
  }
  if (scaled > 0)
    warnings.push(
      `${endpoint}: in ${scaled} hour(s) the components reserved more than the instances billed; their shares were scaled to the whole.`,
    );
  return out;
}

/** Instance-hour weighted average of measurements (missing hours left out). */
function average(
  measured: ReadonlyMap<string, HourMeasure>,
  hours: ReadonlyMap<string, Bucket>,
): HourMeasure {
  let H = ZERO;
  let used = ZERO;
  const reserved = new Map<string, Decimal>();
  for (const [hour, m] of measured) {
    const h = hours.get(hour)?.hours ?? ZERO;
    H = H.plus(h);
    used = used.plus(m.used.times(h));
    for (const [lob, v] of m.reserved) reserved.set(lob, (reserved.get(lob) ?? ZERO).plus(v.times(h)));
  }
  if (H.isZero()) return { used: ZERO, reserved: new Map() };
  return { used: used.dividedBy(H), reserved: new Map([...reserved].map(([l, v]) => [l, v.dividedBy(H)])) };
}

/** What was measured of an endpoint's instance, hour by hour, and the hours with cost but no measurement. */
interface Measurements {
  readonly instance: { readonly type: string; readonly spec: InstanceSpec | undefined };
  readonly hours: Map<string, HourMeasure>;
  readonly missing: { hours: string[]; cost: Decimal };
}

/**
 * Step 1: the endpoint's instance and its measured hours (none for `tokens`), and the hours with cost but no
 * measurement, which later get the month's average (a warning says how many).
 */
function measure(
  e: SharedEndpointConfig,
  input: MeasuredInput,
  source: UtilizationSourceName,
  perHour: ReadonlyMap<string, Bucket>,
  warnings: string[],
): Measurements {
  const instance =
    source === "tokens" ? { type: e.instanceType ?? "", spec: undefined } : instanceOf(e, input.lines);
  const hours =
    instance.spec === undefined
      ? new Map<string, HourMeasure>()
      : source === "cloudwatch"
        ? cloudwatchHours(input.records, instance.spec)
        : componentHours(input.records, instance.spec, e.name, perHour, warnings);
  const missing = { hours: [] as string[], cost: ZERO };
  if (source === "tokens") return { instance, hours, missing };
  for (const [hour, b] of perHour)
    if (!hours.has(hour) && (!b.cost.isZero() || !b.hours.isZero())) {
      missing.hours.push(hour);
      missing.cost = missing.cost.plus(b.cost);
    }
  if (perHour.size > 0 && ![...perHour.keys()].some((h) => hours.has(h)))
    throw new DataSourceError(
      `Shared endpoint ${e.name}: no hour of ${input.month} with cost has a ${source} measurement.`,
      {
        hint:
          source === "cloudwatch"
            ? `Check that /aws/sagemaker/Endpoints has ${instance.spec && instance.spec.gpus > 0 ? "GPUUtilization" : "CPUUtilization"} for the variants ${JSON.stringify(e.variants ?? ["AllTraffic"])}, or give a utilizationFile.`
            : "Check the endpoint's inference components and their copy counts, or give a utilizationFile.",
      },
    );
  if (missing.hours.length > 0)
    warnings.push(
      `${e.name}: ${missing.hours.length} hour(s) with cost had no ${source} measurement (first ${missing.hours[0]}); they were given the month's measured average.`,
    );
  return { instance, hours, missing };
}

/** The endpoint's usage: token totals per LOB, weighted tokens per LOB for the month and per hour. */
interface TokenUsage {
  readonly totals: Map<string, TokenTotals>;
  readonly hourly: Map<string, Map<string, Decimal>>;
  readonly monthly: Map<string, Decimal>;
  /** Whether some usage came as month totals, without its hour. */
  readonly hourless: boolean;
}

/** Step 2: the usage per LOB, per hour when the source kept hours. */
function tokenUsage(e: SharedEndpointConfig, usage: readonly EndpointUsage[]): TokenUsage {
  const wIn = new Decimal(e.tokenWeights.input);
  const wOut = new Decimal(e.tokenWeights.output);
  const totals = new Map<string, TokenTotals>();
  const hourly = new Map<string, Map<string, Decimal>>();
  const monthly = new Map<string, Decimal>();
  let hourless = false;
  for (const u of usage) {
    const t = totals.get(u.lob) ?? { invocations: 0, inputTokens: 0, outputTokens: 0 };
    t.invocations += u.invocations;
    t.inputTokens += u.inputTokens;
    t.outputTokens += u.outputTokens;
    totals.set(u.lob, t);
    const w = wIn.times(u.inputTokens).plus(wOut.times(u.outputTokens));
    monthly.set(u.lob, (monthly.get(u.lob) ?? ZERO).plus(w));
    if (u.hour === undefined) hourless = true;
    else {
      const m = hourly.get(u.hour) ?? new Map<string, Decimal>();
      m.set(u.lob, (m.get(u.lob) ?? ZERO).plus(w));
      hourly.set(u.hour, m);
    }
  }
  return { totals, hourly, monthly, hourless };
}

/** One period the cost is split in: an hour, or the whole month. */
interface Period {
  readonly cost: Decimal;
  readonly hours: Decimal;
  /** Weighted tokens per LOB in the period. */
  readonly w: ReadonlyMap<string, Decimal>;
  /** What was measured in the period (`undefined` for the `tokens` source). */
  readonly m: HourMeasure | undefined;
}

/** Step 3: the periods: every hour, or the month as one. */
function periodsOf(
  mode: ReturnType<typeof resolveMode>,
  lines: readonly CostLine[],
  perHour: ReadonlyMap<string, Bucket>,
  usage: TokenUsage,
  measured: ReadonlyMap<string, HourMeasure> | undefined,
  avg: HourMeasure,
): Period[] {
  if (mode === "monthly")
    return [
      {
        cost: sum(lines.map((l) => l.cost)),
        hours: sum([...perHour.values()].map((b) => b.hours)),
        w: usage.monthly,
        m: measured && avg,
      },
    ];
  return [...perHour].map(([hour, b]) => ({
    cost: b.cost,
    hours: b.hours,
    w: usage.hourless ? usage.monthly : (usage.hourly.get(hour) ?? new Map()),
    m: measured && (measured.get(hour) ?? avg),
  }));
}

/** What the periods charge each LOB: its cost in use and its capacity-hours; whether anybody was charged. */
interface Charged {
  readonly used: Map<string, Decimal>;
  readonly capHours: Map<string, Decimal>;
  readonly any: boolean;
}

/** Step 4: each period's cost to the LOBs by the allocation method (the shares scaled down when over the whole). */
function chargePeriods(
  e: SharedEndpointConfig,
  periods: readonly Period[],
  method: AllocationMethod,
  source: UtilizationSourceName,
  configured: ReadonlyMap<string, Decimal>,
): Charged {
  const used = new Map<string, Decimal>();
  const capHours = new Map<string, Decimal>();
  let any = false;
  for (const p of periods) {
    const W = sum(p.w.values());
    const cap = e.capacityTokensPerInstanceHour;
    // the share in use: measured, or tokens over capacity (tokens, without capacity: fully used)
    const u =
      p.m?.used ??
      (cap === undefined ? ONE : p.hours.isZero() ? ONE : Decimal.min(ONE, W.dividedBy(p.hours.times(cap))));
    const rho = p.m && source === "components" ? p.m.reserved : configured;
    const P = sum(rho.values());
    const f = new Map<string, Decimal>();
    const lobs = new Set([...p.w.keys(), ...rho.keys(), ...configured.keys()]);
    for (const lob of lobs) {
      const share = W.isZero() ? ZERO : (p.w.get(lob) ?? ZERO).dividedBy(W);
      const reserved = rho.get(lob) ?? ZERO;
      let v: Decimal;
      if (method === "reserved-compute") v = reserved;
      else if (method === "hybrid") v = reserved.plus(Decimal.max(ZERO, ONE.minus(P)).times(share));
      else v = Decimal.max(configured.get(lob) ?? ZERO, u.times(share));
      if (!v.isZero()) f.set(lob, v);
    }
    const F = sum(f.values());
    if (F.isZero()) continue;
    any = true;
    const scale = F.greaterThan(1) ? F : ONE;
    for (const [lob, v] of f) {
      used.set(lob, (used.get(lob) ?? ZERO).plus(p.cost.times(v).dividedBy(scale)));
      capHours.set(lob, (capHours.get(lob) ?? ZERO).plus(p.hours.times(v).dividedBy(scale)));
    }
  }
  return { used, capHours, any };
}

/** Step 5: one share per LOB (usage, charged, idle, or reserved), with its method. */
function sharesOf(
  e: SharedEndpointConfig,
  method: AllocationMethod,
  usage: TokenUsage,
  charged: Charged,
  idle: ReadonlyMap<string, Decimal>,
  configured: ReadonlyMap<string, Decimal>,
): SharedShare[] {
  const { used, capHours } = charged;
  const shareMethod: SharedShare["method"] =
    method === "weighted-tokens" ? "measured" : method === "reserved-compute" ? "reserved-compute" : "hybrid";
  const lobs = [
    ...new Set([...usage.totals.keys(), ...configured.keys(), ...used.keys(), ...idle.keys()]),
  ].sort();
  return lobs.map((lob) => {
    const t = usage.totals.get(lob) ?? { invocations: 0, inputTokens: 0, outputTokens: 0 };
    const wl = usage.monthly.get(lob) ?? ZERO;
    const paid = (capHours.get(lob) ?? ZERO).greaterThan(0) || (used.get(lob) ?? ZERO).greaterThan(0);
    return {
      ...shareFields(lob, t, wl, wl, used, idle),
      capacityHours: capHours.get(lob) ?? ZERO,
      method: !charged.any
        ? lob === e.owner
          ? "owner-fallback"
          : shareMethod
        : paid
          ? shareMethod
          : "idle-only",
    };
  });
}

/**
 * Splits one shared endpoint's cost by measured utilization and the allocation method, hour by hour where the data
 * allows (see the module comment). Exact: `Σ used + Σ idle + idleLine = cost`.
 *
 * @throws {@link core!DataSourceError | DataSourceError} when utilization is measured but no hour with cost has a measurement, or records
 * contradict the instance (see `instanceOf`)
 */
export function allocateMeasured(e: SharedEndpointConfig, input: MeasuredInput): MeasuredAllocation {
  const source: UtilizationSourceName = e.utilization ?? "tokens";
  const method: AllocationMethod = e.allocation ?? "weighted-tokens";
  const window = monthWindow(input.month);
  const granularity = granularityOf(input.lines, window);
  const mode = resolveMode(e, granularity === "hourly");
  const perHour = buckets(input.lines, granularity, window);
  const warnings: string[] = [];
  const measured = measure(e, input, source, perHour, warnings);
  const avg = average(new Map([...measured.hours].filter(([h]) => perHour.has(h))), perHour);
  const configured = new Map(
    Object.entries(e.reservations).map(([lob, r]) => [lob, new Decimal(r)] as [string, Decimal]),
  );
  const usage = tokenUsage(e, input.usage);
  if (mode !== "monthly" && usage.hourless && input.usage.length > 0)
    warnings.push(
      `${e.name}: the usage source gives month totals, not hours; the month's token shares were used in every hour.`,
    );
  const periods = periodsOf(
    mode,
    input.lines,
    perHour,
    usage,
    source === "tokens" ? undefined : measured.hours,
    avg,
  );
  const charged = chargePeriods(e, periods, method, source, configured);

  // what is not charged is idle, split by the idle policy (or, when nobody was charged, all the owner's)
  const C = sum(input.lines.map((l) => l.cost));
  const H = sum(input.lines.filter((l) => /(^|-)Host:/i.test(l.usageType)).map((l) => l.usageAmount));
  let unusedCost = ZERO;
  let split: IdleSplit = { idle: new Map(), idleLine: ZERO };
  const ownerFallback = !charged.any;
  if (ownerFallback) {
    charged.used.clear();
    charged.used.set(e.owner, C);
  } else {
    unusedCost = C.minus(sum(charged.used.values()));
    const byHours = sum(charged.capHours.values());
    const weights = byHours.isZero() ? charged.used : charged.capHours;
    if (!unusedCost.isZero()) split = distributeIdle(e, unusedCost, weights);
  }
  const { idle, idleLine } = conserve(C, charged.used, split);

  const W = sum(usage.monthly.values());
  const K = e.capacityTokensPerInstanceHour === undefined ? W : H.times(e.capacityTokensPerInstanceHour);
  const shares = sharesOf(e, method, usage, charged, idle, configured);
  const hourly =
    source === "tokens"
      ? []
      : [...perHour.keys()].map((hour) => ({ hour, utilization: measured.hours.get(hour)?.used ?? null }));
  return {
    ...assembleAllocation(e, { C, H, K, W, A: W, unusedCost, idleLine, ownerFallback, shares }),
    measured: {
      source,
      method,
      mode,
      instanceType: measured.instance.type,
      utilization: source === "tokens" ? null : avg.used,
      reserved: source === "components" ? avg.reserved : configured,
      missing: measured.missing,
      hourly,
      warnings,
    },
  };
}
