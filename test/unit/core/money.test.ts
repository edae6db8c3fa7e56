import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Decimal,
  dec,
  formatMoney,
  roundToCentsConserving,
  splitProportionally,
  sum,
  toCents,
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
