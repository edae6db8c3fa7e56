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
  ToolConfiguration,
} from "@aws-sdk/client-bedrock-runtime";
import * as z from "zod";
import { badRequest } from "./errors.js";

const textPart = z.looseObject({ type: z.literal("text"), text: z.string() });
/** A function name as OpenAI and Converse (`ToolName`: `[a-zA-Z0-9_-]+`, 1–64) both accept it. */
const toolName = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "must be 1 to 64 letters, digits, _ or -");
/** A tool call of an assistant message (OpenAI `ChatCompletionMessageToolCall`). */
const toolCallSchema = z.looseObject({
  id: z.string().min(1),
  type: z.literal("function"),
  function: z.looseObject({ name: toolName, arguments: z.string() }),
});
const messageSchema = z
  .looseObject({
    role: z.enum(["system", "developer", "user", "assistant", "tool"]),
    content: z
      .union([z.string(), z.array(textPart)])
      .nullable()
      .optional(),
    tool_calls: z.array(toolCallSchema).nullable().optional(),
    tool_call_id: z.string().min(1).optional(),
  })
  .refine((m) => m.role !== "tool" || m.tool_call_id !== undefined, "a tool message needs its tool_call_id")
  .refine((m) => m.role === "assistant" || !m.tool_calls?.length, "only assistant messages carry tool_calls");
/** A function the model may call (OpenAI `ChatCompletionTool`); `parameters` is its JSON Schema. */
const toolSchema = z.looseObject({
  type: z.literal("function"),
  function: z.looseObject({
    name: toolName,
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
});
const toolChoiceSchema = z.union([
  z.enum(["none", "auto", "required"]),
  z.looseObject({ type: z.literal("function"), function: z.looseObject({ name: toolName }) }),
]);

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
  n: z
    .literal(1, "only n = 1 is supported: Bedrock Converse returns one answer a call")
    .nullable()
    .optional(),
  tools: z.array(toolSchema).min(1).max(128).nullable().optional(),
  tool_choice: toolChoiceSchema.nullable().optional(),
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
  if (content == null) return "";
  return typeof content === "string" ? content : content.map((p) => p.text).join("");
}

/**
 * The request's whole prompt text (what input tokens are counted from): the messages, the tool calls and results in
 * them, and the tool definitions (a model reads them as part of its prompt). Never logged.
 */
export function promptText(req: ChatRequest): string {
  const parts = req.messages.map((m) =>
    [
      textOf(m.content),
      ...(m.tool_calls ?? []).map((c) => `${c.function.name} ${c.function.arguments}`),
    ].join("\n"),
  );
  for (const t of req.tools ?? []) parts.push(JSON.stringify(t.function));
  return parts.join("\n");
}

/** The JSON value of a tool call's `arguments` text; a 400 naming the call when it is not JSON. */
function toolInput(call: z.infer<typeof toolCallSchema>): unknown {
  try {
    return JSON.parse(call.function.arguments === "" ? "{}" : call.function.arguments) as unknown;
  } catch {
    throw badRequest(`The arguments of tool call ${call.id} are not valid JSON.`, "invalid_tool_arguments");
  }
}

/** The Converse content of one OpenAI message: text, tool uses (assistant) or a tool result (tool). */
function contentOf(m: ChatRequest["messages"][number]): ContentBlock[] {
  const text = textOf(m.content);
  if (m.role === "tool")
    return [{ toolResult: { toolUseId: m.tool_call_id as string, content: [{ text }] } }];
  const calls = (m.tool_calls ?? []).map(
    (c): ContentBlock => ({
      toolUse: { toolUseId: c.id, name: c.function.name, input: toolInput(c) as never },
    }),
  );
  // an assistant turn that only calls tools has no text (Converse refuses an empty text block)
  return calls.length > 0 && text === "" ? calls : [{ text }, ...calls];
}

/**
 * Converse `system` and `messages` from OpenAI messages: system and developer messages become `system`; a `tool`
 * message becomes a `toolResult` block of a user turn; an assistant's `tool_calls` become `toolUse` blocks;
 * consecutive messages of one role are merged (Converse alternates user and assistant).
 */
export function toConverse(req: ChatRequest): { system: SystemContentBlock[]; messages: Message[] } {
  const system: SystemContentBlock[] = [];
  const messages: Message[] = [];
  for (const m of req.messages) {
    if (m.role === "system" || m.role === "developer") {
      const text = textOf(m.content);
      if (text !== "") system.push({ text });
      continue;
    }
    const role = m.role === "assistant" ? "assistant" : "user";
    const blocks = contentOf(m);
    const last = messages[messages.length - 1];
    if (last?.role === role) last.content = [...(last.content ?? []), ...blocks];
    else messages.push({ role, content: blocks });
  }
  if (messages.length === 0)
    throw badRequest("messages must hold at least one user message.", "invalid_messages");
  return { system, messages };
}

/**
 * Converse `toolConfig` from `tools` and `tool_choice`: `auto` → `auto`, `required` → `any`, a named function →
 * `tool`; `none` (or no tools) → no `toolConfig`. Converse has no "none" and needs `toolConfig` whenever the history
 * holds tool calls, so `none` with tool calls in the history, or tool calls without `tools`, is a 400.
 */
export function toolConfigOf(req: ChatRequest): ToolConfiguration | undefined {
  const history = req.messages.some((m) => m.role === "tool" || (m.tool_calls?.length ?? 0) > 0);
  const choice = req.tool_choice ?? undefined;
  if (!req.tools?.length) {
    if (choice !== undefined && choice !== "none")
      throw badRequest("tool_choice needs tools.", "invalid_tool_choice");
    if (history) throw badRequest("The messages hold tool calls: give the tools too.", "invalid_messages");
    return undefined;
  }
  if (choice === "none") {
    if (history)
      throw badRequest(
        'tool_choice "none" cannot be sent to Bedrock Converse with tool calls in the messages; use "auto".',
        "invalid_tool_choice",
      );
    return undefined;
  }
  const names = new Set(req.tools.map((t) => t.function.name));
  if (typeof choice === "object" && !names.has(choice.function.name))
    throw badRequest(
      `tool_choice names ${choice.function.name}, which is not among the tools.`,
      "invalid_tool_choice",
    );
  return {
    tools: req.tools.map((t) => ({
      toolSpec: {
        name: t.function.name,
        ...(t.function.description ? { description: t.function.description } : {}),
        inputSchema: { json: (t.function.parameters ?? { type: "object", properties: {} }) as never },
      },
    })),
    ...(choice === undefined || choice === "auto"
      ? {}
      : { toolChoice: choice === "required" ? { any: {} } : { tool: { name: choice.function.name } } }),
  };
}

/** OpenAI `tool_calls` from the `toolUse` blocks of a Converse answer (none: `undefined`). */
export function toolCallsOf(content: readonly ContentBlock[]) {
  const calls = content.flatMap((c) =>
    c.toolUse
      ? [
          {
            id: c.toolUse.toolUseId ?? "",
            type: "function" as const,
            function: { name: c.toolUse.name ?? "", arguments: JSON.stringify(c.toolUse.input ?? {}) },
          },
        ]
      : [],
  );
  return calls.length > 0 ? calls : undefined;
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
