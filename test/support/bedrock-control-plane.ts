/**
 * A loopback HTTP server speaking the part of the Bedrock control-plane REST-JSON protocol that profile listing and
 * resolution use, with the routes of botocore's `bedrock` model:
 * `GET /inference-profiles` (query `type`, `maxResults`, `nextToken`; the SDK's `typeEquals` travels as `type`)
 * and `POST /listTagsForResource` (body `{"resourceARN"}`). Like the service, it lists system-defined profiles
 * unless `type=APPLICATION` is asked for, and returns at most `pageLimit` profiles a page.
 */
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A profile the server holds. */
export interface FakeProfile {
  readonly id: string;
  readonly name: string;
  readonly type: "APPLICATION" | "SYSTEM_DEFINED";
  readonly modelArns: readonly string[];
  readonly tags: ReadonlyArray<{ key: string; value: string }>;
  readonly region?: string;
}

/** A request the server received. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly body: unknown;
}

/** A running fake: its URL, the requests it saw, and how to stop it. */
export interface BedrockControlPlane {
  readonly url: string;
  readonly requests: SeenRequest[];
  close(): Promise<void>;
}

const ACCOUNT = "111122223333";

/** The ARN the fake gives a profile. */
export function fakeProfileArn(p: FakeProfile): string {
  const kind = p.type === "APPLICATION" ? "application-inference-profile" : "inference-profile";
  return `arn:aws:bedrock:${p.region ?? "us-east-1"}:${ACCOUNT}:${kind}/${p.id}`;
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  res.writeHead(status, {
    "content-type": "application/json",
    ...(errorType ? { "x-amzn-errortype": errorType } : {}),
  });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text === "" ? undefined : JSON.parse(text);
}

/** Starts the fake on 127.0.0.1, on a free port. */
export async function startBedrockControlPlane(
  profiles: readonly FakeProfile[],
  opts: { pageLimit?: number } = {},
): Promise<BedrockControlPlane> {
  const pageLimit = opts.pageLimit ?? 2;
  const requests: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const body = await readBody(req);
      requests.push({
        method: req.method ?? "",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body,
      });
      if (req.method === "GET" && url.pathname === "/inference-profiles") {
        const type = url.searchParams.get("type") ?? "SYSTEM_DEFINED";
        const max = Number(url.searchParams.get("maxResults") ?? "1000");
        if (!Number.isInteger(max) || max < 1 || max > 1000)
          return send(res, 400, { message: "maxResults must be 1-1000" }, "ValidationException");
        const token = url.searchParams.get("nextToken");
        const start = token ? Number(Buffer.from(token, "base64").toString("utf8")) : 0;
        const matching = profiles.filter((p) => p.type === type);
        const end = Math.min(start + Math.min(max, pageLimit), matching.length);
        return send(res, 200, {
          inferenceProfileSummaries: matching.slice(start, end).map((p) => ({
            inferenceProfileName: p.name,
            inferenceProfileArn: fakeProfileArn(p),
            inferenceProfileId: p.id,
            models: p.modelArns.map((modelArn) => ({ modelArn })),
            status: "ACTIVE",
            type: p.type,
            createdAt: "2026-11-01T09:30:00Z",
          })),
          ...(end < matching.length ? { nextToken: Buffer.from(String(end)).toString("base64") } : {}),
        });
      }
      if (req.method === "POST" && url.pathname === "/listTagsForResource") {
        const arn = (body as { resourceARN?: string } | undefined)?.resourceARN;
        const p = profiles.find((x) => fakeProfileArn(x) === arn);
        if (!p) return send(res, 404, { message: `No resource ${arn}` }, "ResourceNotFoundException");
        return send(res, 200, { tags: p.tags });
      }
      return send(
        res,
        404,
        { message: `No route ${req.method} ${url.pathname}` },
        "UnknownOperationException",
      );
    })().catch((e: unknown) => send(res, 500, { message: String(e) }, "InternalServerException"));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
