/**
 * A loopback HTTP server speaking the SageMaker runtime protocol: POST /endpoints/<name>/invocations and
 * /endpoints/<name>/invocations-response-stream (AWS event stream of PayloadPart events). 127.0.0.1 only.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { crc32 } from "node:zlib";

/** One request the server received. */
export interface RuntimeRequest {
  readonly endpoint: string;
  readonly stream: boolean;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** What the server answers. */
export interface RuntimeAnswer {
  /** Body of a non-streamed answer. */
  readonly body?: string;
  /** Chunks of a streamed answer (each one PayloadPart). */
  readonly chunks?: readonly string[];
  readonly status?: number;
}

/** A running runtime server. */
export interface RuntimeServer {
  readonly endpoint: string;
  readonly requests: RuntimeRequest[];
  close(): Promise<void>;
}

/**
 * One AWS event stream message (application/vnd.amazon.eventstream): prelude (total length, headers length,
 * prelude CRC32), string headers, payload, message CRC32 — all big-endian.
 */
export function eventMessage(headers: Record<string, string>, payload: Buffer): Buffer {
  const h = Buffer.concat(
    Object.entries(headers).map(([name, value]) => {
      const n = Buffer.from(name, "utf8");
      const v = Buffer.from(value, "utf8");
      const out = Buffer.alloc(1 + n.length + 1 + 2 + v.length);
      out.writeUInt8(n.length, 0);
      n.copy(out, 1);
      out.writeUInt8(7, 1 + n.length); // type 7: string
      out.writeUInt16BE(v.length, 2 + n.length);
      v.copy(out, 4 + n.length);
      return out;
    }),
  );
  const total = 12 + h.length + payload.length + 4;
  const msg = Buffer.alloc(total);
  msg.writeUInt32BE(total, 0);
  msg.writeUInt32BE(h.length, 4);
  msg.writeUInt32BE(crc32(msg.subarray(0, 8)), 8);
  h.copy(msg, 12);
  payload.copy(msg, 12 + h.length);
  msg.writeUInt32BE(crc32(msg.subarray(0, total - 4)), total - 4);
  return msg;
}

/** Starts the server; `answer` decides each response, sent after `delayMs` (a model's latency). */
export async function startRuntimeServer(
  answer: (req: RuntimeRequest) => RuntimeAnswer,
  delayMs = 0,
): Promise<RuntimeServer> {
  const requests: RuntimeRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => (delayMs > 0 ? setTimeout(respond, delayMs) : respond()));
    const respond = () => {
      const m = /^\/endpoints\/([^/]+)\/(invocations|invocations-response-stream)$/.exec(req.url ?? "");
      if (req.method !== "POST" || !m) {
        res.writeHead(404).end();
        return;
      }
      const r: RuntimeRequest = {
        endpoint: decodeURIComponent(m[1] ?? ""),
        stream: m[2] === "invocations-response-stream",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(r);
      const a = answer(r);
      const status = a.status ?? 200;
      if (!r.stream || status !== 200) {
        res.writeHead(status, {
          "content-type": "application/json",
          "x-amzn-invoked-production-variant": "AllTraffic",
          ...(status !== 200 ? { "x-amzn-errortype": "ModelError" } : {}),
        });
        res.end(a.body ?? "");
        return;
      }
      res.writeHead(200, {
        "content-type": "application/vnd.amazon.eventstream",
        "x-amzn-invoked-production-variant": "AllTraffic",
      });
      for (const chunk of a.chunks ?? [])
        res.write(
          eventMessage(
            {
              ":event-type": "PayloadPart",
              ":message-type": "event",
              ":content-type": "application/octet-stream",
            },
            Buffer.from(chunk, "utf8"),
          ),
        );
      res.end();
    };
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
