/**
 * "Did you mean …?": the closest known word to a mistyped one, for unknown commands, options, config keys and
 * LOB values.
 */

/** The Damerau–Levenshtein (optimal string alignment) distance: insertions, deletions, substitutions, swaps. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
    }
  return (d[a.length] as number[])[b.length] as number;
}

/**
 * The known word closest to `word` (case-insensitively), when it is close enough to be a typo: at most a third of
 * the word's length in edits (at least one), or the same word in another case. `undefined` otherwise.
 *
 * @example suggest("retial", ["retail", "wealth"]) // "retail"
 */
export function suggest(word: string, known: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(word.length / 3)) + 1;
  for (const k of known) {
    if (k === word) continue;
    const dist = editDistance(w, k.toLowerCase());
    // An edit of every letter is not a typo ("q" → "a").
    if (dist < bestDistance && dist < Math.min(word.length, k.length)) {
      best = k;
      bestDistance = dist;
    }
  }
  return best;
}

/** `; did you mean "x"?` for the closest known word, or the empty string. */
export function didYouMean(word: string, known: Iterable<string>): string {
  const s = suggest(word, known);
  return s === undefined ? "" : `; did you mean "${s}"?`;
}
