/**
 * The split of one shared endpoint's monthly cost among LOBs (docs/contracts.md#allocation-rules), in exact decimals.
 */
import type { SharedEndpointConfig } from "../../core/index.js";
import { Decimal, fromUnits, maxPlaces, units, ZERO } from "../../core/index.js";
import type { EndpointUsage } from "../model.js";

/** What {@link allocateSharedEndpoint} needs besides the endpoint's configuration. */
export interface SharedEndpointInput {
  /** `C`: the endpoint's cost for the month (every line of its pool), exact. */
  readonly cost: Decimal;
  /** `H`: instance-hours from its hosting lines. */
  readonly instanceHours: Decimal;
  /** The month's usage of this endpoint, one or more entries per LOB (entries of the same LOB are added). */
  readonly usage: readonly EndpointUsage[];
}

/** One LOB's exact share of a shared endpoint. */
export interface SharedShare {
  readonly lob: string;
  readonly invocations: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** `w_l = input_weight × input_tokens + output_weight × output_tokens`. */
  readonly weightedTokens: Decimal;
  /** `a_l = max(reservation_l × K, w_l)`. */
  readonly chargedTokens: Decimal;
  /** The part of the cost for the capacity this LOB used or reserved (`C × a_l / max(A, K)`), or all of `C` on owner fallback. */
  readonly used: Decimal;
  /** This LOB's part of the idle cost under the `proportional`, `even` or `owner` policy. */
  readonly idle: Decimal;
  /**
   * How the used part was attributed: `weighted-tokens`, `reservation` (when `a_l > w_l`), `owner-fallback`; under
   * measured utilization (docs/utilization.md) `measured` (weighted tokens of the measured use), `reserved-compute`
   * or `hybrid`.
   */
  readonly method:
    | "weighted-tokens"
    | "reservation"
    | "owner-fallback"
    | "idle-only"
    | "measured"
    | "reserved-compute"
    | "hybrid";
  /** Measured utilization only: the instance-hours charged to this LOB as used or reserved (`Σ_h H_h × f_l`). */
  readonly capacityHours?: Decimal;
}

/** The exact split of one shared endpoint (before rounding to cents). */
export interface SharedEndpointAllocation {
  readonly endpoint: string;
  readonly owner: string;
  readonly idlePolicy: SharedEndpointConfig["idle"];
  readonly cost: Decimal;
  readonly instanceHours: Decimal;
  /** `K`: `H × capacityTokensPerInstanceHour`, or `Σ w_l` when no capacity is configured. */
  readonly capacityTokens: Decimal;
  /** `Σ w_l`. */
  readonly weightedTokens: Decimal;
  /** `A = Σ a_l`. */
  readonly chargedTokens: Decimal;
  /** `Σ w_l / K`; `0` when `K = 0`. May exceed 1 when usage exceeds capacity. */
  readonly utilization: Decimal;
  /** Input plus output tokens of every LOB (unweighted). */
  readonly totalTokens: number;
  readonly invocations: number;
  /** The cost of capacity nobody used or reserved: `C − C × A / K` when `A < K`, else 0 (whatever the policy). */
  readonly unusedCost: Decimal;
  /** The amount of the `__idle__` line (policy `separate`), else 0. */
  readonly idleLine: Decimal;
  /** True when `A = 0` and all of `C` went to the owner. */
  readonly ownerFallback: boolean;
  /** Every LOB with usage, a reservation, or a part of the cost; sorted by LOB name. */
  readonly shares: readonly SharedShare[];
  /** `C / Σ w_l × 10^6` (per million weighted tokens, docs/contracts.md#allocation-rules), or `null` without weighted tokens. */
  readonly effectiveCostPerMillionTokens: Decimal | null;
  /** `C / K × 10^6`, or `null` when `K = 0`. */
  readonly fullUtilizationCostPerMillionTokens: Decimal | null;
}

const MILLION = new Decimal(1_000_000);
/** Decimal places kept in exact shares, at least (far below a cent; more when the cost itself has more). */
const SCALE = 30;

/**
 * Splits one shared endpoint's cost among LOBs by weighted tokens, reservations and the idle policy
 * (docs/contracts.md#allocation-rules). Pure and exact: tokens, capacity and reservations are exact integers at a common
 * scale, the cost an integer count of 10⁻³⁰ (or finer); each part is cut toward zero at that unit and the residue goes
 * to the largest part, so the parts (`Σ used + Σ idle + idleLine`) add up to `cost` exactly. Integer arithmetic
 * (`bigint`), several times faster than decimals for the thousands of shares of a month.
 *
 * @example
 * ```ts
 * const a = allocateSharedEndpoint(
 *   { name: "shared-llm", owner: "platform", tokenWeights: { input: 1, output: 3 }, reservations: {},
 *     idle: "proportional", capacityTokensPerInstanceHour: 1_000_000 },
 *   { cost: dec("600"), instanceHours: dec("400"), usage },
 * );
 * a.shares.map((s) => [s.lob, s.used.plus(s.idle).toFixed(2)]);
 * ```
 */
export function allocateSharedEndpoint(
  endpoint: SharedEndpointConfig,
  input: SharedEndpointInput,
): SharedEndpointAllocation {
  const C = input.cost;
  const byLob = tokenTotals(endpoint, input.usage);
  const lobs = [...byLob.keys()].sort();
  const q = chargedTokens(endpoint, input.instanceHours, byLob, lobs);
  const cost = splitCost(endpoint, C, lobs, q);
  const { places, used, idle, idleLine, ownerFallback } = cost;

  const shareLobs = [...new Set([...lobs, ...used.keys(), ...idle.keys()])].sort();
  const shares: SharedShare[] = shareLobs.map((lob) => {
    const acc = byLob.get(lob) ?? { invocations: 0, inputTokens: 0, outputTokens: 0 };
    const wl = q.w.get(lob) ?? 0n;
    const al = q.a.get(lob) ?? 0n;
    const method: SharedShare["method"] = ownerFallback
      ? lob === endpoint.owner
        ? "owner-fallback"
        : "weighted-tokens"
      : al === 0n
        ? "idle-only"
        : al > wl * q.up
          ? "reservation"
          : "weighted-tokens";
    // the used and idle decimals are made when first read (rounding reads the units)
    let usedDecimal: Decimal | undefined;
    let idleDecimal: Decimal | undefined;
    return {
      lob,
      invocations: acc.invocations,
      inputTokens: acc.inputTokens,
      outputTokens: acc.outputTokens,
      weightedTokens: fromUnits(wl, q.tw),
      chargedTokens: fromUnits(al, q.t),
      get used() {
        usedDecimal ??= fromUnits(used.get(lob) ?? 0n, places);
        return usedDecimal;
      },
      get idle() {
        idleDecimal ??= fromUnits(idle.get(lob) ?? 0n, places);
        return idleDecimal;
      },
      method,
    };
  });
  const allocation = assembleAllocation(endpoint, {
    C,
    H: input.instanceHours,
    K: q.K,
    W: q.W,
    A: fromUnits(q.A, q.t),
    unusedCost: fromUnits(cost.unused, places),
    idleLine: fromUnits(idleLine, places),
    ownerFallback,
    shares,
  });
  SPLIT_UNITS.set(allocation, { places, used, idle, idleLine });
  return allocation;
}

/** The month's token totals per LOB of an endpoint, with an empty entry for each reserving LOB without usage. */
function tokenTotals(
  endpoint: SharedEndpointConfig,
  usage: readonly EndpointUsage[],
): Map<string, TokenTotals> {
  const byLob = new Map<string, TokenTotals>();
  for (const u of usage) {
    const acc = byLob.get(u.lob) ?? { invocations: 0, inputTokens: 0, outputTokens: 0 };
    acc.invocations += u.invocations;
    acc.inputTokens += u.inputTokens;
    acc.outputTokens += u.outputTokens;
    byLob.set(u.lob, acc);
  }
  for (const lob of Object.keys(endpoint.reservations))
    if (!byLob.has(lob)) byLob.set(lob, { invocations: 0, inputTokens: 0, outputTokens: 0 });
  return byLob;
}

/** The token quantities of a split as exact integers: `w_l` at the weights' places `tw`, `a_l`, `A` and `K` at `t`. */
interface ChargedTokens {
  readonly tw: number;
  readonly t: number;
  /** `10^(t − tw)`: a `w_l` at `t`. */
  readonly up: bigint;
  readonly w: ReadonlyMap<string, bigint>;
  readonly a: ReadonlyMap<string, bigint>;
  readonly W: Decimal;
  readonly K: Decimal;
  readonly Kn: bigint;
  readonly A: bigint;
}

/** `w_l`, `K = H × capacity` (or `W`), and `a_l = max(reservation_l × K, w_l)`, exactly, at one scale. */
function chargedTokens(
  endpoint: SharedEndpointConfig,
  H: Decimal,
  byLob: ReadonlyMap<string, TokenTotals>,
  lobs: readonly string[],
): ChargedTokens {
  const wIn = new Decimal(endpoint.tokenWeights.input);
  const wOut = new Decimal(endpoint.tokenWeights.output);
  const tw = Math.max(wIn.decimalPlaces(), wOut.decimalPlaces());
  const [inW, outW] = [units(wIn, tw), units(wOut, tw)];
  const w = new Map<string, bigint>();
  let Wn = 0n;
  for (const lob of lobs) {
    const acc = byLob.get(lob) as TokenTotals;
    const wl = inW * BigInt(acc.inputTokens) + outW * BigInt(acc.outputTokens);
    w.set(lob, wl);
    Wn += wl;
  }
  const W = fromUnits(Wn, tw);
  const K =
    endpoint.capacityTokensPerInstanceHour === undefined
      ? W
      : H.times(new Decimal(endpoint.capacityTokensPerInstanceHour));
  const reserved = new Map<string, Decimal>();
  for (const lob of lobs)
    if (Object.hasOwn(endpoint.reservations, lob))
      reserved.set(lob, new Decimal(endpoint.reservations[lob] as number).times(K));
  const t = maxPlaces([K, ...reserved.values()], tw);
  const up = 10n ** BigInt(t - tw);
  const a = new Map<string, bigint>();
  let A = 0n;
  for (const lob of lobs) {
    const wl = (w.get(lob) as bigint) * up;
    const r = reserved.get(lob);
    const rl = r === undefined ? 0n : units(r, t);
    const al = rl > wl ? rl : wl;
    a.set(lob, al);
    A += al;
  }
  return { tw, t, up, w, a, W, K, Kn: units(K, t), A };
}

/**
 * The cost in units of `10^-places` (at least 30 places: exact for any cost a bill holds), split by integer division:
 * `C × a_l / max(A, K)` used, the rest by the idle policy, the residue to the largest part.
 */
function splitCost(endpoint: SharedEndpointConfig, C: Decimal, lobs: readonly string[], q: ChargedTokens) {
  const places = maxPlaces([C], SCALE);
  const Cn = units(C, places);
  const used = new Map<string, bigint>();
  let unused = 0n;
  let split: IdleUnits = { idle: new Map(), idleLine: 0n };
  const ownerFallback = q.A === 0n;
  if (ownerFallback) used.set(endpoint.owner, Cn);
  else {
    // biome-ignore lint/complexity/useMathMinMax: bigints (Math.max takes numbers only)
    const denominator = q.A >= q.Kn ? q.A : q.Kn;
    let usedTotal = 0n;
    for (const lob of lobs) {
      const u = (Cn * (q.a.get(lob) as bigint)) / denominator;
      used.set(lob, u);
      usedTotal += u;
    }
    if (q.A < q.Kn) {
      unused = Cn - usedTotal;
      split = distributeIdleUnits(endpoint, unused, q.a, q.A);
    }
  }
  const { idle, idleLine } = conserveUnits(Cn, used, split);
  return { places, used, idle, idleLine, unused, ownerFallback };
}

/** The token totals of one LOB on an endpoint: calls and raw tokens in and out. */
export interface TokenTotals {
  invocations: number;
  inputTokens: number;
  outputTokens: number;
}

/**
 * The fields every share has, whatever the allocation: the LOB, its token totals, its weighted and charged tokens, and
 * its cost in use and idle (zero where the maps have nothing for it).
 */
export function shareFields(
  lob: string,
  tokens: TokenTotals,
  weightedTokens: Decimal,
  chargedTokens: Decimal,
  used: ReadonlyMap<string, Decimal>,
  idle: ReadonlyMap<string, Decimal>,
): Omit<SharedShare, "method" | "capacityHours"> {
  return {
    lob,
    invocations: tokens.invocations,
    inputTokens: tokens.inputTokens,
    outputTokens: tokens.outputTokens,
    weightedTokens,
    chargedTokens,
    used: used.get(lob) ?? ZERO,
    idle: idle.get(lob) ?? ZERO,
  };
}

/**
 * The {@link SharedEndpointAllocation} of a split: the figures given, the token and call totals of its shares, the
 * utilization `W / K` and the prices per million weighted tokens.
 */
export function assembleAllocation(
  endpoint: Pick<SharedEndpointConfig, "name" | "owner" | "idle">,
  f: {
    C: Decimal;
    H: Decimal;
    K: Decimal;
    W: Decimal;
    A: Decimal;
    unusedCost: Decimal;
    idleLine: Decimal;
    ownerFallback: boolean;
    shares: SharedShare[];
  },
): SharedEndpointAllocation {
  const { C, K, W, shares } = f;
  return {
    endpoint: endpoint.name,
    owner: endpoint.owner,
    idlePolicy: endpoint.idle,
    cost: C,
    instanceHours: f.H,
    capacityTokens: K,
    weightedTokens: W,
    chargedTokens: f.A,
    utilization: K.isZero() ? ZERO : W.dividedBy(K),
    totalTokens: shares.reduce((t, s) => t + s.inputTokens + s.outputTokens, 0),
    invocations: shares.reduce((t, s) => t + s.invocations, 0),
    unusedCost: f.unusedCost,
    idleLine: f.idleLine,
    ownerFallback: f.ownerFallback,
    shares,
    effectiveCostPerMillionTokens: W.isZero() ? null : C.dividedBy(W).times(MILLION),
    fullUtilizationCostPerMillionTokens: K.isZero() ? null : C.dividedBy(K).times(MILLION),
  };
}

/** The idle cost's split under an endpoint's idle policy: to LOBs, or a separate `__idle__` line. */
export interface IdleSplit {
  readonly idle: Map<string, Decimal>;
  readonly idleLine: Decimal;
}

/** An {@link IdleSplit} in integer units. */
interface IdleUnits {
  readonly idle: Map<string, bigint>;
  readonly idleLine: bigint;
}

/**
 * Splits the cost of unused capacity by the endpoint's idle policy (docs/contracts.md#allocation-rules): `proportional` to `weights`,
 * `even` among the LOBs of positive weight, all to the `owner`, or a `separate` line. In integer units, each part cut
 * toward zero ({@link conserveUnits} gives the residue back).
 */
function distributeIdleUnits(
  endpoint: Pick<SharedEndpointConfig, "idle" | "owner">,
  unused: bigint,
  weights: ReadonlyMap<string, bigint>,
  total: bigint,
): IdleUnits {
  const idle = new Map<string, bigint>();
  switch (endpoint.idle) {
    case "proportional":
      for (const [lob, w] of weights) idle.set(lob, (unused * w) / total);
      break;
    case "even": {
      const takers = [...weights.keys()].filter((l) => (weights.get(l) as bigint) > 0n);
      for (const lob of takers) idle.set(lob, unused / BigInt(takers.length));
      break;
    }
    case "owner":
      idle.set(endpoint.owner, unused);
      break;
    case "separate":
      return { idle, idleLine: unused };
  }
  return { idle, idleLine: 0n };
}

/**
 * {@link distributeIdleUnits} over decimals: the unused cost cut to 30 places (or the cost's own places, when more),
 * the weights scaled to integers exactly.
 */
export function distributeIdle(
  endpoint: Pick<SharedEndpointConfig, "idle" | "owner">,
  unused: Decimal,
  weights: ReadonlyMap<string, Decimal>,
): IdleSplit {
  const places = maxPlaces([unused], SCALE);
  const scaled = unitsMap(weights, maxPlaces(weights.values(), 0));
  const total = [...scaled.values()].reduce((s, x) => s + x, 0n);
  const split = distributeIdleUnits(endpoint, units(unused, places), scaled, total);
  return { idle: decimalMap(split.idle, places), idleLine: fromUnits(split.idleLine, places) };
}

/**
 * The parts were cut toward zero: gives the residue (less than a unit per part) to the largest part, so that the
 * parts add up to `C` exactly. `used` is changed in place.
 */
function conserveUnits(C: bigint, used: Map<string, bigint>, split: IdleUnits): IdleUnits {
  const idle = new Map(split.idle);
  let idleLine = split.idleLine;
  let residue = C - idleLine;
  for (const map of [used, idle]) for (const v of map.values()) residue -= v;
  if (residue !== 0n) {
    let best: { map: Map<string, bigint> | undefined; lob: string; value: bigint } = {
      map: undefined,
      lob: "",
      value: idleLine,
    };
    for (const map of [used, idle])
      for (const [lob, value] of map) if (value > best.value) best = { map, lob, value };
    if (best.map === undefined) idleLine += residue;
    else best.map.set(best.lob, best.value + residue);
  }
  return { idle, idleLine };
}

/**
 * {@link conserveUnits} over decimals: every part cut to 30 places (or `C`'s own places, when more), rounding toward
 * zero, the residue to the largest part, so that the parts add up to `C` exactly. `used` is changed in place.
 */
export function conserve(C: Decimal, used: Map<string, Decimal>, split: IdleSplit): IdleSplit {
  const places = maxPlaces([C], SCALE);
  const usedUnits = unitsMap(used, places);
  const r = conserveUnits(units(C, places), usedUnits, {
    idle: unitsMap(split.idle, places),
    idleLine: units(split.idleLine, places),
  });
  for (const [lob, x] of usedUnits) used.set(lob, fromUnits(x, places));
  return { idle: decimalMap(r.idle, places), idleLine: fromUnits(r.idleLine, places) };
}

/** The values of a map as integer counts of `10^-places` ({@link units}). */
function unitsMap(m: ReadonlyMap<string, Decimal>, places: number): Map<string, bigint> {
  return new Map([...m].map(([k, x]) => [k, units(x, places)] as const));
}

/** The values of a map of integer counts of `10^-places` as decimals ({@link fromUnits}). */
function decimalMap(m: ReadonlyMap<string, bigint>, places: number): Map<string, Decimal> {
  return new Map([...m].map(([k, x]) => [k, fromUnits(x, places)] as const));
}

/** A split's used, idle and `__idle__` parts as integer counts of `10^-places`. */
export interface SplitUnits {
  readonly places: number;
  readonly used: ReadonlyMap<string, bigint>;
  readonly idle: ReadonlyMap<string, bigint>;
  readonly idleLine: bigint;
}

/** The units of the splits {@link allocateSharedEndpoint} made (its decimals are made from them). */
const SPLIT_UNITS = new WeakMap<SharedEndpointAllocation, SplitUnits>();

/**
 * The parts of a split as integer units, for rounding to cents: those the token split computed, or, for a split made
 * elsewhere (measured utilization), its decimals converted exactly.
 */
export function splitUnitsOf(a: SharedEndpointAllocation): SplitUnits {
  const known = SPLIT_UNITS.get(a);
  if (known) return known;
  const places = maxPlaces([...a.shares.flatMap((s) => [s.used, s.idle]), a.idleLine], SCALE);
  return {
    places,
    used: new Map(a.shares.map((s) => [s.lob, units(s.used, places)] as const)),
    idle: new Map(a.shares.map((s) => [s.lob, units(s.idle, places)] as const)),
    idleLine: units(a.idleLine, places),
  };
}
