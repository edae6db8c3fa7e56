import { describe, expect, it } from "vitest";
import { type CostSource, runChargeback, type UsageSource } from "../../../chargeback/run.js";
import { parseConfig } from "../../../core/config.js";
import { ConfigError, UsageError } from "../../../core/errors.js";
import { hosting } from "./helpers.js";

const config = parseConfig(
  {
    lobs: ["retail", "platform"],
    costs: { type: "cur", path: "costs/*.csv" },
    sharedEndpoints: [{ name: "shared-llm", owner: "platform" }],
  },
  "/ws/smcb.config.json",
);
const costSource: CostSource = async (_w, estimated) => ({
  lines: [hosting("shared-llm", "10", "100")],
  currency: "USD",
  estimated,
});
const usageSource: UsageSource = async () => ({
  usage: [{ endpoint: "shared-llm", lob: "retail", invocations: 1, inputTokens: 1, outputTokens: 1 }],
  malformed: 2,
  duplicates: 3,
});

describe("runChargeback", () => {
  it("runs the engine on the sources' month", async () => {
    const r = await runChargeback({
      config,
      month: "2026-10",
      costSource,
      usageSource,
      now: new Date("2026-11-01T00:00:00Z"),
    });
    expect(r.lobs.find((l) => l.lob === "retail")?.total).toBe("100.00");
    expect(r.reconciliation.estimated).toBe(false);
    expect(r.usageQuality).toEqual({ malformed: 2, duplicates: 3 });
  });

  it("flags the current month as estimated", async () => {
    const r = await runChargeback({
      config,
      month: "2026-10",
      costSource,
      usageSource,
      now: new Date("2026-10-31T23:59:59Z"),
    });
    expect(r.reconciliation.estimated).toBe(true);
  });

  it("keeps the source's own estimated flag for a closed month", async () => {
    const r = await runChargeback({
      config,
      month: "2026-09",
      costSource: async () => ({ lines: [], currency: "USD", estimated: true }),
      usageSource,
      now: new Date("2026-10-02T00:00:00Z"),
    });
    expect(r.reconciliation.estimated).toBe(true);
  });

  it("refuses a future month (UsageError, exit 2)", async () => {
    const err = await runChargeback({
      config,
      month: "2026-12",
      costSource,
      usageSource,
      now: new Date("2026-11-30T00:00:00Z"),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
  });

  it("says what is missing in the configuration", async () => {
    const noCosts = parseConfig({ lobs: ["retail"] }, "/ws/smcb.config.json");
    await expect(
      runChargeback({
        config: noCosts,
        month: "2026-10",
        usageSource,
        now: new Date("2026-11-02T00:00:00Z"),
      }),
    ).rejects.toBeInstanceOf(ConfigError);
    const ce = parseConfig({ lobs: ["retail"], costs: { type: "cost-explorer" } }, "/ws/smcb.config.json");
    await expect(
      runChargeback({ config: ce, month: "2026-10", usageSource, now: new Date("2026-11-02T00:00:00Z") }),
    ).rejects.toThrow(/not available in this build/);
  });
});
