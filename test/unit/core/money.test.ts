import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  centsText,
  Decimal,
  dec,
  formatMoney,
  fromUnits,
  roundToCentsConserving,
  roundUnitsConserving,
  splitProportionally,
  sum,
  toCents,
  units,
} from "../../../core/money.js";

describe("money", () => {
  it("formats with two places and rounds half up", () => {
    expect(formatMoney(dec("600"))).toBe("600.00");
    expect(formatMoney(dec("0.005"))).toBe("0.01");
    expect(toCents(dec("1.234999")).toString()).toBe("1.23");
  });
  it("splits a third three ways so the cents add up, ties by key order", () => {
    const parts = splitProportionally(dec("100"), [dec(1), dec(1), dec(1)]) ?? [];
    const cents = roundToCentsConserving(dec("100"), parts, ["c", "a", "b"]);
    expect(cents.map(formatMoney)).toEqual(["33.33", "33.34", "33.33"]);
  });
  it("rounds integer units to cents: negative parts go down, ties by key, and money text of cents", () => {
    // units of 0.001: 1.005 + 1.005 − 0.010 = 2.000 → one of the two 1.005 gets the missing cent, by key
    expect(roundUnitsConserving(2000n, [1005n, 1005n, -10n], 10n, ["b", "a", "c"])).toEqual([
      100n,
      101n,
      -1n,
    ]);
    // −0.005 goes down to −0.01 (remainder 0.005), 0.005 to 0.00 (remainder 0.005): the missing cent to the first
    expect(roundUnitsConserving(0n, [-5n, 5n], 10n)).toEqual([0n, 0n]);
    expect(() => roundUnitsConserving(5n, [5n], 10n)).toThrow(RangeError);
    expect([0n, 5n, -5n, 123456n, -100n].map(centsText)).toEqual([
      "0.00",
      "0.05",
      "-0.05",
      "1234.56",
      "-1.00",
    ]);
    expect(units(dec("1.234"), 2)).toBe(123n);
    expect(units(dec("-1.239"), 2)).toBe(-123n); // toward zero
    expect(fromUnits(-123n, 2).toString()).toBe("-1.23");
  });
  it("returns undefined when there is nothing to split by", () => {
    expect(splitProportionally(dec(5), [dec(0)])).toBeUndefined();
  });
  it("rejects a whole that is not in cents", () => {
    expect(() => roundToCentsConserving(dec("1.001"), [dec("1.001")])).toThrow(RangeError);
  });
  it("property: rounded parts always add up to the rounded whole, each within a cent", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1_000_000, max: 10_000_000 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 9 }),
        (raw, scale) => {
          const parts = raw.map((r) =>
            new Decimal(r)
              .dividedBy(10 ** scale)
              .times(7)
              .dividedBy(3),
          );
          const whole = toCents(sum(parts));
          const cents = roundToCentsConserving(whole, parts);
          expect(sum(cents).equals(whole)).toBe(true);
          cents.forEach((c, i) => {
            expect(
              c
                .minus(parts[i] as Decimal)
                .abs()
                .lessThan("0.02"),
            ).toBe(true);
          });
        },
      ),
    );
  });
});
