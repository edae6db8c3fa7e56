import { describe, expect, it } from "vitest";
import { mapWithConcurrency } from "../../../core/concurrency.js";

describe("mapWithConcurrency", () => {
  it("keeps order and never exceeds the limit", async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapWithConcurrency(
      Array.from({ length: 20 }, (_, i) => i),
      async (x) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, (x * 7) % 5));
        inFlight--;
        return x * 2;
      },
      3,
    );
    expect(out).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
    expect(peak).toBe(3);
  });
  it("rejects on the first failure and on a bad limit", async () => {
    await expect(
      mapWithConcurrency([1, 2], async (x) => (x === 2 ? Promise.reject(new Error("boom")) : x)),
    ).rejects.toThrow("boom");
    await expect(mapWithConcurrency([1], async (x) => x, 0)).rejects.toThrow(RangeError);
  });
});
