/**
 * The UTC bounds of a report's month, for the period columns of the FOCUS report.
 */

/** `[start, end)` of a `YYYY-MM` month in UTC, as ISO-8601 strings with a `Z`. */
export function monthBounds(month: string): { readonly start: string; readonly end: string } {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) throw new RangeError(`month "${month}" is not YYYY-MM`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const iso = (d: Date) => d.toISOString().replace(".000Z", "Z");
  return { start: iso(new Date(Date.UTC(y, mo - 1, 1))), end: iso(new Date(Date.UTC(y, mo, 1))) };
}
