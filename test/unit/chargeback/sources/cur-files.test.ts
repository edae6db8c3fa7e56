/**
 * The CUR 2.0 reader on DuckDB (readCurFiles): every line type at every basis, categories, scope, tags, formats,
 * per-file column checks, currencies and the estimated flag. Facts and their sources: see ./cur-fixture.ts.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { monthWindow } from "../../../../chargeback/engine/month.js";
import type { CostBasis, CostLine, CostSourceResult } from "../../../../chargeback/model.js";
import { plainDialect, readCurFiles } from "../../../../chargeback/sources/cur-files.js";
import { sqlString, withDuckDb } from "../../../../chargeback/sources/duckdb.js";
import { DataSourceError } from "../../../../core/errors.js";
import { Decimal, sum } from "../../../../core/money.js";
import {
  BASES,
  basisIndex,
  CASES,
  CLAUDE_CODE,
  CLAUDE_NAME,
  CUR_COLUMNS,
  type CurCase,
  curCsv,
} from "./cur-fixture.js";

const OCT = monthWindow("2026-10");
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "smcb-cur-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string | Buffer): Promise<string> {
  const p = path.join(dir, name);
  await writeFile(p, text);
  return p;
}
const read = (files: string[], basis: CostBasis, format: "csv" | "parquet" = "csv") =>
  readCurFiles({ files, format, window: OCT, basis });
const total = (xs: readonly { cost: Decimal }[]) => sum(xs.map((x) => x.cost));
const expected = (cases: readonly CurCase[], basis: CostBasis, noNet = false) =>
  sum(cases.map((k) => new Decimal((noNet ? k.expectNoNet : k.expect)[basisIndex(basis)] ?? "NaN")));
const byCategory = (r: CostSourceResult) => {
  const out: Record<string, string> = {};
  for (const l of r.lines) out[l.category] = new Decimal(out[l.category] ?? 0).plus(l.cost).toString();
  return out;
};
/** A comparable view of lines (Decimals and Dates as text). */
const plain = (lines: readonly CostLine[]) =>
  lines.map((l) => ({
    ...l,
    usageStart: l.usageStart.toISOString(),
    usageAmount: l.usageAmount.toString(),
    cost: l.cost.toString(),
  }));

describe("readCurFiles: bases, categories and scope (hand-computed per line, DESIGN §3.4)", () => {
  for (const noNet of [false, true])
    for (const basis of BASES)
      it(`${basis}, ${noNet ? "without" : "with"} net columns: lines + excluded reconcile to the file at the basis`, async () => {
        const f = await file(`month-${noNet}.csv`, curCsv(CASES, { noNet }));
        const r = await read([f], basis);
        expect(r.basis).toBe(basis);
        expect(r.currency).toBe("USD");
        expect(r.estimated).toBe(false);
        expect(r.warnings).toEqual([]);
        const inScope = CASES.filter((k) => k.inScope);
        const out = CASES.filter((k) => !k.inScope && !k.outOfMonth);
        expect(total(r.lines).toString()).toBe(expected(inScope, basis, noNet).toString());
        expect(total(r.excluded).toString()).toBe(expected(out, basis, noNet).toString());
        expect(total(r.lines).plus(total(r.excluded)).toString()).toBe(
          expected(CASES, basis, noNet).toString(),
        );
        // Excluded: EC2's four lines (RI usage, RIFee, RI upfront fee, on-demand) and the Marketplace SaaS.
        expect(r.excluded.map((e) => [e.service, e.lines])).toEqual([
          ["AmazonEC2", 4],
          ["abc123xyzsaas", 1],
        ]);
        expect(r.excluded[1]?.cost.toString()).toBe("7");
      });

  it("net-amortized with net columns: per category and per line (SP at net effective cost, unused commitment, no discount line)", async () => {
    const r = await read([await file("na.csv", curCsv(CASES))], "net-amortized");
    // usage 90 + 2.70 + 6 + 1.50 + 11.1105; commitment: the $20 unused net of the EDP (× 108/120); EDP already in
    // the net columns.
    expect(byCategory(r)).toEqual({
      usage: "111.3105",
      commitment: "18",
      credit: "-5",
      refund: "-2.25",
      tax: "8",
    });
    const covered = r.lines.find((l) => l.lineItemType === "SavingsPlanCoveredUsage");
    expect(covered).toMatchObject({
      service: "AmazonSageMaker",
      category: "usage",
      productCode: "AmazonSageMaker",
      resourceId: "arn:aws:sagemaker:us-east-1:111122223333:endpoint/shared-llm",
      unit: "Hrs",
      tags: { user_line_of_business: "platform", user_shared_endpoint: "shared-llm" },
    });
    expect(covered?.cost.toString()).toBe("90");
    expect(covered?.usageAmount.toString()).toBe("100");
    const fee = r.lines.find((l) => l.lineItemType === "SavingsPlanRecurringFee");
    expect(fee).toMatchObject({
      service: "AmazonSageMaker",
      category: "commitment",
      productCode: "MachineLearningSavingsPlans",
    });
    expect(fee?.cost.toString()).toBe("18");
    // Zero-amount adjustments (the negation, the discount) carry no money and are not lines.
    expect(r.lines.some((l) => l.lineItemType === "SavingsPlanNegation" || l.category === "discount")).toBe(
      false,
    );
  });

  it("unblended: covered usage at on-demand, the negation and the fee as commitment, the EDP discount as discount", async () => {
    const r = await read([await file("u.csv", curCsv(CASES))], "unblended");
    expect(byCategory(r)).toEqual({
      usage: "172.845", // 150 + 3 + 6 + 1.50 + 12.345
      commitment: "-30", // −150 + 120
      discount: "-13.2345",
      credit: "-5",
      refund: "-2.5",
      tax: "8",
    });
    const neg = r.lines.find((l) => l.lineItemType === "SavingsPlanNegation");
    expect(neg).toMatchObject({ category: "commitment", resourceId: null, service: "AmazonSageMaker" });
    expect(neg?.cost.toString()).toBe("-150");
    expect(r.lines.find((l) => l.category === "discount")?.lineItemType).toBe("EdpDiscount");
  });

  it("net bases without net columns keep the discount as its own line (so it is not lost)", async () => {
    const r = await read([await file("nn.csv", curCsv(CASES, { noNet: true }))], "net-amortized");
    expect(byCategory(r).discount).toBe("-13.2345");
    expect(r.lines.find((l) => l.lineItemType === "SavingsPlanCoveredUsage")?.cost.toString()).toBe("100");
  });

  it("Marketplace Bedrock models are Bedrock, product code and name kept; tagged and untagged", async () => {
    const r = await read([await file("mp.csv", curCsv(CASES))], "net-amortized");
    const mp = plain(r.lines.filter((l) => l.productCode === CLAUDE_CODE));
    expect(mp).toEqual([
      {
        usageStart: "2026-10-05T00:00:00.000Z",
        service: "AmazonBedrock",
        category: "usage",
        lineItemType: "Usage",
        productCode: CLAUDE_CODE,
        productName: CLAUDE_NAME,
        usageType: "USE1-MP:USE1_InputTokenCount-Units",
        resourceId: "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123",
        usageAmount: "2000",
        cost: "6",
        tags: { user_line_of_business: "retail" },
        unit: "Units",
      },
      {
        usageStart: "2026-10-05T00:00:00.000Z",
        service: "AmazonBedrock",
        category: "usage",
        lineItemType: "Usage",
        productCode: CLAUDE_CODE,
        productName: CLAUDE_NAME,
        usageType: "USE1-MP:USE1_OutputTokenCount-Units",
        resourceId: null,
        usageAmount: "100",
        cost: "1.5",
        tags: {},
        unit: "Units",
      },
    ]);
    // AWS's own Bedrock lines carry no product name (it is only kept for Marketplace models).
    expect(
      r.lines.find((l) => l.productCode === "AmazonBedrock" && l.category === "usage")?.productName,
    ).toBeUndefined();
  });

  it("groups lines of the same resource, type and tags, summing exactly (earliest start kept)", async () => {
    const train = CASES.find((k) => k.name.startsWith("SageMaker training")) as CurCase;
    const again = {
      ...train,
      cols: {
        ...train.cols,
        line_item_usage_start_date: "2026-10-02T00:00:00Z",
        line_item_unblended_cost: "0.1",
      },
    };
    const third = { ...train, cols: { ...train.cols, line_item_unblended_cost: "0.2" } };
    const r = await read([await file("g.csv", curCsv([train, again, third]))], "unblended");
    expect(plain(r.lines)).toHaveLength(1);
    expect(r.lines[0]?.cost.toString()).toBe("12.645");
    expect(r.lines[0]?.usageAmount.toString()).toBe("9");
    expect(r.lines[0]?.usageStart.toISOString()).toBe("2026-10-02T00:00:00.000Z");
  });
});

describe("readCurFiles: per-file net columns and Savings Plan refunds", () => {
  it("uses each file's own net columns: one file with a discount, one without, at net-unblended", async () => {
    const train = CASES.find((k) => k.name.startsWith("SageMaker training")) as CurCase;
    const bedrock = CASES.find((k) => k.name.startsWith("Bedrock usage")) as CurCase;
    await file("mixnet-a.csv", curCsv([train])); // net 11.1105
    await file("mixnet-b.csv", curCsv([bedrock], { noNet: true })); // no net columns: unblended 3.00
    const r = await read([path.join(dir, "mixnet-*.csv")], "net-unblended");
    expect(total(r.lines).toString()).toBe("14.1105");
  });

  it("a refund of a Savings Plan's one-time fee counts 0 under amortized bases, like the fee itself (CID summary_view)", async () => {
    const refund = CASES.find((k) => k.name === "SageMaker refund") as CurCase;
    const spRefund = {
      ...refund,
      cols: {
        ...refund.cols,
        line_item_product_code: "MachineLearningSavingsPlans",
        line_item_line_item_description: "Refund for one-time fee for Savings Plan ID sp-1",
        line_item_unblended_cost: "-1000.00",
        line_item_net_unblended_cost: "-900.00",
      },
    };
    const all = [...CUR_COLUMNS, "line_item_line_item_description"];
    const f = await file("sp-refund.csv", curCsv([spRefund, refund], { columns: all }));
    const at = async (b: CostBasis) => byCategory(await read([f], b)).refund;
    expect(await at("unblended")).toBe("-1002.5");
    expect(await at("net-unblended")).toBe("-902.25");
    expect(await at("amortized")).toBe("-2.5");
    expect(await at("net-amortized")).toBe("-2.25");
  });
});

describe("readCurFiles: formats and tag columns", () => {
  it("gzip CSV and a glob over two files read the same as one CSV", async () => {
    const one = await read([await file("one.csv", curCsv(CASES))], "net-amortized");
    const gz = await read([await file("one.csv.gz", gzipSync(curCsv(CASES)))], "net-amortized");
    expect(plain(gz.lines)).toEqual(plain(one.lines));
    expect(gz.excluded).toEqual(one.excluded);
    await file("split-a.part.csv", curCsv(CASES.slice(0, 7)));
    await file("split-b.part.csv", curCsv(CASES.slice(7)));
    const split = await read([path.join(dir, "split-*.part.csv")], "net-amortized");
    expect(plain(split.lines)).toEqual(plain(one.lines));
    expect(split.provenance).toMatchObject({ kind: "files", files: 2 });
  });

  it("a CSV with CRLF line ends, a header's column quoted and a field with a line break reads as the plain CSV", async () => {
    // the reader sniffs each CSV once (sniff_csv) and reads it with the sniffed dialect: every dialect DuckDB
    // detects must still be read right, CRLF and quoted fields (RFC 4180) included
    const text = curCsv(CASES);
    const one = await read([await file("plain-dialect.csv", text)], "net-amortized");
    const [header = "", ...rows] = text.split("\n");
    const crlf = [header.replace("line_item_usage_type", '"line_item_usage_type"'), ...rows].join("\r\n");
    const r = await read([await file("crlf-dialect.csv", crlf)], "net-amortized");
    expect(plain(r.lines)).toEqual(plain(one.lines));
    const train = CASES.find((k) => k.name.startsWith("SageMaker training")) as CurCase;
    const columns = [...CUR_COLUMNS, "line_item_line_item_description"];
    const described = (d: string) =>
      curCsv([{ ...train, cols: { ...train.cols, line_item_line_item_description: d } }], { columns });
    const m = await read([await file("multi-line.csv", described('two, "quoted"\nlines'))], "net-amortized");
    const single = await read([await file("single-line.csv", described("one line"))], "net-amortized");
    expect(m.lines).toHaveLength(1);
    expect(plain(m.lines)).toEqual(plain(single.lines));
  });

  it("reads the dialect of a plain header from its first line (gzip, CRLF); anything else goes to the sniffer", async () => {
    // Source: AWS Data Exports API, S3OutputConfigurations (Format TEXT_OR_CSV, Compression GZIP); AWS shows no CSV
    // sample, so the quoting read here is RFC 4180's, and the test proves both paths read the same lines.
    const text = curCsv(CASES);
    const [header = "", ...rows] = text.split("\n");
    const columns = header.split(",").map((name) => ({ name, type: "VARCHAR" }));
    const plainFile = await file("dialect-plain.csv", text);
    expect(await plainDialect(plainFile)).toEqual([
      {
        Delimiter: ",",
        Quote: '"',
        Escape: '"',
        NewLineDelimiter: "\\n",
        Comment: "(empty)",
        SkipRows: 0,
        Columns: columns,
      },
    ]);
    const crlfFile = await file("dialect-crlf.csv", [header, ...rows].join("\r\n"));
    expect((await plainDialect(crlfFile))?.[0]).toMatchObject({
      NewLineDelimiter: "\\r\\n",
      Columns: columns,
    });
    expect((await plainDialect(await file("dialect.csv.gz", gzipSync(text))))?.[0].Columns).toEqual(columns);
    // a gzip file far longer than the 64 KiB read: its first bytes inflate to the header
    const noise = Array.from({ length: 4000 }, () => randomBytes(32).toString("hex")).join("\n");
    const big = gzipSync(`${text}${noise}\n`);
    expect(big.length).toBeGreaterThan(128 * 1024);
    expect((await plainDialect(await file("dialect-big.csv.gz", big)))?.[0].Columns).toEqual(columns);
    // a quoted name, another separator, a byte-order mark, no line end: the sniffer reads those
    const semicolons = stringify(parse(text) as string[][], { delimiter: ";" });
    for (const other of [
      [header.replace("line_item_usage_type", '"line_item_usage_type"'), ...rows].join("\n"),
      semicolons,
      `\uFEFF${text}`,
      header,
    ])
      expect(await plainDialect(await file("dialect-other.csv", other))).toBeUndefined();
    expect(await plainDialect(path.join(dir, "no-such-file.csv"))).toBeUndefined();
    // and every one of them reads the same lines (the semicolon file through the sniffer)
    const one = await read([plainFile], "net-amortized");
    for (const f of [crlfFile, await file("dialect-semicolon.csv", semicolons)])
      expect(plain((await read([f], "net-amortized")).lines)).toEqual(plain(one.lines));
  });

  it("Parquet with MAP product and resource_tags and double amounts gives the same lines as CSV at every basis", async () => {
    const csv = await file("for-parquet.csv", curCsv(CASES));
    const pq = path.join(dir, "month.parquet");
    const dbl = (c: string) => `CAST(NULLIF(${c}, '') AS DOUBLE) AS ${c}`;
    const map = (c: string) => `CAST(CAST(${c} AS JSON) AS MAP(VARCHAR, VARCHAR)) AS ${c}`;
    await withDuckDb("test", async (c) => {
      await c.run(`COPY (SELECT * REPLACE (
          CAST(line_item_usage_start_date AS TIMESTAMP) AS line_item_usage_start_date,
          ${["line_item_usage_amount", "line_item_unblended_cost", "line_item_net_unblended_cost", "savings_plan_savings_plan_effective_cost", "savings_plan_net_savings_plan_effective_cost", "savings_plan_total_commitment_to_date", "savings_plan_used_commitment", "reservation_effective_cost", "reservation_net_effective_cost", "reservation_unused_amortized_upfront_fee_for_billing_period", "reservation_net_unused_amortized_upfront_fee_for_billing_period", "reservation_unused_recurring_fee", "reservation_net_unused_recurring_fee"].map(dbl).join(", ")},
          ${map("product")}, ${map("resource_tags")})
        FROM read_csv(${sqlString(csv)}, all_varchar = true)) TO ${sqlString(pq)} (FORMAT parquet)`);
    });
    for (const basis of BASES) {
      const a = await read([csv], basis);
      const b = await read([pq], basis, "parquet");
      expect(plain(b.lines)).toEqual(plain(a.lines));
      expect(b.excluded.map((e) => [e.service, e.lines, e.cost.toString()])).toEqual(
        a.excluded.map((e) => [e.service, e.lines, e.cost.toString()]),
      );
    }
  });

  it("reads the newer tags column (keys unchanged) and merges it with resource_tags", async () => {
    const train = CASES.find((k) => k.name.startsWith("SageMaker training")) as CurCase;
    const cols = [...Object.keys(train.cols), "tags"];
    const withTags = {
      ...train,
      cols: {
        ...train.cols,
        resource_tags: "{}",
        tags: JSON.stringify({ "resourceTags/LineOfBusiness": "retail", "accountTag/Environment": "prod" }),
      },
    };
    const r = await read([await file("tags.csv", curCsv([withTags], { columns: cols }))], "unblended");
    expect(r.lines[0]?.tags).toEqual({
      "resourceTags/LineOfBusiness": "retail",
      "accountTag/Environment": "prod",
    });
    // an export with only the tags column (no resource_tags) is complete too
    const only = cols.filter((c) => c !== "resource_tags");
    const r2 = await read([await file("tags-only.csv", curCsv([withTags], { columns: only }))], "unblended");
    expect(r2.lines[0]?.tags).toEqual({
      "resourceTags/LineOfBusiness": "retail",
      "accountTag/Environment": "prod",
    });
  });
});

describe("readCurFiles: bad input and defaults", () => {
  it("checks every file by its own columns: a file without the cost column exits 3 naming it", async () => {
    const good = await file("chunk-1.csv", curCsv(CASES.slice(0, 5)));
    const columns = Object.keys(CASES[0]?.cols ?? {}).filter((c) => c !== "line_item_unblended_cost");
    const bad = await file("chunk-2.csv", curCsv(CASES.slice(5), { columns }));
    const err = await read([path.join(dir, "chunk-*.csv")], "unblended").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataSourceError);
    expect((err as DataSourceError).exitCode).toBe(3);
    expect((err as Error).message).toContain(`${bad}: line_item_unblended_cost`);
    expect((err as Error).message).not.toContain(`${good}:`);
  });

  it("an amortized basis names every Savings Plan and RI column a file with line types lacks", async () => {
    const columns = [
      "line_item_usage_start_date",
      "line_item_line_item_type",
      "line_item_product_code",
      "line_item_usage_type",
      "line_item_resource_id",
      "line_item_usage_amount",
      "line_item_unblended_cost",
      "resource_tags",
    ];
    const f = await file("no-sp.csv", curCsv(CASES.slice(0, 1), { columns }));
    const err = (await read([f], "amortized").catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(DataSourceError);
    expect(err.message).toContain(
      `${f}: savings_plan_savings_plan_effective_cost, savings_plan_total_commitment_to_date, savings_plan_used_commitment, reservation_effective_cost, reservation_unused_amortized_upfront_fee_for_billing_period, reservation_unused_recurring_fee, reservation_reservation_a_r_n`,
    );
    // the unblended basis needs none of them
    expect((await read([f], "unblended")).lines).toHaveLength(1);
  });

  it("a hand-made file without line type, billing entity or invoice id reads as Usage, AWS-billed, final — each said once", async () => {
    const columns = [
      "line_item_usage_start_date",
      "line_item_product_code",
      "line_item_usage_type",
      "line_item_resource_id",
      "line_item_usage_amount",
      "line_item_unblended_cost",
      "line_item_currency_code",
      "resource_tags",
    ];
    const a = await file("hand-a.csv", curCsv(CASES, { columns }));
    await file("hand-b.csv", curCsv(CASES.slice(0, 1), { columns }));
    const r = await read([path.join(dir, "hand-*.csv")], "net-amortized");
    expect(r.warnings).toHaveLength(3);
    expect(r.warnings?.[0]).toContain("has no line_item_line_item_type: every line read as Usage");
    expect(r.warnings?.[0]).toContain(a);
    expect(r.warnings?.[1]).toContain("has no bill_billing_entity");
    expect(r.warnings?.[2]).toContain("has no bill_invoice_id");
    // Without a billing entity the Claude lines are not recognised as Bedrock: excluded under their product code.
    expect(r.excluded.find((e) => e.service === CLAUDE_CODE)?.lines).toBe(2);
    expect(new Set(r.lines.map((l) => l.category))).toEqual(new Set(["usage"]));
  });

  it("mixed currencies exit 3 naming them; a code that is not ISO 4217 exits 3", async () => {
    const eur = { ...CASES[0], cols: { ...CASES[0]?.cols, line_item_currency_code: "EUR" } } as CurCase;
    const mixed = await file("mixed.csv", curCsv([...CASES.slice(1), eur]));
    await expect(read([mixed], "unblended")).rejects.toThrow(/mix currencies \(EUR, USD\)/);
    const lower = await file("lower.csv", curCsv(CASES, { override: { line_item_currency_code: "usd" } }));
    const err = (await read([lower], "unblended").catch((e: unknown) => e)) as DataSourceError;
    expect(err).toBeInstanceOf(DataSourceError);
    expect(err.message).toContain('"usd" is not an ISO 4217 code');
  });

  it("an empty bill_invoice_id on an in-scope line makes the month estimated; on an excluded line it does not", async () => {
    const open = (k: CurCase) => ({ ...k, cols: { ...k.cols, bill_invoice_id: "" } });
    const ec2 = CASES.findIndex((k) => k.name.startsWith("EC2 on-demand"));
    const sm = CASES.findIndex((k) => k.name.startsWith("SageMaker training"));
    const excludedOpen = CASES.map((k, i) => (i === ec2 ? open(k) : k));
    expect((await read([await file("open-ec2.csv", curCsv(excludedOpen))], "unblended")).estimated).toBe(
      false,
    );
    const inScopeOpen = CASES.map((k, i) => (i === sm ? open(k) : k));
    expect((await read([await file("open-sm.csv", curCsv(inScopeOpen))], "unblended")).estimated).toBe(true);
    const closed = await readCurFiles({
      files: [await file("closed.csv", curCsv(CASES))],
      format: "csv",
      window: OCT,
      estimated: true,
    });
    expect(closed.estimated).toBe(true); // the caller's open month
    expect(closed.basis).toBe("net-amortized"); // the default basis
  });

  it("fails with a DataSourceError when no file matches", async () => {
    await expect(read([path.join(dir, "nothing-*.csv")], "unblended")).rejects.toThrow(/No CUR file matches/);
  });
});
