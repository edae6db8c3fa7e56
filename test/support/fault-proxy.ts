/**
 * A small fault-injecting HTTP proxy on 127.0.0.1 in front of moto: selected calls are answered 503, throttled,
 * or have their connection dropped (before anything is forwarded) according to a schedule, then forwarded again.
 * Bounded: bodies over 16 MiB are refused, and it serves only while the test runs.
 */
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A fault to inject into one call. */
export type Fault = "503" | "throttle" | "reset";

/** A running proxy. */
export interface FaultProxy {
  readonly endpoint: string;
  /** Faults still to inject, in order, one per matching call. */
  readonly schedule: Fault[];
  /** Counts per outcome. */
  readonly injected: Record<Fault | "forwarded", number>;
  close(): Promise<void>;
}

const MAX_BODY = 16 * 1024 * 1024;

function errorBody(fault: "503" | "throttle", service: "cloudwatch" | "firehose") {
  if (fault === "503")
    return {
      status: 503,
      type: service === "cloudwatch" ? "ServiceUnavailable" : "ServiceUnavailableException",
      message: "injected: service unavailable",
    };
  return {
    status: 400,
    type: service === "cloudwatch" ? "Throttling" : "ThrottlingException",
    message: "injected: rate exceeded",
  };
}

/**
 * Starts a proxy to `target`. Calls whose `x-amz-target` header ends with `.${operation}` take the next fault of
 * the schedule; every other call is forwarded untouched.
 */
export async function startFaultProxy(
  target: string,
  operation: string,
  service: "cloudwatch" | "firehose",
  schedule: Fault[] = [],
): Promise<FaultProxy> {
  const injected = { "503": 0, throttle: 0, reset: 0, forwarded: 0 };
  const to = new URL(target);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.socket.destroy();
      else chunks.push(c);
    });
    req.on("end", () => {
      const matches = String(req.headers["x-amz-target"] ?? "").endsWith(`.${operation}`);
      const fault = matches ? schedule.shift() : undefined;
      if (fault === "reset") {
        injected.reset++;
        req.socket.destroy();
        return;
      }
      if (fault) {
        injected[fault]++;
        const e = errorBody(fault, service);
        res.writeHead(e.status, {
          "content-type": "application/x-amz-json-1.0",
          "x-amzn-query-error": `${e.type};${e.status === 503 ? "Receiver" : "Sender"}`,
        });
        res.end(JSON.stringify({ __type: e.type, message: e.message }));
        return;
      }
      injected.forwarded++;
      const up = request(
        { host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers },
        (upRes) => {
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
        },
      );
      up.on("error", () => res.destroy());
      up.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    schedule,
    injected,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
