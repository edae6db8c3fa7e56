/**
 * Hostile usage (issue 13): counts no recorder writes. The engine refuses negative, fractional or non-finite
 * token and invocation counts and negative hosting hours from any source (exit 3, a DataSourceError); CloudWatch
 * counts a period sum that is not a whole number ≥ 0 as malformed instead of adding it. (The Athena usage lake's
 * checks — `ts` as an instant, negative counts, events without id — are in
 * test/unit/chargeback/sources/cur-athena.test.ts, "sends the lake query with the file ledger's checks".)
 */
import { describe, expect, it } from "vitest";
import { allocate } from "../../../chargeback/engine/allocate.js";
import { readCloudWatchUsage } from "../../../chargeback/sources/cloudwatch-usage.js";
import { DataSourceError } from "../../../core/errors.js";
import { dec } from "../../../core/money.js";
import { cloudWatchAnswering } from "../../support/cloudwatch-fake.js";
import { hosting } from "../chargeback/helpers.js";

const base = {
  month: "2026-10",
  policy: { tagKey: "LineOfBusiness", lobs: ["retail", "platform"] },
  sharedEndpoints: [
    {
      name: "shared-llm",
      owner: "platform",
      tokenWeights: { input: 1, output: 1 },
      reservations: {},
      idle: "proportional" as const,
    },
  ],
};

describe("the engine refuses impossible usage from any source", () => {
  for (const [field, value] of [
    ["inputTokens", -5],
    ["outputTokens", 1.5],
    ["invocations", Number.NaN],
    ["inputTokens", Number.POSITIVE_INFINITY],
  ] as const)
    it(`${field} = ${value}`, () => {
      const usage = {
        endpoint: "shared-llm",
        lob: "retail",
        invocations: 1,
        inputTokens: 10,
        outputTokens: 10,
      };
      expect(() =>
        allocate({
          ...base,
          costs: [hosting("shared-llm", "10", "100")],
          usage: [{ ...usage, [field]: value }],
        }),
      ).toThrow(DataSourceError);
    });

  it("negative hosting hours", () => {
    const line = { ...hosting("shared-llm", "10", "100"), usageAmount: dec("-10") };
    expect(() => allocate({ ...base, costs: [line], usage: [] })).toThrow(/hosting hours cannot be negative/);
  });
});

describe("CloudWatch counts impossible period sums as malformed", () => {
  it("skips negative and fractional sums and reports them", async () => {
    const cw = cloudWatchAnswering([4, -100, 0.5]);
    try {
      const out = await readCloudWatchUsage(cw.client, {
        month: "2026-10",
        candidates: { endpoints: ["shared-llm"], lobs: ["retail"] },
      });
      expect(out.usage).toEqual([
        { endpoint: "shared-llm", lob: "retail", invocations: 4, inputTokens: 4, outputTokens: 4 },
      ]);
      expect(out.malformed).toBe(6); // two bad sums in each of the three metrics
    } finally {
      cw.restore();
    }
  });
});

describe("a failing source ends the run's output", () => {
  it("mutes the other source's progress once one source fails", async () => {
    const { runChargeback } = await import("../../../chargeback/run.js");
    const { parseConfig } = await import("../../../core/config.js");
    const path = await import("node:path");
    const { ROOT } = await import("../../support/cli.js");
    const small = path.join(ROOT, "test/fixtures/chargeback/small");
    const config = parseConfig(
      { lobs: ["retail", "wealth", "platform"], usage: { type: "file", path: "usage" } },
      path.join(small, "smcb.config.json"),
    );
    const log: string[] = [];
    const run = runChargeback({
      config,
      month: "2026-10",
      now: new Date("2026-12-01T00:00:00Z"),
      costSource: async () => {
        throw new DataSourceError("the CUR is unreadable");
      },
      onProgress: (m) => log.push(m),
    });
    await expect(run).rejects.toThrow("the CUR is unreadable");
    const atFailure = log.length;
    await new Promise((r) => setTimeout(r, 1500)); // the ledger read goes on in the background, muted
    expect(log.length).toBe(atFailure);
    expect(log.some((m) => /^read \d+ events/.test(m))).toBe(false);
  });
});
