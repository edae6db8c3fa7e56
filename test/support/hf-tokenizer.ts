/**
 * Small but real Hugging Face tokenizer.json files for tests: the same structure as Llama 3 / Qwen (byte-level
 * BPE) and Mistral / Llama 2 (SentencePiece-style Metaspace BPE with byte fallback), with a handful of merges.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

/** GPT-2's byte → printable character table of byte-level BPE vocabularies (index: the byte). */
export function byteLevelAlphabet(): string[] {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const out: string[] = [];
  let shifted = 0;
  for (let b = 0; b < 256; b++) out.push(String.fromCodePoint(printable.includes(b) ? b : 256 + shifted++));
  return out;
}

function addedToken(id: number, content: string) {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

/** A vocabulary of `base` tokens then the result of each merge, in order. */
function vocabulary(base: readonly string[], merges: readonly string[]): Record<string, number> {
  const vocab: Record<string, number> = {};
  for (const t of [...base, ...merges.map((m) => m.replace(" ", ""))]) vocab[t] ??= Object.keys(vocab).length;
  return vocab;
}

/**
 * A Llama-3-style tokenizer.json: ByteLevel pre-tokenizer (the GPT-4-like split regex), BPE over the 256 byte
 * characters with `merges`, special tokens `<|begin_of_text|>` (added as BOS by the post-processor) and `<|eot_id|>`.
 */
export function byteLevelBpe(merges: readonly string[]): object {
  const vocab = vocabulary(byteLevelAlphabet(), merges);
  const bos = { id: 100_000, content: "<|begin_of_text|>" };
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [addedToken(bos.id, bos.content), addedToken(100_001, "<|eot_id|>")],
    normalizer: null,
    pre_tokenizer: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: {
      type: "TemplateProcessing",
      single: [{ SpecialToken: { id: bos.content, type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }],
      pair: [],
      special_tokens: { [bos.content]: { id: bos.content, ids: [bos.id], tokens: [bos.content] } },
    },
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges,
    },
  };
}

/**
 * A Mistral-style tokenizer.json: Metaspace pre-tokenizer (`▁` for spaces, prepended to the first word), BPE over
 * `letters` with `merges`, byte fallback (`<0x..>` tokens) for any other character, `<s>` added as BOS.
 */
export function metaspaceBpe(letters: string, merges: readonly string[]): object {
  const bytes = Array.from({ length: 256 }, (_, b) => `<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`);
  const vocab = vocabulary(["<unk>", "<s>", "</s>", ...bytes, "▁", ...letters], merges);
  return {
    version: "1.0",
    added_tokens: [{ ...addedToken(0, "<unk>") }, { ...addedToken(1, "<s>") }, { ...addedToken(2, "</s>") }],
    normalizer: null,
    pre_tokenizer: { type: "Metaspace", replacement: "▁", prepend_scheme: "first", split: false },
    post_processor: {
      type: "TemplateProcessing",
      single: [{ SpecialToken: { id: "<s>", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }],
      pair: [],
      special_tokens: { "<s>": { id: "<s>", ids: [1], tokens: ["<s>"] } },
    },
    decoder: {
      type: "Sequence",
      decoders: [
        { type: "Replace", pattern: { String: "▁" }, content: " " },
        { type: "ByteFallback" },
        { type: "Fuse" },
        { type: "Strip", content: " ", start: 1, stop: 0 },
      ],
    },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: "<unk>",
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: true,
      ignore_merges: false,
      vocab,
      merges,
    },
  };
}

/** Writes `tokenizer.json` (and `tokenizer_config.json` when given) into `dir`; returns the tokenizer.json path. */
export async function writeTokenizer(dir: string, tokenizer: object, config?: object): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, "tokenizer.json");
  await writeFile(file, JSON.stringify(tokenizer));
  if (config !== undefined) await writeFile(path.join(dir, "tokenizer_config.json"), JSON.stringify(config));
  return file;
}
