import { describe, expect, it } from "vitest";
import { StreamLineDecoder } from "../../../inference/client/stream-lines.js";
import { loadDefaultTokenCounter } from "../../../inference/client/token-counter.js";
import { extractTokenUsage } from "../../../inference/client/token-usage.js";

/** A deterministic counter: one token per whitespace-separated word. */
const words = (t: string) => t.split(/\s+/).filter(Boolean).length;
const enc = new TextEncoder();

/** Decodes a stream text cut into chunks at every `step` bytes (so boundaries fall mid-line and mid-character). */
function decodeInChunks(text: string, step: number): unknown[] {
  const bytes = enc.encode(text);
  const d = new StreamLineDecoder();
  const out: unknown[] = [];
  for (let i = 0; i < bytes.length; i += step) out.push(...d.push(bytes.slice(i, i + step)));
  out.push(...d.end());
  return out;
}

const sse = (events: unknown[]) =>
  `${events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("")}data: [DONE]\n\n`;
const jsonl = (events: unknown[]) => events.map((e) => `${JSON.stringify(e)}\n`).join("");

describe("extractTokenUsage — answers (not streamed)", () => {
  it("OpenAI chat completion: reported, cached tokens as cache reads", async () => {
    const u = await extractTokenUsage({
      request: { messages: [{ role: "user", content: "hi there" }] },
      response: {
        object: "chat.completion",
        choices: [{ index: 0, message: { role: "assistant", content: "hello you" } }],
        usage: {
          prompt_tokens: 12,
          completion_tokens: 5,
          total_tokens: 17,
          prompt_tokens_details: { cached_tokens: 4 },
        },
      },
      countTokens: words,
    });
    expect(u).toEqual({
      inputTokens: 12,
      outputTokens: 5,
      cacheReadTokens: 4,
      cacheWriteTokens: 0,
      source: "reported",
    });
  });

  it("OpenAI completion (text choices): reported", async () => {
    const u = await extractTokenUsage({
      request: { prompt: "Say hi" },
      response: {
        object: "text_completion",
        choices: [{ text: " hi" }],
        usage: { prompt_tokens: 3, completion_tokens: 1 },
      },
      countTokens: words,
    });
    expect(u).toMatchObject({ inputTokens: 3, outputTokens: 1, source: "reported" });
  });

  it("Anthropic/Bedrock messages: input, output and cache tokens", async () => {
    const u = await extractTokenUsage({
      response: {
        type: "message",
        content: [{ type: "text", text: "Bonjour" }],
        usage: {
          input_tokens: 20,
          output_tokens: 7,
          cache_read_input_tokens: 10,
          cache_creation_input_tokens: 3,
        },
      },
      countTokens: words,
    });
    expect(u).toEqual({
      inputTokens: 20,
      outputTokens: 7,
      cacheReadTokens: 10,
      cacheWriteTokens: 3,
      source: "reported",
    });
  });

  it("Bedrock Converse camelCase usage", async () => {
    const u = await extractTokenUsage({
      response: {
        output: { message: { content: [{ text: "ok" }] } },
        usage: { inputTokens: 8, outputTokens: 2, cacheReadInputTokens: 1, cacheWriteInputTokens: 0 },
      },
      countTokens: words,
    });
    expect(u).toEqual({
      inputTokens: 8,
      outputTokens: 2,
      cacheReadTokens: 1,
      cacheWriteTokens: 0,
      source: "reported",
    });
  });

  it("TGI object with details and prefill: reported", async () => {
    const u = await extractTokenUsage({
      request: { inputs: "one two three", parameters: { details: true, decoder_input_details: true } },
      response: {
        generated_text: "four five",
        details: {
          finish_reason: "length",
          generated_tokens: 2,
          prefill: [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }],
        },
      },
      countTokens: words,
    });
    expect(u).toMatchObject({ inputTokens: 4, outputTokens: 2, source: "reported" });
  });

  it("TGI list answer without prefill: output reported, input estimated from the request", async () => {
    const u = await extractTokenUsage({
      request: { inputs: "one two three" },
      response: [
        {
          generated_text: "four five",
          details: { finish_reason: "length", generated_tokens: 2, prefill: [] },
        },
      ],
      countTokens: words,
    });
    expect(u).toMatchObject({ inputTokens: 3, outputTokens: 2, source: "estimated" });
  });

  it("TGI list of several answers sums them", async () => {
    const u = await extractTokenUsage({
      response: [
        { generated_text: "a", details: { generated_tokens: 2, prefill: [{}, {}] } },
        { generated_text: "b", details: { generated_tokens: 3, prefill: [{}] } },
      ],
      countTokens: words,
    });
    expect(u).toMatchObject({ inputTokens: 3, outputTokens: 5, source: "reported" });
  });

  it("LMI details.generated_tokens: output reported, input estimated", async () => {
    const u = await extractTokenUsage({
      request: { inputs: "what is chargeback", parameters: { max_new_tokens: 16, details: true } },
      response: {
        generated_text: "cost allocation",
        details: { finish_reason: "eos_token", generated_tokens: 3, inputs: "x" },
      },
      countTokens: words,
    });
    expect(u).toMatchObject({ inputTokens: 3, outputTokens: 3, source: "estimated" });
  });

  it("an answer without usage is counted from request and answer text", async () => {
    const u = await extractTokenUsage({
      request: {
        messages: [
          { role: "system", content: "be brief" },
          { role: "user", content: [{ type: "text", text: "why sky blue" }] },
        ],
      },
      response: { choices: [{ message: { content: "Rayleigh scattering of light" } }] },
      countTokens: words,
    });
    expect(u).toEqual({
      inputTokens: 5,
      outputTokens: 4,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      source: "estimated",
    });
  });

  it("plain text answer and request", async () => {
    const u = await extractTokenUsage({ request: "a b c d", response: "e f", countTokens: words });
    expect(u).toMatchObject({ inputTokens: 4, outputTokens: 2, source: "estimated" });
  });

  it("the default counter is js-tiktoken o200k, loaded offline from the package", async () => {
    const count = await loadDefaultTokenCounter();
    expect(count("Hello world")).toBe(2);
    expect(count("")).toBe(0);
    expect(count("<|endoftext|>")).toBeGreaterThan(1); // special markers are plain text, never an error
    const u = await extractTokenUsage({
      request: { inputs: "Hello world" },
      response: { generated_text: "Hello world" },
    });
    expect(u).toMatchObject({ inputTokens: 2, outputTokens: 2, source: "estimated" });
  });
});

describe("extractTokenUsage — streams, chunked at every boundary", () => {
  const openaiStream = sse([
    { choices: [{ index: 0, delta: { role: "assistant", content: "" } }] },
    { choices: [{ index: 0, delta: { content: "Héllo" } }] },
    { choices: [{ index: 0, delta: { content: " wörld" } }] },
    { choices: [{ index: 0, delta: {}, finish_reason: "stop" }] },
    {
      choices: [],
      usage: { prompt_tokens: 11, completion_tokens: 2, prompt_tokens_details: { cached_tokens: 0 } },
    },
  ]);
  const completionsStream = sse([
    { object: "text_completion", choices: [{ index: 0, text: "one" }] },
    { object: "text_completion", choices: [{ index: 0, text: " two", finish_reason: "length" }] },
    { object: "text_completion", choices: [], usage: { prompt_tokens: 5, completion_tokens: 2 } },
  ]);
  const completionsNoUsage = sse([
    { object: "text_completion", choices: [{ index: 0, text: "one" }] },
    { object: "text_completion", choices: [{ index: 0, text: " two three" }] },
  ]);
  const openaiNoUsage = sse([
    { choices: [{ index: 0, delta: { content: "Héllo" } }] },
    { choices: [{ index: 0, delta: { content: " wörld" } }] },
  ]);
  const anthropicStream = [
    "event: message_start",
    `data: ${JSON.stringify({ type: "message_start", message: { usage: { input_tokens: 25, output_tokens: 1, cache_read_input_tokens: 5 } } })}`,
    "",
    "event: content_block_delta",
    `data: ${JSON.stringify({ type: "content_block_delta", delta: { type: "text_delta", text: "Hi" } })}`,
    "",
    "event: message_delta",
    `data: ${JSON.stringify({ type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 15 } })}`,
    "",
    ": keep-alive comment",
    "",
  ].join("\r\n");
  const tgiStream = sse([
    { token: { id: 1, text: "Hel", logprob: -0.1, special: false }, generated_text: null, details: null },
    { token: { id: 2, text: "lo", logprob: -0.2, special: false }, generated_text: null, details: null },
    {
      token: { id: 3, text: "</s>", logprob: 0, special: true },
      generated_text: "Hello",
      details: { finish_reason: "eos_token", generated_tokens: 3, seed: null, input_length: 9 },
    },
  ]).replace("data: [DONE]\n\n", "");
  const lmiStream = jsonl([
    { token: { id: 1, text: "one", log_prob: -0.1 }, generated_text: null, details: null },
    { token: { id: 2, text: " two", log_prob: -0.1 }, generated_text: null, details: null },
    {
      token: { id: 3, text: " three", log_prob: -0.1 },
      generated_text: "one two three",
      details: { finish_reason: "length", generated_tokens: 3, inputs: "count" },
    },
  ]);
  const bedrockStream = jsonl([
    { type: "content_block_delta", delta: { text: "x" } },
    {
      type: "message_stop",
      "amazon-bedrock-invocationMetrics": { inputTokenCount: 30, outputTokenCount: 12 },
    },
  ]);

  for (const step of [1, 2, 3, 7, 64, 100_000]) {
    it(`OpenAI final usage chunk (stream_options.include_usage), chunks of ${step} bytes`, async () => {
      const events = decodeInChunks(openaiStream, step);
      expect(events).toHaveLength(5);
      expect(await extractTokenUsage({ events, countTokens: words })).toMatchObject({
        inputTokens: 11,
        outputTokens: 2,
        source: "reported",
      });
    });

    it(`OpenAI completions stream: final usage chunk, or counted from the text deltas, chunks of ${step} bytes`, async () => {
      expect(
        await extractTokenUsage({ events: decodeInChunks(completionsStream, step), countTokens: words }),
      ).toMatchObject({
        inputTokens: 5,
        outputTokens: 2,
        source: "reported",
      });
      const events = decodeInChunks(completionsNoUsage, step);
      expect(
        await extractTokenUsage({ request: { prompt: "count" }, events, countTokens: words }),
      ).toMatchObject({
        inputTokens: 1,
        outputTokens: 3,
        source: "estimated",
      });
    });

    it(`OpenAI stream without usage is counted from the deltas, chunks of ${step} bytes`, async () => {
      const events = decodeInChunks(openaiNoUsage, step);
      const u = await extractTokenUsage({ request: { prompt: "a b c" }, events, countTokens: words });
      expect(u).toMatchObject({ inputTokens: 3, outputTokens: 2, source: "estimated" }); // "Héllo wörld"
    });

    it(`Anthropic SSE stream (CRLF, event lines, comments), chunks of ${step} bytes`, async () => {
      const events = decodeInChunks(anthropicStream, step);
      expect(events).toHaveLength(3);
      expect(await extractTokenUsage({ events, countTokens: words })).toEqual({
        inputTokens: 25,
        outputTokens: 15,
        cacheReadTokens: 5,
        cacheWriteTokens: 0,
        source: "reported",
      });
    });

    it(`TGI stream: input_length and generated_tokens of the last event, chunks of ${step} bytes`, async () => {
      const events = decodeInChunks(tgiStream, step);
      expect(events).toHaveLength(3);
      expect(await extractTokenUsage({ events, countTokens: words })).toMatchObject({
        inputTokens: 9,
        outputTokens: 3,
        source: "reported",
      });
    });

    it(`LMI JSON Lines stream, chunks of ${step} bytes`, async () => {
      const events = decodeInChunks(lmiStream, step);
      expect(events).toHaveLength(3);
      const u = await extractTokenUsage({
        request: { inputs: "count to three" },
        events,
        countTokens: words,
      });
      expect(u).toMatchObject({ inputTokens: 3, outputTokens: 3, source: "estimated" });
    });

    it(`Bedrock invocation metrics in the last chunk, chunks of ${step} bytes`, async () => {
      const events = decodeInChunks(bedrockStream, step);
      expect(await extractTokenUsage({ events, countTokens: words })).toMatchObject({
        inputTokens: 30,
        outputTokens: 12,
        source: "reported",
      });
    });
  }

  it("a TGI stream without details counts token texts once (not the repeated generated_text)", async () => {
    const events = decodeInChunks(
      jsonl([
        { token: { text: "a" }, generated_text: null },
        { token: { text: " b" }, generated_text: "a b" },
      ]),
      5,
    );
    expect(await extractTokenUsage({ request: "x", events, countTokens: words })).toMatchObject({
      outputTokens: 2,
    });
  });

  it("the line decoder keeps a last line without newline and text lines as text", () => {
    const d = new StreamLineDecoder();
    expect(d.push(enc.encode('not json\n{"a":'))).toEqual(["not json"]);
    expect(d.push(enc.encode("1}"))).toEqual([]);
    expect(d.end()).toEqual([{ a: 1 }]);
  });
});
