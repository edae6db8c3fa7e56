/**
 * The OpenAI chat and embeddings formats the gateway speaks, and their translation to and from Bedrock Converse.
 * Shapes: OpenAI's API reference (chat completions, chat completion chunks, embeddings, models); Converse and
 * ConverseStream: botocore's `bedrock-runtime` service model (checked in the tests with `test/support/api-model.ts`).
 */
import type {
  ContentBlock,
  ConverseStreamOutput,
  TokenUsage as ConverseUsage,
  Message,
  StopReason,
  SystemContentBlock,
} from "@aws-sdk/client-bedrock-runtime";
import { z } from "zod";
import { badRequest } from "./errors.js";

const textPart = z.looseObject({ type: z.literal("text"), text: z.string() });
const messageSchema = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant"]),
  content: z.union([z.string(), z.array(textPart)]).nullable(),
});

/** The part of an OpenAI chat completion request the gateway reads (other fields are ignored). */
export const chatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(messageSchema).min(1),
  stream: z.boolean().nullable().optional(),
  max_tokens: z.number().int().positive().nullable().optional(),
  max_completion_tokens: z.number().int().positive().nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  stop: z
    .union([z.string(), z.array(z.string()).max(4)])
    .nullable()
    .optional(),
  n: z.literal(1).nullable().optional(),
  tools: z.array(z.unknown()).max(0, "tools are not supported by this gateway").nullable().optional(),
});
/** A validated chat completion request. */
export type ChatRequest = z.infer<typeof chatRequestSchema>;

/** The part of an OpenAI embeddings request the gateway reads. */
export const embeddingsRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(256)]),
  dimensions: z.number().int().positive().optional(),
  encoding_format: z.enum(["float", "base64"]).optional(),
});
/** A validated embeddings request. */
export type EmbeddingsRequest = z.infer<typeof embeddingsRequestSchema>;

/** Parses a JSON body against a schema; every problem is a 400 naming the field. */
export function parseBody<T>(schema: z.ZodType<T>, body: string | undefined): T {
  let raw: unknown;
  try {
    raw = JSON.parse(body ?? "");
  } catch {
    throw badRequest("The request body is not valid JSON.", "invalid_json");
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const first = r.error.issues[0];
    throw badRequest(
      `Invalid request: ${first?.path.join(".") || "(body)"}: ${first?.message ?? "invalid"}.`,
      "invalid_request_body",
    );
  }
  return r.data;
}

function textOf(content: ChatRequest["messages"][number]["content"]): string {
  if (content === null) return "";
  return typeof content === "string" ? content : content.map((p) => p.text).join("");
}

/** The request's whole prompt text (what input tokens are counted from). Never logged. */
export function promptText(req: ChatRequest): string {
  return req.messages.map((m) => textOf(m.content)).join("\n");
}

/** Converse `system` and `messages` from OpenAI messages (consecutive messages of one role are merged). */
export function toConverse(req: ChatRequest): { system: SystemContentBlock[]; messages: Message[] } {
  const system: SystemContentBlock[] = [];
  const messages: Message[] = [];
  for (const m of req.messages) {
    const text = textOf(m.content);
    if (m.role === "system" || m.role === "developer") {
      if (text !== "") system.push({ text });
      continue;
    }
    const last = messages[messages.length - 1];
    const block: ContentBlock = { text };
    if (last?.role === m.role) last.content = [...(last.content ?? []), block];
    else messages.push({ role: m.role, content: [block] });
  }
  if (messages.length === 0)
    throw badRequest("messages must hold at least one user message.", "invalid_messages");
  return { system, messages };
}

/** Converse `inferenceConfig` from the request, with the output tokens granted by the budget. */
export function inferenceConfig(req: ChatRequest, maxTokens: number) {
  const stop = req.stop == null ? undefined : typeof req.stop === "string" ? [req.stop] : req.stop;
  return {
    maxTokens,
    ...(req.temperature == null ? {} : { temperature: req.temperature }),
    ...(req.top_p == null ? {} : { topP: req.top_p }),
    ...(stop === undefined || stop.length === 0 ? {} : { stopSequences: stop }),
  };
}

/** The OpenAI `finish_reason` of a Converse stop reason. */
export function finishReason(stop: StopReason | string | undefined): string {
  switch (stop) {
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "content_filtered":
    case "guardrail_intervened":
      return "content_filter";
    case "tool_use":
      return "tool_calls";
    default:
      return "stop";
  }
}

/** OpenAI `usage` from token counts. */
export function openAiUsage(u: {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}) {
  // OpenAI counts cached prompt tokens as a part of prompt_tokens; Converse reports them beside inputTokens.
  const prompt = u.inputTokens + u.cacheReadTokens + u.cacheWriteTokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: u.outputTokens,
    total_tokens: prompt + u.outputTokens,
    prompt_tokens_details: { cached_tokens: u.cacheReadTokens },
  };
}

/** Token counts from a Converse `usage`. */
export function converseTokens(u: ConverseUsage | undefined) {
  return {
    inputTokens: u?.inputTokens ?? 0,
    outputTokens: u?.outputTokens ?? 0,
    cacheReadTokens: u?.cacheReadInputTokens ?? 0,
    cacheWriteTokens: u?.cacheWriteInputTokens ?? 0,
  };
}

/** The text a ConverseStream event adds, if any. */
export function streamText(ev: ConverseStreamOutput): string | undefined {
  return ev.contentBlockDelta?.delta?.text;
}

/** An embedding as OpenAI sends it: numbers, or (`base64`) the little-endian float32 bytes in base64. */
export function encodeEmbedding(
  values: readonly number[],
  format: "float" | "base64" | undefined,
): number[] | string {
  if (format !== "base64") return [...values];
  return Buffer.from(new Float32Array(values).buffer).toString("base64");
}

/** One server-sent event line. */
export function sse(data: unknown): string {
  return `data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`;
}
