import { CostExplorerClient, GetCostAndUsageCommand } from "@aws-sdk/client-cost-explorer";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { readCostExplorerCosts } from "../../../../chargeback/sources/cost-explorer.js";
import { AwsError, DataSourceError } from "../../../../core/errors.js";
import { fakeCostExplorer } from "../../../support/cost-explorer-fake.js";

const ended = new Date("2026-11-20T12:00:00Z");
let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

describe("readCostExplorerCosts", () => {
  it("makes 3 calls for a month with 200 LOBs, grouped by tag and usage type", async () => {
    const fake = fakeCostExplorer(200, 20);
    restore = fake.restore;
    const out = await readCostExplorerCosts(fake.client, {
      month: "2026-10",
      region: "eu-west-1",
      now: ended,
    });
    expect(fake.requests).toHaveLength(3);
    expect(out.lines).toHaveLength(200 + 200 + 20);
    for (const r of fake.requests) {
      expect(r.TimePeriod).toEqual({ Start: "2026-10-01", End: "2026-11-01" });
      expect(r.Granularity).toBe("MONTHLY");
      expect(r.Metrics).toEqual(["UnblendedCost", "UsageQuantity"]);
      expect(r.GroupBy?.[1]).toEqual({ Type: "DIMENSION", Key: "USAGE_TYPE" });
    }
    expect(fake.requests.map((r) => r.GroupBy?.[0])).toEqual([
      { Type: "TAG", Key: "LineOfBusiness" },
      { Type: "TAG", Key: "LineOfBusiness" },
      { Type: "TAG", Key: "SharedEndpoint" },
    ]);
    const absent = { Tags: { Key: "SharedEndpoint", MatchOptions: ["ABSENT"] } };
    const sm = { Dimensions: { Key: "SERVICE", Values: ["Amazon SageMaker"] } };
    expect(fake.requests.map((r) => r.Filter)).toEqual([
      { And: [sm, absent] },
      { Dimensions: { Key: "SERVICE", Values: ["Amazon Bedrock"] } },
      { And: [sm, { Not: absent }] },
    ]);
    expect(out.lines.at(-1)?.resourceId).toBe("arn:aws:sagemaker:eu-west-1::endpoint/shared-19");
    expect(out.estimated).toBe(false);
  });

  it("reads every page: calls = 3 + extra pages", async () => {
    const fake = fakeCostExplorer(250, 20, 100);
    restore = fake.restore;
    const out = await readCostExplorerCosts(fake.client, {
      month: "2026-10",
      region: "us-east-1",
      now: ended,
    });
    // 250 groups → 3 pages, twice; 20 shared groups → 1 page.
    expect(fake.requests).toHaveLength(7);
    expect(out.lines).toHaveLength(520);
  });

  it("uses the configured tag key, services and account", async () => {
    const fake = fakeCostExplorer(2, 1);
    restore = fake.restore;
    const out = await readCostExplorerCosts(fake.client, {
      month: "2026-10",
      region: "us-east-1",
      accountId: "111122223333",
      tagKey: "CostCenter",
      bedrockServices: ["Amazon Bedrock", "Claude 3.5 Sonnet (Amazon Bedrock Edition)"],
      now: ended,
    });
    expect(fake.requests[0]?.GroupBy?.[0]).toEqual({ Type: "TAG", Key: "CostCenter" });
    expect(fake.requests[1]?.Filter?.Dimensions?.Values).toHaveLength(2);
    expect(out.lines[0]?.tags).toEqual({ user_CostCenter: "lob-0" });
    expect(out.lines.at(-1)?.resourceId).toBe("arn:aws:sagemaker:us-east-1:111122223333:endpoint/shared-0");
  });

  it("flags the current month estimated and asks only up to tomorrow", async () => {
    const fake = fakeCostExplorer(1, 0);
    restore = fake.restore;
    const out = await readCostExplorerCosts(fake.client, {
      month: "2026-11",
      region: "us-east-1",
      now: new Date("2026-11-20T12:00:00Z"),
    });
    expect(out.estimated).toBe(true);
    expect(fake.requests[0]?.TimePeriod).toEqual({ Start: "2026-11-01", End: "2026-11-21" });
  });

  it("keeps Cost Explorer's Estimated flag", async () => {
    const mock = mockClient(CostExplorerClient);
    restore = () => mock.restore();
    mock.on(GetCostAndUsageCommand).resolves({ ResultsByTime: [{ Groups: [], Estimated: true }] });
    const out = await readCostExplorerCosts(new CostExplorerClient({ region: "us-east-1" }), {
      month: "2026-10",
      region: "us-east-1",
      now: ended,
    });
    expect(out.estimated).toBe(true);
  });

  it("wraps SDK errors as AwsError (exit 3) and rejects mixed currencies", async () => {
    const mock = mockClient(CostExplorerClient);
    restore = () => mock.restore();
    const client = new CostExplorerClient({ region: "us-east-1" });
    mock
      .on(GetCostAndUsageCommand)
      .rejects(Object.assign(new Error("no access"), { name: "AccessDeniedException" }));
    const failed = readCostExplorerCosts(client, { month: "2026-10", region: "us-east-1", now: ended });
    await expect(failed).rejects.toBeInstanceOf(AwsError);
    await expect(failed).rejects.toThrow(/GetCostAndUsage failed: AccessDeniedException/);

    mock.reset();
    const g = (unit: string) => ({
      Keys: ["LineOfBusiness$a", "X"],
      Metrics: { UnblendedCost: { Amount: "1", Unit: unit }, UsageQuantity: { Amount: "1", Unit: "Hrs" } },
    });
    mock.on(GetCostAndUsageCommand).resolves({ ResultsByTime: [{ Groups: [g("USD"), g("EUR")] }] });
    await expect(
      readCostExplorerCosts(client, { month: "2026-10", region: "us-east-1", now: ended }),
    ).rejects.toBeInstanceOf(DataSourceError);
  });
});
