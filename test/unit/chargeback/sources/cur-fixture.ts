/**
 * A small CUR 2.0 month written by the tests, one row per case, each row carrying its own hand-computed cost at
 * every basis (docs/contracts.md#cost-input-the-real-bill's table). Facts and where they come from:
 * - column names: CUR 2.0 table dictionary (https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2.html)
 *   and CID `cid/helpers/cur_proxy.py` `cur1to2_mapping` (e.g. `reservation_reservation_a_r_n`, `product` map);
 * - amortized cost per line type: CID `cid/builtin/core/data/queries/cid/summary_view.sql` "amortized_cost"
 *   (aws-solutions-library-samples/cloud-intelligence-dashboards-framework);
 * - net amortized: CID `dashboards/scad-containers-cost-allocation/scad-containers-cost-allocation.yaml` (net twins;
 *   CUR 2.0 has no net used commitment, so a `SavingsPlanRecurringFee`'s unused commitment is scaled by the fee's net
 *   over gross, which keeps a no-upfront plan's net amortized month equal to its net unblended month);
 * - net columns exist "only when your account has a discount" (table-dictionary-cur2-savings-plan.html);
 * - the SageMaker Savings Plan fee is billed under `MachineLearningSavingsPlans` (CID `kpi_instance_all_view.sql`);
 * - a `SavingsPlanNegation` line is aggregated per plan, operation, usage type and AZ: no resource
 *   (legacy CUR guide `cur-sp.md`, awsdocs/aws-cur-user-guide);
 * - Marketplace Bedrock models: `bill_billing_entity = 'AWS Marketplace'`, a random product code and a product name
 *   ending in "(Amazon Bedrock Edition)" (research notes §7; CUDOS uses the billing entity);
 * - in CSV exports the maps (`product`, `resource_tags`, `tags`) are JSON object text (research notes §5,
 *   opencost PR #4036 — practitioner evidence);
 * - the `tags` column keys carry prefixes such as `resourceTags/` with the original key case
 *   (https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2-tag-columns.html);
 * - an empty `bill_invoice_id` means not final ("Until the report is final, the InvoiceId is blank").
 */
import { stringify } from "csv-stringify/sync";
import type { CostBasis } from "../../../../chargeback/model.js";

/** Per-basis cost of a row, hand-computed: [unblended, amortized, net-unblended, net-amortized]. */
export type PerBasis = readonly [string, string, string, string];

/** One test row: CUR columns (text) and its expected cost at each basis. */
export interface CurCase {
  readonly name: string;
  readonly cols: Readonly<Record<string, string>>;
  /** With net columns in the file. */
  readonly expect: PerBasis;
  /** Without net columns (net = non-net, discounts count their unblended cost). */
  readonly expectNoNet: PerBasis;
  /** In scope (else excluded); false for rows outside the month too. */
  readonly inScope: boolean;
  /** Outside October 2026. */
  readonly outOfMonth?: boolean;
}

export const BASES: readonly CostBasis[] = ["unblended", "amortized", "net-unblended", "net-amortized"];
export const basisIndex = (b: CostBasis) => BASES.indexOf(b);

const ACCT = "111122223333";
const SHARED = `arn:aws:sagemaker:us-east-1:${ACCT}:endpoint/shared-llm`;
const TRAIN = `arn:aws:sagemaker:us-east-1:${ACCT}:training-job/recs`;
const PROFILE = `arn:aws:bedrock:us-east-1:${ACCT}:application-inference-profile/abc123`;
const SP_ARN = `arn:aws:savingsplans::${ACCT}:savingsplan/sp-1`;
const RI_ARN = `arn:aws:ec2:us-east-1:${ACCT}:reserved-instances/ri-1`;
/** A Marketplace product code is a random-looking id (research notes §7). */
export const CLAUDE_CODE = "4x5ab0c9l1hzqt8yrnwbnqk8f";
export const CLAUDE_NAME = "Claude Sonnet 4.5 (Amazon Bedrock Edition)";
const tags = (o: Record<string, string>) => JSON.stringify(o);
const product = (name: string) => JSON.stringify({ product_name: name, region: "us-east-1" });

/** The columns of the test export, in order (a subset of CUR 2.0's ~110, enough for every rule). */
export const CUR_COLUMNS = [
  "bill_billing_entity",
  "bill_invoice_id",
  "line_item_usage_start_date",
  "line_item_line_item_type",
  "line_item_product_code",
  "line_item_usage_type",
  "line_item_resource_id",
  "line_item_usage_amount",
  "line_item_currency_code",
  "line_item_unblended_cost",
  "line_item_net_unblended_cost",
  "pricing_unit",
  "product",
  "resource_tags",
  "savings_plan_savings_plan_a_r_n",
  "savings_plan_savings_plan_effective_cost",
  "savings_plan_net_savings_plan_effective_cost",
  "savings_plan_total_commitment_to_date",
  "savings_plan_used_commitment",
  "reservation_reservation_a_r_n",
  "reservation_effective_cost",
  "reservation_net_effective_cost",
  "reservation_unused_amortized_upfront_fee_for_billing_period",
  "reservation_net_unused_amortized_upfront_fee_for_billing_period",
  "reservation_unused_recurring_fee",
  "reservation_net_unused_recurring_fee",
] as const;

/** The net columns (present only with a discount). */
export const NET_COLUMNS = CUR_COLUMNS.filter((c) => c.includes("_net_"));

const base = {
  bill_billing_entity: "AWS",
  bill_invoice_id: "EUINUS26-000001",
  line_item_usage_start_date: "2026-10-05T00:00:00Z",
  line_item_currency_code: "USD",
  pricing_unit: "Hrs",
  product: product("Amazon SageMaker"),
  resource_tags: "{}",
};

/**
 * The month (EDP 10 % on AWS services, hence the net columns). Savings Plan: $120 commitment, $100 used by the
 * shared endpoint's covered hours (on-demand $150), $20 unused. Net amortized total of the plan is 90 + 20 = 110
 * (net covered usage + the non-net unused commitment), net unblended 135 − 135 + 108 = 108.
 */
export const CASES: readonly CurCase[] = [
  {
    name: "SP covered usage (shared endpoint, tagged)",
    cols: {
      ...base,
      line_item_line_item_type: "SavingsPlanCoveredUsage",
      line_item_product_code: "AmazonSageMaker",
      line_item_usage_type: "USE1-Host:ml.g5.2xlarge",
      line_item_resource_id: SHARED,
      line_item_usage_amount: "100",
      line_item_unblended_cost: "150.00",
      line_item_net_unblended_cost: "135.00",
      resource_tags: tags({ user_line_of_business: "platform", user_shared_endpoint: "shared-llm" }),
      savings_plan_savings_plan_a_r_n: SP_ARN,
      savings_plan_savings_plan_effective_cost: "100.00",
      savings_plan_net_savings_plan_effective_cost: "90.00",
    },
    expect: ["150.00", "100.00", "135.00", "90.00"],
    expectNoNet: ["150.00", "100.00", "150.00", "100.00"],
    inScope: true,
  },
  {
    name: "SP negation (no resource)",
    cols: {
      ...base,
      line_item_line_item_type: "SavingsPlanNegation",
      line_item_product_code: "AmazonSageMaker",
      line_item_usage_type: "USE1-Host:ml.g5.2xlarge",
      line_item_resource_id: "",
      line_item_usage_amount: "100",
      line_item_unblended_cost: "-150.00",
      line_item_net_unblended_cost: "-135.00",
      savings_plan_savings_plan_a_r_n: SP_ARN,
    },
    expect: ["-150.00", "0", "-135.00", "0"],
    expectNoNet: ["-150.00", "0", "-150.00", "0"],
    inScope: true,
  },
  {
    name: "SP recurring fee with $20 unused (MachineLearningSavingsPlans)",
    cols: {
      ...base,
      line_item_line_item_type: "SavingsPlanRecurringFee",
      line_item_product_code: "MachineLearningSavingsPlans",
      line_item_usage_type: "SageMakerSP:1yrNoUpfront",
      line_item_resource_id: SP_ARN,
      line_item_usage_amount: "720",
      line_item_unblended_cost: "120.00",
      line_item_net_unblended_cost: "108.00",
      product: product("SageMaker Savings Plans"),
      savings_plan_savings_plan_a_r_n: SP_ARN,
      savings_plan_total_commitment_to_date: "120.00",
      savings_plan_used_commitment: "100.00",
    },
    // net amortized: the unused $20 scaled by the fee's net over gross (108 / 120): 18.00
    expect: ["120.00", "20.00", "108.00", "18.00"],
    expectNoNet: ["120.00", "20.00", "120.00", "20.00"],
    inScope: true,
  },
  {
    name: "EDP discount on SageMaker",
    cols: {
      ...base,
      line_item_line_item_type: "EdpDiscount",
      line_item_product_code: "AmazonSageMaker",
      line_item_usage_type: "USE1-Host:ml.g5.2xlarge",
      line_item_resource_id: "",
      line_item_usage_amount: "0",
      line_item_unblended_cost: "-13.2345",
      line_item_net_unblended_cost: "0",
    },
    expect: ["-13.2345", "-13.2345", "0", "0"],
    expectNoNet: ["-13.2345", "-13.2345", "-13.2345", "-13.2345"],
    inScope: true,
  },
  {
    name: "Bedrock credit",
    cols: {
      ...base,
      line_item_line_item_type: "Credit",
      line_item_product_code: "AmazonBedrock",
      line_item_usage_type: "USE1-NovaPro-input-tokens",
      line_item_resource_id: "",
      line_item_usage_amount: "0",
      line_item_unblended_cost: "-5.00",
      line_item_net_unblended_cost: "-5.00",
      product: product("Amazon Bedrock"),
    },
    expect: ["-5.00", "-5.00", "-5.00", "-5.00"],
    expectNoNet: ["-5.00", "-5.00", "-5.00", "-5.00"],
    inScope: true,
  },
  {
    name: "SageMaker refund",
    cols: {
      ...base,
      line_item_line_item_type: "Refund",
      line_item_product_code: "AmazonSageMaker",
      line_item_usage_type: "USE1-Train:ml.m5.xlarge",
      line_item_resource_id: "",
      line_item_usage_amount: "0",
      line_item_unblended_cost: "-2.50",
      line_item_net_unblended_cost: "-2.25",
    },
    expect: ["-2.50", "-2.50", "-2.25", "-2.25"],
    expectNoNet: ["-2.50", "-2.50", "-2.50", "-2.50"],
    inScope: true,
  },
  {
    name: "SageMaker tax",
    cols: {
      ...base,
      line_item_line_item_type: "Tax",
      line_item_product_code: "AmazonSageMaker",
      line_item_usage_type: "",
      line_item_resource_id: "",
      line_item_usage_amount: "1",
      line_item_unblended_cost: "8.00",
      line_item_net_unblended_cost: "8.00",
      pricing_unit: "",
    },
    expect: ["8.00", "8.00", "8.00", "8.00"],
    expectNoNet: ["8.00", "8.00", "8.00", "8.00"],
    inScope: true,
  },
  {
    name: "Bedrock usage through a LOB's profile",
    cols: {
      ...base,
      line_item_line_item_type: "Usage",
      line_item_product_code: "AmazonBedrock",
      line_item_usage_type: "USE1-NovaPro-input-tokens",
      line_item_resource_id: PROFILE,
      line_item_usage_amount: "1000",
      line_item_unblended_cost: "3.00",
      line_item_net_unblended_cost: "2.70",
      pricing_unit: "1K tokens",
      product: product("Amazon Bedrock"),
      resource_tags: tags({ user_line_of_business: "wealth" }),
    },
    expect: ["3.00", "3.00", "2.70", "2.70"],
    expectNoNet: ["3.00", "3.00", "3.00", "3.00"],
    inScope: true,
  },
  {
    name: "Claude through AWS Marketplace, tagged profile",
    cols: {
      ...base,
      bill_billing_entity: "AWS Marketplace",
      line_item_line_item_type: "Usage",
      line_item_product_code: CLAUDE_CODE,
      line_item_usage_type: "USE1-MP:USE1_InputTokenCount-Units",
      line_item_resource_id: PROFILE,
      line_item_usage_amount: "2000",
      line_item_unblended_cost: "6.00",
      line_item_net_unblended_cost: "6.00",
      pricing_unit: "Units",
      product: product(CLAUDE_NAME),
      resource_tags: tags({ user_line_of_business: "retail" }),
    },
    expect: ["6.00", "6.00", "6.00", "6.00"],
    expectNoNet: ["6.00", "6.00", "6.00", "6.00"],
    inScope: true,
  },
  {
    name: "Claude through AWS Marketplace, untagged (system profile)",
    cols: {
      ...base,
      bill_billing_entity: "AWS Marketplace",
      line_item_line_item_type: "Usage",
      line_item_product_code: CLAUDE_CODE,
      line_item_usage_type: "USE1-MP:USE1_OutputTokenCount-Units",
      line_item_resource_id: "",
      line_item_usage_amount: "100",
      line_item_unblended_cost: "1.50",
      line_item_net_unblended_cost: "1.50",
      pricing_unit: "Units",
      product: product(CLAUDE_NAME),
    },
    expect: ["1.50", "1.50", "1.50", "1.50"],
    expectNoNet: ["1.50", "1.50", "1.50", "1.50"],
    inScope: true,
  },
  {
    name: "SageMaker training (dedicated, tagged)",
    cols: {
      ...base,
      line_item_line_item_type: "Usage",
      line_item_product_code: "AmazonSageMaker",
      line_item_usage_type: "USE1-Train:ml.m5.xlarge",
      line_item_resource_id: TRAIN,
      line_item_usage_amount: "3",
      line_item_unblended_cost: "12.345",
      line_item_net_unblended_cost: "11.1105",
      resource_tags: tags({ user_line_of_business: "retail" }),
    },
    expect: ["12.345", "12.345", "11.1105", "11.1105"],
    expectNoNet: ["12.345", "12.345", "12.345", "12.345"],
    inScope: true,
  },
  {
    name: "EC2 RI-covered usage (excluded)",
    cols: {
      ...base,
      line_item_line_item_type: "DiscountedUsage",
      line_item_product_code: "AmazonEC2",
      line_item_usage_type: "USE1-BoxUsage:m5.large",
      line_item_resource_id: "i-0abc",
      line_item_usage_amount: "720",
      line_item_unblended_cost: "50.00",
      line_item_net_unblended_cost: "45.00",
      product: product("Amazon Elastic Compute Cloud"),
      reservation_reservation_a_r_n: RI_ARN,
      reservation_effective_cost: "30.00",
      reservation_net_effective_cost: "27.00",
    },
    expect: ["50.00", "30.00", "45.00", "27.00"],
    expectNoNet: ["50.00", "30.00", "50.00", "30.00"],
    inScope: false,
  },
  {
    name: "EC2 RIFee with unused reservation (excluded)",
    cols: {
      ...base,
      line_item_line_item_type: "RIFee",
      line_item_product_code: "AmazonEC2",
      line_item_usage_type: "USE1-HeavyUsage:m5.large",
      line_item_resource_id: "",
      line_item_usage_amount: "720",
      line_item_unblended_cost: "40.00",
      line_item_net_unblended_cost: "36.00",
      product: product("Amazon Elastic Compute Cloud"),
      reservation_reservation_a_r_n: RI_ARN,
      reservation_unused_amortized_upfront_fee_for_billing_period: "5.00",
      reservation_net_unused_amortized_upfront_fee_for_billing_period: "4.50",
      reservation_unused_recurring_fee: "3.00",
      reservation_net_unused_recurring_fee: "2.70",
    },
    expect: ["40.00", "8.00", "36.00", "7.20"],
    expectNoNet: ["40.00", "8.00", "40.00", "8.00"],
    inScope: false,
  },
  {
    name: "EC2 RI upfront Fee (excluded; 0 when amortized)",
    cols: {
      ...base,
      line_item_line_item_type: "Fee",
      line_item_product_code: "AmazonEC2",
      line_item_usage_type: "",
      line_item_resource_id: "",
      line_item_usage_amount: "1",
      line_item_unblended_cost: "200.00",
      line_item_net_unblended_cost: "180.00",
      product: product("Amazon Elastic Compute Cloud"),
      reservation_reservation_a_r_n: RI_ARN,
    },
    expect: ["200.00", "0", "180.00", "0"],
    expectNoNet: ["200.00", "0", "200.00", "0"],
    inScope: false,
  },
  {
    name: "EC2 on-demand (excluded)",
    cols: {
      ...base,
      line_item_line_item_type: "Usage",
      line_item_product_code: "AmazonEC2",
      line_item_usage_type: "USE1-BoxUsage:t3.micro",
      line_item_resource_id: "i-0def",
      line_item_usage_amount: "10",
      line_item_unblended_cost: "10.00",
      line_item_net_unblended_cost: "9.00",
      product: product("Amazon Elastic Compute Cloud"),
    },
    expect: ["10.00", "10.00", "9.00", "9.00"],
    expectNoNet: ["10.00", "10.00", "10.00", "10.00"],
    inScope: false,
  },
  {
    name: "Marketplace SaaS that is not a Bedrock model (excluded under its product code)",
    cols: {
      ...base,
      bill_billing_entity: "AWS Marketplace",
      line_item_line_item_type: "Usage",
      line_item_product_code: "abc123xyzsaas",
      line_item_usage_type: "USE1-MP:Seats",
      line_item_resource_id: "",
      line_item_usage_amount: "1",
      line_item_unblended_cost: "7.00",
      line_item_net_unblended_cost: "7.00",
      pricing_unit: "Units",
      product: product("Some Observability SaaS"),
    },
    expect: ["7.00", "7.00", "7.00", "7.00"],
    expectNoNet: ["7.00", "7.00", "7.00", "7.00"],
    inScope: false,
  },
  {
    name: "SageMaker line of November (not read)",
    cols: {
      ...base,
      line_item_usage_start_date: "2026-11-01T00:00:00Z",
      line_item_line_item_type: "Usage",
      line_item_product_code: "AmazonSageMaker",
      line_item_usage_type: "USE1-Train:ml.m5.xlarge",
      line_item_resource_id: TRAIN,
      line_item_usage_amount: "1",
      line_item_unblended_cost: "999.00",
      line_item_net_unblended_cost: "999.00",
    },
    expect: ["0", "0", "0", "0"],
    expectNoNet: ["0", "0", "0", "0"],
    inScope: false,
    outOfMonth: true,
  },
];

/** The CSV text of some cases, with the given columns (default: all; `noNet` drops the net columns). */
export function curCsv(
  cases: readonly CurCase[],
  o: { noNet?: boolean; columns?: readonly string[]; override?: Record<string, string> } = {},
): string {
  const columns = (o.columns ?? CUR_COLUMNS).filter((c) => !(o.noNet && c.includes("_net_")));
  const rows = cases.map((k) => columns.map((c) => o.override?.[c] ?? k.cols[c] ?? ""));
  return stringify([columns, ...rows]);
}
