import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import type { ChargebackReport } from "../../../../chargeback/model.js";
import {
  CSV_COLUMNS,
  escapeHtml,
  escapeMarkdown,
  FOCUS_COLUMNS,
  focusChargeCategory,
  renderCsv,
  renderFocus,
  renderHtml,
  renderMarkdown,
} from "../../../../chargeback/reports/renderers.js";
import { dec, formatMoney, sum } from "../../../../core/money.js";
import {
  CLAUDE,
  FIXTURE_WARNING,
  fixtureReport,
  HOSTILE_LOB,
  hostileReport,
} from "../../../fixtures/chargeback-report.js";

type Row = Record<string, string>;
const rows = (csv: string): Row[] => parse(csv, { columns: true }) as Row[];
const total = (rs: Row[], col: string) => formatMoney(sum(rs.map((r) => dec(r[col]))));
const withBasis = (basis: ChargebackReport["reconciliation"]["basis"]): ChargebackReport => {
  const r = fixtureReport();
  return { ...r, reconciliation: { ...r.reconciliation, basis } };
};

/** A month without a single cost line. */
function emptyMonth(): ChargebackReport {
  const r = fixtureReport();
  const zero = {
    usage: "0.00",
    commitment: "0.00",
    discount: "0.00",
    credit: "0.00",
    refund: "0.00",
    tax: "0.00",
  };
  return {
    ...r,
    month: "2026-08",
    lobs: r.lobs.map((l) => ({
      lob: l.lob,
      total: "0.00",
      dedicated: "0.00",
      shared: "0.00",
      bedrock: "0.00",
      adjustments: "0.00",
    })),
    sharedEndpoints: r.sharedEndpoints.map((e) => ({
      ...e,
      cost: "0.00",
      instanceHours: "0",
      utilization: 0,
    })),
    unallocated: { total: "0.00", items: [] },
    reconciliation: { ...r.reconciliation, sourceTotal: "0.00", reportTotal: "0.00", byCategory: zero },
    excluded: [],
    warnings: [],
    lines: [],
  };
}

describe("renderCsv", () => {
  it("writes one row per allocation line with charge category, usage type, product name and basis", () => {
    // Checked by eye: the 17 detail rows of the fixture, new columns appended after `estimated`.
    expect(
      renderCsv(fixtureReport()),
    ).toBe(`month,currency,lob,category,service,endpoint,resource_id,method,consumed_quantity,consumed_unit,cost,estimated,charge_category,usage_type,product_name,cost_basis
2026-10,USD,retail,dedicated,AmazonSageMaker,,arn:aws:sagemaker:us-east-1:111122223333:training-job/retail-train,tag,40,Hours,120.00,false,usage,USE1-Train:ml.g5.2xlarge,,net-amortized
2026-10,USD,retail,shared,AmazonSageMaker,shared-llm,arn:aws:sagemaker:us-east-1:111122223333:endpoint/shared-llm,weighted-tokens,1100000,Tokens,275.00,false,usage,,,net-amortized
2026-10,USD,retail,shared,AmazonSageMaker,shared-embed,arn:aws:sagemaker:us-east-1:111122223333:endpoint/shared-embed,weighted-tokens,250000,Tokens,25.00,false,usage,,,net-amortized
2026-10,USD,retail,bedrock,AmazonBedrock,,arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123,tag,1000000,Units,6.20,false,usage,USE1-MP:USE1_InputTokenCount-Units,Claude Sonnet 4.5 (Amazon Bedrock Edition),net-amortized
2026-10,USD,retail,bedrock,AmazonBedrock,,arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123,tag,200000,Units,30.00,false,usage,USE1-MP:USE1_OutputTokenCount-Units,Claude Sonnet 4.5 (Amazon Bedrock Edition),net-amortized
2026-10,USD,wealth,shared,AmazonSageMaker,shared-llm,arn:aws:sagemaker:us-east-1:111122223333:endpoint/shared-llm,weighted-tokens,800000,Tokens,200.00,false,usage,,,net-amortized
2026-10,USD,wealth,bedrock,AmazonBedrock,,,tag,400000,Tokens,12.15,false,usage,USE1-NovaPro-input-tokens,,net-amortized
2026-10,USD,insurance,dedicated,AmazonSageMaker,,arn:aws:sagemaker:us-east-1:111122223333:endpoint/claims-model,tag,730,Hours,300.00,false,usage,USE1-Host:ml.g5.2xlarge,,net-amortized
2026-10,USD,insurance,shared,AmazonSageMaker,shared-llm,arn:aws:sagemaker:us-east-1:111122223333:endpoint/shared-llm,reservation,500000,Tokens,125.00,false,usage,,,net-amortized
2026-10,USD,__idle__,idle,AmazonSageMaker,shared-embed,arn:aws:sagemaker:us-east-1:111122223333:endpoint/shared-embed,idle:separate,750000,Tokens,75.00,false,usage,,,net-amortized
2026-10,USD,,unallocated,AmazonBedrock,,,untagged,10000,Tokens,7.10,false,usage,USE1-NovaPro-output-tokens,,net-amortized
2026-10,USD,,unallocated,AmazonSageMaker,,arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/nb,unknown-lob:Retail,12,Hours,3.00,false,usage,USE1-Notebk:ml.t3.medium,,net-amortized
2026-10,USD,insurance,adjustment,AmazonSageMaker,,,tax:proportional,0,,20.33,false,tax,USE1-Tax,,net-amortized
2026-10,USD,retail,adjustment,AmazonSageMaker,,,tax:proportional,0,,20.10,false,tax,USE1-Tax,,net-amortized
2026-10,USD,wealth,adjustment,AmazonSageMaker,,,tax:proportional,0,,9.57,false,tax,USE1-Tax,,net-amortized
2026-10,USD,retail,adjustment,AmazonSageMaker,,arn:aws:savingsplans::111122223333:savingsplan/sp-0123,commitment:lob,0,,30.00,false,commitment,SavingsPlanRecurringFee,,net-amortized
2026-10,USD,,adjustment,AmazonBedrock,,,credit:central,0,,-20.00,false,credit,,,net-amortized
`);
  });

  it("adds up to the report total and to each LOB's total; excluded services are not rows", () => {
    const report = fixtureReport();
    const out = rows(renderCsv(report));
    expect(Object.keys(out[0] ?? {})).toEqual([...CSV_COLUMNS]);
    expect(CSV_COLUMNS.slice(0, 12)).toEqual([
      "month",
      "currency",
      "lob",
      "category",
      "service",
      "endpoint",
      "resource_id",
      "method",
      "consumed_quantity",
      "consumed_unit",
      "cost",
      "estimated",
    ]);
    expect(total(out, "cost")).toBe(report.reconciliation.reportTotal);
    for (const l of report.lobs)
      expect(
        total(
          out.filter((r) => r.lob === l.lob),
          "cost",
        ),
      ).toBe(l.total);
    expect(
      total(
        out.filter((r) => r.lob === ""),
        "cost",
      ),
    ).toBe(report.unallocated.total);
    expect(out.some((r) => r.service === "AmazonEC2" || r.cost === "8810.25")).toBe(false);
    // A profile's input- and output-token rows are told apart by their usage type.
    expect(out.filter((r) => r.product_name === CLAUDE).map((r) => r.usage_type)).toEqual([
      "USE1-MP:USE1_InputTokenCount-Units",
      "USE1-MP:USE1_OutputTokenCount-Units",
    ]);
  });

  it("quotes hostile values so the file still parses to the same cells", () => {
    const out = rows(renderCsv(hostileReport()));
    expect(out.filter((r) => r.lob === HOSTILE_LOB)).toHaveLength(3);
  });

  it("marks every row estimated when the report is", () => {
    expect(rows(renderCsv(fixtureReport(true))).every((r) => r.estimated === "true")).toBe(true);
  });
});

describe("renderFocus", () => {
  it("uses FOCUS 1.2 column names and x_ extensions, with the month as billing and charge period", () => {
    const report = fixtureReport();
    const out = rows(renderFocus(report));
    expect(Object.keys(out[0] ?? {})).toEqual([...FOCUS_COLUMNS]);
    for (const r of out) {
      expect(r.BillingPeriodStart).toBe("2026-10-01T00:00:00Z");
      expect(r.BillingPeriodEnd).toBe("2026-11-01T00:00:00Z");
      expect(r.ChargePeriodStart).toBe("2026-10-01T00:00:00Z");
      expect(r.ChargePeriodEnd).toBe("2026-11-01T00:00:00Z");
      expect(r.BillingCurrency).toBe("USD");
      expect(r.ServiceCategory).toBe("AI and Machine Learning");
      expect(r.x_CostBasis).toBe("net-amortized");
      expect(["Amazon SageMaker", "Amazon Bedrock"]).toContain(r.ServiceName);
    }
    expect(out.find((r) => r.x_Lob === "retail" && r.x_Category === "dedicated")).toMatchObject({
      Tags: '{"LineOfBusiness":"retail"}',
      ConsumedQuantity: "40",
      ConsumedUnit: "Hours",
      x_AllocationMethod: "tag",
      x_UsageType: "USE1-Train:ml.g5.2xlarge",
    });
    const idle = out.find((r) => r.x_Category === "idle");
    expect(idle).toMatchObject({ Tags: "{}", x_Lob: "__idle__", x_SharedEndpoint: "shared-embed" });
    expect(out.find((r) => r.x_AllocationMethod === "untagged")).toMatchObject({ Tags: "{}", x_Lob: "" });
  });

  it("a Marketplace model is Amazon Bedrock with the model in x_ProductName and its token rows apart", () => {
    const out = rows(renderFocus(fixtureReport())).filter((r) => r.x_ProductName === CLAUDE);
    expect(out.map((r) => [r.ServiceName, r.x_UsageType, r.EffectiveCost])).toEqual([
      ["Amazon Bedrock", "USE1-MP:USE1_InputTokenCount-Units", "6.20"],
      ["Amazon Bedrock", "USE1-MP:USE1_OutputTokenCount-Units", "30.00"],
    ]);
  });

  // FOCUS 1.2 (FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec, tag v1.2, specification/columns/*.md;
  // https://focus.finops.org/focus-specification/v1-2/):
  // - ChargeCategory allowed values: Usage, Purchase, Tax, Credit, Adjustment (chargecategory.md).
  // - EffectiveCost is "the amortized cost of the charge after applying all reduced rates, discounts, and the applicable
  //   portion of relevant, prepaid purchases"; it "MUST be 0 when ChargeCategory is Purchase and the purchase is
  //   intended to cover future eligible charges"; for a charge unrelated to other charges ("e.g., when the
  //   ChargeCategory is Credit") it "MUST match the BilledCost"; unused commitment is "Usage" with
  //   CommitmentDiscountStatus "Unused" (effectivecost.md, commitmentdiscountstatus.md).
  // - BilledCost is the basis for invoicing, "excluding the amortization of upfront charges" (billedcost.md).
  // - The supporting content maps AWS CUR `Refund` lines to ChargeCategory "Adjustment"
  //   (supporting_content/columns/chargecategory.md).
  it("maps our charge categories to FOCUS 1.2 ChargeCategory, commitment by basis", () => {
    expect(focusChargeCategory("usage", "net-amortized")).toBe("Usage");
    expect(focusChargeCategory("tax", "net-amortized")).toBe("Tax");
    expect(focusChargeCategory("credit", "unblended")).toBe("Credit");
    expect(focusChargeCategory("refund", "net-amortized")).toBe("Adjustment");
    expect(focusChargeCategory("discount", "amortized")).toBe("Adjustment");
    expect(focusChargeCategory("commitment", "net-amortized")).toBe("Usage");
    expect(focusChargeCategory("commitment", "amortized")).toBe("Usage");
    expect(focusChargeCategory("commitment", "net-unblended")).toBe("Purchase");
    expect(focusChargeCategory("commitment", "unblended")).toBe("Purchase");
    const out = rows(renderFocus(fixtureReport()));
    expect(
      out
        .filter((r) => r.x_Category === "adjustment")
        .map((r) => [r.x_ChargeCategory, r.ChargeCategory, r.x_Lob]),
    ).toEqual([
      ["tax", "Tax", "insurance"],
      ["tax", "Tax", "retail"],
      ["tax", "Tax", "wealth"],
      ["commitment", "Usage", "retail"],
      ["credit", "Credit", ""],
    ]);
  });

  it("under an amortized basis writes the amount as EffectiveCost, BilledCost empty (both on Credit rows)", () => {
    const out = rows(renderFocus(fixtureReport()));
    expect(total(out, "EffectiveCost")).toBe("1238.45");
    expect(out.filter((r) => r.BilledCost !== "").map((r) => [r.ChargeCategory, r.BilledCost])).toEqual([
      ["Credit", "-20.00"],
    ]);
    const header = renderFocus(fixtureReport()).split("\n")[0];
    expect(header).toBe(FOCUS_COLUMNS.join(","));
    expect(renderFocus(fixtureReport()).split("\n")[1]).toBe(
      ',120.00,USD,2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,Usage,Dedicated cost by tag,Amazon SageMaker,AI and Machine Learning,arn:aws:sagemaker:us-east-1:111122223333:training-job/retail-train,"{""LineOfBusiness"":""retail""}",40,Hours,retail,dedicated,tag,,false,net-amortized,usage,USE1-Train:ml.g5.2xlarge,',
    );
  });

  it("under an unblended basis writes the amount as BilledCost, EffectiveCost empty, commitment as Purchase", () => {
    for (const basis of ["net-unblended", "unblended"] as const) {
      const out = rows(renderFocus(withBasis(basis)));
      expect(total(out, "BilledCost")).toBe("1238.45");
      expect(out.filter((r) => r.EffectiveCost !== "").map((r) => r.ChargeCategory)).toEqual(["Credit"]);
      expect(out.find((r) => r.x_ChargeCategory === "commitment")).toMatchObject({
        ChargeCategory: "Purchase",
        BilledCost: "30.00",
        EffectiveCost: "",
        x_CostBasis: basis,
      });
    }
  });

  it("writes the configured tag key into Tags", () => {
    const out = rows(renderFocus(fixtureReport(), { tagKey: "CostCenter" }));
    expect(out.find((r) => r.x_Lob === "wealth" && r.x_Category === "bedrock")?.Tags).toBe(
      '{"CostCenter":"wealth"}',
    );
    expect(out.find((r) => r.x_Lob === "wealth" && r.x_Category === "shared")?.Tags).toBe("{}");
  });
});

describe("renderMarkdown", () => {
  const md = renderMarkdown(fixtureReport());

  it("has the reconciliation with its basis and the total per category", () => {
    expect(md.startsWith("# Chargeback 2026-10\n")).toBe(true);
    expect(md).toContain(
      "Reconciled: the report total equals the source total, 1,238.45 USD, to the cent (basis: net amortized \\(after discounts, commitments amortized\\)).",
    );
    expect(md).toContain(`| Figure | Value |
| --- | --- |
| Month | 2026-10 |
| Currency | USD |
| Basis | net amortized \\(after discounts, commitments amortized\\) |
| Source total | 1,238.45 |
| Report total | 1,238.45 |
| Difference | 0.00 |
| Figures | final |
`);
    expect(md).toContain(`| Category | Amount |
| --- | ---: |
| Usage | 1,178.45 |
| Commitment | 30.00 |
| Discount | 0.00 |
| Credit | -20.00 |
| Refund | 0.00 |
| Tax | 50.00 |
| **Source total** | **1,238.45** |
`);
  });

  it("shows every line of the reconciled total: LOBs, __idle__, Unallocated and the total", () => {
    expect(md).toContain(`| LOB | Dedicated | Shared | Bedrock | Adjustments | Total |
| --- | ---: | ---: | ---: | ---: | ---: |
| insurance | 300.00 | 125.00 | 0.00 | 20.33 | 445.33 |
| retail | 120.00 | 300.00 | 36.20 | 50.10 | 506.30 |
| wealth | 0.00 | 200.00 | 12.15 | 9.57 | 221.72 |
| \\_\\_idle\\_\\_ | 0.00 | 75.00 | 0.00 | 0.00 | 75.00 |
| Unallocated | 3.00 | 0.00 | 7.10 | -20.00 | -9.90 |
| **Total \\(reconciled\\)** | **423.00** | **700.00** | **55.45** | **60.00** | **1,238.45** |
`);
  });

  it("lists the adjustments with their policy, the unallocated reasons and the excluded services", () => {
    expect(md).toContain(`| Category | Policy | Charged to | Service | Amount |
| --- | --- | --- | --- | ---: |
| Commitment | LOB | retail | AmazonSageMaker | 30.00 |
| Credit | central | Unallocated \\(central\\) | AmazonBedrock | -20.00 |
| Tax | proportional | 3 LOBs in proportion to cost | AmazonSageMaker | 50.00 |
| **Total** |  |  |  | **60.00** |
`);
    expect(md).toContain(`| Reason | Service | Cost |
| --- | --- | ---: |
| credit \\(adjustment, central\\) | AmazonBedrock | -20.00 |
| unknown-lob:Retail | AmazonSageMaker | 3.00 |
| untagged | AmazonBedrock | 7.10 |
| **Total** |  | **-9.90** |
`);
    expect(md).toContain(`## Excluded: outside the chargeback \\(USD\\)

| Service | Lines | Cost |
| --- | ---: | ---: |
| AmazonEC2 | 1,200 | 8,810.25 |
| AmazonS3 | 40 | 12.34 |
| **Total excluded** | **1,240** | **8,822.59** |

These services are outside the chargeback's scope \\(SageMaker, SageMaker Savings Plans, Bedrock and the Marketplace Bedrock models\\): counted and summed here, not allocated and not in the reconciled total.
`);
  });

  it("gives the per-million figures in weighted tokens beside the raw and weighted token totals", () => {
    expect(md).toContain(
      "| Endpoint | Cost | Instance-hours | Utilization | Unused capacity | Idle line | Raw tokens | Weighted tokens | Effective per 1M weighted tokens | At full utilization per 1M weighted tokens |",
    );
    expect(md).toContain(
      "| shared-llm | 600.00 | 400 | 80.0% | 99.13 | 0.00 | 1,300,000 | 2,300,000 | 260.8696 | 208.6957 |",
    );
    expect(md).toContain(
      "insurance reserved more than it used \\(500,000 charged vs 400,000 used weighted tokens\\)",
    );
  });

  it("prints the warnings", () => {
    expect(md).toContain(`> **Warning:** ${escapeMarkdown(FIXTURE_WARNING)}`);
    expect(renderMarkdown({ ...fixtureReport(), warnings: [] })).not.toContain("Warning");
  });

  it("warns when figures are estimated, on every heading", () => {
    const est = renderMarkdown(fixtureReport(true));
    expect(est).toContain("> **Estimated:**");
    expect(est).toContain("# Chargeback 2026-10 (estimated)");
    const headings = est.split("\n").filter((l) => l.startsWith("## "));
    expect(headings.length).toBe(8);
    expect(headings.every((h) => h.endsWith(" — estimated"))).toBe(true);
  });

  it("escapes values so they cannot break a table or inject markup", () => {
    const out = renderMarkdown(hostileReport());
    expect(out).not.toMatch(/(?<!\\)<img/);
    expect(out).toContain(escapeMarkdown(HOSTILE_LOB));
    const lobRows = out.split("\n").filter((l) => l.includes("onerror") && l.startsWith("| "));
    expect(lobRows.length).toBeGreaterThan(0);
    for (const l of lobRows) {
      const cells = l.split(/(?<!\\)\|/).length;
      expect(cells).toBe(l.startsWith("| shared") ? 12 : 8);
    }
  });
});

describe("renderHtml", () => {
  it("is one self-contained page with three SVG charts and the tables", async () => {
    const html = await renderHtml(fixtureReport());
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script|<link|src=|url\(|@import/i);
    for (const id of ["chart-lob-cost", "chart-utilization", "chart-price-per-token"]) {
      expect(html).toMatch(new RegExp(`<figure id="${id}"[^>]*>\\s*<svg[^]*?</svg>`));
    }
    expect((html.match(/<svg /g) ?? []).length).toBe(3);
    expect((html.match(/<table>/g) ?? []).length).toBe(8);
    expect(html).toContain("<td>retail</td>");
    expect(html).toContain('<td class="num">260.8696</td>');
    expect(html).toContain(
      "Reconciled: report total 1,238.45 USD equals the source total to the cent (basis: net amortized (after discounts, commitments amortized)).",
    );
    expect(html).not.toContain("estimated</span>");
    expect(html).toContain(
      `<div class="warning" role="alert"><strong>Warning:</strong> ${escapeHtml(FIXTURE_WARNING)}</div>`,
    );
  });

  it("has the __idle__, Unallocated and total rows in the LOB table", async () => {
    const html = await renderHtml(fixtureReport());
    expect(
      html,
    ).toContain(`<tr class="line-idle"><td>__idle__</td><td class="num">0.00</td><td class="num">75.00</td><td class="num">0.00</td><td class="num">0.00</td><td class="num">75.00</td></tr>
<tr class="line-unallocated"><td>Unallocated</td><td class="num">3.00</td><td class="num">0.00</td><td class="num">7.10</td><td class="num">-20.00</td><td class="num">-9.90</td></tr>
<tr class="total"><td>Total (reconciled)</td><td class="num">423.00</td><td class="num">700.00</td><td class="num">55.45</td><td class="num">60.00</td><td class="num">1,238.45</td></tr>`);
    expect(html).toContain('<section id="excluded">');
    expect(html).toContain('<section id="adjustments">');
  });

  it("draws idle, unallocated and adjustments in the cost chart, with the exact figures for screen readers", async () => {
    const html = await renderHtml(fixtureReport());
    expect(html).toContain('aria-label="retail, Bedrock: 36.20 USD"');
    expect(html).toContain('aria-label="retail, adjustments: 50.10 USD"');
    expect(html).toContain('aria-label="__idle__, idle: 75.00 USD"');
    expect(html).toContain('aria-label="Unallocated, unallocated: 10.10 USD"');
    expect(html).toContain('aria-label="Unallocated, adjustments: -20.00 USD"');
    expect(html).toContain('aria-label="shared-embed: 75.0% idle"');
    expect(html).toContain('aria-label="shared-llm, effective: 260.8696 USD per million weighted tokens"');
  });

  it("lets charts scale to the width and tables scroll in their own box", async () => {
    const html = await renderHtml(fixtureReport());
    expect(html).toContain("figure svg { display: block; max-width: 100%; height: auto; }");
    expect(html).toContain(".scroll { overflow-x: auto; max-width: 100%; }");
    expect((html.match(/<div class="scroll"><table>/g) ?? []).length).toBe(8);
  });

  it("is deterministic", async () => {
    expect(await renderHtml(fixtureReport())).toBe(await renderHtml(fixtureReport()));
  });

  it("shows the estimated flag on the page and on every section", async () => {
    const html = await renderHtml(fixtureReport(true));
    expect(html).toContain("<strong>Estimated figures.</strong>");
    const sections = (html.match(/<h2>/g) ?? []).length;
    expect((html.match(/<h2>[^<]*<span class="badge"/g) ?? []).length).toBe(sections);
    expect(html).toContain("<title>Chargeback 2026-10 (estimated)</title>");
  });

  it("escapes report values in tables and charts", async () => {
    const html = await renderHtml(hostileReport());
    expect(html).not.toContain("<img");
    expect(html).toContain(escapeHtml(HOSTILE_LOB));
  });

  it("says a month without cost lines has nothing to charge, and draws no chart of nothing", async () => {
    const html = await renderHtml(emptyMonth());
    expect(html).toContain(
      "No cost lines for 2026-08: the source held no in-scope line for this month, so there is nothing to charge back.",
    );
    expect(html).not.toContain("<svg");
    expect(html).not.toContain('class="ok"');
    expect((html.match(/<table>/g) ?? []).length).toBe(1);
    const md = renderMarkdown(emptyMonth());
    expect(md).toContain("**No cost lines for 2026-08:");
    expect(md).not.toContain("Reconciled");
    expect(md).not.toContain("Cost per line of business");
  });

  it("leaves out charts without data", async () => {
    const r = fixtureReport();
    const html = await renderHtml({ ...r, sharedEndpoints: [] });
    expect((html.match(/<svg /g) ?? []).length).toBe(1);
  });
});
