/**
 * The SQL that turns usage events into a month's per-endpoint, per-LOB usage, written once for DuckDB and Athena.
 */
import { DataSourceError, dec } from "../../core/index.js";
import type { MonthWindow } from "../engine/index.js";
import type { EndpointUsage, GatewayEstimateInput, UsageSourceResult } from "../model.js";
import { timestampLiteral } from "./cur-sql.js";
import type { SqlRow } from "./sql-engine.js";

/**
 * The endpoints whose usage is kept hour by hour (shared endpoints that may run in an hourly mode): names of
 * letters, digits and hyphens (SageMaker's own rule), lower-cased (the engine matches endpoint names whatever their
 * case), as an SQL list; `undefined` when there is none, so that the month's query stays exactly as it is.
 */
function hourlyList(endpoints: readonly string[] | undefined): string | undefined {
  const names = (endpoints ?? []).filter((n) => /^[a-zA-Z0-9-]+$/.test(n));
  return names.length === 0 ? undefined : names.map((n) => `'${n.toLowerCase()}'`).join(", ");
}

/**
 * The UTC hour of an event of an hourly endpoint as `YYYY-MM-DD HH` (the first 13 characters of the instant as
 * text, the same on DuckDB — a `TIMESTAMPTZ` in a UTC session — and on Athena — a UTC `TIMESTAMP`), else NULL.
 */
function hourSql(list: string, tsText: string, endpoint: string): string {
  return `CASE WHEN lower(${endpoint}) IN (${list}) THEN substr(${tsText}, 1, 13) END`;
}

/**
 * `ev AS (…)`: the events of the window that count (SageMaker, with an endpoint), and the malformed lines that
 * `malformedInMonth` (an SQL condition over the events' columns) assigns to the month: every one by default. With
 * hourly endpoints (`list`), each event also has its `hour` ({@link hourSql}).
 */
function monthEventsCte(
  events: string,
  window: MonthWindow,
  malformedInMonth = "true",
  list?: string,
): string {
  return `ev AS (
  SELECT *${list === undefined ? "" : `, ${hourSql(list, "CAST(ts AS VARCHAR)", "endpoint")} AS hour`} FROM (${events}) e
  WHERE (kind = 'sagemaker' AND endpoint IS NOT NULL AND NOT malformed
         AND ts >= ${timestampLiteral(window.start)} AND ts < ${timestampLiteral(window.end)})
     OR (malformed AND ${malformedInMonth})
)`;
}

/**
 * The usage events of the lake's Glue table (docs/contracts.md#usage-ledger-event; `infra/usage-lake.ts`: `ts` is the ISO-8601 text the
 * recorder wrote, counts `bigint`) in the shape `usageAggregationSql` reads, with the checks of the file
 * ledger ({@link ledgerEventsSql} in `file-ledger.ts`): `ts` parsed as an instant (`from_iso8601_timestamp`, any UTC
 * offset converted to UTC, a time that does not parse such as `2026-10-zz` is malformed), `v` = 1, non-empty `id`
 * and `lob`, `kind` sagemaker|bedrock, a SageMaker event with an endpoint, token counts non-negative integers. A
 * record the JSON SerDe could not read
 * (`ignore.malformed.json`) is a row of NULLs, so malformed too. With `priceEstimate`, the relation also has the
 * gateway's `price_estimate` column (for `gatewayEstimateSql`; the table must have it). Athena (Trino) SQL.
 *
 * @example
 * ```ts
 * usageAggregationSql(lakeEventsSql('"smcb"."usage_events"'), monthWindow("2026-10"));
 * ```
 */
export function lakeEventsSql(table: string, o: { readonly priceEstimate?: boolean } = {}): string {
  const count = (c: string) => `try(CAST(${c} AS DOUBLE))`;
  const ok = (c: string) => `${c} >= 0 AND ${c} = floor(${c}) AND ${c} < 1e15`;
  const price = o.priceEstimate ? ", price_estimate" : "";
  return `SELECT id, ts, lob, kind, endpoint,
  try(CAST(input_tokens AS BIGINT)) AS input_tokens, try(CAST(output_tokens AS BIGINT)) AS output_tokens,
  1 AS copies, CAST(NULL AS varchar) AS file${price},
  NOT coalesce(v = 1 AND id <> '' AND lob <> '' AND kind IN ('sagemaker', 'bedrock') AND ts IS NOT NULL
    AND (kind <> 'sagemaker' OR endpoint <> '')
    AND ${ok("input_tokens")} AND ${ok("output_tokens")}, false) AS malformed
FROM (
  SELECT try(CAST(v AS DOUBLE)) AS v, id, lob, kind, endpoint,
    CAST((try(from_iso8601_timestamp(ts)) AT TIME ZONE 'UTC') AS TIMESTAMP) AS ts,
    ${count("input_tokens")} AS input_tokens, ${count("output_tokens")} AS output_tokens${price}
  FROM ${table}
) e`;
}

/**
 * The events of the Glue table over the ledger's compacted layout (docs/ledger.md: Parquet rows that each stand for
 * `copies` identical events, partitioned by `year`/`month`/`day`), in the shape of {@link lakeEventsSql} so that the
 * two are read as one `UNION ALL` and de-duplicated together by `usageAggregationSql` (an id compacted and also still
 * in the JSON table counts once). Compaction checked every line (malformed lines are quarantined, outside the
 * table), so no row is malformed. Only the partitions of the window's month and its neighbours are read (a day
 * folder holds the events written that day, which may lie a little outside it). Athena (Trino) SQL; plain enough to
 * run on DuckDB too.
 *
 * @example
 * ```ts
 * usageAggregationSql(`${lakeEventsSql(raw)}\nUNION ALL\n${compactedLakeEventsSql(compacted, window)}`, window);
 * ```
 */
export function compactedLakeEventsSql(
  table: string,
  window: MonthWindow,
  o: { readonly priceEstimate?: boolean } = {},
): string {
  const [y, m] = window.month.split("-").map(Number) as [number, number];
  const months = [-1, 0, 1].map((d) => {
    const at = new Date(Date.UTC(y, m - 1 + d, 1));
    return { year: at.getUTCFullYear(), month: at.getUTCMonth() + 1 };
  });
  const years = [...new Set(months.map((x) => x.year))];
  const partitions = years
    .map((year) => {
      const ms = months.filter((x) => x.year === year).map((x) => x.month);
      return `(year = ${year} AND month IN (${ms.join(", ")}))`;
    })
    .join(" OR ");
  const price = o.priceEstimate ? ", price_estimate" : "";
  return `SELECT id, CAST(ts AS TIMESTAMP) AS ts, lob, kind, endpoint, CAST(input_tokens AS BIGINT) AS input_tokens,
  CAST(output_tokens AS BIGINT) AS output_tokens, CAST(copies AS BIGINT) AS copies, CAST(NULL AS varchar) AS file${price},
  false AS malformed
FROM ${table}
WHERE ${partitions}`;
}

/**
 * The tenant gateway's price estimates of a month per LOB (docs/gateway.md): over a relation of usage events with
 * the columns of `usageAggregationSql` plus `price_estimate` (decimal text, §3.3), the valid events of the
 * window — Bedrock and SageMaker alike — whose `price_estimate` reads as a decimal, duplicates by `id` counted
 * once (the least copy by (ts, lob, price), as the usage query picks its copy). Result columns: `lob`, `calls`,
 * `estimate` (exact decimal text). Runs unchanged on DuckDB and Athena (Trino).
 *
 * @example
 * ```ts
 * gatewayEstimateSql(lakeEventsSql('"smcb"."usage_events"', { priceEstimate: true }), monthWindow("2026-10"));
 * ```
 */
export function gatewayEstimateSql(events: string, window: MonthWindow): string {
  const price = "TRY_CAST(price_estimate AS DECIMAL(38, 18))";
  return `WITH ev AS (
  SELECT id, ts, lob, price_estimate FROM (${events}) e
  WHERE NOT malformed AND ${price} IS NOT NULL
    AND ts >= ${timestampLiteral(window.start)} AND ts < ${timestampLiteral(window.end)}
),
dedup AS (
  SELECT min(CAST(ROW(ts, lob, price_estimate) AS ROW(ts VARCHAR, lob VARCHAR, p VARCHAR))) AS f
  FROM ev GROUP BY id
)
SELECT f.lob AS lob, count(*) AS calls, CAST(sum(CAST(f.p AS DECIMAL(38, 18))) AS VARCHAR) AS estimate
FROM dedup
GROUP BY 1`;
}

/** The rows of `gatewayEstimateSql` (JSON values from DuckDB or text cells from the port), by LOB. */
export function gatewayEstimatesFromRows(
  rows: readonly (SqlRow | Record<string, unknown>)[],
): GatewayEstimateInput[] {
  return rows
    .map((r) => {
      const estimate = String(r.estimate);
      if (!/^\d+(\.\d+)?$/.test(estimate))
        throw new DataSourceError(`Gateway estimate query: "${estimate}" is not an amount.`);
      return { lob: String(r.lob), calls: count(r.calls, "calls"), estimate: dec(estimate) };
    })
    .sort((a, b) => (a.lob < b.lob ? -1 : a.lob > b.lob ? 1 : 0));
}

/**
 * Builds the aggregation over a relation of usage events. `events` must be a subquery or table with the columns
 * `id`, `ts`, `lob`, `kind`, `endpoint` (varchar), `input_tokens`, `output_tokens` (bigint), `copies` (how many
 * identical lines the row stands for: 1 for a line, more for a compacted row), `malformed` (boolean: a line that
 * is not a valid event; its other columns but `ts` and `file` are ignored) and `file` (varchar, the file of a
 * malformed line, or NULL). `ts` is an instant: a `TIMESTAMPTZ`
 * (the file ledger on DuckDB, UTC session) or a UTC `TIMESTAMP` (the lake on Athena, {@link lakeEventsSql}); the
 * month window's bounds are `TIMESTAMP 'YYYY-MM-DD HH:MM:SS'` literals (UTC), never text, so an event at
 * `2026-10-31T23:30:00-01:00` counts in November.
 *
 * Only SageMaker events of the month with an endpoint count. Duplicates by `id` are counted once: the copy that
 * is least as (ts, endpoint, lob, input, output), so the choice never depends on file or thread order. Result
 * columns: `malformed`, `file`, `endpoint`, `lob`, `invocations`, `input_tokens`, `output_tokens`, `duplicates`,
 * `events`; a row with `malformed = true` per `file` carries its number of malformed lines in `events`.
 * `malformedInMonth` is the SQL condition that assigns a malformed line to the month (all of them by default).
 * With `hourlyEndpoints` (shared endpoints that may be charged hour by hour), the usage of those endpoints is also
 * grouped by the UTC hour of the counted copy's `ts` (column `hour`, `YYYY-MM-DD HH`; NULL for the other endpoints);
 * without, the query is the month's, with no hour column. Runs unchanged on DuckDB and Athena (Trino).
 *
 * @example
 * ```ts
 * usageAggregationSql(`SELECT id, ts, lob, kind, endpoint, input_tokens, output_tokens, false AS malformed
 *   FROM "lake"."usage"`, monthWindow("2026-10"));
 * ```
 */
export function usageAggregationSql(
  events: string,
  window: MonthWindow,
  malformedInMonth?: string,
  hourlyEndpoints?: readonly string[],
): string {
  const list = hourlyList(hourlyEndpoints);
  return `WITH ${monthEventsCte(events, window, malformedInMonth)},
dedup AS (
  SELECT malformed, file,
    min(CAST(ROW(ts, endpoint, lob, input_tokens, output_tokens)
        AS ROW(ts VARCHAR, endpoint VARCHAR, lob VARCHAR, i BIGINT, o BIGINT))) AS f,
    sum(copies) AS copies
  FROM (SELECT malformed, CASE WHEN malformed THEN NULL ELSE id END AS id, CASE WHEN malformed THEN file END AS file,
               ts, endpoint, lob, input_tokens, output_tokens, copies FROM ev) x
  GROUP BY malformed, file, id
)
SELECT malformed, file, f.endpoint AS endpoint, f.lob AS lob, count(*) AS invocations,
  sum(f.i) AS input_tokens, sum(f.o) AS output_tokens,
  sum(copies) - count(*) AS duplicates, sum(copies) AS events${list === undefined ? "" : `,\n  ${hourSql(list, "f.ts", "f.endpoint")} AS hour`}
FROM dedup
GROUP BY 1, 2, 3, 4${list === undefined ? "" : ", 10"}`;
}

/**
 * A faster form of `usageAggregationSql` for DuckDB, exact whenever no `id` has copies that differ in
 * (endpoint, lob, input_tokens, output_tokens) — the usual case, as a duplicate is the same event delivered
 * twice — and telling when that does not hold (see {@link usageFromFastRows}).
 *
 * One scan feeds two hash aggregates (`GROUPING SETS`): one per (id, endpoint, lob, input, output), whose key
 * carries the event itself, so no per-id aggregate state (such as the `min(ROW(…))` of the exact form, which
 * costs a sort key per line) is kept; and one per `id` with a count only. When every id has a single
 * (endpoint, lob, input, output), both count the same ids and the first one's sums per (endpoint, lob) are exactly
 * those of `usageAggregationSql`; copies that differ only in `ts` are still counted once, since the copy that
 * wins never changes the sums. Result columns: `by_id` (true on the per-id count rows), then those of
 * `usageAggregationSql` (and `hour`, with `hourlyEndpoints`). Runs on DuckDB (Athena keeps `usageAggregationSql`).
 *
 * @example
 * ```ts
 * const rows = await queryRows(c, usageFastAggregationSql(ledgerEventsSql(glob), monthWindow("2026-10")));
 * const result = usageFromFastRows(rows) ?? usageFromRows(await queryRows(c, usageAggregationSql(…)));
 * ```
 */
export function usageFastAggregationSql(
  events: string,
  window: MonthWindow,
  malformedInMonth?: string,
  hourlyEndpoints?: readonly string[],
): string {
  const list = hourlyList(hourlyEndpoints);
  const keep = (col: string) => `CASE WHEN malformed THEN NULL ELSE ${col} END AS ${col}`;
  // with hours, the hour is part of the event's key: copies of an id in two hours make the exact form run
  const key = ["endpoint", "lob", "input_tokens", "output_tokens", ...(list === undefined ? [] : ["hour"])];
  const hour = list === undefined ? "" : ", hour";
  return `WITH ${monthEventsCte(events, window, malformedInMonth, list)},
copies AS (
  SELECT grouping(${key.join(", ")}) <> 0 AS by_id, malformed,
    CASE WHEN malformed THEN id END AS file, endpoint, lob, input_tokens, output_tokens${hour}, sum(copies) AS copies
  FROM (SELECT malformed, CASE WHEN malformed THEN file ELSE id END AS id, copies,
          ${key.map(keep).join(", ")}
        FROM ev) x
  GROUP BY GROUPING SETS ((malformed, id, ${key.join(", ")}), (malformed, id))
)
SELECT by_id, malformed, file, endpoint, lob, count(*) AS invocations, sum(input_tokens) AS input_tokens,
  sum(output_tokens) AS output_tokens, sum(copies) - count(*) AS duplicates, sum(copies) AS events${hour}
FROM copies
GROUP BY 1, 2, 3, 4, 5${list === undefined ? "" : ", 11"}`;
}

/**
 * The result rows of `usageFastAggregationSql` as a usage source result, or `undefined` when some `id` has
 * copies that differ in endpoint, lob or token counts (then the per-event rows count more events than there are
 * ids, and only `usageAggregationSql` picks the copy that counts).
 */
export function usageFromFastRows(
  rows: readonly (SqlRow | Record<string, unknown>)[],
): UsageSourceResult | undefined {
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

/** A count of a usage row (JSON number or text), checked. */
function count(v: unknown, column: string): number {
  const n = v === null || v === undefined ? 0 : Number(v);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new DataSourceError(`Usage query: ${column} "${String(v)}" is not a count.`);
  return n;
}

/** `YYYY-MM-DD HH` (an hour as {@link hourSql} gives it) → `YYYY-MM-DDTHH:00:00Z`, checked. */
function hourOfText(text: string): string {
  if (!/^\d{4}-\d{2}-\d{2} \d{2}$/.test(text))
    throw new DataSourceError(`Usage query: hour "${text}" is not an hour.`);
  return `${text.replace(" ", "T")}:00:00Z`;
}

/**
 * The one row mapper for usage rows (both engines): the result rows of `usageAggregationSql` (JSON values
 * from DuckDB, or text cells from the port) as a usage source result, with the malformed and duplicate counts; a
 * row with an `hour` is that hour's usage (`EndpointUsage.hour`).
 */
export function usageFromRows(rows: readonly (SqlRow | Record<string, unknown>)[]): UsageSourceResult {
  const usage: EndpointUsage[] = [];
  let malformed = 0;
  let duplicates = 0;
  for (const r of rows) {
    if (r.malformed === true || r.malformed === "true") {
      malformed += count(r.events, "events");
      continue;
    }
    duplicates += count(r.duplicates, "duplicates");
    const hour = r.hour === null || r.hour === undefined ? undefined : hourOfText(String(r.hour));
    usage.push({
      endpoint: String(r.endpoint),
      lob: String(r.lob),
      invocations: count(r.invocations, "invocations"),
      inputTokens: count(r.input_tokens, "input_tokens"),
      outputTokens: count(r.output_tokens, "output_tokens"),
      ...(hour === undefined ? {} : { hour }),
    });
  }
  // sorted by (endpoint, lob, hour), each key made once (hourly results have a row per hour)
  const keyed = usage.map((u) => [`${u.endpoint}\u0000${u.lob}\u0000${u.hour ?? ""}`, u] as const);
  keyed.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { usage: keyed.map(([, u]) => u), malformed, duplicates };
}

/**
 * The result of `usageAggregationSql` over compacted events that carry the month-wide guarantee (the
 * `MONTH_UNIQUE_KEY` of `file-ledger.ts`): `events` also has the column `counted`, true on exactly the one copy of
 * each event that counts in its month, so a pure aggregation of the counted rows gives the usage, with no
 * de-duplication by id; every row's `copies` count toward `events`, so `duplicates` (in the column
 * `all_duplicates` of every row, the month's total) stays what the exact form gives. No malformed rows (they are
 * quarantined). Result columns: those of `usageAggregationSql` and `all_duplicates`. DuckDB.
 *
 * @example
 * ```ts
 * const rows = await queryRows(c, usageCountedAggregationSql(countedEventsSql(files), monthWindow("2026-10")));
 * ```
 */
export function usageCountedAggregationSql(
  events: string,
  window: MonthWindow,
  hourlyEndpoints?: readonly string[],
): string {
  const list = hourlyList(hourlyEndpoints);
  const hour = list === undefined ? "" : ", hour";
  // One pass over the events: the month's duplicates are summed over the groups (a window over the grouped rows)
  // rather than in a second scan of \`ev\`, which would make DuckDB materialize every event of the month.
  return `WITH ${monthEventsCte(events, window, "false", list)},
g AS (
  SELECT endpoint, lob${hour}, count(*) FILTER (WHERE counted) AS n,
    sum(input_tokens) FILTER (WHERE counted) AS input_tokens, sum(output_tokens) FILTER (WHERE counted) AS output_tokens,
    coalesce(sum(copies), 0) - count(*) FILTER (WHERE counted) AS d
  FROM ev GROUP BY endpoint, lob${hour}
)
${countedGroupsSql(hour)}`;
}

/**
 * The result rows of the counted forms ({@link usageCountedAggregationSql}, and the file ledger's aggregation of
 * its compacted files' totals) over the CTE `g`: per endpoint, LOB (and `hour`, when `hour` is `", hour"`), `n` counted
 * events, their `input_tokens` and `output_tokens`, and `d` copies beyond the counted ones.
 */
export function countedGroupsSql(hour = ""): string {
  return `SELECT false AS malformed, CAST(NULL AS VARCHAR) AS file, endpoint, lob, n AS invocations, input_tokens,
  output_tokens, 0 AS duplicates, n AS events, all_duplicates${hour}
FROM (SELECT *, sum(d) OVER () AS all_duplicates FROM g) WHERE n > 0`;
}

/**
 * The exact result of `usageAggregationSql` in a form that suits a columnar input (compacted Parquet) on
 * DuckDB: the month's events are keyed by `hash(id)` (8 bytes, not the id text) and counted per key; events whose key
 * occurs once are distinct ids and are summed directly, and only the events whose key occurs more than once (the
 * duplicates, and ids whose hashes collide) go through the exact de-duplication by id of
 * `usageAggregationSql`. Exact whatever the hashes: a collision only sends events to the exact path. The
 * input is scanned more than once, so this form is for inputs that are cheap to re-read. Result columns: those of
 * `usageAggregationSql`.
 *
 * @example
 * ```ts
 * const rows = await queryRows(c, usageHashedAggregationSql(compactedEventsSql(files), monthWindow("2026-10")));
 * ```
 */
export function usageHashedAggregationSql(
  events: string,
  window: MonthWindow,
  malformedInMonth?: string,
  hourlyEndpoints?: readonly string[],
): string {
  const list = hourlyList(hourlyEndpoints);
  const hour = list === undefined ? "" : ", hour";
  return `WITH ${monthEventsCte(events, window, malformedInMonth, list)},
keyed AS (SELECT hash(id) AS h, * FROM ev WHERE NOT malformed),
repeated AS (SELECT h FROM keyed GROUP BY h HAVING sum(copies) > 1),
candidates AS (
  SELECT malformed, NULL AS file, id, ts, endpoint, lob, input_tokens, output_tokens, copies FROM keyed
  WHERE h IN (SELECT h FROM repeated)
),
dedup AS (
  SELECT min(CAST(ROW(ts, endpoint, lob, input_tokens, output_tokens)
        AS ROW(ts VARCHAR, endpoint VARCHAR, lob VARCHAR, i BIGINT, o BIGINT))) AS f, sum(copies) AS copies
  FROM candidates GROUP BY id
)
SELECT false AS malformed, CAST(NULL AS VARCHAR) AS file, endpoint, lob, sum(invocations) AS invocations,
  sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(duplicates) AS duplicates,
  sum(events) AS events${hour}
FROM (
  SELECT endpoint, lob, count(*) AS invocations, sum(input_tokens) AS input_tokens,
    sum(output_tokens) AS output_tokens, 0 AS duplicates, count(*) AS events${hour}
  FROM keyed WHERE h NOT IN (SELECT h FROM repeated) GROUP BY endpoint, lob${hour}
  UNION ALL
  SELECT f.endpoint, f.lob, count(*), sum(f.i), sum(f.o), sum(copies) - count(*), sum(copies)${
    list === undefined ? "" : `, ${hourSql(list, "f.ts", "f.endpoint")}`
  }
  FROM dedup GROUP BY 1, 2${list === undefined ? "" : ", 8"}
) u
GROUP BY endpoint, lob${hour}
UNION ALL
SELECT true, file, NULL, NULL, count(*), NULL, NULL, 0, sum(copies)${list === undefined ? "" : ", NULL"} FROM ev WHERE malformed GROUP BY file`;
}
