/** Durations given on the command line, such as `--since 30d`. */
import { UsageError } from "../core/index.js";

const UNIT_MS = { h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/**
 * Parses a duration of whole hours, days or weeks (`12h`, `30d`, `2w`) into milliseconds.
 * Throws a {@link core!UsageError | UsageError} (exit 2) for anything else, zero included.
 *
 * @example
 * ```ts
 * parseDuration("30d"); // 2_592_000_000
 * ```
 */
export function parseDuration(text: string): number {
  const m = /^(\d+)([hdw])$/.exec(text.trim());
  const n = m ? Number(m[1]) : 0;
  if (!m || !Number.isSafeInteger(n) || n === 0)
    throw new UsageError(`Invalid duration "${text}".`, {
      hint: "Give a positive whole number of hours, days or weeks: 12h, 30d, 2w.",
    });
  return n * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}
