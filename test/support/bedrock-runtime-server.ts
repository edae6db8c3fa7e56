/**
 * A loopback stand-in for the Bedrock runtime (127.0.0.1 only): Converse (`POST /model/{modelId}/converse`),
 * ConverseStream (`POST /model/{modelId}/converse-stream`, an AWS event stream of `messageStart`,
 * `contentBlockDelta`, `contentBlockStop`, `messageStop`, `metadata` events) and InvokeModel
 * (`POST /model/{modelId}/invoke`, Amazon Titan Text Embeddings V2 bodies). Paths, event names and required members
 * from botocore's `bedrock-runtime` service model (ConverseResponse requires output, stopReason, usage, metrics;
 * ConverseStreamMetadataEvent requires usage and metrics); errors as restJson: `x-amzn-errortype` header.
 *
 * It speaks cleartext HTTP/2 (h2c), as the SDK's Bedrock runtime client uses HTTP/2 (`NodeHttp2Handler`).
 *
 * The model answers "tok tok …": exactly `min(maxTokens, outputTokens)` output tokens (the worst case a budget has
 * to hold), and reports as input tokens the prompt's word count.
 *
 * With a `toolConfig` whose turn has no `toolResult` yet, it calls a tool instead (stop reason `tool_use`): the one
 * `toolChoice.tool` names, else the first, with the input `{"query":"tok"}` — a `toolUse` content block, or streamed
 * as `contentBlockStart` (`start.toolUse`: `toolUseId`, `name`) and `contentBlockDelta` events whose
 * `delta.toolUse.input` carry the input's JSON in pieces (botocore: ContentBlockStartEvent, ToolUseBlockStart,
 * ToolUseBlockDelta). Once the last user turn holds a `toolResult`, it answers with text again.
 */
import { createServer, type Http2Session } from "node:http2";
import type { AddressInfo } from "node:net";
import { eventMessage } from "./runtime-server.js";

/** One request the stand-in received. */
export interface BedrockRuntimeRequest {
  readonly operation: "converse" | "converse-stream" | "invoke";
  readonly modelId: string;
  readonly body: Record<string, unknown>;
}

/** How the stand-in answers a request. */
export interface BedrockBehaviour {
  /** Output tokens the model wants to write (capped at the request's maxTokens). @default 20 */
  readonly outputTokens?: number;
  /** Cache read / write input tokens to report. @default 0 */
  readonly cacheReadTokens?: number;
  readonly cacheWriteTokens?: number;
  /** Milliseconds before answering (and between streamed tokens when `tokenDelayMs`). @default 0 */
  readonly delayMs?: number;
  readonly tokenDelayMs?: number;
  /** Answer with this error type and status instead (e.g. `ThrottlingException`, 429). */
  readonly error?: { readonly type: string; readonly status: number };
}

/** A running stand-in. */
export interface BedrockRuntimeServer {
  readonly endpoint: string;
  readonly requests: BedrockRuntimeRequest[];
  close(): Promise<void>;
}

/** The tool the stand-in calls for this request, if it calls one (see the module comment). */
function toolToCall(body: Record<string, unknown>): string | undefined {
  const config = body.toolConfig as
    | { tools?: { toolSpec?: { name?: string } }[]; toolChoice?: { tool?: { name?: string } } }
    | undefined;
  if (!config?.tools?.length) return undefined;
  const messages = (body.messages ?? []) as { role?: string; content?: { toolResult?: unknown }[] }[];
  const last = messages[messages.length - 1];
  if (last?.content?.some((c) => c.toolResult !== undefined)) return undefined;
  return config.toolChoice?.tool?.name ?? config.tools[0]?.toolSpec?.name;
}

function words(body: Record<string, unknown>): number {
  const texts: string[] = [];
  const collect = (blocks: unknown) => {
    if (Array.isArray(blocks)) for (const b of blocks) if (typeof b?.text === "string") texts.push(b.text);
  };
  collect(body.system);
  if (Array.isArray(body.messages))
    for (const m of body.messages) collect((m as { content?: unknown }).content);
  if (typeof body.inputText === "string") texts.push(body.inputText);
  return texts.join(" ").split(/\s+/).filter(Boolean).length;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the stand-in; `behave` decides each answer. */
export async function startBedrockRuntime(
  behave: (req: BedrockRuntimeRequest) => BedrockBehaviour = () => ({}),
): Promise<BedrockRuntimeServer> {
  const requests: BedrockRuntimeRequest[] = [];
  const sessions = new Set<Http2Session>();
  const server = createServer((req, res) => {
    let gone = false;
    res.on("close", () => {
      gone = true;
    });
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const m = /^\/model\/([^/]+)\/(converse|converse-stream|invoke)$/.exec(req.url ?? "");
      if (req.method !== "POST" || !m) {
        res.writeHead(404, { "x-amzn-errortype": "UnknownOperationException" }).end("{}");
        return;
      }
      const r: BedrockRuntimeRequest = {
        operation: m[2] as BedrockRuntimeRequest["operation"],
        modelId: decodeURIComponent(m[1] ?? ""),
        body: JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>,
      };
      requests.push(r);
      const b = behave(r);
      if (b.delayMs) await sleep(b.delayMs);
      if (gone) return;
      if (b.error) {
        res
          .writeHead(b.error.status, { "content-type": "application/json", "x-amzn-errortype": b.error.type })
          .end(JSON.stringify({ message: `stand-in ${b.error.type}` }));
        return;
      }
      const inputTokens = words(r.body);
      if (r.operation === "invoke") {
        res.writeHead(200, { "content-type": "application/json" }).end(
          JSON.stringify({
            embedding: [0.1, 0.2, 0.3],
            inputTextTokenCount: inputTokens,
            embeddingsByType: { float: [0.1, 0.2, 0.3] },
          }),
        );
        return;
      }
      const max = (r.body.inferenceConfig as { maxTokens?: number } | undefined)?.maxTokens ?? 4096;
      const n = Math.min(max, b.outputTokens ?? 20);
      const usage = {
        inputTokens,
        outputTokens: n,
        totalTokens: inputTokens + n,
        cacheReadInputTokens: b.cacheReadTokens ?? 0,
        cacheWriteInputTokens: b.cacheWriteTokens ?? 0,
      };
      const tool = toolToCall(r.body);
      const toolUseId = `tooluse_${requests.length}`;
      const stopReason = tool ? "tool_use" : n < (b.outputTokens ?? 20) ? "max_tokens" : "end_turn";
      if (r.operation === "converse") {
        const content = tool
          ? [{ toolUse: { toolUseId, name: tool, input: { query: "tok" } } }]
          : [{ text: Array(n).fill("tok").join(" ") }];
        res.writeHead(200, { "content-type": "application/json" }).end(
          JSON.stringify({
            output: { message: { role: "assistant", content } },
            stopReason,
            usage,
            metrics: { latencyMs: b.delayMs ?? 0 },
          }),
        );
        return;
      }
      res.writeHead(200, { "content-type": "application/vnd.amazon.eventstream" });
      const event = (type: string, payload: object) =>
        res.write(
          eventMessage(
            { ":event-type": type, ":message-type": "event", ":content-type": "application/json" },
            Buffer.from(JSON.stringify(payload), "utf8"),
          ),
        );
      event("messageStart", { role: "assistant" });
      if (tool) {
        event("contentBlockStart", { contentBlockIndex: 0, start: { toolUse: { toolUseId, name: tool } } });
        for (const piece of ['{"query":', '"tok"}'])
          event("contentBlockDelta", { contentBlockIndex: 0, delta: { toolUse: { input: piece } } });
        event("contentBlockStop", { contentBlockIndex: 0 });
        event("messageStop", { stopReason });
        event("metadata", { usage, metrics: { latencyMs: b.delayMs ?? 0 } });
        res.end();
        return;
      }
      for (let i = 0; i < n; i++) {
        if (gone) return;
        event("contentBlockDelta", { contentBlockIndex: 0, delta: { text: i === 0 ? "tok" : " tok" } });
        if (b.tokenDelayMs) await sleep(b.tokenDelayMs);
      }
      event("contentBlockStop", { contentBlockIndex: 0 });
      event("messageStop", { stopReason });
      event("metadata", { usage, metrics: { latencyMs: b.delayMs ?? 0 } });
      res.end();
    });
  });
  server.on("session", (session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}
