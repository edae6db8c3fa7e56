import { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { readCloudWatchUsage } from "../../../../chargeback/sources/cloudwatch-usage.js";
import { DataSourceError } from "../../../../core/errors.js";
import { fakeCloudWatch } from "../../../support/cloudwatch-fake.js";

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

describe("readCloudWatchUsage", () => {
  for (const n of [1, 500, 501, 1234]) {
    it(`makes ⌈N/500⌉ GetMetricData calls for N = ${n} series (listed twice each)`, async () => {
      const fake = fakeCloudWatch(n);
      restore = fake.restore;
      const out = await readCloudWatchUsage(fake.client, { month: "2026-10" });
      expect(fake.dataCalls).toHaveLength(Math.ceil(n / 500));
      expect(fake.listCalls).toHaveLength(Math.ceil((2 * n) / 500));
      const queries = fake.dataCalls.flatMap((c) => c.MetricDataQueries ?? []);
      expect(queries).toHaveLength(n);
      for (const c of fake.dataCalls) {
        expect(c.StartTime).toEqual(new Date("2026-10-01T00:00:00Z"));
        expect(c.EndTime).toEqual(new Date("2026-11-01T00:00:00Z"));
        expect(c.MetricDataQueries?.length).toBeLessThanOrEqual(500);
        for (const q of c.MetricDataQueries ?? []) {
          expect(q.Expression).toBeUndefined();
          expect(q.MetricStat).toMatchObject({ Period: 86400, Stat: "Sum" });
          expect(q.Id).toMatch(/^[a-z][a-zA-Z0-9_]*$/);
        }
      }
      // every series' two daily values summed: 3 per series
      const total = out.usage.reduce((s, u) => s + u.invocations + u.inputTokens + u.outputTokens, 0);
      expect(total).toBe(3 * n);
    });
  }

  it("reads every page of a batch: calls = batches × pages", async () => {
    const fake = fakeCloudWatch(1000, 200);
    restore = fake.restore;
    const progress: string[] = [];
    const out = await readCloudWatchUsage(fake.client, {
      month: "2026-10",
      onProgress: (m) => progress.push(m),
    });
    expect(progress).toEqual([
      "CloudWatch: read 500 of 1000 SMChargeback usage series",
      "CloudWatch: read 1000 of 1000 SMChargeback usage series",
    ]);
    expect(fake.dataCalls).toHaveLength(2 * 3); // 2 batches of 500, 3 pages each (200, 200, 100)
    const total = out.usage.reduce((s, u) => s + u.invocations + u.inputTokens + u.outputTokens, 0);
    expect(total).toBe(3000);
  });

  it("reads hourly endpoints with Period 3600, still ⌈N/500⌉ queries a call and every page, each hour kept", async () => {
    const fake = fakeCloudWatch(1000, 200);
    restore = fake.restore;
    const out = await readCloudWatchUsage(fake.client, { month: "2026-10", hourlyEndpoints: ["shared-0"] });
    expect(fake.dataCalls).toHaveLength(2 * 3); // 2 batches of 500, 3 pages each
    for (const call of fake.dataCalls) expect(call.MetricDataQueries?.length).toBe(500);
    const periods = fake.dataCalls[0]?.MetricDataQueries?.map((q) => [
      q.MetricStat?.Metric?.Dimensions?.[0]?.Value,
      q.MetricStat?.Period,
    ]);
    expect(periods?.[0]).toEqual(["shared-0", 3600]);
    expect(periods?.[3]).toEqual(["shared-1", 86_400]);
    // the fake answers 1 at 2026-10-01T00:00Z and 2 at 2026-10-02T00:00Z: two hours for shared-0, a month for the rest
    const hourly = out.usage.filter((u) => u.endpoint === "shared-0");
    expect(new Set(hourly.map((u) => u.hour))).toEqual(
      new Set(["2026-10-01T00:00:00Z", "2026-10-02T00:00:00Z"]),
    );
    expect(out.usage.filter((u) => u.endpoint !== "shared-0").every((u) => u.hour === undefined)).toBe(true);
    const total = out.usage.reduce((s, u) => s + u.invocations + u.inputTokens + u.outputTokens, 0);
    expect(total).toBe(3000);
  });

  it("queries configured candidates that ListMetrics no longer lists", async () => {
    const mock = mockClient(CloudWatchClient);
    restore = () => mock.restore();
    mock.on(ListMetricsCommand).resolves({ Metrics: [] });
    mock.on(GetMetricDataCommand).callsFake((input) => ({
      MetricDataResults: (input.MetricDataQueries ?? []).map((q: { Id: string }) => ({
        Id: q.Id,
        StatusCode: "Complete",
        Timestamps: [new Date("2026-02-01T00:00:00Z")],
        Values: [5],
      })),
    }));
    const out = await readCloudWatchUsage(new CloudWatchClient({ region: "us-east-1" }), {
      month: "2026-02",
      lobDimension: "CostCenter",
      candidates: { endpoints: ["shared-llm"], lobs: ["a", "b"] },
    });
    const call = mock.commandCalls(GetMetricDataCommand)[0]?.args[0].input;
    expect(call?.MetricDataQueries).toHaveLength(6);
    expect(call?.MetricDataQueries?.[0]?.MetricStat?.Metric?.Dimensions).toEqual([
      { Name: "EndpointName", Value: "shared-llm" },
      { Name: "CostCenter", Value: "a" },
    ]);
    expect(call?.EndTime).toEqual(new Date("2026-03-01T00:00:00Z"));
    expect(out.usage).toEqual([
      { endpoint: "shared-llm", lob: "a", invocations: 5, inputTokens: 5, outputTokens: 5 },
      { endpoint: "shared-llm", lob: "b", invocations: 5, inputTokens: 5, outputTokens: 5 },
    ]);
  });

  it("fails with a data-source error when CloudWatch refuses a query", async () => {
    const mock = mockClient(CloudWatchClient);
    restore = () => mock.restore();
    mock.on(ListMetricsCommand).resolves({
      Metrics: [
        {
          MetricName: "Invocations",
          Dimensions: [
            { Name: "EndpointName", Value: "e" },
            { Name: "LineOfBusiness", Value: "a" },
          ],
        },
      ],
    });
    mock.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: "q0", StatusCode: "Forbidden" }] });
    await expect(
      readCloudWatchUsage(new CloudWatchClient({ region: "us-east-1" }), { month: "2026-10" }),
    ).rejects.toBeInstanceOf(DataSourceError);
  });
});
