import { describe, expect, it } from "vitest";
import { allocate } from "../../../chargeback/engine/index.js";
import { renderJson, renderTable } from "../../../chargeback/reports/index.js";
import { endpoint, hosting, line, POLICY, use } from "./helpers.js";

describe("renderTable", () => {
  const report = allocate({
    month: "2026-10",
    policy: POLICY,
    sharedEndpoints: [endpoint({ idle: "separate" })],
    costs: [hosting("shared-llm", "10", "100"), line({ cost: "1.10", service: "AmazonBedrock" })],
    usage: [use("retail", 1000, 1000), use("wealth", 2000, 0)],
    estimated: true,
  });

  it("shows LOB totals, the __idle__ line, utilization, unallocated, reconciliation and the estimated flag", () => {
    const t = renderTable(report);
    expect(t).toContain("Chargeback 2026-10 (USD) — ESTIMATED — figures are not final");
    expect(t).toMatch(/retail\s+0\.00\s+40\.00\s+0\.00\s+40\.00/);
    expect(t).toMatch(/__idle__ shared-llm\s+40\.00\s+40\.00/);
    expect(t).toContain("shared-llm (owner platform):");
    expect(t).toMatch(
      /shared-llm\s+100\.00\s+10\s+60\.0%\s+40\.00\s+separate\s+40\.00\s+25000\.0000\s+10000\.0000/,
    );
    expect(t).toContain("untagged  AmazonBedrock  1.10");
    expect(t).toContain("Reconciliation: source 101.10 = report 101.10 (difference 0.00) — ESTIMATED");
  });

  it("renderJson is the report as JSON", () => {
    expect(JSON.parse(renderJson(report))).toEqual(report);
  });
});
