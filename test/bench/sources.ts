/**
 * `npm run bench:sources`: AWS calls per month made by the Cost Explorer cost source (200 LOBs) and the
 * CloudWatch usage source (N series), counted with aws-sdk-client-mock fakes; each against the baseline of one
 * call per LOB (Cost Explorer filtered by each tag value, per service, plus one per shared endpoint) or one call
 * per series (`GetMetricStatistics`). Also the in-process time of each read against the fakes, median of 5 runs.
 */
import { performance } from "node:perf_hooks";
import { readCloudWatchUsage } from "../../chargeback/sources/cloudwatch-usage.js";
import { readCostExplorerCosts } from "../../chargeback/sources/cost-explorer.js";
import { fakeCloudWatch } from "../support/cloudwatch-fake.js";
import { fakeCostExplorer } from "../support/cost-explorer-fake.js";
import { median } from "./median.js";

const RUNS = 5;

async function timed(fn: () => Promise<number>): Promise<{ calls: number; ms: number }> {
  const times: number[] = [];
  let calls = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    calls = await fn();
    times.push(performance.now() - t0);
  }
  return { calls, ms: median(times) };
}

const now = new Date("2026-11-20T00:00:00Z");
console.log("Cost Explorer: GetCostAndUsage calls for one month");
console.log("LOBs  endpoints  page size  calls  baseline (1/LOB/service + 1/endpoint)  ratio  median ms");
for (const [lobs, endpoints, pageSize] of [
  [200, 20, 1000],
  [200, 20, 100],
  [2000, 50, 1000],
] as const) {
  const r = await timed(async () => {
    const fake = fakeCostExplorer(lobs, endpoints, pageSize);
    try {
      await readCostExplorerCosts(fake.client, { month: "2026-10", region: "us-east-1", now });
      return fake.requests.length;
    } finally {
      fake.restore();
    }
  });
  const baseline = lobs * 2 + endpoints;
  console.log(
    `${lobs}`.padEnd(6) +
      `${endpoints}`.padEnd(11) +
      `${pageSize}`.padEnd(11) +
      `${r.calls}`.padEnd(7) +
      `${baseline}`.padEnd(39) +
      `${(r.calls / baseline).toFixed(4)}`.padEnd(7) +
      r.ms.toFixed(1),
  );
}

console.log(
  "\nCloudWatch: GetMetricData calls for one month (ListMetrics lists each series twice, as moto does)",
);
console.log("series  GetMetricData  ⌈N/500⌉  ListMetrics  baseline (1/series)  ratio  median ms");
for (const n of [1, 500, 501, 3 * 7 * 200, 10_000]) {
  let list = 0;
  const r = await timed(async () => {
    const fake = fakeCloudWatch(n);
    try {
      await readCloudWatchUsage(fake.client, { month: "2026-10" });
      list = fake.listCalls.length;
      return fake.dataCalls.length;
    } finally {
      fake.restore();
    }
  });
  console.log(
    `${n}`.padEnd(8) +
      `${r.calls}`.padEnd(15) +
      `${Math.ceil(n / 500)}`.padEnd(9) +
      `${list}`.padEnd(13) +
      `${n}`.padEnd(21) +
      `${(r.calls / n).toFixed(4)}`.padEnd(7) +
      r.ms.toFixed(1),
  );
}
