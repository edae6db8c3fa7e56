/**
 * A loopback HTTP server speaking the part of the Bedrock control-plane REST-JSON protocol that `smcb profiles` uses,
 * with the routes of botocore's `bedrock` model:
 * `GET /inference-profiles` (query `type`, `maxResults`, `nextToken`; the SDK's `typeEquals` travels as `type`),
 * `POST /listTagsForResource` (body `{"resourceARN"}`), `GET /foundation-models/{modelIdentifier}`,
 * `GET /inference-profiles/{inferenceProfileIdentifier}` and `POST /inference-profiles` (201).
 * Like the service, it lists system-defined profiles unless `type=APPLICATION` is asked for, returns at most
 * `pageLimit` profiles a page, answers a repeated `clientRequestToken` with the same profile, and refuses a
 * second profile of the same name (409 `ConflictException`).
 */
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A foundation model the server offers. */
export interface FakeModel {
  readonly modelId: string;
  readonly inferenceTypesSupported?: readonly string[];
}

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

function modelArn(modelId: string): string {
  return `arn:aws:bedrock:us-east-1::foundation-model/${modelId}`;
}

function profileJson(p: FakeProfile): Record<string, unknown> {
  return {
    inferenceProfileName: p.name,
    inferenceProfileArn: fakeProfileArn(p),
    inferenceProfileId: p.id,
    models: p.modelArns.map((modelArn) => ({ modelArn })),
    status: "ACTIVE",
    type: p.type,
    createdAt: "2026-11-01T09:30:00Z",
  };
}

interface CreateBody {
  inferenceProfileName?: string;
  clientRequestToken?: string;
  modelSource?: { copyFrom?: string };
  tags?: Array<{ key: string; value: string }>;
}

/** Starts the fake on 127.0.0.1, on a free port. `profiles` is its initial state (created profiles are added). */
export async function startBedrockControlPlane(
  initial: readonly FakeProfile[],
  opts: { pageLimit?: number; models?: readonly FakeModel[] } = {},
): Promise<BedrockControlPlane> {
  const pageLimit = opts.pageLimit ?? 2;
  const models = opts.models ?? [];
  const profiles: FakeProfile[] = [...initial];
  const tokens = new Map<string, FakeProfile>();
  const requests: SeenRequest[] = [];
  const create = (b: CreateBody): [number, unknown, string?] => {
    const name = b.inferenceProfileName ?? "";
    if (!/^([0-9a-zA-Z][ _-]?)+$/.test(name) || name.length > 64)
      return [400, { message: `invalid inferenceProfileName ${name}` }, "ValidationException"];
    const known = b.clientRequestToken ? tokens.get(b.clientRequestToken) : undefined;
    if (known) return [201, { inferenceProfileArn: fakeProfileArn(known), status: "ACTIVE" }];
    if (profiles.some((p) => p.name === name))
      return [409, { message: `An inference profile named ${name} already exists` }, "ConflictException"];
    const from = b.modelSource?.copyFrom ?? "";
    const source = models.find((m) => modelArn(m.modelId) === from)
      ? [from]
      : profiles.find((p) => p.type === "SYSTEM_DEFINED" && fakeProfileArn(p) === from)?.modelArns;
    if (!source) return [400, { message: `cannot copy from ${from}` }, "ValidationException"];
    const p: FakeProfile = {
      id: `app${String(profiles.length).padStart(9, "0")}`,
      name,
      type: "APPLICATION",
      modelArns: source,
      tags: b.tags ?? [],
    };
    profiles.push(p);
    if (b.clientRequestToken) tokens.set(b.clientRequestToken, p);
    return [201, { inferenceProfileArn: fakeProfileArn(p), status: "ACTIVE" }];
  };
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
          inferenceProfileSummaries: matching.slice(start, end).map(profileJson),
          ...(end < matching.length ? { nextToken: Buffer.from(String(end)).toString("base64") } : {}),
        });
      }
      if (req.method === "POST" && url.pathname === "/listTagsForResource") {
        const arn = (body as { resourceARN?: string } | undefined)?.resourceARN;
        const p = profiles.find((x) => fakeProfileArn(x) === arn);
        if (!p) return send(res, 404, { message: `No resource ${arn}` }, "ResourceNotFoundException");
        return send(res, 200, { tags: p.tags });
      }
      if (req.method === "POST" && url.pathname === "/inference-profiles") {
        const [status, out, errorType] = create((body ?? {}) as CreateBody);
        return send(res, status, out, errorType);
      }
      const got = /^\/(foundation-models|inference-profiles)\/([^/]+)$/.exec(url.pathname);
      if (req.method === "GET" && got) {
        const id = decodeURIComponent(got[2] as string);
        if (got[1] === "foundation-models") {
          const m = models.find((x) => x.modelId === id || modelArn(x.modelId) === id);
          if (!m) return send(res, 404, { message: `Model ${id} not found` }, "ResourceNotFoundException");
          return send(res, 200, {
            modelDetails: {
              modelArn: modelArn(m.modelId),
              modelId: m.modelId,
              inferenceTypesSupported: m.inferenceTypesSupported ?? ["ON_DEMAND"],
            },
          });
        }
        const p = profiles.find((x) => x.id === id || fakeProfileArn(x) === id);
        if (!p) return send(res, 404, { message: `Profile ${id} not found` }, "ResourceNotFoundException");
        return send(res, 200, profileJson(p));
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
