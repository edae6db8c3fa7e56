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
import {
  DescribeInferenceComponentCommand,
  ListInferenceComponentsCommand,
  ListTagsCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { monthWindow } from "../../../../chargeback/engine/month.js";
import {
  readCloudWatchUtilization,
  type UtilizationRequest,
} from "../../../../chargeback/sources/cloudwatch-utilization.js";
import { describeComponents } from "../../../../chargeback/sources/inference-components.js";
import { loadApiModel, shapeProblems } from "../../../support/api-model.js";

const cwModel = loadApiModel("cloudwatch");
const smModel = loadApiModel("sagemaker");
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
    const mock = mockClient(SageMakerClient);
    const seen: [string, unknown][] = [];
    const answer = <T>(op: string, out: T) => {
      expect(shapeProblems(smModel, op, "output", out)).toEqual([]);
      return out;
    };
    mock.on(ListInferenceComponentsCommand).callsFake((input) => {
      seen.push(["ListInferenceComponents", input]);
      const arn = (n: string) => `arn:aws:sagemaker:us-east-1:111122223333:inference-component/${n}`;
      const summary = (n: string) => ({
        InferenceComponentName: n,
        InferenceComponentArn: arn(n),
        EndpointName: "shared-llm",
        EndpointArn: "arn:aws:sagemaker:us-east-1:111122223333:endpoint/shared-llm",
        VariantName: "AllTraffic",
        CreationTime: new Date("2026-09-01T00:00:00Z"),
        LastModifiedTime: new Date("2026-09-01T00:00:00Z"),
        InferenceComponentStatus: "InService" as const,
      });
      return answer(
        "ListInferenceComponents",
        input.NextToken
          ? { InferenceComponents: [summary("ic-wealth")] }
          : { InferenceComponents: [summary("ic-retail")], NextToken: "p2" },
      );
    });
    mock.on(DescribeInferenceComponentCommand).callsFake((input) => {
      seen.push(["DescribeInferenceComponent", input]);
      const retail = input.InferenceComponentName === "ic-retail";
      return answer("DescribeInferenceComponent", {
        InferenceComponentName: input.InferenceComponentName,
        InferenceComponentArn: `arn:aws:sagemaker:us-east-1:111122223333:inference-component/${input.InferenceComponentName}`,
        EndpointName: "shared-llm",
        EndpointArn: "arn:aws:sagemaker:us-east-1:111122223333:endpoint/shared-llm",
        CreationTime: new Date("2026-09-01T00:00:00Z"),
        LastModifiedTime: new Date("2026-09-01T00:00:00Z"),
        Specification: {
          ModelName: "m",
          ComputeResourceRequirements: retail
            ? {
                NumberOfAcceleratorDevicesRequired: 1,
                NumberOfCpuCoresRequired: 4,
                MinMemoryRequiredInMb: 16384,
              }
            : { NumberOfCpuCoresRequired: 24, MinMemoryRequiredInMb: 8192 },
        },
        RuntimeConfig: { DesiredCopyCount: retail ? 2 : 1, CurrentCopyCount: retail ? 2 : 1 },
      });
    });
    mock.on(ListTagsCommand).callsFake((input) => {
      seen.push(["ListTags", input]);
      return answer("ListTags", {
        Tags: String(input.ResourceArn).endsWith("ic-retail")
          ? [{ Key: "LineOfBusiness", Value: "retail" }]
          : [],
      });
    });
    const comps = await describeComponents(new SageMakerClient({ region: "us-east-1" }), "shared-llm", {
      tagKey: "LineOfBusiness",
    });
    for (const [op, input] of seen) expect(shapeProblems(smModel, op, "input", input)).toEqual([]);
    expect(seen.filter(([op]) => op === "ListInferenceComponents").length).toBe(2);
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
    mock.restore();
  });
});
