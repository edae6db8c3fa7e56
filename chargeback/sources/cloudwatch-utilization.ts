/**
 * Utilization source: SageMaker's own CloudWatch metrics, hour by hour (docs/utilization.md).
 *
 * - `/aws/sagemaker/Endpoints`, dimensions `EndpointName` + `VariantName`: `GPUUtilization` and `CPUUtilization`
 *   (each the SUM over the instance's GPUs or cores, one sample per instance per minute), statistics `Sum` and
 *   `SampleCount` per hour — the engine divides by the GPUs or vCPUs of the instance type.
 * - `/aws/sagemaker/InferenceComponents`, dimension `InferenceComponentName`: `CPUUtilizationNormalized`, which
 *   every copy of a component reports once a minute; its hourly `SampleCount / 60` is the hour's average number of
 *   copies.
 *
 * Every series of every endpoint is read in one pass: `GetMetricData` with at most 500 `MetricStat` queries a call
 * (period one hour), every page, so a month takes ⌈series / 500⌉ calls, pages aside.
 */
import type { CloudWatchClient, Dimension } from "@aws-sdk/client-cloudwatch";
import type { MonthWindow } from "../engine/index.js";
import { hourOf } from "../engine/index.js";
import type { UtilizationRecord } from "../model.js";
import { readMetricSeries } from "./metric-data.js";

/** The namespace of endpoint instance metrics. */
export const ENDPOINTS_NAMESPACE = "/aws/sagemaker/Endpoints";
/** The namespace of inference component metrics. */
export const COMPONENTS_NAMESPACE = "/aws/sagemaker/InferenceComponents";
/** The metric every inference component copy reports each minute (its samples count the copies). */
export const COPY_SAMPLE_METRIC = "CPUUtilizationNormalized";
/** Samples one copy (or instance) gives an hour: SageMaker publishes these metrics at a 1-minute frequency. */
export const SAMPLES_PER_HOUR = 60;
/** `GetMetricData` period: one hour. */
export const UTILIZATION_PERIOD_SECONDS = 3600;

/** What to read for one endpoint. */
export interface UtilizationRequest {
  readonly endpoint: string;
  /** Production variants whose instance metrics are read (`cloudwatch`). */
  readonly variants: readonly string[];
  /** Inference components whose copies are counted (`components`). */
  readonly components: readonly string[];
}

interface Series {
  readonly request: UtilizationRequest;
  readonly namespace: string;
  readonly metric: string;
  readonly stat: "Sum" | "SampleCount";
  readonly dimensions: Dimension[];
  /** The variant or component. */
  readonly of: string;
}

/**
 * Reads a month of hourly instance metrics (per variant) and copy counts (per component) of shared endpoints.
 *
 * @example
 * ```ts
 * const records = await readCloudWatchUtilization(cw, monthWindow("2026-10"), [
 *   { endpoint: "shared-llm", variants: ["AllTraffic"], components: [] },
 * ]);
 * ```
 * @throws {@link core!AwsError | AwsError} when a call fails; {@link core!DataSourceError | DataSourceError} when CloudWatch reports a query failed
 */
export async function readCloudWatchUtilization(
  client: CloudWatchClient,
  window: MonthWindow,
  requests: readonly UtilizationRequest[],
  onProgress?: (message: string) => void,
): Promise<UtilizationRecord[]> {
  const series: Series[] = [];
  for (const request of requests) {
    for (const variant of request.variants)
      for (const metric of ["GPUUtilization", "CPUUtilization"])
        for (const stat of ["Sum", "SampleCount"] as const)
          series.push({
            request,
            namespace: ENDPOINTS_NAMESPACE,
            metric,
            stat,
            of: variant,
            dimensions: [
              { Name: "EndpointName", Value: request.endpoint },
              { Name: "VariantName", Value: variant },
            ],
          });
    for (const component of request.components)
      series.push({
        request,
        namespace: COMPONENTS_NAMESPACE,
        metric: COPY_SAMPLE_METRIC,
        stat: "SampleCount",
        of: component,
        dimensions: [{ Name: "InferenceComponentName", Value: component }],
      });
  }

  // values per series index and hour
  const points = await readMetricSeries(
    client,
    window,
    series.map((s) => ({ ...s, period: UTILIZATION_PERIOD_SECONDS })),
    "SageMaker utilization",
    onProgress,
  );
  const values = new Map<number, Map<string, number>>();
  points.forEach((p, i) => {
    const m = new Map<string, number>();
    for (const { at, value } of p) m.set(hourOf(at), (m.get(hourOf(at)) ?? 0) + value);
    values.set(i, m);
  });

  const records: UtilizationRecord[] = [];
  const index = new Map(
    series.map((s, i) => [`${s.request.endpoint}\u0000${s.of}\u0000${s.metric}\u0000${s.stat}`, i]),
  );
  const at = (s: Series, stat: Series["stat"]) =>
    values.get(index.get(`${s.request.endpoint}\u0000${s.of}\u0000${s.metric}\u0000${stat}`) ?? -1) ??
    new Map();
  for (const s of series) {
    if (s.stat !== "SampleCount") continue;
    const samples = at(s, "SampleCount");
    for (const [hour, n] of [...samples].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (!(n > 0)) continue;
      if (s.namespace === COMPONENTS_NAMESPACE)
        records.push({
          kind: "copies",
          endpoint: s.request.endpoint,
          component: s.of,
          hour,
          copies: n / SAMPLES_PER_HOUR,
        });
      else
        records.push({
          kind: "metric",
          endpoint: s.request.endpoint,
          variant: s.of,
          metric: s.metric as "GPUUtilization" | "CPUUtilization",
          hour,
          sum: at(s, "Sum").get(hour) ?? 0,
          samples: n,
        });
    }
  }
  return records;
}
