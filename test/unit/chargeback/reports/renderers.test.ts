import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import {
  CSV_COLUMNS,
  escapeHtml,
  escapeMarkdown,
  FOCUS_COLUMNS,
  renderCsv,
  renderFocus,
  renderHtml,
  renderMarkdown,
} from "../../../../chargeback/reports/renderers.js";
import { dec, formatMoney, sum } from "../../../../core/money.js";
import { fixtureReport, HOSTILE_LOB, hostileReport } from "../../../fixtures/chargeback-report.js";

type Row = Record<string, string>;
const rows = (csv: string): Row[] => parse(csv, { columns: true }) as Row[];
const total = (rs: Row[], col: string) => formatMoney(sum(rs.map((r) => dec(r[col]))));

describe("renderCsv", () => {
  it("writes one row per allocation line, adding up to the report total and to each LOB's total", () => {
    const report = fixtureReport();
    const out = rows(renderCsv(report));
    expect(Object.keys(out[0] ?? {})).toEqual([...CSV_COLUMNS]);
    expect(out).toHaveLength(report.lines.length);
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
        out.filter((r) => r.category === "unallocated"),
        "cost",
      ),
    ).toBe(report.unallocated.total);
    expect(out.every((r) => r.month === "2026-10" && r.currency === "USD" && r.estimated === "false")).toBe(
      true,
    );
  });

  it("quotes hostile values so the file still parses to the same cells", () => {
    const out = rows(renderCsv(hostileReport()));
    expect(out.filter((r) => r.lob === HOSTILE_LOB)).toHaveLength(2);
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
    expect(total(out, "BilledCost")).toBe("1178.45");
    expect(total(out, "EffectiveCost")).toBe("1178.45");
    for (const r of out) {
      expect(r.BillingPeriodStart).toBe("2026-10-01T00:00:00Z");
      expect(r.BillingPeriodEnd).toBe("2026-11-01T00:00:00Z");
      expect(r.ChargePeriodStart).toBe("2026-10-01T00:00:00Z");
      expect(r.ChargePeriodEnd).toBe("2026-11-01T00:00:00Z");
      expect(r.BillingCurrency).toBe("USD");
      expect(r.ServiceCategory).toBe("AI and Machine Learning");
      expect(["Amazon SageMaker", "Amazon Bedrock"]).toContain(r.ServiceName);
      expect(Object.keys(r).filter((k) => !FOCUS_COLUMNS.slice(0, 15).includes(k as never))).toEqual(
        FOCUS_COLUMNS.slice(15),
      );
    }
    const retail = out.find((r) => r.x_Lob === "retail" && r.x_Category === "dedicated");
    expect(retail).toMatchObject({
      Tags: '{"LineOfBusiness":"retail"}',
      ConsumedQuantity: "40",
      ConsumedUnit: "Hours",
      x_AllocationMethod: "tag",
    });
    const idle = out.find((r) => r.x_Category === "idle");
    expect(idle).toMatchObject({ Tags: "{}", x_Lob: "__idle__", x_SharedEndpoint: "shared-embed" });
    expect(out.find((r) => r.x_AllocationMethod === "untagged")).toMatchObject({ Tags: "{}", x_Lob: "" });
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
  it("has the reconciliation and a table per section", () => {
    const md = renderMarkdown(fixtureReport());
    expect(md).toContain("# Chargeback 2026-10");
    expect(md).toContain("Reconciled: the report total equals the source total, 1178.45 USD, to the cent.");
    expect(md).toContain("| retail | 120.00 | 300.00 | 36.20 | 456.20 |");
    expect(md).toContain("| All LOBs | 420.00 | 625.00 | 48.35 | 1093.35 |");
    expect(md).toContain("| shared-llm | 600.00 | 400 | 80.0% | 0.00 | 1,300,000 | 461.5385 | 200.0000 |");
    expect(md).toContain("| unknown-lob:Retail | AmazonSageMaker | 3.00 |");
    expect(md).not.toContain("Estimated");
  });

  it("warns when figures are estimated", () => {
    const md = renderMarkdown(fixtureReport(true));
    expect(md).toContain("> **Estimated:**");
    expect(md).toContain("# Chargeback 2026-10 (estimated)");
    const headings = md.split("\n").filter((l) => l.startsWith("## "));
    expect(headings.length).toBe(5);
    expect(headings.every((h) => h.endsWith(" — estimated"))).toBe(true);
  });

  it("escapes values so they cannot break a table or inject markup", () => {
    const md = renderMarkdown(hostileReport());
    expect(md).not.toMatch(/(?<!\\)<img/);
    expect(md).toContain(escapeMarkdown(HOSTILE_LOB));
    for (const line of md.split("\n").filter((l) => l.startsWith("| "))) {
      const cells = line.split(/(?<!\\)\|/).length;
      expect(cells).toBeGreaterThan(2);
    }
    const lobRows = md.split("\n").filter((l) => l.includes("onerror"));
    for (const l of lobRows) expect(l.split(/(?<!\\)\|/).length).toBe(l.startsWith("| shared") ? 8 : 7);
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
    expect(html).toContain("<td>retail</td>");
    expect(html).toContain('<td class="num">461.5385</td>');
    expect(html).toContain("Reconciled: report total 1178.45 USD");
    expect(html).not.toContain("estimated</span>");
    // chart marks carry the exact figures for screen readers
    expect(html).toContain('aria-label="retail, Bedrock: 36.20 USD"');
    expect(html).toContain('aria-label="shared-embed: 75.0% idle"');
    expect(html).toContain('aria-label="shared-llm, effective: 461.5385 USD per million tokens"');
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

  it("leaves out charts without data", async () => {
    const r = fixtureReport();
    const html = await renderHtml({ ...r, sharedEndpoints: [] });
    expect((html.match(/<svg /g) ?? []).length).toBe(1);
  });
});
