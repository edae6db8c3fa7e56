/**
 * The split of one shared endpoint's monthly cost among LOBs (docs/contracts.md#allocation-rules), in exact decimals.
 */
import type { SharedEndpointConfig } from "../../core/index.js";
import { Decimal, sum, ZERO } from "../../core/index.js";
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
/** Decimal places kept in exact shares (far below a cent, far above the 60-digit working precision). */
const SCALE = 30;

/**
 * Splits one shared endpoint's cost among LOBs by weighted tokens, reservations and the idle policy
 * (docs/contracts.md#allocation-rules). Pure and exact: no rounding happens here; the parts (`Σ used + Σ idle + idleLine`) add up to
 * `cost` exactly.
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
  const H = input.instanceHours;
  const wIn = new Decimal(endpoint.tokenWeights.input);
  const wOut = new Decimal(endpoint.tokenWeights.output);

  const byLob = new Map<string, TokenTotals>();
  for (const u of input.usage) {
    const acc = byLob.get(u.lob) ?? { invocations: 0, inputTokens: 0, outputTokens: 0 };
    acc.invocations += u.invocations;
    acc.inputTokens += u.inputTokens;
    acc.outputTokens += u.outputTokens;
    byLob.set(u.lob, acc);
  }
  for (const lob of Object.keys(endpoint.reservations))
    if (!byLob.has(lob)) byLob.set(lob, { invocations: 0, inputTokens: 0, outputTokens: 0 });

  const lobs = [...byLob.keys()].sort();
  const w = new Map<string, Decimal>();
  for (const lob of lobs) {
    const acc = byLob.get(lob) as TokenTotals;
    w.set(lob, wIn.times(acc.inputTokens).plus(wOut.times(acc.outputTokens)));
  }
  const W = sum(w.values());
  const K =
    endpoint.capacityTokensPerInstanceHour === undefined
      ? W
      : H.times(new Decimal(endpoint.capacityTokensPerInstanceHour));
  const a = new Map<string, Decimal>();
  for (const lob of lobs) {
    const wl = w.get(lob) as Decimal;
    a.set(
      lob,
      Object.hasOwn(endpoint.reservations, lob)
        ? Decimal.max(new Decimal(endpoint.reservations[lob] as number).times(K), wl)
        : wl,
    );
  }
  // without a reservation, a is w
  const A = lobs.some((lob) => Object.hasOwn(endpoint.reservations, lob)) ? sum(a.values()) : W;

  const used = new Map<string, Decimal>();
  let unusedCost = ZERO;
  let split: IdleSplit = { idle: new Map(), idleLine: ZERO };
  const ownerFallback = A.isZero();
  if (ownerFallback) {
    used.set(endpoint.owner, C);
  } else if (A.greaterThanOrEqualTo(K)) {
    for (const lob of lobs) used.set(lob, C.times(a.get(lob) as Decimal).dividedBy(A));
  } else {
    for (const lob of lobs) used.set(lob, C.times(a.get(lob) as Decimal).dividedBy(K));
    unusedCost = C.minus(sum(used.values()));
    split = distributeIdle(endpoint, unusedCost, a);
  }
  const { idle, idleLine } = conserve(C, used, split);

  const shareLobs = [...new Set([...lobs, ...used.keys(), ...idle.keys()])].sort();
  const shares: SharedShare[] = shareLobs.map((lob) => {
    const acc = byLob.get(lob) ?? { invocations: 0, inputTokens: 0, outputTokens: 0 };
    const wl = w.get(lob) ?? ZERO;
    const al = a.get(lob) ?? ZERO;
    const method: SharedShare["method"] = ownerFallback
      ? lob === endpoint.owner
        ? "owner-fallback"
        : "weighted-tokens"
      : al.isZero()
        ? "idle-only"
        : al.greaterThan(wl)
          ? "reservation"
          : "weighted-tokens";
    return { ...shareFields(lob, acc, wl, al, used, idle), method };
  });
  return assembleAllocation(endpoint, { C, H, K, W, A, unusedCost, idleLine, ownerFallback, shares });
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

/**
 * Splits the cost of unused capacity by the endpoint's idle policy (docs/contracts.md#allocation-rules): `proportional` to `weights`,
 * `even` among the LOBs of positive weight, all to the `owner`, or a `separate` line.
 */
export function distributeIdle(
  endpoint: Pick<SharedEndpointConfig, "idle" | "owner">,
  unused: Decimal,
  weights: ReadonlyMap<string, Decimal>,
): IdleSplit {
  const idle = new Map<string, Decimal>();
  const W = sum(weights.values());
  switch (endpoint.idle) {
    case "proportional":
      for (const [lob, w] of weights) idle.set(lob, unused.times(w).dividedBy(W));
      break;
    case "even": {
      const takers = [...weights.keys()].filter((l) => (weights.get(l) as Decimal).greaterThan(0));
      for (const lob of takers) idle.set(lob, unused.dividedBy(takers.length));
      break;
    }
    case "owner":
      idle.set(endpoint.owner, unused);
      break;
    case "separate":
      return { idle, idleLine: unused };
  }
  return { idle, idleLine: ZERO };
}

/**
 * Division is exact only to 60 significant digits: cuts every part to 30 places (rounding down, so none turns
 * negative) and gives the residue (< 1e-29 per part) to the largest part, so that the parts add up to `C` exactly.
 * `used` is changed in place.
 */
export function conserve(C: Decimal, used: Map<string, Decimal>, split: IdleSplit): IdleSplit {
  const idle = new Map(split.idle);
  const cut = (d: Decimal) => d.toDecimalPlaces(SCALE, Decimal.ROUND_DOWN);
  for (const map of [used, idle]) for (const [lob, v] of map) map.set(lob, cut(v));
  let idleLine = cut(split.idleLine);
  const residue = C.minus(sum(used.values())).minus(sum(idle.values())).minus(idleLine);
  if (!residue.isZero()) {
    let best: { map: Map<string, Decimal> | undefined; lob: string; value: Decimal } = {
      map: undefined,
      lob: "",
      value: idleLine,
    };
    for (const map of [used, idle])
      for (const [lob, value] of map) if (value.greaterThan(best.value)) best = { map, lob, value };
    if (best.map === undefined) idleLine = idleLine.plus(residue);
    else best.map.set(best.lob, best.value.plus(residue));
  }
  return { idle, idleLine };
}
