/**
 * Token counting for answers that do not report their usage: js-tiktoken's `o200k_base` encoding by default,
 * or a Hugging Face `tokenizer.json` (Llama, Mistral, Qwen… served on SageMaker), both read from local files (no
 * network), loaded once on first use and shared by every caller.
 */
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { ConfigError } from "../../core/index.js";

/** Counts the tokens of a text. */
export type TokenCounter = (text: string) => number;

let defaultCounter: Promise<TokenCounter> | undefined;

/**
 * The default token counter (js-tiktoken `o200k_base`). The encoding loads once, lazily, from the package's
 * bundled ranks; later calls return the same counter.
 *
 * @example
 * ```ts
 * const count = await loadDefaultTokenCounter();
 * count("Hello world"); // → 2
 * ```
 */
export function loadDefaultTokenCounter(): Promise<TokenCounter> {
  defaultCounter ??= (async () => {
    const [{ Tiktoken }, ranks] = await Promise.all([
      import("js-tiktoken/lite"),
      import("js-tiktoken/ranks/o200k_base"),
    ]);
    const encoding = new Tiktoken(ranks.default);
    // Special-token markers in user text are counted as ordinary text, never rejected.
    return (text: string) => (text === "" ? 0 : encoding.encode(text, [], []).length);
  })();
  return defaultCounter;
}

const hfCounters = new Map<string, Promise<TokenCounter>>();

const HINT =
  "Point it at the model's tokenizer.json (or the folder holding it), e.g. a copy of the model's Hugging Face files.";

/** Reads and parses a JSON object; `undefined` when the file is absent and `optional`. */
async function readJsonObject(file: string, optional: boolean): Promise<object | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    if (optional && (cause as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ConfigError(`Cannot read tokenizer file ${file}: ${(cause as Error).message}`, [], {
      cause,
      hint: HINT,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`Tokenizer file ${file} is not valid JSON: ${(cause as Error).message}`, [], {
      cause,
      hint: HINT,
    });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new ConfigError(`Tokenizer file ${file} is not a JSON object.`, [], { hint: HINT });
  return value;
}

/** `tokenizer.json` itself, or the one inside a folder. */
async function tokenizerFile(location: string): Promise<string> {
  try {
    if ((await stat(location)).isDirectory()) return path.join(location, "tokenizer.json");
  } catch {
    // Missing: reported by the read below, with the path.
  }
  return location;
}

async function loadHf(location: string): Promise<TokenCounter> {
  const file = await tokenizerFile(location);
  const tokenizerJson = await readJsonObject(file, false);
  // The model's tokenizer_config.json, when it sits beside tokenizer.json (special tokens, clean-up flags).
  const tokenizerConfig =
    (await readJsonObject(path.join(path.dirname(file), "tokenizer_config.json"), true)) ?? {};
  const { Tokenizer } = await import("@huggingface/tokenizers");
  let tokenizer: InstanceType<typeof Tokenizer>;
  try {
    tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
    // One encoding now, so that a tokenizer that cannot encode fails here (naming the file), not on an answer.
    tokenizer.encode("a", { add_special_tokens: false });
  } catch (cause) {
    throw new ConfigError(
      `Tokenizer file ${file} is not a usable Hugging Face tokenizer: ${(cause as Error).message}`,
      [],
      {
        cause,
        hint: HINT,
      },
    );
  }
  // The text's own tokens: no BOS/EOS or template tokens are added (the answer text carries none either).
  return (text: string) =>
    text === "" ? 0 : tokenizer.encode(text, { add_special_tokens: false }).ids.length;
}

/**
 * A token counter reading a Hugging Face `tokenizer.json` (the file, or the model folder holding it; its
 * `tokenizer_config.json` beside it is read too when present). Loaded once, lazily, per resolved path; later calls
 * with the same path return the same counter. Counts the text's own tokens (no BOS/EOS added); special-token
 * markers in the text count as one token each, as the model server's tokenizer reads them.
 *
 * @example
 * ```ts
 * const count = await loadHfTokenCounter("models/llama-3.1-8b/tokenizer.json");
 * count("Hello world"); // → 2
 * ```
 * @throws {@link core!ConfigError | ConfigError} naming the path when the file is missing, not JSON, or not a tokenizer this
 *   library reads (a failed load is not cached: a later call tries again)
 */
export function loadHfTokenCounter(location: string): Promise<TokenCounter> {
  const key = path.resolve(location);
  let counter = hfCounters.get(key);
  if (counter === undefined) {
    counter = loadHf(key);
    hfCounters.set(key, counter);
    const loading = counter;
    loading.catch(() => {
      if (hfCounters.get(key) === loading) hfCounters.delete(key);
    });
  }
  return counter;
}
