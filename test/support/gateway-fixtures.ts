/**
 * A gateway workspace for tests: a temporary folder with a configuration (two LOBs, three tenants, a chat model and
 * an embedding model with prices), the Bedrock runtime stand-in, and the gateway served on a loopback port.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type LoadedConfig, parseConfig } from "../../core/config.js";
import type { BudgetAlert } from "../../gateway/budget.js";
import { newKey } from "../../gateway/keys.js";
import { type GatewayServer, serveGateway } from "../../gateway/node-server.js";
import { createGatewayRuntime, type GatewayRuntime } from "../../gateway/runtime.js";
import type { GatewayStore } from "../../gateway/store.js";
import { FileUsageRecorder } from "../../inference/file-usage-recorder.js";
import type { UsageEvent } from "../../inference/usage-event.js";
import {
  type BedrockBehaviour,
  type BedrockRuntimeRequest,
  type BedrockRuntimeServer,
  startBedrockRuntime,
} from "./bedrock-runtime-server.js";

export const PAYMENTS_PROFILE = "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/pay123";
export const RETAIL_PROFILE = "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/ret456";

/** The test configuration; `gateway` fields override the defaults. */
export function gatewayConfigJson(
  dir: string,
  gateway: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    region: "us-east-1",
    lobs: ["payments", "retail"],
    usage: { type: "file", path: path.join(dir, "usage") },
    bedrock: { profiles: { payments: PAYMENTS_PROFILE, retail: RETAIL_PROFILE } },
    gateway: {
      tenants: [
        { name: "fraud-team", lob: "payments", models: ["claude-sonnet", "titan-embed"] },
        { name: "shop-team", lob: "retail", models: ["claude-sonnet"] },
      ],
      models: {
        "claude-sonnet": {
          bedrockModel: "anthropic.claude-sonnet-4-5-20250929-v1:0",
          price: { input: "3.00", output: "15.00", cacheRead: "0.30", cacheWrite: "3.75" },
        },
        "titan-embed": {
          bedrockModel: "amazon.titan-embed-text-v2:0",
          kind: "embedding",
          price: { input: "0.02", output: "0" },
        },
      },
      store: { type: "file", path: path.join(dir, "store") },
      ...gateway,
    },
  };
}

/** A running gateway against the stand-in. */
export interface GatewayWorkspace {
  readonly dir: string;
  readonly config: LoadedConfig;
  readonly bedrock: BedrockRuntimeServer;
  readonly runtime: GatewayRuntime;
  readonly server: GatewayServer;
  readonly store: GatewayStore;
  readonly alerts: BudgetAlert[];
  /** Error log lines of the gateway. */
  readonly logs: Readonly<Record<string, unknown>>[];
  /** Makes a key for a tenant of the config. */
  key(tenant: string): Promise<string>;
  /** Stops the server, flushes the recorder, returns every event of the ledger (the folder is kept). */
  stop(): Promise<UsageEvent[]>;
  /** Stops (when running) and removes the folder. */
  remove(): Promise<void>;
}

/** Reads every event of a file ledger folder. */
export async function readLedger(dir: string): Promise<UsageEvent[]> {
  const out: UsageEvent[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.name.endsWith(".jsonl"))
        for (const line of (await readFile(p, "utf8")).split("\n"))
          if (line.trim()) out.push(JSON.parse(line) as UsageEvent);
    }
  };
  await walk(dir);
  return out;
}

/** Starts the stand-in and the gateway in a fresh temporary folder. */
export async function startGatewayWorkspace(
  opts: {
    readonly gateway?: Record<string, unknown>;
    readonly behave?: (req: BedrockRuntimeRequest) => BedrockBehaviour;
    readonly store?: GatewayStore;
  } = {},
): Promise<GatewayWorkspace> {
  const dir = await mkdtemp(path.join(tmpdir(), "smcb-gw-"));
  const config = parseConfig(gatewayConfigJson(dir, opts.gateway), path.join(dir, "smcb.config.json"));
  const bedrock = await startBedrockRuntime(opts.behave);
  process.env.AWS_ACCESS_KEY_ID ??= "testing";
  process.env.AWS_SECRET_ACCESS_KEY ??= "testing";
  const alerts: BudgetAlert[] = [];
  const logs: Readonly<Record<string, unknown>>[] = [];
  const runtime = createGatewayRuntime({
    config,
    aws: { region: "us-east-1", endpointUrl: bedrock.endpoint, maxAttempts: 1 },
    recorder: new FileUsageRecorder({ path: path.join(dir, "usage") }),
    store: opts.store,
    log: (e) => {
      if (e.level === "error") logs.push(e);
    },
    alert: async (a) => {
      alerts.push(a);
    },
  });
  const server = await serveGateway(runtime.handle, { port: 0, host: "127.0.0.1" });
  let stopped = false;
  return {
    dir,
    config,
    bedrock,
    runtime,
    server,
    store: runtime.store,
    alerts,
    logs,
    async key(tenant) {
      const t = config.gateway?.tenants.find((x) => x.name === tenant);
      const { key, record } = newKey(tenant, t?.lob ?? "payments");
      await runtime.store.putKey(record);
      return key;
    },
    stop,
    async remove() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  async function stop(): Promise<UsageEvent[]> {
    if (!stopped) {
      stopped = true;
      await server.close();
      await runtime.close();
      await bedrock.close();
    }
    return readLedger(path.join(dir, "usage"));
  }
}
