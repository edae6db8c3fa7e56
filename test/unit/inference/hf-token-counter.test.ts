import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  InvokeEndpointCommand,
  InvokeEndpointWithResponseStreamCommand,
  SageMakerRuntimeClient,
} from "@aws-sdk/client-sagemaker-runtime";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ConfigError, UsageError } from "../../../core/errors.js";
import { SharedEndpointClient } from "../../../inference/client/shared-endpoint-client.js";
import {
  loadDefaultTokenCounter,
  loadHfTokenCounter,
  type TokenCounter,
} from "../../../inference/client/token-counter.js";
import { extractTokenUsage } from "../../../inference/client/token-usage.js";
import { byteLevelBpe, metaspaceBpe, writeTokenizer } from "../../support/hf-tokenizer.js";
import { MemoryRecorder } from "../../support/memory-recorder.js";

/** How many Hugging Face tokenizers were built: a load has read its files once this grows (no timing assumed). */
const built = vi.hoisted(() => ({ tokenizers: 0 }));
vi.mock("@huggingface/tokenizers", async (importOriginal) => {
  const m = await importOriginal<typeof import("@huggingface/tokenizers")>();
  class CountedTokenizer extends m.Tokenizer {
    constructor(...args: ConstructorParameters<typeof m.Tokenizer>) {
      super(...args);
      built.tokenizers++;
    }
  }
  return { ...m, Tokenizer: CountedTokenizer };
});

/** Llama 3 style: byte-level BPE that knows "hello" and " world" only. */
const LLAMA_MERGES = ["h e", "l l", "he ll", "hell o", "Ġ w", "o r", "Ġw or", "Ġwor l", "Ġworl d"];
/** Mistral style: Metaspace BPE over a–z that knows "▁hello" and "▁world"; anything else falls back to bytes. */
const MISTRAL_MERGES = ["▁ h", "e l", "▁h el", "l o", "▁hel lo", "▁ w", "o r", "▁w or", "l d", "▁wor ld"];

let dir: string;
let llama: string;
let mistral: string;
let tiktoken: TokenCounter;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "smcb-hf-tokenizer-"));
  llama = await writeTokenizer(path.join(dir, "llama"), byteLevelBpe(LLAMA_MERGES));
  mistral = await writeTokenizer(
    path.join(dir, "mistral"),
    metaspaceBpe("abcdefghijklmnopqrstuvwxyz", MISTRAL_MERGES),
    {
      tokenizer_class: "LlamaTokenizer",
      bos_token: "<s>",
    },
  );
  tiktoken = await loadDefaultTokenCounter();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("loadHfTokenCounter", () => {
  it("counts with a byte-level BPE tokenizer.json (Llama 3 / Qwen style), not as tiktoken does", async () => {
    const count = await loadHfTokenCounter(llama);
    expect(count("")).toBe(0);
    expect(count("hello world")).toBe(2); // hello|Ġworld
    expect(count("Hello, world!")).toBe(7); // H|e|ll|o|,|Ġworld|!
    expect(count("héllo wörld")).toBe(11); // é and ö are two bytes each, unmerged
    expect(count("tokenization matters")).toBe(20); // no merges: one token per byte
    expect(count("hello\nworld")).toBe(6); // hello|Ċ|w|or|l|d
    // The same texts through o200k_base: far fewer tokens.
    expect(["Hello, world!", "héllo wörld", "tokenization matters"].map(tiktoken)).toEqual([4, 5, 3]);
  });

  it("counts the text's own tokens: no BOS although the post-processor adds one; markers count as one token", async () => {
    const count = await loadHfTokenCounter(llama);
    expect(count("hello")).toBe(1);
    expect(count("hello world<|eot_id|>")).toBe(3);
    expect(tiktoken("hello world<|eot_id|>")).toBe(9);
  });

  it("counts with a Metaspace BPE tokenizer with byte fallback (Mistral / Llama 2 style), from its folder", async () => {
    const count = await loadHfTokenCounter(path.dirname(mistral));
    expect(count("hello world")).toBe(2); // ▁hello|▁world
    expect(count("Hello, world!")).toBe(7); // ▁|<0x48>|el|lo|<0x2C>|▁world|<0x21>
    expect(count("你好")).toBe(7); // ▁ and six UTF-8 bytes
    expect(tiktoken("你好")).toBe(1);
  });

  it("reads tokenizer_config.json beside tokenizer.json", async () => {
    const folder = path.join(dir, "lowercasing");
    await writeTokenizer(folder, byteLevelBpe(LLAMA_MERGES), { do_lowercase_and_remove_accent: true });
    const count = await loadHfTokenCounter(folder);
    expect(count("Hello World")).toBe(2); // lowercased as the config says: hello|Ġworld
    expect((await loadHfTokenCounter(llama))("Hello World")).toBe(9); // H|e|ll|o|Ġ|W|or|l|d
  });

  it("loads once per path: the same counter for the same file, even once the file is gone", async () => {
    const folder = path.join(dir, "once");
    const file = await writeTokenizer(folder, byteLevelBpe(LLAMA_MERGES));
    const first = loadHfTokenCounter(file);
    expect(loadHfTokenCounter(path.relative(process.cwd(), file))).toBe(first);
    const count = await first;
    await rm(folder, { recursive: true });
    expect(await loadHfTokenCounter(file)).toBe(count);
  });

  it("a missing file is a ConfigError (exit 2) naming the path; a failed load is tried again later", async () => {
    const file = path.join(dir, "later", "tokenizer.json");
    const error = await loadHfTokenCounter(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ exitCode: 2 });
    expect((error as Error).message).toContain(`Cannot read tokenizer file ${file}`);
    await writeTokenizer(path.dirname(file), byteLevelBpe(LLAMA_MERGES));
    expect((await loadHfTokenCounter(file))("hello world")).toBe(2);
  });

  it("a folder without tokenizer.json names the file it looked for", async () => {
    const folder = path.join(dir, "empty");
    await mkdir(folder);
    await expect(loadHfTokenCounter(folder)).rejects.toThrow(
      `Cannot read tokenizer file ${path.join(folder, "tokenizer.json")}`,
    );
  });

  it("invalid files are ConfigErrors naming the path", async () => {
    const cases: [string, string, string][] = [
      ["not-json.json", "{ not json", "is not valid JSON"],
      ["array.json", "[1, 2]", "is not a JSON object"],
      [
        "no-model.json",
        "{}",
        'is not a usable Hugging Face tokenizer: Tokenizer must contain a "model" property',
      ],
      [
        "unknown-model.json",
        JSON.stringify({ ...byteLevelBpe([]), model: { type: "Mystery" } }),
        "is not a usable Hugging Face tokenizer: Unknown TokenizerModel type: Mystery",
      ],
    ];
    for (const [name, text, problem] of cases) {
      const file = path.join(dir, name);
      await writeFile(file, text);
      const error = await loadHfTokenCounter(file).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(ConfigError);
      expect((error as Error).message, name).toContain(`Tokenizer file ${file} ${problem}`);
    }
  });

  it("an invalid tokenizer_config.json beside it is a ConfigError naming that file", async () => {
    const folder = path.join(dir, "bad-config");
    await writeTokenizer(folder, byteLevelBpe(LLAMA_MERGES));
    await writeFile(path.join(folder, "tokenizer_config.json"), "{");
    await expect(loadHfTokenCounter(folder)).rejects.toThrow(
      `Tokenizer file ${path.join(folder, "tokenizer_config.json")} is not valid JSON`,
    );
  });
});

describe("extractTokenUsage with a Hugging Face counter", () => {
  it("chat requests and answers without usage are counted from the same texts as with tiktoken", async () => {
    const countTokens = await loadHfTokenCounter(llama);
    const request = {
      messages: [
        { role: "system", content: "hello world" },
        { role: "user", content: [{ type: "text", text: "Hello, world!" }] },
      ],
    };
    // OpenAI chat answer without usage: "hello world\nHello, world!" in (2 + Ċ + 7), "hello hello" out.
    const openai = { choices: [{ message: { role: "assistant", content: "hello hello" } }] };
    expect(await extractTokenUsage({ request, response: openai, countTokens })).toEqual({
      inputTokens: 10,
      outputTokens: 3, // hello|Ġ|hello: " hello" is not in the vocabulary
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      source: "estimated",
    });
    expect(await extractTokenUsage({ request, response: openai })).toMatchObject({
      inputTokens: tiktoken("hello world\nHello, world!"),
      outputTokens: tiktoken("hello hello"),
    });
    expect(tiktoken("hello world\nHello, world!")).not.toBe(10);
    // Anthropic-style system and content parts: "hello\nworld" in (hello|Ċ|w|or|l|d), "Hello" out (H|e|ll|o).
    const anthropic = {
      system: "hello",
      messages: [{ role: "user", content: [{ type: "text", text: "world" }] }],
    };
    expect(
      await extractTokenUsage({
        request: anthropic,
        response: { content: [{ text: "Hello" }] },
        countTokens,
      }),
    ).toMatchObject({ inputTokens: 6, outputTokens: 4, source: "estimated" });
  });

  it("TGI answers and streams: only what is not reported is counted", async () => {
    const countTokens = await loadHfTokenCounter(path.dirname(mistral));
    // TGI reports generated tokens only: the input is counted (▁hello|▁world|<0x21>).
    expect(
      await extractTokenUsage({
        request: { inputs: "hello world!", parameters: { details: true } },
        response: [{ generated_text: "hello", details: { generated_tokens: 5 } }],
        countTokens,
      }),
    ).toMatchObject({ inputTokens: 3, outputTokens: 5, source: "estimated" });
    // A TGI stream without details: the tokens' text is counted as one text ("▁hello▁world" → ▁hello|▁world).
    const events = [
      { token: { text: "hello" } },
      { token: { text: " world" } },
      { token: { text: "</s>", special: true } },
    ];
    expect(await extractTokenUsage({ request: { inputs: "hello" }, events, countTokens })).toMatchObject({
      inputTokens: 1,
      outputTokens: 2,
      source: "estimated",
    });
    // An OpenAI-style stream with its usage chunk: nothing counted.
    const reported = [
      { choices: [{ delta: { content: "hello" } }] },
      { choices: [], usage: { prompt_tokens: 9, completion_tokens: 1 } },
    ];
    expect(
      await extractTokenUsage({ request: { inputs: "hello" }, events: reported, countTokens }),
    ).toMatchObject({
      inputTokens: 9,
      outputTokens: 1,
      source: "reported",
    });
  });
});

const rt = mockClient(SageMakerRuntimeClient);
afterEach(() => rt.reset());
const bytes = (text: string) => new TextEncoder().encode(text) as never;

function client(recorder: MemoryRecorder, tokenizer: string) {
  return new SharedEndpointClient({
    endpointName: "shared-llm",
    lob: "retail",
    recorder,
    client: new SageMakerRuntimeClient({ region: "us-east-1" }),
    tokenizer,
  });
}

describe("SharedEndpointClient with a tokenizer.json", () => {
  it("counts what the answer does not report with the model's tokenizer, marked estimated", async () => {
    rt.on(InvokeEndpointCommand).resolves({
      Body: bytes(JSON.stringify({ generated_text: "Hello, world!" })),
    });
    const rec = new MemoryRecorder();
    const out = await client(rec, llama).invoke({ body: { inputs: "tokenization matters" } });
    expect(out.usage).toMatchObject({
      input_tokens: 20,
      output_tokens: 7,
      token_source: "estimated",
      status: "ok",
    });
    expect(rec.events).toEqual([out.usage]);
  });

  it("streams are counted the same way", async () => {
    const text = ["hello", " world", "!"]
      .map((t) => `data: ${JSON.stringify({ token: { text: t } })}\n\n`)
      .join("");
    rt.on(InvokeEndpointWithResponseStreamCommand).resolves({
      Body: (async function* () {
        yield { PayloadPart: { Bytes: new TextEncoder().encode(text) } };
      })() as never,
    });
    const rec = new MemoryRecorder();
    const out = await client(rec, path.dirname(mistral)).invokeStream({ body: { inputs: "你好" } });
    for await (const _ of out.events);
    expect(await out.usage).toMatchObject({ input_tokens: 7, output_tokens: 3, token_source: "estimated" });
  });

  it("a missing tokenizer fails the call with a ConfigError before anything is sent or recorded", async () => {
    rt.on(InvokeEndpointCommand).resolves({ Body: bytes("{}") });
    rt.on(InvokeEndpointWithResponseStreamCommand).resolves({});
    const rec = new MemoryRecorder();
    const missing = path.join(dir, "nowhere", "tokenizer.json");
    const c = client(rec, missing);
    await expect(c.invoke({ body: { inputs: "hi" } })).rejects.toThrow(ConfigError);
    await expect(c.invokeStream({ body: { inputs: "hi" } })).rejects.toThrow(missing);
    expect(rt.calls()).toHaveLength(0);
    expect(rec.events).toEqual([]);
  });

  it("loads the tokenizer in the background when the client is made, unless preloadTokenizer is false", async () => {
    rt.on(InvokeEndpointCommand).resolves({ Body: bytes(JSON.stringify({ generated_text: "hello" })) });
    const preloaded = await writeTokenizer(path.join(dir, "preloaded"), byteLevelBpe(LLAMA_MERGES));
    const lazy = await writeTokenizer(path.join(dir, "lazy"), byteLevelBpe(LLAMA_MERGES));
    const rec = new MemoryRecorder();
    const before = built.tokenizers;
    const eager = client(rec, preloaded);
    const late = new SharedEndpointClient({
      endpointName: "shared-llm",
      lob: "retail",
      recorder: rec,
      client: new SageMakerRuntimeClient({ region: "us-east-1" }),
      tokenizer: lazy,
      preloadTokenizer: false,
    });
    // The eager client's background load has read its files once it has built its tokenizer.
    await vi.waitFor(() => expect(built.tokenizers).toBe(before + 1), { timeout: 15_000, interval: 5 });
    await rm(path.dirname(preloaded), { recursive: true });
    await rm(path.dirname(lazy), { recursive: true });
    expect((await eager.invoke({ body: { inputs: "hello world" } })).usage).toMatchObject({
      input_tokens: 2,
      output_tokens: 1,
    });
    await expect(late.invoke({ body: { inputs: "hello world" } })).rejects.toThrow(
      `Cannot read tokenizer file ${lazy}`,
    );
  });

  it("takes countTokens or tokenizer, not both", () => {
    expect(
      () =>
        new SharedEndpointClient({
          endpointName: "shared-llm",
          lob: "retail",
          recorder: new MemoryRecorder(),
          countTokens: () => 1,
          tokenizer: llama,
        }),
    ).toThrow(UsageError);
  });
});
