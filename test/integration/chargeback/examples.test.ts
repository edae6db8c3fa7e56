/**
 * The example workspace: the deterministic usage ledger, and the month's bill as AWS Data Exports writes it (a CUR 2.0
 * export and a "FOCUS 1.2 with AWS columns" export, gzip CSV chunks + Manifest.json), checked with DuckDB on the
 * committed files.
 *
 * Where the facts the generator follows come from:
 * - Layout `s3://<bucket>/<prefix>/<export-name>/data/BILLING_PERIOD=YYYY-MM/` and
 *   `…/metadata/BILLING_PERIOD=YYYY-MM/<export-name>-Manifest.json`, files chunked, the manifest listing the columns, the
 *   files ("We recommend that you programmatically read this list") and the period, delivered after the data:
 *   https://docs.aws.amazon.com/cur/latest/userguide/dataexports-export-delivery.html
 * - Manifest fields `executionId`, `exportArn`, `columns` (objects), `dataFiles` ("The full S3 URIs … in the format
 *   s3://<bucket-name>/<path>/<export-name>-<part-number>.<extension>"), `additionalOutputFiles`:
 *   https://docs.aws.amazon.com/cur/latest/userguide/dataexports-manifest.html ; column objects `{name, type}` with
 *   types `string`, `double`, `timestamp`, `map` and 5-digit part numbers (`-00001`) as seen in a real export: a public
 *   practitioner's "CUR 2.0 export anatomy" note. The `billingPeriod` {start, end} object is [inferred] from "the
 *   period covered" (its exact key name was not found in a primary source).
 * - The 114 columns and their order: the CUR 2.0 table dictionary (https://docs.aws.amazon.com/cur/latest/userguide/
 *   table-dictionary-cur2.html and its bill/line item/pricing/product/reservation/savings plan pages), in the order of
 *   the default CUR 2.0 query of CID's data export stack (as copied in a public Terraform module); column types by
 *   CID's `cid/helpers/cur.py` `get_type_of_column` (aws-solutions-library-samples/cloud-intelligence-dashboards-framework).
 * - Net columns present because the account has a discount (EDP):
 *   https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2-savings-plan.html
 * - `bill_invoice_id` is blank until final (closed month: filled): table-dictionary-cur2-bill.html.
 * - `product` and `resource_tags` are maps (JSON text in CSV); tag keys normalized (`user_line_of_business`,
 *   `aws_created_by`): (CID SCAD SQL, opencost PR #4036).
 * - Savings Plan lines (covered usage at on-demand unblended with the plan's effective cost, negation grouped per time
 *   interval by plan/operation/usage type/AZ with no resource, recurring fee under `MachineLearningSavingsPlans` with
 *   `savings_plan_total_commitment_to_date` / `savings_plan_used_commitment`): research §3, CID `summary_view.sql`.
 * - Marketplace Claude (`bill_billing_entity = 'AWS Marketplace'`, random product code, "(Amazon Bedrock Edition)",
 *   `USE1-MP:USE1_InputTokenCount-Units`), Bedrock `*-input-tokens` usage types: research §7 and
 *   https://docs.aws.amazon.com/bedrock/latest/userguide/cost-mgmt-understanding-cur-data.html
 * - No tax on the Marketplace product: research §7 (a public CUR query: "the Marketplace products here carry none");
 *   a decision for the example — a real Marketplace seller may collect tax.
 * - Daily lines: CUR 2.0 and FOCUS 1.2 offer TIME_GRANULARITY HOURLY, DAILY, MONTHLY
 *   (https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-focus-1-2-aws.html, and the CUR 2.0 table).
 * - FOCUS 1.2 with AWS columns: 57 FOCUS columns + `x_Discounts`, `x_Operation`, `x_ServiceCode` (60); `x_UsageType`
 *   became `SkuMeter`, `x_CostCategories` went into `Tags`; new `InvoiceId`, `CapacityReservation*`,
 *   `CommitmentDiscountQuantity/Unit`, `ServiceSubcategory`, `SkuMeter`, `SkuPriceDetails`, `PricingCurrency*`,
 *   `BillingAccountType`, `SubAccountType`:
 *   https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-focus-1-2-migrating.html and
 *   https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-focus-1-2-aws-columns.html ; `BilledCost`
 *   "inclusive of all reduced rates and discounts while excluding the amortization of upfront charges", `EffectiveCost`
 *   amortized. The mapping of CUR line types to FOCUS rows (covered usage `Used`, fee `Purchase` + `Unused` row, no
 *   negation or EDP rows, refund `Adjustment`) follows the FOCUS specification's commitment-discount model [inferred].
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows, sqlString, withDuckDb } from "../../../chargeback/sources/duckdb.js";
import { Decimal } from "../../../core/money.js";
import {
  CUR_EXPORT_NAME,
  CUR2_COLUMNS,
  cur2ColumnType,
  EXAMPLE_BUCKET,
  EXAMPLE_TRAFFIC,
  exampleCurExport,
  exampleFocusExport,
  FOCUS_EXPORT_NAME,
  FOCUS12_COLUMNS,
  generateLedger,
  gzipDeterministic,
} from "../../../examples/generate.js";
import { ROOT } from "../../support/cli.js";

const MONTH = "2026-10";
const CUR_DIR = path.join(ROOT, "examples", "cur", CUR_EXPORT_NAME);
const FOCUS_DIR = path.join(ROOT, "examples", "focus", FOCUS_EXPORT_NAME);
const PARTITION = `BILLING_PERIOD=${MONTH}`;
const LOBS = ["retail", "wealth", "insurance", "payments", "marketing", "platform"];
const SHARED = ["shared-llm", "shared-embeddings", "shared-reranker"];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "smcb-examples-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function digest(folder: string): Promise<string> {
  const h = createHash("sha256");
  const walk = async (d: string): Promise<void> => {
    for (const e of (await readdir(d, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else h.update(path.relative(folder, p)).update(await readFile(p));
    }
  };
  await walk(folder);
  return h.digest("hex");
}

async function chunks(exportDir: string): Promise<string[]> {
  const data = path.join(exportDir, "data", PARTITION);
  return (await readdir(data)).sort().map((f) => path.join(data, f));
}

/** `read_csv` over the chunks, every column as text (so that sums below are exact decimals). */
async function relation(exportDir: string): Promise<string> {
  const files = (await chunks(exportDir)).map(sqlString).join(", ");
  return `read_csv([${files}], header = true, all_varchar = true, hive_partitioning = false)`;
}

/** Columns of the queries below that are counts (BIGINT, returned as text by the driver): made numbers. */
const COUNTS = new Set([
  "lines",
  "resources",
  "tags",
  "plans",
  "days",
  "profile",
  "untagged",
  "usage_types",
  "net_above",
  "not_edp",
  "marketplace_discounted",
  "sp_net_above",
  "open_lines",
  "currencies",
  "used_rows",
  "unused_rows",
  "purchases",
  "open_rows",
]);

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const rows = await withDuckDb("example export", (c) => queryRows(c, sql));
  return rows.map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, COUNTS.has(k) ? Number(v) : v])),
  );
}

const n = (col: string) => `CAST(NULLIF(${col}, '') AS DECIMAL(38, 10))`;
const money = (col: string) => `CAST(COALESCE(NULLIF(${col}, ''), '0') AS DECIMAL(38, 10))`;
const fixed = (v: unknown) => new Decimal(String(v)).toFixed(4);

/** CUR 2.0 in scope (docs/contracts.md#cost-input-the-real-bill): SageMaker, its Savings Plans fees, Bedrock, Marketplace Bedrock models. */
const CUR_IN_SCOPE = `(line_item_product_code IN ('AmazonSageMaker', 'MachineLearningSavingsPlans', 'AmazonBedrock')
  OR (bill_billing_entity = 'AWS Marketplace' AND json_extract_string(product, '$.product_name') LIKE '%(Amazon Bedrock Edition)'))`;
/** Net-amortized per line (docs/contracts.md#cost-input-the-real-bill table on the net columns; a fee's unused part at the fee line's net ratio). */
const CUR_NET_AMORTIZED = `CASE
  WHEN line_item_line_item_type = 'SavingsPlanCoveredUsage' THEN ${n("savings_plan_net_savings_plan_effective_cost")}
  WHEN line_item_line_item_type IN ('SavingsPlanNegation', 'SavingsPlanUpfrontFee') THEN 0
  WHEN line_item_line_item_type = 'SavingsPlanRecurringFee' THEN (${n("savings_plan_total_commitment_to_date")} - ${n("savings_plan_used_commitment")})
    * ${n("line_item_net_unblended_cost")} / ${n("line_item_unblended_cost")}
  WHEN line_item_line_item_type LIKE '%Discount' THEN 0
  ELSE ${n("line_item_net_unblended_cost")} END`;
const CUR_CATEGORY = `CASE
  WHEN line_item_line_item_type IN ('Usage', 'SavingsPlanCoveredUsage', 'SavingsPlanNegation') THEN 'usage'
  WHEN line_item_line_item_type IN ('SavingsPlanRecurringFee', 'SavingsPlanUpfrontFee') THEN 'commitment'
  WHEN line_item_line_item_type LIKE '%Discount' THEN 'discount'
  ELSE lower(line_item_line_item_type) END`;
const CUR_SERVICE = `CASE WHEN line_item_product_code IN ('AmazonSageMaker', 'MachineLearningSavingsPlans') THEN 'sagemaker' ELSE 'bedrock' END`;
const CUR_SHARED = `regexp_extract(line_item_resource_id, 'endpoint/([^/]+)$', 1) IN (${SHARED.map(sqlString).join(", ")})`;

describe("examples/generate.ts: the usage ledger", () => {
  it("writes the same ledger for the same seed, with duplicates and malformed lines", async () => {
    const spec = {
      month: MONTH,
      events: 3000,
      traffic: EXAMPLE_TRAFFIC,
      duplicateShare: 0.01,
      malformed: 3,
      writersPerDay: 2,
      seed: 9,
    };
    const a = await generateLedger({ ...spec, dir: path.join(dir, "a") });
    const b = await generateLedger({ ...spec, dir: path.join(dir, "b") });
    expect(a).toBe(b);
    expect(a).toBeGreaterThan(3000);
    expect(await digest(path.join(dir, "a"))).toBe(await digest(path.join(dir, "b")));
  });
});

describe("examples/generate.ts: the exports are deterministic and committed as generated", () => {
  it("gives the same bytes twice, gzip included, and the committed files are those bytes", async () => {
    for (const [make, root] of [
      [exampleCurExport, CUR_DIR],
      [exampleFocusExport, FOCUS_DIR],
    ] as const) {
      const a = make(MONTH);
      const b = make(MONTH);
      expect(a.map((f) => f.path)).toEqual(b.map((f) => f.path));
      a.forEach((f, i) => {
        expect(f.bytes.equals(b[i]?.bytes as Buffer)).toBe(true);
      });
      for (const f of a) {
        const committed = await readFile(path.join(root, f.path));
        if (f.path.endsWith(".gz"))
          expect(gunzipSync(committed).toString()).toBe(gunzipSync(f.bytes).toString());
        expect(committed.equals(f.bytes)).toBe(true);
      }
    }
  });

  it("writes gzip headers without a name or a time, so the bytes do not depend on when or where", () => {
    const z = gzipDeterministic("a,b\n1,2\n");
    expect([z[0], z[1], z[2]]).toEqual([0x1f, 0x8b, 8]);
    expect(z[3]).toBe(0); // FLG: no FNAME, FCOMMENT, FEXTRA
    expect(z.readUInt32LE(4)).toBe(0); // MTIME
    expect(z[9]).toBe(255); // OS unknown
    expect(gunzipSync(z).toString()).toBe("a,b\n1,2\n");
  });
});

describe("examples/generate.ts: the command line", () => {
  it("documents itself with --help and refuses an unknown option with exit 2", () => {
    const script = path.join(ROOT, "examples", "generate.ts");
    const tsx = path.join(ROOT, "node_modules", ".bin", "tsx");
    const help = spawnSync(tsx, [script, "--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("--if-missing");
    expect(help.stdout).toContain("--cur");
    expect(help.stdout).toContain("examples/cur/smcb-cur2");
    const bad = spawnSync(tsx, [script, "--nope"], { encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("unknown option --nope");
  });
});

describe("the CUR 2.0 export (examples/cur/smcb-cur2)", () => {
  it("is laid out as Data Exports delivers it, and its manifest lists exactly its 3 chunks and its columns", async () => {
    const files = await chunks(CUR_DIR);
    expect(files.map((f) => path.basename(f))).toEqual([
      "smcb-cur2-00001.csv.gz",
      "smcb-cur2-00002.csv.gz",
      "smcb-cur2-00003.csv.gz",
    ]);
    const manifest = JSON.parse(
      await readFile(path.join(CUR_DIR, "metadata", PARTITION, `${CUR_EXPORT_NAME}-Manifest.json`), "utf8"),
    ) as {
      executionId: string;
      exportArn: string;
      columns: { name: string; type: string }[];
      dataFiles: string[];
    };
    expect(Object.keys(manifest)).toEqual([
      "executionId",
      "exportArn",
      "columns",
      "dataFiles",
      "additionalOutputFiles",
      "billingPeriod",
    ]);
    expect(manifest.exportArn).toMatch(/^arn:aws:bcm-data-exports:us-east-1:\d{12}:export\/smcb-cur2-/);
    const prefix = `s3://${EXAMPLE_BUCKET}/cur/${CUR_EXPORT_NAME}/`;
    expect(manifest.dataFiles.every((u) => u.startsWith(prefix))).toBe(true);
    expect(manifest.dataFiles.map((u) => path.join(CUR_DIR, u.slice(prefix.length)))).toEqual(files);
    expect(manifest.columns.map((c) => c.name)).toEqual(CUR2_COLUMNS);
    expect(manifest.columns.every((c) => c.type === cur2ColumnType(c.name))).toBe(true);
    const types = manifest.columns.map((c) => c.type);
    expect(types.filter((t) => t === "map")).toHaveLength(4);
    expect(manifest.columns.find((c) => c.name === "savings_plan_total_commitment_to_date")?.type).toBe(
      "double",
    );
    expect(manifest.columns.find((c) => c.name === "line_item_usage_start_date")?.type).toBe("timestamp");
  });

  it("has the 114 columns of a CUR 2.0 export, in AWS's order, in every chunk", async () => {
    expect(CUR2_COLUMNS).toHaveLength(114);
    for (const f of await chunks(CUR_DIR)) {
      const header = (
        gunzipSync(await readFile(f))
          .toString()
          .split("\n")[0] as string
      ).split(",");
      expect(header).toEqual(CUR2_COLUMNS);
    }
    const cols = await query(`DESCRIBE SELECT * FROM ${await relation(CUR_DIR)}`);
    expect(cols.map((c) => c.column_name)).toEqual(CUR2_COLUMNS);
    for (const c of [
      "line_item_net_unblended_cost",
      "savings_plan_net_savings_plan_effective_cost",
      "bill_billing_entity",
    ])
      expect(CUR2_COLUMNS).toContain(c);
  });

  it("sums per line item type as hand-computed", async () => {
    const rows = await query(`SELECT line_item_line_item_type AS t, count(*) AS lines,
        CAST(sum(${money("line_item_unblended_cost")}) AS VARCHAR) AS unblended,
        CAST(sum(${money("line_item_net_unblended_cost")}) AS VARCHAR) AS net
      FROM ${await relation(CUR_DIR)} GROUP BY 1 ORDER BY 1`);
    const by = Object.fromEntries(rows.map((r) => [r.t, r]));
    // shared-llm: 2 × ml.g5.12xlarge on the 22 weekdays of October 2026, 1 on its 9 weekend days = 1272 h at $7.09.
    expect(fixed(by.SavingsPlanCoveredUsage?.unblended)).toBe(new Decimal(1272).times("7.09").toFixed(4)); // 9018.48
    expect(fixed(by.SavingsPlanNegation?.unblended)).toBe(new Decimal(1272).times("-7.09").toFixed(4));
    // the commitment: $9.076/h × 24 h × 31 days, 5 % EDP on it.
    expect(fixed(by.SavingsPlanRecurringFee?.unblended)).toBe(new Decimal("9.076").times(24 * 31).toFixed(4)); // 6752.544
    expect(fixed(by.SavingsPlanRecurringFee?.net)).toBe(
      new Decimal("9.076").times(24 * 31 * 0.95).toFixed(4),
    );
    expect(by.SavingsPlanRecurringFee?.lines).toBe(31);
    expect(by.SavingsPlanNegation?.lines).toBe(31);
    expect(fixed(by.Credit?.unblended)).toBe("-100.0000");
    expect(fixed(by.Refund?.unblended)).toBe("-36.3600");
    expect(by.Tax?.lines).toBe(7); // one per AWS-billed product code; none on the Marketplace product
    expect(Number(by.EdpDiscount?.unblended)).toBeLessThan(0);
    expect(fixed(by.EdpDiscount?.net)).toBe("0.0000"); // already inside the other lines' net columns
    expect(Object.keys(by).sort()).toEqual([
      "Credit",
      "EdpDiscount",
      "Refund",
      "SavingsPlanCoveredUsage",
      "SavingsPlanNegation",
      "SavingsPlanRecurringFee",
      "Tax",
      "Usage",
    ]);
    // The EDP discount lines are 5 % of the AWS-billed usage and Savings Plan lines: net = unblended + discount.
    const [edp] = await query(`SELECT
        CAST(sum(CASE WHEN line_item_line_item_type IN ('Usage', 'SavingsPlanCoveredUsage', 'SavingsPlanNegation',
          'SavingsPlanRecurringFee') AND bill_billing_entity = 'AWS' THEN ${money("line_item_unblended_cost")} END) * 0.05 AS VARCHAR) AS five,
        CAST(-sum(CASE WHEN line_item_line_item_type = 'EdpDiscount' THEN ${money("line_item_unblended_cost")} END) AS VARCHAR) AS discount
      FROM ${await relation(CUR_DIR)}`);
    expect(fixed(edp?.discount)).toBe(fixed(edp?.five));
  });

  it("has net ≤ non-net on every line, EDP on AWS-billed lines only, a filled invoice id and one currency", async () => {
    const [r] = await query(`SELECT
        count(*) FILTER (WHERE abs(${money("line_item_net_unblended_cost")}) > abs(${money("line_item_unblended_cost")})) AS net_above,
        count(*) FILTER (WHERE line_item_line_item_type = 'Usage' AND bill_billing_entity = 'AWS'
          AND ${money("line_item_net_unblended_cost")} <> ${money("line_item_unblended_cost")} * 0.95) AS not_edp,
        count(*) FILTER (WHERE bill_billing_entity = 'AWS Marketplace'
          AND ${money("line_item_net_unblended_cost")} <> ${money("line_item_unblended_cost")}) AS marketplace_discounted,
        count(*) FILTER (WHERE line_item_line_item_type = 'SavingsPlanCoveredUsage'
          AND ${n("savings_plan_net_savings_plan_effective_cost")} > ${n("savings_plan_savings_plan_effective_cost")}) AS sp_net_above,
        count(*) FILTER (WHERE COALESCE(bill_invoice_id, '') = '') AS open_lines,
        count(DISTINCT line_item_currency_code) AS currencies,
        count(*) AS lines
      FROM ${await relation(CUR_DIR)}`);
    expect(r).toMatchObject({
      net_above: 0,
      not_edp: 0,
      marketplace_discounted: 0,
      sp_net_above: 0,
      open_lines: 0,
    });
    expect(r?.currencies).toBe(1);
    expect(Number(r?.lines)).toBeGreaterThan(500);
  });

  it("offsets each day's covered shared-llm hours with a negation of the same amount, without resource or tags", async () => {
    const rows = await query(`WITH l AS (SELECT * FROM ${await relation(CUR_DIR)})
      SELECT c.d, c.ut, CAST(c.cost AS VARCHAR) AS covered, CAST(g.cost AS VARCHAR) AS negation, g.resources, g.tags
      FROM (SELECT line_item_usage_start_date AS d, line_item_usage_type AS ut, sum(${money("line_item_unblended_cost")}) AS cost
            FROM l WHERE line_item_line_item_type = 'SavingsPlanCoveredUsage' GROUP BY 1, 2) c
      FULL JOIN (SELECT line_item_usage_start_date AS d, line_item_usage_type AS ut, sum(${money("line_item_unblended_cost")}) AS cost,
              count(*) FILTER (WHERE COALESCE(line_item_resource_id, '') <> '') AS resources,
              count(*) FILTER (WHERE resource_tags <> '{}') AS tags
            FROM l WHERE line_item_line_item_type = 'SavingsPlanNegation' GROUP BY 1, 2) g
      ON c.d = g.d AND c.ut = g.ut ORDER BY 1`);
    expect(rows).toHaveLength(31);
    for (const r of rows) {
      expect(r.ut).toBe("USE1-Host:ml.g5.12xlarge");
      expect(new Decimal(String(r.covered)).plus(String(r.negation)).isZero()).toBe(true);
      expect(r).toMatchObject({ resources: 0, tags: 0 });
    }
    const [covered] = await query(`SELECT count(DISTINCT line_item_resource_id) AS resources,
        min(json_extract_string(resource_tags, '$.user_shared_endpoint')) AS shared,
        count(DISTINCT savings_plan_savings_plan_a_r_n) AS plans
      FROM ${await relation(CUR_DIR)} WHERE line_item_line_item_type = 'SavingsPlanCoveredUsage'`);
    expect(covered).toMatchObject({ resources: 1, shared: "shared-llm", plans: 1 });
  });

  it("leaves unused commitment on the weekend days (fee lines: total − used)", async () => {
    const [r] =
      await query(`SELECT CAST(sum(${n("savings_plan_total_commitment_to_date")} - ${n("savings_plan_used_commitment")}) AS VARCHAR) AS unused,
        count(*) FILTER (WHERE ${n("savings_plan_total_commitment_to_date")} > ${n("savings_plan_used_commitment")}) AS days,
        min(line_item_product_code) AS product
      FROM ${await relation(CUR_DIR)} WHERE line_item_line_item_type = 'SavingsPlanRecurringFee'`);
    // 9 weekend days × 24 h × $4.538 (one of the two instances the commitment was sized for).
    expect(fixed(r?.unused)).toBe(new Decimal(9 * 24).times("4.538").toFixed(4)); // 980.208
    expect(r).toMatchObject({ days: 9, product: "MachineLearningSavingsPlans" });
  });

  it("writes normalized tag keys, JSON maps, Marketplace Claude lines and every kind of line the chargeback must place", async () => {
    const rel = await relation(CUR_DIR);
    const keys = await query(`SELECT DISTINCT unnest(json_keys(resource_tags)) AS k FROM ${rel} ORDER BY 1`);
    expect(keys.map((k) => k.k)).toEqual([
      "aws_created_by",
      "user_cost_center",
      "user_line_of_business",
      "user_name",
      "user_shared_endpoint",
      "user_team",
    ]);
    const [mp] = await query(`SELECT count(*) AS lines, min(line_item_product_code) AS code,
        min(json_extract_string(product, '$.product_name')) AS name, min(line_item_legal_entity) AS seller,
        count(*) FILTER (WHERE line_item_resource_id LIKE '%application-inference-profile/retail01abcd') AS profile,
        count(*) FILTER (WHERE resource_tags = '{}') AS untagged,
        count(DISTINCT line_item_usage_type) AS usage_types
      FROM ${rel} WHERE bill_billing_entity = 'AWS Marketplace'`);
    expect(String(mp?.code)).toMatch(/^[a-z0-9]{20,}$/);
    expect(mp).toMatchObject({
      name: "Claude Sonnet 4.5 (Amazon Bedrock Edition)",
      usage_types: 2,
      profile: 62,
    });
    expect(Number(mp?.untagged)).toBeGreaterThan(0);
    const lobs =
      await query(`SELECT DISTINCT json_extract_string(resource_tags, '$.user_line_of_business') AS lob
      FROM ${rel} WHERE ${CUR_IN_SCOPE} ORDER BY 1 NULLS FIRST`);
    // every LOB, one unknown value, and untagged lines
    expect(lobs.map((l) => l.lob)).toEqual([
      null,
      "insurance",
      "marketing",
      "payments",
      "platform",
      "research",
      "retail",
      "wealth",
    ]);
    const excluded = await query(
      `SELECT DISTINCT line_item_product_code AS p FROM ${rel} WHERE NOT ${CUR_IN_SCOPE} ORDER BY 1`,
    );
    expect(excluded.map((e) => e.p)).toEqual(["AWSCloudTrail", "AmazonCloudWatch", "AmazonEC2", "AmazonS3"]);
  });
});

/** Net-amortized totals of the CUR export: in scope per category, excluded per product, per LOB. */
async function curNetAmortized() {
  const rel = await relation(CUR_DIR);
  const categories =
    await query(`SELECT ${CUR_CATEGORY} AS category, CAST(sum(${CUR_NET_AMORTIZED}) AS VARCHAR) AS cost
    FROM ${rel} WHERE ${CUR_IN_SCOPE} GROUP BY 1 ORDER BY 1`);
  const excluded =
    await query(`SELECT line_item_product_code AS service, count(*) AS lines, CAST(sum(${CUR_NET_AMORTIZED}) AS VARCHAR) AS cost
    FROM ${rel} WHERE NOT ${CUR_IN_SCOPE} GROUP BY 1 ORDER BY 1`);
  const lobs =
    await query(`SELECT json_extract_string(resource_tags, '$.user_line_of_business') AS lob, ${CUR_SERVICE} AS service,
      CAST(sum(${CUR_NET_AMORTIZED}) AS VARCHAR) AS cost
    FROM ${rel} WHERE ${CUR_IN_SCOPE} AND ${CUR_CATEGORY} = 'usage' AND NOT COALESCE(${CUR_SHARED}, false)
      AND json_extract_string(resource_tags, '$.user_line_of_business') IN (${LOBS.map(sqlString).join(", ")})
    GROUP BY 1, 2 ORDER BY 1, 2`);
  const shared =
    await query(`SELECT regexp_extract(line_item_resource_id, 'endpoint/([^/]+)$', 1) AS endpoint,
      CAST(sum(${CUR_NET_AMORTIZED}) AS VARCHAR) AS cost, CAST(sum(${money("line_item_usage_amount")}) AS VARCHAR) AS hours
    FROM ${rel} WHERE ${CUR_IN_SCOPE} AND ${CUR_SHARED} AND line_item_line_item_type <> 'SavingsPlanNegation' GROUP BY 1 ORDER BY 1`);
  const [totals] = await query(`SELECT CAST(sum(${CUR_NET_AMORTIZED}) AS VARCHAR) AS net_amortized,
      CAST(sum(${money("line_item_net_unblended_cost")}) AS VARCHAR) AS net_unblended
    FROM ${rel} WHERE ${CUR_IN_SCOPE}`);
  // Net-unblended: covered usage at its net on-demand cost is usage; the negations and fees are commitment.
  const unblendedCategories =
    await query(`SELECT CASE WHEN line_item_line_item_type = 'SavingsPlanNegation' THEN 'commitment'
        ELSE ${CUR_CATEGORY} END AS category,
      CAST(sum(${money("line_item_net_unblended_cost")}) AS VARCHAR) AS cost
    FROM ${rel} WHERE ${CUR_IN_SCOPE} GROUP BY 1 ORDER BY 1`);
  const unallocated =
    await query(`SELECT CASE WHEN json_extract_string(resource_tags, '$.user_line_of_business') IS NULL THEN 'untagged'
        ELSE 'unknown-lob:' || json_extract_string(resource_tags, '$.user_line_of_business') END AS reason,
      ${CUR_SERVICE} AS service, CAST(sum(${CUR_NET_AMORTIZED}) AS VARCHAR) AS cost
    FROM ${rel} WHERE ${CUR_IN_SCOPE} AND ${CUR_CATEGORY} = 'usage' AND NOT COALESCE(${CUR_SHARED}, false)
      AND COALESCE(json_extract_string(resource_tags, '$.user_line_of_business') NOT IN (${LOBS.map(sqlString).join(", ")}), true)
      AND line_item_line_item_type <> 'SavingsPlanNegation'
    GROUP BY 1, 2 ORDER BY 1, 2`);
  return { categories, unblendedCategories, excluded, lobs, shared, unallocated, totals };
}

describe("the month's expected chargeback inputs (net-amortized), for the readers to reproduce", () => {
  it("gives these in-scope totals per category, excluded totals and per-LOB dedicated and Bedrock usage", async () => {
    const r = await curNetAmortized();
    const cat = Object.fromEntries(r.categories.map((c) => [c.category, fixed(c.cost)]));
    // Hand-computable parts: the refund and credit as billed, the unused commitment 980.208 × 0.95.
    expect(cat.credit).toBe("-100.0000");
    expect(cat.refund).toBe("-36.3600");
    expect(cat.commitment).toBe(new Decimal("980.208").times("0.95").toFixed(4)); // 931.1976
    expect(cat.discount).toBe("0.0000");
    // shared-llm at the plan's net rate: 1272 h × 4.538 × 0.95.
    const llm = r.shared.find((s) => s.endpoint === "shared-llm");
    expect(fixed(llm?.cost)).toBe(new Decimal(1272).times("4.538").times("0.95").toFixed(4)); // 5483.7192
    expect(fixed(llm?.hours)).toBe("1272.0000");
    const total = r.categories.reduce((s, c) => s.plus(String(c.cost)), new Decimal(0));
    expect(fixed(r.totals?.net_amortized)).toBe(total.toFixed(4));
    // Net-amortized and net-unblended differ only by where the commitment sits: same in-scope total.
    expect(fixed(r.totals?.net_unblended)).toBe(fixed(r.totals?.net_amortized));
    // The whole month, pinned (each part above is checked by an identity; these guard against silent drift).
    expect(cat).toEqual({
      usage: "10745.7521",
      commitment: "931.1976",
      discount: "0.0000",
      credit: "-100.0000",
      refund: "-36.3600",
      tax: "661.4700",
    });
    expect(total.toFixed(4)).toBe("12202.0597");
    const report = {
      byCategory: cat,
      netUnblendedByCategory: Object.fromEntries(
        r.unblendedCategories.map((c) => [c.category, fixed(c.cost)]),
      ),
      inScopeTotal: total.toFixed(4),
      excluded: r.excluded.map((e) => ({ ...e, cost: fixed(e.cost) })),
      shared: r.shared.map((s) => ({ ...s, cost: fixed(s.cost) })),
      lobs: r.lobs.map((l) => ({ ...l, cost: fixed(l.cost) })),
      unallocatedUsage: r.unallocated.map((u) => ({ ...u, cost: fixed(u.cost) })),
    };
    // usage = shared pools + LOB-tagged + unallocated usage, exactly
    const parts = [...r.shared, ...r.lobs, ...r.unallocated].reduce(
      (s, x) => s.plus(String(x.cost)),
      new Decimal(0),
    );
    expect(parts.toFixed(4)).toBe(cat.usage);
    expect(r.unallocated.map((u) => `${u.reason} ${u.service}`)).toEqual([
      "unknown-lob:research sagemaker",
      "untagged bedrock",
      "untagged sagemaker",
    ]);
    process.stdout.write(`EXAMPLE NET-AMORTIZED ${JSON.stringify(report, null, 1)}\n`);
    expect(r.lobs.length).toBeGreaterThan(6);
  });
});

describe("the FOCUS 1.2 export (examples/focus/smcb-focus12)", () => {
  it("is laid out like the CUR export, with the 60 columns of FOCUS 1.2 with AWS columns", async () => {
    const files = await chunks(FOCUS_DIR);
    expect(files.map((f) => path.basename(f))).toEqual([
      "smcb-focus12-00001.csv.gz",
      "smcb-focus12-00002.csv.gz",
    ]);
    const manifest = JSON.parse(
      await readFile(
        path.join(FOCUS_DIR, "metadata", PARTITION, `${FOCUS_EXPORT_NAME}-Manifest.json`),
        "utf8",
      ),
    ) as { columns: { name: string }[]; dataFiles: string[] };
    const prefix = `s3://${EXAMPLE_BUCKET}/focus/${FOCUS_EXPORT_NAME}/`;
    expect(manifest.dataFiles.map((u) => path.join(FOCUS_DIR, u.slice(prefix.length)))).toEqual(files);
    const names = FOCUS12_COLUMNS.map(([c]) => c);
    expect(names).toHaveLength(60);
    expect(names.filter((c) => c.startsWith("x_"))).toEqual(["x_Discounts", "x_Operation", "x_ServiceCode"]);
    expect(names).toContain("SkuMeter");
    expect(names).not.toContain("x_UsageType");
    expect(manifest.columns.map((c) => c.name)).toEqual(names);
    const cols = await query(`DESCRIBE SELECT * FROM ${await relation(FOCUS_DIR)}`);
    expect(cols.map((c) => c.column_name)).toEqual(names);
  });

  it("gives the same in-scope totals and per-LOB usage as the CUR export, at EffectiveCost and BilledCost", async () => {
    const rel = await relation(FOCUS_DIR);
    const inScope = `(x_ServiceCode IN ('AmazonSageMaker', 'MachineLearningSavingsPlans', 'AmazonBedrock') OR ServiceName LIKE '%(Amazon Bedrock Edition)')`;
    const [f] = await query(`SELECT CAST(sum(${money("EffectiveCost")}) AS VARCHAR) AS effective,
        CAST(sum(${money("BilledCost")}) AS VARCHAR) AS billed,
        count(*) FILTER (WHERE CommitmentDiscountStatus = 'Used') AS used_rows,
        count(*) FILTER (WHERE CommitmentDiscountStatus = 'Unused') AS unused_rows,
        count(*) FILTER (WHERE ChargeCategory = 'Purchase') AS purchases,
        count(*) FILTER (WHERE InvoiceId IS NULL) AS open_rows
      FROM ${rel} WHERE ${inScope}`);
    const cur = await curNetAmortized();
    expect(fixed(f?.effective)).toBe(fixed(cur.totals?.net_amortized));
    expect(fixed(f?.billed)).toBe(fixed(cur.totals?.net_unblended));
    expect(f).toMatchObject({ used_rows: 31, unused_rows: 9, purchases: 31, open_rows: 0 });
    const [all] = await query(
      `SELECT CAST(sum(${money("EffectiveCost")}) AS VARCHAR) AS effective FROM ${rel}`,
    );
    const [curAll] = await query(
      `SELECT CAST(sum(${CUR_NET_AMORTIZED}) AS VARCHAR) AS effective FROM ${await relation(CUR_DIR)}`,
    );
    expect(fixed(all?.effective)).toBe(fixed(curAll?.effective));
    const lobs = await query(`SELECT json_extract_string(Tags, '$."user:LineOfBusiness"') AS lob,
        CASE WHEN x_ServiceCode IN ('AmazonSageMaker', 'MachineLearningSavingsPlans') THEN 'sagemaker' ELSE 'bedrock' END AS service,
        CAST(sum(${money("EffectiveCost")}) AS VARCHAR) AS cost
      FROM ${rel} WHERE ${inScope} AND ChargeCategory = 'Usage' AND COALESCE(CommitmentDiscountStatus, '') <> 'Unused'
        AND NOT COALESCE(regexp_extract(ResourceId, 'endpoint/([^/]+)$', 1) IN (${SHARED.map(sqlString).join(", ")}), false)
        AND json_extract_string(Tags, '$."user:LineOfBusiness"') IN (${LOBS.map(sqlString).join(", ")})
      GROUP BY 1, 2 ORDER BY 1, 2`);
    expect(lobs.map((l) => ({ ...l, cost: fixed(l.cost) }))).toEqual(
      cur.lobs.map((l) => ({ ...l, cost: fixed(l.cost) })),
    );
  });
});
