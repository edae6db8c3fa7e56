/**
 * The usage source over the file ledger (docs/contracts.md#usage-ledger-event): the raw `*.jsonl` / `*.jsonl.gz` below a folder and the
 * Parquet files of compacted days (`smcb ledger compact`), read together with DuckDB in one query.
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import type { DuckDBConnection } from "@duckdb/node-api";
import { DataSourceError, USAGE_EVENT_FIELDS, type UsageEventFieldName } from "../../core/index.js";
import type { MonthWindow } from "../engine/index.js";
import type { GatewayEstimateInput, MalformedLine, UsageSourceResult } from "../model.js";
import { type DuckDbSettings, queryRows, sqlString, withDuckDb } from "./duckdb.js";
import { ledgerFileDay, listLedgerFiles, QUARANTINE_DIR } from "./ledger-files.js";
import { duckDbEngine } from "./sql-engine.js";
import {
  countedGroupsSql,
  gatewayEstimateSql,
  gatewayEstimatesFromRows,
  usageAggregationSql,
  usageCountedAggregationSql,
  usageFastAggregationSql,
  usageFromFastRows,
  usageFromRows,
  usageHashedAggregationSql,
} from "./usage-sql.js";

/** How many malformed lines a result carries in full (file, line, text); the count is always complete. */
export const MALFORMED_SAMPLES = 10;

/** Options of {@link readFileLedger}. */
export interface FileLedgerOptions {
  /** The ledger folder (absolute). */
  readonly path: string;
  readonly window: MonthWindow;
  /** DuckDB memory limit and spill folder. */
  readonly duckdb?: DuckDbSettings;
  /** Progress messages (stderr in the CLI). */
  readonly onProgress?: (message: string) => void;
  /**
   * Shared endpoints whose usage is returned hour by hour (UTC hour of each event's `ts`), for those that may be
   * charged hour by hour; the others' usage is the month's. @default []
   */
  readonly hourlyEndpoints?: readonly string[];
  /**
   * Also read the tenant gateway's price estimates per LOB (events with `price_estimate`, every kind), for the
   * report's estimate beside the bill; a second pass over the files, so asked for only where a gateway runs.
   * @default false
   */
  readonly gatewayEstimates?: boolean;
}

/** A list of paths as a DuckDB list literal. */
export function sqlList(items: readonly string[]): string {
  return `[${items.map(sqlString).join(", ")}]`;
}

/** The checks of a ledger line over the columns of {@link ledgerEventsSql}'s inner relation: `NULL`/false = malformed. */
const VALID = `v = 1 AND id <> '' AND lob <> '' AND kind IN ('sagemaker', 'bedrock') AND ts IS NOT NULL
    AND (kind <> 'sagemaker' OR endpoint <> '')
    AND input_tokens >= 0 AND input_tokens = floor(input_tokens) AND input_tokens < 1e15
    AND output_tokens >= 0 AND output_tokens = floor(output_tokens) AND output_tokens < 1e15`;

/** Why a line is malformed, the first check it fails (for the lines reported in full). */
const REASON = `CASE
  WHEN v IS NULL AND id IS NULL AND ts IS NULL AND lob IS NULL AND kind IS NULL THEN 'not a JSON object (or cut short)'
  WHEN v IS DISTINCT FROM 1 THEN 'v is not the number 1'
  WHEN coalesce(id, '') = '' THEN 'no id'
  WHEN ts IS NULL THEN 'ts is missing or not an ISO-8601 time'
  WHEN coalesce(lob, '') = '' THEN 'no lob'
  WHEN kind IS NULL OR kind NOT IN ('sagemaker', 'bedrock') THEN 'kind is not sagemaker or bedrock'
  WHEN kind = 'sagemaker' AND coalesce(endpoint, '') = '' THEN 'a sagemaker event without an endpoint'
  ELSE 'a token count that is not a whole non-negative JSON number' END`;

/** The fields of the event that the chargeback reads (the rest are kept by compaction only). */
export const READ_FIELDS: readonly UsageEventFieldName[] = [
  "v",
  "id",
  "ts",
  "lob",
  "kind",
  "endpoint",
  "input_tokens",
  "output_tokens",
];

/**
 * The fields of an event beyond those the chargeback reads (docs/contracts.md#usage-ledger-event), with the type a compacted file keeps:
 * derived from the event's one field list in `core`.
 */
export const OTHER_EVENT_FIELDS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(USAGE_EVENT_FIELDS)
    .filter(([name]) => !READ_FIELDS.includes(name as UsageEventFieldName))
    .map(([name, f]) => [name, f.duckdb]),
);

/** Options of {@link ledgerEventsSql}. */
export interface LedgerEventsOptions {
  /** The month (`YYYY-MM`) of each file whose folder names a day, for `file_month`. */
  readonly fileMonths?: ReadonlyMap<string, string>;
  /** Add a column `reason`: why a line is malformed. */
  readonly reason?: boolean;
  /** Add the other fields of §3.3 (`OTHER_EVENT_FIELDS`), as a compacted file keeps them. */
  readonly allFields?: boolean;
  /** Add these of the other fields only (ignored with {@link allFields}). */
  readonly fields?: readonly string[];
}

/**
 * The DuckDB relation of raw ledger events over JSON Lines files (plain or gzip). DuckDB's JSON reader parses each
 * line once; `ignore_errors` turns a line that is not a JSON object into a row of NULLs, so it is still counted.
 * `ts` is parsed by the reader as a `TIMESTAMPTZ`: any ISO-8601 time, with `Z` or another UTC offset (converted to
 * UTC), or without offset (taken as UTC); a time that does not parse is NULL. `v` and the token counts are read as
 * JSON values and must be JSON numbers (`"12"`, `true` are malformed; JSON types are strict), whole, non-negative;
 * `v` = 1; non-empty `id` and `lob`; `kind` sagemaker|bedrock; a SageMaker event names its endpoint. Anything else
 * is flagged `malformed`, with its `file` and `file_month` (`YYYY-MM` of the file's `YYYY/MM/DD/` folder; NULL when
 * the path names no day). Blank lines are skipped. Each line is one copy (`copies` = 1).
 */
export function ledgerEventsSql(files: string | readonly string[], o: LedgerEventsOptions = {}): string {
  const list = typeof files === "string" ? sqlString(files) : sqlList(files);
  const fileMonths = o.fileMonths ?? new Map<string, string>();
  const months =
    fileMonths.size === 0
      ? "CAST(NULL AS VARCHAR)"
      : `MAP {${[...fileMonths].map(([f, m]) => `${sqlString(f)}: ${sqlString(m)}`).join(", ")}}[filename]`;
  const number = (c: string) => `TRY_CAST(CAST(${c} AS VARCHAR) AS DOUBLE) AS ${c}`;
  const others = o.allFields ? Object.keys(OTHER_EVENT_FIELDS) : (o.fields ?? []);
  const otherColumns = Object.entries(OTHER_EVENT_FIELDS)
    .filter(([f]) => others.includes(f))
    .map(([k, t]) => `, ${k}: '${t}'`)
    .join("");
  return `SELECT id, ts, lob, kind, endpoint,
  TRY_CAST(input_tokens AS BIGINT) AS input_tokens, TRY_CAST(output_tokens AS BIGINT) AS output_tokens,
  ${others.map((f) => `${f}, `).join("")}1 AS copies, malformed, CASE WHEN malformed THEN filename END AS file,
  CASE WHEN malformed THEN ${months} END AS file_month${o.reason ? `, CASE WHEN malformed THEN ${REASON} END AS reason` : ""}
FROM (SELECT *, NOT coalesce(${VALID}, false) AS malformed
  FROM (SELECT ${number("v")}, id, ts, lob, kind, endpoint, ${number("input_tokens")}, ${number("output_tokens")},
      ${others.map((f) => `${f}, `).join("")}filename
    FROM read_json(${list}, format = 'newline_delimited', ignore_errors = true, filename = true, hive_partitioning = false,
      columns = {v: 'JSON', id: 'VARCHAR', ts: 'TIMESTAMPTZ', lob: 'VARCHAR', kind: 'VARCHAR', endpoint: 'VARCHAR',
                 input_tokens: 'JSON', output_tokens: 'JSON'${otherColumns}})) r) c`;
}

/**
 * The DuckDB relation of compacted ledger events (Parquet written by `compactLedger`): every row a checked event
 * with its number of identical copies (`copies`), never malformed (malformed lines are in the quarantine files).
 */
export function compactedEventsSql(files: readonly string[]): string {
  return `SELECT id, ts, lob, kind, endpoint, input_tokens, output_tokens, copies, false AS malformed,
  CAST(NULL AS VARCHAR) AS file, CAST(NULL AS VARCHAR) AS file_month
FROM read_parquet(${sqlList(files)}, hive_partitioning = false)`;
}

/**
 * The DuckDB relation of compacted ledger events that carry the month-wide guarantee ({@link MONTH_UNIQUE_KEY}):
 * those of {@link compactedEventsSql} and `counted`.
 */
export function countedEventsSql(files: readonly string[]): string {
  return `SELECT id, ts, lob, kind, endpoint, input_tokens, output_tokens, copies, counted, false AS malformed,
  CAST(NULL AS VARCHAR) AS file, CAST(NULL AS VARCHAR) AS file_month
FROM read_parquet(${sqlList(files)}, hive_partitioning = false)`;
}

/**
 * The gateway's price estimates per LOB of the month (`gatewayEstimateSql`) over the raw and compacted files.
 * A compacted file written before events had `price_estimate` has no such column: its rows count as unpriced.
 */
async function readGatewayEstimates(
  c: DuckDBConnection,
  raw: readonly string[],
  compacted: readonly string[],
  window: MonthWindow,
): Promise<GatewayEstimateInput[]> {
  const parts = raw.length > 0 ? [ledgerEventsSql(raw, { fields: ["price_estimate"] })] : [];
  if (compacted.length > 0) {
    const from = `read_parquet(${sqlList(compacted)}, hive_partitioning = false, union_by_name = true)`;
    const columns = await queryRows(c, `DESCRIBE SELECT * FROM ${from}`);
    const price = columns.some((r) => r.column_name === "price_estimate")
      ? "CAST(price_estimate AS VARCHAR)"
      : "CAST(NULL AS VARCHAR)";
    parts.push(`SELECT id, ts, lob, false AS malformed, ${price} AS price_estimate FROM ${from}`);
  }
  const events = parts
    .map((p) => `SELECT id, ts, lob, malformed, price_estimate FROM (${p}) x`)
    .join(" UNION ALL ");
  return gatewayEstimatesFromRows(await queryRows(c, gatewayEstimateSql(events, window)));
}

/** The month (`YYYY-MM`) of each raw file whose folder names a day. */
export function fileMonthsOf(files: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of files) {
    const day = ledgerFileDay(f);
    if (day) out.set(f, day.slice(0, 7));
  }
  return out;
}

/** Whether a malformed line belongs to the month: by its `ts` when that parses, else by its file's day folder. */
function malformedInMonthSql(window: MonthWindow): string {
  return `CASE WHEN ts IS NOT NULL THEN strftime(ts, '%Y-%m') = ${sqlString(window.month)}
    ELSE file_month IS NULL OR file_month = ${sqlString(window.month)} END`;
}

/** The text of each line of a (possibly gzip) file, in order, with its number (1-based). */
async function* fileLines(file: string): AsyncGenerator<[number, string]> {
  const input = createReadStream(file);
  const stream = file.endsWith(".gz") ? input.pipe(createGunzip()) : input;
  let n = 0;
  for await (const line of createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })) {
    n++;
    yield [n, line];
  }
}

/** A malformed line with the month it counts in (`undefined` when neither its `ts` nor its file's folder tells). */
export interface LocatedLine extends MalformedLine {
  readonly month: string | undefined;
}

/**
 * The malformed lines of one raw file, in full, in file order (those of `window` only, and at most `limit`, when
 * given): DuckDB numbers the file's non-blank lines (one thread, so in file order), and the file is read again to
 * turn those numbers into line numbers and text. `file` is given relative to `root`.
 */
export async function locateMalformed(
  c: DuckDBConnection,
  root: string,
  file: string,
  window?: MonthWindow,
  limit?: number,
): Promise<LocatedLine[]> {
  await c.run("SET threads = 1");
  const rows = await queryRows(
    c,
    `SELECT n, reason, coalesce(strftime(ts, '%Y-%m'), file_month) AS month FROM (
       SELECT row_number() OVER () AS n, *
       FROM (${ledgerEventsSql([file], { fileMonths: fileMonthsOf([file]), reason: true })}) e) x
     WHERE malformed${window ? ` AND ${malformedInMonthSql(window)}` : ""} ORDER BY n
     ${limit === undefined ? "" : `LIMIT ${limit}`}`,
  );
  await c.run("RESET threads");
  const wanted = new Map(rows.map((r) => [Number(r.n), r]));
  const out: LocatedLine[] = [];
  let nonBlank = 0;
  const relative = path.relative(root, file);
  for await (const [line, text] of fileLines(file)) {
    if (out.length === wanted.size) break;
    if (text.trim() === "") continue;
    nonBlank++;
    const r = wanted.get(nonBlank);
    if (r !== undefined)
      out.push({
        file: relative,
        line,
        reason: String(r.reason),
        text,
        month: r.month === null ? undefined : String(r.month),
      });
  }
  return out;
}

/**
 * Reads a month of shared-endpoint usage from the file ledger: the raw files and the compacted days in one query
 * (`usageFastAggregationSql`, and again with the exact `usageAggregationSql` only when some id has
 * copies that differ; same result either way). A raw file that a compacted file names as its source (a compaction
 * stopped before it could delete it) is left out. Duplicates by `id` are counted once across raw and compacted
 * files. Malformed lines count in the month of their `ts` when it parses, else in the month of their file's
 * `YYYY/MM/DD/` folder (in every month when the path names no day); the first `MALFORMED_SAMPLES` are
 * returned in full with file and line number. The usage of `hourlyEndpoints` is returned per UTC hour; with
 * `gatewayEstimates`, the gateway's price estimates per LOB too (a second pass over the files).
 *
 * @example
 * ```ts
 * const { usage, malformed, duplicates } = await readFileLedger({ path: "/data/usage", window: monthWindow("2026-10") });
 * ```
 * @throws {@link core!DataSourceError | DataSourceError} when the folder is missing or holds no ledger file, or a file cannot be read
 */
export async function readFileLedger(o: FileLedgerOptions): Promise<UsageSourceResult> {
  if (!existsSync(o.path) || !statSync(o.path).isDirectory())
    throw new DataSourceError(`Usage ledger folder ${o.path} does not exist.`, {
      hint: "Set usage.path in the config to the folder the FileUsageRecorder writes to.",
    });
  const files = await listLedgerFiles(o.path);
  const warnings = files.dangling.map(
    (f) => `usage ledger: ${path.relative(o.path, f)} is a link to nothing; skipped`,
  );
  if (files.raw.length + files.compacted.length === 0)
    throw new DataSourceError(
      `Usage ledger folder ${o.path} holds no *.jsonl, *.jsonl.gz or compacted *.parquet files${
        files.dangling.length > 0 ? ` (${files.dangling.length} links to nothing)` : ""
      }.`,
      {
        hint: "Point usage.path at the folder the FileUsageRecorder writes to (it holds YYYY/MM/DD/<writer>.jsonl).",
      },
    );
  return withDuckDb(
    `Reading usage ledger ${o.path}`,
    async (c) => {
      const compacted = await readCompactedIndex(c, files.compacted, files.quarantine);
      const raw = files.raw.filter((f) => {
        const st = statSync(f);
        return compacted.sources.get(f) !== fileIdentity(st.size, st.mtimeMs);
      });
      const bytes = [...raw, ...files.compacted].reduce((t, f) => t + statSync(f).size, 0);
      o.onProgress?.(
        `reading usage ledger ${o.path}: ${raw.length} raw and ${files.compacted.length} compacted files, ${(bytes / 1e6).toFixed(1)} MB …`,
      );
      const started = Date.now();
      const parts = [
        ...(raw.length > 0 ? [ledgerEventsSql(raw, { fileMonths: fileMonthsOf(raw) })] : []),
        ...(files.compacted.length > 0 ? [compactedEventsSql(files.compacted)] : []),
      ];
      const events = parts.length === 1 ? (parts[0] as string) : parts.join("\nUNION ALL BY NAME\n");
      // all compacted: the hashed form (cheap re-reads of Parquet); else one scan of the JSON (the fast form)
      let rows: Record<string, unknown>[] = [];
      let result: UsageSourceResult | undefined;
      if (raw.length === 0 && compacted.monthUnique) {
        // every compacted file carries the month-wide guarantee: the sum of the files' totals where they all have
        // them and no endpoint is read per hour, else a pure aggregation of the counted rows
        rows = await duckDbEngine(c).query(
          compacted.totals && (o.hourlyEndpoints ?? []).length === 0
            ? compactedTotalsSql(files.compacted, o.window)
            : usageCountedAggregationSql(countedEventsSql(files.compacted), o.window, o.hourlyEndpoints),
        );
        result = { ...usageFromRows(rows), duplicates: Number(rows[0]?.all_duplicates ?? 0) };
      } else if (raw.length === 0) {
        rows = await queryRows(
          c,
          usageHashedAggregationSql(events, o.window, malformedInMonthSql(o.window), o.hourlyEndpoints),
        );
        result = usageFromRows(rows);
      } else {
        rows = await queryRows(
          c,
          usageFastAggregationSql(events, o.window, malformedInMonthSql(o.window), o.hourlyEndpoints),
        );
        result = usageFromFastRows(rows);
      }
      if (!result) {
        o.onProgress?.("some ids have copies that differ: reading again to pick the copy that counts …");
        rows = await queryRows(
          c,
          usageAggregationSql(events, o.window, malformedInMonthSql(o.window), o.hourlyEndpoints),
        );
        result = usageFromRows(rows);
      }
      // malformed lines: counted per raw file by the query, per quarantine file from the compacted index
      const perFile = rows
        .filter((r) => (r.malformed === true || r.malformed === "true") && r.by_id !== true)
        .map((r) => ({ file: String(r.file), lines: Number(r.events) }))
        .sort((a, b) => (a.file < b.file ? -1 : 1));
      const quarantined = await compacted.malformedOf(o.window);
      const samples: MalformedLine[] = [];
      for (const f of perFile) {
        if (samples.length >= MALFORMED_SAMPLES) break;
        const found = await locateMalformed(c, o.path, f.file, o.window, MALFORMED_SAMPLES - samples.length);
        samples.push(...found.map(({ month: _, ...line }) => line));
      }
      // the first ones by file and line, whether still raw or quarantined by a compaction
      samples.push(...quarantined.samples);
      samples.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
      samples.splice(MALFORMED_SAMPLES);
      const gatewayEstimates = o.gatewayEstimates
        ? await readGatewayEstimates(c, raw, files.compacted, o.window)
        : [];
      const malformed = result.malformed + quarantined.count;
      const counted = result.usage.reduce((t, u) => t + u.invocations, 0);
      o.onProgress?.(
        `read ${counted} events of ${o.window.month} in ${((Date.now() - started) / 1000).toFixed(1)} s` +
          ` (${result.duplicates} duplicates counted once, ${malformed} malformed lines)`,
      );
      return {
        ...result,
        malformed,
        ...(samples.length > 0 ? { malformedLines: samples } : {}),
        ...(warnings.length > 0 ? { warnings } : {}),
        ...(gatewayEstimates.length > 0 ? { gatewayEstimates } : {}),
      };
    },
    o.duckdb,
  );
}

/** What the compacted files say: the raw files they replace, and their quarantined lines per month. */
interface CompactedIndex {
  /** The raw files a compacted file replaces: path → `size:mtimeMs` as they were compacted. */
  readonly sources: ReadonlyMap<string, string>;
  /** Whether there are compacted files and every one carries the month-wide guarantee ({@link MONTH_UNIQUE_KEY}). */
  readonly monthUnique: boolean;
  /** Whether {@link monthUnique} holds and every compacted file also carries its totals ({@link TOTALS_KEY}). */
  readonly totals: boolean;
  malformedOf(window: MonthWindow): Promise<{ count: number; samples: MalformedLine[] }>;
}

/**
 * The key of a compacted file's Parquet metadata that lists its source files: JSON `[{ file, size, mtimeMs }]`,
 * `file` relative to the compacted file's folder.
 */
export const SOURCES_KEY = "smcb_sources";

/**
 * The key of a compacted file's Parquet metadata that carries the month-wide guarantee (`true` or `false`): with
 * `true`, its rows' column `counted` marks the one copy of each SageMaker event that counts in the month of its `ts`,
 * and no other compacted file with this guarantee counts the same id in the same month; so a month read only from
 * such files needs no de-duplication by id. Written by `compactLedger`; a file without it (an older compaction) or
 * with `false` (an earlier file counts a copy that is not the least) makes the reader de-duplicate as before.
 */
export const MONTH_UNIQUE_KEY = "smcb_month_unique";

/**
 * The key of a compacted file's Parquet metadata that carries the file's totals, for a month read only from compacted
 * files with the month-wide guarantee: JSON `{m, e, l, n, i, o, c}`, lists of equal length, one entry per month of
 * `ts` (`YYYY-MM`, UTC), endpoint and LOB of the file's SageMaker events: `n` the rows marked `counted`, `i` and `o`
 * their input and output tokens, `c` the copies of all its rows. Summed over the files, they give what the aggregation
 * of the counted rows gives ({@link compactedTotalsSql}), without reading an event. Written by `compactLedger`; a file
 * without it (an older compaction) makes the reader aggregate the events as before.
 */
export const TOTALS_KEY = "smcb_totals";

/**
 * The month's usage (the columns of `usageCountedAggregationSql`, no `hour`) as the sum of the compacted files'
 * totals ({@link TOTALS_KEY}). Only for files that all carry the month-wide guarantee. DuckDB.
 */
export function compactedTotalsSql(files: readonly string[], window: MonthWindow): string {
  const lists = `'{"m": ["VARCHAR"], "e": ["VARCHAR"], "l": ["VARCHAR"], "n": ["BIGINT"], "i": ["BIGINT"], "o": ["BIGINT"], "c": ["BIGINT"]}'`;
  return `WITH t AS (
  SELECT from_json(decode(value), ${lists}) AS t FROM parquet_kv_metadata(${sqlList(files)})
  WHERE decode(key) = '${TOTALS_KEY}'
), e AS (
  SELECT unnest(t.m) AS month, unnest(t.e) AS endpoint, unnest(t.l) AS lob, unnest(t.n) AS n, unnest(t.i) AS i,
    unnest(t.o) AS o, unnest(t.c) AS c FROM t
), g AS (
  SELECT endpoint, lob, sum(n) AS n, sum(i) AS input_tokens, sum(o) AS output_tokens, sum(c) - sum(n) AS d
  FROM e WHERE month = ${sqlString(window.month)} GROUP BY endpoint, lob
)
${countedGroupsSql()}`;
}

/**
 * The SQL of a compacted file's totals ({@link TOTALS_KEY}) over a relation of its rows (with `counted`), as one JSON
 * text. DuckDB.
 */
export function compactedTotalsJsonSql(rows: string): string {
  return `SELECT CAST(to_json({m: coalesce(list(month), []), e: coalesce(list(endpoint), []), l: coalesce(list(lob), []),
    n: coalesce(list(n), []), i: coalesce(list(i), []), o: coalesce(list(o), []), c: coalesce(list(c), [])}) AS VARCHAR) AS totals
FROM (
  SELECT strftime(ts, '%Y-%m') AS month, endpoint, lob, count(*) FILTER (WHERE counted) AS n,
    coalesce(sum(input_tokens) FILTER (WHERE counted), 0) AS i, coalesce(sum(output_tokens) FILTER (WHERE counted), 0) AS o,
    sum(copies) AS c
  FROM (${rows}) WHERE kind = 'sagemaker' AND endpoint IS NOT NULL
  GROUP BY ALL ORDER BY ALL
)`;
}

/** One source file of a compacted file, as {@link SOURCES_KEY} lists it. */
export interface CompactedSource {
  readonly file: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** The identity of a raw file: its size and modification time (a file written again after compaction differs). */
export function fileIdentity(size: number, mtimeMs: number): string {
  return `${size}:${mtimeMs}`;
}

/**
 * The quarantine file of a compacted file: `…/compacted/year=…/month=…/day=…/part-<hash>.parquet` →
 * `…/quarantine/year=…/month=…/day=…/part-<hash>.quarantine.jsonl`.
 */
export function quarantineFileOf(compactedFile: string): string {
  const day = path.dirname(compactedFile);
  const root = path.dirname(path.dirname(path.dirname(path.dirname(day))));
  return path.join(
    root,
    QUARANTINE_DIR,
    path.relative(path.dirname(path.dirname(path.dirname(day))), day),
    `${path.basename(compactedFile, ".parquet")}.quarantine.jsonl`,
  );
}

async function readCompactedIndex(
  c: DuckDBConnection,
  compacted: readonly string[],
  quarantine: readonly string[],
): Promise<CompactedIndex> {
  const sources = new Map<string, string>();
  const unique = new Set<string>();
  const totals = new Set<string>();
  if (compacted.length > 0)
    for (const r of await queryRows(
      c,
      `SELECT file_name, decode(key) AS key, CASE WHEN decode(key) <> ${sqlString(TOTALS_KEY)} THEN decode(value) END AS value
       FROM parquet_kv_metadata(${sqlList(compacted)})
       WHERE decode(key) IN (${sqlString(SOURCES_KEY)}, ${sqlString(MONTH_UNIQUE_KEY)}, ${sqlString(TOTALS_KEY)})`,
    )) {
      if (r.key === TOTALS_KEY) {
        totals.add(String(r.file_name));
        continue;
      }
      if (r.key === MONTH_UNIQUE_KEY) {
        if (r.value === "true") unique.add(String(r.file_name));
        continue;
      }
      const dir = path.dirname(String(r.file_name));
      for (const s of JSON.parse(String(r.value)) as CompactedSource[])
        sources.set(path.resolve(dir, s.file), fileIdentity(s.size, s.mtimeMs));
    }
  // a quarantine file counts only with its compacted file (else the compaction stopped before committing it)
  const live = new Set(compacted.map(quarantineFileOf));
  const files = quarantine.filter((q) => live.has(q));
  const monthUnique = compacted.length > 0 && compacted.every((f) => unique.has(f));
  return {
    sources,
    monthUnique,
    totals: monthUnique && compacted.every((f) => totals.has(f)),
    async malformedOf(window) {
      if (files.length === 0) return { count: 0, samples: [] };
      const rows = await queryRows(
        c,
        `SELECT file, line, reason, text, count(*) OVER () AS total
         FROM read_json(${sqlList(files)}, format = 'newline_delimited', hive_partitioning = false,
           columns = {file: 'VARCHAR', line: 'BIGINT', month: 'VARCHAR', reason: 'VARCHAR', text: 'VARCHAR'})
         WHERE month IS NULL OR month = ${sqlString(window.month)}
         ORDER BY file, line LIMIT ${MALFORMED_SAMPLES}`,
      );
      return {
        count: Number(rows[0]?.total ?? 0),
        samples: rows.map((r) => ({
          file: String(r.file),
          line: Number(r.line),
          reason: String(r.reason),
          text: String(r.text),
        })),
      };
    },
  };
}
