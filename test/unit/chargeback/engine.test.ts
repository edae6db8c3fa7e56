import { describe, expect, it } from "vitest";
import { allocate } from "../../../chargeback/engine/index.js";
import type { ChargebackReport } from "../../../chargeback/model.js";
import { endpoint, hosting, line, POLICY, use } from "./helpers.js";

function lobCosts(r: ChargebackReport): Record<string, string> {
  return Object.fromEntries(r.lobs.filter((l) => l.total !== "0.00").map((l) => [l.lob, l.total]));
}

const USAGE = [use("retail", 1000, 1000), use("wealth", 2000, 0)]; // w: retail 4000, wealth 2000; K = 10 h × 1000

function run(over: Parameters<typeof endpoint>[0], usage = USAGE, hours = "10") {
  return allocate({
    month: "2026-10",
    policy: POLICY,
    sharedEndpoints: [endpoint(over)],
    costs: [hosting("shared-llm", hours, "100")],
    usage,
  });
}

describe("allocate: one shared endpoint, hand-computed", () => {
  it("proportional: all of C follows a_l (60% used)", () => {
    const r = run({ idle: "proportional" });
    expect(lobCosts(r)).toEqual({ retail: "66.67", wealth: "33.33" });
    const e = r.sharedEndpoints[0];
    expect(e?.utilization).toBe(0.6);
    expect(e?.idle).toBe("0.00");
    expect(e?.unusedCost).toBe("40.00");
    expect(e?.allocations.map((a) => [a.lob, a.usedCost, a.idleCost, a.cost])).toEqual([
      ["retail", "40.00", "26.67", "66.67"],
      ["wealth", "20.00", "13.33", "33.33"],
    ]);
    // docs/contracts.md#allocation-rules: both per million weighted tokens (w = 6000 of K = 10000), so full / effective = utilization
    expect(e?.effectiveCostPerMillionTokens).toBe("16666.6667"); // 100 / 6000 weighted tokens × 1e6
    expect(e?.totalTokens).toBe(4000); // raw tokens beside it
    expect(e?.fullUtilizationCostPerMillionTokens).toBe("10000.0000"); // 100 / 10000 × 1e6
  });

  it("even: idle split equally among LOBs with usage", () => {
    expect(lobCosts(run({ idle: "even" }))).toEqual({ retail: "60.00", wealth: "40.00" });
  });

  it("owner: idle to the owner", () => {
    expect(lobCosts(run({ idle: "owner" }))).toEqual({ platform: "40.00", retail: "40.00", wealth: "20.00" });
  });

  it("separate: an __idle__ line owned by the owner", () => {
    const r = run({ idle: "separate" });
    expect(lobCosts(r)).toEqual({ retail: "40.00", wealth: "20.00" });
    expect(r.sharedEndpoints[0]?.idle).toBe("40.00");
    expect(r.lines.filter((l) => l.category === "idle")).toEqual([
      expect.objectContaining({
        lob: "__idle__",
        cost: "40.00",
        endpoint: "shared-llm",
        method: "idle:separate",
      }),
    ]);
    expect(r.reconciliation).toEqual({
      sourceTotal: "100.00",
      reportTotal: "100.00",
      difference: "0.00",
      estimated: false,
      basis: "net-amortized",
      byCategory: {
        usage: "100.00",
        commitment: "0.00",
        discount: "0.00",
        credit: "0.00",
        refund: "0.00",
        tax: "0.00",
      },
    });
  });

  it("a reservation lifts charged usage to reservation × K; A ≥ K splits by a_l", () => {
    const r = run({ reservations: { insurance: 0.5 } });
    // a: retail 4000, wealth 2000, insurance 5000 → A = 11000 ≥ K = 10000
    expect(lobCosts(r)).toEqual({ insurance: "45.46", retail: "36.36", wealth: "18.18" });
    const ins = r.sharedEndpoints[0]?.allocations.find((a) => a.lob === "insurance");
    expect(ins).toMatchObject({ weightedTokens: 0, chargedTokens: 5000 });
    expect(r.lines.find((l) => l.lob === "insurance")?.method).toBe("reservation");
  });

  it("over capacity: split by weighted tokens, utilization above 1", () => {
    const r = run({ capacityTokensPerInstanceHour: 500 });
    expect(lobCosts(r)).toEqual({ retail: "66.67", wealth: "33.33" });
    expect(r.sharedEndpoints[0]?.utilization).toBe(1.2);
  });

  it("no capacity configured: fully used, no idle", () => {
    const r = run({ capacityTokensPerInstanceHour: undefined, idle: "separate" });
    expect(lobCosts(r)).toEqual({ retail: "66.67", wealth: "33.33" });
    expect(r.sharedEndpoints[0]?.utilization).toBe(1);
    expect(r.sharedEndpoints[0]?.idle).toBe("0.00");
  });

  it("zero usage: everything to the owner", () => {
    for (const idle of ["proportional", "even", "owner", "separate"] as const) {
      const r = run({ idle }, []);
      expect(lobCosts(r)).toEqual({ platform: "100.00" });
      expect(r.lines).toEqual([expect.objectContaining({ lob: "platform", method: "owner-fallback" })]);
    }
  });
});

describe("allocate: cost lines", () => {
  const ep = endpoint();
  const costs = [
    hosting("shared-llm", "10", "100", { user_LineOfBusiness: "retail" }), // its own tag is ignored
    line({
      resourceId: "arn:aws:sagemaker:us-east-1:1:training-job/t1",
      usageType: "USE1-Train:ml.m5.xlarge",
      amount: "2",
      cost: "3.005",
      tags: { user_LineOfBusiness: "retail" },
    }),
    line({
      resourceId: "arn:aws:sagemaker:us-east-1:1:training-job/t2",
      usageType: "USE1-Train:ml.m5.xlarge",
      amount: "2",
      cost: "3.005",
      tags: { USER_lineofbusiness: "wealth" },
    }),
    line({
      resourceId: "arn:aws:sagemaker:us-east-1:1:endpoint/dedicated-a",
      amount: "24",
      cost: "12.5",
      tags: { user_LineOfBusiness: "wealth" },
    }),
    line({
      service: "AmazonBedrock",
      usageType: "USE1-Claude-input-tokens",
      resourceId: "arn:aws:bedrock:us-east-1:1:application-inference-profile/abc",
      amount: "1000",
      cost: "7.25",
      tags: { user_LineOfBusiness: "insurance" },
    }),
    line({
      service: "AmazonBedrock",
      usageType: "USE1-Claude-input-tokens",
      resourceId: null,
      amount: "1",
      cost: "1.10",
    }),
    line({
      resourceId: "arn:aws:sagemaker:us-east-1:1:processing-job/p",
      usageType: "USE1-Processing:ml.m5.xlarge",
      amount: "1",
      cost: "2.00",
      tags: { user_LineOfBusiness: "Retail" },
    }),
    line({
      usageStart: new Date("2026-09-30T23:59:59Z"),
      cost: "1000",
      tags: { user_LineOfBusiness: "retail" },
    }),
    line({
      usageStart: new Date("2026-11-01T00:00:00Z"),
      cost: "1000",
      tags: { user_LineOfBusiness: "retail" },
    }),
    line({
      usageStart: new Date("2026-10-31T23:59:59.999Z"),
      cost: "0.99",
      tags: { user_LineOfBusiness: "platform" },
    }),
    line({
      usageStart: new Date("2026-10-01T00:00:00Z"),
      cost: "0.01",
      tags: { user_LineOfBusiness: "platform" },
    }),
  ];

  it("lands every line in exactly one place and reconciles to the cent", () => {
    const r = allocate({
      month: "2026-10",
      policy: POLICY,
      sharedEndpoints: [ep],
      costs,
      usage: USAGE,
      estimated: true,
    });
    expect(r.lobs).toEqual([
      {
        lob: "insurance",
        total: "7.25",
        dedicated: "0.00",
        shared: "0.00",
        bedrock: "7.25",
        adjustments: "0.00",
      },
      {
        lob: "platform",
        total: "1.00",
        dedicated: "1.00",
        shared: "0.00",
        bedrock: "0.00",
        adjustments: "0.00",
      },
      {
        lob: "retail",
        total: "69.68",
        dedicated: "3.01",
        shared: "66.67",
        bedrock: "0.00",
        adjustments: "0.00",
      },
      {
        lob: "wealth",
        total: "48.83",
        dedicated: "15.50",
        shared: "33.33",
        bedrock: "0.00",
        adjustments: "0.00",
      },
    ]);
    expect(r.unallocated).toEqual({
      total: "3.10",
      items: [
        { reason: "unknown-lob:Retail", service: "AmazonSageMaker", cost: "2.00" },
        { reason: "untagged", service: "AmazonBedrock", cost: "1.10" },
      ],
    });
    // 100 + 3.005 + 3.005 + 12.5 + 7.25 + 1.10 + 2 + 0.99 + 0.01 = 129.86
    expect(r.reconciliation).toEqual({
      sourceTotal: "129.86",
      reportTotal: "129.86",
      difference: "0.00",
      estimated: true,
      basis: "net-amortized",
      byCategory: {
        usage: "129.86",
        commitment: "0.00",
        discount: "0.00",
        credit: "0.00",
        refund: "0.00",
        tax: "0.00",
      },
    });
    const lineSum = r.lines.reduce((s, l) => s + Math.round(Number(l.cost) * 100), 0);
    expect(lineSum).toBe(12986);
    expect(
      r.lines
        .filter((l) => l.lob === "wealth" && l.category === "dedicated")
        .map((l) => l.cost)
        .sort(),
    ).toEqual(["12.50", "3.00"]);
  });

  it("matches a shared endpoint's ARN case-insensitively and ignores out-of-scope services", () => {
    const r = allocate({
      month: "2026-10",
      policy: POLICY,
      sharedEndpoints: [endpoint({ name: "Shared-LLM" })],
      costs: [hosting("shared-llm", "10", "100"), { ...line({ cost: "5" }), service: "AmazonEC2" as never }],
      usage: [use("retail", 1, 0, "SHARED-llm")],
    });
    expect(lobCosts(r)).toEqual({ retail: "100.00" });
    expect(r.reconciliation.sourceTotal).toBe("100.00");
  });

  it("charges shared usage of a LOB outside the allowlist to unallocated", () => {
    const r = run({ capacityTokensPerInstanceHour: undefined }, [
      use("retail", 1, 0),
      use("marketing", 1, 0),
    ]);
    expect(lobCosts(r)).toEqual({ retail: "50.00" });
    expect(r.unallocated.items).toEqual([
      { reason: "unknown-lob:marketing", service: "AmazonSageMaker", cost: "50.00" },
    ]);
    expect(r.sharedEndpoints[0]?.allocations.map((a) => a.lob)).toEqual(["marketing", "retail"]);
    // the detail rows (CSV, FOCUS) give the same answer as the totals
    expect(r.lines.map((l) => [l.lob, l.category, l.method, l.cost])).toEqual([
      [null, "unallocated", "unknown-lob:marketing", "50.00"],
      ["retail", "shared", "weighted-tokens", "50.00"],
    ]);
  });

  it("rejects a malformed month", () => {
    expect(() =>
      allocate({ month: "2026-13", policy: POLICY, sharedEndpoints: [], costs: [], usage: [] }),
    ).toThrow(/YYYY-MM/);
  });
});
