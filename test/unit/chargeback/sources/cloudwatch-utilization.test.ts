/**
 * The CloudWatch and SageMaker utilization adapters (docs/utilization.md), against aws-sdk-client-mock, with every
 * request checked against botocore's models.
 *
 * Facts (AWS, "Amazon SageMaker AI metrics in Amazon CloudWatch"): `/aws/sagemaker/Endpoints` metrics
 * `GPUUtilization`, `CPUUtilization` with dimensions `EndpointName, VariantName`; `/aws/sagemaker/InferenceComponents`
 * metric `CPUUtilizationNormalized` ("reported by each copy of the inference component"), dimension
 * `InferenceComponentName`; "Metrics are available at a 1-minute frequency". CloudWatch API reference
 * (GetMetricData): at most 500 `MetricDataQuery` structures per call, results paged with `NextToken`.
 */
import {
  CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
} from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { monthWindow } from "../../../../chargeback/engine/month.js";
import {
  readCloudWatchUtilization,
  type UtilizationRequest,
} from "../../../../chargeback/sources/cloudwatch-utilization.js";
import { describeComponents } from "../../../../chargeback/sources/inference-components.js";
import { loadApiModel, shapeProblems } from "../../../support/api-model.js";
import { fakeInferenceComponents } from "../../../support/inference-components-fake.js";

const cwModel = loadApiModel("cloudwatch");
const WINDOW = monthWindow("2026-10");

/** A fake GetMetricData: every query gets one data point at 2026-10-05T10:00Z; `perPage` results a page. */
function fakeMetrics(perPage: number) {
  const mock = mockClient(CloudWatchClient);
  const calls: GetMetricDataCommandInput[] = [];
  mock.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
    calls.push(input);
    expect(shapeProblems(cwModel, "GetMetricData", "input", input)).toEqual([]);
    const queries = input.MetricDataQueries ?? [];
    const from = Number(input.NextToken ?? "0");
    const to = from + perPage;
    return {
      MetricDataResults: queries.slice(from, to).map((q) => ({
        Id: q.Id,
        StatusCode: "Complete",
        Timestamps: [new Date("2026-10-05T10:00:00Z")],
        Values: [q.MetricStat?.Stat === "SampleCount" ? 120 : 9000],
      })),
      NextToken: to < queries.length ? String(to) : undefined,
    };
  });
  return { client: new CloudWatchClient({ region: "us-east-1" }), calls, restore: () => mock.restore() };
}

describe("readCloudWatchUtilization", () => {
  let restore: (() => void) | undefined;
  afterEach(() => restore?.());

  it("reads every series hourly in batches of 500: ⌈series / 500⌉ GetMetricData calls for a month", async () => {
    // 300 variants × 4 series (GPU and CPU, Sum and SampleCount) + 34 components = 1234 series → 3 calls
    const requests: UtilizationRequest[] = [
      {
        endpoint: "shared-llm",
        variants: Array.from({ length: 300 }, (_, i) => `v${i}`),
        components: Array.from({ length: 34 }, (_, i) => `ic-${i}`),
      },
    ];
    const fake = fakeMetrics(500);
    restore = fake.restore;
    const records = await readCloudWatchUtilization(fake.client, WINDOW, requests);
    expect(fake.calls.length).toBe(Math.ceil(1234 / 500));
    for (const c of fake.calls) {
      expect((c.MetricDataQueries ?? []).length).toBeLessThanOrEqual(500);
      expect(c.StartTime).toEqual(new Date("2026-10-01T00:00:00Z"));
      expect(c.EndTime).toEqual(new Date("2026-11-01T00:00:00Z"));
      for (const q of c.MetricDataQueries ?? []) expect(q.MetricStat?.Period).toBe(3600);
    }
    const first = fake.calls[0]?.MetricDataQueries?.[0]?.MetricStat;
    expect(first?.Metric).toEqual({
      Namespace: "/aws/sagemaker/Endpoints",
      MetricName: "GPUUtilization",
      Dimensions: [
        { Name: "EndpointName", Value: "shared-llm" },
        { Name: "VariantName", Value: "v0" },
      ],
    });
    const last = fake.calls[2]?.MetricDataQueries?.at(-1)?.MetricStat;
    expect(last).toMatchObject({
      Metric: {
        Namespace: "/aws/sagemaker/InferenceComponents",
        MetricName: "CPUUtilizationNormalized",
        Dimensions: [{ Name: "InferenceComponentName", Value: "ic-33" }],
      },
      Stat: "SampleCount",
    });
    // per variant: a GPU and a CPU record (Sum 9000 over 120 samples); per component: 120 samples / 60 = 2 copies
    expect(records.filter((r) => r.kind === "metric").length).toBe(600);
    expect(records.find((r) => r.kind === "metric")).toEqual({
      kind: "metric",
      endpoint: "shared-llm",
      variant: "v0",
      metric: "GPUUtilization",
      hour: "2026-10-05T10:00:00Z",
      sum: 9000,
      samples: 120,
    });
    expect(records.find((r) => r.kind === "copies")).toEqual({
      kind: "copies",
      endpoint: "shared-llm",
      component: "ic-0",
      hour: "2026-10-05T10:00:00Z",
      copies: 2,
    });
  });

  it("reads every page: calls = Σ over batches of ⌈batch / results per page⌉", async () => {
    const requests: UtilizationRequest[] = [
      { endpoint: "a", variants: Array.from({ length: 150 }, (_, i) => `v${i}`), components: [] },
      { endpoint: "b", variants: [], components: Array.from({ length: 34 }, (_, i) => `ic-${i}`) },
    ];
    // 600 + 34 = 634 series: batches of 500 and 134; 100 results a page → 5 + 2 = 7 calls
    const fake = fakeMetrics(100);
    restore = fake.restore;
    const records = await readCloudWatchUtilization(fake.client, WINDOW, requests);
    expect(fake.calls.length).toBe(7);
    expect(records.filter((r) => r.kind === "copies" && r.endpoint === "b").length).toBe(34);
  });
});

describe("describeComponents (SageMaker API; inference components are not in moto)", () => {
  it("lists every page, describes each component, and takes its LOB from its tag", async () => {
    const fake = fakeInferenceComponents("shared-llm", [
      { name: "ic-retail", lob: "retail", accelerators: 1, cpuCores: 4, memoryMb: 16384, copies: 2 },
      { name: "ic-wealth", lob: null, cpuCores: 24, memoryMb: 8192, copies: 1 },
    ]);
    const comps = await describeComponents(fake.client, "shared-llm", { tagKey: "LineOfBusiness" });
    fake.restore();
    expect(fake.calls.filter((op) => op === "ListInferenceComponents").length).toBe(2);
    expect(comps).toEqual([
      {
        record: {
          kind: "component",
          endpoint: "shared-llm",
          component: "ic-retail",
          lob: "retail",
          accelerators: 1,
          cpuCores: 4,
          memoryMb: 16384,
        },
        currentCopies: 2,
      },
      {
        record: {
          kind: "component",
          endpoint: "shared-llm",
          component: "ic-wealth",
          lob: null,
          accelerators: 0,
          cpuCores: 24,
          memoryMb: 8192,
        },
        currentCopies: 1,
      },
    ]);
  });
});
