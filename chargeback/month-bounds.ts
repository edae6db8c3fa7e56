/**
 * The UTC window of a `YYYY-MM` month (DESIGN §3.3: `[first day 00:00Z, first day of next month 00:00Z)`),
 * used by the report period columns and the AWS cost and usage sources.
 */
import { UsageError } from "../core/errors.js";

/** A month's `[start, end)` in UTC. */
export interface MonthBounds {
  readonly start: Date;
  readonly end: Date;
}

/**
 * The UTC bounds of a `YYYY-MM` month.
 *
 * @example
 * ```ts
 * monthBounds("2026-12").end.toISOString(); // "2027-01-01T00:00:00.000Z"
 * ```
 * @throws {@link UsageError} when `month` is not `YYYY-MM`
 */
export function monthBounds(month: string): MonthBounds {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) throw new UsageError(`Month "${month}" is not of the form YYYY-MM (e.g. 2026-10).`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  return { start: new Date(Date.UTC(y, mo - 1, 1)), end: new Date(Date.UTC(y, mo, 1)) };
}

/** An instant as ISO-8601 UTC without milliseconds: `2026-10-01T00:00:00Z`. */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** An instant's UTC date: `2026-10-01`. */
export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}
