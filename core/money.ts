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
 * Rounds parts to cents so that they add up exactly to `whole` (already in cents), by the largest-remainder method.
 *
 * Each part is first truncated toward negative infinity to cents; the cents still missing go one by one to the
 * parts with the largest remainders (ties broken by `keys` order, then index). Works with negative parts (credits).
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
  const floors = parts.map((p) => p.toDecimalPlaces(2, Decimal.ROUND_FLOOR));
  let missingCents = whole.minus(sum(floors)).times(100).toNumber();
  // Sorted by the remainders as doubles first: `toNumber` rounds correctly, so it never reverses an order, and only
  // equal doubles (ties, or remainders closer than a double tells apart) are compared exactly.
  const order = parts
    .map((p, i) => {
      const rem = p.minus(floors[i] as Decimal);
      return { i, rem, approx: rem.toNumber(), key: keys?.[i] ?? "" };
    })
    .sort(
      (a, b) =>
        b.approx - a.approx ||
        b.rem.comparedTo(a.rem) ||
        (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) ||
        a.i - b.i,
    );
  const out = [...floors];
  const step = new Decimal("0.01");
  if (order.length === 0) {
    if (missingCents !== 0) throw new RangeError("cannot distribute a non-zero whole over no parts");
    return out;
  }
  // Normally |missingCents| < parts.length; loop handles any residue by cycling.
  let k = 0;
  while (missingCents > 0) {
    const idx = (order[k % order.length] as { i: number }).i;
    out[idx] = (out[idx] as Decimal).plus(step);
    missingCents -= 1;
    k += 1;
  }
  k = order.length - 1;
  while (missingCents < 0) {
    const idx = (order[((k % order.length) + order.length) % order.length] as { i: number }).i;
    out[idx] = (out[idx] as Decimal).minus(step);
    missingCents += 1;
    k -= 1;
  }
  return out;
}

/**
 * Splits `total` exactly in proportion to `weights`. When all weights are zero, returns `undefined`.
 */
export function splitProportionally(total: Decimal, weights: readonly Decimal[]): Decimal[] | undefined {
  const w = sum(weights);
  if (w.isZero()) return undefined;
  return weights.map((x) => total.times(x).dividedBy(w));
}
