/**
 * Hard budgets under load with the file store (one process, and two `smcb gateway serve` processes sharing it);
 * a stream the client breaks off; a reservation left by a killed process released by expiry.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { Decimal } from "../../../core/money.js";
import { monthOf } from "../../../gateway/budget.js";
import { FileGatewayStore } from "../../../gateway/file-store.js";
import { newKey } from "../../../gateway/keys.js";
import { startBedrockRuntime } from "../../support/bedrock-runtime-server.js";
import {
  type GatewayWorkspace,
  gatewayConfigJson,
  readLedger,
  startGatewayWorkspace,
} from "../../support/gateway-fixtures.js";
import { checkLoad, LOAD_GATEWAY, runLoad } from "../../support/gateway-load.js";

const ROOT = path.resolve(import.meta.dirname, "../../..");
let ws: GatewayWorkspace | undefined;
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await ws?.remove();
  ws = undefined;
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** Starts `smcb gateway serve --port 0 --json` and resolves its URL. */
function serve(configFile: string, endpoint: string): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(
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
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: "testing",
        AWS_SECRET_ACCESS_KEY: "testing",
        AWS_REGION: "us-east-1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.push(proc);
  let err = "";
  proc.stderr?.on("data", (d: Buffer) => {
    err = (err + d.toString()).slice(-2000);
  });
  return new Promise((resolve, reject) => {
    let out = "";
    proc.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      try {
        resolve({ proc, url: (JSON.parse(out) as { url: string }).url.replace(/\/v1$/, "") });
      } catch {
        // not the whole document yet
      }
    });
    proc.once("exit", (code) => reject(new Error(`gateway serve exited ${code}: ${err}`)));
  });
}

function stopped(proc: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) resolve(proc.exitCode);
    else proc.once("exit", (code) => resolve(code));
  });
}

describe("hard budgets under load", () => {
  it("file store, one process: 64 concurrent callers never overspend and are not falsely refused", async () => {
    ws = await startGatewayWorkspace({ gateway: LOAD_GATEWAY, behave: () => ({ outputTokens: 100 }) });
    const keys = { "fraud-team": await ws.key("fraud-team"), "risk-team": await ws.key("risk-team") };
    const outcomes = await runLoad([ws.server.url], keys);
    const events = await ws.stop();
    await checkLoad(outcomes, ws.bedrock.requests.length, events, ws.store, monthOf(Date.now()));
  });

  it("file store shared by two `smcb gateway serve` processes", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "smcb-gw2-"));
    dirs.push(dir);
    const bedrock = await startBedrockRuntime(() => ({ outputTokens: 100 }));
    try {
      const configFile = path.join(dir, "smcb.config.json");
      await writeFile(configFile, JSON.stringify(gatewayConfigJson(dir, LOAD_GATEWAY)));
      const store = new FileGatewayStore({ path: path.join(dir, "store") });
      const keys: Record<string, string> = {};
      for (const t of ["fraud-team", "risk-team"]) {
        const { key, record } = newKey(t, "payments");
        await store.putKey(record);
        keys[t] = key;
      }
      const [a, b] = await Promise.all([
        serve(configFile, bedrock.endpoint),
        serve(configFile, bedrock.endpoint),
      ]);
      const outcomes = await runLoad([a.url, b.url], keys);
      a.proc.kill("SIGTERM");
      b.proc.kill("SIGTERM");
      expect(await stopped(a.proc)).toBe(0);
      expect(await stopped(b.proc)).toBe(0);
      const events = await readLedger(path.join(dir, "usage"));
      await checkLoad(outcomes, bedrock.requests.length, events, store, monthOf(Date.now()));
    } finally {
      await bedrock.close();
    }
  });
});

describe("settlement of broken-off and dead calls", () => {
  it("a stream the client breaks off is settled and recorded once, with the tokens sent", async () => {
    ws = await startGatewayWorkspace({
      gateway: LOAD_GATEWAY,
      behave: () => ({ outputTokens: 200, tokenDelayMs: 5 }),
    });
    const key = await ws.key("fraud-team");
    const abort = new AbortController();
    const res = await fetch(`${ws.server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "claude-sonnet",
        messages: [{ role: "user", content: "hi" }],
        max_tokens: 200,
        stream: true,
      }),
      signal: abort.signal,
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let seen = "";
    while ((seen.match(/"content":"[^"]*tok/g) ?? []).length < 5)
      seen += new TextDecoder().decode((await reader.read()).value);
    abort.abort();
    await reader.cancel().catch(() => undefined);
    const month = monthOf(Date.now());
    // The gateway notices the closed connection, stops the upstream stream and settles.
    for (
      let i = 0;
      i < 100 && (await ws.store.usage("fraud-team", "payments", month)).tenant.calls === 0;
      i++
    )
      await new Promise((r) => setTimeout(r, 50));
    const events = await ws.stop();
    expect(events).toHaveLength(1);
    const [e] = events;
    expect(e).toMatchObject({
      tenant: "fraud-team",
      lob: "payments",
      token_source: "estimated",
      input_tokens: 1,
    });
    expect(e?.output_tokens).toBeGreaterThanOrEqual(5);
    expect(e?.output_tokens).toBeLessThan(200);
    const u = await ws.store.usage("fraud-team", "payments", month);
    expect(u.tenant.calls).toBe(1);
    expect(u.tenant.committed.toString()).toBe(u.tenant.spent.toString());
    expect(u.tenant.spent.toString()).toBe(e?.price_estimate);
  });

  it("a reservation held by a killed process is released once it expires; its stale lock is broken", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "smcb-gwk-"));
    dirs.push(dir);
    const storeDir = path.join(dir, "store");
    const expiresAt = Date.now() + 1500;
    const now = Date.now();
    const month = monthOf(now);
    // A child reserves the whole tenant budget, takes the store lock again and is killed holding it.
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--input-type=module",
        "-e",
        `import { FileGatewayStore } from ${JSON.stringify(path.join(ROOT, "gateway/file-store.ts"))};
         import { Decimal } from ${JSON.stringify(path.join(ROOT, "core/money.ts"))};
         const store = new FileGatewayStore({ path: ${JSON.stringify(storeDir)} });
         const r = await store.reserve({ id: "dead-call", tenant: "fraud-team", lob: "payments", month: ${JSON.stringify(month)},
           minute: 1, now: ${now}, expiresAt: ${expiresAt}, tenantLimit: new Decimal("0.02"), lobLimit: null, rpm: null, tpm: null,
           inputTokens: 1, inputCost: new Decimal("0.000003"), outputPrice: new Decimal("0.000015"), maxOutputTokens: 100000,
           minOutputTokens: 16 });
         const { writeFileSync } = await import("node:fs");
         writeFileSync(${JSON.stringify(path.join(storeDir, "state.lock"))}, process.pid + " held " + Date.now());
         console.log(JSON.stringify(r));
         setInterval(() => {}, 1000);`,
      ],
      { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
    );
    children.push(child);
    const line = await new Promise<string>((resolve) =>
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).once("line", resolve),
    );
    expect(JSON.parse(line)).toMatchObject({ ok: true, outputTokens: 1333 });
    child.kill("SIGKILL");
    await stopped(child);
    const store = new FileGatewayStore({ path: storeDir });
    const ask = (t: number) =>
      store.reserve({
        id: `live-${t}`,
        tenant: "fraud-team",
        lob: "payments",
        month,
        minute: 1,
        now: t,
        expiresAt: t + 60_000,
        tenantLimit: new Decimal("0.02"),
        lobLimit: null,
        rpm: null,
        tpm: null,
        inputTokens: 1,
        inputCost: new Decimal("0.000003"),
        outputPrice: new Decimal("0.000015"),
        maxOutputTokens: 100,
        minOutputTokens: 16,
      });
    // Before expiry the dead call's reservation still holds the budget (the lock of the dead pid is broken at once).
    expect(await ask(expiresAt - 1)).toEqual({ ok: false, reason: "budget", scope: "tenant" });
    expect(await ask(expiresAt)).toMatchObject({ ok: true, outputTokens: 100 });
    expect(
      await store.settle({
        id: "dead-call",
        lob: "payments",
        month,
        cost: new Decimal(1),
        tokens: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
        tenantAlerts: null,
        lobAlerts: null,
      }),
    ).toEqual({ settled: false, alerts: [] });
  });
});
