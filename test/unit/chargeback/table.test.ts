import { describe, expect, it } from "vitest";
import { allocate } from "../../../chargeback/engine/index.js";
import { escapeTerminal, renderJson, renderTable } from "../../../chargeback/reports/index.js";
import { money } from "../../../chargeback/reports/tables.js";
import { fixtureReport, hostileReport } from "../../fixtures/chargeback-report.js";
import { endpoint, hosting, line, POLICY, use } from "./helpers.js";

describe("renderTable", () => {
  it("prints every line of the reconciled total, the adjustments, the endpoints and the excluded services", () => {
    // Checked by eye against the hand computation in test/fixtures/chargeback-report.ts.
    expect(renderTable(fixtureReport())).toBe(`Chargeback 2026-10 (USD) — final

Warning: Tag keys "LineOfBusiness" and "line_of_business" both normalize to user_line_of_business; the values of the first are used.

Reconciliation (USD)
Figure        Value
────────────  ────────────────────────────────────────────────────────────────────────────────────────────────────────
Month         2026-10
Currency      USD
Basis         net amortized (after discounts, commitments amortized)
Source total  1,238.45
Report total  1,238.45
Difference    0.00
Figures       final
Source        export: examples/cur/smcb-cur (2 files, manifest metadata/BILLING_PERIOD=2026-10/smcb-cur-Manifest.json)

Source total per category (USD)
Category        Amount
────────────  ────────
Usage         1,178.45
Commitment       30.00
Discount          0.00
Credit          -20.00
Refund            0.00
Tax              50.00
────────────  ────────
Source total  1,238.45

Cost per line of business (USD)
LOB                 Dedicated  Shared  Bedrock  Adjustments     Total
──────────────────  ─────────  ──────  ───────  ───────────  ────────
insurance              300.00  125.00     0.00        20.33    445.33
retail                 120.00  300.00    36.20        50.10    506.30
wealth                   0.00  200.00    12.15         9.57    221.72
__idle__                 0.00   75.00     0.00         0.00     75.00
Unallocated              3.00    0.00     7.10       -20.00     -9.90
──────────────────  ─────────  ──────  ───────  ───────────  ────────
Total (reconciled)     423.00  700.00    55.45        60.00  1,238.45
  __idle__ is the shared endpoints' idle capacity kept on its own line; Unallocated is what no LOB could be charged (see below). The total equals the report total.

Adjustments (USD)
Category    Policy        Charged to                    Service          Amount
──────────  ────────────  ────────────────────────────  ───────────────  ──────
Commitment  LOB           retail                        AmazonSageMaker   30.00
Credit      central       Unallocated (central)         AmazonBedrock    -20.00
Tax         proportional  3 LOBs in proportion to cost  AmazonSageMaker   50.00
──────────  ────────────  ────────────────────────────  ───────────────  ──────
Total                                                                     60.00
  Amounts that are not a resource's usage (unused commitment, discounts, credits, refunds, tax), each placed by its costs.adjustments policy; never folded into untagged.

Shared endpoints (USD)
Endpoint        Cost  Instance-hours  Utilization  Unused capacity  Idle line  Raw tokens  Weighted tokens  Effective per 1M weighted tokens  At full utilization per 1M weighted tokens
────────────  ──────  ──────────────  ───────────  ───────────────  ─────────  ──────────  ───────────────  ────────────────────────────────  ──────────────────────────────────────────
shared-llm    600.00             400        80.0%            99.13       0.00   1,300,000        2,300,000                          260.8696                                    208.6957
shared-embed  100.00             100        25.0%            75.00      75.00     250,000          250,000                          400.0000                                    100.0000
  shared-llm: 600.00 USD for 400 instance-hours at 80.0% utilization; split in proportion to charged tokens (the larger of a LOB's weighted tokens and its reserved share of capacity); insurance reserved more than it used (500,000 charged vs 400,000 used weighted tokens) and pays for its reservation; the unused capacity (99.13 USD) is spread in proportion to charged tokens.
  shared-embed: 100.00 USD for 100 instance-hours at 25.0% utilization; split in proportion to charged tokens (the larger of a LOB's weighted tokens and its reserved share of capacity); the unused capacity (75.00 USD) is kept on the __idle__ line (75.00 USD), owned by platform.

Shared endpoint allocations (USD)
Endpoint      LOB        Calls  Input tokens  Output tokens  Weighted tokens  Charged tokens  Used or reserved  Idle share    Cost
────────────  ─────────  ─────  ────────────  ─────────────  ───────────────  ──────────────  ────────────────  ──────────  ──────
shared-llm    insurance    120       100,000        100,000          400,000         500,000            104.35       20.65  125.00
shared-llm    retail       900       500,000        200,000        1,100,000       1,100,000            229.57       45.43  275.00
shared-llm    wealth       450       200,000        200,000          800,000         800,000            166.96       33.04  200.00
shared-embed  retail        50       250,000              0          250,000         250,000             25.00        0.00   25.00

Unallocated (USD)
Reason                        Service            Cost
────────────────────────────  ───────────────  ──────
credit (adjustment, central)  AmazonBedrock    -20.00
unknown-lob:Retail            AmazonSageMaker    3.00
untagged                      AmazonBedrock      7.10
────────────────────────────  ───────────────  ──────
Total                                           -9.90

Excluded: outside the chargeback (USD)
Service         Lines      Cost
──────────────  ─────  ────────
AmazonEC2       1,200  8,810.25
AmazonS3           40     12.34
──────────────  ─────  ────────
Total excluded  1,240  8,822.59
  These services are outside the chargeback's scope (SageMaker, SageMaker Savings Plans, Bedrock and the Marketplace Bedrock models): counted and summed here, not allocated and not in the reconciled total.

Reconciliation: source 1,238.45 = report 1,238.45 (difference 0.00), basis net-amortized
`);
  });

  it("flags estimated figures", () => {
    const t = renderTable(fixtureReport(true));
    expect(t.split("\n")[0]).toBe("Chargeback 2026-10 (USD) — ESTIMATED — figures are not final");
    expect(t).toContain("Figures       ESTIMATED (not final)");
    expect(t.trimEnd().endsWith("(difference 0.00), basis net-amortized — ESTIMATED")).toBe(true);
  });

  it("escapes control characters so a ledger value cannot forge a line or drive the terminal", () => {
    const forged = "evil\nReconciliation: source 0.00 = report 0.00\u001b[2J\r\u202e";
    const t = renderTable(hostileReport(forged));
    expect(t).toContain("evil\\u{a}Reconciliation: source 0.00 = report 0.00\\u{1b}[2J\\u{d}\\u{202e}");
    expect(t.split("\n").filter((l) => l.startsWith("Reconciliation:"))).toEqual([
      "Reconciliation: source 1,238.45 = report 1,238.45 (difference 0.00), basis net-amortized",
    ]);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting none is left
    expect(t).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u202e]/);
    expect(escapeTerminal("a\tb")).toBe("a\\u{9}b");
  });

  it("says plainly that a month without cost lines has nothing to charge, and draws no LOB table", () => {
    const r = fixtureReport();
    const empty = {
      ...r,
      month: "2026-08",
      lobs: r.lobs.map((l) => ({
        ...l,
        total: "0.00",
        dedicated: "0.00",
        shared: "0.00",
        bedrock: "0.00",
        adjustments: "0.00",
      })),
      sharedEndpoints: [],
      unallocated: { total: "0.00", items: [] },
      reconciliation: {
        ...r.reconciliation,
        sourceTotal: "0.00",
        reportTotal: "0.00",
        byCategory: {
          usage: "0.00",
          commitment: "0.00",
          discount: "0.00",
          credit: "0.00",
          refund: "0.00",
          tax: "0.00",
        },
      },
      excluded: [],
      warnings: [],
      lines: [],
    };
    const t = renderTable(empty);
    expect(t).toContain(
      "No cost lines for 2026-08: the source held no in-scope line for this month, so there is nothing to charge back.",
    );
    expect(t).not.toContain("Cost per line of business");
    expect(t).not.toContain("Reconciliation: source");
  });

  it("shows the engine's report with the __idle__ row and a total equal to the report total", () => {
    const report = allocate({
      month: "2026-10",
      policy: POLICY,
      sharedEndpoints: [endpoint({ idle: "separate" })],
      costs: [hosting("shared-llm", "10", "100"), line({ cost: "1.10", service: "AmazonBedrock" })],
      usage: [use("retail", 1000, 1000), use("wealth", 2000, 0)],
      estimated: true,
    });
    const t = renderTable(report);
    const idle = report.sharedEndpoints[0]?.idle ?? "";
    expect(idle).not.toBe("0.00");
    expect(t).toMatch(
      new RegExp(
        `\\n__idle__ +0\\.00 +${idle.replace(".", "\\.")} +0\\.00 +0\\.00 +${idle.replace(".", "\\.")}\\n`,
      ),
    );
    expect(t).toMatch(
      new RegExp(
        `\\nTotal \\(reconciled\\) .* ${money(report.reconciliation.reportTotal).replace(".", "\\.")}\\n`,
      ),
    );
    expect(t).toContain("\nuntagged  AmazonBedrock  1.10\n");
    expect(JSON.parse(renderJson(report))).toEqual(report);
  });
});
