import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { CHART_TOP_LOBS, lobBars, lobCostSpec } from "../../../../chargeback/reports/charts.js";
import { REPORT_FORMATS } from "../../../../chargeback/reports/index.js";
import {
  neutralizeCell,
  renderCsv,
  renderFocus,
  renderHtml,
  renderMarkdown,
} from "../../../../chargeback/reports/renderers.js";
import {
  basisInWords,
  grouped,
  lobTable,
  money,
  reportTables,
} from "../../../../chargeback/reports/tables.js";
import { dec, formatMoney, sum } from "../../../../core/money.js";
import { fixtureReport, hostileReport, manyLobsReport } from "../../../fixtures/chargeback-report.js";

type Row = Record<string, string>;
const rows = (csv: string): Row[] => parse(csv, { columns: true }) as Row[];

describe("money and numbers for readers", () => {
  it("groups thousands in money, per-million figures and hours, keeping the sign and the decimals", () => {
    expect(money("1234567.5")).toBe("1,234,567.50");
    expect(money("-1234.5")).toBe("-1,234.50");
    expect(money("999.999")).toBe("1,000.00");
    expect(money("0")).toBe("0.00");
    expect(grouped("12345.6789")).toBe("12,345.6789");
    expect(grouped("400")).toBe("400");
    expect(grouped("n/a")).toBe("n/a");
  });

  it("says the basis in words", () => {
    expect(basisInWords("net-amortized")).toBe("net amortized (after discounts, commitments amortized)");
    expect(basisInWords("unblended")).toBe("unblended (before discounts, commitment fees as billed)");
  });
});

describe("the LOB table", () => {
  it("adds up, column by column and row by row, to the report total", () => {
    const r = fixtureReport();
    const t = lobTable(r);
    const body = t.rows.slice(0, -1);
    const last = t.rows.at(-1) ?? [];
    expect(last[0]).toBe("Total (reconciled)");
    expect(last[5]).toBe(money(r.reconciliation.reportTotal));
    const num = (s: string | undefined) => dec((s ?? "0").replace(/,/g, ""));
    for (let c = 1; c <= 5; c += 1)
      expect(formatMoney(sum(body.map((row) => num(row[c]))))).toBe(formatMoney(num(last[c])));
    for (const row of t.rows)
      expect(formatMoney(sum([1, 2, 3, 4].map((c) => num(row[c]))))).toBe(formatMoney(num(row[5])));
  });

  it("splits the unallocated items when the detail rows do not carry them", () => {
    const r = { ...fixtureReport(), lines: [] };
    expect(lobTable(r).rows.find((row) => row[0] === "Unallocated")).toEqual([
      "Unallocated",
      "3.00",
      "0.00",
      "7.10",
      "-20.00",
      "-9.90",
    ]);
  });
});

describe("formula injection (OWASP CSV Injection)", () => {
  it("neutralizes cells starting with = + - @ tab or CR, but not plain numbers", () => {
    expect(neutralizeCell('=HYPERLINK("http://x")')).toBe('\'=HYPERLINK("http://x")');
    expect(neutralizeCell("+cmd|' /C calc'!A0")).toBe("'+cmd|' /C calc'!A0");
    expect(neutralizeCell("-2+3")).toBe("'-2+3");
    expect(neutralizeCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(neutralizeCell("\t=1")).toBe("'\t=1");
    expect(neutralizeCell("\r=1")).toBe("'\r=1");
    expect(neutralizeCell("-12.30")).toBe("-12.30");
    expect(neutralizeCell("+5")).toBe("+5");
    expect(neutralizeCell("-")).toBe("'-");
    expect(neutralizeCell("retail")).toBe("retail");
    expect(neutralizeCell("")).toBe("");
  });

  it("holds off hostile LOB values and resource ids in the CSV and FOCUS outputs, negative money stays a number", () => {
    const evil = "=cmd|'/C calc'!A0";
    const base = hostileReport(evil);
    const report = {
      ...base,
      lines: base.lines.map((l) =>
        l.method === "unknown-lob:Retail" ? { ...l, resourceId: "@SUM(1+1)*cmd|' /C calc'!A0" } : l,
      ),
    };
    const csv = rows(renderCsv(report));
    expect(csv.filter((r) => r.lob === `'${evil}`)).toHaveLength(3);
    expect(csv.find((r) => r.method === "unknown-lob:Retail")?.resource_id).toBe(
      "'@SUM(1+1)*cmd|' /C calc'!A0",
    );
    expect(csv.find((r) => r.method === "credit:central")?.cost).toBe("-20.00");
    const focus = rows(renderFocus(report));
    expect(focus.filter((r) => r.x_Lob === `'${evil}`)).toHaveLength(3);
    expect(focus.find((r) => r.x_AllocationMethod === "unknown-lob:Retail")?.ResourceId).toBe(
      "'@SUM(1+1)*cmd|' /C calc'!A0",
    );
    expect(focus.find((r) => r.x_AllocationMethod === "credit:central")?.EffectiveCost).toBe("-20.00");
    for (const out of [csv, focus])
      for (const r of out)
        for (const v of Object.values(r)) if (/^[=+\-@\t\r]/.test(v)) expect(v).toMatch(/^[+-]?\d+(\.\d+)?$/);
  });
});

describe("2,000 LOBs", () => {
  const big = manyLobsReport(2000);

  it("draws the top LOBs and one 'others' bar, keeping the chart's total exact", () => {
    const bars = lobBars(big);
    expect(bars).toHaveLength(CHART_TOP_LOBS + 1);
    expect(bars.at(-1)?.key).toBe(`others (1,980 LOBs)`);
    const drawn = sum(bars.flatMap((b) => Object.values(b.parts)));
    expect(formatMoney(drawn)).toBe(big.reconciliation.reportTotal);
    const values = (lobCostSpec(big).data as { values: unknown[] }).values;
    expect(values.length).toBeLessThanOrEqual((CHART_TOP_LOBS + 1) * 4);
  });

  it("renders every format without throwing, every LOB in the tables", async () => {
    for (const f of Object.values(REPORT_FORMATS)) expect((await f.render(big)).length).toBeGreaterThan(0);
    const html = await renderHtml(big);
    expect((html.match(/<svg /g) ?? []).length).toBe(1);
    for (const lob of ["lob-0001", "lob-1000", "lob-2000"]) expect(html).toContain(`<td>${lob}</td>`);
    expect(
      renderMarkdown(big)
        .split("\n")
        .filter((l) => /^\| lob-\d{4} \|/.test(l)),
    ).toHaveLength(2000);
    expect(lobTable(big).rows).toHaveLength(2003);
    expect(reportTables(big).length).toBeGreaterThan(0);
  });
});
