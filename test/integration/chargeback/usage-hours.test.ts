/**
 * Usage per hour from CloudWatch (moto) and from the file ledger agree (issue 12 item 3): the same events recorded
 * by both recorders (the `cloudwatch` recorder publishes statistic sets per minute, namespace `SMChargeback`,
 * docs/contracts.md#usage-ledger-event) give the same per-hour usage and so the same hour-by-hour allocation.
 *
 * GetMetricData (botocore `data/cloudwatch/2010-08-01/service-2.json`): `MetricStat.Period` in seconds (3600 here),
 * `MetricDataResults[].Timestamps` parallel to `Values`, at most 500 queries a call, `NextToken` for the next page.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allocate, monthWindow } from "../../../chargeback/engine/index.js";
import type { EndpointUsage, UtilizationRecord } from "../../../chargeback/model.js";
import { readCloudWatchUsage } from "../../../chargeback/sources/cloudwatch-usage.js";
import { readFileLedger } from "../../../chargeback/sources/file-ledger.js";
import { CloudWatchUsageRecorder } from "../../../inference/recorders/cloudwatch-usage-recorder.js";
import { FileUsageRecorder } from "../../../inference/recorders/file-usage-recorder.js";
import { type Moto, motoClientConfig, startMoto } from "../../support/moto.js";
import { usageEvent } from "../../support/usage-events.js";
import { checkConservation, endpoint, line, POLICY } from "../../unit/chargeback/helpers.js";

const EP = "shared-llm";
const ARN = `arn:aws:sagemaker:us-east-1:111122223333:endpoint/${EP}`;
const hourIso = (h: number) => `2026-10-05T${String(h).padStart(2, "0")}:00:00Z`;
const day = (h: number) => h >= 8 && h < 20;

describe("a day-busy, night-idle month from CloudWatch (moto) and from the file ledger", () => {
  let moto: Moto;
  let dir: string;
  let fromLedger: readonly EndpointUsage[];
  let fromCloudWatch: readonly EndpointUsage[];
  let calls = 0;

  beforeAll(async () => {
    moto = await startMoto();
    dir = await mkdtemp(path.join(tmpdir(), "smcb-usage-hours-cw-"));
    // retail by day (08–19Z), wealth by night; two calls an hour (at :00 and :59:59.999), 500 + 100 tokens each;
    // the endpoint's other traffic (shared-embed) stays monthly
    const events = Array.from({ length: 24 }, (_, h) => [
      usageEvent({
        ts: `${hourIso(h).slice(0, 13)}:00:00.000Z`,
        lob: day(h) ? "retail" : "wealth",
        input_tokens: 500,
        output_tokens: 100,
      }),
      usageEvent({
        ts: `${hourIso(h).slice(0, 13)}:59:59.999Z`,
        lob: day(h) ? "retail" : "wealth",
        input_tokens: 500,
        output_tokens: 100,
      }),
      usageEvent({ ts: hourIso(h), endpoint: "shared-embed", lob: "retail", input_tokens: 7 }),
    ]).flat();
    const file = new FileUsageRecorder({ path: path.join(dir, "usage"), writerId: "w", flushOnExit: false });
    const client = new CloudWatchClient({ ...motoClientConfig(moto), disableRequestCompression: true });
    const cw = new CloudWatchUsageRecorder({
      client,
      spoolDir: path.join(dir, "spool"),
      flushOnExit: false,
      flushIntervalMs: 3_600_000,
    });
    for (const e of events) {
      file.record(e);
      cw.record(e);
    }
    await Promise.all([file.close(), cw.close()]);
    const window = monthWindow("2026-10");
    fromLedger = (await readFileLedger({ path: path.join(dir, "usage"), window, hourlyEndpoints: [EP] }))
      .usage;
    const reader = new CloudWatchClient(motoClientConfig(moto));
    reader.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "GetMetricDataCommand") calls++;
        return next(args);
      },
      { step: "initialize" },
    );
    fromCloudWatch = (await readCloudWatchUsage(reader, { month: "2026-10", hourlyEndpoints: [EP] })).usage;
  }, 120_000);
  afterAll(async () => {
    await moto?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("both give the same usage per hour (the shared endpoint) and per month (the other)", () => {
    expect(fromCloudWatch).toEqual(fromLedger);
    expect(fromLedger.filter((u) => u.endpoint === EP)).toHaveLength(24);
    expect(fromLedger.find((u) => u.hour === hourIso(8))).toEqual({
      endpoint: EP,
      lob: "retail",
      invocations: 2,
      inputTokens: 1000,
      outputTokens: 200,
      hour: hourIso(8),
    });
    expect(fromLedger.find((u) => u.endpoint === "shared-embed")).toEqual({
      endpoint: "shared-embed",
      lob: "retail",
      invocations: 24,
      inputTokens: 168,
      outputTokens: 120,
    });
    // 9 series (shared-llm × 2 LOBs and shared-embed × 1 LOB, 3 metrics each): one batch, one page
    expect(calls).toBe(1);
  });

  it("and so the same allocation: hourly retail $96, wealth $12, idle $132 to the owner", () => {
    const costs = Array.from({ length: 24 }, (_, h) =>
      line({
        usageStart: new Date(hourIso(h)),
        usageType: "USE1-Host:ml.g5.12xlarge",
        resourceId: ARN,
        amount: "1",
        cost: "10",
      }),
    );
    // GPUUtilization Sum per sample 320 of 400 (4 GPUs) by day → 0.8; 40 by night → 0.1
    const utilization: UtilizationRecord[] = Array.from({ length: 24 }, (_, h) => ({
      kind: "metric",
      endpoint: EP,
      variant: "AllTraffic",
      metric: "GPUUtilization",
      hour: hourIso(h),
      sum: (day(h) ? 320 : 40) * 60,
      samples: 60,
    }));
    const byLob = (usage: readonly EndpointUsage[]) => {
      const r = allocate({
        month: "2026-10",
        policy: POLICY,
        sharedEndpoints: [
          endpoint({ capacityTokensPerInstanceHour: undefined, utilization: "cloudwatch", idle: "owner" }),
        ],
        costs,
        usage,
        utilization,
      });
      checkConservation(r);
      return Object.fromEntries((r.sharedEndpoints[0]?.allocations ?? []).map((a) => [a.lob, a.cost]));
    };
    expect(byLob(fromCloudWatch)).toEqual({ platform: "132.00", retail: "96.00", wealth: "12.00" });
    expect(byLob(fromLedger)).toEqual(byLob(fromCloudWatch));
  });
});
