/**
 * A fake CloudWatch (aws-sdk-client-mock) holding N usage series in the recorder's shape, each listed twice (as
 * moto does), so tests and benchmarks can count the `ListMetrics` and `GetMetricData` calls of the usage source.
 */
import {
  CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
  ListMetricsCommand,
  type ListMetricsCommandInput,
  type Metric,
} from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";

/** What the fake was asked. */
export interface FakeCloudWatch {
  readonly client: CloudWatchClient;
  readonly listCalls: ListMetricsCommandInput[];
  readonly dataCalls: GetMetricDataCommandInput[];
  restore(): void;
}

/** The series `i` of the fake: metric by `i % 3`, endpoint by `i % 7`, LOB by `⌊i / 21⌋`. */
export function fakeSeries(i: number): Metric {
  return {
    Namespace: "SMChargeback",
    MetricName: ["Invocations", "InputTokens", "OutputTokens"][i % 3],
    Dimensions: [
      { Name: "EndpointName", Value: `shared-${(Math.floor(i / 3) % 7).toString()}` },
      { Name: "LineOfBusiness", Value: `lob-${Math.floor(i / 21)}` },
    ],
  };
}

/**
 * Installs the fake on every `CloudWatchClient`.
 *
 * @param series - number of distinct series
 * @param resultsPerPage - `GetMetricData` results per page (the real service pages large answers)
 */
export function fakeCloudWatch(series: number, resultsPerPage = 500): FakeCloudWatch {
  const mock = mockClient(CloudWatchClient);
  const listCalls: ListMetricsCommandInput[] = [];
  const dataCalls: GetMetricDataCommandInput[] = [];
  const listed = Array.from({ length: series * 2 }, (_, k) => fakeSeries(k % series));
  mock.on(ListMetricsCommand).callsFake((input: ListMetricsCommandInput) => {
    listCalls.push(input);
    const from = Number(input.NextToken ?? "0");
    const to = from + 500;
    return { Metrics: listed.slice(from, to), NextToken: to < listed.length ? String(to) : undefined };
  });
  mock.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
    dataCalls.push(input);
    const queries = input.MetricDataQueries ?? [];
    const from = Number(input.NextToken ?? "0");
    const to = from + resultsPerPage;
    return {
      MetricDataResults: queries.slice(from, to).map((q) => ({
        Id: q.Id,
        StatusCode: "Complete",
        Timestamps: [new Date("2026-10-01T00:00:00Z"), new Date("2026-10-02T00:00:00Z")],
        Values: [1, 2],
      })),
      NextToken: to < queries.length ? String(to) : undefined,
    };
  });
  return {
    client: new CloudWatchClient({
      region: "us-east-1",
      credentials: { accessKeyId: "x", secretAccessKey: "x" },
    }),
    listCalls,
    dataCalls,
    restore: () => mock.restore(),
  };
}

/**
 * A CloudWatch that lists no metric and answers every `GetMetricData` query with the same daily `values`: for
 * reading the configured candidates (endpoints × LOBs) with chosen data. Call `restore()` when done.
 */
export function cloudWatchAnswering(values: readonly number[]): {
  client: CloudWatchClient;
  restore(): void;
} {
  const mock = mockClient(CloudWatchClient);
  mock.on(ListMetricsCommand).resolves({ Metrics: [] });
  mock.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => ({
    MetricDataResults: (input.MetricDataQueries ?? []).map((q) => ({
      Id: q.Id,
      StatusCode: "Complete",
      // one point a day from StartTime, as CloudWatch answers a period of one day (Timestamps parallel to Values)
      Timestamps: values.map((_, k) => new Date((input.StartTime as Date).getTime() + k * 86_400_000)),
      Values: [...values],
    })),
  }));
  return { client: new CloudWatchClient({ region: "us-east-1" }), restore: () => mock.restore() };
}
