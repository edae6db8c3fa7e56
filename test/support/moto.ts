/**
 * Starts moto_server (docs/architecture.md#test-set-up) on a free loopback port for one test file and stops it after.
 * A missing moto_server is an error, never a silent skip.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";

/** A running moto_server. */
export interface Moto {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly port: number;
  /** Clears every emulated resource. */
  reset(): Promise<void>;
  /** Stops the server. */
  stop(): Promise<void>;
}

/** Test credentials and region for SDK clients pointed at moto. */
export const MOTO_ENV = {
  AWS_ACCESS_KEY_ID: "testing",
  AWS_SECRET_ACCESS_KEY: "testing",
  AWS_REGION: "us-east-1",
} as const;

/** SDK client config for moto. */
export function motoClientConfig(moto: Moto) {
  return {
    region: "us-east-1",
    endpoint: moto.endpoint,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    maxAttempts: 1,
  };
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitUp(endpoint: string, proc: ChildProcess, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  let lastError: unknown;
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new Error(`moto_server exited early with code ${proc.exitCode}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/data.json`);
      if (res.ok) return;
    } catch (e) {
      lastError = e;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`moto_server did not answer at ${endpoint} within ${deadlineMs} ms: ${String(lastError)}`);
}

/** Starts moto_server on a free 127.0.0.1 port. Throws when moto_server is not installed. */
export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const proc = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  proc.stderr?.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const spawnError = new Promise<never>((_, reject) =>
    proc.once("error", (e) =>
      reject(
        new Error(
          `moto_server could not be started (${(e as NodeJS.ErrnoException).code ?? e.message}). ` +
            "Integration tests need it (DESIGN §4): it is preinstalled under Python 3.11 on this machine image.",
        ),
      ),
    ),
  );
  try {
    await Promise.race([waitUp(endpoint, proc, 30_000), spawnError]);
  } catch (e) {
    proc.kill("SIGKILL");
    throw new Error(`${(e as Error).message}\n${stderr}`);
  }
  return {
    endpoint,
    port,
    async reset() {
      await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
    },
    stop() {
      return new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once("exit", () => resolve());
        proc.kill("SIGTERM");
        setTimeout(() => proc.kill("SIGKILL"), 3000).unref();
      });
    },
  };
}
