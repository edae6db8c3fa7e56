/**
 * Issue 10, done when: the same month gives the same LOB totals from CSV, gzip CSV, Parquet, a local export folder,
 * an `s3://` export on moto, FOCUS, and Cost Explorer canned answers (moto); and the totals of every basis reconcile
 * to the source.
 *
 * The month is the bundled example (examples/generate.ts, `exampleBill`): a CUR 2.0 export with a SageMaker Savings
 * Plan covering shared-llm (covered usage, negations, recurring fee with unused commitment), a 5 % EDP (net columns
 * and EdpDiscount lines), a Bedrock credit, a refund, tax, Claude through AWS Marketplace via a LOB's profile and
 * untagged, and other services (excluded); and the same month as a FOCUS 1.2 export. The other forms are made from
 * it here: plain CSV (the chunks un-gzipped), Parquet (typed as the manifest's `columns` say: double, timestamp,
 * map — the types of AWS's Glue table for CUR 2.0 Parquet, CID `cid/helpers/cur.py`), the export in a moto bucket,
 * and Cost Explorer answers for the same lines (RECORD_TYPE per line type; tags with the keys the user typed).
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { CostExplorerClient } from "@aws-sdk/client-cost-explorer";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChargebackReport, CostBasis, EndpointUsage } from "../../../chargeback/model.js";
import { type ChargebackClients, runChargeback, type UsageSource } from "../../../chargeback/run.js";
import { queryRows, sqlIdent, sqlString, withDuckDb } from "../../../chargeback/sources/duckdb.js";
import { parseConfig } from "../../../core/config.js";
import { Decimal } from "../../../core/money.js";
import { type BillLine, exampleBill } from "../../../examples/generate.js";
import { ROOT } from "../../support/cli.js";
import { type CeItem, motoAnswersFor } from "../../support/cost-explorer-fake.js";
import { type Moto, motoClientConfig, startMoto } from "../../support/moto.js";

const MONTH = "2026-10";
const EXAMPLES = path.join(ROOT, "examples");
const CONFIG_FILE = path.join(EXAMPLES, "smcb.config.json");
const EXPORT = path.join(EXAMPLES, "cur/smcb-cur2");
const PARTITION = path.join(EXPORT, `data/BILLING_PERIOD=${MONTH}`);
const MANIFEST = path.join(EXPORT, `metadata/BILLING_PERIOD=${MONTH}/smcb-cur2-Manifest.json`);
const BUCKET = "example-corp-billing-exports";
const NOW = new Date("2026-12-01T00:00:00Z");
/** The in-scope invoice of the month: what every basis must add up to (no upfront commitment to amortize). */
const INVOICE = "12202.06";

/** A fixed month of shared-endpoint usage, so every run splits the shared pools the same way. */
const USAGE: EndpointUsage[] = [
  {
    endpoint: "shared-llm",
    lob: "retail",
    invocations: 40,
    inputTokens: 30_000_000,
    outputTokens: 10_000_000,
  },
  {
    endpoint: "shared-llm",
    lob: "wealth",
    invocations: 20,
    inputTokens: 12_000_000,
    outputTokens: 4_000_000,
  },
  {
    endpoint: "shared-embeddings",
    lob: "insurance",
    invocations: 9,
    inputTokens: 5_000_000,
    outputTokens: 0,
  },
  {
    endpoint: "shared-reranker",
    lob: "payments",
    invocations: 7,
    inputTokens: 2_000_000,
    outputTokens: 10_000,
  },
];
const usageSource: UsageSource = async () => ({ usage: USAGE, malformed: 0, duplicates: 0 });

let tmp: string;
let moto: Moto;
let rawConfig: Record<string, unknown>;

async function chargeback(
  costs: Record<string, unknown>,
  basis: CostBasis = "net-amortized",
  clients: ChargebackClients = {},
): Promise<ChargebackReport> {
  const cache = costs.type === "cost-explorer" ? {} : { cacheDir: path.join(tmp, "cache") };
  const config = parseConfig({ ...rawConfig, costs: { ...costs, basis, ...cache } }, CONFIG_FILE);
  return runChargeback({ config, month: MONTH, now: NOW, usageSource, clients });
}

/** What must agree between sources: every LOB's figures and the unallocated total. */
const lobFigures = (r: ChargebackReport) => ({ lobs: r.lobs, unallocated: r.unallocated.total });

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "smcb-real-bill-"));
  rawConfig = JSON.parse(await readFile(CONFIG_FILE, "utf8")) as Record<string, unknown>;
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
  await rm(tmp, { recursive: true, force: true });
});

async function chunks(): Promise<string[]> {
  return (await readdir(PARTITION)).filter((f) => f.endsWith(".csv.gz")).sort();
}

describe("the example month from every form of CUR 2.0 (net-amortized)", () => {
  let reference: ChargebackReport;

  beforeAll(async () => {
    reference = await chargeback({ type: "cur", path: "cur/smcb-cur2" });
  });

  it("the export folder: the manifest's files, reconciled to the invoice, every category on its own line", () => {
    expect(reference.source).toMatchObject({ kind: "export", files: 3 });
    expect(reference.reconciliation).toMatchObject({
      sourceTotal: INVOICE,
      difference: "0.00",
      estimated: false,
    });
    // examples.test.ts pins the same figures from the files with DuckDB
    expect(reference.reconciliation.byCategory).toEqual({
      usage: "10745.75",
      commitment: "931.20",
      discount: "0.00",
      credit: "-100.00",
      refund: "-36.36",
      tax: "661.47",
    });
    expect(reference.excluded.map((e) => [e.service, e.lines, e.cost])).toEqual([
      ["AWSCloudTrail", 63, "25.91"],
      ["AmazonCloudWatch", 63, "12.08"],
      ["AmazonEC2", 63, "215.77"],
      ["AmazonS3", 63, "19.68"],
    ]);
    expect(reference.lobs.find((l) => l.lob === "retail")?.bedrock).toBe("497.08"); // Claude via Marketplace (497.085 exact; the tie goes down by the largest remainder)
  });

  it("a glob of the gzip CSV chunks", async () => {
    const r = await chargeback({ type: "cur", path: "cur/smcb-cur2/data/BILLING_PERIOD=2026-10/*.csv.gz" });
    expect(r.source).toMatchObject({ kind: "files", files: 3 });
    expect(lobFigures(r)).toEqual(lobFigures(reference));
    expect(r.reconciliation).toEqual(reference.reconciliation);
  });

  it("plain CSV", async () => {
    const dir = path.join(tmp, "csv");
    await mkdir(dir, { recursive: true });
    for (const f of await chunks())
      await writeFile(
        path.join(dir, f.replace(/\.gz$/, "")),
        gunzipSync(await readFile(path.join(PARTITION, f))),
      );
    const r = await chargeback({ type: "cur", path: path.join(dir, "*.csv") });
    expect(lobFigures(r)).toEqual(lobFigures(reference));
    expect(r.reconciliation).toEqual(reference.reconciliation);
  });

  it("Parquet typed as the manifest says (double amounts, timestamps, map columns)", async () => {
    const dir = path.join(tmp, "parquet");
    await mkdir(dir, { recursive: true });
    const manifest = JSON.parse(await readFile(MANIFEST, "utf8")) as {
      columns: { name: string; type: string }[];
    };
    const typed = manifest.columns.map(({ name, type }) => {
      const c = sqlIdent(name);
      if (type === "double") return `CAST(${c} AS DOUBLE) AS ${c}`;
      if (type === "timestamp") return `CAST(${c} AS TIMESTAMP) AS ${c}`;
      if (type === "map") return `CAST(CAST(coalesce(${c}, '{}') AS JSON) AS MAP(VARCHAR, VARCHAR)) AS ${c}`;
      return c;
    });
    await withDuckDb("writing Parquet", async (c) => {
      for (const f of await chunks()) {
        const src = sqlString(path.join(PARTITION, f));
        const out = sqlString(path.join(dir, f.replace(/\.csv\.gz$/, ".snappy.parquet")));
        await queryRows(
          c,
          `COPY (SELECT ${typed.join(", ")} FROM read_csv(${src}, all_varchar = true, header = true)) TO ${out} (FORMAT parquet)`,
        );
      }
      const types = await queryRows(
        c,
        `DESCRIBE SELECT * FROM read_parquet(${sqlString(path.join(dir, "*.parquet"))})`,
      );
      const of = (col: string) => types.find((t) => t.column_name === col)?.column_type;
      expect([of("line_item_unblended_cost"), of("resource_tags")]).toEqual([
        "DOUBLE",
        "MAP(VARCHAR, VARCHAR)",
      ]);
    });
    const r = await chargeback({ type: "cur", path: path.join(dir, "*.parquet") });
    expect(lobFigures(r)).toEqual(lobFigures(reference));
    expect(r.reconciliation).toEqual(reference.reconciliation);
  });

  it("an s3:// export on moto, through the S3 API and the local cache", async () => {
    const s3 = new S3Client({ ...motoClientConfig(moto), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const walk = async (dir: string): Promise<string[]> =>
      (
        await Promise.all(
          (
            await readdir(dir, { withFileTypes: true })
          ).map((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)])),
        )
      ).flat();
    for (const file of await walk(EXPORT))
      await s3.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: `cur/smcb-cur2/${path.relative(EXPORT, file).split(path.sep).join("/")}`,
          Body: await readFile(file),
        }),
      );
    const r = await chargeback({ type: "cur", path: `s3://${BUCKET}/cur/smcb-cur2` }, "net-amortized", {
      s3,
    });
    expect(r.source).toMatchObject({ kind: "s3-export", files: 3 });
    expect(lobFigures(r)).toEqual(lobFigures(reference));
    expect(r.reconciliation).toEqual(reference.reconciliation);
    s3.destroy();
  });

  it("every basis adds up to the invoice; only the split between LOBs and adjustments moves", async () => {
    const byBasis = new Map<CostBasis, ChargebackReport>();
    for (const basis of ["net-amortized", "amortized", "net-unblended", "unblended"] as const)
      byBasis.set(basis, await chargeback({ type: "cur", path: "cur/smcb-cur2" }, basis));
    for (const [basis, r] of byBasis) {
      expect([basis, r.reconciliation.sourceTotal, r.reconciliation.difference]).toEqual([
        basis,
        INVOICE,
        "0.00",
      ]);
      expect(r.reconciliation.basis).toBe(basis);
    }
    // unblended: covered hours at on-demand rates on shared-llm, the negations and the fee as commitment, EDP lines
    const unblended = byBasis.get("unblended") as ChargebackReport;
    expect(unblended.reconciliation.byCategory.discount).toBe("-587.40");
    const llm = (r: ChargebackReport) => r.sharedEndpoints.find((e) => e.endpoint === "shared-llm")?.cost;
    expect(Number(llm(unblended))).toBeGreaterThan(Number(llm(reference)));
    expect(byBasis.get("net-unblended")?.reconciliation.byCategory.discount).toBe("0.00");
  });
});

describe("the same month from FOCUS 1.2 and from Cost Explorer", () => {
  let reference: Map<CostBasis, ChargebackReport>;

  beforeAll(async () => {
    reference = new Map();
    for (const basis of ["net-amortized", "net-unblended"] as const)
      reference.set(basis, await chargeback({ type: "cur", path: "cur/smcb-cur2" }, basis));
  });

  it("FOCUS (EffectiveCost, BilledCost) gives the CUR's LOB totals and source total at both net bases", async () => {
    for (const basis of ["net-amortized", "net-unblended"] as const) {
      const r = await chargeback({ type: "focus", path: "focus/smcb-focus12" }, basis);
      const cur = reference.get(basis) as ChargebackReport;
      expect(lobFigures(r)).toEqual(lobFigures(cur));
      expect(r.reconciliation.sourceTotal).toBe(cur.reconciliation.sourceTotal);
    }
  });

  it("Cost Explorer (canned answers on moto) gives the CUR's LOB totals; tax is one service there, so excluded", async () => {
    const items = exampleBill(MONTH).map(ceItemOf);
    const options = { month: MONTH, tagKey: "LineOfBusiness", region: "us-east-1", now: NOW } as const;
    for (const basis of ["net-amortized", "net-unblended"] as const) {
      const answers = await motoAnswersFor(items, { ...options, basis });
      const res = await fetch(`${moto.endpoint}/moto-api/static/ce/cost-and-usage-results`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ results: answers }),
      });
      expect(res.status).toBe(201);
      const costExplorer = new CostExplorerClient(motoClientConfig(moto));
      const r = await chargeback({ type: "cost-explorer" }, basis, { costExplorer });
      costExplorer.destroy();
      const cur = reference.get(basis) as ChargebackReport;
      expect(r.lobs).toEqual(cur.lobs);
      const tax = new Decimal(cur.reconciliation.byCategory.tax);
      expect(new Decimal(r.reconciliation.sourceTotal).plus(tax).toFixed(2)).toBe(
        cur.reconciliation.sourceTotal,
      );
      // Cost Explorer's one Tax service holds every service's tax, the excluded services' too
      const allTax = exampleBill(MONTH)
        .filter((l) => l.type === "Tax")
        .reduce((t, l) => t.plus(l.netUnblended), new Decimal(0));
      expect(r.excluded.find((e) => e.service === "Tax")?.cost).toBe(allTax.toFixed(2));
      expect(allTax.greaterThan(tax)).toBe(true);
    }
  });
});

/** Cost Explorer's `SERVICE` of a CUR product code (the names Cost Explorer shows). */
const CE_SERVICE: Readonly<Record<string, string>> = {
  AmazonSageMaker: "Amazon SageMaker",
  MachineLearningSavingsPlans: "Savings Plans for AWS Machine Learning",
  AmazonBedrock: "Amazon Bedrock",
  AmazonEC2: "Amazon Elastic Compute Cloud - Compute",
  AmazonS3: "Amazon Simple Storage Service",
  AWSCloudTrail: "AWS CloudTrail",
  AmazonCloudWatch: "AmazonCloudWatch",
};
/** Tag keys as the user typed them (Cost Explorer groups by the cost allocation tag's own key). */
const CE_TAG_KEY: Readonly<Record<string, string>> = {
  user_line_of_business: "LineOfBusiness",
  user_shared_endpoint: "SharedEndpoint",
};

/**
 * One example line as Cost Explorer would count it, under each metric: amortized as docs/contracts.md#cost-input-the-real-bill's table (covered
 * usage at the plan's effective cost, negations 0, the fee's unused commitment), net the same with the EDP applied.
 */
function ceItemOf(l: BillLine): CeItem {
  const zero = new Decimal(0);
  let amortized = l.unblended;
  let netAmortized = l.netUnblended;
  if (l.type === "SavingsPlanCoveredUsage") {
    amortized = l.sp?.effective ?? zero;
    netAmortized = l.sp?.netEffective ?? zero;
  } else if (l.type === "SavingsPlanNegation") {
    amortized = zero;
    netAmortized = zero;
  } else if (l.type === "SavingsPlanRecurringFee") {
    amortized = (l.sp?.totalCommitment ?? zero).minus(l.sp?.usedCommitment ?? zero);
    netAmortized = amortized.times(l.netUnblended).dividedBy(l.unblended);
  }
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(l.tags)) {
    const key = CE_TAG_KEY[k];
    if (key) tags[key] = v;
  }
  const service =
    l.type === "Tax"
      ? "Tax"
      : l.billingEntity === "AWS Marketplace"
        ? (l.product.product_name as string)
        : (CE_SERVICE[l.productCode] ?? l.productCode);
  return {
    service,
    recordType: l.type === "EdpDiscount" ? "Enterprise Discount Program Discount" : l.type,
    billingEntity: l.billingEntity,
    usageType: l.usageType,
    tags,
    cost: {
      UnblendedCost: l.unblended.toString(),
      NetUnblendedCost: l.netUnblended.toString(),
      AmortizedCost: amortized.toString(),
      NetAmortizedCost: netAmortized.toString(),
    },
    quantity: l.usageAmount.toString(),
    unit: l.unit,
  };
}
