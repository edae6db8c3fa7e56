/**
 * Budget arithmetic shared by every store: prices per million tokens, the worst case of a call, how many output
 * tokens still fit, the actual cost, and the alert thresholds a settlement crosses. Exact decimals throughout.
 */
import type { GatewayModelConfig } from "../core/index.js";
import { Decimal, ZERO } from "../core/index.js";

const MILLION = new Decimal(1_000_000);

/** Prices per token of one model (the config gives them per million tokens). */
export interface TokenPrices {
  readonly input: Decimal;
  readonly output: Decimal;
  readonly cacheRead: Decimal;
  readonly cacheWrite: Decimal;
}

/** The per-token prices of a model, or `undefined` when the config gives it no price. */
export function tokenPrices(model: GatewayModelConfig | undefined): TokenPrices | undefined {
  const p = model?.price;
  if (p === undefined) return undefined;
  const input = new Decimal(p.input).div(MILLION);
  return {
    input,
    output: new Decimal(p.output).div(MILLION),
    cacheRead: p.cacheRead === undefined ? input : new Decimal(p.cacheRead).div(MILLION),
    cacheWrite: p.cacheWrite === undefined ? input : new Decimal(p.cacheWrite).div(MILLION),
  };
}

/** Token counts of one call. */
export interface CallTokens {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
}

/** The price of a call's tokens (zero without prices). */
export function costOf(tokens: CallTokens, prices: TokenPrices | undefined): Decimal {
  if (prices === undefined) return ZERO;
  return prices.input
    .times(tokens.inputTokens)
    .plus(prices.output.times(tokens.outputTokens))
    .plus(prices.cacheRead.times(tokens.cacheReadTokens))
    .plus(prices.cacheWrite.times(tokens.cacheWriteTokens));
}

/** The most an input token can cost: a prompt-cache write may cost more than plain input. */
export function worstInputPrice(prices: TokenPrices | undefined): Decimal {
  if (prices === undefined) return ZERO;
  return Decimal.max(prices.input, prices.cacheWrite, prices.cacheRead);
}

/** One budget bucket (a tenant's or a LOB's month), as stores keep it. */
export interface BucketState {
  /** Settled spend plus open reservations. */
  readonly committed: Decimal;
  /** Settled spend. */
  readonly spent: Decimal;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  readonly calls: number;
  /** Alert thresholds already sent this month (as decimal text). */
  readonly alerted: readonly string[];
}

/** An empty bucket. */
export const EMPTY_BUCKET: BucketState = {
  committed: ZERO,
  spent: ZERO,
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  calls: 0,
  alerted: [],
};

/** A tenant's rate counters of one minute. */
export interface RateState {
  readonly requests: number;
  readonly tokens: number;
}

/** What a call asks the store to reserve, before it is made. */
export interface ReserveRequest {
  /** The request id: one reservation and one settlement per id. */
  readonly id: string;
  readonly tenant: string;
  readonly lob: string;
  /** The calendar month (UTC) charged, `YYYY-MM`. */
  readonly month: string;
  /** The minute (epoch minutes, UTC) rate limits count in. */
  readonly minute: number;
  /** Now, epoch milliseconds. */
  readonly now: number;
  /** When the reservation expires if never settled (the call is dead by then), epoch milliseconds. */
  readonly expiresAt: number;
  /** The tenant's monthly limit, or `null` without one. */
  readonly tenantLimit: Decimal | null;
  /** The LOB's monthly limit, or `null` without one. */
  readonly lobLimit: Decimal | null;
  /** Requests per minute allowed, or `null`. */
  readonly rpm: number | null;
  /** Tokens per minute allowed, or `null`. */
  readonly tpm: number | null;
  /** Input tokens reserved (counted, with margin). */
  readonly inputTokens: number;
  /** The worst-case cost of the input. */
  readonly inputCost: Decimal;
  /** The price of one output token. */
  readonly outputPrice: Decimal;
  /** Output tokens asked for (`max_tokens`). */
  readonly maxOutputTokens: number;
  /** The fewest output tokens worth a call. */
  readonly minOutputTokens: number;
}

/** What the store granted, or why it refused. */
export type ReserveResult =
  | { readonly ok: true; readonly outputTokens: number; readonly amount: Decimal }
  | { readonly ok: false; readonly reason: "budget" | "rpm" | "tpm"; readonly scope?: "tenant" | "lob" };

/** A reservation as stores keep it until it is settled or expires. */
export interface Reservation {
  readonly id: string;
  readonly tenant: string;
  readonly lob: string;
  readonly month: string;
  readonly minute: number;
  /** The reserved amount. */
  readonly amount: Decimal;
  /** The reserved tokens (input + granted output), for the rate limit. */
  readonly tokens: number;
  /** Epoch milliseconds after which it is released. */
  readonly expiresAt: number;
}

/**
 * How many output tokens a call may have given the buckets' current state, or why it may have none.
 * Zero overshoot: the granted amount fits under every limit. No false block: a call is refused only when not even
 * `min(minOutputTokens, maxOutputTokens)` output tokens fit.
 */
export function planReservation(
  req: ReserveRequest,
  tenant: BucketState,
  lob: BucketState,
  rate: RateState,
): ReserveResult {
  if (req.rpm !== null && rate.requests + 1 > req.rpm) return { ok: false, reason: "rpm" };
  const floor = Math.min(req.minOutputTokens, req.maxOutputTokens);
  let out = req.maxOutputTokens;
  if (req.tpm !== null) {
    const fit = req.tpm - rate.tokens - req.inputTokens;
    if (fit < floor) return { ok: false, reason: "tpm" };
    out = Math.min(out, fit);
  }
  for (const [scope, limit, bucket] of [
    ["tenant", req.tenantLimit, tenant],
    ["lob", req.lobLimit, lob],
  ] as const) {
    if (limit === null) continue;
    const room = limit.minus(bucket.committed).minus(req.inputCost);
    const fit = room.isNegative()
      ? -1
      : req.outputPrice.isZero()
        ? out
        : room.div(req.outputPrice).floor().toNumber();
    if (fit < floor) return { ok: false, reason: "budget", scope };
    out = Math.min(out, fit);
  }
  return { ok: true, outputTokens: out, amount: req.inputCost.plus(req.outputPrice.times(out)) };
}

/** What a call settles to once it is over. */
export interface SettleRequest {
  readonly id: string;
  /** The LOB and month the call was reserved in (where its reservation is kept). */
  readonly lob: string;
  readonly month: string;
  /** The actual cost (zero for a failed call). */
  readonly cost: Decimal;
  readonly tokens: CallTokens;
  /** Alert thresholds of the tenant's budget (fractions) and its limit. */
  readonly tenantAlerts: { readonly limit: Decimal; readonly thresholds: readonly number[] } | null;
  /** Alert thresholds of the LOB's budget and its limit. */
  readonly lobAlerts: { readonly limit: Decimal; readonly thresholds: readonly number[] } | null;
}

/** A soft threshold crossed for the first time this month. */
export interface BudgetAlert {
  readonly scope: "tenant" | "lob";
  /** The tenant or LOB name. */
  readonly name: string;
  readonly month: string;
  /** The fraction of the limit crossed, e.g. 0.8. */
  readonly threshold: number;
  readonly spent: Decimal;
  readonly limit: Decimal;
}

/** The result of a settlement. */
export interface SettleResult {
  /** False when the id was already settled, or its reservation expired (nothing changed). */
  readonly settled: boolean;
  /** Thresholds crossed for the first time by this settlement (each is returned once per month). */
  readonly alerts: readonly BudgetAlert[];
}

/** A bucket after settling one call into it. */
export function settleInto(bucket: BucketState, r: Reservation, s: SettleRequest): BucketState {
  return {
    committed: bucket.committed.minus(r.amount).plus(s.cost),
    spent: bucket.spent.plus(s.cost),
    inputTokens: bucket.inputTokens + s.tokens.inputTokens,
    outputTokens: bucket.outputTokens + s.tokens.outputTokens,
    cacheReadTokens: bucket.cacheReadTokens + s.tokens.cacheReadTokens,
    cacheWriteTokens: bucket.cacheWriteTokens + s.tokens.cacheWriteTokens,
    calls: bucket.calls + 1,
    alerted: bucket.alerted,
  };
}

/** The thresholds `spent` has reached that were not alerted yet. */
export function newThresholds(
  spent: Decimal,
  alerts: { readonly limit: Decimal; readonly thresholds: readonly number[] } | null,
  alerted: readonly string[],
): number[] {
  if (alerts === null || alerts.limit.isZero()) return [];
  return alerts.thresholds.filter(
    (t) => !alerted.includes(String(t)) && spent.gte(alerts.limit.times(new Decimal(t))),
  );
}

/** Total tokens of a call, as rate limits count them. */
export function totalTokens(t: CallTokens): number {
  return t.inputTokens + t.outputTokens + t.cacheReadTokens + t.cacheWriteTokens;
}

/** The calendar month (UTC) of an instant, `YYYY-MM`. */
export function monthOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 7);
}

/** The minute (epoch minutes) of an instant. */
export function minuteOf(epochMs: number): number {
  return Math.floor(epochMs / 60_000);
}
