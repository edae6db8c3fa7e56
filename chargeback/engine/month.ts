/**
 * Calendar months in UTC (docs/contracts.md#usage-ledger-event: a month is `[first day 00:00Z, first day of next month 00:00Z)`), used by
 * the engine, the cost and usage sources and the report period columns.
 */
import { UsageError } from "../../core/index.js";

/** A month's window in UTC. */
export interface MonthWindow {
  /** `YYYY-MM`. */
  readonly month: string;
  /** First instant of the month (inclusive). */
  readonly start: Date;
  /** First instant of the next month (exclusive). */
  readonly end: Date;
}

/**
 * The first month a SageMaker cost line can fall in: Amazon SageMaker was announced and available on
 * 29 November 2017 (AWS re:Invent; "Introducing Amazon SageMaker", AWS What's New, 2017-11-29). Bedrock came later
 * (2023). An earlier month is a typo (`0000-01`, `2016-10` for `2026-10`), never a bill.
 */
export const EARLIEST_MONTH = "2017-11";

/**
 * Parses `YYYY-MM` into its UTC window.
 *
 * @example
 * ```ts
 * monthWindow("2026-10").end.toISOString(); // "2026-11-01T00:00:00.000Z"
 * ```
 * @throws {@link core!UsageError | UsageError} when the value is not a valid `YYYY-MM`, or is before `EARLIEST_MONTH`
 */
export function monthWindow(month: string): MonthWindow {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) throw new UsageError(`Month "${month}" is not of the form YYYY-MM (e.g. 2026-10).`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  if (month < EARLIEST_MONTH)
    throw new UsageError(
      `Month ${month} is before any SageMaker bill (the service launched in ${EARLIEST_MONTH}).`,
      {
        hint: "Pass a month such as 2026-10.",
      },
    );
  return { month, start: new Date(Date.UTC(y, mo - 1, 1)), end: new Date(Date.UTC(y, mo, 1)) };
}

/** Whether `t` falls inside the window. */
export function inWindow(w: MonthWindow, t: Date): boolean {
  const ms = t.getTime();
  return ms >= w.start.getTime() && ms < w.end.getTime();
}

/** An instant as ISO-8601 UTC without milliseconds: `2026-10-01T00:00:00Z`. */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** An instant's UTC date: `2026-10-01`. */
export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}
