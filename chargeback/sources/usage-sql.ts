/**
 * The SQL that turns usage events into a month's per-endpoint, per-LOB usage, written once for DuckDB and Athena.
 */
import type { MonthWindow } from "../engine/month.js";
import type { EndpointUsage, UsageSourceResult } from "../model.js";

/** `ev AS (…)`: the events of the window that count (SageMaker, with an endpoint), and every malformed line. */
function monthEventsCte(events: string, window: MonthWindow): string {
  return `ev AS (
  SELECT * FROM (${events}) e
  WHERE (kind = 'sagemaker' AND endpoint IS NOT NULL
         AND ts >= ${isoBound(window.start)} AND ts < ${isoBound(window.end)})
     OR malformed
)`;
}

/** The ISO-8601 prefix `YYYY-MM-DDTHH:MM:SS` of an instant: ISO UTC strings compare with it as times do. */
function isoBound(d: Date): string {
  return `'${d.toISOString().slice(0, 19)}'`;
}

/**
 * Builds the aggregation over a relation of usage events. `events` must be a subquery or table with the columns
 * `id`, `ts`, `lob`, `kind`, `endpoint` (varchar), `input_tokens`, `output_tokens` (bigint) and `malformed`
 * (boolean: a line that is not a valid event; its other columns are ignored). `ts` is either a timestamp with time
 * zone (the file ledger) or the event's ISO-8601 UTC time as written, `…Z` (the Athena lake): the month window's
 * bounds are written as `'YYYY-MM-DDTHH:MM:SS'` literals, which compare correctly with both (as text, ISO-8601
 * UTC times order as the times do).
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
  return `WITH ${monthEventsCte(events, window)},
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

/**
 * A faster form of {@link usageAggregationSql} for DuckDB, exact whenever no `id` has copies that differ in
 * (endpoint, lob, input_tokens, output_tokens) — the usual case, as a duplicate is the same event delivered
 * twice — and telling when that does not hold (see {@link usageFromFastRows}).
 *
 * One scan feeds two hash aggregates (`GROUPING SETS`): one per (id, endpoint, lob, input, output), whose key
 * carries the event itself, so no per-id aggregate state (such as the `min(ROW(…))` of the exact form, which
 * costs a sort key per line) is kept; and one per `id` with a count only. When every id has a single
 * (endpoint, lob, input, output), both count the same ids and the first one's sums per (endpoint, lob) are exactly
 * those of {@link usageAggregationSql}; copies that differ only in `ts` are still counted once, since the copy that
 * wins never changes the sums. Result columns: `by_id` (true on the per-id count rows), then those of
 * {@link usageAggregationSql}. Runs on DuckDB (Athena keeps {@link usageAggregationSql}).
 *
 * @example
 * ```ts
 * const rows = await queryRows(c, usageFastAggregationSql(ledgerEventsSql(glob), monthWindow("2026-10")));
 * const result = usageFromFastRows(rows) ?? usageFromRows(await queryRows(c, usageAggregationSql(…)));
 * ```
 */
export function usageFastAggregationSql(events: string, window: MonthWindow): string {
  const keep = (col: string) => `CASE WHEN malformed THEN NULL ELSE ${col} END AS ${col}`;
  return `WITH ${monthEventsCte(events, window)},
copies AS (
  SELECT grouping(endpoint, lob, input_tokens, output_tokens) <> 0 AS by_id, malformed, endpoint, lob,
    input_tokens, output_tokens, count(*) AS copies
  FROM (SELECT malformed, ${["id", "endpoint", "lob", "input_tokens", "output_tokens"].map(keep).join(", ")}
        FROM ev) x
  GROUP BY GROUPING SETS ((malformed, id, endpoint, lob, input_tokens, output_tokens), (malformed, id))
)
SELECT by_id, malformed, endpoint, lob, count(*) AS invocations, sum(input_tokens) AS input_tokens,
  sum(output_tokens) AS output_tokens, sum(copies) - count(*) AS duplicates, sum(copies) AS events
FROM copies
GROUP BY 1, 2, 3, 4`;
}

/**
 * The result rows of {@link usageFastAggregationSql} as a usage source result, or `undefined` when some `id` has
 * copies that differ in endpoint, lob or token counts (then the per-event rows count more events than there are
 * ids, and only {@link usageAggregationSql} picks the copy that counts).
 */
export function usageFromFastRows(rows: readonly Record<string, unknown>[]): UsageSourceResult | undefined {
  const isTrue = (v: unknown) => v === true || v === "true";
  let events = 0;
  let ids = 0;
  for (const r of rows)
    if (!isTrue(r.malformed)) {
      if (isTrue(r.by_id)) ids += Number(r.invocations);
      else events += Number(r.invocations);
    }
  return events === ids ? usageFromRows(rows.filter((r) => !isTrue(r.by_id))) : undefined;
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
