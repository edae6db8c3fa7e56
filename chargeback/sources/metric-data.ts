/**
 * The one batched CloudWatch reader of the usage and utilization sources: `GetMetricData` with at most
 * {@link METRIC_DATA_BATCH} `MetricStat` queries a call, every page (the SDK's paginator), so N series take
 * ⌈N / 500⌉ calls, pages aside.
 */
import {
  type CloudWatchClient,
  type Dimension,
  type MetricDataQuery,
  paginateGetMetricData,
} from "@aws-sdk/client-cloudwatch";
import { DataSourceError, toAwsError } from "../../core/index.js";
import type { MonthWindow } from "../engine/index.js";

/** Most queries in one `GetMetricData` call (the API's limit). */
export const METRIC_DATA_BATCH = 500;

/** One series to read: a metric with its dimensions, a statistic and a period. */
export interface MetricSeriesQuery {
  readonly namespace: string;
  readonly metric: string;
  readonly dimensions: readonly Dimension[];
  readonly stat: string;
  /** Seconds: 3600 (an hour) or 86,400 (a day). */
  readonly period: number;
}

/** A data point of a series: the start of its period and its value. */
export interface MetricPoint {
  readonly at: Date;
  readonly value: number;
}

/**
 * Reads every series over the month window: the data points of each, in the order of `series` (points outside
 * the window left out).
 *
 * @param what - names the metrics in error and progress messages, e.g. `SMChargeback usage`
 * @throws {@link core!AwsError | AwsError} when a call fails; {@link core!DataSourceError | DataSourceError} when CloudWatch reports a query failed
 */
export async function readMetricSeries(
  client: CloudWatchClient,
  window: MonthWindow,
  series: readonly MetricSeriesQuery[],
  what: string,
  onProgress?: (message: string) => void,
): Promise<MetricPoint[][]> {
  const out: MetricPoint[][] = series.map(() => []);
  for (let b = 0; b < series.length; b += METRIC_DATA_BATCH) {
    const batch = series.slice(b, b + METRIC_DATA_BATCH);
    const queries: MetricDataQuery[] = batch.map((s, i) => ({
      Id: `q${i}`,
      MetricStat: {
        Metric: { Namespace: s.namespace, MetricName: s.metric, Dimensions: [...s.dimensions] },
        Period: s.period,
        Stat: s.stat,
      },
      ReturnData: true,
    }));
    try {
      for await (const page of paginateGetMetricData(
        { client },
        {
          StartTime: window.start,
          EndTime: window.end,
          MetricDataQueries: queries,
          ScanBy: "TimestampAscending",
        },
      ))
        for (const r of page.MetricDataResults ?? []) {
          if (r.StatusCode === "InternalError" || r.StatusCode === "Forbidden")
            throw new DataSourceError(`GetMetricData could not read ${what} metrics (${r.StatusCode}).`);
          const points = out[b + Number((r.Id ?? "").slice(1))];
          if (points === undefined) continue;
          (r.Timestamps ?? []).forEach((at, k) => {
            const value = r.Values?.[k];
            if (
              value !== undefined &&
              at.getTime() >= window.start.getTime() &&
              at.getTime() < window.end.getTime()
            )
              points.push({ at, value });
          });
        }
    } catch (e) {
      throw toAwsError("GetMetricData", e);
    }
    onProgress?.(
      `CloudWatch: read ${Math.min(b + METRIC_DATA_BATCH, series.length)} of ${series.length} ${what} series`,
    );
  }
  return out;
}
