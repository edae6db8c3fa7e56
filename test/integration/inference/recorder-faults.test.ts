import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { CreateDeliveryStreamCommand, FirehoseClient } from "@aws-sdk/client-firehose";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UsageEvent } from "../../../core/usage-event.js";
import { CloudWatchUsageRecorder } from "../../../inference/recorders/cloudwatch-usage-recorder.js";
import { FirehoseUsageRecorder } from "../../../inference/recorders/firehose-usage-recorder.js";
import { type Fault, type FaultProxy, startFaultProxy } from "../../support/fault-proxy.js";
import { MOTO_ENV, type Moto, motoClientConfig, startMoto } from "../../support/moto.js";
import { usageEvent } from "../../support/usage-events.js";

const LOBS = ["retail", "wealth", "insurance", "platform", "cards"];
const RETRY = { maxAttempts: 6, baseDelayMs: 20, maxDelayMs: 200 };

let moto: Moto;
let spool: string;
beforeAll(async () => {
  Object.assign(process.env, MOTO_ENV);
  moto = await startMoto();
  spool = await mkdtemp(path.join(tmpdir(), "smcb-spool-"));
});
afterAll(async () => {
  await moto?.stop();
  await rm(spool, { recursive: true, force: true });
});

/** Events spread over LOBs and the last few minutes, with their expected sums per LOB. */
function workload(n: number, endpoint: string) {
  const now = Math.floor(Date.now() / 60_000) * 60_000;
  const events: UsageEvent[] = [];
  const want = new Map<string, { invocations: number; input: number; output: number }>();
  for (let i = 0; i < n; i++) {
    const lob = LOBS[i % LOBS.length] as string;
    const e = usageEvent({
      lob,
      endpoint,
      ts: new Date(now - (i % 4) * 60_000 + (i % 50) * 7).toISOString(),
      input_tokens: 100 + (i % 37),
      output_tokens: 10 + (i % 11),
    });
    events.push(e);
    const w = want.get(lob) ?? { invocations: 0, input: 0, output: 0 };
    w.invocations++;
    w.input += e.input_tokens;
    w.output += e.output_tokens;
    want.set(lob, w);
  }
  return { events, want };
}

/** Sums of a metric per LOB as CloudWatch (moto) answers GetMetricData. */
async function cloudWatchSums(namespace: string, endpoint: string) {
  const cw = new CloudWatchClient(motoClientConfig(moto));
  const metrics = ["Invocations", "InputTokens", "OutputTokens"] as const;
  const queries = LOBS.flatMap((lob, i) =>
    metrics.map((m, j) => ({
      Id: `q${i}_${j}`,
      MetricStat: {
        Metric: {
          Namespace: namespace,
          MetricName: m,
          Dimensions: [
            { Name: "EndpointName", Value: endpoint },
            { Name: "LineOfBusiness", Value: lob },
          ],
        },
        Period: 60,
        Stat: "Sum",
      },
    })),
  );
  const out = await cw.send(
    new GetMetricDataCommand({
      StartTime: new Date(Date.now() - 3_600_000),
      EndTime: new Date(Date.now() + 3_600_000),
      MetricDataQueries: queries,
    }),
  );
  const got = new Map<string, { invocations: number; input: number; output: number }>();
  for (const r of out.MetricDataResults ?? []) {
    const [, i, j] = /^q(\d+)_(\d+)$/.exec(r.Id ?? "") ?? [];
    const lob = LOBS[Number(i)] as string;
    const g = got.get(lob) ?? { invocations: 0, input: 0, output: 0 };
    const total = (r.Values ?? []).reduce((a, b) => a + b, 0);
    if (j === "0") g.invocations += total;
    if (j === "1") g.input += total;
    if (j === "2") g.output += total;
    got.set(lob, g);
  }
  return got;
}

function cwRecorder(proxy: FaultProxy, namespace: string) {
  return new CloudWatchUsageRecorder({
    namespace,
    // moto cannot read gzip-compressed PutMetricData bodies (the SDK compresses those over 10 KB).
    client: new CloudWatchClient({
      ...motoClientConfig(moto),
      endpoint: proxy.endpoint,
      maxAttempts: 2,
      disableRequestCompression: true,
    }),
    flushOnExit: false,
    spoolDir: spool,
    retry: RETRY,
    flushIntervalMs: 3_600_000,
  });
}

const FLAKY: Fault[] = ["503", "throttle", "reset", "503", "reset", "throttle", "503", "reset"];

describe("CloudWatchUsageRecorder against moto through a faulty network", () => {
  it("503s, throttling and dropped connections for a while, then recovery: sums per LOB exact", async () => {
    const proxy = await startFaultProxy(moto.endpoint, "PutMetricData", "cloudwatch", [...FLAKY]);
    try {
      const { events, want } = workload(5000, "ep-flaky");
      const r = cwRecorder(proxy, "FaultTest1");
      for (const e of events) r.record(e);
      await r.close();
      expect(proxy.schedule).toEqual([]); // every fault was met
      expect(proxy.injected).toMatchObject({ "503": 3, throttle: 2, reset: 3 });
      expect(r.stats).toMatchObject({ spilled: 0, dropped: 0 });
      expect(await cloudWatchSums("FaultTest1", "ep-flaky")).toEqual(want);
    } finally {
      await proxy.close();
    }
  });

  it("an outage longer than the retries spills to the spool; the next recorder replays it once", async () => {
    const outage: Fault[] = Array.from(
      { length: 12 },
      (_, i) => (["503", "throttle", "reset"] as const)[i % 3] as Fault,
    );
    const proxy = await startFaultProxy(moto.endpoint, "PutMetricData", "cloudwatch", outage);
    try {
      const { events, want } = workload(3000, "ep-outage");
      const a = cwRecorder(proxy, "FaultTest2");
      for (const e of events) a.record(e);
      await a.close();
      expect(a.stats.spilled).toBeGreaterThan(0);
      expect(a.stats.sent).toBe(0);
      // The network is back (the schedule is spent): a new recorder replays the spool on its first flush.
      proxy.schedule.length = 0;
      const b = cwRecorder(proxy, "FaultTest2");
      await b.close();
      expect(b.stats.replayed).toBe(a.stats.spilled);
      expect(b.stats.sent).toBe(a.stats.spilled);
      expect(await readdir(path.join(spool, "cloudwatch/FaultTest2"))).toEqual([]);
      expect(await cloudWatchSums("FaultTest2", "ep-outage")).toEqual(want);
      // A third recorder finds nothing to replay: nothing is counted twice.
      const c = cwRecorder(proxy, "FaultTest2");
      await c.close();
      expect(c.stats.replayed).toBe(0);
      expect(await cloudWatchSums("FaultTest2", "ep-outage")).toEqual(want);
    } finally {
      await proxy.close();
    }
  });
});

describe("FirehoseUsageRecorder against moto (delivering to S3) through a faulty network", () => {
  let s3: S3Client;
  beforeAll(async () => {
    s3 = new S3Client({ ...motoClientConfig(moto), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: "usage-lake" }));
    const fh = new FirehoseClient(motoClientConfig(moto));
    for (const name of ["usage-flaky", "usage-outage"])
      await fh.send(
        new CreateDeliveryStreamCommand({
          DeliveryStreamName: name,
          DeliveryStreamType: "DirectPut",
          ExtendedS3DestinationConfiguration: {
            BucketARN: "arn:aws:s3:::usage-lake",
            RoleARN: "arn:aws:iam::123456789012:role/firehose",
            Prefix: `${name}/`,
          },
        }),
      );
  });

  async function lakeEvents(prefix: string): Promise<UsageEvent[]> {
    const out: UsageEvent[] = [];
    const list = await s3.send(new ListObjectsV2Command({ Bucket: "usage-lake", Prefix: `${prefix}/` }));
    for (const o of list.Contents ?? []) {
      const body = await (
        await s3.send(new GetObjectCommand({ Bucket: "usage-lake", Key: o.Key }))
      ).Body?.transformToString();
      out.push(
        ...(body ?? "")
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l) as UsageEvent),
      );
    }
    return out;
  }

  function sums(events: UsageEvent[]) {
    const got = new Map<string, { invocations: number; input: number; output: number }>();
    for (const e of events) {
      const g = got.get(e.lob) ?? { invocations: 0, input: 0, output: 0 };
      g.invocations++;
      g.input += e.input_tokens;
      g.output += e.output_tokens;
      got.set(e.lob, g);
    }
    return got;
  }

  function fhRecorder(proxy: FaultProxy, stream: string) {
    return new FirehoseUsageRecorder({
      deliveryStreamName: stream,
      client: new FirehoseClient({ ...motoClientConfig(moto), endpoint: proxy.endpoint, maxAttempts: 2 }),
      flushOnExit: false,
      spoolDir: spool,
      retry: RETRY,
      flushIntervalMs: 3_600_000,
    });
  }

  it("503s, throttling and dropped connections for a while, then recovery: every record once, sums exact", async () => {
    const proxy = await startFaultProxy(moto.endpoint, "PutRecordBatch", "firehose", [...FLAKY]);
    try {
      const { events, want } = workload(2000, "ep-fh");
      const r = fhRecorder(proxy, "usage-flaky");
      for (const e of events) r.record(e);
      await r.close();
      expect(proxy.schedule).toEqual([]);
      expect(r.stats).toMatchObject({ sent: 2000, spilled: 0, dropped: 0 });
      const lake = await lakeEvents("usage-flaky");
      expect(lake).toHaveLength(2000);
      expect(new Set(lake.map((e) => e.id)).size).toBe(2000);
      expect(sums(lake)).toEqual(want);
    } finally {
      await proxy.close();
    }
  });

  it("an outage longer than the retries spills; the next recorder replays; nothing twice", async () => {
    const outage: Fault[] = Array.from(
      { length: 12 },
      (_, i) => (["reset", "503", "throttle"] as const)[i % 3] as Fault,
    );
    const proxy = await startFaultProxy(moto.endpoint, "PutRecordBatch", "firehose", outage);
    try {
      const { events, want } = workload(1200, "ep-fh2");
      const a = fhRecorder(proxy, "usage-outage");
      for (const e of events) a.record(e);
      await a.close();
      expect(a.stats.spilled).toBeGreaterThan(0);
      proxy.schedule.length = 0;
      const b = fhRecorder(proxy, "usage-outage");
      await b.close();
      expect(a.stats.sent + b.stats.sent).toBe(1200);
      const lake = await lakeEvents("usage-outage");
      expect(lake).toHaveLength(1200);
      expect(new Set(lake.map((e) => e.id)).size).toBe(1200);
      expect(sums(lake)).toEqual(want);
    } finally {
      await proxy.close();
    }
  });
});
