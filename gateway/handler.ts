/**
 * The tenant gateway's one request handler, used by both runtimes (`smcb gateway serve` and the Lambda adapter).
 * HTTP-neutral: a request (method, path, lower-case headers, body) in, a response (status, headers, a body or an
 * async iterable of server-sent events) out. Who the caller is comes from its key only.
 */
import { randomUUID } from "node:crypto";
import {
  type BedrockRuntimeClient,
  InvokeModelCommand,
  type ToolConfiguration,
} from "@aws-sdk/client-bedrock-runtime";
import type { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import type { Config, GatewayConfig, GatewayTenantConfig, UsageEvent } from "../core/index.js";
import { Decimal, sagemakerEndpointOf } from "../core/index.js";
import type { StreamEvent, UsageRecorder } from "../inference/index.js";
import {
  BedrockProfileClient,
  extractTokenUsage,
  loadDefaultTokenCounter,
  SharedEndpointClient,
  type TokenCounter,
  type TokenCounts,
} from "../inference/index.js";
import {
  type BudgetAlert,
  costOf,
  minuteOf,
  monthOf,
  type ReserveResult,
  type TokenPrices,
  tokenPrices,
  worstInputPrice,
} from "./budget.js";
import { badRequest, GatewayError } from "./errors.js";
import { hashKey, type KeyRecord, presentedKey, sameHash } from "./keys.js";
import {
  type ChatRequest,
  chatRequestSchema,
  converseTokens,
  embeddingsRequestSchema,
  encodeEmbedding,
  finishReason,
  inferenceConfig,
  openAiUsage,
  parseBody,
  promptText,
  sse,
  streamText,
  toConverse,
  toolCallsOf,
  toolConfigOf,
} from "./openai.js";
import type { GatewayStore } from "./store.js";

/** One HTTP request, as either runtime hands it over. Header names are lower-case. */
export interface GatewayRequest {
  readonly method: string;
  /** The path without the query string, e.g. `/v1/chat/completions`. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body?: string | undefined;
  /** Aborted when the client goes away (a streamed answer is then settled with what was sent). */
  readonly signal?: AbortSignal | undefined;
}

/** One HTTP response: a whole body, or server-sent events to write as they come. */
export interface GatewayResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | AsyncIterable<string>;
}

/** The handler both runtimes call. */
export type GatewayHandler = (request: GatewayRequest) => Promise<GatewayResponse>;

/** One structured log line: never prompt or response content, never a key. */
export type GatewayLog = (entry: Readonly<Record<string, unknown>>) => void;

/** What the handler needs; runtimes build it (see `createGatewayRuntime`). */
export interface GatewayDeps {
  /** The configuration (its `gateway` block must be present). */
  readonly config: Pick<Config, "gateway" | "sharedEndpoints">;
  readonly store: GatewayStore;
  /** Where usage events go (one per call). */
  readonly recorder: UsageRecorder;
  /** Bedrock runtime client (Converse, ConverseStream, InvokeModel). */
  readonly bedrock: BedrockRuntimeClient;
  /** SageMaker runtime client, for `sagemaker/…` models. */
  readonly sagemaker: SageMakerRuntimeClient;
  /** The application inference profile ARN of a LOB for a Bedrock model (see `profileLookup`). */
  readonly resolveProfile: (lob: string, bedrockModel: string) => Promise<string>;
  /** Sends a soft budget alert (SNS on AWS, a log line locally). @default a log line */
  readonly alert?: ((alert: BudgetAlert) => Promise<void>) | undefined;
  /** @default no logging */
  readonly log?: GatewayLog | undefined;
  /** The clock, epoch milliseconds. @default Date.now */
  readonly now?: (() => number) | undefined;
  /** Counts prompt tokens before the call. @default js-tiktoken `o200k_base` */
  readonly countTokens?: TokenCounter | undefined;
}

interface Caller {
  readonly tenant: GatewayTenantConfig;
  readonly key: KeyRecord;
}

/** One chat call, once its reservation is granted. */
interface ChatCall {
  readonly body: ChatRequest;
  readonly caller: Caller;
  readonly head: { readonly id: string; readonly created: number; readonly model: string };
  /** Output tokens granted by the budget. */
  readonly maxTokens: number;
  /** Settles and records the call's one usage event. */
  readonly settle: (e: UsageEvent) => Promise<void>;
  readonly signal: AbortSignal | undefined;
  /** Converse's `toolConfig` (Bedrock models), from `tools` and `tool_choice`. */
  readonly toolConfig: ToolConfiguration | undefined;
}

/** Keeps the event a client recorded, so the gateway can complete it (tenant, price) before recording it once. */
class CaptureRecorder implements UsageRecorder {
  event: UsageEvent | undefined;
  record(event: UsageEvent): void {
    this.event = event;
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

const JSON_HEADERS = { "content-type": "application/json" };

function json(status: number, body: unknown, requestId: string): GatewayResponse {
  return { status, headers: { ...JSON_HEADERS, "x-request-id": requestId }, body: JSON.stringify(body) };
}

/** The upstream's error as the client's: throttling 429, time-out 504, rejected request 400, anything else 502. */
export function upstreamError(e: unknown): GatewayError {
  const root = (e as { cause?: unknown }).cause ?? e;
  const err = root as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const name = err.name ?? "Error";
  const status = err.$metadata?.httpStatusCode;
  if (/Throttling|TooManyRequests|ServiceQuotaExceeded/.test(name) || status === 429)
    return new GatewayError(
      429,
      "rate_limit_error",
      "upstream_throttled",
      `The model is throttling requests (${name}); retry later.`,
    );
  if (/Timeout|TimedOut/i.test(name) || err.code === "ETIMEDOUT" || status === 408 || status === 504)
    return new GatewayError(
      504,
      "api_error",
      "upstream_timeout",
      `The model did not answer in time (${name}).`,
    );
  if (name === "ValidationException" || status === 400)
    return new GatewayError(
      400,
      "invalid_request_error",
      "upstream_rejected",
      `The model rejected the request (${name}).`,
    );
  return new GatewayError(
    502,
    "api_error",
    "upstream_error",
    `The model call failed (${name}${status ? `, HTTP ${status}` : ""}).`,
  );
}

/**
 * Makes the gateway's request handler.
 *
 * @example
 * ```ts
 * const handle = createGatewayHandler({ config, store, recorder, bedrock, sagemaker, resolveProfile });
 * const res = await handle({ method: "GET", path: "/v1/models", headers: { authorization: "Bearer smcb-…" } });
 * ```
 */
export function createGatewayHandler(deps: GatewayDeps): GatewayHandler {
  const maybe: GatewayConfig | undefined = deps.config.gateway;
  if (maybe === undefined) throw new Error("The configuration has no gateway block.");
  const gw: GatewayConfig = maybe;
  const now = deps.now ?? Date.now;
  const log = deps.log ?? (() => undefined);
  const tenants = new Map(gw.tenants.map((t) => [t.name, t]));
  const keyCache = new Map<string, { at: number; record: KeyRecord | undefined }>();
  const counter = deps.countTokens ? Promise.resolve(deps.countTokens) : loadDefaultTokenCounter();
  const alert =
    deps.alert ??
    (async (a: BudgetAlert) =>
      log({
        level: "warn",
        msg: "budget threshold crossed",
        ...a,
        spent: a.spent.toString(),
        limit: a.limit.toString(),
      }));

  async function authenticate(req: GatewayRequest): Promise<Caller> {
    const key = presentedKey(req.headers);
    const unauthorized = (message: string) =>
      new GatewayError(401, "authentication_error", "invalid_api_key", message);
    if (key === undefined)
      throw unauthorized("No API key: send `Authorization: Bearer <key>` or `x-api-key: <key>`.");
    const hash = hashKey(key);
    let record: KeyRecord | undefined;
    const cached = keyCache.get(hash);
    if (cached && now() - cached.at < gw.keyCacheSeconds * 1000) record = cached.record;
    else {
      record = await guardStore(() => deps.store.findKey(hash), true);
      if (gw.keyCacheSeconds > 0) keyCache.set(hash, { at: now(), record });
    }
    if (record === undefined || !sameHash(record.hash, hash) || record.revokedAt !== undefined)
      throw unauthorized("Invalid or revoked API key.");
    const tenant = tenants.get(record.tenant);
    if (tenant === undefined || tenant.lob !== record.lob)
      throw unauthorized("This key's tenant is no longer configured for this LOB.");
    return { tenant, key: record };
  }

  /** Runs a store call; a failure refuses (fail closed) unless `onStoreError` is `open` and `optional`. */
  async function guardStore<T>(fn: () => Promise<T>, required = false): Promise<T> {
    try {
      return await fn();
    } catch (cause) {
      log({ level: "error", msg: "gateway store error", error: (cause as Error).message });
      if (!required && gw.onStoreError === "open") throw new StoreBypass();
      throw new GatewayError(
        503,
        "api_error",
        "store_unavailable",
        "The budget store is unavailable; the call was refused.",
        { cause },
      );
    }
  }

  function allowedModel(caller: Caller, model: string): void {
    if (!caller.tenant.models.includes(model))
      throw new GatewayError(
        403,
        "permission_error",
        "model_not_allowed",
        `Model "${model}" is not allowed for this key.`,
      );
  }

  function budgetsOf(tenant: GatewayTenantConfig) {
    const tenantLimit = tenant.budget ? new Decimal(tenant.budget.monthly) : null;
    const lobBudget = gw.lobBudgets[tenant.lob];
    const lobLimit = lobBudget === undefined ? null : new Decimal(lobBudget);
    return { tenantLimit, lobLimit, budgeted: tenantLimit !== null || lobLimit !== null };
  }

  /** The prices of a model; refuses an unpriced model for a budgeted tenant (it is never charged $0). */
  function pricesFor(caller: Caller, model: string): TokenPrices | undefined {
    const prices = tokenPrices(gw.models[model]);
    if (prices === undefined && budgetsOf(caller.tenant).budgeted)
      throw new GatewayError(
        403,
        "permission_error",
        "model_not_priced",
        `Model "${model}" has no price in the gateway's price table, so a budgeted tenant cannot call it.`,
      );
    return prices;
  }

  /** One metered call: reservation before, settlement and one usage event after. */
  async function reserve(
    caller: Caller,
    id: string,
    prices: TokenPrices | undefined,
    inputCount: number,
    maxOutput: number,
  ) {
    const t = now();
    const { tenantLimit, lobLimit } = budgetsOf(caller.tenant);
    const inputTokens = Math.ceil(inputCount * gw.inputTokenMargin);
    let result: ReserveResult;
    try {
      result = await guardStore(() =>
        deps.store.reserve({
          id,
          tenant: caller.tenant.name,
          lob: caller.tenant.lob,
          month: monthOf(t),
          minute: minuteOf(t),
          now: t,
          expiresAt: t + gw.reservationSeconds * 1000,
          tenantLimit,
          lobLimit,
          rpm: caller.tenant.limits?.rpm ?? null,
          tpm: caller.tenant.limits?.tpm ?? null,
          inputTokens,
          inputCost: worstInputPrice(prices).times(inputTokens),
          outputPrice: prices?.output ?? new Decimal(0),
          maxOutputTokens: maxOutput,
          minOutputTokens: gw.minOutputTokens,
        }),
      );
    } catch (e) {
      if (e instanceof StoreBypass) return { outputTokens: maxOutput, month: monthOf(t), reserved: false };
      throw e;
    }
    if (!result.ok) {
      if (result.reason === "budget")
        throw new GatewayError(
          429,
          "insufficient_quota",
          "insufficient_quota",
          `The ${result.scope === "lob" ? "LOB's" : "tenant's"} monthly budget cannot cover this request.`,
        );
      throw new GatewayError(
        429,
        "rate_limit_error",
        "rate_limit_exceeded",
        `Rate limit reached (${result.reason}); retry in the next minute.`,
      );
    }
    return { outputTokens: result.outputTokens, month: monthOf(t), reserved: true };
  }

  /** Settles once and records the call's one usage event (with tenant and price estimate). */
  function settler(caller: Caller, id: string, month: string, prices: TokenPrices | undefined) {
    let done = false;
    return async (event: UsageEvent): Promise<void> => {
      if (done) return;
      done = true;
      const tokens: TokenCounts = {
        inputTokens: event.input_tokens,
        outputTokens: event.output_tokens,
        cacheReadTokens: event.cache_read_tokens,
        cacheWriteTokens: event.cache_write_tokens,
      };
      const cost = costOf(tokens, prices);
      const { tenantLimit, lobLimit } = budgetsOf(caller.tenant);
      const thresholds = caller.tenant.budget?.alerts ?? [0.5, 0.8, 1];
      try {
        const r = await deps.store.settle({
          id,
          lob: caller.tenant.lob,
          month,
          cost,
          tokens,
          tenantAlerts: tenantLimit === null ? null : { limit: tenantLimit, thresholds },
          lobAlerts: lobLimit === null ? null : { limit: lobLimit, thresholds: [0.5, 0.8, 1] },
        });
        for (const a of r.alerts)
          await alert(a).catch((e: unknown) =>
            log({ level: "error", msg: "alert failed", error: (e as Error).message }),
          );
      } catch (e) {
        // The reservation stays until it expires: the budget is held, never overspent.
        log({ level: "error", msg: "settlement failed", requestId: id, error: (e as Error).message });
      }
      deps.recorder.record({
        ...event,
        id,
        tenant: caller.tenant.name,
        price_estimate: prices === undefined ? null : cost.toString(),
      });
    };
  }

  async function chat(req: GatewayRequest, caller: Caller, id: string): Promise<GatewayResponse> {
    const body = parseBody(chatRequestSchema, req.body);
    allowedModel(caller, body.model);
    const endpoint = sagemakerEndpointOf(body.model);
    // checked before anything is reserved: a request that cannot be sent costs nothing
    const toolConfig = endpoint === undefined ? toolConfigOf(body) : noTools(body);
    const prices = pricesFor(caller, body.model);
    const count = await counter;
    const prompt = promptText(body);
    const asked = body.max_completion_tokens ?? body.max_tokens ?? gw.defaultMaxTokens;
    const r = await reserve(caller, id, prices, count(prompt), asked);
    const settle = settler(caller, id, r.month, prices);
    const created = Math.floor(now() / 1000);
    const head = { id: `chatcmpl-${id}`, created, model: body.model };
    try {
      const call = { body, caller, head, maxTokens: r.outputTokens, settle, signal: req.signal, toolConfig };
      return await (endpoint === undefined ? bedrockChat(call) : sagemakerChat(call));
    } catch (e) {
      const capture = (e as { usageEvent?: UsageEvent }).usageEvent;
      await settle(capture ?? failedEvent(caller, body.model, endpoint));
      throw e instanceof GatewayError ? e : upstreamError(e);
    }
  }

  function failedEvent(caller: Caller, model: string, endpoint: string | undefined): UsageEvent {
    const m = gw.models[model];
    return {
      v: 1,
      id: "pending",
      ts: new Date(now()).toISOString(),
      lob: caller.tenant.lob,
      kind: endpoint === undefined ? "bedrock" : "sagemaker",
      endpoint: endpoint ?? null,
      component: null,
      variant: null,
      profile_arn: null,
      model_id: m?.bedrockModel ?? null,
      input_tokens: 0,
      output_tokens: 0,
      cache_read_tokens: 0,
      cache_write_tokens: 0,
      token_source: "reported",
      latency_ms: null,
      status: "error",
    };
  }

  /** The LOB's application inference profile for a Bedrock model; a 502 when there is none (or several). */
  function profileFor(caller: Caller, bedrockModel: string): Promise<string> {
    return deps.resolveProfile(caller.tenant.lob, bedrockModel).catch((e: unknown) => {
      throw new GatewayError(
        502,
        "api_error",
        "profile_not_found",
        `No application inference profile for this LOB and model: ${(e as Error).message}`,
      );
    });
  }

  async function bedrockChat(call: ChatCall): Promise<GatewayResponse> {
    const { body, caller, head, maxTokens, settle, signal, toolConfig } = call;
    const bedrockModel = gw.models[body.model]?.bedrockModel ?? body.model;
    const profileArn = await profileFor(caller, bedrockModel);
    const capture = new CaptureRecorder();
    const client = new BedrockProfileClient({
      profileArn,
      lob: caller.tenant.lob,
      recorder: capture,
      client: deps.bedrock,
      modelId: bedrockModel,
      now,
    });
    const input = {
      ...toConverse(body),
      inferenceConfig: inferenceConfig(body, maxTokens),
      ...(toolConfig ? { toolConfig } : {}),
    };
    const fail = (e: unknown) => Object.assign(e as object, { usageEvent: capture.event });
    if (!body.stream) {
      const out = await client.converse(input).catch((e: unknown) => {
        throw fail(e);
      });
      await settle(out.usageEvent);
      const content = out.output?.message?.content ?? [];
      const text = content.map((c) => c.text ?? "").join("");
      const usage = openAiUsage(converseTokens(out.usage));
      return completion(head, text, finishReason(out.stopReason), usage, toolCallsOf(content));
    }
    const out = await client.converseStream(input).catch((e: unknown) => {
      throw fail(e);
    });
    const sent: StreamEvent[] = [];
    const chunk = (delta: object, finish: string | null) => ({
      ...head,
      object: "chat.completion.chunk",
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
    });
    async function* events(): AsyncGenerator<string> {
      let completed = false;
      try {
        yield sse(chunk({ role: "assistant", content: "" }, null));
        let finish = "stop";
        // Converse's content block index of each tool use → its index among the answer's tool calls (OpenAI's)
        const toolIndex = new Map<number, number>();
        for await (const ev of out.stream) {
          if (signal?.aborted) break;
          const text = streamText(ev);
          if (text !== undefined && text !== "") {
            const c = chunk({ content: text }, null);
            sent.push(c);
            yield sse(c);
          }
          const started = ev.contentBlockStart?.start?.toolUse;
          if (started) {
            const index = toolIndex.size;
            toolIndex.set(ev.contentBlockStart?.contentBlockIndex ?? index, index);
            const name = started.name ?? "";
            sent.push(chunk({ content: name }, null)); // counted as output, like text, if the stream breaks off
            yield sse(
              chunk(
                {
                  tool_calls: [
                    { index, id: started.toolUseId, type: "function", function: { name, arguments: "" } },
                  ],
                },
                null,
              ),
            );
          }
          const args = ev.contentBlockDelta?.delta?.toolUse?.input;
          if (args !== undefined && args !== "") {
            const index = toolIndex.get(ev.contentBlockDelta?.contentBlockIndex ?? -1) ?? 0;
            sent.push(chunk({ content: args }, null));
            yield sse(chunk({ tool_calls: [{ index, function: { arguments: args } }] }, null));
          }
          if (ev.messageStop) finish = finishReason(ev.messageStop.stopReason);
          if (ev.metadata?.usage) {
            yield sse(chunk({}, finish));
            yield sse({
              ...head,
              object: "chat.completion.chunk",
              choices: [],
              usage: openAiUsage(converseTokens(ev.metadata.usage)),
            });
            completed = true;
          }
        }
        if (completed) yield sse("[DONE]");
      } catch (e) {
        const err = upstreamError(e);
        yield sse(err.body());
      } finally {
        await out.stream.return(undefined).catch(() => undefined);
        const event = await out.usageEvent;
        if (completed) await settle(event);
        else {
          // Broken off (by the client or the model): settle with what was sent, counted by us.
          const counted = await extractTokenUsage({
            // the prompt as the reservation counted it (tool definitions and calls included)
            request: { messages: [{ role: "user", content: promptText(body) }] },
            events: sent,
            countTokens: await counter,
          });
          await settle({
            ...event,
            input_tokens: counted.inputTokens,
            output_tokens: counted.outputTokens,
            cache_read_tokens: 0,
            cache_write_tokens: 0,
            token_source: "estimated",
          });
        }
      }
    }
    return { status: 200, headers: sseHeaders(head.id.slice(9)), body: events() };
  }

  async function sagemakerChat(call: ChatCall): Promise<GatewayResponse> {
    const { body, caller, head, maxTokens, settle, signal } = call;
    const [, endpointName, component] = body.model.split("/") as [string, string, string | undefined];
    const shared = deps.config.sharedEndpoints.find((e) => e.name === endpointName);
    const capture = new CaptureRecorder();
    const client = new SharedEndpointClient({
      endpointName,
      lob: caller.tenant.lob,
      recorder: capture,
      client: deps.sagemaker,
      preloadTokenizer: false,
      ...(component ? { inferenceComponentName: component } : {}),
      ...(shared?.tokenizer ? { tokenizer: shared.tokenizer } : {}),
    });
    // The endpoint's container speaks the OpenAI Messages API (TGI, LMI and vLLM containers do).
    const { model: _model, max_completion_tokens: _m, ...rest } = body;
    const request = { ...rest, max_tokens: maxTokens, stream: body.stream === true };
    const fail = (e: unknown) => Object.assign(e as object, { usageEvent: capture.event });
    if (!body.stream) {
      const out = await client
        .invoke({ body: request, inferenceId: head.id.slice(9, 73) })
        .catch((e: unknown) => {
          throw fail(e);
        });
      await settle(out.usage);
      const answer = safeJson(out.text) as {
        choices?: { message?: { content?: string }; finish_reason?: string }[];
      };
      const first = answer?.choices?.[0];
      return completion(
        head,
        first?.message?.content ?? "",
        first?.finish_reason ?? "stop",
        openAiUsage({
          inputTokens: out.usage.input_tokens,
          outputTokens: out.usage.output_tokens,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
        }),
      );
    }
    const out = await client
      .invokeStream({ body: request, inferenceId: head.id.slice(9, 73) })
      .catch((e: unknown) => {
        throw fail(e);
      });
    const iterator = out.events[Symbol.asyncIterator]();
    async function* events(): AsyncGenerator<string> {
      try {
        yield sse({
          ...head,
          object: "chat.completion.chunk",
          choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }],
        });
        for (;;) {
          if (signal?.aborted) break;
          const next = await iterator.next();
          if (next.done) break;
          const ev = next.value as {
            choices?: { delta?: { content?: string }; finish_reason?: string | null }[];
          };
          const c = ev?.choices?.[0];
          if (c === undefined) continue;
          yield sse({
            ...head,
            object: "chat.completion.chunk",
            choices: [
              {
                index: 0,
                delta: c.delta?.content ? { content: c.delta.content } : {},
                finish_reason: c.finish_reason ?? null,
              },
            ],
          });
        }
        const usage = await out.usage;
        yield sse({
          ...head,
          object: "chat.completion.chunk",
          choices: [],
          usage: openAiUsage({
            inputTokens: usage.input_tokens,
            outputTokens: usage.output_tokens,
            cacheReadTokens: 0,
            cacheWriteTokens: 0,
          }),
        });
        yield sse("[DONE]");
      } catch (e) {
        yield sse(upstreamError(e).body());
      } finally {
        await iterator.return?.(undefined).catch(() => undefined);
        await settle(await out.usage);
      }
    }
    return { status: 200, headers: sseHeaders(head.id.slice(9)), body: events() };
  }

  async function embeddings(req: GatewayRequest, caller: Caller, id: string): Promise<GatewayResponse> {
    const body = parseBody(embeddingsRequestSchema, req.body);
    allowedModel(caller, body.model);
    const model = gw.models[body.model];
    if (model?.kind !== "embedding")
      throw new GatewayError(
        400,
        "invalid_request_error",
        "not_an_embedding_model",
        `Model "${body.model}" is not an embedding model.`,
      );
    const prices = pricesFor(caller, body.model);
    const inputs = typeof body.input === "string" ? [body.input] : body.input;
    const count = await counter;
    const r = await reserve(
      caller,
      id,
      prices,
      inputs.reduce((n, s) => n + count(s), 0),
      0,
    );
    const settle = settler(caller, id, r.month, prices);
    const bedrockModel = model.bedrockModel ?? body.model;
    const started = now();
    let tokens = 0;
    const event = (status: "ok" | "error", profileArn: string | null): UsageEvent => ({
      ...failedEvent(caller, body.model, undefined),
      profile_arn: profileArn,
      input_tokens: tokens,
      latency_ms: Math.max(0, now() - started),
      status,
    });
    let profileArn: string | null = null;
    try {
      profileArn = await profileFor(caller, bedrockModel);
      const data: { object: "embedding"; index: number; embedding: number[] | string }[] = [];
      for (const [index, inputText] of inputs.entries()) {
        // Amazon Titan Text Embeddings (V2) InvokeModel body and answer: `{inputText, dimensions?, normalize?}` →
        // `{embedding, inputTextTokenCount}` (Bedrock user guide, "Amazon Titan Embeddings G1 - Text", V2 Request/Response).
        const out = await deps.bedrock.send(
          new InvokeModelCommand({
            modelId: profileArn,
            contentType: "application/json",
            accept: "application/json",
            body: JSON.stringify({ inputText, ...(body.dimensions ? { dimensions: body.dimensions } : {}) }),
          }),
        );
        const answer = JSON.parse(new TextDecoder().decode(out.body)) as {
          embedding?: number[];
          inputTextTokenCount?: number;
        };
        tokens += answer.inputTextTokenCount ?? count(inputText);
        data.push({
          object: "embedding",
          index,
          embedding: encodeEmbedding(answer.embedding ?? [], body.encoding_format),
        });
      }
      await settle(event("ok", profileArn));
      return json(
        200,
        { object: "list", data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } },
        id,
      );
    } catch (e) {
      await settle(event("error", profileArn));
      throw e instanceof GatewayError ? e : upstreamError(e);
    }
  }

  async function models(caller: Caller, id: string): Promise<GatewayResponse> {
    return json(
      200,
      {
        object: "list",
        data: caller.tenant.models.map((m) => ({
          id: m,
          object: "model",
          created: 0,
          owned_by: m.startsWith("sagemaker/") ? "sagemaker" : "bedrock",
        })),
      },
      id,
    );
  }

  async function usage(caller: Caller, id: string): Promise<GatewayResponse> {
    const month = monthOf(now());
    const u = await guardStore(() => deps.store.usage(caller.tenant.name, caller.tenant.lob, month), true);
    const { tenantLimit, lobLimit } = budgetsOf(caller.tenant);
    const left = (limit: Decimal | null, committed: Decimal) =>
      limit === null ? null : Decimal.max(0, limit.minus(committed)).toString();
    return json(
      200,
      {
        object: "usage",
        tenant: caller.tenant.name,
        lob: caller.tenant.lob,
        month,
        tokens: {
          input: u.tenant.inputTokens,
          output: u.tenant.outputTokens,
          cache_read: u.tenant.cacheReadTokens,
          cache_write: u.tenant.cacheWriteTokens,
        },
        calls: u.tenant.calls,
        estimated_spend: u.tenant.spent.toString(),
        reserved: u.tenant.committed.minus(u.tenant.spent).toString(),
        budget: tenantLimit?.toString() ?? null,
        budget_left: left(tenantLimit, u.tenant.committed),
        lob_budget: lobLimit?.toString() ?? null,
        lob_budget_left: left(lobLimit, u.lob.committed),
      },
      id,
    );
  }

  return async (req: GatewayRequest): Promise<GatewayResponse> => {
    const id = randomUUID();
    const started = now();
    let tenant: string | undefined;
    let res: GatewayResponse;
    try {
      const route = `${req.method.toUpperCase()} ${req.path.replace(/\/+$/, "")}`;
      const known = ["POST /v1/chat/completions", "POST /v1/embeddings", "GET /v1/models", "GET /v1/usage"];
      if (!known.includes(route)) {
        const pathKnown = known.some((k) => k.endsWith(` ${req.path.replace(/\/+$/, "")}`));
        throw new GatewayError(
          pathKnown ? 405 : 404,
          "invalid_request_error",
          pathKnown ? "method_not_allowed" : "not_found",
          `No route ${route}.`,
        );
      }
      const caller = await authenticate(req);
      tenant = caller.tenant.name;
      if (route === "POST /v1/chat/completions") res = await chat(req, caller, id);
      else if (route === "POST /v1/embeddings") res = await embeddings(req, caller, id);
      else if (route === "GET /v1/models") res = await models(caller, id);
      else res = await usage(caller, id);
    } catch (e) {
      const err =
        e instanceof GatewayError
          ? e
          : new GatewayError(500, "api_error", "internal_error", "The gateway failed to handle the request.");
      if (!(e instanceof GatewayError))
        log({ level: "error", msg: "unexpected error", requestId: id, error: (e as Error).name });
      res = json(err.status, err.body(), id);
    }
    log({
      level: "info",
      requestId: id,
      method: req.method,
      path: req.path,
      tenant: tenant ?? null,
      status: res.status,
      ms: now() - started,
    });
    return res;
  };
}

/** Thrown by the store guard when the store failed and `onStoreError` is `open`: the call goes on unreserved. */
class StoreBypass extends Error {}

/** SageMaker endpoints get no tools: a 400 for a request with tools or tool calls (nothing is reserved). */
function noTools(body: ChatRequest): undefined {
  if (body.tools?.length || body.messages.some((m) => m.role === "tool" || (m.tool_calls?.length ?? 0) > 0))
    throw badRequest(
      "tools are supported for Bedrock models only (Converse toolConfig), not for SageMaker endpoints.",
      "tools_not_supported",
    );
  return undefined;
}

/** A whole chat completion answer. */
function completion(
  head: ChatCall["head"],
  content: string,
  finish: string,
  usage: ReturnType<typeof openAiUsage>,
  toolCalls?: ReturnType<typeof toolCallsOf>,
): GatewayResponse {
  // with tool calls and no text, OpenAI's content is null
  const message = toolCalls
    ? { role: "assistant", content: content === "" ? null : content, tool_calls: toolCalls }
    : { role: "assistant", content };
  const choice = { index: 0, message, finish_reason: finish, logprobs: null };
  return json(200, { ...head, object: "chat.completion", choices: [choice], usage }, head.id.slice(9));
}

function sseHeaders(requestId: string): Record<string, string> {
  return { "content-type": "text/event-stream", "cache-control": "no-cache", "x-request-id": requestId };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
