/**
 * The engine on the real bill's lines (docs/contracts.md#cost-input-the-real-bill categories and policies, §3.5 rules): hand-computed cases.
 *
 * The lines are given as the readers produce them: each with its category and its amount at the basis already
 * computed (the readers' own tests check the per-line-type basis arithmetic against CUR files).
 */
import { describe, expect, it } from "vitest";
import { allocate, lobTagOf, normalizeCurTagKey } from "../../../chargeback/engine/index.js";
import type { AdjustmentCategory, ChargebackReport, CostLine } from "../../../chargeback/model.js";
import { dec } from "../../../core/money.js";
import { endpoint, hosting, line, POLICY, use } from "./helpers.js";

const ARN = "arn:aws:sagemaker:us-east-1:111122223333";
const PROFILE = "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile";

const cents = (s: string) => Math.round(Number(s) * 100);

function conserved(r: ChargebackReport): void {
  const lobs = r.lobs.reduce((t, l) => t + cents(l.total), 0);
  const idle = r.sharedEndpoints.reduce((t, e) => t + cents(e.idle), 0);
  expect(lobs + idle + cents(r.unallocated.total)).toBe(cents(r.reconciliation.sourceTotal));
  expect(r.lines.reduce((t, l) => t + cents(l.cost), 0)).toBe(cents(r.reconciliation.sourceTotal));
  const byCat = Object.values(r.reconciliation.byCategory).reduce((t, v) => t + cents(v), 0);
  expect(byCat).toBe(cents(r.reconciliation.sourceTotal));
  for (const l of r.lobs)
    expect(cents(l.total)).toBe(
      cents(l.dedicated) + cents(l.shared) + cents(l.bedrock) + cents(l.adjustments),
    );
}

function adjustment(
  category: AdjustmentCategory,
  cost: string,
  over: Partial<Omit<CostLine, "cost" | "usageAmount">> = {},
): CostLine {
  const types: Record<AdjustmentCategory, string> = {
    commitment: "SavingsPlanRecurringFee",
    discount: "EdpDiscount",
    credit: "Credit",
    refund: "Refund",
    tax: "Tax",
  };
  return line({ category, lineItemType: types[category], usageType: "", cost, ...over });
}

/** A month: a shared endpoint covered by a Savings Plan, dedicated SageMaker, Bedrock, and its adjustments. */
function month(): CostLine[] {
  return [
    // SavingsPlanCoveredUsage at the SP effective cost (net-amortized): 100 h × 0.60 = 60.00
    { ...hosting("shared-llm", "100", "60.00"), lineItemType: "SavingsPlanCoveredUsage" },
    line({
      resourceId: `${ARN}:endpoint/retail-fraud`,
      cost: "30.00",
      tags: { user_line_of_business: "retail" },
    }),
    line({ resourceId: `${ARN}:training-job/w1`, cost: "10.00", tags: { user_line_of_business: "wealth" } }),
    line({
      service: "AmazonBedrock",
      productCode: "AmazonBedrock",
      usageType: "USE1-NovaPro-input-tokens",
      resourceId: `${PROFILE}/retail01`,
      cost: "8.00",
      tags: { user_line_of_business: "retail" },
    }),
    // Claude through AWS Marketplace via wealth's profile: reported as Bedrock, the product name kept
    line({
      service: "AmazonBedrock",
      productCode: "b3x7q9k2m4n8p1r5s6t0vwyz",
      productName: "Claude Sonnet 4.5 (Amazon Bedrock Edition)",
      usageType: "USE1-MP:USE1_InputTokenCount-Units",
      resourceId: `${PROFILE}/wealth01`,
      cost: "12.00",
      tags: { user_line_of_business: "wealth" },
    }),
    // the same model called without a profile: no LOB tag
    line({
      service: "AmazonBedrock",
      productCode: "b3x7q9k2m4n8p1r5s6t0vwyz",
      productName: "Claude Sonnet 4.5 (Amazon Bedrock Edition)",
      usageType: "USE1-MP:USE1_OutputTokenCount-Units",
      cost: "5.00",
    }),
    // unused commitment of the SageMaker Savings Plan (MachineLearningSavingsPlans, reported as SageMaker)
    adjustment("commitment", "7.00", {
      productCode: "MachineLearningSavingsPlans",
      usageType: "SageMakerSP:1yrNoUpfront",
    }),
    adjustment("credit", "-4.00", { service: "AmazonBedrock", productCode: "AmazonBedrock" }),
    adjustment("refund", "-1.00"),
    adjustment("tax", "3.33"),
    adjustment("tax", "1.00", { service: "AmazonBedrock", productCode: "AmazonBedrock" }),
  ];
}

const usage = [use("retail", 300, 100), use("wealth", 100, 0)]; // w = 600 and 100 (weights 1, 3)

function run(adjustments: Partial<Record<AdjustmentCategory, string>> = {}) {
  return allocate({
    month: "2026-10",
    policy: POLICY,
    sharedEndpoints: [endpoint({ capacityTokensPerInstanceHour: undefined })],
    costs: month(),
    usage,
    adjustments,
    basis: "net-amortized",
  });
}

describe("allocate: adjustments (DESIGN §3.4 categories and policies)", () => {
  it("central (default): each category is its own unallocated item, never inside untagged", () => {
    const r = run();
    conserved(r);
    expect(r.reconciliation.byCategory).toEqual({
      usage: "125.00",
      commitment: "7.00",
      discount: "0.00",
      credit: "-4.00",
      refund: "-1.00",
      tax: "4.33",
    });
    expect(r.reconciliation.sourceTotal).toBe("131.33");
    expect(r.unallocated.items).toEqual([
      { reason: "commitment", service: "AmazonSageMaker", cost: "7.00" },
      { reason: "credit", service: "AmazonBedrock", cost: "-4.00" },
      { reason: "refund", service: "AmazonSageMaker", cost: "-1.00" },
      { reason: "tax", service: "AmazonBedrock", cost: "1.00" },
      { reason: "tax", service: "AmazonSageMaker", cost: "3.33" },
      { reason: "untagged", service: "AmazonBedrock", cost: "5.00" },
    ]);
    // shared-llm 60.00 by weighted tokens 600 : 100
    expect(r.lobs.find((l) => l.lob === "retail")).toMatchObject({
      dedicated: "30.00",
      shared: "51.43",
      bedrock: "8.00",
      adjustments: "0.00",
      total: "89.43",
    });
    expect(r.lobs.find((l) => l.lob === "wealth")).toMatchObject({
      dedicated: "10.00",
      shared: "8.57",
      bedrock: "12.00",
      total: "30.57",
    });
    const central = r.lines.filter((l) => l.chargeCategory !== "usage");
    expect(central.map((l) => [l.category, l.method, l.chargeCategory, l.cost])).toEqual([
      ["unallocated", "commitment:central", "commitment", "7.00"],
      ["unallocated", "credit:central", "credit", "-4.00"],
      ["unallocated", "refund:central", "refund", "-1.00"],
      ["unallocated", "tax:central", "tax", "1.00"],
      ["unallocated", "tax:central", "tax", "3.33"],
    ]);
  });

  it("a LOB policy gives that LOB all of the category (the team that bought the plan)", () => {
    const r = run({ commitment: "platform" });
    conserved(r);
    expect(r.lobs.find((l) => l.lob === "platform")).toMatchObject({
      adjustments: "7.00",
      adjustmentsByCategory: { commitment: "7.00" },
      total: "7.00",
    });
    expect(r.unallocated.items.some((i) => i.reason === "commitment")).toBe(false);
    expect(r.lines.filter((l) => l.category === "adjustment")).toEqual([
      expect.objectContaining({
        lob: "platform",
        method: "commitment:lob",
        chargeCategory: "commitment",
        usageType: "SageMakerSP:1yrNoUpfront",
        cost: "7.00",
      }),
    ]);
  });

  it("proportional spreads over LOBs by their allocated cost of the same service, largest remainder to the cent", () => {
    const r = run({ tax: "proportional", credit: "proportional", refund: "proportional" });
    conserved(r);
    // SageMaker cost: retail 30.00 + 51.43 = 81.43, wealth 10.00 + 8.57 = 18.57 (of 100.00)
    // tax 3.33 → retail 2.711619 → 2.71, wealth 0.618381 → 0.62 (remainders .1619 vs .8381)
    // refund −1.00 → retail −0.8143 → −0.81, wealth −0.1857 → −0.19
    // Bedrock cost: retail 8.00, wealth 12.00 (of 20.00); tax 1.00 → 0.40 / 0.60; credit −4.00 → −1.60 / −2.40
    const adj = (lob: string) => r.lobs.find((l) => l.lob === lob)?.adjustmentsByCategory;
    expect(adj("retail")).toEqual({ credit: "-1.60", refund: "-0.81", tax: "3.11" });
    expect(adj("wealth")).toEqual({ credit: "-2.40", refund: "-0.19", tax: "1.22" });
    expect(r.lobs.find((l) => l.lob === "retail")?.total).toBe("90.13"); // 89.43 − 1.60 − 0.81 + 3.11
    expect(r.unallocated.items.map((i) => i.reason)).toEqual(["commitment", "untagged"]);
    const taxRows = r.lines.filter((l) => l.method === "tax:proportional");
    expect(taxRows.map((l) => [l.lob, l.service, l.cost, l.consumedQuantity])).toEqual([
      ["retail", "AmazonBedrock", "0.40", "8.00"],
      ["wealth", "AmazonBedrock", "0.60", "12.00"],
      ["retail", "AmazonSageMaker", "2.71", "81.43"],
      ["wealth", "AmazonSageMaker", "0.62", "18.57"],
    ]);
  });

  it("proportional with no LOB cost of the service stays central, and says so", () => {
    const r = allocate({
      month: "2026-10",
      policy: POLICY,
      sharedEndpoints: [],
      costs: [
        line({ cost: "5.00", tags: { user_line_of_business: "retail" } }),
        adjustment("credit", "-2.00", { service: "AmazonBedrock" }),
      ],
      usage: [],
      adjustments: { credit: "proportional" },
    });
    conserved(r);
    expect(r.unallocated.items).toEqual([{ reason: "credit", service: "AmazonBedrock", cost: "-2.00" }]);
    expect(r.warnings).toEqual([
      expect.stringContaining("no LOB has AmazonBedrock cost; it is kept central"),
    ]);
  });

  it("keeps a Marketplace model's product name on its rows, and its untagged calls unallocated", () => {
    const r = run();
    const claude = r.lines.filter((l) => l.productName?.startsWith("Claude"));
    expect(claude.map((l) => [l.lob, l.category, l.service, l.usageType, l.cost])).toEqual([
      ["wealth", "bedrock", "AmazonBedrock", "USE1-MP:USE1_InputTokenCount-Units", "12.00"],
      [null, "unallocated", "AmazonBedrock", "USE1-MP:USE1_OutputTokenCount-Units", "5.00"],
    ]);
  });

  it("passes the basis, the excluded services and the source's warnings through", () => {
    const r = allocate({
      month: "2026-10",
      policy: POLICY,
      sharedEndpoints: [],
      costs: [line({ cost: "1.00", tags: { user_line_of_business: "retail" } })],
      usage: [],
      basis: "unblended",
      excluded: [{ service: "AmazonEC2", lines: 120, cost: dec("88.104") }],
      warnings: ["file a.csv.gz has no bill_invoice_id: read as final"],
      source: { kind: "export", location: "/x/cur", files: 2, manifest: "m.json", ignoredFiles: 0 },
    });
    expect(r.reconciliation.basis).toBe("unblended");
    expect(r.excluded).toEqual([{ service: "AmazonEC2", lines: 120, cost: "88.10" }]);
    expect(r.warnings).toEqual(["file a.csv.gz has no bill_invoice_id: read as final"]);
    expect(r.source?.manifest).toBe("m.json");
  });
});

describe("allocate: the LOB tag key as CUR 2.0, its tags column and FOCUS write it (DESIGN §3.4 Tags)", () => {
  // CUR 2.0 resource_tags keys: `user_` + the key normalized like Athena column names (legacy CUR guide
  // cur-ate-run.md: underscore before capitals, lower case, non-alphanumerics to `_`, runs collapsed, trimmed);
  // AWS's own CUR 2.0 SQL reads resource_tags['user_app_kubernetes_io_part_of'] and ['aws_created_by']
  // (CID scad-containers-cost-allocation.yaml).
  it("normalizes keys the way CUR 2.0 writes them", () => {
    expect(normalizeCurTagKey("LineOfBusiness")).toBe("line_of_business");
    expect(normalizeCurTagKey("app.kubernetes.io/part-of")).toBe("app_kubernetes_io_part_of");
    expect(normalizeCurTagKey("createdBy")).toBe("created_by");
    expect(normalizeCurTagKey("cost-center")).toBe("cost_center");
    expect(normalizeCurTagKey("SharedEndpoint")).toBe("shared_endpoint");
  });

  it("finds the LOB in every key form", () => {
    const k = "LineOfBusiness";
    expect(lobTagOf(k, { user_line_of_business: "retail" })).toBe("retail");
    expect(lobTagOf(k, { user_lineofbusiness: "retail" })).toBe("retail");
    expect(lobTagOf(k, { user_LineOfBusiness: "retail" })).toBe("retail");
    // the `tags` column: resourceTags/<key>, original case (table-dictionary-cur2-tag-columns)
    expect(lobTagOf(k, { "resourceTags/LineOfBusiness": "retail" })).toBe("retail");
    // FOCUS Tags: the original key, with or without a provider prefix (FOCUS spec PR #2434)
    expect(lobTagOf(k, { LineOfBusiness: "retail" })).toBe("retail");
    expect(lobTagOf(k, { "user:LineOfBusiness": "retail" })).toBe("retail");
    expect(lobTagOf(k, { "accountTag/LineOfBusiness": "retail" })).toBeUndefined();
    expect(lobTagOf(k, { user_line_of_business: "" })).toBeUndefined();
  });

  it("reports keys that collide after normalization and uses the CUR 2.0 form", () => {
    const r = allocate({
      month: "2026-10",
      policy: POLICY,
      sharedEndpoints: [],
      costs: [
        line({ cost: "2.00", tags: { user_line_of_business: "retail", user_lineofbusiness: "wealth" } }),
        line({ cost: "1.00", tags: { user_line_of_business: "retail", user_lineofbusiness: "retail" } }),
      ],
      usage: [],
    });
    expect(r.lobs.find((l) => l.lob === "retail")?.total).toBe("3.00");
    expect(r.warnings).toEqual([
      "Tag keys user_line_of_business ↔ user_lineofbusiness both name the LOB, with different values, on 1 line(s); the first was used.",
    ]);
  });

  it("warns, naming the keys it saw, when no line matched the tag key", () => {
    const r = allocate({
      month: "2026-10",
      policy: { ...POLICY, tagKey: "CostCenter" },
      sharedEndpoints: [],
      costs: [
        line({ cost: "2.00", tags: { user_line_of_business: "retail", aws_created_by: "x" } }),
        line({ cost: "1.00" }),
      ],
      usage: [],
    });
    expect(r.unallocated.items).toEqual([{ reason: "untagged", service: "AmazonSageMaker", cost: "3.00" }]);
    expect(r.warnings).toEqual([
      'No cost line carries the LOB tag "CostCenter" (looked for user_cost_center, user_CostCenter in any case, resourceTags/CostCenter, CostCenter); tag keys seen: aws_created_by, user_line_of_business.',
    ]);
  });

  it("LOBs named like Object's own properties are ordinary LOBs", () => {
    const lobs = ["toString", "constructor", "__proto__", "valueOf"];
    const r = allocate({
      month: "2026-10",
      policy: { tagKey: "LineOfBusiness", lobs },
      sharedEndpoints: [endpoint({ owner: "valueOf", reservations: { constructor: 0.5 } })],
      costs: [
        hosting("shared-llm", "10", "100.00"),
        line({ cost: "1.00", tags: { user_line_of_business: "__proto__" } }),
        adjustment("tax", "1.00"),
      ],
      usage: [use("toString", 1000, 0), use("hasOwnProperty", 10, 0)],
      adjustments: { tax: "proportional" },
    });
    conserved(r);
    expect(r.lobs.map((l) => l.lob)).toEqual(lobs);
    expect(r.unallocated.items.map((i) => i.reason)).toEqual(["unknown-lob:hasOwnProperty"]);
  });
});
