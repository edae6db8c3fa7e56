/**
 * `npm run bench:tokenizer`
 *
 * The cost per call of counting tokens with a Hugging Face tokenizer.json (`loadHfTokenCounter`) against the default
 * js-tiktoken `o200k_base` counter, on the same texts in the same run. The tokenizer is a byte-level BPE (the
 * Llama 3 / Qwen structure) with 3,000 merges learnt here from this repository's README, written to a temporary
 * folder; the texts are 200 chat-sized (600-character) passages of the same README. Each of 5 rounds alternates the
 * counters in 10 blocks (every text once per block, the first counter alternating); the figure is the median of
 * the rounds' ratios.
 * Load times are single cold measurements. A real Llama 3 tokenizer.json (128k tokens, 280k merges) loads slower
 * than this one; the cost per call depends on the text more than on the vocabulary size.
 *
 * Writes test/bench/results/tokenizer.json and prints it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  loadDefaultTokenCounter,
  loadHfTokenCounter,
  type TokenCounter,
} from "../../inference/client/token-counter.js";
import { byteLevelAlphabet, byteLevelBpe } from "../support/hf-tokenizer.js";
import { median } from "./median.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const MERGES = 3000;
const TEXTS = 200;
const TEXT_CHARS = 600;
const ROUNDS = 5;
const BLOCKS = 10;

/** Learns byte-level BPE merges from `corpus`: the most frequent adjacent pair, merged, `count` times. */
function learnMerges(corpus: string, count: number): string[] {
  const alphabet = byteLevelAlphabet();
  const freq = new Map<string, number>();
  for (const w of corpus.match(/ ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+/gu) ?? [])
    freq.set(w, (freq.get(w) ?? 0) + 1);
  const words = [...freq].map(([w, n]) => ({
    symbols: [...new TextEncoder().encode(w)].map((b) => alphabet[b] as string),
    n,
  }));
  const merges: string[] = [];
  while (merges.length < count) {
    const pairs = new Map<string, number>();
    for (const { symbols, n } of words)
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = `${symbols[i]} ${symbols[i + 1]}`;
        pairs.set(key, (pairs.get(key) ?? 0) + n);
      }
    let best: string | undefined;
    let bestN = 0;
    for (const [key, n] of pairs)
      if (n > bestN || (n === bestN && best !== undefined && key < best)) [best, bestN] = [key, n];
    if (best === undefined) break;
    merges.push(best);
    const [a, b] = best.split(" ") as [string, string];
    for (const w of words)
      for (let i = 0; i + 1 < w.symbols.length; i++)
        if (w.symbols[i] === a && w.symbols[i + 1] === b) w.symbols.splice(i, 2, a + b);
  }
  return merges;
}

function timeCounting(count: TokenCounter, texts: readonly string[]): { ms: number; tokens: number } {
  let tokens = 0;
  const t0 = performance.now();
  for (const t of texts) tokens += count(t);
  return { ms: performance.now() - t0, tokens };
}

const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
const dir = mkdtempSync(path.join(tmpdir(), "smcb-bench-tokenizer-"));
try {
  const t0 = performance.now();
  const merges = learnMerges(readme, MERGES);
  const learnMs = performance.now() - t0;
  const file = path.join(dir, "tokenizer.json");
  writeFileSync(file, JSON.stringify(byteLevelBpe(merges)));

  let t = performance.now();
  const tiktoken = await loadDefaultTokenCounter();
  const tiktokenLoadMs = performance.now() - t;
  t = performance.now();
  const hf = await loadHfTokenCounter(file);
  const hfLoadMs = performance.now() - t;

  const step = Math.floor((readme.length - TEXT_CHARS) / TEXTS);
  const texts = Array.from({ length: TEXTS }, (_, i) => readme.slice(i * step, i * step + TEXT_CHARS));
  // Warm-up (JIT, the BPE word cache of the HF tokenizer: as in a long-running service).
  timeCounting(tiktoken, texts);
  timeCounting(hf, texts);
  const ratios: number[] = [];
  const perCall = { tiktoken: [] as number[], hf: [] as number[] };
  const tokens = { tiktoken: 0, hf: 0 };
  for (let r = 0; r < ROUNDS; r++) {
    // Each round interleaves the counters in blocks (every text once per block), the first one alternating.
    const round = { tiktoken: 0, hf: 0 };
    for (let b = 0; b < BLOCKS; b++) {
      const order = (r + b) % 2 === 0 ? (["tiktoken", "hf"] as const) : (["hf", "tiktoken"] as const);
      for (const arm of order) {
        const m = timeCounting(arm === "hf" ? hf : tiktoken, texts);
        round[arm] += m.ms;
        tokens[arm] = m.tokens;
      }
    }
    for (const arm of ["tiktoken", "hf"] as const) perCall[arm].push((round[arm] * 1000) / (TEXTS * BLOCKS));
    ratios.push(round.hf / round.tiktoken);
  }
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: availableParallelism(),
    loadAverageAtStart: loadavg().map((x) => Number(x.toFixed(2))),
    tokenizer: { model: "byte-level BPE", merges: merges.length, learnMs: Math.round(learnMs) },
    texts: TEXTS,
    charsPerText: TEXT_CHARS,
    rounds: ROUNDS,
    blocksPerRound: BLOCKS,
    callsPerRoundPerCounter: TEXTS * BLOCKS,
    tokensOfAllTexts: tokens,
    loadMs: { tiktoken: Math.round(tiktokenLoadMs), hf: Math.round(hfLoadMs) },
    microsecondsPerCall: {
      tiktoken: Number(median(perCall.tiktoken).toFixed(1)),
      hf: Number(median(perCall.hf).toFixed(1)),
    },
    medianRatioHfToTiktoken: Number(median(ratios).toFixed(3)),
    roundRatios: ratios.map((x) => Number(x.toFixed(3))),
  };
  writeFileSync(path.join(HERE, "results", "tokenizer.json"), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
