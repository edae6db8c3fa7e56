/**
 * `npm run bench:gateway`
 *
 * 1. Overhead: `smcb gateway serve` (its own process, file store, file ledger, a budgeted tenant) vs calling the same
 *    Bedrock runtime stand-in (its own process) directly with the AWS SDK's Converse through the same profile ARN,
 *    16 concurrent callers. Rounds interleave the arms (the first arm alternating); per round p50, p99 and
 *    throughput of each arm; the ratios gateway/direct are the median of the rounds' ratios. Model latency 0 ms (the
 *    gateway's whole overhead laid bare) and 20 ms.
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
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { parseConfig } from "../../core/config.js";
import { DynamoDbGatewayStore } from "../../gateway/dynamodb-store.js";
import { FileGatewayStore } from "../../gateway/file-store.js";
import { createGatewayHandler } from "../../gateway/handler.js";
import { newKey } from "../../gateway/keys.js";
import type { GatewayStore } from "../../gateway/store.js";
import { gatewayConfigJson, PAYMENTS_PROFILE } from "../support/gateway-fixtures.js";
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
  const gw = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      path.join(ROOT, "scripts/smcb.ts"),
      "--config",
      configFile,
      "--endpoint-url",
      endpoint,
      "--json",
      "gateway",
      "serve",
      "--port",
      "0",
    ],
    {
      cwd: ROOT,
      env: { ...process.env, AWS_ACCESS_KEY_ID: "bench", AWS_SECRET_ACCESS_KEY: "bench" },
      stdio: ["ignore", "pipe", "ignore"],
    },
  );
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    gw.once("exit", (code) => reject(new Error(`gateway exited ${code}`)));
    gw.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      try {
        resolve((JSON.parse(out) as { url: string }).url);
      } catch {
        // not yet whole
      }
    });
  });
  const direct = new BedrockRuntimeClient({
    region: "us-east-1",
    endpoint,
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
    maxAttempts: 1,
  });
  const callDirect = async () => {
    const res = await direct.send(
      new ConverseCommand({
        modelId: PAYMENTS_PROFILE,
        messages: [{ role: "user", content: [{ text: MESSAGES[0]?.content ?? "" }] }],
        inferenceConfig: { maxTokens: 64 },
        requestMetadata: { LineOfBusiness: "payments" },
      }),
    );
    if (!res.usage) throw new Error("no usage");
  };
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
  // Warm both paths (connections, tokenizer, JIT).
  await arm(callDirect, 200);
  await arm(callGateway, 200);
  const rounds: { direct: Awaited<ReturnType<typeof arm>>; gateway: Awaited<ReturnType<typeof arm>> }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) {
      const d = await arm(callDirect, CALLS);
      const g = await arm(callGateway, CALLS);
      rounds.push({ direct: d, gateway: g });
    } else {
      const g = await arm(callGateway, CALLS);
      const d = await arm(callDirect, CALLS);
      rounds.push({ direct: d, gateway: g });
    }
  }
  gw.kill("SIGTERM");
  await new Promise((r) => gw.once("exit", r));
  bedrock.proc.stdin.end();
  direct.destroy();
  rmSync(dir, { recursive: true, force: true });
  const ratio = (k: "p50" | "p99" | "throughput") => median(rounds.map((x) => x.gateway[k] / x.direct[k]));
  const med = (a: "direct" | "gateway", k: "p50" | "p99" | "throughput") =>
    median(rounds.map((x) => x[a][k]));
  return {
    modelMs,
    direct: {
      p50Ms: med("direct", "p50"),
      p99Ms: med("direct", "p99"),
      callsPerSecond: med("direct", "throughput"),
    },
    gateway: {
      p50Ms: med("gateway", "p50"),
      p99Ms: med("gateway", "p99"),
      callsPerSecond: med("gateway", "throughput"),
    },
    ratios: { p50: ratio("p50"), p99: ratio("p99"), throughput: ratio("throughput") },
  };
}

/** Counts every store method call. */
function counting(store: GatewayStore, counts: Record<string, number>): GatewayStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== "function") return v;
      return (...args: unknown[]) => {
        counts[String(prop)] = (counts[String(prop)] ?? 0) + 1;
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** Store calls per chat call, through the handler in this process. */
async function roundTrips(store: GatewayStore, endpoint: string, dir: string, countSdk?: () => number) {
  const config = parseConfig(gatewayConfigJson(dir, GATEWAY), path.join(dir, "smcb.config.json"));
  const counts: Record<string, number> = {};
  const { key, record } = newKey("fraud-team", "payments");
  await store.putKey(record);
  const handle = createGatewayHandler({
    config,
    store: counting(store, counts),
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
  const perCall = Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v / COUNT_CALLS]));
  return {
    storeCallsPerCall: perCall,
    ...(countSdk ? { dynamodbRequestsPerCall: (countSdk() - before) / COUNT_CALLS } : {}),
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
  await client.send(
    new CreateTableCommand({
      TableName: "bench",
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "S" },
      ],
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
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
