/**
 * The data scientist's Bedrock client: Converse and ConverseStream through an application inference profile
 * (its ARN as `modelId`, so the call is billed to the profile's tags), the LOB in `requestMetadata`, and one
 * usage event per call from the service's own token counts.
 */
import { randomUUID } from "node:crypto";
import {
  BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandInput,
  type ConverseCommandOutput,
  ConverseStreamCommand,
  type ConverseStreamCommandInput,
  type ConverseStreamCommandOutput,
  type ConverseStreamOutput,
  type TokenUsage,
} from "@aws-sdk/client-bedrock-runtime";
import type { UsageEvent } from "../../core/index.js";
import { DEFAULT_TAG_KEY, makeClient, toAwsError, UsageError } from "../../core/index.js";
import type { UsageRecorder } from "../recorders/index.js";
import { parseBedrockArn } from "./arn.js";

/** Options of a {@link BedrockProfileClient}. */
export interface BedrockProfileClientOptions {
  /** The application inference profile ARN every call goes through. */
  readonly profileArn: string;
  /** The LOB the calls are attributed to (sent in `requestMetadata` and recorded). */
  readonly lob: string;
  /** Where usage events go (file, CloudWatch, Firehose, …). */
  readonly recorder: UsageRecorder;
  /** The runtime client. @default a client in the profile ARN's region */
  readonly client?: BedrockRuntimeClient | undefined;
  /** The underlying model id, recorded as `model_id` (e.g. from {@link ProfileMatch}). @default null */
  readonly modelId?: string | null | undefined;
  /** The `requestMetadata` key carrying the LOB. @default "LineOfBusiness" */
  readonly metadataKey?: string | undefined;
  /** The clock in milliseconds, for `ts` and `latency_ms`. @default Date.now */
  readonly now?: (() => number) | undefined;
}

/** A Converse request without `modelId` (the client supplies the profile ARN). */
export type ProfileConverseInput = Omit<ConverseCommandInput, "modelId">;
/** A ConverseStream request without `modelId`. */
export type ProfileConverseStreamInput = Omit<ConverseStreamCommandInput, "modelId">;

/** The Converse response, plus the usage event recorded for it. */
export type ProfileConverseOutput = ConverseCommandOutput & { readonly usageEvent: UsageEvent };

/** The ConverseStream response; `usageEvent` settles when the stream ends (consumed, abandoned or failed). */
export type ProfileConverseStreamOutput = Omit<ConverseStreamCommandOutput, "stream"> & {
  readonly stream: AsyncGenerator<ConverseStreamOutput, void, undefined>;
  readonly usageEvent: Promise<UsageEvent>;
};

// botocore `bedrock-runtime` model: RequestMetadata keys, values, and at most 16 entries.
const METADATA_KEY = /^[a-zA-Z0-9\s:_@$#=/+,\-.]{1,256}$/;
const METADATA_VALUE = /^[a-zA-Z0-9\s:_@$#=/+,\-.]{0,256}$/;
const MAX_METADATA_ENTRIES = 16;

/**
 * Calls a Bedrock model through an application inference profile and records each call's usage.
 * Recording never fails a call; a failed call is recorded with `status: "error"`. No prompt or response content
 * is ever recorded.
 *
 * @example
 * ```ts
 * const bedrock = new BedrockProfileClient({
 *   profileArn: "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123",
 *   lob: "retail",
 *   recorder: new FileUsageRecorder({ path: "usage" }),
 * });
 * const res = await bedrock.converse({ messages: [{ role: "user", content: [{ text: "Hello" }] }] });
 * console.log(res.output?.message?.content?.[0]?.text, res.usage);
 * ```
 */
export class BedrockProfileClient {
  /** The profile ARN every call goes through. */
  readonly profileArn: string;
  /** The LOB the calls are attributed to. */
  readonly lob: string;
  private readonly recorder: UsageRecorder;
  private readonly client: BedrockRuntimeClient;
  private readonly modelId: string | null;
  private readonly metadataKey: string;
  private readonly now: () => number;

  /** @throws {@link core!UsageError | UsageError} when the ARN is not an application inference profile or the LOB cannot be sent */
  constructor(opts: BedrockProfileClientOptions) {
    const arn = parseBedrockArn(opts.profileArn);
    if (arn?.resourceType !== "application-inference-profile") {
      throw new UsageError(`"${opts.profileArn}" is not an application inference profile ARN.`, {
        hint: "Calls are billed to a LOB only through its application inference profile; resolve it with `smcb profiles resolve`.",
      });
    }
    this.metadataKey = opts.metadataKey ?? DEFAULT_TAG_KEY;
    if (!METADATA_KEY.test(this.metadataKey))
      throw new UsageError(`"${this.metadataKey}" cannot be a Bedrock requestMetadata key.`);
    if (!METADATA_VALUE.test(opts.lob))
      throw new UsageError(`LOB "${opts.lob}" cannot be a Bedrock requestMetadata value.`);
    this.profileArn = opts.profileArn;
    this.lob = opts.lob;
    this.recorder = opts.recorder;
    this.client = opts.client ?? makeClient(BedrockRuntimeClient, { region: arn.region });
    this.modelId = opts.modelId ?? null;
    this.now = opts.now ?? Date.now;
  }

  /**
   * One Converse call through the profile.
   *
   * @throws {@link core!AwsError | AwsError} when the call fails (recorded with `status: "error"` first)
   */
  async converse(input: ProfileConverseInput): Promise<ProfileConverseOutput> {
    const start = this.now();
    const request = this.request(input);
    const out = await this.call("Converse", start, () => this.client.send(new ConverseCommand(request)));
    const usageEvent = this.event(start, out.$metadata.requestId, out.usage, "ok");
    this.record(usageEvent);
    return { ...out, usageEvent };
  }

  /**
   * One ConverseStream call through the profile. Usage is recorded when the stream ends: consumed to the end
   * (`ok`, with the `metadata` event's usage), abandoned before its `metadata` event or failed (`error`).
   *
   * @throws {@link core!AwsError | AwsError} when the call or the stream fails (recorded with `status: "error"` first)
   */
  async converseStream(input: ProfileConverseStreamInput): Promise<ProfileConverseStreamOutput> {
    const start = this.now();
    const request = this.request(input);
    const out = await this.call("ConverseStream", start, () =>
      this.client.send(new ConverseStreamCommand(request)),
    );
    let settle: (event: UsageEvent) => void = () => undefined;
    const usageEvent = new Promise<UsageEvent>((resolve) => {
      settle = resolve;
    });
    const source = out.stream;
    const requestId = out.$metadata.requestId;
    const finish = (usage: TokenUsage | undefined, failed: boolean): void => {
      const event = this.event(start, requestId, usage, failed || usage === undefined ? "error" : "ok");
      this.record(event);
      settle(event);
    };
    async function* relay(): AsyncGenerator<ConverseStreamOutput, void, undefined> {
      let usage: TokenUsage | undefined;
      let failed = false;
      try {
        for await (const ev of source ?? []) {
          if (ev.metadata?.usage) usage = ev.metadata.usage;
          yield ev;
        }
      } catch (e) {
        failed = true;
        throw toAwsError("ConverseStream", e);
      } finally {
        finish(usage, failed);
      }
    }
    return { ...out, stream: relay(), usageEvent };
  }

  /** The request with the profile ARN as `modelId` and the LOB added to `requestMetadata`. */
  private request<I extends { requestMetadata?: Record<string, string> | undefined }>(
    input: I,
  ): I & { modelId: string; requestMetadata: Record<string, string> } {
    const requestMetadata = { ...input.requestMetadata, [this.metadataKey]: this.lob };
    if (Object.keys(requestMetadata).length > MAX_METADATA_ENTRIES)
      throw new UsageError(`requestMetadata has more than ${MAX_METADATA_ENTRIES} entries.`);
    return { ...input, modelId: this.profileArn, requestMetadata };
  }

  /** Sends a call; a failure is recorded with `status: "error"` and thrown as an AwsError. */
  private async call<O>(action: string, start: number, send: () => Promise<O>): Promise<O> {
    try {
      return await send();
    } catch (e) {
      this.record(this.event(start, requestIdOf(e), undefined, "error"));
      throw toAwsError(action, e);
    }
  }

  private event(
    start: number,
    requestId: string | undefined,
    usage: TokenUsage | undefined,
    status: UsageEvent["status"],
  ): UsageEvent {
    return {
      v: 1,
      id: requestId ?? randomUUID(),
      ts: new Date(start).toISOString(),
      lob: this.lob,
      kind: "bedrock",
      endpoint: null,
      component: null,
      variant: null,
      profile_arn: this.profileArn,
      model_id: this.modelId,
      input_tokens: usage?.inputTokens ?? 0,
      output_tokens: usage?.outputTokens ?? 0,
      cache_read_tokens: usage?.cacheReadInputTokens ?? 0,
      cache_write_tokens: usage?.cacheWriteInputTokens ?? 0,
      token_source: "reported",
      latency_ms: Math.max(0, this.now() - start),
      status,
    };
  }

  private record(event: UsageEvent): void {
    try {
      this.recorder.record(event);
    } catch {
      // A recorder must never fail the call it meters (UsageRecorder.record is specified not to throw).
    }
  }
}

function requestIdOf(error: unknown): string | undefined {
  return (error as { $metadata?: { requestId?: string } }).$metadata?.requestId;
}
