import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { FirehoseClient, PutRecordBatchCommand } from "@aws-sdk/client-firehose";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { usageEventSchema } from "../../../core/usage-event.js";
import { CloudWatchUsageRecorder } from "../../../inference/recorders/cloudwatch-usage-recorder.js";
import { FileUsageRecorder } from "../../../inference/recorders/file-usage-recorder.js";
import { FirehoseUsageRecorder } from "../../../inference/recorders/firehose-usage-recorder.js";
import { ROOT } from "../../support/cli.js";
import { usageEvent } from "../../support/usage-events.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "smcb-rec-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function ledgerLines(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const f of (await readdir(root, { recursive: true })).filter((n) => n.endsWith(".jsonl")).sort())
    out.push(...(await readFile(path.join(root, f), "utf8")).split("\n").filter(Boolean));
  return out;
}

describe("FileUsageRecorder", () => {
  it("writes usage/YYYY/MM/DD/<writer-id>.jsonl by the event's UTC date, whole lines", async () => {
    const r = new FileUsageRecorder({ path: dir, writerId: "w1", flushOnExit: false });
    r.record(usageEvent({ ts: "2026-10-31T23:59:59.999Z" }));
    r.record(usageEvent({ ts: "2026-11-01T00:00:00.000Z", lob: "wealth" }));
    await r.close();
    expect((await readdir(dir, { recursive: true })).sort()).toEqual([
      "2026",
      "2026/10",
      "2026/10/31",
      "2026/10/31/w1.jsonl",
      "2026/11",
      "2026/11/01",
      "2026/11/01/w1.jsonl",
    ]);
    const lines = await ledgerLines(dir);
    expect(lines.map((l) => usageEventSchema.parse(JSON.parse(l)).lob)).toEqual(["retail", "wealth"]);
    expect(r.stats).toMatchObject({ recorded: 2, sent: 2, dropped: 0 });
  });

  it("drops invalid events and events after close without throwing", async () => {
    const errors: unknown[] = [];
    const r = new FileUsageRecorder({ path: dir, flushOnExit: false, onError: (e) => errors.push(e) });
    r.record({ ...usageEvent(), prompt: "secret" } as never);
    r.record(usageEvent({ input_tokens: -1 }));
    await r.close();
    r.record(usageEvent());
    expect(r.stats).toMatchObject({ recorded: 0, dropped: 3 });
    expect(errors).toHaveLength(3);
    expect(await ledgerLines(dir)).toEqual([]);
  });

  it("is bounded in memory: beyond maxBufferedEvents events are dropped and counted", async () => {
    const r = new FileUsageRecorder({
      path: dir,
      flushOnExit: false,
      maxBufferedEvents: 10,
      flushAtEvents: 1000,
    });
    for (let i = 0; i < 15; i++) r.record(usageEvent());
    expect(r.stats).toMatchObject({ recorded: 10, dropped: 5 });
    await r.close();
    expect(await ledgerLines(dir)).toHaveLength(10);
  });

  it("several processes write one ledger at once, each to its own file, nothing lost", async () => {
    const script = `
      import { FileUsageRecorder } from "./inference/recorders/file-usage-recorder.ts";
      import { usageEvent } from "./test/support/usage-events.ts";
      const r = new FileUsageRecorder({ path: process.env.LEDGER_DIR, flushAtEvents: 50 });
      for (let i = 0; i < 2000; i++) { r.record(usageEvent({ lob: "p" + process.pid })); if (i % 100 === 0) await new Promise(s => setImmediate(s)); }
      await r.close();`;
    const run = () =>
      new Promise<number>((resolve, reject) => {
        const p = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
          cwd: ROOT,
          env: { ...process.env, LEDGER_DIR: dir },
          stdio: "inherit",
        });
        p.on("error", reject);
        p.on("exit", (code) => resolve(code ?? -1));
      });
    expect(await Promise.all([run(), run(), run()])).toEqual([0, 0, 0]);
    const lines = await ledgerLines(dir);
    expect(lines).toHaveLength(6000);
    const ids = new Set(lines.map((l) => usageEventSchema.parse(JSON.parse(l)).id));
    expect(ids.size).toBe(6000);
  });
});

describe("exit flush", () => {
  function child(body: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
    const script = `
      import { FileUsageRecorder } from "./inference/recorders/file-usage-recorder.ts";
      import { usageEvent } from "./test/support/usage-events.ts";
      const r = new FileUsageRecorder({ path: process.env.LEDGER_DIR, flushIntervalMs: 3600000 });
      for (let i = 0; i < 5; i++) r.record(usageEvent());
      ${body}`;
    return new Promise((resolve, reject) => {
      let out = "";
      const p = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
        cwd: ROOT,
        env: { ...process.env, LEDGER_DIR: dir },
        stdio: ["ignore", "pipe", "inherit"],
      });
      p.stdout.on("data", (d: Buffer) => (out += d.toString()));
      p.on("error", reject);
      p.on("exit", (code, signal) => resolve({ code, signal, out }));
    });
  }

  it("flushes on beforeExit when the process simply ends", async () => {
    const r = await child("");
    expect(r.code).toBe(0);
    expect(await ledgerLines(dir)).toHaveLength(5);
  });

  it("flushes on SIGTERM, then the process still dies of SIGTERM", async () => {
    const r = await child("setInterval(() => {}, 1000); process.kill(process.pid, 'SIGTERM');");
    expect(r.signal).toBe("SIGTERM");
    expect(await ledgerLines(dir)).toHaveLength(5);
  });

  it("on SIGTERM a CloudWatch recorder that cannot send spills to the spool, then the process dies of SIGTERM", async () => {
    const script = `
      import { CloudWatchUsageRecorder } from "./inference/recorders/cloudwatch-usage-recorder.ts";
      import { usageEvent } from "./test/support/usage-events.ts";
      const down = { send: async () => { throw Object.assign(new Error("down"), { name: "ServiceUnavailable", $metadata: { httpStatusCode: 503 } }); } };
      const r = new CloudWatchUsageRecorder({ client: down, spoolDir: process.env.LEDGER_DIR, flushIntervalMs: 3600000 });
      for (let i = 0; i < 5; i++) r.record(usageEvent({ input_tokens: 4 }));
      setInterval(() => {}, 1000);
      process.kill(process.pid, "SIGTERM");`;
    const r = await new Promise<{ signal: NodeJS.Signals | null }>((resolve, reject) => {
      const p = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
        cwd: ROOT,
        env: { ...process.env, LEDGER_DIR: dir },
        stdio: "inherit",
      });
      p.on("error", reject);
      p.on("exit", (_code, signal) => resolve({ signal }));
    });
    expect(r.signal).toBe("SIGTERM");
    const spooled = await ledgerLines(path.join(dir, "cloudwatch", "SMChargeback"));
    const data = spooled.map(
      (l) => JSON.parse(l) as { MetricName: string; StatisticValues: { Sum: number } },
    );
    expect(data.find((d) => d.MetricName === "InputTokens")?.StatisticValues.Sum).toBe(20);
    expect(data.find((d) => d.MetricName === "Invocations")?.StatisticValues.Sum).toBe(5);
  });

  it("flushes on SIGINT but leaves the decision to the application's own handler", async () => {
    const r = await child(
      "const t = setInterval(() => {}, 1000); process.on('SIGINT', () => { setTimeout(() => { console.log('handled'); clearInterval(t); }, 200); }); process.kill(process.pid, 'SIGINT');",
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain("handled");
    expect(await ledgerLines(dir)).toHaveLength(5);
  });
});

describe("CloudWatchUsageRecorder", () => {
  const cw = mockClient(CloudWatchClient);
  afterEach(() => cw.reset());

  it("aggregates per minute and series into statistic sets; calls grow with series, not invocations", async () => {
    cw.on(PutMetricDataCommand).resolves({});
    const r = new CloudWatchUsageRecorder({
      client: new CloudWatchClient({ region: "us-east-1" }),
      flushOnExit: false,
      spoolDir: dir,
    });
    const lobs = Array.from({ length: 10 }, (_, i) => `lob${i}`);
    const minute = Date.parse("2026-11-27T10:00:00Z");
    for (let i = 0; i < 100_000; i++)
      r.record(
        usageEvent({
          lob: lobs[i % 10],
          ts: new Date(minute + (i % 3) * 60_000 + 5).toISOString(),
          input_tokens: i % 7,
          output_tokens: 1 + (i % 5),
          component: Math.floor(i / 10) % 2 ? "ic-a" : null,
        }),
      );
    await r.close();
    const calls = cw.commandCalls(PutMetricDataCommand);
    const data = calls.flatMap((c) => c.args[0].input.MetricData ?? []);
    expect(data).toHaveLength(10 * 3 * 2 * 3); // series (LOB × minute × component) × 3 metrics
    expect(calls.length).toBe(1);
    for (const c of calls) expect(c.args[0].input.MetricData?.length).toBeLessThanOrEqual(1000);
    const sum = (name: string) =>
      data.filter((d) => d.MetricName === name).reduce((s, d) => s + (d.StatisticValues?.Sum ?? 0), 0);
    expect(sum("Invocations")).toBe(100_000);
    let input = 0;
    let output = 0;
    for (let i = 0; i < 100_000; i++) {
      input += i % 7;
      output += 1 + (i % 5);
    }
    expect(sum("InputTokens")).toBe(input);
    expect(sum("OutputTokens")).toBe(output);
    const one = data.find((d) => d.MetricName === "InputTokens");
    expect(one?.Dimensions?.map((d) => d.Name)).toEqual(
      expect.arrayContaining(["EndpointName", "LineOfBusiness"]),
    );
    expect(one?.Unit).toBe("Count");
  });

  it("splits into calls of at most 1,000 data and flushes when maxSeries is reached", async () => {
    cw.on(PutMetricDataCommand).resolves({});
    const r = new CloudWatchUsageRecorder({
      client: new CloudWatchClient({ region: "us-east-1" }),
      flushOnExit: false,
      spoolDir: dir,
      maxSeries: 700,
    });
    for (let i = 0; i < 1400; i++) r.record(usageEvent({ endpoint: `ep-${i}` }));
    await r.close();
    const sizes = cw.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input.MetricData?.length ?? 0);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(4200);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1000);
  });

  it("spills what fails after its retries and the next recorder replays it, nothing twice", async () => {
    cw.on(PutMetricDataCommand).rejects(
      Object.assign(new Error("down"), { name: "ServiceUnavailable", $metadata: { httpStatusCode: 503 } }),
    );
    const opts = {
      flushOnExit: false,
      spoolDir: dir,
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
    };
    const a = new CloudWatchUsageRecorder({ ...opts, client: new CloudWatchClient({ region: "us-east-1" }) });
    for (let i = 0; i < 10; i++) a.record(usageEvent({ input_tokens: 3 }));
    await a.close();
    expect(a.stats).toMatchObject({ spilled: 3, sent: 0, calls: 2 });
    cw.reset();
    cw.on(PutMetricDataCommand).resolves({});
    const b = new CloudWatchUsageRecorder({ ...opts, client: new CloudWatchClient({ region: "us-east-1" }) });
    await b.flush();
    await b.close();
    expect(b.stats).toMatchObject({ replayed: 3, sent: 3 });
    const data = cw.commandCalls(PutMetricDataCommand).flatMap((c) => c.args[0].input.MetricData ?? []);
    expect(data.find((d) => d.MetricName === "InputTokens")?.StatisticValues?.Sum).toBe(30);
    expect((await readdir(path.join(dir, "cloudwatch/SMChargeback"))).length).toBe(0);
  });

  it("does not retry nor spill a request CloudWatch refuses for good", async () => {
    cw.on(PutMetricDataCommand).rejects(
      Object.assign(new Error("bad"), { name: "InvalidParameterValue", $metadata: { httpStatusCode: 400 } }),
    );
    const r = new CloudWatchUsageRecorder({
      client: new CloudWatchClient({ region: "us-east-1" }),
      flushOnExit: false,
      spoolDir: dir,
    });
    r.record(usageEvent());
    await r.close();
    expect(r.stats).toMatchObject({ calls: 1, dropped: 3, spilled: 0 });
  });
});

describe("FirehoseUsageRecorder", () => {
  const fh = mockClient(FirehoseClient);
  afterEach(() => fh.reset());

  it("retries exactly the records that failed", async () => {
    let call = 0;
    fh.on(PutRecordBatchCommand).callsFake((input: { Records: unknown[] }) => {
      call++;
      const n = input.Records.length;
      if (call === 1)
        return {
          FailedPutCount: 2,
          RequestResponses: Array.from({ length: n }, (_, i) =>
            i === 1 || i === 3
              ? { ErrorCode: "ServiceUnavailableException", ErrorMessage: "slow down" }
              : { RecordId: `r${i}` },
          ),
        };
      return {
        FailedPutCount: 0,
        RequestResponses: Array.from({ length: n }, (_, i) => ({ RecordId: `s${i}` })),
      };
    });
    const r = new FirehoseUsageRecorder({
      deliveryStreamName: "usage",
      client: new FirehoseClient({ region: "us-east-1" }),
      flushOnExit: false,
      spoolDir: dir,
      retry: { baseDelayMs: 1, maxDelayMs: 2 },
    });
    const events = Array.from({ length: 5 }, (_, i) => usageEvent({ input_tokens: i }));
    for (const e of events) r.record(e);
    await r.close();
    const calls = fh
      .commandCalls(PutRecordBatchCommand)
      .map((c) =>
        (c.args[0].input.Records ?? []).map((rec) => JSON.parse(new TextDecoder().decode(rec.Data)).id),
      );
    expect(calls).toEqual([events.map((e) => e.id), [events[1]?.id, events[3]?.id]]);
    expect(r.stats).toMatchObject({ sent: 5, calls: 2, spilled: 0 });
  });

  it("sends at most 500 records per call", async () => {
    fh.on(PutRecordBatchCommand).callsFake((input: { Records: unknown[] }) => ({
      FailedPutCount: 0,
      RequestResponses: input.Records.map(() => ({ RecordId: "x" })),
    }));
    const r = new FirehoseUsageRecorder({
      deliveryStreamName: "usage",
      client: new FirehoseClient({ region: "us-east-1" }),
      flushOnExit: false,
      spoolDir: dir,
      flushIntervalMs: 3600_000,
    });
    for (let i = 0; i < 1200; i++) r.record(usageEvent());
    await r.close();
    const sizes = fh.commandCalls(PutRecordBatchCommand).map((c) => c.args[0].input.Records?.length);
    expect(sizes.reduce((a = 0, b = 0) => a + b, 0)).toBe(1200);
    expect(Math.max(...(sizes as number[]))).toBeLessThanOrEqual(500);
  });
});
