/**
 * The CloudWatch recorder (docs/contracts.md#usage-ledger-event): usage aggregated per minute and series in memory, published as
 * statistic sets with PutMetricData, so the number of calls grows with series × flushes, not with invocations.
 */
import { CloudWatchClient, type MetricDatum, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  DEFAULT_METRIC_NAMESPACE,
  profileDimensionValue,
  USAGE_DIMENSIONS,
  USAGE_METRICS,
  type UsageEvent,
} from "../../core/index.js";
import { batchBySize, SpoolingRecorder, type SpoolingRecorderOptions } from "./spooling-recorder.js";

/** Most data PutMetricData takes in one call. */
export const MAX_DATA_PER_PUT = 1000;
/** Largest PutMetricData request body, in bytes (with room for the envelope). */
export const MAX_PUT_BYTES = 1_000_000 - 4096;

/** Options of a {@link CloudWatchUsageRecorder}. */
export interface CloudWatchUsageRecorderOptions extends SpoolingRecorderOptions {
  /** @default "SMChargeback" */
  readonly namespace?: string;
  /** @default `new CloudWatchClient({})` */
  readonly client?: CloudWatchClient;
  /** Series-minutes held in memory; reaching it starts a flush, and twice it spills. @default 3000 */
  readonly maxSeries?: number;
}

interface Stat {
  n: number;
  sum: number;
  min: number;
  max: number;
}

interface Series {
  readonly minute: number;
  readonly dimensions: { Name: string; Value: string }[];
  invocations: number;
  input: Stat;
  output: Stat;
}

/** A metric datum as sent and spooled (the timestamp as ISO text). */
export type UsageDatum = Omit<MetricDatum, "Timestamp"> & { Timestamp: string };

function addStat(s: Stat, v: number): void {
  s.n++;
  s.sum += v;
  s.min = Math.min(s.min, v);
  s.max = Math.max(s.max, v);
}

function newStat(): Stat {
  return { n: 0, sum: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY };
}

/** The metric dimensions of an event (docs/contracts.md#usage-ledger-event). */
export function metricDimensions(e: UsageEvent): { Name: string; Value: string }[] {
  const dims: { Name: string; Value: string }[] =
    e.kind === "bedrock"
      ? [
          {
            Name: USAGE_DIMENSIONS.profile,
            Value: profileDimensionValue(e.profile_arn ?? e.model_id ?? "unknown"),
          },
        ]
      : [{ Name: USAGE_DIMENSIONS.endpoint, Value: e.endpoint ?? "unknown" }];
  dims.push({ Name: USAGE_DIMENSIONS.lob, Value: e.lob });
  if (e.component) dims.push({ Name: USAGE_DIMENSIONS.component, Value: e.component });
  return dims;
}

function toDatums(s: Series): UsageDatum[] {
  const base = {
    Dimensions: s.dimensions,
    Timestamp: new Date(s.minute).toISOString(),
    Unit: "Count" as const,
  };
  const set = (name: string, st: Stat): UsageDatum => ({
    ...base,
    MetricName: name,
    StatisticValues: { SampleCount: st.n, Sum: st.sum, Minimum: st.min, Maximum: st.max },
  });
  return [
    {
      ...base,
      MetricName: USAGE_METRICS.invocations,
      StatisticValues: { SampleCount: s.invocations, Sum: s.invocations, Minimum: 1, Maximum: 1 },
    },
    set(USAGE_METRICS.inputTokens, s.input),
    set(USAGE_METRICS.outputTokens, s.output),
  ];
}

/**
 * Publishes usage as CloudWatch metrics `Invocations`, `InputTokens`, `OutputTokens` (unit Count) with dimensions
 * `EndpointName` (or `InferenceProfileId`), `LineOfBusiness` and `InferenceComponentName`, one statistic set per
 * metric, series and minute. Data that still cannot be sent after the retries is spilled to a local spool and
 * replayed by a later flush or the next recorder.
 *
 * @example
 * ```ts
 * const recorder = new CloudWatchUsageRecorder({ namespace: "SMChargeback" });
 * ```
 */
export class CloudWatchUsageRecorder extends SpoolingRecorder<UsageDatum> {
  /** The metric namespace. */
  readonly namespace: string;
  private readonly client: CloudWatchClient;
  private series = new Map<string, Series>();
  private readonly maxSeries: number;

  constructor(options: CloudWatchUsageRecorderOptions = {}) {
    const namespace = options.namespace ?? DEFAULT_METRIC_NAMESPACE;
    super(options, 60_000, `cloudwatch/${namespace}`);
    this.namespace = namespace;
    this.client = options.client ?? new CloudWatchClient({});
    this.maxSeries = options.maxSeries ?? 3000;
  }

  protected accept(e: UsageEvent): boolean {
    const minute = Math.floor(Date.parse(e.ts) / 60_000) * 60_000;
    const dimensions = metricDimensions(e);
    const key = `${minute}|${JSON.stringify(dimensions)}`;
    let s = this.series.get(key);
    if (!s) {
      if (this.series.size >= 2 * this.maxSeries) this.spill(this.take());
      s = { minute, dimensions, invocations: 0, input: newStat(), output: newStat() };
      this.series.set(key, s);
    }
    s.invocations++;
    addStat(s.input, e.input_tokens);
    addStat(s.output, e.output_tokens);
    return this.series.size >= this.maxSeries;
  }

  protected hasPending(): boolean {
    return this.series.size > 0;
  }

  protected take(): UsageDatum[] {
    const series = [...this.series.values()];
    this.series = new Map();
    return series.flatMap(toDatums);
  }

  protected batch(units: readonly UsageDatum[]): UsageDatum[][] {
    return batchBySize(units, MAX_DATA_PER_PUT, MAX_PUT_BYTES);
  }

  protected async put(units: UsageDatum[]): Promise<UsageDatum[]> {
    await this.client.send(
      new PutMetricDataCommand({
        Namespace: this.namespace,
        MetricData: units.map((d) => ({ ...d, Timestamp: new Date(d.Timestamp) })),
      }),
    );
    return [];
  }
}
