/**
 * `npm run bench:inference`
 *
 * 1. SharedEndpointClient + FileUsageRecorder vs the bare SDK InvokeEndpoint call (decode + JSON.parse of the answer,
 *    which any caller does), against the same loopback runtime server in its own process: 16 concurrent callers,
 *    rounds interleaved (each round alternates the arms in 10 blocks, the first arm alternating), median of the
 *    5 rounds' ratios. Two server latencies: 0 ms (the
 *    helper's whole overhead laid bare) and 20 ms (a fast model).
 * 2. PutMetricData calls of CloudWatchUsageRecorder for 100,000 invocations over 10 LOBs spread over 10 minutes,
 *    one flush per minute (as the 60 s interval does), counted on a client that only counts.
 *
 * Writes test/bench/results/inference.json and prints it.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent } from "node:http";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { InvokeEndpointCommand, SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { SharedEndpointClient } from "../../inference/client/shared-endpoint-client.js";
import { CloudWatchUsageRecorder } from "../../inference/recorders/cloudwatch-usage-recorder.js";
import { FileUsageRecorder } from "../../inference/recorders/file-usage-recorder.js";
import { usageEvent } from "../support/usage-events.js";
import { median } from "./median.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const CALLERS = 16;
const CALLS_PER_ROUND = 2000;
const ROUNDS = 5;
const BLOCKS = 10;

async function startServer(modelMs: number) {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(HERE, "serve-runtime.ts")], {
    cwd: ROOT,
    env: { ...process.env, BENCH_MODEL_MS: String(modelMs) },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const line = await new Promise<string>((resolve, reject) => {
    child.once("error", reject);
    createInterface({ input: child.stdout }).once("line", resolve);
  });
  return {
    endpoint: line.trim(),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.stdin.end();
      }),
  };
}

function runtimeClient(endpoint: string) {
  return new SageMakerRuntimeClient({
    region: "us-east-1",
    endpoint,
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
    maxAttempts: 1,
    requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: CALLERS }) },
  });
}

/** Runs `calls` calls with `CALLERS` concurrent callers; returns wall milliseconds. */
async function timed(calls: number, one: () => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (next++ < calls) await one();
    }),
  );
  return performance.now() - t0;
}

async function latencyBench(modelMs: number) {
  const server = await startServer(modelMs);
  const ledger = mkdtempSync(path.join(tmpdir(), "smcb-bench-"));
  try {
    const body = JSON.stringify({
      messages: [{ role: "user", content: "How are costs split between LOBs?" }],
    });
    const bare = runtimeClient(server.endpoint);
    const recorder = new FileUsageRecorder({ path: ledger, flushOnExit: false });
    const helper = new SharedEndpointClient({
      endpointName: "bench",
      lob: "retail",
      inferenceComponentName: "bench-retail",
      recorder,
      client: runtimeClient(server.endpoint),
    });
    const arms = {
      sdk: async () => {
        const out = await bare.send(
          new InvokeEndpointCommand({
            EndpointName: "bench",
            Body: new TextEncoder().encode(body),
            ContentType: "application/json",
          }),
        );
        return JSON.parse(new TextDecoder().decode(out.Body));
      },
      helper: async () => JSON.parse((await helper.invoke({ body })).text),
    };
    // Warm up both (connections, JIT, the tokenizer preload of the helper).
    await timed(400, arms.sdk);
    await timed(400, arms.helper);
    const ms = { sdk: [] as number[], helper: [] as number[] };
    const ratios: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      // Each round interleaves the arms in blocks, so both see the same machine load.
      const round = { sdk: 0, helper: 0 };
      for (let b = 0; b < BLOCKS; b++) {
        const order = (r + b) % 2 === 0 ? (["sdk", "helper"] as const) : (["helper", "sdk"] as const);
        for (const arm of order) round[arm] += await timed(CALLS_PER_ROUND / BLOCKS, arms[arm]);
      }
      ms.sdk.push(round.sdk);
      ms.helper.push(round.helper);
      ratios.push(round.helper / round.sdk);
    }
    await recorder.close();
    return {
      modelLatencyMs: modelMs,
      callers: CALLERS,
      callsPerRoundPerArm: CALLS_PER_ROUND,
      rounds: ROUNDS,
      blocksPerRound: BLOCKS,
      sdkMedianMs: Math.round(median(ms.sdk)),
      helperMedianMs: Math.round(median(ms.helper)),
      medianRatio: Number(median(ratios).toFixed(3)),
      roundRatios: ratios.map((x) => Number(x.toFixed(3))),
      eventsRecorded: recorder.stats.sent,
    };
  } finally {
    await server.stop();
    rmSync(ledger, { recursive: true, force: true });
  }
}

async function putMetricDataBench() {
  let calls = 0;
  let data = 0;
  const counting = {
    send: async (cmd: { input: { MetricData?: unknown[] } }) => {
      calls++;
      data += cmd.input.MetricData?.length ?? 0;
      return {};
    },
  } as unknown as CloudWatchClient;
  const spool = mkdtempSync(path.join(tmpdir(), "smcb-bench-spool-"));
  const recorder = new CloudWatchUsageRecorder({
    client: counting,
    flushOnExit: false,
    spoolDir: spool,
    flushIntervalMs: 3_600_000,
  });
  const INVOCATIONS = 100_000;
  const MINUTES = 10;
  const start = Date.parse("2026-11-02T09:00:00Z");
  for (let m = 0; m < MINUTES; m++) {
    for (let i = 0; i < INVOCATIONS / MINUTES; i++)
      recorder.record(
        usageEvent({
          lob: `lob-${i % 10}`,
          endpoint: "shared-llm",
          ts: new Date(start + m * 60_000 + (i % 60_000)).toISOString(),
          input_tokens: 100 + (i % 50),
          output_tokens: 20 + (i % 7),
        }),
      );
    await recorder.flush(); // what the 60 s interval does at the end of each minute
  }
  await recorder.close();
  rmSync(spool, { recursive: true, force: true });
  return {
    invocations: INVOCATIONS,
    lobs: 10,
    minutes: MINUTES,
    flushes: MINUTES,
    putMetricDataCalls: calls,
    metricData: data,
    callsIfOnePerInvocation: INVOCATIONS,
  };
}

const results = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: availableParallelism(),
  loadAverageAtStart: loadavg().map((x) => Number(x.toFixed(2))),
  helperVsSdk: [await latencyBench(0), await latencyBench(20)],
  putMetricData: await putMetricDataBench(),
};
const out = path.join(HERE, "results", "inference.json");
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
