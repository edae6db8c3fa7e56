/**
 * Usage source: the CloudWatch metrics the `cloudwatch` usage recorder publishes (docs/contracts.md#usage-ledger-event): namespace
 * `SMChargeback`, metrics `Invocations`, `InputTokens`, `OutputTokens`, dimensions `EndpointName` +
 * `LineOfBusiness` (+ `InferenceComponentName`).
 *
 * The series are found with `ListMetrics` (every page; repeated entries removed) and read with `GetMetricData`
 * in batches of 500 `MetricStat` queries (statistic `Sum`, period one day, so a 31-day month is at most 31 data
 * points per series and 15,500 per call, well under the 100,800 limit); the daily sums are added up. The series
 * of `hourlyEndpoints` are read with a period of one hour (744 points a series in a 31-day month, so a full batch
 * spans several pages, every one read) and kept per hour. `SEARCH` expressions are not used. A month needs
 * ⌈N/500⌉ `GetMetricData` calls for N series, pages aside.
 *
 * CloudWatch's `ListMetrics` only lists metrics with data in the last two weeks; pass `candidates` (the configured
 * shared endpoints and LOBs) so that series of an older month are queried even when no longer listed.
 */
import { type CloudWatchClient, type Dimension, paginateListMetrics } from "@aws-sdk/client-cloudwatch";
import {
  DEFAULT_METRIC_NAMESPACE,
  toAwsError,
  USAGE_DIMENSIONS,
  USAGE_METRICS,
  type UsageMetricName,
} from "../../core/index.js";
import { hourOf, monthWindow } from "../engine/index.js";
import type { EndpointUsage, UsageSourceResult } from "../model.js";
import { readMetricSeries } from "./metric-data.js";

/** The `GetMetricData` period of a month's usage: one day. */
export const USAGE_PERIOD_SECONDS = 86_400;
/** The `GetMetricData` period of an hourly endpoint's usage: one hour. */
export const HOURLY_PERIOD_SECONDS = 3600;

const METRICS = Object.values(USAGE_METRICS);
type UsageMetric = UsageMetricName;
const ENDPOINT_DIMENSION = USAGE_DIMENSIONS.endpoint;
const COMPONENT_DIMENSION = USAGE_DIMENSIONS.component;

/** Options of {@link readCloudWatchUsage}. */
export interface CloudWatchUsageOptions {
  /** The month, `YYYY-MM`. */
  readonly month: string;
  /** The metrics namespace. @default "SMChargeback" */
  readonly namespace?: string;
  /** The LOB dimension name the recorder publishes. @default "LineOfBusiness" */
  readonly lobDimension?: string;
  /** Series to query even when `ListMetrics` no longer lists them: every endpoint × LOB, without component. */
  readonly candidates?: { readonly endpoints: readonly string[]; readonly lobs: readonly string[] };
  /** Called with a progress message after each batch (for the CLI's stderr). */
  readonly onProgress?: (message: string) => void;
  /**
   * Shared endpoints whose usage is read hour by hour (period one hour, each hour's sums returned as that hour's
   * usage, `EndpointUsage.hour`), for those that may be charged hour by hour. @default []
   */
  readonly hourlyEndpoints?: readonly string[];
}

interface Series {
  readonly metric: UsageMetric;
  readonly endpoint: string;
  readonly lob: string;
  readonly dimensions: Dimension[];
}

function seriesKey(metric: string, dimensions: readonly Dimension[]): string {
  const dims = [...dimensions].map((d) => `${d.Name}=${d.Value}`).sort();
  return `${metric}\u0000${dims.join("\u0000")}`;
}

/**
 * Reads a month's shared-endpoint usage per endpoint and LOB from CloudWatch metrics.
 * Bedrock series (`InferenceProfileId` instead of `EndpointName`) are not endpoint usage and are left out.
 *
 * @example
 * ```ts
 * const cw = makeClient(CloudWatchClient, { region: "us-east-1" });
 * const { usage } = await readCloudWatchUsage(cw, { month: "2026-10" });
 * ```
 * @throws {@link core!AwsError | AwsError} when a call fails; {@link core!DataSourceError | DataSourceError} when CloudWatch reports a query failed
 */
export async function readCloudWatchUsage(
  client: CloudWatchClient,
  options: CloudWatchUsageOptions,
): Promise<UsageSourceResult> {
  const namespace = options.namespace ?? DEFAULT_METRIC_NAMESPACE;
  const lobDimension = options.lobDimension ?? USAGE_DIMENSIONS.lob;
  const window = monthWindow(options.month);

  const series = new Map<string, Series>();
  const add = (metric: UsageMetric, dimensions: Dimension[]) => {
    const endpoint = dimensions.find((d) => d.Name === ENDPOINT_DIMENSION)?.Value;
    const lob = dimensions.find((d) => d.Name === lobDimension)?.Value;
    if (endpoint === undefined || lob === undefined) return;
    const known = new Set([ENDPOINT_DIMENSION, lobDimension, COMPONENT_DIMENSION]);
    if (dimensions.some((d) => !known.has(d.Name ?? ""))) return;
    const key = seriesKey(metric, dimensions);
    if (!series.has(key)) series.set(key, { metric, endpoint, lob, dimensions });
  };

  try {
    for await (const page of paginateListMetrics({ client }, { Namespace: namespace })) {
      for (const m of page.Metrics ?? []) {
        if ((METRICS as readonly string[]).includes(m.MetricName ?? ""))
          add(m.MetricName as UsageMetric, m.Dimensions ?? []);
      }
    }
  } catch (e) {
    throw toAwsError("ListMetrics", e);
  }
  for (const endpoint of options.candidates?.endpoints ?? [])
    for (const lob of options.candidates?.lobs ?? [])
      for (const metric of METRICS)
        add(metric, [
          { Name: ENDPOINT_DIMENSION, Value: endpoint },
          { Name: lobDimension, Value: lob },
        ]);

  const all = [...series.values()];
  // matched whatever the case, as the engine matches endpoint names
  const hourly = new Set((options.hourlyEndpoints ?? []).map((n) => n.toLowerCase()));
  const isHourly = (s: Series) => hourly.has(s.endpoint.toLowerCase());
  const points = await readMetricSeries(
    client,
    window,
    all.map((s) => ({
      namespace,
      metric: s.metric,
      dimensions: s.dimensions,
      stat: "Sum",
      period: isHourly(s) ? HOURLY_PERIOD_SECONDS : USAGE_PERIOD_SECONDS,
    })),
    `${namespace} usage`,
    options.onProgress,
  );
  // sums per endpoint, LOB and (for an hourly endpoint) hour
  const sums = new Map<string, Record<UsageMetric, number>>();
  let malformed = 0;
  all.forEach((s, i) => {
    for (const { at, value } of points[i] ?? []) {
      const key = `${s.endpoint}\u0000${s.lob}\u0000${isHourly(s) ? hourOf(at) : ""}`;
      const acc = sums.get(key) ?? { Invocations: 0, InputTokens: 0, OutputTokens: 0 };
      // The file ledger's check on counts: whole numbers ≥ 0. A period sum that is not one was published by
      // something other than the recorder: counted as malformed, never added.
      if (Number.isSafeInteger(value) && value >= 0) acc[s.metric] += value;
      else malformed++;
      sums.set(key, acc);
    }
  });

  const usage: EndpointUsage[] = [];
  for (const [key, acc] of [...sums.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const [endpoint = "", lob = "", hour = ""] = key.split("\u0000");
    if (acc.Invocations === 0 && acc.InputTokens === 0 && acc.OutputTokens === 0) continue;
    usage.push({
      endpoint,
      lob,
      invocations: acc.Invocations,
      inputTokens: acc.InputTokens,
      outputTokens: acc.OutputTokens,
      ...(hour === "" ? {} : { hour }),
    });
  }
  // Metrics are sums per period: a repeated event cannot be told apart, so no duplicates are counted.
  return { usage, malformed, duplicates: 0 };
}
