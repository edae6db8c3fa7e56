/**
 * Tokens in and out of one invocation, from what the model server answered (OpenAI-compatible, Anthropic and
 * Bedrock, Hugging Face TGI, DJL LMI), counted with a tokenizer for whatever the answer does not report.
 */
import { loadDefaultTokenCounter, type TokenCounter } from "./token-counter.js";

/** Token counts of one invocation. */
export interface TokenCounts {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
}

/** Token counts and where they come from: `reported` by the server, or `estimated` (some part counted by us). */
export interface TokenUsage extends TokenCounts {
  readonly source: "reported" | "estimated";
}

/** What {@link extractTokenUsage} reads. Content is only counted, never kept. */
export interface TokenUsageInput {
  /** The request body (parsed JSON, or text). */
  readonly request?: unknown;
  /** The answer body (parsed JSON object or list, or text) of a non-streamed call. */
  readonly response?: unknown;
  /** The events of a streamed answer, in order (see `StreamLineDecoder`). */
  readonly events?: readonly unknown[];
  /** Counts tokens of what is not reported. @default js-tiktoken `o200k_base` */
  readonly countTokens?: TokenCounter;
}

type Partial4 = { -readonly [K in keyof TokenCounts]?: number };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function int(v: unknown): number | undefined {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : undefined;
}

function assign(into: Partial4, key: keyof TokenCounts, v: number | undefined): void {
  if (v !== undefined) into[key] = v;
}

function fromUsageObject(u: unknown, into: Partial4): void {
  if (!isObject(u)) return;
  // OpenAI chat/completions (cached tokens are a part of prompt_tokens there).
  assign(into, "inputTokens", int(u.prompt_tokens));
  assign(into, "outputTokens", int(u.completion_tokens));
  const details = u.prompt_tokens_details;
  if (isObject(details)) assign(into, "cacheReadTokens", int(details.cached_tokens));
  // Anthropic Messages (also Bedrock InvokeModel with Claude).
  assign(into, "inputTokens", int(u.input_tokens));
  assign(into, "outputTokens", int(u.output_tokens));
  assign(into, "cacheReadTokens", int(u.cache_read_input_tokens));
  assign(into, "cacheWriteTokens", int(u.cache_creation_input_tokens));
  // Bedrock Converse.
  assign(into, "inputTokens", int(u.inputTokens));
  assign(into, "outputTokens", int(u.outputTokens));
  assign(into, "cacheReadTokens", int(u.cacheReadInputTokens));
  assign(into, "cacheWriteTokens", int(u.cacheWriteInputTokens));
}

function fromDetails(d: unknown, into: Partial4): void {
  if (!isObject(d)) return;
  // TGI and LMI: generated tokens; TGI: prefill tokens (decoder_input_details) or input_length (stream end).
  assign(into, "outputTokens", int(d.generated_tokens));
  if (Array.isArray(d.prefill) && d.prefill.length > 0) into.inputTokens = d.prefill.length;
  assign(into, "inputTokens", int(d.input_length));
}

/** The counts one JSON object (an answer, or one stream event) reports. */
function reportedBy(o: unknown, into: Partial4): void {
  if (!isObject(o)) return;
  fromUsageObject(o.usage, into);
  if (isObject(o.message)) fromUsageObject(o.message.usage, into); // Anthropic stream `message_start`
  const bedrock = o["amazon-bedrock-invocationMetrics"];
  if (isObject(bedrock)) {
    assign(into, "inputTokens", int(bedrock.inputTokenCount));
    assign(into, "outputTokens", int(bedrock.outputTokenCount));
  }
  fromDetails(o.details, into);
}

/** Sums the counts of a list answer (TGI and LMI answer a list, one element per input). */
function reportedByAnswer(answer: unknown): Partial4 {
  if (!Array.isArray(answer)) {
    const into: Partial4 = {};
    reportedBy(answer, into);
    return into;
  }
  const total: Partial4 = {};
  for (const item of answer) {
    const one: Partial4 = {};
    reportedBy(item, one);
    for (const k of Object.keys(one) as (keyof TokenCounts)[]) total[k] = (total[k] ?? 0) + (one[k] ?? 0);
  }
  return total;
}

/** Later events override earlier ones: stream totals (OpenAI's usage chunk, TGI's last event) come last. */
function reportedByEvents(events: readonly unknown[]): Partial4 {
  const into: Partial4 = {};
  for (const e of events) reportedBy(e, into);
  return into;
}

function partsText(content: unknown, out: string[]): void {
  if (typeof content === "string") out.push(content);
  else if (Array.isArray(content))
    for (const p of content) {
      if (typeof p === "string") out.push(p);
      else if (isObject(p) && typeof p.text === "string") out.push(p.text);
    }
}

/** The generated text of an answer or of one stream event. */
function answerText(o: unknown, out: string[], streamed: boolean): void {
  if (typeof o === "string") {
    out.push(o);
    return;
  }
  if (Array.isArray(o)) {
    for (const item of o) answerText(item, out, streamed);
    return;
  }
  if (!isObject(o)) return;
  if (Array.isArray(o.choices))
    for (const c of o.choices) {
      if (!isObject(c)) continue;
      if (typeof c.text === "string") out.push(c.text);
      if (isObject(c.message)) partsText(c.message.content, out);
      if (isObject(c.delta)) partsText(c.delta.content, out);
    }
  partsText(o.content, out); // Anthropic message
  if (isObject(o.delta) && typeof o.delta.text === "string") out.push(o.delta.text); // Anthropic stream
  if (isObject(o.output) && isObject(o.output.message)) partsText(o.output.message.content, out); // Converse
  if (typeof o.completion === "string") out.push(o.completion);
  if (typeof o.outputText === "string") out.push(o.outputText);
  if (isObject(o.token) && typeof o.token.text === "string" && !o.token.special) out.push(o.token.text);
  // In a stream, TGI repeats the whole text in its last event: the tokens already carried it.
  else if (!streamed && typeof o.generated_text === "string") out.push(o.generated_text);
}

/** The prompt text of a request. */
function requestText(r: unknown): string {
  if (typeof r === "string") return r;
  if (!isObject(r)) return r === undefined ? "" : JSON.stringify(r);
  const out: string[] = [];
  partsText(r.system, out);
  if (Array.isArray(r.messages)) for (const m of r.messages) if (isObject(m)) partsText(m.content, out);
  for (const key of ["prompt", "inputs", "input", "text", "inputText"]) {
    const v = r[key];
    if (typeof v === "string") out.push(v);
    else if (Array.isArray(v)) partsText(v, out);
  }
  return out.length > 0 ? out.join("\n") : JSON.stringify(r);
}

/**
 * The tokens in and out of one invocation. Reported counts are taken from the answer: OpenAI-style
 * `usage.prompt_tokens/completion_tokens` (chat and completions; in streams the final chunk sent with
 * `stream_options.include_usage`), Anthropic/Bedrock `usage.input_tokens/output_tokens` (and cache tokens),
 * Bedrock Converse `usage.inputTokens/outputTokens`, TGI `details` (`generated_tokens`, `prefill` length,
 * `input_length` in a stream's last event; list or object answers), LMI `details.generated_tokens`.
 * What is not reported is counted from the request and answer text and the result is marked `estimated`.
 *
 * @example
 * ```ts
 * const u = await extractTokenUsage({
 *   request: { messages: [{ role: "user", content: "Hi" }] },
 *   response: { choices: [{ message: { content: "Hello!" } }], usage: { prompt_tokens: 9, completion_tokens: 3 } },
 * });
 * // → { inputTokens: 9, outputTokens: 3, cacheReadTokens: 0, cacheWriteTokens: 0, source: "reported" }
 * ```
 */
export async function extractTokenUsage(input: TokenUsageInput): Promise<TokenUsage> {
  const streamed = input.events !== undefined;
  const reported = streamed ? reportedByEvents(input.events ?? []) : reportedByAnswer(input.response);
  const needsInput = reported.inputTokens === undefined;
  const needsOutput = reported.outputTokens === undefined;
  let inputTokens = reported.inputTokens ?? 0;
  let outputTokens = reported.outputTokens ?? 0;
  if (needsInput || needsOutput) {
    const count = input.countTokens ?? (await loadDefaultTokenCounter());
    if (needsInput) inputTokens = count(requestText(input.request));
    if (needsOutput) {
      const out: string[] = [];
      if (streamed) for (const e of input.events ?? []) answerText(e, out, true);
      else answerText(input.response, out, false);
      outputTokens = count(out.join(""));
    }
  }
  return {
    inputTokens,
    outputTokens,
    cacheReadTokens: reported.cacheReadTokens ?? 0,
    cacheWriteTokens: reported.cacheWriteTokens ?? 0,
    source: needsInput || needsOutput ? "estimated" : "reported",
  };
}
