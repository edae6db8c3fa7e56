import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allocate, allocateSharedEndpoint } from "../../../chargeback/engine/index.js";
import { ADJUSTMENT_CATEGORIES, type EndpointUsage, type InScopeService } from "../../../chargeback/model.js";
import type { SharedEndpointConfig } from "../../../core/config.js";
import { Decimal, dec, sum } from "../../../core/money.js";
import { cents, checkConservation, endpoint, hosting, line, POLICY } from "./helpers.js";

const LOBS = POLICY.lobs;
/** Equal up to the engine's 60-digit division (30 places). */
const close = (a: Decimal, b: Decimal | number) => expect(a.minus(b).abs().lessThan("1e-25")).toBe(true);
const idlePolicy = fc.constantFrom("proportional", "even", "owner", "separate" as const);
const money = fc.integer({ min: 0, max: 10_000_000 }).map((n) => new Decimal(n).dividedBy(1000)); // 0 – 10,000.000
const usageArb = fc.array(
  fc.record({
    lob: fc.constantFrom(...LOBS),
    inputTokens: fc.nat({ max: 5_000_000 }),
    outputTokens: fc.nat({ max: 5_000_000 }),
  }),
  { maxLength: 8 },
);
const endpointArb: fc.Arbitrary<SharedEndpointConfig> = fc
  .record({
    idle: idlePolicy,
    capacity: fc.option(fc.integer({ min: 1, max: 2_000_000 }), { nil: undefined }),
    input: fc.integer({ min: 0, max: 4 }),
    output: fc.integer({ min: 0, max: 4 }),
    reservation: fc.option(fc.tuple(fc.constantFrom(...LOBS), fc.integer({ min: 0, max: 100 })), {
      nil: undefined,
    }),
  })
  .map((r) =>
    endpoint({
      idle: r.idle as SharedEndpointConfig["idle"],
      capacityTokensPerInstanceHour: r.capacity,
      tokenWeights: { input: r.input, output: r.output },
      reservations: r.reservation ? { [r.reservation[0]]: r.reservation[1] / 100 } : {},
    }),
  );
const toUsage = (
  u: { lob: string; inputTokens: number; outputTokens: number }[],
  ep = "shared-llm",
): EndpointUsage[] => u.map((x) => ({ ...x, endpoint: ep, invocations: 1 }));

describe("allocate: properties", () => {
  it("conserves every figure to the cent, nothing is negative, input order does not matter", () => {
    fc.assert(
      fc.property(
        fc.array(endpointArb, { minLength: 0, maxLength: 3 }),
        fc.array(fc.tuple(money, fc.integer({ min: 0, max: 2000 })), { minLength: 3, maxLength: 3 }),
        fc.array(usageArb, { minLength: 3, maxLength: 3 }),
        fc.array(
          fc.record({
            cost: money,
            tag: fc.constantFrom(undefined, "retail", "wealth", "Retail", "nobody"),
            bedrock: fc.boolean(),
          }),
          { maxLength: 10 },
        ),
        (eps, hostings, usages, others) => {
          const sharedEndpoints = eps.map((e, i) => ({ ...e, name: `ep-${i}` }));
          const costs = [
            ...sharedEndpoints.map((e, i) => {
              const [c, h] = hostings[i] as [Decimal, number];
              return hosting(e.name, String(h), c.toString());
            }),
            ...others.map((o) =>
              line({
                cost: o.cost.toString(),
                service: o.bedrock ? "AmazonBedrock" : "AmazonSageMaker",
                tags: o.tag === undefined ? {} : { user_LineOfBusiness: o.tag },
              }),
            ),
          ];
          const usage = sharedEndpoints.flatMap((e, i) => toUsage(usages[i] ?? [], e.name));
          const r = allocate({ month: "2026-10", policy: POLICY, sharedEndpoints, costs, usage });
          checkConservation(r);
          // the order of the input lines never changes the report
          const reversed = allocate({
            month: "2026-10",
            policy: POLICY,
            sharedEndpoints,
            costs: [...costs].reverse(),
            usage: [...usage].reverse(),
          });
          expect(reversed).toEqual(r);
          for (const x of r.lines) expect(cents(x.cost)).toBeGreaterThanOrEqual(0);
          for (const l of r.lobs) expect(cents(l.total)).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("conserves to the cent under every adjustment policy, with negative credits and refunds", () => {
    const category = fc.constantFrom(...ADJUSTMENT_CATEGORIES);
    const policy = fc.constantFrom("central", "proportional", ...LOBS);
    const signed = fc.integer({ min: -5_000_000, max: 5_000_000 }).map((n) => new Decimal(n).dividedBy(1000));
    fc.assert(
      fc.property(
        fc.record({
          commitment: policy,
          discount: policy,
          credit: policy,
          refund: policy,
          tax: policy,
        }),
        fc.array(fc.record({ category, cost: signed, bedrock: fc.boolean() }), { maxLength: 8 }),
        fc.array(
          fc.record({ cost: money, tag: fc.constantFrom(undefined, ...LOBS), bedrock: fc.boolean() }),
          { maxLength: 8 },
        ),
        fc.tuple(money, fc.integer({ min: 0, max: 2000 })),
        usageArb,
        (adjustments, adjs, usages, [hostCost, hours], u) => {
          const svc = (b: boolean): InScopeService => (b ? "AmazonBedrock" : "AmazonSageMaker");
          const costs = [
            hosting("shared-llm", String(hours), hostCost.toString()),
            ...usages.map((o) =>
              line({
                cost: o.cost.toString(),
                service: svc(o.bedrock),
                tags: o.tag === undefined ? {} : { user_line_of_business: o.tag },
              }),
            ),
            ...adjs.map((a) =>
              line({ cost: a.cost.toString(), service: svc(a.bedrock), category: a.category }),
            ),
          ];
          const input = {
            month: "2026-10",
            policy: POLICY,
            sharedEndpoints: [endpoint()],
            costs,
            usage: toUsage(u),
            adjustments,
          };
          const r = allocate(input);
          checkConservation(r);
          const adjTotal = adjs.reduce((s, a) => s.plus(a.cost), new Decimal(0));
          const categories = ADJUSTMENT_CATEGORIES.reduce(
            (s, c) => s + cents(r.reconciliation.byCategory[c]),
            0,
          );
          expect(Math.abs(categories - Math.round(adjTotal.toNumber() * 100))).toBeLessThanOrEqual(
            adjs.length,
          );
          expect(allocate({ ...input, costs: [...costs].reverse() })).toEqual(r);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("exact shares add up to the endpoint cost and are never negative", () => {
    fc.assert(
      fc.property(endpointArb, money, fc.integer({ min: 0, max: 2000 }), usageArb, (ep, c, h, u) => {
        const a = allocateSharedEndpoint(ep, { cost: c, instanceHours: dec(h), usage: toUsage(u) });
        const total = sum(a.shares.map((s) => s.used.plus(s.idle))).plus(a.idleLine);
        expect(total.equals(c)).toBe(true);
        for (const s of a.shares) {
          expect(s.used.isNegative()).toBe(false);
          expect(s.idle.isNegative()).toBe(false);
        }
        expect(a.idleLine.isNegative()).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  // Without a configured capacity, K = Σ w_l, so reservations grow with everyone's usage and a LOB's own extra
  // usage can raise the others' reserved tokens faster than its own: the rule is monotone only with a capacity
  // or without reservations (see the README).
  it("more usage never lowers a LOB's share (counting the __idle__ line as the owner's)", () => {
    fc.assert(
      fc.property(
        endpointArb.filter(
          (e) => e.capacityTokensPerInstanceHour !== undefined || Object.keys(e.reservations).length === 0,
        ),
        money,
        fc.integer({ min: 0, max: 2000 }),
        usageArb,
        fc.constantFrom(...LOBS),
        fc.nat({ max: 1_000_000 }),
        fc.nat({ max: 1_000_000 }),
        (ep, c, h, u, lob, extraIn, extraOut) => {
          const share = (usage: typeof u) => {
            const a = allocateSharedEndpoint(ep, { cost: c, instanceHours: dec(h), usage: toUsage(usage) });
            const s = a.shares.find((x) => x.lob === lob);
            const own = s ? s.used.plus(s.idle) : dec(0);
            return lob === ep.owner ? own.plus(a.idleLine) : own;
          };
          const before = share(u);
          const after = share([...u, { lob, inputTokens: extraIn, outputTokens: extraOut }]);
          expect(after.greaterThanOrEqualTo(before.minus("1e-25"))).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("each idle policy's invariant", () => {
    fc.assert(
      fc.property(endpointArb, money, fc.integer({ min: 1, max: 2000 }), usageArb, (ep, c, h, u) => {
        const a = allocateSharedEndpoint(ep, { cost: c, instanceHours: dec(h), usage: toUsage(u) });
        if (a.chargedTokens.isZero()) return;
        const under = a.chargedTokens.lessThan(a.capacityTokens);
        // the used part always follows charged tokens: C × a_l / max(A, K)
        const denom = Decimal.max(a.chargedTokens, a.capacityTokens);
        for (const s of a.shares) close(s.used, c.times(s.chargedTokens).dividedBy(denom));
        close(sum(a.shares.map((s) => s.idle)).plus(a.idleLine), a.unusedCost);
        if (!under) expect(a.unusedCost.isZero()).toBe(true);
        if (ep.idle === "proportional")
          for (const s of a.shares)
            close(s.used.plus(s.idle), c.times(s.chargedTokens).dividedBy(a.chargedTokens));
        if (ep.idle === "even") {
          const takers = a.shares.filter((s) => s.chargedTokens.greaterThan(0));
          for (const s of a.shares)
            close(s.idle, s.chargedTokens.greaterThan(0) ? a.unusedCost.dividedBy(takers.length) : 0);
        }
        if (ep.idle === "owner")
          for (const s of a.shares) close(s.idle, s.lob === ep.owner ? a.unusedCost : 0);
        if (ep.idle === "separate") {
          close(a.idleLine, a.unusedCost);
          for (const s of a.shares) expect(s.idle.isZero()).toBe(true);
        } else expect(a.idleLine.isZero()).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("with no charged usage, everything goes to the owner", () => {
    fc.assert(
      fc.property(
        endpointArb,
        money,
        fc.integer({ min: 0, max: 2000 }),
        fc.constantFrom(...LOBS),
        (ep, c, h, lob) => {
          const noRes = { ...ep, reservations: {} };
          const a = allocateSharedEndpoint(noRes, {
            cost: c,
            instanceHours: dec(h),
            usage: toUsage([{ lob, inputTokens: 0, outputTokens: 0 }]),
          });
          expect(a.ownerFallback).toBe(true);
          const owner = a.shares.find((s) => s.lob === noRes.owner);
          expect(owner?.used.equals(c)).toBe(true);
          expect(
            sum(a.shares.filter((s) => s.lob !== noRes.owner).map((s) => s.used.plus(s.idle))).isZero(),
          ).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
