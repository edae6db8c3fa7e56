/**
 * Measured utilization against moto (docs/utilization.md): metrics put into moto's CloudWatch, in the namespaces
 * SageMaker writes them to, give the same allocation as the same figures given as a local utilization file.
 *
 * Facts (AWS, "Amazon SageMaker AI metrics in Amazon CloudWatch"): `/aws/sagemaker/Endpoints` `GPUUtilization`
 * (dimensions `EndpointName`, `VariantName`; the sum over the instance's GPUs, 0–100 each);
 * `/aws/sagemaker/InferenceComponents` `CPUUtilizationNormalized` (dimension `InferenceComponentName`, reported by
 * each copy); 1-minute frequency, so one copy gives 60 samples an hour. Inference components are not in moto: the
 * SageMaker calls go to aws-sdk-client-mock, their shapes checked against botocore's model.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { CloudWatchClient, type MetricDatum, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CostLine, UtilizationRecord } from "../../../chargeback/model.js";
import { runChargeback } from "../../../chargeback/run.js";
import { parseConfig } from "../../../core/config.js";
import { dec } from "../../../core/money.js";
import { fakeInferenceComponents } from "../../support/inference-components-fake.js";
import { type Moto, motoClientConfig, startMoto } from "../../support/moto.js";

const hourIso = (day: number, h: number) =>
  `2026-10-${String(day).padStart(2, "0")}T${String(h).padStart(2, "0")}:00:00Z`;
const HOURS = [5, 6].flatMap((d) => Array.from({ length: 24 }, (_, h) => ({ d, h, iso: hourIso(d, h) })));
/** GPU use of shared-llm (ml.g5.12xlarge, 4 GPUs), percent of the 400: busy by day, quiet by night. */
const gpuSum = (h: number) => (h >= 8 && h < 20 ? 300 : 20);
/** Copies of each component of shared-ic per hour: retail scales from 2 to 4 on day 6. */
const copies = (component: string, d: number) => (component === "ic-retail" ? (d === 5 ? 2 : 4) : 1);

function hosting(endpoint: string, iso: string, cost: string, hours: string): CostLine {
  return {
    usageStart: new Date(iso),
    service: "AmazonSageMaker",
    category: "usage",
    lineItemType: "Usage",
    productCode: "AmazonSageMaker",
    usageType: "USE1-Host:ml.g5.12xlarge",
    resourceId: `arn:aws:sagemaker:us-east-1:111122223333:endpoint/${endpoint}`,
    usageAmount: dec(hours),
    cost: dec(cost),
    tags: {},
  };
}

const LINES = HOURS.flatMap(({ iso }) => [
  hosting("shared-llm", iso, "7.09", "1"),
  hosting("shared-ic", iso, "14.18", "2"),
]);
const USAGE = HOURS.flatMap(({ d, h, iso }) => [
  {
    endpoint: "shared-llm",
    lob: h >= 8 && h < 20 ? "retail" : "wealth",
    invocations: 1,
    inputTokens: 1000 + d,
    outputTokens: 10,
    hour: iso,
  },
  { endpoint: "shared-ic", lob: "insurance", invocations: 1, inputTokens: 50, outputTokens: 5, hour: iso },
]);

/** The same figures as a utilization file (one record a line). */
const FILE_RECORDS: UtilizationRecord[] = [
  ...HOURS.map(
    ({ h, iso }): UtilizationRecord => ({
      kind: "metric",
      endpoint: "shared-llm",
      variant: "AllTraffic",
      metric: "GPUUtilization",
      hour: iso,
      sum: gpuSum(h) * 60,
      samples: 60,
    }),
  ),
  {
    kind: "component",
    endpoint: "shared-ic",
    component: "ic-retail",
    lob: "retail",
    accelerators: 1,
    cpuCores: 4,
    memoryMb: 16384,
  },
  {
    kind: "component",
    endpoint: "shared-ic",
    component: "ic-wealth",
    lob: "wealth",
    accelerators: 0,
    cpuCores: 24,
    memoryMb: 8192,
  },
  ...HOURS.flatMap(({ d, iso }) =>
    ["ic-retail", "ic-wealth"].map(
      (component): UtilizationRecord => ({
        kind: "copies",
        endpoint: "shared-ic",
        component,
        hour: iso,
        copies: copies(component, d),
      }),
    ),
  ),
];

/** SageMaker's inference components of shared-ic (the same figures as the file's component records). */
const mockSageMaker = () =>
  fakeInferenceComponents(
    "shared-ic",
    FILE_RECORDS.flatMap((r) =>
      r.kind === "component"
        ? [
            {
              name: r.component,
              lob: r.lob,
              accelerators: r.accelerators,
              cpuCores: r.cpuCores,
              memoryMb: r.memoryMb,
              copies: 1,
            },
          ]
        : [],
    ),
  );

function config(dir: string, file: boolean) {
  const ep = (name: string, extra: object) => ({
    name,
    owner: "platform",
    idle: "separate",
    ...(file ? { utilizationFile: "utilization.jsonl" } : {}),
    ...extra,
  });
  return parseConfig(
    {
      lobs: ["insurance", "platform", "retail", "wealth"],
      sharedEndpoints: [
        ep("shared-llm", { utilization: "cloudwatch" }),
        ep("shared-ic", { utilization: "components", allocation: "hybrid" }),
      ],
    },
    path.join(dir, "smcb.config.json"),
  );
}

describe("measured utilization: moto's CloudWatch and a local file agree", () => {
  let moto: Moto;
  let dir: string;
  beforeAll(async () => {
    moto = await startMoto();
    dir = await mkdtemp(path.join(tmpdir(), "smcb-util-"));
    await writeFile(
      path.join(dir, "utilization.jsonl"),
      `${FILE_RECORDS.map((r) => JSON.stringify(r)).join("\n")}\n`,
    );
    const cw = new CloudWatchClient(motoClientConfig(moto));
    const stat = (sum: number, n: number) => ({ SampleCount: n, Sum: sum, Minimum: 0, Maximum: sum / n });
    const endpoints: MetricDatum[] = HOURS.map(({ h, iso }) => ({
      MetricName: "GPUUtilization",
      Dimensions: [
        { Name: "EndpointName", Value: "shared-llm" },
        { Name: "VariantName", Value: "AllTraffic" },
      ],
      Timestamp: new Date(Date.parse(iso) + 30 * 60_000),
      Unit: "Percent",
      StatisticValues: stat(gpuSum(h) * 60, 60),
    }));
    const components: MetricDatum[] = HOURS.flatMap(({ d, iso }) =>
      ["ic-retail", "ic-wealth"].map((c) => ({
        MetricName: "CPUUtilizationNormalized",
        Dimensions: [{ Name: "InferenceComponentName", Value: c }],
        Timestamp: new Date(Date.parse(iso) + 30 * 60_000),
        Unit: "Percent",
        StatisticValues: stat(40 * 60 * copies(c, d), 60 * copies(c, d)),
      })),
    );
    // moto_server answers 500 to larger PutMetricData calls: 20 data points a call
    const put = async (Namespace: string, data: MetricDatum[]) => {
      for (let i = 0; i < data.length; i += 20)
        await cw.send(new PutMetricDataCommand({ Namespace, MetricData: data.slice(i, i + 20) }));
    };
    await put("/aws/sagemaker/Endpoints", endpoints);
    await put("/aws/sagemaker/InferenceComponents", components);
    cw.destroy();
  }, 60_000);
  afterAll(async () => {
    await moto?.stop();
  });

  const run = async (file: boolean) => {
    const sm = mockSageMaker();
    const cw = new CloudWatchClient(motoClientConfig(moto));
    try {
      return await runChargeback({
        config: config(dir, file),
        month: "2026-10",
        now: new Date("2026-12-01T00:00:00Z"),
        costSource: async () => ({
          lines: LINES,
          currency: "USD",
          estimated: false,
          basis: "net-amortized",
          excluded: [],
        }),
        usageSource: async () => ({ usage: USAGE, malformed: 0, duplicates: 0 }),
        clients: { cloudWatch: cw, sageMaker: sm.client },
      });
    } finally {
      sm.restore();
      cw.destroy();
    }
  };

  it("gives the same allocation, to the cent, hour by hour", async () => {
    const fromAws = await run(false);
    const fromFile = await run(true);
    expect(fromAws.sharedEndpoints).toEqual(fromFile.sharedEndpoints);
    expect(fromAws.lobs).toEqual(fromFile.lobs);
    expect(fromAws.lines).toEqual(fromFile.lines);
    const llm = fromAws.sharedEndpoints.find((e) => e.endpoint === "shared-llm");
    expect(llm).toMatchObject({ mode: "hourly", utilizationSource: "cloudwatch", measuredUtilization: 0.4 });
    // retail: 2 days × 12 h × $7.09 × 0.75 = 127.62; wealth 24 × 7.09 × 0.05 = 8.508; idle the rest
    expect(Object.fromEntries(llm?.allocations.map((a) => [a.lob, a.cost]) ?? [])).toEqual({
      retail: "127.62",
      wealth: "8.51",
    });
    expect(llm?.idle).toBe("204.19"); // 340.32 − 127.62 − 8.51
    const ic = fromAws.sharedEndpoints.find((e) => e.endpoint === "shared-ic");
    // hybrid: day 5 retail 0.25, wealth 0.25, insurance the rest 0.5; day 6 retail 0.5, wealth 0.25, insurance 0.25
    // of 24 × $14.18 = 340.32 a day → retail 85.08 + 170.16, wealth 2 × 85.08, insurance 170.16 + 85.08
    expect(Object.fromEntries(ic?.allocations.map((a) => [a.lob, a.cost]) ?? [])).toEqual({
      insurance: "255.24",
      retail: "255.24",
      wealth: "170.16",
    });
    expect(fromAws.reconciliation.difference).toBe("0.00");
  });
});
