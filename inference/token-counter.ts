/**
 * Token counting for answers that do not report their usage: js-tiktoken's `o200k_base` encoding, loaded
 * from the package itself (no network) on first use and shared by every caller.
 */

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
