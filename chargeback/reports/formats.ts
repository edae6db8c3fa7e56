/**
 * The names of the report formats, apart from their renderers so that the command line can list them without
 * loading the renderers (and the charting library behind them).
 * @module
 */

/** Every format `smcb chargeback --format` accepts (docs/contracts.md#command-line-and-exit-codes). */
export const FORMAT_NAMES = ["table", "json", "csv", "focus", "html", "md"] as const;
/** One of {@link FORMAT_NAMES}. */
export type FormatName = (typeof FORMAT_NAMES)[number];
