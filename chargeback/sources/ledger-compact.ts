/**
 * Compaction of the file ledger: closed days of JSON Lines become one Parquet file per day and writer set, with the
 * day's malformed lines kept aside in a quarantine file. The chargeback reads compacted days and the raw tail
 * together with the same figures (`readFileLedger`).
 */
import { createHash } from "node:crypto";
import { mkdir, open, rename, rm, rmdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "../../core/index.js";
import { type DuckDbSettings, queryRows, sqlString, withDuckDb } from "./duckdb.js";
import {
  type CompactedSource,
  compactedTotalsJsonSql,
  fileMonthsOf,
  ledgerEventsSql,
  locateMalformed,
  MONTH_UNIQUE_KEY,
  OTHER_EVENT_FIELDS,
  quarantineFileOf,
  READ_FIELDS,
  SOURCES_KEY,
  sqlList,
  TOTALS_KEY,
} from "./file-ledger.js";
import { COMPACTED_DIR, ledgerFileDay, listLedgerFiles } from "./ledger-files.js";

/** A step of the compaction of one day, in order (for progress, and for tests that stop a compaction midway). */
export type CompactionStep =
  | "written" // the Parquet file is written and synced under its temporary name
  | "renamed" // … and renamed to its final name: the day is compacted (the commit point)
  | "deleted"; // the raw files it replaces are deleted

/** Options of {@link compactLedger}. */
export interface CompactLedgerOptions {
  /** The ledger folder (absolute). */
  readonly path: string;
  /** Compact the days before this one (`YYYY-MM-DD`, UTC). @default today (UTC): every closed day */
  readonly before?: string;
  /** DuckDB memory limit and spill folder. */
  readonly duckdb?: DuckDbSettings;
  /** The current time (for the default of `before`). @default new Date() */
  readonly now?: Date;
  readonly onProgress?: (message: string) => void;
  /** Called after each step of each day; the compaction waits for it. */
  readonly onStep?: (step: CompactionStep, file: string) => void | Promise<void>;
}

/** What {@link compactLedger} did to one day. */
export interface CompactedDay {
  /** `YYYY-MM-DD`. */
  readonly day: string;
  /** The Parquet file, relative to the ledger folder. */
  readonly file: string;
  /** Raw files it replaces. */
  readonly sources: number;
  /** Lines read (blank lines aside), malformed ones included. */
  readonly lines: number;
  /** Rows written (identical lines are one row, with their count in `copies`). */
  readonly rows: number;
  /** Malformed lines, kept in the quarantine file. */
  readonly malformed: number;
  /** `false` when an earlier run had already written the file (and stopped before deleting its sources). */
  readonly written: boolean;
}

/** The result of {@link compactLedger}. */
export interface CompactionResult {
  readonly before: string;
  readonly days: readonly CompactedDay[];
  /** Raw files left as they are: of open days, or in a folder that names no day. */
  readonly leftRaw: number;
}

/** Flushes a file (or folder) to disk. */
async function fsync(file: string): Promise<void> {
  const h = await open(file, "r");
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/** Writes a file under a temporary name, syncs it, renames it and syncs its folder. */
async function writeDurably(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
  await writeFile(tmp, content);
  await fsync(tmp);
  await rename(tmp, file);
  await fsync(path.dirname(file));
}

/** The Hive-style folder of a day's compacted files. */
function dayFolder(root: string, day: string): string {
  const [y, m, d] = day.split("-");
  return path.join(root, COMPACTED_DIR, `year=${y}`, `month=${m}`, `day=${d}`);
}

/**
 * Compacts the closed days of a file ledger. For each day before `before` that has raw files
 * (`YYYY/MM/DD/*.jsonl[.gz]`), in one DuckDB query per day: every line is checked as the chargeback checks it; the
 * valid events (every field of docs/contracts.md#usage-ledger-event, any month and kind) go to
 * `compacted/year=YYYY/month=MM/day=DD/part-<hash>.parquet` (zstd), identical lines merged into one row with their
 * number in `copies`, so duplicate counts stay what they were; the malformed lines go, with file, line number,
 * reason, text and the month they count in, to `quarantine/year=YYYY/month=MM/day=DD/part-<hash>.quarantine.jsonl`. `<hash>` names the day's
 * writer set (the raw files' names, sizes and modification times), which the Parquet file's metadata lists.
 *
 * Crash-safe and idempotent: the quarantine file and then the Parquet file are written under a temporary name
 * (`.…tmp`, which readers ignore), synced, and renamed; the rename of the Parquet file commits the day, and only
 * then are the raw files deleted. A compaction stopped at any point leaves the raw files or the committed Parquet
 * file (readers skip raw files a Parquet file lists), and running it again finishes the job.
 *
 * @example
 * ```ts
 * const r = await compactLedger({ path: "/data/usage", before: "2026-11-01" });
 * ```
 * @throws {@link core!UsageError | UsageError} for a `before` that is not a date; {@link core!DataSourceError | DataSourceError} when a file cannot be read
 */
export async function compactLedger(o: CompactLedgerOptions): Promise<CompactionResult> {
  const today = (o.now ?? new Date()).toISOString().slice(0, 10);
  const before = o.before ?? today;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(before) || ledgerFileDay(path.join(...before.split("-"), "x")) !== before)
    throw new UsageError(`--before "${before}" is not a date (YYYY-MM-DD).`);
  if (before > today)
    throw new UsageError(
      `--before ${before} is after today (${today}): a day is closed only once it has passed.`,
    );
  const files = await listLedgerFiles(o.path);
  const byDay = new Map<string, string[]>();
  let leftRaw = 0;
  for (const f of files.raw) {
    const day = ledgerFileDay(f);
    if (
      day === undefined ||
      day >= before ||
      path.relative(o.path, f).startsWith(`${COMPACTED_DIR}${path.sep}`)
    ) {
      leftRaw++;
      continue;
    }
    byDay.set(day, [...(byDay.get(day) ?? []), f]);
  }
  const days: CompactedDay[] = [];
  await withDuckDb(
    `Compacting usage ledger ${o.path}`,
    async (c) => {
      for (const [day, sources] of [...byDay].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const folder = dayFolder(o.path, day);
        const listed: CompactedSource[] = [];
        for (const f of sources) {
          const st = await stat(f);
          listed.push({ file: path.relative(folder, f), size: st.size, mtimeMs: st.mtimeMs });
        }
        const hash = createHash("sha256").update(JSON.stringify(listed)).digest("hex").slice(0, 16);
        const target = path.join(folder, `part-${hash}.parquet`);
        const existing = await stat(target).catch(() => undefined);
        let summary = { lines: 0, rows: 0, malformed: 0 };
        if (existing === undefined) {
          await mkdir(folder, { recursive: true });
          const earlier = (await listLedgerFiles(o.path)).compacted;
          summary = await compactDay(c, o.path, sources, target, listed, earlier);
          await o.onStep?.("written", target);
          await rename(path.join(folder, `.${path.basename(target)}.tmp`), target);
          await fsync(folder);
        }
        await o.onStep?.("renamed", target);
        for (const f of sources) await rm(f, { force: true });
        for (const dir of new Set(sources.map((f) => path.dirname(f)))) {
          await fsync(dir);
          await rmdir(dir).catch(() => undefined); // the day's folder, once empty
        }
        await o.onStep?.("deleted", target);
        const done: CompactedDay = {
          day,
          file: path.relative(o.path, target),
          sources: sources.length,
          ...summary,
          written: existing === undefined,
        };
        days.push(done);
        o.onProgress?.(
          existing === undefined
            ? `${day}: ${sources.length} files, ${done.lines} lines → ${done.file} (${done.rows} rows, ${done.malformed} malformed lines quarantined)`
            : `${day}: already compacted into ${done.file}; deleted its ${sources.length} raw files`,
        );
      }
    },
    o.duckdb,
  );
  return { before, days, leftRaw };
}

/**
 * The order of an event's copies, least first (the copy that counts, as the usage query picks it), as SQL over the
 * columns of the row named `alias` (none by default).
 */
function copyOrder(alias?: string): string {
  const a = alias === undefined ? "" : `${alias}.`;
  return `CAST(${a}ts AS VARCHAR), ${a}endpoint, ${a}lob, ${a}input_tokens, ${a}output_tokens`;
}

/**
 * The month-wide guarantee of a new compacted file, over the temp table `grouped` (a day's rows, with `counted`
 * true on the least copy of each SageMaker event per id and month of `ts` among the day's rows): makes the temp
 * table `clash`, the day's counted ids (and months) that an earlier compacted file with {@link MONTH_UNIQUE_KEY}
 * already counts, with `kept` true when that earlier copy is not greater than this day's (the event stays counted
 * once, there, and this day's copy is not counted). Returns whether the guarantee holds: false when an earlier
 * counted copy is greater than this day's (that file would have to be rewritten), so readers then de-duplicate the
 * whole month as before.
 */
async function clashes(
  c: Parameters<typeof locateMalformed>[0],
  earlier: readonly string[],
): Promise<boolean> {
  const guaranteed =
    earlier.length === 0
      ? []
      : (
          await queryRows(
            c,
            `SELECT file_name FROM parquet_kv_metadata(${sqlList(earlier)})
             WHERE decode(key) = '${MONTH_UNIQUE_KEY}' AND decode(value) = 'true'`,
          )
        ).map((r) => String(r.file_name));
  const from =
    guaranteed.length === 0
      ? "(SELECT NULL::VARCHAR AS id, NULL::TIMESTAMPTZ AS ts, NULL::VARCHAR AS endpoint, NULL::VARCHAR AS lob, NULL::BIGINT AS input_tokens, NULL::BIGINT AS output_tokens, false AS counted WHERE false)"
      : `read_parquet(${sqlList(guaranteed)}, hive_partitioning = false)`;
  // the earlier counted copies of the day's counted ids (the months of the day's events prune other row groups)
  await c.run(
    `CREATE OR REPLACE TEMP TABLE clash AS
     SELECT g.id, strftime(g.ts, '%Y-%m') AS month, bool_and(ROW(${copyOrder("e")}) <= ROW(${copyOrder("g")})) AS kept
     FROM grouped g JOIN (
       SELECT id, ts, endpoint, lob, input_tokens, output_tokens FROM ${from}
       WHERE counted AND ts >= (SELECT date_trunc('month', min(ts)) FROM grouped)
         AND ts < (SELECT date_trunc('month', max(ts)) + INTERVAL 1 MONTH FROM grouped)
     ) e ON e.id = g.id AND strftime(e.ts, '%Y-%m') = strftime(g.ts, '%Y-%m')
     WHERE g.counted
     GROUP BY ALL`,
  );
  const [r] = await queryRows(c, "SELECT count(*) FILTER (WHERE NOT kept) AS lost FROM clash");
  return Number(r?.lost ?? 0) === 0;
}

/**
 * Writes one day: the quarantine file (durably, final name) and the Parquet file (synced, under its temporary
 * name; the caller renames it). Returns the day's counts.
 */
async function compactDay(
  c: Parameters<typeof locateMalformed>[0],
  root: string,
  sources: readonly string[],
  target: string,
  listed: readonly CompactedSource[],
  earlier: readonly string[],
): Promise<{ lines: number; rows: number; malformed: number }> {
  await c.run(
    `CREATE OR REPLACE TEMP TABLE day AS ${ledgerEventsSql(sources, { fileMonths: fileMonthsOf(sources), allFields: true })}`,
  );
  const [counts] = await queryRows(
    c,
    "SELECT count(*) AS lines, count(*) FILTER (WHERE malformed) AS malformed FROM day",
  );
  const malformedFiles = await queryRows(c, "SELECT DISTINCT file FROM day WHERE malformed ORDER BY file");
  const quarantined: string[] = [];
  for (const r of malformedFiles)
    for (const l of await locateMalformed(c, root, String(r.file)))
      quarantined.push(
        JSON.stringify({
          file: l.file,
          line: l.line,
          month: l.month ?? null,
          reason: l.reason,
          text: l.text,
        }),
      );
  // the quarantine file first: a committed Parquet file has its quarantine (when it has malformed lines)
  if (quarantined.length > 0) await writeDurably(quarantineFileOf(target), `${quarantined.join("\n")}\n`);
  // Every field but `v` (a compacted file is version 1 by construction), the chargeback's first.
  const fields = [...READ_FIELDS.filter((f) => f !== "v"), ...Object.keys(OTHER_EVENT_FIELDS)];
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.tmp`);
  const eligible = "kind = 'sagemaker' AND endpoint IS NOT NULL";
  await c.run(
    `CREATE OR REPLACE TEMP TABLE grouped AS
     SELECT *, coalesce(${eligible} AND row_number() OVER (
         PARTITION BY id, strftime(ts, '%Y-%m'), ${eligible} ORDER BY ${copyOrder()}) = 1, false) AS counted
     FROM (SELECT CAST(1 AS INTEGER) AS v, ${fields.join(", ")}, sum(copies) AS copies
           FROM day WHERE NOT malformed GROUP BY ALL) g`,
  );
  const unique = await clashes(c, earlier);
  await c.run(
    `CREATE OR REPLACE TEMP TABLE final AS
     SELECT g.* EXCLUDE (counted), g.counted AND NOT coalesce(k.kept, false) AS counted
     FROM grouped g LEFT JOIN clash k ON g.counted AND k.id = g.id AND k.month = strftime(g.ts, '%Y-%m')`,
  );
  const [totals] = await queryRows(c, compactedTotalsJsonSql("SELECT * FROM final"));
  await c.run(
    `COPY final TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd,
       KV_METADATA {${SOURCES_KEY}: ${sqlString(JSON.stringify(listed))}, ${MONTH_UNIQUE_KEY}: '${unique}',
                    ${TOTALS_KEY}: ${sqlString(String(totals?.totals ?? ""))}})`,
  );
  await c.run("DROP TABLE final");
  await c.run("DROP TABLE clash");
  await c.run("DROP TABLE grouped");
  await fsync(tmp);
  const [written] = await queryRows(c, `SELECT count(*) AS rows FROM read_parquet(${sqlList([tmp])})`);
  await c.run("DROP TABLE day");
  return {
    lines: Number(counts?.lines ?? 0),
    rows: Number(written?.rows ?? 0),
    malformed: Number(counts?.malformed ?? 0),
  };
}
