/**
 * The Cost Explorer cost source (docs/contracts.md#cost-input-the-real-bill "Cost Explorer"), against a fake Cost Explorer that answers from a month
 * of billing items (test/support/cost-explorer-fake.ts, where the facts about record types, billing entities and
 * metrics are cited) and refuses what the real API refuses.
 *
 * Request and response shapes are checked against botocore's model of the API
 * (`botocore/data/ce/2017-10-25/service-2.json`): members, enums (`Dimension`, `GroupDefinitionType`,
 * `MatchOption`, `Granularity`), patterns (`YearMonthDay`); the metric names and `GroupBy` dimensions against the
 * lists in the model's `GetCostAndUsageRequest` documentation.
 */
import { CostExplorerClient, GetCostAndUsageCommand } from "@aws-sdk/client-cost-explorer";
import { mockClient } from "aws-sdk-client-mock";
import fc from "fast-check";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { COST_BASES, type CostBasis, type CostLine } from "../../../../chargeback/model.js";
import {
  COST_EXPLORER_METRICS,
  costExplorerMetric,
  readCostExplorerCosts,
  recordTypeCategory,
} from "../../../../chargeback/sources/cost-explorer.js";
import { AwsError, DataSourceError, ExitCode } from "../../../../core/errors.js";
import { Decimal, formatMoney, sum } from "../../../../core/money.js";
import { type ApiModel, loadApiModel, shapeProblems } from "../../../support/api-model.js";
import {
  type CeItem,
  EXPECTED_EXCLUDED,
  EXPECTED_IN_SCOPE_TOTAL,
  expectedLines,
  FAKE_GROUP_BY_DIMENSIONS,
  FAKE_METRICS,
  type FakeCostExplorer,
  fakeCostExplorer,
  fakeCostExplorerOf,
  MONTH_ITEMS,
} from "../../../support/cost-explorer-fake.js";

const ended = new Date("2026-11-20T12:00:00Z");
const base = { month: "2026-10", region: "us-east-1", accountId: "111122223333", now: ended } as const;
let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});
function install(fake: FakeCostExplorer): FakeCostExplorer {
  restore = fake.restore;
  return fake;
}

const plain = (l: CostLine) => ({
  service: l.service,
  category: l.category,
  lineItemType: l.lineItemType,
  productCode: l.productCode,
  ...(l.productName !== undefined ? { productName: l.productName } : {}),
  usageType: l.usageType,
  resourceId: l.resourceId,
  usageAmount: l.usageAmount.toString(),
  cost: formatMoney(l.cost),
  tags: l.tags,
  ...(l.unit !== undefined ? { unit: l.unit } : {}),
});

/** The total of `items` at a metric, exact. */
function itemsTotal(items: readonly CeItem[], metric: string): Decimal {
  return sum(
    items.map(
      (i) =>
        new Decimal(typeof i.cost === "string" ? i.cost : ((i.cost as Record<string, string>)[metric] ?? "")),
    ),
  );
}

let model: ApiModel;
beforeAll(() => {
  model = loadApiModel("ce");
});

/** The values a `GetCostAndUsageRequest` member's documentation lists after "Valid values …" (HTML stripped). */
function documentedList(member: "Metrics" | "GroupBy"): string[] {
  const members = model.shapes.GetCostAndUsageRequest?.members as
    | Record<string, { documentation?: string }>
    | undefined;
  const doc = (members?.[member]?.documentation ?? "").replace(/<[^>]+>/g, "");
  const m =
    member === "Metrics"
      ? /Valid values are (.*?)\.\s/.exec(doc)
      : /Valid values for the DIMENSION type are (.*?)\.\s/.exec(doc);
  return (m?.[1] ?? "")
    .replace(/, and /, ", ")
    .split(/,\s*/)
    .map((s) => s.trim());
}

describe("the fake Cost Explorer follows botocore's model", () => {
  it("takes the documented metrics and GroupBy dimensions, no others", () => {
    expect([...FAKE_METRICS].sort()).toEqual(documentedList("Metrics").sort());
    expect([...FAKE_GROUP_BY_DIMENSIONS].sort()).toEqual(documentedList("GroupBy").sort());
    // Every metric the source asks for is one of them.
    for (const m of Object.values(COST_EXPLORER_METRICS)) expect(FAKE_METRICS).toContain(m);
  });
});

describe("readCostExplorerCosts: the metric follows the basis", () => {
  it.each(COST_BASES)("%s asks every call for its metric and reads its amounts", async (basis) => {
    const fake = install(fakeCostExplorerOf(MONTH_ITEMS));
    const out = await readCostExplorerCosts(fake.client, { ...base, basis });
    const metric = costExplorerMetric(basis);
    expect(fake.requests.length).toBeGreaterThan(0);
    for (const r of fake.requests) expect(r.Metrics).toEqual([metric, "UsageQuantity"]);
    expect(out.basis).toBe(basis);
    expect(out.lines.map(plain)).toEqual(expectedLines(basis));
    expect(out.excluded.map((e) => ({ ...e, cost: formatMoney(e.cost) }))).toEqual(EXPECTED_EXCLUDED);
    // Every dollar of the month once: in-scope lines plus excluded equal the whole month at the metric.
    const inScope = sum(out.lines.map((l) => l.cost));
    expect(formatMoney(inScope)).toBe(EXPECTED_IN_SCOPE_TOTAL);
    expect(inScope.plus(sum(out.excluded.map((e) => e.cost))).equals(itemsTotal(MONTH_ITEMS, metric))).toBe(
      true,
    );
    expect(out.provenance).toEqual({ kind: "cost-explorer", location: "GetCostAndUsage" });
    expect(out.currency).toBe("USD");
    expect(out.estimated).toBe(false);
  });

  it("maps each basis to its metric and defaults to net amortized", async () => {
    expect(COST_BASES.map(costExplorerMetric)).toEqual([
      "NetAmortizedCost",
      "AmortizedCost",
      "NetUnblendedCost",
      "UnblendedCost",
    ]);
    const fake = install(fakeCostExplorerOf(MONTH_ITEMS));
    const out = await readCostExplorerCosts(fake.client, base);
    expect(out.basis).toBe("net-amortized");
    expect(fake.requests[0]?.Metrics?.[0]).toBe("NetAmortizedCost");
  });
});

describe("readCostExplorerCosts: queries", () => {
  it("asks the month by SERVICE × RECORD_TYPE (AWS, then Marketplace), then each service's usage by tag", async () => {
    const fake = install(fakeCostExplorerOf(MONTH_ITEMS));
    await readCostExplorerCosts(fake.client, { ...base, basis: "unblended" });
    const mp = { Dimensions: { Key: "BILLING_ENTITY", Values: ["AWS Marketplace"] } };
    const usageTypes = {
      Dimensions: { Key: "RECORD_TYPE", Values: ["Usage", "SavingsPlanCoveredUsage", "DiscountedUsage"] },
    };
    const sm = { Dimensions: { Key: "SERVICE", Values: ["Amazon SageMaker"] } };
    const absent = { Tags: { Key: "SharedEndpoint", MatchOptions: ["ABSENT"] } };
    const byRecordType = [
      { Type: "DIMENSION", Key: "SERVICE" },
      { Type: "DIMENSION", Key: "RECORD_TYPE" },
    ];
    expect(fake.requests.map((r) => ({ Filter: r.Filter, GroupBy: r.GroupBy }))).toEqual([
      { Filter: { Not: mp }, GroupBy: byRecordType },
      { Filter: mp, GroupBy: byRecordType },
      {
        Filter: { And: [sm, usageTypes, absent] },
        GroupBy: [
          { Type: "TAG", Key: "LineOfBusiness" },
          { Type: "DIMENSION", Key: "USAGE_TYPE" },
        ],
      },
      {
        Filter: { And: [sm, usageTypes, { Not: absent }] },
        GroupBy: [
          { Type: "TAG", Key: "SharedEndpoint" },
          { Type: "DIMENSION", Key: "USAGE_TYPE" },
        ],
      },
      {
        Filter: { And: [{ Dimensions: { Key: "SERVICE", Values: ["Amazon Bedrock"] } }, usageTypes] },
        GroupBy: [
          { Type: "TAG", Key: "LineOfBusiness" },
          { Type: "DIMENSION", Key: "USAGE_TYPE" },
        ],
      },
      {
        // The Marketplace models found by BILLING_ENTITY in the second call, asked by their exact SERVICE.
        Filter: {
          And: [
            mp,
            { Dimensions: { Key: "SERVICE", Values: ["Claude Sonnet 4.5 (Amazon Bedrock Edition)"] } },
            usageTypes,
          ],
        },
        GroupBy: [
          { Type: "TAG", Key: "LineOfBusiness" },
          { Type: "DIMENSION", Key: "SERVICE" },
        ],
      },
    ]);
    for (const r of fake.requests) {
      expect(r.TimePeriod).toEqual({ Start: "2026-10-01", End: "2026-11-01" });
      expect(r.Granularity).toBe("MONTHLY");
    }
  });

  it("conforms to botocore's model: every request and every answer", async () => {
    const fake = install(fakeCostExplorerOf(MONTH_ITEMS, { groupsPerPage: 2 }));
    await readCostExplorerCosts(fake.client, { ...base, basis: "amortized" });
    const problems = [
      ...fake.requests.flatMap((r) => shapeProblems(model, "GetCostAndUsage", "input", r)),
      ...fake.responses.flatMap((r) => shapeProblems(model, "GetCostAndUsage", "output", r)),
    ];
    expect(problems).toEqual([]);
    // The checker does catch a bad request (so the empty list above means something).
    expect(
      shapeProblems(model, "GetCostAndUsage", "input", {
        ...fake.requests[0],
        GroupBy: [{ Type: "DIMENSIONS", Key: "SERVICE" }],
      }),
    ).not.toEqual([]);
  });

  it("makes 6 calls for a month with 200 LOBs and 20 shared endpoints, whatever the number of LOBs (pages aside)", async () => {
    for (const [lobs, calls] of [
      [1, 6],
      [200, 6],
      // 2000 tag groups are two pages of 1000 for each of dedicated SageMaker, Bedrock and Claude.
      [2000, 9],
    ] as const) {
      const fake = install(fakeCostExplorer(lobs, 20));
      const out = await readCostExplorerCosts(fake.client, { ...base, basis: "net-amortized" });
      expect(fake.requests.filter((r) => r.NextPageToken === undefined)).toHaveLength(6);
      expect(fake.requests).toHaveLength(calls);
      // Per LOB: training, Bedrock, Claude; per endpoint: hosting.
      expect(out.lines.filter((l) => l.category === "usage")).toHaveLength(lobs * 3 + 20);
      expect(out.lines.filter((l) => l.tags.user_LineOfBusiness === `lob-${lobs - 1}`)).toHaveLength(3);
      fake.restore();
      restore = undefined;
    }
  });

  it("asks only what the month holds: no tag calls for services without usage", async () => {
    const only: CeItem[] = [
      {
        service: "Amazon SageMaker",
        recordType: "Usage",
        usageType: "USE1-Train:ml.m5.xlarge",
        cost: "5.00",
      },
      { service: "Amazon EC2", recordType: "Usage", cost: "1.00" },
    ];
    const fake = install(fakeCostExplorerOf(only));
    const out = await readCostExplorerCosts(fake.client, base);
    expect(fake.requests).toHaveLength(4); // two by record type, dedicated and shared SageMaker
    expect(out.lines.map((l) => formatMoney(l.cost))).toEqual(["5.00"]);

    restore?.();
    const empty = install(fakeCostExplorerOf([]));
    const none = await readCostExplorerCosts(empty.client, base);
    expect(empty.requests).toHaveLength(2);
    expect(none.lines).toEqual([]);
    expect(none.excluded).toEqual([]);
  });

  it("reads every page: calls = 6 + extra pages, same lines as one page", async () => {
    const whole = install(fakeCostExplorer(250, 20));
    const once = await readCostExplorerCosts(whole.client, base);
    whole.restore();
    const paged = install(fakeCostExplorer(250, 20, 100));
    const out = await readCostExplorerCosts(paged.client, base);
    // By record type: AWS 10 groups, Marketplace 1; dedicated 250 → 3 pages; shared 20; Bedrock 250 → 3; Claude 250 → 3.
    expect(paged.requests).toHaveLength(1 + 1 + 3 + 1 + 3 + 3);
    expect(paged.requests.filter((r) => r.NextPageToken !== undefined)).toHaveLength(6);
    expect(out.lines.map(plain)).toEqual(once.lines.map(plain));
  });

  it("uses the configured tag key and account", async () => {
    const items: CeItem[] = [
      {
        service: "Amazon SageMaker",
        recordType: "Usage",
        usageType: "USE1-Train:ml.m5.xlarge",
        tags: { CostCenter: "cc-7" },
        cost: "2.00",
      },
      {
        service: "Amazon SageMaker",
        recordType: "Usage",
        usageType: "USE1-Host:ml.m5.xlarge",
        tags: { SharedEndpoint: "shared-0" },
        cost: "3.00",
        quantity: "1",
      },
    ];
    const fake = install(fakeCostExplorerOf(items));
    const out = await readCostExplorerCosts(fake.client, {
      month: "2026-10",
      region: "eu-west-1",
      accountId: "444455556666",
      tagKey: "CostCenter",
      now: ended,
    });
    expect(fake.requests[2]?.GroupBy?.[0]).toEqual({ Type: "TAG", Key: "CostCenter" });
    expect(out.lines[0]?.tags).toEqual({ user_CostCenter: "cc-7" });
    expect(out.lines[1]?.resourceId).toBe("arn:aws:sagemaker:eu-west-1:444455556666:endpoint/shared-0");
  });
});

describe("readCostExplorerCosts: record types, Marketplace, excluded", () => {
  it("maps RECORD_TYPE values to categories as DESIGN §3.4 maps CUR line item types", () => {
    const cases: Record<string, string | undefined> = {
      Usage: "usage",
      SavingsPlanCoveredUsage: "usage",
      DiscountedUsage: "usage",
      Tax: "tax",
      Credit: "credit",
      Refund: "refund",
      "Enterprise Discount Program Discount": "discount",
      BundledDiscount: "discount",
      PrivateRateDiscount: "discount",
      "Private Rate Card Discount": "discount",
      "Solution Provider Program Discount": "discount",
      "Distributor Discount": "discount",
      SavingsPlanNegation: "commitment",
      SavingsPlanRecurringFee: "commitment",
      SavingsPlanUpfrontFee: "commitment",
      RIFee: "commitment",
      Fee: undefined,
      FlatRateSubscription: undefined,
    };
    for (const [type, category] of Object.entries(cases))
      expect([type, recordTypeCategory(type)]).toEqual([type, category]);
  });

  it("lands a Marketplace Claude group (BILLING_ENTITY AWS Marketplace) as Bedrock with its tag", async () => {
    const fake = install(fakeCostExplorerOf(MONTH_ITEMS));
    const out = await readCostExplorerCosts(fake.client, base);
    const claude = out.lines.filter((l) => l.productName === "Claude Sonnet 4.5 (Amazon Bedrock Edition)");
    expect(claude.map((l) => [l.service, l.tags, formatMoney(l.cost)])).toEqual([
      ["AmazonBedrock", { user_LineOfBusiness: "retail" }, "250.00"],
      ["AmazonBedrock", {}, "50.00"],
    ]);
  });

  it("does not take a Bedrock Edition name billed by AWS for Marketplace, nor another Marketplace product", async () => {
    const items: CeItem[] = [
      // Same name, but AWS-billed: not a Marketplace model, so outside the scope.
      { service: "Mystery (Amazon Bedrock Edition)", recordType: "Usage", cost: "4.00" },
      { service: "Acme Firewall", billingEntity: "AWS Marketplace", recordType: "Usage", cost: "9.00" },
      { service: "Acme Firewall", billingEntity: "AWS Marketplace", recordType: "Refund", cost: "-1.00" },
    ];
    const fake = install(fakeCostExplorerOf(items));
    const out = await readCostExplorerCosts(fake.client, base);
    expect(out.lines).toEqual([]);
    expect(out.excluded.map((e) => [e.service, e.lines, formatMoney(e.cost)])).toEqual([
      ["Acme Firewall", 2, "8.00"],
      ["Mystery (Amazon Bedrock Edition)", 1, "4.00"],
    ]);
    expect(fake.requests).toHaveLength(2);
  });

  it("says that Cost Explorer's tax is the account's, listed as excluded", async () => {
    const fake = install(fakeCostExplorerOf(MONTH_ITEMS));
    const out = await readCostExplorerCosts(fake.client, base);
    expect(out.warnings).toEqual([
      'Cost Explorer reports the account\'s tax as one "Tax" service, not per service: its 95.00 are listed as ' +
        "excluded, not as SageMaker or Bedrock tax. Read a CUR 2.0 or FOCUS export to charge tax back.",
    ]);
  });

  it("keeps record types it does not know as untagged usage, and says so", async () => {
    const items: CeItem[] = [
      { service: "Amazon Bedrock", recordType: "FlatRateSubscription", cost: "20.00" },
      { service: "Savings Plans for AWS Machine Learning", recordType: "Usage", cost: "1.00" },
    ];
    const fake = install(fakeCostExplorerOf(items));
    const out = await readCostExplorerCosts(fake.client, base);
    expect(
      out.lines.map((l) => [l.service, l.productCode, l.category, l.lineItemType, formatMoney(l.cost)]),
    ).toEqual([
      ["AmazonSageMaker", "MachineLearningSavingsPlans", "usage", "Usage", "1.00"],
      ["AmazonBedrock", "AmazonBedrock", "usage", "FlatRateSubscription", "20.00"],
    ]);
    expect(out.warnings).toEqual([
      "Cost Explorer charge types not known to smcb (FlatRateSubscription) of in-scope services were counted as " +
        "untagged usage.",
    ]);
  });
});

describe("readCostExplorerCosts: estimated, currencies, errors", () => {
  it("flags the current month estimated and asks only up to tomorrow", async () => {
    const fake = install(fakeCostExplorerOf(MONTH_ITEMS));
    const out = await readCostExplorerCosts(fake.client, {
      ...base,
      month: "2026-11",
      now: new Date("2026-11-20T12:00:00Z"),
    });
    expect(out.estimated).toBe(true);
    expect(fake.requests[0]?.TimePeriod).toEqual({ Start: "2026-11-01", End: "2026-11-21" });
  });

  it("keeps Cost Explorer's Estimated flag for a closed month", async () => {
    const fake = install(fakeCostExplorerOf(MONTH_ITEMS, { estimated: true }));
    expect((await readCostExplorerCosts(fake.client, base)).estimated).toBe(true);
  });

  it("refuses amounts in several currencies (DataSourceError, exit 3)", async () => {
    const items: CeItem[] = [
      { service: "Amazon SageMaker", recordType: "Usage", cost: "1.00", currency: "USD" },
      { service: "Amazon EC2", recordType: "Usage", cost: "1.00", currency: "EUR" },
    ];
    const fake = install(fakeCostExplorerOf(items));
    const err = await readCostExplorerCosts(fake.client, base).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataSourceError);
    expect((err as DataSourceError).exitCode).toBe(ExitCode.DataSource);
    expect((err as DataSourceError).message).toBe(
      "Cost Explorer returned NetAmortizedCost amounts in several currencies (EUR, USD) for 2026-10.",
    );
    expect((err as DataSourceError).hint).toMatch(/one currency/);
  });

  it("wraps SDK errors as AwsError (exit 3) and refuses a group without the metric", async () => {
    const mock = mockClient(CostExplorerClient);
    restore = () => mock.restore();
    const client = new CostExplorerClient({ region: "us-east-1" });
    mock
      .on(GetCostAndUsageCommand)
      .rejects(Object.assign(new Error("no access"), { name: "AccessDeniedException" }));
    const failed = readCostExplorerCosts(client, base);
    await expect(failed).rejects.toBeInstanceOf(AwsError);
    await expect(failed).rejects.toThrow(/GetCostAndUsage failed: AccessDeniedException/);

    mock.reset();
    mock.on(GetCostAndUsageCommand).resolves({
      ResultsByTime: [
        { Groups: [{ Keys: ["Amazon SageMaker", "Usage"], Metrics: { UnblendedCost: { Amount: "1" } } }] },
      ],
    });
    await expect(readCostExplorerCosts(client, base)).rejects.toThrow(
      "Cost Explorer returned a group (Amazon SageMaker, Usage) without the NetAmortizedCost metric it was asked for.",
    );
  });

  it("warns when a service's usage by tag differs from its total by record type", async () => {
    const mock = mockClient(CostExplorerClient);
    restore = () => mock.restore();
    const client = new CostExplorerClient({ region: "us-east-1" });
    const group = (keys: string[], amount: string) => ({
      Keys: keys,
      Metrics: {
        NetAmortizedCost: { Amount: amount, Unit: "USD" },
        UsageQuantity: { Amount: "0", Unit: "N/A" },
      },
    });
    const answers = [
      [group(["Amazon SageMaker", "Usage"], "10.00")],
      [],
      [group(["LineOfBusiness$retail", "USE1-Train:ml.m5.xlarge"], "9.50")],
      [],
    ];
    let call = 0;
    mock.on(GetCostAndUsageCommand).callsFake(() => ({ ResultsByTime: [{ Groups: answers[call++] ?? [] }] }));
    const out = await readCostExplorerCosts(client, base);
    expect(call).toBe(4);
    expect(out.warnings).toEqual([
      "Cost Explorer's Amazon SageMaker usage by tag (9.50) differs from its total by charge type (10.00) by " +
        "-0.50; the lines by tag are used. Cost Explorer data may have changed between the calls: run the " +
        "chargeback again.",
    ]);
  });
});

/** Every basis of any month reconciles to the month (fast-check). */
describe("readCostExplorerCosts: conservation", () => {
  const services = [
    ["Amazon SageMaker", "AWS"],
    ["Savings Plans for AWS Machine Learning", "AWS"],
    ["Amazon Bedrock", "AWS"],
    ["Claude Haiku 4.5 (Amazon Bedrock Edition)", "AWS Marketplace"],
    ["Acme (Amazon Bedrock Edition)", "AWS"],
    ["Acme Firewall", "AWS Marketplace"],
    ["Amazon S3", "AWS"],
    ["Tax", "AWS"],
  ] as const;
  const types = [
    "Usage",
    "SavingsPlanCoveredUsage",
    "SavingsPlanNegation",
    "Credit",
    "BundledDiscount",
    "Fee",
  ];
  const money = fc
    .tuple(fc.integer({ min: -500_000, max: 2_000_000 }), fc.integer({ min: 0, max: 9_999 }))
    .map(([units, ten]) => new Decimal(units).plus(new Decimal(ten).div(10_000)).toString());
  const tagsOf = (tag: string | undefined): Record<string, string> => {
    if (tag === undefined) return {};
    return tag.startsWith("shared:")
      ? { SharedEndpoint: tag.slice("shared:".length) }
      : { LineOfBusiness: tag };
  };
  const item: fc.Arbitrary<CeItem> = fc
    .record({
      service: fc.constantFrom(...services),
      recordType: fc.constantFrom(...types),
      usageType: fc.constantFrom("USE1-Host:ml.g5.2xlarge", "USE1-Train:ml.m5.xlarge", "USE1-X-input-tokens"),
      tag: fc.constantFrom(undefined, "lob-a", "lob-b", "shared:ep-1"),
      cost: fc.record({
        UnblendedCost: money,
        NetUnblendedCost: money,
        AmortizedCost: money,
        NetAmortizedCost: money,
        BlendedCost: money,
      }),
      quantity: fc.nat({ max: 1000 }).map(String),
    })
    .map(({ service: pair, tag, ...rest }) => ({
      ...rest,
      service: pair[0],
      billingEntity: pair[1],
      tags: tagsOf(tag),
    }));

  it("in-scope lines + excluded = the whole month at the basis's metric, at most 6 calls, pages aside", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(item, { maxLength: 40 }),
        fc.constantFrom(...(COST_BASES as readonly CostBasis[])),
        fc.integer({ min: 1, max: 5 }),
        async (items, basis, groupsPerPage) => {
          const fake = fakeCostExplorerOf(items, { groupsPerPage });
          try {
            const out = await readCostExplorerCosts(fake.client, { ...base, basis });
            const got = sum(out.lines.map((l) => l.cost)).plus(sum(out.excluded.map((e) => e.cost)));
            expect(got.toString()).toBe(itemsTotal(items, costExplorerMetric(basis)).toString());
            expect(fake.requests.filter((r) => r.NextPageToken === undefined).length).toBeLessThanOrEqual(6);
            expect(out.warnings?.some((w) => w.includes("differs"))).not.toBe(true);
          } finally {
            fake.restore();
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
