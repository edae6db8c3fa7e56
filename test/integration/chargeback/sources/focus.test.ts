/**
 * The FOCUS 1.2 cost source (issue 10, Deliver 6), on small hand-written exports of AWS Data Exports'
 * "FOCUS 1.2 with AWS columns".
 *
 * Facts relied on, and where they come from:
 * - The table is `FOCUS_1_2_AWS`: the 57 FOCUS 1.2 columns plus three AWS columns `x_Discounts`, `x_Operation`,
 *   `x_ServiceCode` (https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-focus-1-2-aws.html; the
 *   same column list in AWS's own CID data collection, aws-solutions-library-samples/
 *   cloud-intelligence-dashboards-data-collection `data-exports/deploy/data-exports-aggregation.yaml`, FOCUS
 *   `DefaultQuery` and Glue table: `tags map<string,string>`, `x_discounts map<string,double>`, costs `double`,
 *   `chargeperiodstart timestamp`).
 * - FOCUS 1.2 removed FOCUS 1.0's `x_UsageType` ("This is now the SkuMeter column") and `x_CostCategories` (now in
 *   `Tags`): https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-focus-1-2-migrating.html (and CID
 *   commit cc571e6 "Removed x_CostCategories and x_UsageType columns"). So the usage type is read from `SkuMeter`
 *   (`x_UsageType` only in a FOCUS 1.0 file).
 * - `x_ServiceCode` carries CUR's `line_item_product_code` and `SkuMeter` CUR's `line_item_usage_type`, e.g.
 *   `EUW2-BoxUsage:t3.xlarge` [practitioner, verified on real exports: DigitalPebble/spruce PR #250]. The SageMaker
 *   Savings Plan fee is billed under product code `MachineLearningSavingsPlans` (CID `kpi_instance_all_view.sql`),
 *   hence `x_ServiceCode = 'MachineLearningSavingsPlans'`.
 * - `BilledCost` "inclusive of all reduced rates and discounts while excluding the amortization of upfront charges"
 *   (net unblended); `EffectiveCost` amortized after discounts (net amortized) (AWS FOCUS 1.2 column dictionary,
 *   https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-focus-1-2-aws-columns.html). No documented
 *   AWS column gives the non-net figures (`x_Discounts` is a map of discounts, not a cost), so `amortized` and
 *   `unblended` are refused.
 * - FOCUS spec (FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec `specification/columns/*.md`): ChargeCategory is one of
 *   Usage, Purchase, Tax, Credit, Adjustment (each "including refunds"); ChargeClass "Correction" marks corrections
 *   of a previously invoiced period; CommitmentDiscountStatus Used | Unused; "EffectiveCost MUST be 0 when
 *   ChargeCategory is 'Purchase' and the purchase is intended to cover future eligible charges", and for Unused
 *   "the total committed cost consumed for the given charge period minus related usage charges"; ContractedCost is
 *   the contracted (negotiated) unit price × quantity, excluding commitment discounts. Covered usage has BilledCost 0
 *   and EffectiveCost at the commitment rate [practitioner AWS FOCUS fixtures, e.g. `aws_focus()` test data:
 *   "SP-covered usage BilledCost=0.0, EffectiveCost=0.1286, ListCost=0.192"].
 * - Tags are JSON in KeyValueFormat; user-defined keys are not altered (one user scheme) or carry a provider prefix
 *   (several schemes); values are not altered (FOCUS spec `tags.md`). AWS folds cost categories into Tags in 1.2
 *   (migration page above); its CUR 2.0 `tags` column uses the prefixes `resourceTags/`, `accountTag/`,
 *   `costCategory/`, `userAttribute/` (https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2-tag-columns.html).
 *   The reader keeps Tags as written (JSON text in CSV, a map in Parquet); the engine matches the key.
 * - `ConsumedQuantity` "will contain the amount of usage you were charged for" (AWS conformance gaps,
 *   https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-focus-1-0-aws-conformance.html; the 1.2 page
 *   lists only nullable price/SKU/publisher columns): for hosting lines the billed instance-hours, as CUR's
 *   `line_item_usage_amount`.
 * - `InvoiceId` is new in FOCUS 1.2 "for invoice reconciliation" (migration page); like CUR's `bill_invoice_id` it
 *   is empty until the invoice is issued, so an in-scope row without one makes the month estimated.
 * - Marketplace Bedrock models: CUR product name "… (Amazon Bedrock Edition)" with a random product code
 *   (research/aws-billing-facts.md §7); in FOCUS that name is the `ServiceName` and the code `x_ServiceCode`
 *   [inferred; to check on a real export].
 * - Refunds: FOCUS has no Refund category; a refund is an `Adjustment` or a `Correction` of the refunded category
 *   [inferred from the spec's allowed values]; both become `refund` (a corrected Tax stays `tax`, a Credit `credit`).
 *
 * The same month as CUR 2.0 rows (for the lead's CUR/FOCUS agreement check; net columns present; amounts in USD):
 *
 * | # | line_item_line_item_type | line_item_product_code | resource (endpoint / profile) | hours | unblended | net_unblended | net amortized (sp_net_effective / unused) | tags |
 * |---|---|---|---|---|---|---|---|---|
 * | 1 | Usage | AmazonSageMaker | endpoint/retail-bot | 100 | 121.20 | 121.20 | 121.20 | user_line_of_business=retail |
 * | 2 | Usage | AmazonSageMaker | endpoint/claims-ner (EDP 10 %) | 30 | 50.00 | 45.00 | 45.00 | user_line_of_business=claims |
 * | 3 | SavingsPlanCoveredUsage | AmazonSageMaker | endpoint/shared-llm | 720 | 1094.40 | 1094.40 | 800.00 | — |
 * | 4 | SavingsPlanNegation | AmazonSageMaker | (none) | — | -1094.40 | -1094.40 | 0 | — |
 * | 5 | SavingsPlanRecurringFee | MachineLearningSavingsPlans | savingsplan/… | — | 900.00 | 900.00 | 100.00 (900 − 800 used) | — |
 * | 6 | Credit | AmazonBedrock | — | — | -25.00 | -25.00 | -25.00 | — |
 * | 7 | Refund | AmazonSageMaker | — | — | -10.00 | -10.00 | -10.00 | — |
 * | 8 | Tax | AmazonSageMaker | — | — | 30.00 | 30.00 | 30.00 | — |
 * | 9 | Usage (AWS Marketplace) | 8kzt3qr0c5lk2vz8xnd1exmpl, Claude Sonnet 4.5 (Amazon Bedrock Edition) | application-inference-profile/claimsprof | — | 42.50 | 42.50 | 42.50 | user_line_of_business=claims |
 * | 10 | Usage (AWS Marketplace) | same | (none) | — | 7.10 | 7.10 | 7.10 | — |
 * | 11 | Usage | AmazonBedrock | application-inference-profile/retailprof | — | 12.00 | 12.00 | 12.00 | user_line_of_business=retail |
 * | 12 | Usage | AmazonEC2 | i-0aaa | — | 60.00 | 60.00 | 60.00 | — |
 * | 13 | SavingsPlanCoveredUsage (+ negation) | AmazonEC2 | i-0bbb | — | 28.10 | 28.10 | 20.00 | — |
 *
 * In scope: net-amortized 1122.80 (usage 1027.80, commitment 100.00, credit −25, refund −10, tax 30);
 * net-unblended 1122.80 (usage 1322.20, commitment −194.40 = 900 − 1094.40, credit −25, refund −10, tax 30).
 * Excluded AmazonEC2: 2 lines, 80.00 net-amortized, 88.10 net-unblended.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "csv-stringify/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allocate } from "../../../../chargeback/engine/index.js";
import { monthWindow } from "../../../../chargeback/engine/month.js";
import type { CostLine, CostSourceResult } from "../../../../chargeback/model.js";
import { withDuckDb } from "../../../../chargeback/sources/duckdb.js";
import { readFocusFiles } from "../../../../chargeback/sources/focus-files.js";
import {
  focusLinesSql,
  focusResultFromRows,
  readFocusLines,
} from "../../../../chargeback/sources/focus-sql.js";
import type { SqlEngine, SqlRow } from "../../../../chargeback/sources/sql-engine.js";
import { ConfigError, DataSourceError, exitCodeOf } from "../../../../core/errors.js";
import { sum } from "../../../../core/money.js";
import { endpoint, POLICY } from "../../../unit/chargeback/helpers.js";

const OCT = monthWindow("2026-10");
const ACCT = "111122223333";
const EP = (name: string) => `arn:aws:sagemaker:us-east-1:${ACCT}:endpoint/${name}`;
const PROFILE = (id: string) => `arn:aws:bedrock:us-east-1:${ACCT}:application-inference-profile/${id}`;
const SP_ARN = `arn:aws:savingsplans::${ACCT}:savingsplan/5b4c1a2e-0000-4000-8000-000000000001`;
const CLAUDE = "Claude Sonnet 4.5 (Amazon Bedrock Edition)";
const CLAUDE_CODE = "8kzt3qr0c5lk2vz8xnd1exmpl";

/** The FOCUS 1.2 with AWS columns (AWS docs / CID `DefaultQuery`), in AWS's order. */
const COLUMNS = [
  "AvailabilityZone",
  "BilledCost",
  "BillingAccountId",
  "BillingAccountName",
  "BillingAccountType",
  "BillingCurrency",
  "BillingPeriodEnd",
  "BillingPeriodStart",
  "CapacityReservationId",
  "CapacityReservationStatus",
  "ChargeCategory",
  "ChargeClass",
  "ChargeDescription",
  "ChargeFrequency",
  "ChargePeriodEnd",
  "ChargePeriodStart",
  "CommitmentDiscountCategory",
  "CommitmentDiscountId",
  "CommitmentDiscountName",
  "CommitmentDiscountQuantity",
  "CommitmentDiscountType",
  "CommitmentDiscountUnit",
  "CommitmentDiscountStatus",
  "ConsumedQuantity",
  "ConsumedUnit",
  "ContractedCost",
  "ContractedUnitPrice",
  "EffectiveCost",
  "InvoiceId",
  "InvoiceIssuerName",
  "ListCost",
  "ListUnitPrice",
  "PricingCategory",
  "PricingCurrency",
  "PricingCurrencyContractedUnitPrice",
  "PricingCurrencyEffectiveCost",
  "PricingCurrencyListUnitPrice",
  "PricingQuantity",
  "PricingUnit",
  "ProviderName",
  "PublisherName",
  "RegionId",
  "RegionName",
  "ResourceId",
  "ResourceName",
  "ResourceType",
  "ServiceCategory",
  "ServiceName",
  "ServiceSubcategory",
  "SkuId",
  "SkuMeter",
  "SkuPriceId",
  "SkuPriceDetails",
  "SubAccountId",
  "SubAccountName",
  "SubAccountType",
  "Tags",
  "x_Discounts",
  "x_Operation",
  "x_ServiceCode",
] as const;
type Col = (typeof COLUMNS)[number];
type Row = Partial<Record<Col, string>>;

/** A FOCUS row with the columns every row of this month shares; `r` sets the rest. */
function row(r: Row): Row {
  return {
    BillingAccountId: ACCT,
    BillingAccountName: "acme-payer",
    BillingAccountType: "Billing Account",
    BillingCurrency: "USD",
    BillingPeriodStart: "2026-10-01T00:00:00.000Z",
    BillingPeriodEnd: "2026-11-01T00:00:00.000Z",
    ChargeFrequency: "Usage-Based",
    ChargePeriodStart: "2026-10-01T00:00:00.000Z",
    ChargePeriodEnd: "2026-11-01T00:00:00.000Z",
    InvoiceId: "EUINUS26-100001",
    ProviderName: "AWS",
    PublisherName: "AWS",
    InvoiceIssuerName: "AWS",
    RegionId: "us-east-1",
    RegionName: "US East (N. Virginia)",
    SubAccountId: ACCT,
    SubAccountName: "ml-prod",
    SubAccountType: "Account",
    Tags: "{}",
    x_Discounts: "{}",
    ...r,
  };
}

const sagemaker = {
  ServiceName: "Amazon SageMaker",
  ServiceCategory: "AI and Machine Learning",
  x_ServiceCode: "AmazonSageMaker",
};
const bedrock = {
  ServiceName: "Amazon Bedrock",
  ServiceCategory: "AI and Machine Learning",
  x_ServiceCode: "AmazonBedrock",
};
const claude = {
  ServiceName: CLAUDE,
  ServiceCategory: "AI and Machine Learning",
  x_ServiceCode: CLAUDE_CODE,
  PublisherName: "Anthropic",
  InvoiceIssuerName: "AWS Marketplace",
};
const costs = (list: string, contracted: string, billed: string, effective: string): Row => ({
  ListCost: list,
  ContractedCost: contracted,
  BilledCost: billed,
  EffectiveCost: effective,
});

/** The month of the comment table above, as FOCUS rows (numbers = CUR rows; 4 has no FOCUS row). */
const MONTH: Row[] = [
  // 1: dedicated endpoint, on demand.
  row({
    ...sagemaker,
    ...costs("121.20", "121.20", "121.20", "121.20"),
    ChargeCategory: "Usage",
    ChargeDescription: "$1.212 per On Demand Hosting ml.g5.2xlarge hour",
    ConsumedQuantity: "100",
    ConsumedUnit: "Hrs",
    PricingQuantity: "100",
    PricingUnit: "Hrs",
    ResourceId: EP("retail-bot"),
    SkuMeter: "USE1-Host:ml.g5.2xlarge",
    x_Operation: "RunInstance",
    Tags: '{"LineOfBusiness":"retail"}',
  }),
  // 2: dedicated endpoint with an EDP discount (BilledCost < ListCost).
  row({
    ...sagemaker,
    ...costs("50.00", "45.00", "45.00", "45.00"),
    ChargeCategory: "Usage",
    ConsumedQuantity: "30",
    ConsumedUnit: "Hrs",
    ResourceId: EP("claims-ner"),
    SkuMeter: "USE1-Host:ml.m5.xlarge",
    Tags: '{"LineOfBusiness":"claims","aws:createdBy":"AssumedRole:ml-deployer"}',
    x_Discounts: '{"EdpDiscount":-5.0}',
  }),
  // 3: shared endpoint hosting, covered by the SageMaker Savings Plan.
  row({
    ...sagemaker,
    ...costs("1094.40", "1094.40", "0", "800.00"),
    ChargeCategory: "Usage",
    CommitmentDiscountCategory: "Spend",
    CommitmentDiscountId: SP_ARN,
    CommitmentDiscountType: "Savings Plan",
    CommitmentDiscountStatus: "Used",
    ConsumedQuantity: "720",
    ConsumedUnit: "Hrs",
    PricingCategory: "Committed",
    ResourceId: EP("shared-llm"),
    SkuMeter: "USE1-Host:ml.g5.12xlarge",
  }),
  // 5a: the plan's unused commitment.
  row({
    ServiceName: "Machine Learning Savings Plans",
    x_ServiceCode: "MachineLearningSavingsPlans",
    ...costs("0", "0", "0", "100.00"),
    ChargeCategory: "Usage",
    CommitmentDiscountCategory: "Spend",
    CommitmentDiscountId: SP_ARN,
    CommitmentDiscountType: "Savings Plan",
    CommitmentDiscountStatus: "Unused",
    ResourceId: SP_ARN,
    SkuMeter: "SageMakerSP:1yrNoUpfront",
  }),
  // 5b: the plan's recurring fee (a Purchase: EffectiveCost 0).
  row({
    ServiceName: "Machine Learning Savings Plans",
    x_ServiceCode: "MachineLearningSavingsPlans",
    ...costs("900.00", "900.00", "900.00", "0"),
    ChargeCategory: "Purchase",
    ChargeFrequency: "Recurring",
    CommitmentDiscountId: SP_ARN,
    CommitmentDiscountType: "Savings Plan",
    ResourceId: SP_ARN,
    SkuMeter: "SageMakerSP:1yrNoUpfront",
  }),
  // 6: a Bedrock credit.
  row({
    ...bedrock,
    ...costs("0", "-25.00", "-25.00", "-25.00"),
    ChargeCategory: "Credit",
    ChargeDescription: "AWS Credits",
  }),
  // 7: a SageMaker refund (a correction of an invoiced period).
  row({
    ...sagemaker,
    ...costs("0", "-10.00", "-10.00", "-10.00"),
    ChargeCategory: "Usage",
    ChargeClass: "Correction",
    ChargeDescription: "Refund",
  }),
  // 8: tax on SageMaker.
  row({
    ...sagemaker,
    ...costs("0", "30.00", "30.00", "30.00"),
    ChargeCategory: "Tax",
    ChargeDescription: "Tax",
  }),
  // 9: Claude through AWS Marketplace, called through a LOB's application inference profile.
  row({
    ...claude,
    ...costs("42.50", "42.50", "42.50", "42.50"),
    ChargeCategory: "Usage",
    ConsumedQuantity: "14166.666",
    ConsumedUnit: "Units",
    ResourceId: PROFILE("claimsprof"),
    SkuMeter: "USE1-MP:USE1_InputTokenCount-Units",
    Tags: '{"LineOfBusiness":"claims"}',
  }),
  // 10: Claude, untagged (a plain model id).
  row({
    ...claude,
    ...costs("7.10", "7.10", "7.10", "7.10"),
    ChargeCategory: "Usage",
    ConsumedQuantity: "2366.666",
    ConsumedUnit: "Units",
    SkuMeter: "USE1-MP:USE1_OutputTokenCount-Units",
  }),
  // 11: a first-party Bedrock model through a tagged profile.
  row({
    ...bedrock,
    ...costs("12.00", "12.00", "12.00", "12.00"),
    ChargeCategory: "Usage",
    ConsumedQuantity: "15000",
    ConsumedUnit: "Units",
    ResourceId: PROFILE("retailprof"),
    SkuMeter: "USE1-NovaPro-input-tokens",
    Tags: '{"LineOfBusiness":"retail"}',
  }),
  // 12, 13: EC2, out of scope (13 covered by a Compute Savings Plan).
  row({
    ServiceName: "Amazon Elastic Compute Cloud",
    x_ServiceCode: "AmazonEC2",
    ...costs("60.00", "60.00", "60.00", "60.00"),
    ChargeCategory: "Usage",
    ConsumedQuantity: "312.5",
    ConsumedUnit: "Hrs",
    ResourceId: "i-0aaa",
    SkuMeter: "USE1-BoxUsage:m5.large",
    Tags: '{"LineOfBusiness":"retail"}',
  }),
  row({
    ServiceName: "Amazon Elastic Compute Cloud",
    x_ServiceCode: "AmazonEC2",
    ...costs("28.10", "28.10", "28.10", "20.00"),
    ChargeCategory: "Usage",
    CommitmentDiscountStatus: "Used",
    ConsumedQuantity: "146.35",
    ConsumedUnit: "Hrs",
    ResourceId: "i-0bbb",
    SkuMeter: "USE1-BoxUsage:m5.large",
    InvoiceId: "",
  }),
  // Outside the month: September's SageMaker hosting is not read at all.
  row({
    ...sagemaker,
    ...costs("99.00", "99.00", "99.00", "99.00"),
    ChargeCategory: "Usage",
    ChargePeriodStart: "2026-09-30T23:00:00.000Z",
    ChargePeriodEnd: "2026-10-01T00:00:00.000Z",
    ConsumedQuantity: "1",
    ConsumedUnit: "Hrs",
    ResourceId: EP("retail-bot"),
    SkuMeter: "USE1-Host:ml.g5.2xlarge",
  }),
];

let dir: string;
const file = (name: string) => path.join(dir, name);

/** Writes FOCUS rows as AWS writes a CSV export (header, every column; `drop` leaves columns out). */
function writeCsv(name: string, rows: readonly Row[], drop: readonly Col[] = []): string {
  const cols = COLUMNS.filter((c) => !drop.includes(c));
  writeFileSync(
    file(name),
    stringify(
      rows.map((r) => cols.map((c) => r[c] ?? "")),
      { header: true, columns: cols as unknown as string[] },
    ),
  );
  return file(name);
}

const money = (d: { toFixed(n: number): string }) => d.toFixed(2);
/** Lines as comparable records (exact decimals as fixed text). */
const view = (l: CostLine) => ({
  service: l.service,
  category: l.category,
  lineItemType: l.lineItemType,
  productCode: l.productCode,
  productName: l.productName,
  usageType: l.usageType,
  resourceId: l.resourceId,
  usageAmount: l.usageAmount.toString(),
  cost: money(l.cost),
  tags: l.tags,
  unit: l.unit,
  usageStart: l.usageStart.toISOString(),
});
const sorted = (r: CostSourceResult) =>
  r.lines.map(view).sort((a, b) => {
    const ka = `${a.category}|${a.productCode}|${a.usageType}|${a.resourceId}|${a.cost}`;
    const kb = `${b.category}|${b.productCode}|${b.usageType}|${b.resourceId}|${b.cost}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
const byCategory = (r: CostSourceResult) => {
  const out: Record<string, string> = {};
  for (const cat of ["usage", "commitment", "discount", "credit", "refund", "tax"])
    out[cat] = money(sum(r.lines.filter((l) => l.category === cat).map((l) => l.cost)));
  return out;
};
const total = (r: CostSourceResult) => money(sum(r.lines.map((l) => l.cost)));
const START = "2026-10-01T00:00:00.000Z";

/** Expected in-scope lines shared by both bases (everything but the commitment-related lines). */
const common = (retailHostCost = "121.20") => [
  {
    service: "AmazonSageMaker",
    category: "usage",
    lineItemType: "Usage",
    productCode: "AmazonSageMaker",
    productName: undefined,
    usageType: "USE1-Host:ml.g5.2xlarge",
    resourceId: EP("retail-bot"),
    usageAmount: "100",
    cost: retailHostCost,
    tags: { LineOfBusiness: "retail" },
    unit: "Hrs",
    usageStart: START,
  },
  {
    service: "AmazonSageMaker",
    category: "usage",
    lineItemType: "Usage",
    productCode: "AmazonSageMaker",
    productName: undefined,
    usageType: "USE1-Host:ml.m5.xlarge",
    resourceId: EP("claims-ner"),
    usageAmount: "30",
    cost: "45.00",
    tags: { LineOfBusiness: "claims", "aws:createdBy": "AssumedRole:ml-deployer" },
    unit: "Hrs",
    usageStart: START,
  },
];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "smcb-focus-"));
  writeCsv("month.csv", MONTH);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("readFocusFiles, net-amortized (EffectiveCost)", () => {
  it("gives each in-scope row its category and EffectiveCost, Marketplace models as Bedrock, the rest excluded", async () => {
    const r = await readFocusFiles({
      files: [file("month.csv")],
      format: "csv",
      window: OCT,
      basis: "net-amortized",
    });
    expect(r.basis).toBe("net-amortized");
    expect(r.currency).toBe("USD");
    // Row 13 has an empty InvoiceId, but it is excluded: the in-scope month is final.
    expect(r.estimated).toBe(false);
    expect(r.warnings).toBeUndefined();
    expect(r.provenance).toEqual({ kind: "files", location: file("month.csv"), files: 1 });
    expect(byCategory(r)).toEqual({
      usage: "1027.80",
      commitment: "100.00",
      discount: "0.00",
      credit: "-25.00",
      refund: "-10.00",
      tax: "30.00",
    });
    expect(total(r)).toBe("1122.80");
    const lines = sorted(r);
    expect(lines.filter((l) => l.category === "usage" && l.service === "AmazonSageMaker")).toEqual([
      {
        service: "AmazonSageMaker",
        category: "usage",
        lineItemType: "Usage",
        productCode: "AmazonSageMaker",
        productName: undefined,
        usageType: "USE1-Host:ml.g5.12xlarge",
        resourceId: EP("shared-llm"),
        usageAmount: "720",
        cost: "800.00",
        tags: {},
        unit: "Hrs",
        usageStart: START,
      },
      ...common(),
    ]);
    // The unused commitment, and the Purchase at EffectiveCost 0, both under MachineLearningSavingsPlans → SageMaker.
    expect(
      lines
        .filter((l) => l.category === "commitment")
        .map((l) => [l.service, l.productCode, l.lineItemType, l.cost]),
    ).toEqual([
      ["AmazonSageMaker", "MachineLearningSavingsPlans", "Purchase", "0.00"],
      ["AmazonSageMaker", "MachineLearningSavingsPlans", "Usage", "100.00"],
    ]);
    expect(lines.filter((l) => l.service === "AmazonBedrock" && l.category === "usage")).toEqual([
      {
        service: "AmazonBedrock",
        category: "usage",
        lineItemType: "Usage",
        productCode: CLAUDE_CODE,
        productName: CLAUDE,
        usageType: "USE1-MP:USE1_InputTokenCount-Units",
        resourceId: PROFILE("claimsprof"),
        usageAmount: "14166.666",
        cost: "42.50",
        tags: { LineOfBusiness: "claims" },
        unit: "Units",
        usageStart: START,
      },
      {
        service: "AmazonBedrock",
        category: "usage",
        lineItemType: "Usage",
        productCode: CLAUDE_CODE,
        productName: CLAUDE,
        usageType: "USE1-MP:USE1_OutputTokenCount-Units",
        resourceId: null,
        usageAmount: "2366.666",
        cost: "7.10",
        tags: {},
        unit: "Units",
        usageStart: START,
      },
      {
        service: "AmazonBedrock",
        category: "usage",
        lineItemType: "Usage",
        productCode: "AmazonBedrock",
        productName: undefined,
        usageType: "USE1-NovaPro-input-tokens",
        resourceId: PROFILE("retailprof"),
        usageAmount: "15000",
        cost: "12.00",
        tags: { LineOfBusiness: "retail" },
        unit: "Units",
        usageStart: START,
      },
    ]);
    expect(
      lines
        .filter((l) => ["credit", "refund", "tax"].includes(l.category))
        .map((l) => [l.category, l.service, l.lineItemType, l.cost]),
    ).toEqual([
      ["credit", "AmazonBedrock", "Credit", "-25.00"],
      ["refund", "AmazonSageMaker", "Usage", "-10.00"],
      ["tax", "AmazonSageMaker", "Tax", "30.00"],
    ]);
    // Excluded at the basis: 60.00 + 20.00; the September row is in neither list.
    expect(r.excluded.map((e) => ({ ...e, cost: money(e.cost) }))).toEqual([
      { service: "Amazon Elastic Compute Cloud", lines: 2, cost: "80.00" },
    ]);
  });
});

describe("readFocusFiles, an hourly export (TIME_GRANULARITY HOURLY)", () => {
  // AWS, "FOCUS 1.2 with AWS columns" (https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-focus-1-2-aws.html):
  // table configuration TIME_GRANULARITY HOURLY | DAILY | MONTHLY, "selecting HOURLY will make all line items
  // represent a single hour of usage". FOCUS spec `specification/columns/chargeperiodstart.md`: ChargePeriodStart is
  // the inclusive start of the charge period (here the hour), ChargePeriodEnd its exclusive end.
  const hour = (h: number, resource: string, cost: string): Row =>
    row({
      ...sagemaker,
      ...costs(cost, cost, cost, cost),
      ChargeCategory: "Usage",
      ChargePeriodStart: `2026-10-05T${String(h).padStart(2, "0")}:00:00.000Z`,
      ChargePeriodEnd: `2026-10-05T${String(h + 1).padStart(2, "0")}:00:00.000Z`,
      ConsumedQuantity: "1",
      ConsumedUnit: "Hrs",
      ResourceId: EP(resource),
      SkuMeter: "USE1-Host:ml.g5.12xlarge",
    });
  const rows = [
    hour(8, "shared-llm", "7.09"),
    hour(9, "shared-llm", "7.09"),
    hour(2, "shared-llm", "7.09"),
  ].concat([hour(8, "retail-bot", "1.21"), hour(9, "retail-bot", "1.21")]);

  it("keeps the hour of each line of an hourly endpoint (as the CUR reader does); the others are summed for the month", async () => {
    writeCsv("hourly.csv", rows);
    const o = {
      files: [file("hourly.csv")],
      format: "csv" as const,
      window: OCT,
      basis: "net-amortized" as const,
    };
    const hourly = await readFocusFiles({ ...o, hourlyEndpoints: ["shared-llm"] });
    const at = (r: CostSourceResult, name: string) =>
      r.lines
        .filter((l) => l.resourceId === EP(name))
        .map((l) => [l.usageStart.toISOString(), l.usageAmount.toString(), money(l.cost)])
        .sort();
    expect(at(hourly, "shared-llm")).toEqual([
      ["2026-10-05T02:00:00.000Z", "1", "7.09"],
      ["2026-10-05T08:00:00.000Z", "1", "7.09"],
      ["2026-10-05T09:00:00.000Z", "1", "7.09"],
    ]);
    // not hourly: one line, at the earliest start
    expect(at(hourly, "retail-bot")).toEqual([["2026-10-05T08:00:00.000Z", "2", "2.42"]]);
    // without hourly endpoints the month's query is unchanged: one line per endpoint
    const monthly = await readFocusFiles(o);
    expect(at(monthly, "shared-llm")).toEqual([["2026-10-05T02:00:00.000Z", "3", "21.27"]]);
    expect(total(hourly)).toBe(total(monthly));
    // so the engine sees hourly lines and runs hour by hour on FOCUS too
    const mode = (r: CostSourceResult) =>
      allocate({
        month: "2026-10",
        policy: POLICY,
        sharedEndpoints: [endpoint({ mode: "hourly-spread" })],
        costs: r.lines,
        usage: [],
      }).sharedEndpoints[0]?.mode;
    expect(mode(hourly)).toBe("hourly");
  });
});

describe("readFocusFiles, net-unblended (BilledCost)", () => {
  it("counts a covered row as CUR does: usage at ContractedCost and a negation-like commitment line, plus the fee", async () => {
    const r = await readFocusFiles({
      files: [file("month.csv")],
      format: "csv",
      window: OCT,
      basis: "net-unblended",
    });
    expect(r.basis).toBe("net-unblended");
    expect(byCategory(r)).toEqual({
      usage: "1322.20",
      commitment: "-194.40",
      discount: "0.00",
      credit: "-25.00",
      refund: "-10.00",
      tax: "30.00",
    });
    // The same invoice total as net-amortized: the bases differ in where commitment cost lands, not in the sum.
    expect(total(r)).toBe("1122.80");
    const lines = sorted(r);
    expect(lines.filter((l) => l.category === "usage" && l.service === "AmazonSageMaker")).toEqual([
      {
        service: "AmazonSageMaker",
        category: "usage",
        lineItemType: "Usage",
        productCode: "AmazonSageMaker",
        productName: undefined,
        usageType: "USE1-Host:ml.g5.12xlarge",
        resourceId: EP("shared-llm"),
        usageAmount: "720",
        cost: "1094.40",
        tags: {},
        unit: "Hrs",
        usageStart: START,
      },
      ...common(),
    ]);
    // CUR: SavingsPlanNegation −1094.40 (no resource, no hours) and SavingsPlanRecurringFee 900.00; the unused row
    // has BilledCost 0.
    expect(lines.filter((l) => l.category === "commitment")).toEqual([
      {
        service: "AmazonSageMaker",
        category: "commitment",
        lineItemType: "Usage",
        productCode: "AmazonSageMaker",
        productName: undefined,
        usageType: "USE1-Host:ml.g5.12xlarge",
        resourceId: null,
        usageAmount: "0",
        cost: "-1094.40",
        tags: {},
        unit: "Hrs",
        usageStart: START,
      },
      expect.objectContaining({
        productCode: "MachineLearningSavingsPlans",
        lineItemType: "Usage",
        cost: "0.00",
      }),
      expect.objectContaining({
        productCode: "MachineLearningSavingsPlans",
        lineItemType: "Purchase",
        cost: "900.00",
      }),
    ]);
    // Hosting hours are counted once (the negation-like line carries none).
    expect(
      money(sum(r.lines.filter((l) => l.resourceId === EP("shared-llm")).map((l) => l.usageAmount))),
    ).toBe("720.00");
    expect(r.excluded.map((e) => ({ ...e, cost: money(e.cost) }))).toEqual([
      { service: "Amazon Elastic Compute Cloud", lines: 2, cost: "88.10" },
    ]);
  });
});

describe("readFocusFiles, formats", () => {
  it("reads gzip CSV and Parquet (Tags as a MAP, costs as DOUBLE, timestamps) to the same lines as CSV", async () => {
    const csv = await readFocusFiles({
      files: [file("month.csv")],
      format: "csv",
      window: OCT,
      basis: "net-amortized",
    });
    writeCsv("gz.csv", MONTH);
    execFileSync("gzip", ["-f", file("gz.csv")]);
    const gz = await readFocusFiles({
      files: [file("gz.csv.gz")],
      format: "csv",
      window: OCT,
      basis: "net-amortized",
    });
    expect(sorted(gz)).toEqual(sorted(csv));

    const parquet = file("month.parquet");
    await withDuckDb("writing the Parquet fixture", async (c) => {
      const numeric = ["BilledCost", "EffectiveCost", "ListCost", "ContractedCost", "ConsumedQuantity"];
      const select = COLUMNS.map((col) => {
        if (col === "Tags") return "CAST(json(NULLIF(Tags, '')) AS MAP(VARCHAR, VARCHAR)) AS Tags";
        if (col === "x_Discounts")
          return "CAST(json(NULLIF(x_Discounts, '')) AS MAP(VARCHAR, DOUBLE)) AS x_Discounts";
        if (numeric.includes(col)) return `CAST(NULLIF(${col}, '') AS DOUBLE) AS ${col}`;
        if (col.endsWith("Start") || col.endsWith("End"))
          return `CAST(CAST(NULLIF(${col}, '') AS TIMESTAMPTZ) AS TIMESTAMP) AS ${col}`;
        return `NULLIF(${col}, '') AS ${col}`;
      }).join(", ");
      await c.run(
        `COPY (SELECT ${select} FROM read_csv('${file("month.csv")}', all_varchar = true, header = true)) TO '${parquet}' (FORMAT parquet)`,
      );
      const types = (
        await c.runAndReadAll(`DESCRIBE SELECT Tags, BilledCost FROM read_parquet('${parquet}')`)
      ).getRowObjectsJson();
      expect(types.map((t) => t.column_type)).toEqual(["MAP(VARCHAR, VARCHAR)", "DOUBLE"]);
    });
    const pq = await readFocusFiles({
      files: [parquet],
      format: "parquet",
      window: OCT,
      basis: "net-amortized",
    });
    expect(sorted(pq)).toEqual(sorted(csv));
    expect(pq.excluded.map((e) => money(e.cost))).toEqual(["80.00"]);
    const pqU = await readFocusFiles({
      files: [parquet],
      format: "parquet",
      window: OCT,
      basis: "net-unblended",
    });
    expect(total(pqU)).toBe("1122.80");
    expect(byCategory(pqU).commitment).toBe("-194.40");
  });

  it("expands globs, reads several files once each, and reads x_UsageType in a file without SkuMeter", async () => {
    const sage = MONTH.slice(0, 2);
    writeCsv("part-1.csv", sage);
    // A FOCUS 1.0-style file: no SkuMeter, the usage type in x_UsageType (not a FOCUS 1.2 column, so written by hand).
    const cols = COLUMNS.filter((c) => c !== "SkuMeter");
    writeFileSync(
      file("part-2.csv"),
      stringify([[...cols.map((c) => (MONTH[8] as Row)[c] ?? ""), "USE1-MP:USE1_InputTokenCount-Units"]], {
        header: true,
        columns: [...cols, "x_UsageType"],
      }),
    );
    const r = await readFocusFiles({
      files: [path.join(dir, "part-*.csv"), file("part-1.csv")],
      format: "csv",
      window: OCT,
      basis: "net-amortized",
    });
    expect(r.provenance?.files).toBe(2);
    expect(total(r)).toBe("208.70"); // 121.20 + 45.00 + 42.50, part-1 read once
    expect(r.lines.find((l) => l.productCode === CLAUDE_CODE)?.usageType).toBe(
      "USE1-MP:USE1_InputTokenCount-Units",
    );
    expect(r.lines.find((l) => l.resourceId === EP("retail-bot"))?.usageType).toBe("USE1-Host:ml.g5.2xlarge");
  });
});

describe("readFocusFiles, refused and bad input", () => {
  it.each([
    ["amortized", "non-net amortized"],
    ["unblended", "non-net unblended"],
  ] as const)(
    "refuses costs.basis %s with exit 2, naming what FOCUS lacks, before reading",
    async (basis, wanted) => {
      const err = await readFocusFiles({
        files: ["/nonexistent/*.csv"],
        format: "csv",
        window: OCT,
        basis,
      }).catch((e) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect(exitCodeOf(err)).toBe(2);
      expect(err.message).toBe(
        `costs.basis "${basis}" needs ${wanted} costs; FOCUS 1.2 has EffectiveCost (net amortized) and BilledCost (net unblended).`,
      );
      expect(err.hint).toMatch(/net-amortized/);
    },
  );

  it("checks columns per file: a column only one file has is still missing from the other (exit 3, file and columns named)", async () => {
    const good = writeCsv("good.csv", MONTH.slice(0, 1));
    const bad = writeCsv("bad.csv", MONTH.slice(1, 2), ["EffectiveCost", "Tags", "SkuMeter"]);
    const err = await readFocusFiles({
      files: [good, bad],
      format: "csv",
      window: OCT,
      basis: "net-amortized",
    }).catch((e) => e);
    expect(err).toBeInstanceOf(DataSourceError);
    expect(exitCodeOf(err)).toBe(3);
    expect(err.message).toContain(`${bad}: Tags, EffectiveCost, SkuMeter or x_UsageType`);
    expect(err.message).not.toContain(`${good}:`);
    // net-unblended needs BilledCost and ContractedCost, not EffectiveCost.
    const noContracted = writeCsv("no-contracted.csv", MONTH.slice(0, 1), [
      "ContractedCost",
      "EffectiveCost",
    ]);
    const e2 = await readFocusFiles({
      files: [noContracted],
      format: "csv",
      window: OCT,
      basis: "net-unblended",
    }).catch((e) => e);
    expect(e2.message).toContain(`${noContracted}: ContractedCost`);
    expect(e2.message).not.toContain("EffectiveCost");
    const ok = await readFocusFiles({
      files: [noContracted],
      format: "csv",
      window: OCT,
      basis: "net-amortized",
    }).catch((e) => e);
    expect(ok).toBeInstanceOf(DataSourceError); // EffectiveCost is missing for net-amortized
    expect(ok.message).toContain(`${noContracted}: EffectiveCost`);
  });

  it("refuses a pattern that matches no file, and an empty list (exit 3)", async () => {
    const err = await readFocusFiles({
      files: [path.join(dir, "none-*.csv")],
      format: "csv",
      window: OCT,
      basis: "net-amortized",
    }).catch((e) => e);
    expect(err).toBeInstanceOf(DataSourceError);
    expect(err.message).toContain(`No FOCUS file matches ${path.join(dir, "none-*.csv")}`);
    const none = await readFocusFiles({
      files: [],
      format: "csv",
      window: OCT,
      basis: "net-amortized",
    }).catch((e) => e);
    expect(none).toBeInstanceOf(DataSourceError);
    expect(none.message).toBe("No FOCUS file given.");
  });

  it("refuses mixed currencies, also when only an excluded row differs (exit 3), and a non-ISO currency", async () => {
    const mixed = writeCsv("mixed.csv", [MONTH[0] as Row, { ...(MONTH[11] as Row), BillingCurrency: "EUR" }]);
    const err = await readFocusFiles({
      files: [mixed],
      format: "csv",
      window: OCT,
      basis: "net-amortized",
    }).catch((e) => e);
    expect(err).toBeInstanceOf(DataSourceError);
    expect(exitCodeOf(err)).toBe(3);
    expect(err.message).toContain("mix currencies (EUR, USD)");
    const bad = writeCsv("bad-currency.csv", [{ ...(MONTH[0] as Row), BillingCurrency: "US$" }]);
    const e2 = await readFocusFiles({
      files: [bad],
      format: "csv",
      window: OCT,
      basis: "net-amortized",
    }).catch((e) => e);
    expect(e2.message).toContain('BillingCurrency "US$" is not an ISO 4217 code');
    const inr = writeCsv("inr.csv", [{ ...(MONTH[0] as Row), BillingCurrency: "INR" }]);
    expect(
      (await readFocusFiles({ files: [inr], format: "csv", window: OCT, basis: "net-amortized" })).currency,
    ).toBe("INR");
  });

  it("is estimated while an in-scope row has an empty InvoiceId, or when the caller says the month is open", async () => {
    const open = writeCsv("open.csv", [MONTH[0] as Row, { ...(MONTH[8] as Row), InvoiceId: "" }]);
    const r = await readFocusFiles({ files: [open], format: "csv", window: OCT, basis: "net-unblended" });
    expect(r.estimated).toBe(true);
    expect(r.warnings).toEqual([
      "1 in-scope FOCUS row(s) have an empty InvoiceId: the month is not invoiced yet, figures are estimated.",
    ]);
    const closed = writeCsv("closed.csv", [MONTH[0] as Row]);
    expect(
      (await readFocusFiles({ files: [closed], format: "csv", window: OCT, basis: "net-amortized" }))
        .estimated,
    ).toBe(false);
    expect(
      (
        await readFocusFiles({
          files: [closed],
          format: "csv",
          window: OCT,
          basis: "net-amortized",
          estimated: true,
        })
      ).estimated,
    ).toBe(true);
  });

  it("refuses Tags that are not a JSON object (exit 3)", async () => {
    const f = writeCsv("bad-tags.csv", [{ ...(MONTH[0] as Row), Tags: "LineOfBusiness=retail" }]);
    const err = await readFocusFiles({
      files: [f],
      format: "csv",
      window: OCT,
      basis: "net-amortized",
    }).catch((e) => e);
    expect(err).toBeInstanceOf(DataSourceError);
    expect(err.message).toContain("FOCUS Tags is not a JSON object: LineOfBusiness=retail");
  });
});

describe("focusLinesSql", () => {
  it("is one text for Athena: Tags through json_format, costs cast to DECIMAL(38, 18), the month as TIMESTAMP literals", () => {
    const sql = focusLinesSql({ from: '"billing"."focus"', window: OCT, basis: "net-amortized" });
    expect(sql).toContain("json_format(CAST(Tags AS JSON)) AS tags");
    expect(sql).toContain("CAST(EffectiveCost AS DECIMAL(38, 18)) AS cost");
    expect(sql).toContain("ChargePeriodStart >= TIMESTAMP '2026-10-01 00:00:00'");
    expect(sql).toContain("ChargePeriodStart < TIMESTAMP '2026-11-01 00:00:00'");
    expect(sql).not.toContain("ContractedCost");
    const unblended = focusLinesSql({ from: '"billing"."focus"', window: OCT, basis: "net-unblended" });
    expect(unblended).toContain("CAST(BilledCost AS DECIMAL(38, 18)) AS cost");
    expect(unblended).toContain("CAST(ContractedCost AS DECIMAL(38, 18)) AS contracted");
    expect(unblended).toContain("UNION ALL");
  });

  it("maps rows the way the Athena adapter returns them (text, timestamps with milliseconds)", () => {
    const r = focusResultFromRows([
      {
        service: "AmazonBedrock",
        excluded_service: null,
        category: "usage",
        line_item_type: "Usage",
        product_code: CLAUDE_CODE,
        product_name: CLAUDE,
        usage_type: "USE1-MP:USE1_InputTokenCount-Units",
        resource_id: "",
        tags: '{"LineOfBusiness":"claims","flag":true}',
        unit: "Units",
        currency: "USD",
        usage_start: "2026-10-03 05:00:00.000",
        usage_amount: "10.500000000000000000",
        cost: "0.123456789012345678",
        line_count: "3",
        open_lines: "0",
      },
      {
        service: null,
        excluded_service: "Amazon Simple Storage Service",
        category: null,
        line_item_type: null,
        product_code: null,
        product_name: null,
        usage_type: null,
        resource_id: null,
        tags: null,
        unit: null,
        currency: "USD",
        usage_start: "2026-10-01 00:00:00.000",
        usage_amount: "0",
        cost: "4.10",
        line_count: "7",
        open_lines: "7",
      },
    ]);
    expect(r.lines).toHaveLength(1);
    const l = r.lines[0] as CostLine;
    expect(l.usageStart.toISOString()).toBe("2026-10-03T05:00:00.000Z");
    expect(l.cost.toString()).toBe("0.123456789012345678");
    expect(l.resourceId).toBeNull();
    expect(l.tags).toEqual({ LineOfBusiness: "claims", flag: "true" });
    expect(r.excluded.map((e) => [e.service, e.lines, e.cost.toString()])).toEqual([
      ["Amazon Simple Storage Service", 7, "4.1"],
    ]);
    // Open invoices of excluded rows do not make the in-scope month estimated.
    expect(r.openLines).toBe(0);
    expect(r.rowsRead).toBe(10);
  });

  it("runs through any SqlEngine in its dialect: an Athena engine gets Athena SQL, an open invoice makes it estimated", async () => {
    const asked: string[] = [];
    const athena: SqlEngine = {
      dialect: "athena",
      async query(sql) {
        asked.push(sql);
        const rows: SqlRow[] = [
          {
            service: "AmazonSageMaker",
            excluded_service: null,
            category: "usage",
            line_item_type: "Usage",
            product_code: "AmazonSageMaker",
            product_name: null,
            usage_type: "USE1-Host:ml.g5.2xlarge",
            resource_id: EP("retail-bot"),
            tags: '{"LineOfBusiness":"retail"}',
            unit: "Hrs",
            currency: "USD",
            usage_start: "2026-10-01 00:00:00.000",
            usage_amount: "100.000000000000000000",
            cost: "121.200000000000000000",
            line_count: "100",
            open_lines: "2",
          },
        ];
        return rows;
      },
    };
    const r = await readFocusLines(athena, {
      from: '"billing"."focus"',
      window: OCT,
      basis: "net-amortized",
    });
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain("json_format(CAST(Tags AS JSON))");
    expect(asked[0]).toContain('FROM "billing"."focus"');
    expect(r.estimated).toBe(true);
    expect(r.warnings?.[0]).toMatch(/^2 in-scope FOCUS row\(s\) have an empty InvoiceId/);
    expect(r.lines.map((l) => [l.resourceId, money(l.cost), l.usageAmount.toString()])).toEqual([
      [EP("retail-bot"), "121.20", "100"],
    ]);
    expect(r.provenance).toBeUndefined();
  });
});
