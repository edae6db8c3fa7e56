/**
 * The SQL that turns usage events into a month's per-endpoint, per-LOB usage, written once for DuckDB and Athena.
 */
import type { MonthWindow } from "../engine/month.js";
import type { EndpointUsage, UsageSourceResult } from "../model.js";
import { timestampLiteral } from "./cur-sql.js";

/**
 * Builds the aggregation over a relation of usage events. `events` must be a subquery or table with the columns
 * `id` (varchar), `ts` (UTC `TIMESTAMP`), `lob`, `kind`, `endpoint` (varchar), `input_tokens`, `output_tokens`
 * (bigint) and `malformed` (boolean: a line that is not a valid event; its other columns are ignored).
 *
 * Only SageMaker events of the month with an endpoint count. Duplicates by `id` are counted once (the earliest
 * copy wins). Result columns: `malformed`, `endpoint`, `lob`, `invocations`, `input_tokens`, `output_tokens`,
 * `duplicates`, `events`; the single row with `malformed = true` carries the number of malformed lines in `events`.
 *
 * @example
 * ```ts
 * usageAggregationSql(`SELECT id, CAST(from_iso8601_timestamp(ts) AT TIME ZONE 'UTC' AS TIMESTAMP) AS ts, lob,
 *   kind, endpoint, input_tokens, output_tokens, false AS malformed FROM "lake"."usage"`, monthWindow("2026-10"));
 * ```
 */
export function usageAggregationSql(events: string, window: MonthWindow): string {
  return `WITH ev AS (
  SELECT * FROM (${events}) e
  WHERE malformed
     OR (kind = 'sagemaker' AND endpoint IS NOT NULL
         AND ts >= ${timestampLiteral(window.start)} AND ts < ${timestampLiteral(window.end)})
),
dedup AS (
  SELECT malformed, id,
    min_by(endpoint, ts) AS endpoint, min_by(lob, ts) AS lob,
    min_by(input_tokens, ts) AS input_tokens, min_by(output_tokens, ts) AS output_tokens,
    count(*) AS copies
  FROM (SELECT malformed, CASE WHEN malformed THEN NULL ELSE id END AS id, ts, endpoint, lob,
               input_tokens, output_tokens FROM ev) x
  GROUP BY malformed, id
)
SELECT malformed, endpoint, lob, count(*) AS invocations,
  sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
  sum(copies) - count(*) AS duplicates, sum(copies) AS events
FROM dedup
GROUP BY malformed, endpoint, lob`;
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
