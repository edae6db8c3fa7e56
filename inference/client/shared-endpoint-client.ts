/**
 * The data scientist's helper for shared endpoints: every call carries the LOB and is recorded to the usage ledger.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import {
  InvokeEndpointCommand,
  InvokeEndpointWithResponseStreamCommand,
  type InvokeEndpointWithResponseStreamCommandOutput,
  SageMakerRuntimeClient,
} from "@aws-sdk/client-sagemaker-runtime";
import {
  lobProblem,
  tagValueProblem,
  toAwsError,
  USAGE_EVENT_VERSION,
  UsageError,
  type UsageEvent,
} from "../../core/index.js";
import type { UsageRecorder } from "../recorders/index.js";
import { mergeCustomAttributes } from "./custom-attributes.js";
import { type StreamEvent, StreamLineDecoder } from "./stream-lines.js";
import { loadDefaultTokenCounter, loadHfTokenCounter, type TokenCounter } from "./token-counter.js";
import { extractTokenUsage, type TokenUsage } from "./token-usage.js";

/** Options of a {@link SharedEndpointClient}. */
export interface SharedEndpointClientOptions {
  /** The SageMaker endpoint to invoke. */
  readonly endpointName: string;
  /** The LOB the calls are attributed to. @default the `SMCB_LOB` environment variable */
  readonly lob?: string;
  /** Where usage events go. */
  readonly recorder: UsageRecorder;
  /** The inference component to route to (shared endpoints with one component per LOB). */
  readonly inferenceComponentName?: string;
  /** The production variant to route to. */
  readonly targetVariant?: string;
  /** The allowed LOBs; when given, the LOB must be one of them. @default any valid tag value */
  readonly lobs?: readonly string[];
  /** The runtime client. @default `new SageMakerRuntimeClient({})` */
  readonly client?: SageMakerRuntimeClient;
  /** Counts tokens the answer does not report. @default js-tiktoken `o200k_base` */
  readonly countTokens?: TokenCounter;
  /**
   * Count the tokens the answer does not report with this Hugging Face `tokenizer.json` (or the model folder
   * holding it), the model's own tokenizer; see {@link loadHfTokenCounter}. Not with `countTokens`. Each call
   * waits for its load (once per path), so a missing or invalid file fails the call with a ConfigError before
   * anything is sent. @default js-tiktoken `o200k_base`
   * @example "models/llama-3.1-8b-instruct/tokenizer.json"
   */
  readonly tokenizer?: string;
  /** Called when the recorder throws; the call itself is never affected. @default ignore */
  readonly onRecordError?: (error: unknown) => void;
  /**
   * Load the tokenizer (the default one, or `tokenizer`) in the background at construction, so that the first
   * call is not slowed by its one-time load (about a second of CPU for the default). Short-lived processes may
   * turn it off. @default true
   */
  readonly preloadTokenizer?: boolean;
  /** Environment to read `SMCB_LOB` from. @default `process.env` */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** One request. */
export interface InvokeRequest {
  /** The body: text, bytes, or a value sent as JSON. */
  readonly body: string | Uint8Array | object;
  /** @default `application/json` */
  readonly contentType?: string;
  /** @default `application/json` */
  readonly accept?: string;
  /** The caller's own custom attributes; `lob=<LOB>` is merged in. */
  readonly customAttributes?: string;
  /** The invocation id, also the ledger `id`. @default a random UUID */
  readonly inferenceId?: string;
  /** Overrides the client's target variant for this call. */
  readonly targetVariant?: string;
}

/** What a non-streamed call returns. */
export interface InvokeResult {
  /** The answer's bytes. */
  readonly body: Uint8Array;
  /** The answer as UTF-8 text. */
  readonly text: string;
  readonly contentType: string | undefined;
  readonly invokedProductionVariant: string | undefined;
  readonly customAttributes: string | undefined;
  readonly inferenceId: string;
  /** The usage event recorded for this call. */
  readonly usage: UsageEvent;
}

/** What a streamed call returns. */
export interface InvokeStreamResult {
  readonly inferenceId: string;
  readonly contentType: string | undefined;
  readonly invokedProductionVariant: string | undefined;
  /** The answer's lines, whole even when split across chunks: parsed JSON, or text. Iterate once. */
  readonly events: AsyncIterable<StreamEvent>;
  /** The usage event, recorded when `events` ends (completed, broken off, or failed). */
  readonly usage: Promise<UsageEvent>;
}

const INFERENCE_ID = /^\S[\x20-\x7e]{0,63}$/;

function encodeBody(body: InvokeRequest["body"]): { bytes: Uint8Array; parsed: unknown } {
  if (body instanceof Uint8Array) return { bytes: body, parsed: tryParse(new TextDecoder().decode(body)) };
  if (typeof body === "string") return { bytes: new TextEncoder().encode(body), parsed: tryParse(body) };
  return { bytes: new TextEncoder().encode(JSON.stringify(body)), parsed: body };
}

function tryParse(text: string): unknown {
  const t = text.trimStart();
  if (!t.startsWith("{") && !t.startsWith("[")) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Invokes a (shared) SageMaker endpoint on behalf of one LOB. Each call sends `CustomAttributes` with
 * `lob=<LOB>`, the inference component, the target variant and an `InferenceId` (the ledger `id`), and records
 * one usage event (tokens in and out, latency, status). Recording never fails nor delays the call.
 *
 * @example
 * ```ts
 * const client = new SharedEndpointClient({
 *   endpointName: "shared-llm",
 *   lob: "retail",
 *   inferenceComponentName: "shared-llm-retail",
 *   recorder: new FileUsageRecorder({ path: "usage" }),
 * });
 * const { text, usage } = await client.invoke({ body: { inputs: "Hello", parameters: { max_new_tokens: 64 } } });
 * ```
 */
export class SharedEndpointClient {
  /** The LOB every call is attributed to. */
  readonly lob: string;
  readonly endpointName: string;
  readonly inferenceComponentName: string | undefined;
  readonly targetVariant: string | undefined;
  private readonly client: SageMakerRuntimeClient;
  private readonly recorder: UsageRecorder;
  private readonly countTokens: TokenCounter | undefined;
  private readonly tokenizer: string | undefined;
  private readonly onRecordError: (error: unknown) => void;

  constructor(options: SharedEndpointClientOptions) {
    const lob = options.lob ?? (options.env ?? process.env).SMCB_LOB;
    if (lob === undefined || lob === "")
      throw new UsageError("No LOB: pass `lob` or set SMCB_LOB.", {
        hint: "Every call is charged to a line of business; name yours.",
      });
    const problem = options.lobs ? lobProblem({ tagKey: "", lobs: options.lobs }, lob) : tagValueProblem(lob);
    if (problem !== undefined) throw new UsageError(`Invalid LOB: ${problem}.`);
    this.lob = lob;
    this.endpointName = options.endpointName;
    this.inferenceComponentName = options.inferenceComponentName;
    this.targetVariant = options.targetVariant;
    this.client = options.client ?? new SageMakerRuntimeClient({});
    this.recorder = options.recorder;
    if (options.countTokens !== undefined && options.tokenizer !== undefined)
      throw new UsageError("Pass `countTokens` or `tokenizer`, not both.");
    this.countTokens = options.countTokens;
    this.tokenizer = options.tokenizer;
    this.onRecordError = options.onRecordError ?? (() => undefined);
    // Warm the tokenizer in the background so an answer without usage is not slowed by its first load.
    if (this.countTokens === undefined && options.preloadTokenizer !== false)
      setImmediate(() => void (this.counter() ?? loadDefaultTokenCounter()).catch(() => undefined));
  }

  /** The configured counter (loaded once per process); `undefined` for the default, loaded only when needed. */
  private counter(): Promise<TokenCounter> | undefined {
    if (this.countTokens !== undefined) return Promise.resolve(this.countTokens);
    return this.tokenizer === undefined ? undefined : loadHfTokenCounter(this.tokenizer);
  }

  /**
   * One call (InvokeEndpoint). Throws the invocation's error (an AwsError) after recording it, or a ConfigError
   * before sending when the `tokenizer` file cannot be loaded.
   */
  async invoke(request: InvokeRequest): Promise<InvokeResult> {
    const prepared = this.prepare(request);
    if (this.tokenizer !== undefined) await this.counter();
    const started = performance.now();
    try {
      const out = await this.client.send(new InvokeEndpointCommand(prepared.input));
      const latency = performance.now() - started;
      const body = out.Body ?? new Uint8Array();
      const text = new TextDecoder().decode(body);
      const usage = this.event(
        prepared,
        await this.tokens({ request: prepared.parsed, response: tryParse(text) }),
        out.InvokedProductionVariant,
        latency,
        "ok",
      );
      this.record(usage);
      return {
        body,
        text,
        contentType: out.ContentType,
        invokedProductionVariant: out.InvokedProductionVariant,
        customAttributes: out.CustomAttributes,
        inferenceId: prepared.id,
        usage,
      };
    } catch (error) {
      await this.recordFailure(prepared, started);
      throw toAwsError(`InvokeEndpoint ${this.endpointName}`, error);
    }
  }

  /**
   * One streamed call (InvokeEndpointWithResponseStream). The usage is recorded when `events` ends; a stream
   * broken off early is recorded with the tokens seen so far. Throws like {@link SharedEndpointClient.invoke}.
   */
  async invokeStream(request: InvokeRequest): Promise<InvokeStreamResult> {
    const prepared = this.prepare(request);
    if (this.tokenizer !== undefined) await this.counter();
    const started = performance.now();
    let out: InvokeEndpointWithResponseStreamCommandOutput;
    try {
      out = await this.client.send(new InvokeEndpointWithResponseStreamCommand(prepared.input));
    } catch (error) {
      await this.recordFailure(prepared, started);
      throw toAwsError(`InvokeEndpointWithResponseStream ${this.endpointName}`, error);
    }
    let settle: (e: UsageEvent) => void = () => undefined;
    const usage = new Promise<UsageEvent>((resolve) => {
      settle = resolve;
    });
    const self = this;
    const variant = out.InvokedProductionVariant;
    const body = out.Body;
    async function* events(): AsyncGenerator<StreamEvent> {
      const decoder = new StreamLineDecoder();
      const seen: StreamEvent[] = [];
      let status: "ok" | "error" = "ok";
      try {
        for await (const part of body ?? []) {
          if (part.ModelStreamError) {
            throw new Error(`Model stream error: ${part.ModelStreamError.Message ?? "unknown"}`);
          }
          for (const e of decoder.push(part.PayloadPart?.Bytes ?? new Uint8Array())) {
            seen.push(e);
            yield e;
          }
        }
        for (const e of decoder.end()) {
          seen.push(e);
          yield e;
        }
      } catch (error) {
        status = "error";
        throw toAwsError(`InvokeEndpointWithResponseStream ${self.endpointName}`, error);
      } finally {
        const latency = performance.now() - started;
        const tokens = await self.tokens({ request: prepared.parsed, events: seen });
        const event = self.event(prepared, tokens, variant, latency, status);
        self.record(event);
        settle(event);
      }
    }
    return {
      inferenceId: prepared.id,
      contentType: out.ContentType,
      invokedProductionVariant: variant,
      events: events(),
      usage,
    };
  }

  private prepare(request: InvokeRequest) {
    const id = request.inferenceId ?? randomUUID();
    if (!INFERENCE_ID.test(id))
      throw new UsageError(
        `InferenceId "${id}" must be 1–64 visible ASCII characters, not starting with a space.`,
      );
    const { bytes, parsed } = encodeBody(request.body);
    const variant = request.targetVariant ?? this.targetVariant;
    const input = {
      EndpointName: this.endpointName,
      Body: bytes,
      ContentType: request.contentType ?? "application/json",
      Accept: request.accept ?? "application/json",
      CustomAttributes: mergeCustomAttributes(this.lob, request.customAttributes),
      InferenceId: id,
      ...(this.inferenceComponentName ? { InferenceComponentName: this.inferenceComponentName } : {}),
      ...(variant ? { TargetVariant: variant } : {}),
    };
    return { id, input, parsed, variant, ts: new Date().toISOString() };
  }

  private async tokens(input: { request: unknown; response?: unknown; events?: StreamEvent[] }) {
    try {
      return await extractTokenUsage({ ...input, countTokens: await this.counter() });
    } catch (error) {
      this.onRecordError(error);
      return undefined;
    }
  }

  private event(
    prepared: ReturnType<SharedEndpointClient["prepare"]>,
    tokens: TokenUsage | undefined,
    invokedVariant: string | undefined,
    latencyMs: number,
    status: "ok" | "error",
  ): UsageEvent {
    return {
      v: USAGE_EVENT_VERSION,
      id: prepared.id,
      ts: prepared.ts,
      lob: this.lob,
      kind: "sagemaker",
      endpoint: this.endpointName,
      component: this.inferenceComponentName ?? null,
      variant: invokedVariant ?? prepared.variant ?? null,
      profile_arn: null,
      model_id: null,
      input_tokens: tokens?.inputTokens ?? 0,
      output_tokens: tokens?.outputTokens ?? 0,
      cache_read_tokens: tokens?.cacheReadTokens ?? 0,
      cache_write_tokens: tokens?.cacheWriteTokens ?? 0,
      token_source: tokens?.source ?? "estimated",
      latency_ms: Math.round(latencyMs * 1000) / 1000,
      status,
    };
  }

  private async recordFailure(prepared: ReturnType<SharedEndpointClient["prepare"]>, started: number) {
    const latency = performance.now() - started;
    const tokens = await this.tokens({ request: prepared.parsed, response: "" });
    this.record(this.event(prepared, tokens, undefined, latency, "error"));
  }

  private record(event: UsageEvent): void {
    try {
      this.recorder.record(event);
    } catch (error) {
      this.onRecordError(error);
    }
  }
}
