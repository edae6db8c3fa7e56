/**
 * A fake Cost Explorer (aws-sdk-client-mock) that answers `GetCostAndUsage` from a month of billing items the way the
 * real service does: it evaluates the `Filter` expression (`And`/`Or`/`Not`, `Dimensions` with EQUALS, `Tags` with
 * values or ABSENT), groups by at most two keys (`TAG` groups keyed `Key$value`, `Key$` when untagged), sums the asked
 * metrics per group, and pages the groups (`NextPageToken`). It refuses what Cost Explorer refuses (more than two
 * `GroupBy`, a `GroupBy` dimension or metric outside the documented lists, a changed request on a later page), so
 * tests can check that a cost source's queries partition the month and count its calls.
 *
 * Sources of the rules (botocore `data/ce/2017-10-25/service-2.json`, `GetCostAndUsageRequest` documentation):
 * Metrics "Valid values are AmortizedCost, BlendedCost, NetAmortizedCost, NetUnblendedCost, NormalizedUsageAmount,
 * UnblendedCost, and UsageQuantity"; GroupBy "up to two different groups … Valid values for the DIMENSION type are AZ,
 * INSTANCE_TYPE, LEGAL_ENTITY_NAME, INVOICING_ENTITY, LINKED_ACCOUNT, OPERATION, PLATFORM, PURCHASE_TYPE, SERVICE,
 * TENANCY, RECORD_TYPE, and USAGE_TYPE … When you group by the TAG type … you get all tag values, including empty
 * strings"; Filter "Valid values for MatchOptions for Dimensions are EQUALS and CASE_SENSITIVE … for … Tags are
 * EQUALS, ABSENT, and CASE_SENSITIVE"; `TagValues`: "If Key is provided and Values isn't specified, the ABSENT
 * MatchOption is applied to the tag Key only". The unit tests check these lists against the installed model.
 */
import {
  CostExplorerClient,
  type Expression,
  GetCostAndUsageCommand,
  type GetCostAndUsageCommandInput,
  type GetCostAndUsageCommandOutput,
  type Group,
} from "@aws-sdk/client-cost-explorer";
import { mockClient } from "aws-sdk-client-mock";
import type { CostBasis } from "../../chargeback/model.js";
import {
  type CostExplorerSourceOptions,
  readCostExplorerCosts,
} from "../../chargeback/sources/cost-explorer.js";
import { Decimal } from "../../core/money.js";

/** The cost metrics of `GetCostAndUsage`. */
export const FAKE_COST_METRICS = [
  "AmortizedCost",
  "BlendedCost",
  "NetAmortizedCost",
  "NetUnblendedCost",
  "UnblendedCost",
] as const;
/** Every metric `GetCostAndUsage` takes. */
export const FAKE_METRICS = [...FAKE_COST_METRICS, "NormalizedUsageAmount", "UsageQuantity"] as const;
/** The dimensions `GetCostAndUsage` groups by. */
export const FAKE_GROUP_BY_DIMENSIONS = [
  "AZ",
  "INSTANCE_TYPE",
  "LEGAL_ENTITY_NAME",
  "INVOICING_ENTITY",
  "LINKED_ACCOUNT",
  "OPERATION",
  "PLATFORM",
  "PURCHASE_TYPE",
  "SERVICE",
  "TENANCY",
  "RECORD_TYPE",
  "USAGE_TYPE",
] as const;

/** One cost metric. */
export type FakeCostMetric = (typeof FAKE_COST_METRICS)[number];

/** One aggregated billing item of the month (what Cost Explorer sums into groups). */
export interface CeItem {
  /** `SERVICE`, e.g. `Amazon SageMaker`, `Claude Sonnet 4.5 (Amazon Bedrock Edition)`, `Tax`. */
  readonly service: string;
  /** `RECORD_TYPE`, e.g. `Usage`, `SavingsPlanNegation`, `Enterprise Discount Program Discount`. */
  readonly recordType: string;
  /** `BILLING_ENTITY`. @default "AWS" */
  readonly billingEntity?: string;
  /** `USAGE_TYPE`. @default "" */
  readonly usageType?: string;
  /** Cost allocation tags. */
  readonly tags?: Readonly<Record<string, string>>;
  /** The amount under each cost metric; a string is the same amount under all of them. */
  readonly cost: string | Readonly<Partial<Record<FakeCostMetric, string>>>;
  /** `UsageQuantity`. @default "0" */
  readonly quantity?: string;
  /** The unit of `UsageQuantity`. @default "N/A" */
  readonly unit?: string;
  /** The currency of the cost metrics. @default "USD" */
  readonly currency?: string;
}

/** Options of {@link fakeCostExplorerOf}. */
export interface FakeOptions {
  /** Groups per page. @default 1000 */
  readonly groupsPerPage?: number;
  /** The `Estimated` flag of every result. @default false */
  readonly estimated?: boolean;
}

/** What the fake was asked and answered. */
export interface FakeCostExplorer {
  readonly client: CostExplorerClient;
  /** Every request, in order. */
  readonly requests: GetCostAndUsageCommandInput[];
  /** Every answer, in order (what moto would have to be given, in that order). */
  readonly responses: GetCostAndUsageCommandOutput[];
  restore(): void;
}

/** A request Cost Explorer would refuse. */
export class FakeValidationError extends Error {
  override readonly name = "ValidationException";
}

function dimensionValue(item: CeItem, key: string): string {
  switch (key) {
    case "SERVICE":
      return item.service;
    case "RECORD_TYPE":
      return item.recordType;
    case "BILLING_ENTITY":
      return item.billingEntity ?? "AWS";
    case "USAGE_TYPE":
      return item.usageType ?? "";
    default:
      throw new FakeValidationError(`the fake does not know the dimension ${key}`);
  }
}

function matches(item: CeItem, e: Expression): boolean {
  const roots = (["And", "Or", "Not", "Dimensions", "Tags", "CostCategories"] as const).filter(
    (k) => e[k] !== undefined,
  );
  if (roots.length !== 1)
    throw new FakeValidationError(
      `Expression has ${roots.length} roots. Only one root operator is allowed for each expression`,
    );
  if (e.And) {
    if (e.And.length < 2) throw new FakeValidationError("And needs at least two expressions");
    return e.And.every((x) => matches(item, x));
  }
  if (e.Or) {
    if (e.Or.length < 2) throw new FakeValidationError("Or needs at least two expressions");
    return e.Or.some((x) => matches(item, x));
  }
  if (e.Not) return !matches(item, e.Not);
  if (e.Dimensions) {
    const { Key, Values, MatchOptions } = e.Dimensions;
    for (const m of MatchOptions ?? [])
      if (m !== "EQUALS" && m !== "CASE_SENSITIVE")
        throw new FakeValidationError(`MatchOptions ${m} is not valid for Dimensions in GetCostAndUsage`);
    if (!Key || !Values?.length) throw new FakeValidationError("Dimensions needs a Key and Values");
    return Values.includes(dimensionValue(item, Key));
  }
  if (e.Tags) {
    const { Key, Values, MatchOptions } = e.Tags;
    for (const m of MatchOptions ?? [])
      if (m !== "EQUALS" && m !== "ABSENT" && m !== "CASE_SENSITIVE")
        throw new FakeValidationError(`MatchOptions ${m} is not valid for Tags in GetCostAndUsage`);
    if (!Key) throw new FakeValidationError("the fake needs a tag Key");
    const value = item.tags?.[Key];
    const absent = value === undefined || value === "";
    if (MatchOptions?.includes("ABSENT") || !Values?.length) return absent;
    return !absent && Values.includes(value);
  }
  throw new FakeValidationError("the fake does not filter by cost category");
}

function amount(item: CeItem, metric: string): Decimal {
  if (metric === "UsageQuantity") return new Decimal(item.quantity ?? "0");
  if (typeof item.cost === "string") return new Decimal(item.cost);
  const v = item.cost[metric as FakeCostMetric];
  if (v === undefined) throw new Error(`item ${item.service}/${item.recordType} has no ${metric}`);
  return new Decimal(v);
}

function validate(input: GetCostAndUsageCommandInput): void {
  const groupBy = input.GroupBy ?? [];
  if (groupBy.length > 2) throw new FakeValidationError("GroupBy takes at most two groups");
  for (const g of groupBy)
    if (g.Type === "DIMENSION" && !(FAKE_GROUP_BY_DIMENSIONS as readonly string[]).includes(g.Key ?? ""))
      throw new FakeValidationError(`GroupBy dimension ${g.Key} is not valid`);
  for (const m of input.Metrics ?? [])
    if (!(FAKE_METRICS as readonly string[]).includes(m))
      throw new FakeValidationError(`Metric ${m} is not valid`);
  if (!input.Metrics?.length) throw new FakeValidationError("Metrics is required");
}

/** The groups (all pages) Cost Explorer gives for `input` over `items`. */
export function answerGroups(items: readonly CeItem[], input: GetCostAndUsageCommandInput): Group[] {
  validate(input);
  const metrics = input.Metrics ?? [];
  const groupBy = input.GroupBy ?? [];
  const chosen = input.Filter ? items.filter((i) => matches(i, input.Filter as Expression)) : [...items];
  const groups = new Map<string, { keys: string[]; items: CeItem[] }>();
  for (const item of chosen) {
    const keys = groupBy.map((g) =>
      g.Type === "TAG" ? `${g.Key}$${item.tags?.[g.Key ?? ""] ?? ""}` : dimensionValue(item, g.Key ?? ""),
    );
    const id = JSON.stringify(keys);
    const g = groups.get(id) ?? { keys, items: [] };
    g.items.push(item);
    groups.set(id, g);
  }
  return [...groups.values()].map((g) => ({
    Keys: g.keys,
    Metrics: Object.fromEntries(
      metrics.map((m) => {
        const total = g.items.reduce((s, i) => s.plus(amount(i, m)), new Decimal(0));
        const units = new Set(
          g.items.map((i) => (m === "UsageQuantity" ? (i.unit ?? "N/A") : (i.currency ?? "USD"))),
        );
        return [m, { Amount: total.toString(), Unit: units.size === 1 ? [...units][0] : "N/A" }];
      }),
    ),
  }));
}

/**
 * Installs the fake, answering from `items`, on every `CostExplorerClient`.
 *
 * @param items - the month's billing items
 */
export function fakeCostExplorerOf(items: readonly CeItem[], options: FakeOptions = {}): FakeCostExplorer {
  const perPage = options.groupsPerPage ?? 1000;
  const mock = mockClient(CostExplorerClient);
  const requests: GetCostAndUsageCommandInput[] = [];
  const responses: GetCostAndUsageCommandOutput[] = [];
  const firstPages = new Map<string, string>();
  mock.on(GetCostAndUsageCommand).callsFake((input: GetCostAndUsageCommandInput) => {
    requests.push(input);
    const { NextPageToken, ...request } = input;
    const token = NextPageToken ?? "";
    const [id = "", pageText = "0"] = token === "" ? [] : token.split(":");
    const body = JSON.stringify(request);
    if (token !== "" && firstPages.get(id) !== body)
      throw Object.assign(new Error("The request changed between pages"), {
        name: "RequestChangedException",
      });
    const pageId = token === "" ? String(firstPages.size) : id;
    if (token === "") firstPages.set(pageId, body);
    const page = Number(pageText);
    const all = answerGroups(items, input);
    const more = (page + 1) * perPage < all.length;
    const response: GetCostAndUsageCommandOutput = {
      $metadata: {},
      ResultsByTime: [
        {
          TimePeriod: input.TimePeriod,
          Total: {},
          Groups: all.slice(page * perPage, (page + 1) * perPage),
          Estimated: options.estimated ?? false,
        },
      ],
      GroupDefinitions: input.GroupBy,
      DimensionValueAttributes: [],
      ...(more ? { NextPageToken: `${pageId}:${page + 1}` } : {}),
    };
    responses.push(response);
    return response;
  });
  return {
    client: new CostExplorerClient({
      region: "us-east-1",
      credentials: { accessKeyId: "x", secretAccessKey: "x" },
    }),
    requests,
    responses,
    restore: () => mock.restore(),
  };
}

/**
 * The answers a Cost Explorer holding `items` gives to the requests `readCostExplorerCosts` makes with `options`, in
 * request order and without `$metadata`: the queue to give moto's `POST /moto-api/static/ce/cost-and-usage-results`
 * (moto answers queued results in request order, one per distinct request body, pages included).
 */
export async function motoAnswersFor(
  items: readonly CeItem[],
  options: CostExplorerSourceOptions,
  fakeOptions: FakeOptions = {},
): Promise<Omit<GetCostAndUsageCommandOutput, "$metadata">[]> {
  const fake = fakeCostExplorerOf(items, fakeOptions);
  try {
    await readCostExplorerCosts(fake.client, options);
    return fake.responses.map(({ $metadata: _metadata, ...rest }) => rest);
  } finally {
    fake.restore();
  }
}

/**
 * A synthetic month with `lobs` LOBs and `endpoints` shared endpoints: per LOB a dedicated SageMaker training line,
 * a Bedrock line and a Marketplace Claude line (tagged), per endpoint its hosting hours; plus a Savings Plan fee, a
 * negation, an EDP discount, a credit, account tax and an excluded service.
 */
export function syntheticMonth(lobs: number, endpoints: number): CeItem[] {
  const items: CeItem[] = [];
  for (let i = 0; i < lobs; i++) {
    const tags = { LineOfBusiness: `lob-${i}` };
    const cost = `${(i % 97) + 1}.25`;
    items.push(
      {
        service: "Amazon SageMaker",
        recordType: "Usage",
        usageType: "USE1-Train:ml.m5.xlarge",
        tags,
        cost,
        quantity: "3",
        unit: "Hrs",
      },
      {
        service: "Amazon Bedrock",
        recordType: "Usage",
        usageType: "USE1-NovaPro-input-tokens",
        tags,
        cost,
        quantity: "3000",
        unit: "Units",
      },
      {
        service: "Claude Sonnet 4.5 (Amazon Bedrock Edition)",
        billingEntity: "AWS Marketplace",
        recordType: "Usage",
        usageType: "USE1-MP:USE1_InputTokenCount-Units",
        tags,
        cost,
        quantity: "1000",
        unit: "Units",
      },
    );
  }
  for (let e = 0; e < endpoints; e++)
    items.push({
      service: "Amazon SageMaker",
      recordType: "Usage",
      usageType: "USE1-Host:ml.g5.2xlarge",
      tags: { SharedEndpoint: `shared-${e}` },
      cost: "720.00",
      quantity: "720",
      unit: "Hrs",
    });
  items.push(
    {
      service: "Savings Plans for AWS Machine Learning",
      recordType: "SavingsPlanRecurringFee",
      cost: "100.00",
    },
    { service: "Amazon SageMaker", recordType: "SavingsPlanNegation", cost: "-80.00" },
    { service: "Amazon SageMaker", recordType: "Enterprise Discount Program Discount", cost: "-5.00" },
    { service: "Amazon Bedrock", recordType: "Credit", cost: "-10.00" },
    { service: "Tax", recordType: "Tax", cost: "12.00" },
    {
      service: "Amazon Elastic Compute Cloud - Compute",
      recordType: "Usage",
      usageType: "BoxUsage:m5.large",
      cost: "88.10",
    },
  );
  return items;
}

/**
 * Installs the fake on a {@link syntheticMonth} with `lobs` LOBs and `endpoints` shared endpoints.
 *
 * @param groupsPerPage - groups per page (Cost Explorer pages large groupings)
 */
export function fakeCostExplorer(lobs: number, endpoints: number, groupsPerPage = 1000): FakeCostExplorer {
  return fakeCostExplorerOf(syntheticMonth(lobs, endpoints), { groupsPerPage });
}

// ── A hand-made month ────────────────────────────────────────────────────────────────────────────────
/**
 * One hand-made month of Cost Explorer data, shared by the unit test of the Cost Explorer source and its moto
 * integration test, with the lines the source must make of it at each basis (hand-computed).
 *
 * Facts it is built on:
 * - `RECORD_TYPE` values as the API writes them (`Usage`, `SavingsPlanCoveredUsage`, `DiscountedUsage`, `RIFee`,
 *   `SavingsPlanRecurringFee`, `Tax`, `Credit`, `SavingsPlanNegation`): AWS Billing user guide, "Term comparisons"
 *   (https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/manage-cost-categories.html#cost-categories-terms);
 *   `Refund`, `SavingsPlanUpfrontFee`, `Enterprise Discount Program Discount`, `BundledDiscount`: public Cost Explorer
 *   clients that group by `RECORD_TYPE` (practitioner, several independent repositories).
 * - Under unblended costs a Savings Plan's covered usage is at on-demand rates, offset by the negation; under amortized
 *   costs covered usage is at the Savings Plan rate, the negation 0, and the recurring fee shows only the unused part:
 *   AWS Cost Management user guide, Budgets filters "Charge type"
 *   (https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-create-filters.html).
 * - "Net unblended costs reflects the cost after discounts"; "When grouped by Charge type, unblended costs separate
 *   discounts into their own line items" (https://docs.aws.amazon.com/cost-management/latest/userguide/ce-advanced.html):
 *   under the net metrics the EDP discount is already inside each row and its own record type comes to 0.
 * - `BILLING_ENTITY` "AWS Marketplace" (Budgets filters "Billing entity", same page); Marketplace Bedrock models are
 *   their own `SERVICE`, e.g. "Claude Sonnet 4.5 (Amazon Bedrock Edition)" (practitioner).
 * - "Cost Explorer adds all taxes together as a single component of your costs" (ce-filtering.html): the `Tax` service.
 * - The SageMaker Savings Plan fee's `SERVICE` "Savings Plans for AWS Machine Learning" (practitioner: service lists
 *   and Cost Explorer output in public repositories, beside "Savings Plans for AWS Compute usage").
 */

const SM = "Amazon SageMaker";
const MLSP = "Savings Plans for AWS Machine Learning";
const BR = "Amazon Bedrock";
const CLAUDE = "Claude Sonnet 4.5 (Amazon Bedrock Edition)";
const MP = "AWS Marketplace";

/** Amounts as [UnblendedCost, NetUnblendedCost, AmortizedCost, NetAmortizedCost]. */
function at(unblended: string, netUnblended: string, amortized: string, netAmortized: string) {
  return {
    UnblendedCost: unblended,
    NetUnblendedCost: netUnblended,
    AmortizedCost: amortized,
    NetAmortizedCost: netAmortized,
    BlendedCost: unblended,
  } satisfies Record<FakeCostMetric, string>;
}

/**
 * The month: a shared endpoint fully covered by a SageMaker Savings Plan (covered usage + negation + recurring fee,
 * with unused commitment), dedicated training (retail) and an untagged notebook, a 5 % EDP discount on SageMaker and
 * the plan's fee, Bedrock usage (wealth, untagged), a Bedrock credit and refund, Claude through AWS Marketplace
 * (retail, untagged), another Marketplace product, account tax, and EC2.
 */
export const MONTH_ITEMS: readonly CeItem[] = [
  {
    service: SM,
    recordType: "SavingsPlanCoveredUsage",
    usageType: "USE1-Host:ml.g5.2xlarge",
    tags: { SharedEndpoint: "shared-llm", LineOfBusiness: "platform" },
    cost: at("600.00", "570.00", "360.00", "342.00"),
    quantity: "400",
    unit: "Hrs",
  },
  { service: SM, recordType: "SavingsPlanNegation", cost: at("-600.00", "-570.00", "0", "0") },
  { service: MLSP, recordType: "SavingsPlanRecurringFee", cost: at("400.00", "380.00", "40.00", "38.00") },
  {
    service: SM,
    recordType: "Usage",
    usageType: "USE1-Train:ml.m5.xlarge",
    tags: { LineOfBusiness: "retail" },
    cost: at("120.00", "114.00", "120.00", "114.00"),
    quantity: "40",
    unit: "Hrs",
  },
  {
    service: SM,
    recordType: "Usage",
    usageType: "USE1-Notebk:ml.t3.medium",
    cost: at("3.00", "2.85", "3.00", "2.85"),
    quantity: "12",
    unit: "Hrs",
  },
  // The EDP's 5 %: on SageMaker (covered −30 + negation +30 − training 6 − notebook 0.15 unblended; covered −18
  // − 6 − 0.15 amortized) and on the plan's fee (−20 unblended, −2 on the unused part amortized).
  { service: SM, recordType: "Enterprise Discount Program Discount", cost: at("-6.15", "0", "-24.15", "0") },
  {
    service: MLSP,
    recordType: "Enterprise Discount Program Discount",
    cost: at("-20.00", "0", "-2.00", "0"),
  },
  {
    service: BR,
    recordType: "Usage",
    usageType: "USE1-NovaPro-input-tokens",
    tags: { LineOfBusiness: "wealth" },
    cost: "36.20",
    quantity: "1200000",
    unit: "Units",
  },
  {
    service: BR,
    recordType: "Usage",
    usageType: "USE1-TitanEmbed-input-tokens",
    cost: "7.10",
    quantity: "10000",
    unit: "Units",
  },
  { service: BR, recordType: "Credit", cost: "-10.00" },
  { service: BR, recordType: "Refund", cost: "-2.50" },
  {
    service: CLAUDE,
    billingEntity: MP,
    recordType: "Usage",
    usageType: "USE1-MP:USE1_InputTokenCount-Units",
    tags: { LineOfBusiness: "retail" },
    cost: "250.00",
    quantity: "80000000",
    unit: "Units",
  },
  {
    service: CLAUDE,
    billingEntity: MP,
    recordType: "Usage",
    usageType: "USE1-MP:USE1_OutputTokenCount-Units",
    cost: "50.00",
    quantity: "3000000",
    unit: "Units",
  },
  { service: "Acme Firewall", billingEntity: MP, recordType: "Usage", usageType: "MP:Hours", cost: "30.00" },
  { service: "Tax", recordType: "Tax", cost: "95.00" },
  {
    service: "Amazon Elastic Compute Cloud - Compute",
    recordType: "Usage",
    usageType: "BoxUsage:m5.large",
    cost: "88.10",
  },
  { service: "EC2 - Other", recordType: "Usage", usageType: "EBS:VolumeUsage.gp3", cost: "4.00" },
  { service: "Amazon Elastic Compute Cloud - Compute", recordType: "Credit", cost: "-1.10" },
];

/** A line as tests compare it: money and quantities as text, the dates as ISO strings. */
export interface PlainLine {
  readonly service: string;
  readonly category: string;
  readonly lineItemType: string;
  readonly productCode: string;
  readonly productName?: string;
  readonly usageType: string;
  readonly resourceId: string | null;
  readonly usageAmount: string;
  readonly cost: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly unit?: string;
}

const ARN = "arn:aws:sagemaker:us-east-1:111122223333:endpoint/shared-llm";

/** The lines the source must make of {@link MONTH_ITEMS} at `basis` (account 111122223333, us-east-1). */
export function expectedLines(basis: CostBasis): PlainLine[] {
  const i = { unblended: 0, "net-unblended": 1, amortized: 2, "net-amortized": 3 }[basis];
  const pick = (...v: string[]) => v[i] as string;
  const net = basis.startsWith("net-");
  const usage = (
    service: string,
    productCode: string,
    usageType: string,
    usageAmount: string,
    cost: string,
    tags: Record<string, string>,
    unit: string,
    extra: Partial<PlainLine> = {},
  ): PlainLine => ({
    service,
    category: "usage",
    lineItemType: "Usage",
    productCode,
    usageType,
    resourceId: null,
    usageAmount,
    cost,
    tags,
    unit,
    ...extra,
  });
  const account = (
    service: string,
    productCode: string,
    category: string,
    lineItemType: string,
    cost: string,
  ): PlainLine => ({
    service,
    category,
    lineItemType,
    productCode,
    usageType: "",
    resourceId: null,
    usageAmount: "0",
    cost,
    tags: {},
  });
  const lines: PlainLine[] = [
    usage(
      "AmazonSageMaker",
      "AmazonSageMaker",
      "USE1-Train:ml.m5.xlarge",
      "40",
      pick("120.00", "114.00", "120.00", "114.00"),
      { user_LineOfBusiness: "retail" },
      "Hrs",
    ),
    usage(
      "AmazonSageMaker",
      "AmazonSageMaker",
      "USE1-Notebk:ml.t3.medium",
      "12",
      pick("3.00", "2.85", "3.00", "2.85"),
      {},
      "Hrs",
    ),
    usage(
      "AmazonSageMaker",
      "AmazonSageMaker",
      "USE1-Host:ml.g5.2xlarge",
      "400",
      pick("600.00", "570.00", "360.00", "342.00"),
      { user_SharedEndpoint: "shared-llm" },
      "Hrs",
      { resourceId: ARN },
    ),
    usage(
      "AmazonBedrock",
      "AmazonBedrock",
      "USE1-NovaPro-input-tokens",
      "1200000",
      "36.20",
      { user_LineOfBusiness: "wealth" },
      "Units",
    ),
    usage("AmazonBedrock", "AmazonBedrock", "USE1-TitanEmbed-input-tokens", "10000", "7.10", {}, "Units"),
    usage("AmazonBedrock", CLAUDE, "", "80000000", "250.00", { user_LineOfBusiness: "retail" }, "Units", {
      productName: CLAUDE,
    }),
    usage("AmazonBedrock", CLAUDE, "", "3000000", "50.00", {}, "Units", { productName: CLAUDE }),
  ];
  const adjustments: (PlainLine | undefined)[] = [
    basis === "unblended" || basis === "net-unblended"
      ? account(
          "AmazonSageMaker",
          "AmazonSageMaker",
          "commitment",
          "SavingsPlanNegation",
          pick("-600.00", "-570.00"),
        )
      : undefined,
    account(
      "AmazonSageMaker",
      "MachineLearningSavingsPlans",
      "commitment",
      "SavingsPlanRecurringFee",
      pick("400.00", "380.00", "40.00", "38.00"),
    ),
    net
      ? undefined
      : account(
          "AmazonSageMaker",
          "AmazonSageMaker",
          "discount",
          "Enterprise Discount Program Discount",
          pick("-6.15", "", "-24.15"),
        ),
    net
      ? undefined
      : account(
          "AmazonSageMaker",
          "MachineLearningSavingsPlans",
          "discount",
          "Enterprise Discount Program Discount",
          pick("-20.00", "", "-2.00"),
        ),
    account("AmazonBedrock", "AmazonBedrock", "credit", "Credit", "-10.00"),
    account("AmazonBedrock", "AmazonBedrock", "refund", "Refund", "-2.50"),
  ];
  return [...lines, ...adjustments.filter((l): l is PlainLine => l !== undefined)];
}

/** The excluded services of {@link MONTH_ITEMS} (the same at every basis: their amounts do not vary). */
export const EXPECTED_EXCLUDED = [
  { service: "Acme Firewall", lines: 1, cost: "30.00" },
  { service: "Amazon Elastic Compute Cloud - Compute", lines: 2, cost: "87.00" },
  { service: "EC2 - Other", lines: 1, cost: "4.00" },
  { service: "Tax", lines: 1, cost: "95.00" },
];

/**
 * The in-scope total of {@link MONTH_ITEMS}, hand-added; the same at every basis (a No Upfront plan and an EDP), made
 * of different lines. SageMaker and its plan: unblended 600 − 600 + 400 + 120 + 3 − 6.15 − 20 = 496.85; net
 * unblended 570 − 570 + 380 + 114 + 2.85 = 496.85; amortized 360 + 40 + 120 + 3 − 24.15 − 2 = 496.85; net amortized
 * 342 + 38 + 114 + 2.85 = 496.85. Bedrock 36.20 + 7.10 − 10 − 2.50 = 30.80. Claude 250 + 50 = 300.
 */
export const EXPECTED_IN_SCOPE_TOTAL = "827.65";
