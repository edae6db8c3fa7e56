import { CloudWatchClient, type MetricDatum, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCloudWatchUsage } from "../../../chargeback/sources/cloudwatch-usage.js";
import { type Moto, motoClientConfig, startMoto } from "../../support/moto.js";

/** Metric data in the cloudwatch recorder's shape (docs/contracts.md#usage-ledger-event): statistic sets, unit Count. */
function recorderData(
  at: string,
  dims: Record<string, string>,
  invocations: number,
  input: number,
  output: number,
): MetricDatum[] {
  const Dimensions = Object.entries(dims).map(([Name, Value]) => ({ Name, Value }));
  const set = (name: string, sum: number, n: number): MetricDatum => ({
    MetricName: name,
    Dimensions,
    Timestamp: new Date(at),
    Unit: "Count",
    StatisticValues: { SampleCount: n, Sum: sum, Minimum: 0, Maximum: sum },
  });
  return [
    set("Invocations", invocations, invocations),
    set("InputTokens", input, invocations),
    set("OutputTokens", output, invocations),
  ];
}

describe("CloudWatch usage source against moto", () => {
  let moto: Moto;
  let cw: CloudWatchClient;
  beforeAll(async () => {
    moto = await startMoto();
    cw = new CloudWatchClient(motoClientConfig(moto));
    const llm = (lob: string, component?: string) => ({
      EndpointName: "shared-llm",
      LineOfBusiness: lob,
      ...(component ? { InferenceComponentName: component } : {}),
    });
    const data: MetricDatum[] = [
      ...recorderData("2026-10-01T00:00:00Z", llm("retail"), 10, 5_000, 2_000),
      ...recorderData("2026-10-15T12:30:00Z", llm("retail"), 4, 1_000, 400),
      ...recorderData("2026-10-31T23:59:59Z", llm("retail"), 1, 100, 50),
      ...recorderData("2026-10-20T08:00:00Z", llm("retail", "llm-ic-retail"), 2, 300, 30),
      ...recorderData("2026-10-02T00:00:00Z", llm("wealth"), 7, 7_000, 700),
      ...recorderData(
        "2026-10-09T00:00:00Z",
        { EndpointName: "shared-embed", LineOfBusiness: "wealth" },
        3,
        900,
        0,
      ),
      // outside the month
      ...recorderData("2026-09-30T23:59:59Z", llm("retail"), 100, 100_000, 100_000),
      ...recorderData("2026-11-01T00:00:00Z", llm("wealth"), 100, 100_000, 100_000),
      // Bedrock series are not endpoint usage
      ...recorderData(
        "2026-10-05T00:00:00Z",
        { InferenceProfileId: "abc123", LineOfBusiness: "retail" },
        9,
        9,
        9,
      ),
    ];
    // put in several calls, as the recorder flushes, so moto's ListMetrics repeats series
    for (let i = 0; i < data.length; i += 3)
      await cw.send(
        new PutMetricDataCommand({ Namespace: "SMChargeback", MetricData: data.slice(i, i + 3) }),
      );
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it("sums the month's daily sums per endpoint and LOB, components included, month bounds respected", async () => {
    const out = await readCloudWatchUsage(cw, { month: "2026-10" });
    expect(out).toEqual({
      usage: [
        { endpoint: "shared-embed", lob: "wealth", invocations: 3, inputTokens: 900, outputTokens: 0 },
        { endpoint: "shared-llm", lob: "retail", invocations: 17, inputTokens: 6_400, outputTokens: 2_480 },
        { endpoint: "shared-llm", lob: "wealth", invocations: 7, inputTokens: 7_000, outputTokens: 700 },
      ],
      malformed: 0,
      duplicates: 0,
    });
  });

  it("also queries configured candidates that ListMetrics does not list, and ignores other namespaces", async () => {
    const out = await readCloudWatchUsage(cw, {
      month: "2026-09",
      candidates: { endpoints: ["shared-llm", "gone-endpoint"], lobs: ["retail", "wealth"] },
    });
    expect(out.usage).toEqual([
      {
        endpoint: "shared-llm",
        lob: "retail",
        invocations: 100,
        inputTokens: 100_000,
        outputTokens: 100_000,
      },
    ]);
    expect((await readCloudWatchUsage(cw, { month: "2026-10", namespace: "Other" })).usage).toEqual([]);
  });
});
