/**
 * The SQL that turns usage events into a month's per-endpoint, per-LOB usage, written once for DuckDB and Athena.
 */
import type { MonthWindow } from "../engine/month.js";
import type { EndpointUsage, UsageSourceResult } from "../model.js";

/** The ISO-8601 prefix `YYYY-MM-DDTHH:MM:SS` of an instant: ISO UTC strings compare with it as times do. */
function isoBound(d: Date): string {
  return `'${d.toISOString().slice(0, 19)}'`;
}

/**
 * Builds the aggregation over a relation of usage events. `events` must be a subquery or table with the columns
 * `id`, `ts` (the event's ISO-8601 UTC time as written, `…Z`), `lob`, `kind`, `endpoint` (varchar),
 * `input_tokens`, `output_tokens` (bigint) and `malformed` (boolean: a line that is not a valid event; its other
 * columns are ignored). The month window compares `ts` as text, which orders ISO-8601 UTC times correctly.
 *
 * Only SageMaker events of the month with an endpoint count. Duplicates by `id` are counted once: the copy that
 * is least as (ts, endpoint, lob, input, output), so the choice never depends on file or thread order. Result
 * columns: `malformed`, `endpoint`, `lob`, `invocations`, `input_tokens`, `output_tokens`, `duplicates`, `events`;
 * the single row with `malformed = true` carries the number of malformed lines in `events`. Runs unchanged on
 * DuckDB and Athena (Trino).
 *
 * @example
 * ```ts
 * usageAggregationSql(`SELECT id, ts, lob, kind, endpoint, input_tokens, output_tokens, false AS malformed
 *   FROM "lake"."usage"`, monthWindow("2026-10"));
 * ```
 */
export function usageAggregationSql(events: string, window: MonthWindow): string {
  return `WITH ev AS (
  SELECT * FROM (${events}) e
  WHERE (kind = 'sagemaker' AND endpoint IS NOT NULL
         AND ts >= ${isoBound(window.start)} AND ts < ${isoBound(window.end)})
     OR malformed
),
dedup AS (
  SELECT malformed,
    min(CAST(ROW(ts, endpoint, lob, input_tokens, output_tokens)
        AS ROW(ts VARCHAR, endpoint VARCHAR, lob VARCHAR, i BIGINT, o BIGINT))) AS f,
    count(*) AS copies
  FROM (SELECT malformed, CASE WHEN malformed THEN NULL ELSE id END AS id, ts, endpoint, lob,
               input_tokens, output_tokens FROM ev) x
  GROUP BY malformed, id
)
SELECT malformed, f.endpoint AS endpoint, f.lob AS lob, count(*) AS invocations,
  sum(f.i) AS input_tokens, sum(f.o) AS output_tokens,
  sum(copies) - count(*) AS duplicates, sum(copies) AS events
FROM dedup
GROUP BY 1, 2, 3`;
}

/** The result rows of {@link usageAggregationSql} as a usage source result. */
export function usageFromRows(rows: readonly Record<string, unknown>[]): UsageSourceResult {
  const usage: EndpointUsage[] = [];
  let malformed = 0;
  let duplicates = 0;
  for (const r of rows) {
    if (r.malformed === true || r.malformed === "true") {
      malformed += Number(r.events);
      continue;
    }
    duplicates += Number(r.duplicates);
    usage.push({
      endpoint: String(r.endpoint),
      lob: String(r.lob),
      invocations: Number(r.invocations),
      inputTokens: Number(r.input_tokens),
      outputTokens: Number(r.output_tokens),
    });
  }
  usage.sort((a, b) => (a.endpoint + a.lob < b.endpoint + b.lob ? -1 : 1));
  return { usage, malformed, duplicates };
}
