/**
 * `npm run bench:gateway`
 *
 * 1. Overhead: `smcb gateway serve` (its own process, file store, file ledger, a budgeted tenant) vs calling the same
 *    Bedrock runtime stand-in (its own process) directly with the AWS SDK's Converse through the same profile ARN,
 *    16 concurrent callers. Rounds interleave the arms (the first arm alternating); per round p50, p99 and
 *    throughput of each arm; the ratios gateway/direct are the median of the rounds' ratios. Model latency 0 ms (the
 *    gateway's whole overhead laid bare) and 20 ms.
 *    A third arm, `proxy`, calls the stand-in with the same SDK client through a bare HTTP pass-through in its own
 *    process (test/bench/serve-proxy.ts): the floor of any gateway running as its own process on this machine. The
 *    ratios proxy/direct (that floor) and gateway/proxy (what the gateway adds above it) are reported beside
 *    gateway/direct.
 * 2. Store round-trips per call: the handler in this process over a store that counts its calls (file store), and
 *    the DynamoDB store's SDK calls counted against moto_server.
 *
 * BENCH_CALLS (calls per arm per round, default 300) and BENCH_ROUNDS (default 3) set its size.
 * Writes test/bench/results/gateway.json and prints it.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { BedrockRuntimeClient, ConverseCommand } from "@aws-sdk/client-bedrock-runtime";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { parseConfig } from "../../core/config.js";
import { DynamoDbGatewayStore } from "../../gateway/dynamodb-store.js";
import { FileGatewayStore } from "../../gateway/file-store.js";
import { createGatewayHandler } from "../../gateway/handler.js";
import { newKey } from "../../gateway/keys.js";
import type { GatewayStore } from "../../gateway/store.js";
import {
  createGatewayTable,
  gatewayConfigJson,
  PAYMENTS_PROFILE,
  serveGatewayProcess,
} from "../support/gateway-fixtures.js";
import { MemoryRecorder } from "../support/memory-recorder.js";
import { motoClientConfig, startMoto } from "../support/moto.js";
import { median } from "./median.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const CALLERS = 16;
const CALLS = Number(process.env.BENCH_CALLS ?? "300");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? "3");
const COUNT_CALLS = 50;
const GATEWAY = {
  tenants: [
    { name: "fraud-team", lob: "payments", models: ["claude-sonnet"], budget: { monthly: "1000000.00" } },
  ],
  lobBudgets: { payments: "1000000.00" },
  models: {
    "claude-sonnet": {
      bedrockModel: "anthropic.claude-sonnet-4-5-20250929-v1:0",
      price: { input: "3.00", output: "15.00" },
    },
  },
};
const MESSAGES = [{ role: "user", content: "Summarise the quarterly numbers in one short sentence." }];

function child(args: string[], env: Record<string, string>) {
  const proc = spawn(process.execPath, ["--import", "tsx", ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "ignore"],
  });
  const line = new Promise<string>((resolve, reject) => {
    proc.once("error", reject);
    proc.once("exit", (code) => reject(new Error(`${args.join(" ")} exited ${code}`)));
    createInterface({ input: proc.stdout }).once("line", resolve);
  });
  return { proc, line };
}

/** Runs `calls` calls over 16 concurrent callers; per-call latencies (ms) and wall time. */
async function arm(call: () => Promise<void>, calls: number) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (next < calls) {
        next++;
        const t = performance.now();
        await call();
        latencies.push(performance.now() - t);
      }
    }),
  );
  const wall = performance.now() - started;
  const sorted = latencies.sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
  return { p50: pct(0.5), p99: pct(0.99), throughput: (calls / wall) * 1000 };
}

async function overhead(modelMs: number) {
  const dir = mkdtempSync(path.join(tmpdir(), "smcb-gwbench-"));
  const bedrock = child([path.join(HERE, "serve-bedrock.ts")], { BENCH_MODEL_MS: String(modelMs) });
  const endpoint = (await bedrock.line).trim();
  const configFile = path.join(dir, "smcb.config.json");
  writeFileSync(configFile, JSON.stringify(gatewayConfigJson(dir, GATEWAY)));
  const { key, record } = newKey("fraud-team", "payments");
  await new FileGatewayStore({ path: path.join(dir, "store") }).putKey(record);
  const { proc: gw, url: base } = await serveGatewayProcess(configFile, endpoint);
  const url = `${base}/v1`;
  const proxy = child([path.join(HERE, "serve-proxy.ts")], { BENCH_TARGET: endpoint });
  const proxyEndpoint = (await proxy.line).trim();
  const sdk = (at: string) =>
    new BedrockRuntimeClient({
      region: "us-east-1",
      endpoint: at,
      credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
      maxAttempts: 1,
    });
  const direct = sdk(endpoint);
  const proxied = sdk(proxyEndpoint);
  const converse = async (client: BedrockRuntimeClient) => {
    const res = await client.send(
      new ConverseCommand({
        modelId: PAYMENTS_PROFILE,
        messages: [{ role: "user", content: [{ text: MESSAGES[0]?.content ?? "" }] }],
        inferenceConfig: { maxTokens: 64 },
        requestMetadata: { LineOfBusiness: "payments" },
      }),
    );
    if (!res.usage) throw new Error("no usage");
  };
  const callDirect = () => converse(direct);
  const callProxy = () => converse(proxied);
  const body = JSON.stringify({ model: "claude-sonnet", messages: MESSAGES, max_tokens: 64 });
  const callGateway = async () => {
    const res = await fetch(`${url}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body,
    });
    if (res.status !== 200) throw new Error(`gateway answered ${res.status}`);
    await res.json();
  };
  // Warm every path (connections, tokenizer, JIT).
  await arm(callDirect, 200);
  await arm(callProxy, 200);
  await arm(callGateway, 200);
  type Round = Record<"direct" | "proxy" | "gateway", Awaited<ReturnType<typeof arm>>>;
  const rounds: Round[] = [];
  const order = ["direct", "proxy", "gateway"] as const;
  const calls = { direct: callDirect, proxy: callProxy, gateway: callGateway };
  for (let r = 0; r < ROUNDS; r++) {
    // each arm first in turn, so that none always runs on the warmest machine
    const round: Partial<Round> = {};
    for (let i = 0; i < order.length; i++) {
      const a = order[(r + i) % order.length] as (typeof order)[number];
      round[a] = await arm(calls[a], CALLS);
    }
    rounds.push(round as Round);
  }
  gw.kill("SIGTERM");
  await new Promise((r) => gw.once("exit", r));
  bedrock.proc.stdin.end();
  proxy.proc.stdin.end();
  direct.destroy();
  proxied.destroy();
  rmSync(dir, { recursive: true, force: true });
  type Arm = keyof Round;
  type Figure = "p50" | "p99" | "throughput";
  const ratio = (a: Arm, b: Arm, k: Figure) => median(rounds.map((x) => x[a][k] / x[b][k]));
  const ratios = (a: Arm, b: Arm) => ({
    p50: ratio(a, b, "p50"),
    p99: ratio(a, b, "p99"),
    throughput: ratio(a, b, "throughput"),
  });
  const figures = (a: Arm) => ({
    p50Ms: median(rounds.map((x) => x[a].p50)),
    p99Ms: median(rounds.map((x) => x[a].p99)),
    callsPerSecond: median(rounds.map((x) => x[a].throughput)),
  });
  return {
    modelMs,
    direct: figures("direct"),
    proxy: figures("proxy"),
    gateway: figures("gateway"),
    /** gateway / direct: the goal's figure */
    ratios: ratios("gateway", "direct"),
    /** proxy / direct: the floor of a gateway in its own process on this machine */
    floorRatios: ratios("proxy", "direct"),
    /** gateway / proxy: what the gateway adds above that floor */
    aboveFloorRatios: ratios("gateway", "proxy"),
  };
}

/**
 * Counts every store method call, and (with `sdk`, a counter of DynamoDB requests) the requests each method makes:
 * the calls of the bench are one at a time, so the requests counted while a method runs are its own.
 */
function counting(
  store: GatewayStore,
  counts: Record<string, number>,
  requests: Record<string, number>,
  sdk?: () => number,
): GatewayStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== "function") return v;
      return async (...args: unknown[]) => {
        const name = String(prop);
        counts[name] = (counts[name] ?? 0) + 1;
        const before = sdk?.() ?? 0;
        try {
          return await (v as (...a: unknown[]) => unknown).apply(target, args);
        } finally {
          if (sdk) requests[name] = (requests[name] ?? 0) + sdk() - before;
        }
      };
    },
  });
}

/** Store calls per chat call, through the handler in this process. */
async function roundTrips(store: GatewayStore, endpoint: string, dir: string, countSdk?: () => number) {
  const config = parseConfig(gatewayConfigJson(dir, GATEWAY), path.join(dir, "smcb.config.json"));
  const counts: Record<string, number> = {};
  const requests: Record<string, number> = {};
  const { key, record } = newKey("fraud-team", "payments");
  await store.putKey(record);
  const handle = createGatewayHandler({
    config,
    store: counting(store, counts, requests, countSdk),
    recorder: new MemoryRecorder(),
    bedrock: new BedrockRuntimeClient({
      region: "us-east-1",
      endpoint,
      credentials: { accessKeyId: "b", secretAccessKey: "b" },
      maxAttempts: 1,
    }),
    sagemaker: undefined as never,
    resolveProfile: async () => PAYMENTS_PROFILE,
  });
  const before = countSdk?.() ?? 0;
  for (let i = 0; i < COUNT_CALLS; i++) {
    const res = await handle({
      method: "POST",
      path: "/v1/chat/completions",
      headers: { authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: "claude-sonnet", messages: MESSAGES, max_tokens: 64 }),
    });
    if (res.status !== 200) throw new Error(`handler answered ${res.status}`);
  }
  const perCall = (c: Record<string, number>) =>
    Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v / COUNT_CALLS]));
  return {
    storeCallsPerCall: perCall(counts),
    ...(countSdk
      ? {
          dynamodbRequestsPerCall: (countSdk() - before) / COUNT_CALLS,
          // before the model is called: the key lookup (authentication) and the reservation (the budget check);
          // after it: the settlement
          dynamodbRequestsPerMethod: perCall(requests),
        }
      : {}),
  };
}

async function storeCounts() {
  const bedrock = child([path.join(HERE, "serve-bedrock.ts")], { BENCH_MODEL_MS: "0" });
  const endpoint = (await bedrock.line).trim();
  const dir = mkdtempSync(path.join(tmpdir(), "smcb-gwcount-"));
  const file = await roundTrips(new FileGatewayStore({ path: path.join(dir, "store") }), endpoint, dir);
  const moto = await startMoto();
  let sdkCalls = 0;
  const client = new DynamoDBClient(motoClientConfig(moto));
  client.middlewareStack.add(
    (next) => async (args) => {
      sdkCalls++;
      return next(args);
    },
    { step: "finalizeRequest" },
  );
  await createGatewayTable(client, "bench");
  const dynamodb = await roundTrips(
    new DynamoDbGatewayStore({ client, table: "bench" }),
    endpoint,
    dir,
    () => sdkCalls,
  );
  await moto.stop();
  bedrock.proc.stdin.end();
  rmSync(dir, { recursive: true, force: true });
  return { file, dynamodb };
}

const result = {
  bench: "gateway",
  when: new Date().toISOString(),
  callers: CALLERS,
  callsPerArmPerRound: CALLS,
  rounds: ROUNDS,
  loadavg: loadavg(),
  overhead: [await overhead(0), await overhead(20)],
  storeRoundTrips: await storeCounts(),
};
const text = JSON.stringify(result, null, 2);
writeFileSync(path.join(HERE, "results", "gateway.json"), `${text}\n`);
process.stdout.write(`${text}\n`);
process.exit(0);
