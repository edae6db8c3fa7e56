/**
 * Cost source: the Cost Explorer API (`GetCostAndUsage`), true to the cost basis (docs/contracts.md#cost-input-the-real-bill "Cost Explorer").
 *
 * The metric follows the basis ({@link costExplorerMetric}). A month takes at most six calls whatever the number of
 * LOBs (pages aside), each with at most the two `GroupBy` keys Cost Explorer allows:
 *
 * 1. everything AWS bills (`BILLING_ENTITY` is not `AWS Marketplace`) by `SERVICE` × `RECORD_TYPE`;
 * 2. everything AWS Marketplace bills, by `SERVICE` × `RECORD_TYPE` — the Marketplace Bedrock models are the
 *    Marketplace services whose name ends in `(Amazon Bedrock Edition)`, found here rather than hand-listed.
 *
 *    These two calls partition the month. Every group of a service outside the scope is summed into `excluded`;
 *    every group of an in-scope service whose `RECORD_TYPE` is not a usage type ({@link USAGE_RECORD_TYPES}) becomes
 *    one line of its adjustment category ({@link recordTypeCategory}); the usage types are read by tag below.
 * 3. SageMaker usage without the `SharedEndpoint` tag, by the LOB tag × `USAGE_TYPE` (dedicated costs);
 * 4. SageMaker usage with the `SharedEndpoint` tag, by that tag × `USAGE_TYPE`: hosting hours come from the usage
 *    quantity of `…Host:ml.…` usage types, and each line carries the endpoint's ARN
 *    `arn:aws:sagemaker:<region>:<account>:endpoint/<name>` so the engine maps it to the shared pool by name;
 * 5. Bedrock usage by the LOB tag × `USAGE_TYPE`;
 * 6. usage of the Marketplace Bedrock models found in 2., by the LOB tag × `SERVICE` (the model's name).
 *
 * Calls 3–6 are made only when calls 1–2 show usage of their services; their totals are compared with the usage
 * rows of 1–2, and a difference of a cent or more is reported as a warning. Cost Explorer bills every call, so every page is read
 * (`NextPageToken`; the SDK has no paginator for this operation) and nothing is asked twice. `Estimated: true` on any
 * result, or a month that has not ended, marks the result estimated.
 *
 * Cost Explorer adds all taxes together as one `Tax` service (it does not split tax by service): that tax is counted
 * under `excluded`, and a warning says so.
 */
import {
  type CostExplorerClient,
  type Dimension,
  type Expression,
  GetCostAndUsageCommand,
  type GetCostAndUsageCommandInput,
  type GetCostAndUsageCommandOutput,
  type Group,
} from "@aws-sdk/client-cost-explorer";
import {
  DataSourceError,
  DEFAULT_TAG_KEY,
  type Decimal,
  dec,
  formatMoney,
  SHARED_ENDPOINT_TAG_KEY,
  sum,
  toAwsError,
  ZERO,
} from "../../core/index.js";
import { isoDate, monthWindow } from "../engine/index.js";
import type {
  CostBasis,
  CostCategory,
  CostLine,
  CostSourceResult,
  ExcludedSummary,
  InScopeService,
} from "../model.js";

/** The `GetCostAndUsage` cost metric of each basis. */
export const COST_EXPLORER_METRICS = {
  "net-amortized": "NetAmortizedCost",
  amortized: "AmortizedCost",
  "net-unblended": "NetUnblendedCost",
  unblended: "UnblendedCost",
} as const satisfies Record<CostBasis, string>;

/** One of the cost metrics of {@link COST_EXPLORER_METRICS}. */
export type CostExplorerMetric = (typeof COST_EXPLORER_METRICS)[CostBasis];

/** The usage metric read beside the cost (hosting hours of SageMaker usage types). */
export const USAGE_QUANTITY_METRIC = "UsageQuantity";

/** The cost metric that gives `basis` (docs/contracts.md#cost-input-the-real-bill). */
export function costExplorerMetric(basis: CostBasis): CostExplorerMetric {
  return COST_EXPLORER_METRICS[basis];
}

/** Cost Explorer `SERVICE` values of the in-scope AWS services. */
export const COST_EXPLORER_SERVICES = {
  /** SageMaker usage (and its Savings Plan negations). */
  sageMaker: "Amazon SageMaker",
  /** The fees of SageMaker Savings Plans (product code `MachineLearningSavingsPlans` in CUR). */
  machineLearningSavingsPlans: "Savings Plans for AWS Machine Learning",
  /** Bedrock models sold by AWS. */
  bedrock: "Amazon Bedrock",
} as const;

/** The `BILLING_ENTITY` of AWS Marketplace purchases. */
export const MARKETPLACE_BILLING_ENTITY = "AWS Marketplace";

/** How the `SERVICE` name of a Bedrock model sold through AWS Marketplace ends. */
export const BEDROCK_EDITION_SUFFIX = "(Amazon Bedrock Edition)";

/** The `SERVICE` value under which Cost Explorer reports every tax of the account. */
export const TAX_SERVICE = "Tax";

/**
 * `RECORD_TYPE` values of resource usage: on demand, covered by a Savings Plan, covered by a reservation. Read by tag,
 * so they reach the LOB that used them; every other record type of an in-scope service is an account-level line.
 */
export const USAGE_RECORD_TYPES = ["Usage", "SavingsPlanCoveredUsage", "DiscountedUsage"] as const;

const COMMITMENT_RECORD_TYPES = new Set([
  "SavingsPlanNegation",
  "SavingsPlanRecurringFee",
  "SavingsPlanUpfrontFee",
  "RIFee",
]);

/**
 * The category of a `RECORD_TYPE` (docs/contracts.md#cost-input-the-real-bill, as for CUR line item types): `Tax` → `tax`, `Credit` → `credit`,
 * `Refund` → `refund`, any type ending in `Discount` (`Enterprise Discount Program Discount`, `BundledDiscount`,
 * `PrivateRateDiscount`, `Solution Provider Program Discount` …) → `discount`, Savings Plan and reservation fees and
 * negations → `commitment`, the usage types → `usage`; `undefined` for a type not known here.
 */
export function recordTypeCategory(recordType: string): CostCategory | undefined {
  if (recordType === "Tax") return "tax";
  if (recordType === "Credit") return "credit";
  if (recordType === "Refund") return "refund";
  if (/discount$/i.test(recordType)) return "discount";
  if (COMMITMENT_RECORD_TYPES.has(recordType)) return "commitment";
  if ((USAGE_RECORD_TYPES as readonly string[]).includes(recordType)) return "usage";
  return undefined;
}

/** Options of {@link readCostExplorerCosts}. */
export interface CostExplorerSourceOptions {
  /** The month, `YYYY-MM`. */
  readonly month: string;
  /** The LOB tag key (a cost allocation tag activated in Billing). @default "LineOfBusiness" */
  readonly tagKey?: string;
  /** Region written into the synthesised shared-endpoint ARNs. */
  readonly region: string;
  /** Account written into the synthesised shared-endpoint ARNs. @default "" (the engine matches by name) */
  readonly accountId?: string;
  /** The cost basis; chooses the metric. @default "net-amortized" */
  readonly basis?: CostBasis;
  /** The current time, to flag a month that has not ended. @default new Date() */
  readonly now?: Date;
}

/** How an in-scope `SERVICE` is reported. */
interface Scope {
  readonly service: InScopeService;
  readonly productCode: string;
  readonly productName?: string;
}

/** The in-scope reporting of a `SERVICE` value, or `undefined` when the service is out of scope. */
function scopeOf(serviceName: string, marketplace: boolean): Scope | undefined {
  if (marketplace)
    return serviceName.endsWith(` ${BEDROCK_EDITION_SUFFIX}`)
      ? { service: "AmazonBedrock", productCode: serviceName, productName: serviceName }
      : undefined;
  switch (serviceName) {
    case COST_EXPLORER_SERVICES.sageMaker:
      return { service: "AmazonSageMaker", productCode: "AmazonSageMaker" };
    case COST_EXPLORER_SERVICES.machineLearningSavingsPlans:
      return { service: "AmazonSageMaker", productCode: "MachineLearningSavingsPlans" };
    case COST_EXPLORER_SERVICES.bedrock:
      return { service: "AmazonBedrock", productCode: "AmazonBedrock" };
    default:
      return undefined;
  }
}

/** The value of a `Key$value` tag group key; `""` when the resource has no such tag. */
function tagValue(key: string, tag: string): string {
  return key.startsWith(`${tag}$`) ? key.slice(tag.length + 1) : key;
}

const CENT = dec("0.01");

const isUsageRecordType = (t: string) => (USAGE_RECORD_TYPES as readonly string[]).includes(t);

/** One group of a result, with the start of its period. */
interface PeriodGroup {
  readonly usageStart: Date;
  readonly keys: readonly string[];
  readonly cost: Decimal;
  readonly quantity: Decimal;
  readonly quantityUnit: string | undefined;
}

/** The calls of one month: the request base, the flags and currencies every page adds to. */
class MonthReader {
  estimated: boolean;
  readonly currencies = new Set<string>();
  constructor(
    private readonly client: CostExplorerClient,
    private readonly metric: CostExplorerMetric,
    private readonly timePeriod: { Start: string; End: string },
    private readonly monthStart: Date,
    estimated: boolean,
  ) {
    this.estimated = estimated;
  }

  /** Every non-empty group of one query, all pages read. */
  async groups(filter: Expression, groupBy: GetCostAndUsageCommandInput["GroupBy"]): Promise<PeriodGroup[]> {
    const input: GetCostAndUsageCommandInput = {
      TimePeriod: this.timePeriod,
      Granularity: "MONTHLY",
      Metrics: [this.metric, USAGE_QUANTITY_METRIC],
      Filter: filter,
      GroupBy: groupBy,
    };
    const out: PeriodGroup[] = [];
    let token: string | undefined;
    do {
      let page: GetCostAndUsageCommandOutput;
      try {
        page = await this.client.send(
          new GetCostAndUsageCommand(token === undefined ? input : { ...input, NextPageToken: token }),
        );
      } catch (e) {
        throw toAwsError("GetCostAndUsage", e);
      }
      for (const period of page.ResultsByTime ?? []) {
        if (period.Estimated) this.estimated = true;
        const usageStart = period.TimePeriod?.Start
          ? new Date(`${period.TimePeriod.Start.slice(0, 10)}T00:00:00Z`)
          : this.monthStart;
        for (const g of period.Groups ?? []) {
          const group = this.read(g, usageStart);
          if (group) out.push(group);
        }
      }
      token = page.NextPageToken || undefined;
    } while (token);
    return out;
  }

  private read(g: Group, usageStart: Date): PeriodGroup | undefined {
    const cost = g.Metrics?.[this.metric];
    if (cost === undefined)
      throw new DataSourceError(
        `Cost Explorer returned a group (${(g.Keys ?? []).join(", ")}) without the ${this.metric} metric it was asked for.`,
      );
    let amount: Decimal;
    let quantity: Decimal;
    try {
      amount = dec(cost.Amount);
      quantity = dec(g.Metrics?.[USAGE_QUANTITY_METRIC]?.Amount);
    } catch (e) {
      throw new DataSourceError(
        `Cost Explorer returned an amount that is not a number in group ${(g.Keys ?? []).join(", ")}.`,
        { cause: e },
      );
    }
    if (amount.isZero() && quantity.isZero()) return undefined;
    if (cost.Unit) this.currencies.add(cost.Unit);
    const unit = g.Metrics?.[USAGE_QUANTITY_METRIC]?.Unit;
    return {
      usageStart,
      keys: g.Keys ?? [],
      cost: amount,
      quantity,
      quantityUnit: unit && unit !== "N/A" ? unit : undefined,
    };
  }
}

const dimension = (key: Dimension, values: readonly string[]): Expression => ({
  Dimensions: { Key: key, Values: [...values] },
});

/**
 * Reads a month's in-scope costs from Cost Explorer at the basis's metric, with the month's other services as
 * `excluded`.
 *
 * @example
 * ```ts
 * const ce = makeClient(CostExplorerClient, { region: "us-east-1" });
 * const costs = await readCostExplorerCosts(ce, { month: "2026-10", region: "us-east-1", basis: "net-amortized" });
 * ```
 * @throws {@link core!AwsError | AwsError} when a call fails; {@link core!DataSourceError | DataSourceError} when amounts come in several currencies or a
 *   group lacks the metric asked for
 */
export async function readCostExplorerCosts(
  client: CostExplorerClient,
  options: CostExplorerSourceOptions,
): Promise<CostSourceResult> {
  const basis = options.basis ?? "net-amortized";
  const metric = costExplorerMetric(basis);
  const { start, end } = monthWindow(options.month);
  const now = options.now ?? new Date();
  // Cost Explorer has data up to today; never ask past tomorrow (UTC), the exclusive end.
  const tomorrow = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  const until = end.getTime() < tomorrow.getTime() ? end : tomorrow;
  const reader = new MonthReader(
    client,
    metric,
    { Start: isoDate(start), End: isoDate(until) },
    start,
    now.getTime() < end.getTime(),
  );

  // 1–2: the whole month, AWS-billed and Marketplace-billed, by service and charge type.
  const byServiceAndRecordType = [
    { Type: "DIMENSION" as const, Key: "SERVICE" },
    { Type: "DIMENSION" as const, Key: "RECORD_TYPE" },
  ];
  const sorted = sortBilled([
    { marketplace: false, groups: await reader.groups({ Not: MARKETPLACE }, byServiceAndRecordType) },
    { marketplace: true, groups: await reader.groups(MARKETPLACE, byServiceAndRecordType) },
  ]);
  // 3–6: the usage of each in-scope service, by tag.
  const { usage, warnings } = await usageByTag(reader, sorted.usageTotals, options);

  if (reader.currencies.size > 1)
    throw new DataSourceError(
      `Cost Explorer returned ${metric} amounts in several currencies (${[...reader.currencies].sort().join(", ")}) for ${options.month}.`,
      {
        hint: "One chargeback covers one currency: run it for the accounts billed in one currency (e.g. per payer).",
      },
    );
  warnings.push(...sortedWarnings(sorted));
  const excludedList: ExcludedSummary[] = [...sorted.excluded.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([service, e]) => ({ service, lines: e.lines, cost: e.cost }));
  return {
    lines: [...usage, ...sorted.adjustments],
    currency: [...reader.currencies][0] ?? "USD",
    estimated: reader.estimated,
    basis,
    excluded: excludedList,
    ...(warnings.length > 0 ? { warnings } : {}),
    provenance: { kind: "cost-explorer", location: "GetCostAndUsage" },
  };
}

/** The filter of Marketplace-billed costs. */
const MARKETPLACE = dimension("BILLING_ENTITY", [MARKETPLACE_BILLING_ENTITY]);

/** The month's groups by service and charge type, sorted: out of scope, adjustments, and usage to read by tag. */
interface SortedGroups {
  readonly excluded: Map<string, { lines: number; cost: Decimal }>;
  readonly adjustments: CostLine[];
  /** Usage-record-type totals per in-scope `SERVICE`, to be read by tag. */
  readonly usageTotals: Map<string, { scope: Scope; cost: Decimal; groups: PeriodGroup[] }>;
  readonly unknownTypes: Set<string>;
}

/** Sorts the month's `SERVICE` × `RECORD_TYPE` groups (steps 1–2). */
function sortBilled(
  billed: readonly { marketplace: boolean; groups: readonly PeriodGroup[] }[],
): SortedGroups {
  const sorted: SortedGroups = {
    excluded: new Map(),
    adjustments: [],
    usageTotals: new Map(),
    unknownTypes: new Set(),
  };
  for (const { marketplace: isMarketplace, groups } of billed)
    for (const g of groups) {
      const [serviceName = "", recordType = ""] = g.keys;
      const scope = scopeOf(serviceName, isMarketplace);
      if (scope === undefined) {
        const e = sorted.excluded.get(serviceName) ?? { lines: 0, cost: ZERO };
        sorted.excluded.set(serviceName, { lines: e.lines + 1, cost: e.cost.plus(g.cost) });
        continue;
      }
      if (isUsageRecordType(recordType)) {
        const u = sorted.usageTotals.get(serviceName) ?? { scope, cost: ZERO, groups: [] };
        u.cost = u.cost.plus(g.cost);
        u.groups.push(g);
        sorted.usageTotals.set(serviceName, u);
        continue;
      }
      // An adjustment without money (e.g. a Savings Plan negation under an amortized metric) is no line.
      if (g.cost.isZero()) continue;
      const category = recordTypeCategory(recordType);
      if (category === undefined) sorted.unknownTypes.add(recordType);
      sorted.adjustments.push(accountLine(g, scope, recordType, category ?? "usage"));
    }
  return sorted;
}

/** What the sorting of the month's groups warns about: unknown charge types, and tax as one account-wide service. */
function sortedWarnings(sorted: SortedGroups): string[] {
  const warnings: string[] = [];
  if (sorted.unknownTypes.size > 0)
    warnings.push(
      `Cost Explorer charge types not known to smcb (${[...sorted.unknownTypes].sort().join(", ")}) of in-scope services ` +
        "were counted as untagged usage.",
    );
  const tax = sorted.excluded.get(TAX_SERVICE);
  if (tax !== undefined)
    warnings.push(
      `Cost Explorer reports the account's tax as one "${TAX_SERVICE}" service, not per service: its ` +
        `${formatMoney(tax.cost)} are listed as excluded, not as SageMaker or Bedrock tax. ` +
        "Read a CUR 2.0 or FOCUS export to charge tax back.",
    );
  return warnings;
}

/** Grouping by a tag, then by a dimension. */
const byTag = (tag: string, second: "USAGE_TYPE" | "SERVICE") => [
  { Type: "TAG" as const, Key: tag },
  { Type: "DIMENSION" as const, Key: second },
];

/** The usage-record-type filter. */
const USAGE_TYPES = dimension("RECORD_TYPE", USAGE_RECORD_TYPES);

/**
 * Steps 3–6: the usage of each in-scope service read by tag (SageMaker dedicated and shared, Bedrock, Marketplace
 * models), each compared with its total by charge type; usage of other in-scope services kept untagged.
 */
async function usageByTag(
  reader: MonthReader,
  usageTotals: SortedGroups["usageTotals"],
  options: CostExplorerSourceOptions,
): Promise<{ usage: CostLine[]; warnings: string[] }> {
  const tagKey = options.tagKey ?? DEFAULT_TAG_KEY;
  const usage: CostLine[] = [];
  const warnings: string[] = [];
  const compare = (label: string, expected: Decimal, lines: readonly CostLine[]) => {
    const got = sum(lines.map((l) => l.cost));
    // Cost Explorer rounds each group's amount (to about ten places): a difference below a cent is its rounding.
    if (got.minus(expected).abs().gte(CENT))
      warnings.push(
        `Cost Explorer's ${label} usage by tag (${formatMoney(got)}) differs from its total by charge type ` +
          `(${formatMoney(expected)}) by ${formatMoney(got.minus(expected))}; the lines by tag are used. ` +
          "Cost Explorer data may have changed between the calls: run the chargeback again.",
      );
    usage.push(...lines);
  };
  const sageMaker = usageTotals.get(COST_EXPLORER_SERVICES.sageMaker);
  if (sageMaker) {
    const service = dimension("SERVICE", [COST_EXPLORER_SERVICES.sageMaker]);
    const noSharedTag: Expression = { Tags: { Key: SHARED_ENDPOINT_TAG_KEY, MatchOptions: ["ABSENT"] } };
    const dedicated = (
      await reader.groups({ And: [service, USAGE_TYPES, noSharedTag] }, byTag(tagKey, "USAGE_TYPE"))
    ).map((g) => tagLine(g, sageMaker.scope, tagKey, g.keys[1] ?? ""));
    const shared = (
      await reader.groups(
        { And: [service, USAGE_TYPES, { Not: noSharedTag }] },
        byTag(SHARED_ENDPOINT_TAG_KEY, "USAGE_TYPE"),
      )
    ).map((g) => sharedLine(g, sageMaker.scope, options.region, options.accountId ?? ""));
    compare(COST_EXPLORER_SERVICES.sageMaker, sageMaker.cost, [...dedicated, ...shared]);
  }
  const bedrock = usageTotals.get(COST_EXPLORER_SERVICES.bedrock);
  if (bedrock) {
    const lines = (
      await reader.groups(
        { And: [dimension("SERVICE", [COST_EXPLORER_SERVICES.bedrock]), USAGE_TYPES] },
        byTag(tagKey, "USAGE_TYPE"),
      )
    ).map((g) => tagLine(g, bedrock.scope, tagKey, g.keys[1] ?? ""));
    compare(COST_EXPLORER_SERVICES.bedrock, bedrock.cost, lines);
  }
  const models = [...usageTotals.entries()].filter(([, u]) => u.scope.productName !== undefined);
  if (models.length > 0) {
    const names = models.map(([name]) => name).sort();
    const lines = (
      await reader.groups(
        { And: [MARKETPLACE, dimension("SERVICE", names), USAGE_TYPES] },
        byTag(tagKey, "SERVICE"),
      )
    ).map((g) => {
      const name = g.keys[1] ?? "";
      const scope = scopeOf(name, true) ?? { service: "AmazonBedrock", productCode: name, productName: name };
      return tagLine(g, scope, tagKey, "");
    });
    compare(`Marketplace Bedrock models' (${names.join(", ")})`, sum(models.map(([, u]) => u.cost)), lines);
  }
  // Usage rows of an in-scope service not read by tag (e.g. usage under the Savings Plans fee service): kept, untagged.
  for (const [name, u] of usageTotals)
    if (
      name !== COST_EXPLORER_SERVICES.sageMaker &&
      name !== COST_EXPLORER_SERVICES.bedrock &&
      u.scope.productName === undefined
    )
      for (const g of u.groups)
        if (!g.cost.isZero()) usage.push(accountLine(g, u.scope, g.keys[1] ?? "", "usage"));
  return { usage, warnings };
}

/** A line of one `SERVICE` × `RECORD_TYPE` group: no resource, no tags. */
function accountLine(g: PeriodGroup, scope: Scope, recordType: string, category: CostCategory): CostLine {
  return {
    usageStart: g.usageStart,
    service: scope.service,
    category,
    lineItemType: recordType,
    productCode: scope.productCode,
    ...(scope.productName !== undefined ? { productName: scope.productName } : {}),
    usageType: "",
    resourceId: null,
    usageAmount: ZERO,
    cost: g.cost,
    tags: {},
  };
}

/** A usage line of a LOB-tag group (its usage record types together: Cost Explorer groups by two keys at most). */
function tagLine(g: PeriodGroup, scope: Scope, tagKey: string, usageType: string): CostLine {
  const value = tagValue(g.keys[0] ?? "", tagKey);
  return {
    usageStart: g.usageStart,
    service: scope.service,
    category: "usage",
    lineItemType: "Usage",
    productCode: scope.productCode,
    ...(scope.productName !== undefined ? { productName: scope.productName } : {}),
    usageType,
    resourceId: null,
    usageAmount: g.quantity,
    cost: g.cost,
    tags: value === "" ? {} : { [`user_${tagKey}`]: value },
    ...(g.quantityUnit !== undefined ? { unit: g.quantityUnit } : {}),
  };
}

/** A usage line of a `SharedEndpoint` group, with the endpoint's ARN. */
function sharedLine(g: PeriodGroup, scope: Scope, region: string, account: string): CostLine {
  const name = tagValue(g.keys[0] ?? "", SHARED_ENDPOINT_TAG_KEY);
  return {
    usageStart: g.usageStart,
    service: scope.service,
    category: "usage",
    lineItemType: "Usage",
    productCode: scope.productCode,
    usageType: g.keys[1] ?? "",
    resourceId: name === "" ? null : `arn:aws:sagemaker:${region}:${account}:endpoint/${name}`,
    usageAmount: g.quantity,
    cost: g.cost,
    tags: name === "" ? {} : { [`user_${SHARED_ENDPOINT_TAG_KEY}`]: name },
    ...(g.quantityUnit !== undefined ? { unit: g.quantityUnit } : {}),
  };
}
