/**
 * The usage source over the file ledger (DESIGN §3.3): every `*.jsonl` below a folder, read with DuckDB.
 */
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { DataSourceError, duckDbColumns, type UsageEventFieldName } from "../../core/index.js";
import type { MonthWindow } from "../engine/index.js";
import type { UsageSourceResult } from "../model.js";
import { queryRows, sqlString, withDuckDb } from "./duckdb.js";
import {
  usageAggregationSql,
  usageFastAggregationSql,
  usageFromFastRows,
  usageFromRows,
} from "./usage-sql.js";

/** Options of {@link readFileLedger}. */
export interface FileLedgerOptions {
  /** The ledger folder (absolute). */
  readonly path: string;
  readonly window: MonthWindow;
  /** Progress messages (stderr in the CLI). */
  readonly onProgress?: (message: string) => void;
}

/** The event fields the usage aggregation reads (each typed by the event contract in `core`). */
const LEDGER_FIELDS: readonly UsageEventFieldName[] = [
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
 * The DuckDB relation of ledger events. DuckDB's JSON reader parses each line once; `ignore_errors` turns a line
 * that is not a JSON object, or has text where a number belongs, into a row of NULLs, so it is still counted.
 * `ts` is parsed by the reader itself as a `TIMESTAMPTZ` (no text copy of it is kept): any ISO-8601 time, with
 * `Z` as the recorder writes it or another UTC offset (converted to UTC), or without offset (taken as UTC); a
 * time that does not parse becomes NULL. The rest is checked here: `v` = 1, non-empty `id` and `lob`, `kind`
 * sagemaker|bedrock, a `ts`, token counts non-negative integers. Anything else is flagged `malformed`. Blank
 * lines are skipped.
 */
export function ledgerEventsSql(glob: string): string {
  return `SELECT id, ts, lob, kind, endpoint,
  TRY_CAST(input_tokens AS BIGINT) AS input_tokens, TRY_CAST(output_tokens AS BIGINT) AS output_tokens,
  NOT coalesce(v = 1 AND id <> '' AND lob <> '' AND kind IN ('sagemaker', 'bedrock')
    AND ts IS NOT NULL
    AND input_tokens >= 0 AND input_tokens = floor(input_tokens) AND input_tokens < 1e15
    AND output_tokens >= 0 AND output_tokens = floor(output_tokens) AND output_tokens < 1e15, false) AS malformed
FROM read_json(${sqlString(glob)}, format = 'newline_delimited', ignore_errors = true,
  columns = ${duckDbColumns(LEDGER_FIELDS)})`;
}

/**
 * Reads a month of shared-endpoint usage from the file ledger: with {@link usageFastAggregationSql}, and again with
 * the exact {@link usageAggregationSql} only when some id has copies that differ (same result either way).
 *
 * @example
 * ```ts
 * const { usage, malformed, duplicates } = await readFileLedger({ path: "/data/usage", window: monthWindow("2026-10") });
 * ```
 * @throws {@link DataSourceError} when the folder is missing or a file cannot be read
 */
export async function readFileLedger(o: FileLedgerOptions): Promise<UsageSourceResult> {
  if (!existsSync(o.path) || !statSync(o.path).isDirectory())
    throw new DataSourceError(`Usage ledger folder ${o.path} does not exist.`, {
      hint: "Set usage.path in the config to the folder the FileUsageRecorder writes to.",
    });
  const glob = path.join(o.path, "**", "*.jsonl");
  return withDuckDb(`Reading usage ledger ${o.path}`, async (c) => {
    const names = (await queryRows(c, `SELECT file FROM glob(${sqlString(glob)})`)).map((r) =>
      String(r.file),
    );
    const n = names.length;
    const bytes = names.reduce((t, f) => t + statSync(f).size, 0);
    if (n === 0) {
      o.onProgress?.(`usage ledger ${o.path}: no *.jsonl files`);
      return { usage: [], malformed: 0, duplicates: 0 };
    }
    o.onProgress?.(`reading usage ledger ${o.path}: ${n} files, ${(bytes / 1e6).toFixed(1)} MB …`);
    const started = Date.now();
    const events = ledgerEventsSql(glob);
    let result = usageFromFastRows(await queryRows(c, usageFastAggregationSql(events, o.window)));
    if (!result) {
      o.onProgress?.("some ids have copies that differ: reading again to pick the copy that counts …");
      result = usageFromRows(await queryRows(c, usageAggregationSql(events, o.window)));
    }
    const counted = result.usage.reduce((t, u) => t + u.invocations, 0);
    o.onProgress?.(
      `read ${counted} events of ${o.window.month} in ${((Date.now() - started) / 1000).toFixed(1)} s` +
        ` (${result.duplicates} duplicates counted once, ${result.malformed} malformed lines)`,
    );
    return result;
  });
}
