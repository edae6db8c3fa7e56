/**
 * The usage source over the file ledger (DESIGN §3.3): every `*.jsonl` below a folder, read with DuckDB.
 */
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { DataSourceError } from "../../core/errors.js";
import type { MonthWindow } from "../engine/month.js";
import type { UsageSourceResult } from "../model.js";
import { queryRows, sqlString, withDuckDb } from "./duckdb.js";
import { usageAggregationSql, usageFromRows } from "./usage-sql.js";

/** Options of {@link readFileLedger}. */
export interface FileLedgerOptions {
  /** The ledger folder (absolute). */
  readonly path: string;
  readonly window: MonthWindow;
  /** Progress messages (stderr in the CLI). */
  readonly onProgress?: (message: string) => void;
}

/**
 * The DuckDB relation of ledger events: each line read as text, parsed with the JSON functions, checked
 * (valid JSON, `v` = 1, non-empty `id` and `lob`, `kind` sagemaker|bedrock, a readable `ts`, non-negative integer
 * token counts) and flagged `malformed` otherwise. Blank lines are skipped.
 */
export function ledgerEventsSql(glob: string): string {
  return `SELECT
  s[1] AS id, ts, s[3] AS lob, s[4] AS kind, s[5] AS endpoint,
  CAST(n[1] AS BIGINT) AS input_tokens, CAST(n[2] AS BIGINT) AS output_tokens,
  NOT coalesce(
    ok AND n[3] = '1' AND s[1] <> '' AND s[3] <> '' AND s[4] IN ('sagemaker', 'bedrock') AND ts IS NOT NULL
      AND json_type(n[1]) = 'UBIGINT' AND json_type(n[2]) = 'UBIGINT',
    false) AS malformed
FROM (
  SELECT ok, s, n, CAST(TRY_CAST(s[2] AS TIMESTAMPTZ) AS TIMESTAMP) AS ts
  FROM (
    SELECT json_valid(line) AS ok,
      CASE WHEN json_valid(line) THEN json_extract_string(line, ['$.id', '$.ts', '$.lob', '$.kind', '$.endpoint']) END AS s,
      CASE WHEN json_valid(line) THEN json_extract(line, ['$.input_tokens', '$.output_tokens', '$.v']) END AS n
    FROM read_csv(${sqlString(glob)}, columns = {'line': 'VARCHAR'}, header = false, delim = chr(1),
                  quote = '', escape = '', auto_detect = false)
    WHERE line IS NOT NULL AND trim(line) <> ''
  ) p
) q`;
}

/**
 * Reads a month of shared-endpoint usage from the file ledger.
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
    const result = usageFromRows(await queryRows(c, usageAggregationSql(ledgerEventsSql(glob), o.window)));
    const events = result.usage.reduce((t, u) => t + u.invocations, 0);
    o.onProgress?.(
      `read ${events} events of ${o.window.month} in ${((Date.now() - started) / 1000).toFixed(1)} s` +
        ` (${result.duplicates} duplicates counted once, ${result.malformed} malformed lines)`,
    );
    return result;
  });
}
