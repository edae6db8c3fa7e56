/**
 * The local runtime: the handler on a `node:http` server. Streamed answers are written as they come; when the
 * client goes away the handler's signal is aborted, so the call is settled with what was sent.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { GatewayHandler, GatewayResponse } from "./handler.js";

/** Largest request body accepted, in bytes (1 MiB), like API Gateway's 10 MB cap but local. */
const MAX_BODY = 8 * 1024 * 1024;

/** A running local gateway server. */
export interface GatewayServer {
  readonly server: Server;
  /** `http://host:port` */
  readonly url: string;
  /** Stops accepting, waits for calls in flight (each is settled and recorded), then closes. */
  close(): Promise<void>;
}

function headersOf(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers))
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function write(res: ServerResponse, out: GatewayResponse, abort: AbortController): Promise<void> {
  res.writeHead(out.status, out.headers);
  if (typeof out.body === "string") {
    res.end(out.body);
    return;
  }
  res.flushHeaders();
  const iterator = out.body[Symbol.asyncIterator]();
  try {
    for (;;) {
      if (abort.signal.aborted) break;
      const next = await iterator.next();
      if (next.done) break;
      if (!res.write(next.value)) await new Promise<void>((r) => res.once("drain", r).once("close", r));
    }
  } finally {
    await iterator.return?.(undefined);
    res.end();
  }
}

/**
 * Serves a handler on `host:port` (port 0 picks a free one).
 *
 * @example
 * ```ts
 * const { url, close } = await serveGateway(runtime.handle, { port: 8787, host: "127.0.0.1" });
 * ```
 */
export async function serveGateway(
  handle: GatewayHandler,
  opts: { readonly port?: number | undefined; readonly host?: string | undefined } = {},
): Promise<GatewayServer> {
  const inflight = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const abort = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) abort.abort();
    });
    const work = (async () => {
      const body = await readBody(req);
      const out =
        body === undefined
          ? {
              status: 413,
              headers: { "content-type": "application/json" },
              body: JSON.stringify({
                error: {
                  message: "Request body too large.",
                  type: "invalid_request_error",
                  code: "body_too_large",
                },
              }),
            }
          : await handle({
              method: req.method ?? "GET",
              path: (req.url ?? "/").split("?")[0] ?? "/",
              headers: headersOf(req),
              body,
              signal: abort.signal,
            });
      await write(res, out, abort);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end();
    });
    inflight.add(work);
    void work.finally(() => inflight.delete(work));
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 8787, opts.host ?? "127.0.0.1", () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${address.includes(":") ? `[${address}]` : address}:${port}`,
    close: async () => {
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      await Promise.allSettled([...inflight]);
      server.closeAllConnections();
      await closed;
    },
  };
}
