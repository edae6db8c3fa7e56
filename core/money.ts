/**
 * Exact decimal money (decimal.js) and cent rounding that conserves totals.
 */
import { Decimal as DecimalJs } from "decimal.js";

/** A decimal.js constructor with enough precision that no allocation step rounds. */
export const Decimal = DecimalJs.clone({
  precision: 60,
  rounding: DecimalJs.ROUND_HALF_UP,
  toExpNeg: -30,
  toExpPos: 40,
});
/** An exact decimal number. */
export type Decimal = InstanceType<typeof Decimal>;

/** Zero, as a {@link Decimal}. */
export const ZERO = new Decimal(0);

/** Parses a money or quantity value; empty input is zero. Throws on anything not a number. */
export function dec(value: DecimalJs.Value | null | undefined): Decimal {
  if (value === null || value === undefined || value === "") return ZERO;
  return new Decimal(value);
}

/** Adds decimals exactly. */
export function sum(values: Iterable<Decimal>): Decimal {
  let s = ZERO;
  for (const v of values) s = s.plus(v);
  return s;
}

/** Rounds to cents, half up (away from zero for negatives, like most invoices). */
export function toCents(value: Decimal): Decimal {
  return value.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

/** Formats a decimal as a money string with two places: `"600.00"`. */
export function formatMoney(value: Decimal): string {
  return value.toFixed(2, Decimal.ROUND_HALF_UP);
}

/**
 * A decimal as an integer count of `10^-places` (its digits beyond `places` cut toward zero): `units(dec("1.5"), 2)`
 * is `150n`. Exact when `places` is at least the value's decimal places.
 */
export function units(value: Decimal, places: number): bigint {
  const cut = value.decimalPlaces() > places ? value.toDecimalPlaces(places, Decimal.ROUND_DOWN) : value;
  return BigInt(cut.toFixed(places).replace(".", ""));
}

/** The most decimal places among `values`, at least `atLeast`: the places at which {@link units} holds them all exactly. */
export function maxPlaces(values: Iterable<Decimal>, atLeast: number): number {
  let places = atLeast;
  for (const v of values) places = Math.max(places, v.decimalPlaces());
  return places;
}

/** An integer count of `10^-places` as a decimal: `fromUnits(150n, 2)` is 1.5. */
export function fromUnits(count: bigint, places: number): Decimal {
  return count === 0n ? ZERO : new Decimal(`${count}e-${places}`);
}

/** An integer number of cents as money text with two places: `centsText(-5n)` is `"-0.05"`. */
export function centsText(cents: bigint): string {
  const negative = cents < 0n;
  const digits = (negative ? -cents : cents).toString().padStart(3, "0");
  return `${negative ? "-" : ""}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/**
 * Rounds parts to cents so that they add up exactly to `whole`, by the largest-remainder method, in integers: the
 * parts and the whole are counts of a unit `step` times smaller than a cent (`step = 10^(places - 2)`), the whole a
 * whole number of cents.
 *
 * Each part is first taken down (toward negative infinity) to cents; the cents still missing go one by one to the
 * parts with the largest remainders (ties broken by `keys` order, then index), cycling if need be; extra cents are
 * taken back from the smallest remainders. Works with negative parts (credits).
 *
 * @param whole - the total, in units; a multiple of `step`
 * @param parts - exact parts, in units, whose sum is (close to) `whole`
 * @param step - units per cent
 * @param keys - names used to break ties between equal remainders; defaults to the index order
 * @returns the parts in cents, in the same order
 */
export function roundUnitsConserving(
  whole: bigint,
  parts: readonly bigint[],
  step: bigint,
  keys?: readonly string[],
): bigint[] {
  if (whole % step !== 0n) throw new RangeError(`whole ${whole} is not a whole number of cents`);
  const out: bigint[] = [];
  const rems: bigint[] = [];
  let missing = whole / step;
  for (const p of parts) {
    let cents = p / step; // toward zero, then down for a negative part with a remainder
    if (p < 0n && cents * step !== p) cents -= 1n;
    out.push(cents);
    rems.push(p - cents * step);
    missing -= cents;
  }
  if (parts.length === 0) {
    if (missing !== 0n) throw new RangeError("cannot distribute a non-zero whole over no parts");
    return out;
  }
  const order = parts
    .map((_, i) => i)
    .sort((a, b) => {
      const ra = rems[a] as bigint;
      const rb = rems[b] as bigint;
      if (ra !== rb) return rb > ra ? 1 : -1;
      const ka = keys?.[a] ?? "";
      const kb = keys?.[b] ?? "";
      return ka < kb ? -1 : ka > kb ? 1 : a - b;
    });
  // Normally |missing| < parts.length; the loops handle any residue by cycling.
  for (let k = 0; missing > 0n; k++, missing--) {
    const i = order[k % order.length] as number;
    out[i] = (out[i] as bigint) + 1n;
  }
  for (let k = order.length - 1; missing < 0n; k--, missing++) {
    const i = order[((k % order.length) + order.length) % order.length] as number;
    out[i] = (out[i] as bigint) - 1n;
  }
  return out;
}

/**
 * Rounds parts to cents so that they add up exactly to `whole` (already in cents), by the largest-remainder method
 * ({@link roundUnitsConserving}, on the parts as exact integers).
 *
 * @param whole - the total the rounded parts must add up to; must be a whole number of cents
 * @param parts - exact parts whose sum is (close to) `whole`
 * @param keys - names used to break ties between equal remainders (e.g. LOB names); defaults to the index order
 * @returns the parts in cents, in the same order
 */
export function roundToCentsConserving(
  whole: Decimal,
  parts: readonly Decimal[],
  keys?: readonly string[],
): Decimal[] {
  if (!whole.equals(toCents(whole)))
    throw new RangeError(`whole ${whole.toString()} is not a whole number of cents`);
  const places = maxPlaces(parts, 2);
  const step = 10n ** BigInt(places - 2);
  const cents = roundUnitsConserving(
    units(whole, places),
    parts.map((p) => units(p, places)),
    step,
    keys,
  );
  return cents.map((c) => fromUnits(c, 2));
}

/**
 * Splits `total` exactly in proportion to `weights`. When all weights are zero, returns `undefined`.
 */
export function splitProportionally(total: Decimal, weights: readonly Decimal[]): Decimal[] | undefined {
  const w = sum(weights);
  if (w.isZero()) return undefined;
  return weights.map((x) => total.times(x).dividedBy(w));
}
