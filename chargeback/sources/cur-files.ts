/**
 * The CUR 2.0 cost source over local export files (CSV, gzipped CSV or Parquet), read with DuckDB.
 */
import { DataSourceError } from "../../core/errors.js";
import type { MonthWindow } from "../engine/month.js";
import type { CostSourceResult } from "../model.js";
import { CUR_REQUIRED_COLUMNS, costLinesFromRows, curLinesSql } from "./cur-sql.js";
import { queryRows, sqlString, withDuckDb } from "./duckdb.js";

/** Options of {@link readCurFiles}. */
export interface CurFilesOptions {
  /** An absolute glob of CUR files, e.g. `/data/cur/**\/*.parquet`; Parquet when it ends in `.parquet`. */
  readonly path: string;
  readonly window: MonthWindow;
  /** Whether the month has not ended (the result is then flagged estimated). @default false */
  readonly estimated?: boolean;
  /** Progress messages (stderr in the CLI). */
  readonly onProgress?: (message: string) => void;
}

/**
 * Reads a month of in-scope lines from CUR 2.0 export files.
 *
 * @example
 * ```ts
 * const costs = await readCurFiles({ path: "/data/cur/*.csv", window: monthWindow("2026-10") });
 * ```
 * @throws {@link DataSourceError} when no file matches, a required column is missing (all are named), or a
 * value cannot be read
 */
export async function readCurFiles(o: CurFilesOptions): Promise<CostSourceResult> {
  const parquet = /\.parquet$/i.test(o.path);
  const from = parquet
    ? `read_parquet(${sqlString(o.path)}, union_by_name = true)`
    : `read_csv(${sqlString(o.path)}, all_varchar = true, header = true, union_by_name = true)`;
  return withDuckDb(`Reading CUR files ${o.path}`, async (c) => {
    o.onProgress?.(`reading CUR ${parquet ? "Parquet" : "CSV"} files ${o.path} …`);
    const started = Date.now();
    const described = await queryRows(c, `DESCRIBE SELECT * FROM ${from}`);
    const types = new Map(described.map((r) => [String(r.column_name).toLowerCase(), String(r.column_type)]));
    const missing = CUR_REQUIRED_COLUMNS.filter((col) => !types.has(col));
    if (missing.length > 0)
      throw new DataSourceError(`CUR files ${o.path} lack required column(s): ${missing.join(", ")}.`, {
        hint: "Export CUR 2.0 (Data Exports) with the resource_tags column and split line items; see the README.",
      });
    const tagsType = types.get("resource_tags") ?? "VARCHAR";
    const sql = curLinesSql({
      from,
      window: o.window,
      dialect: "duckdb",
      start: "CAST(CAST(line_item_usage_start_date AS TIMESTAMPTZ) AS TIMESTAMP)",
      tagsJson: tagsType === "VARCHAR" ? "resource_tags" : "CAST(to_json(resource_tags) AS VARCHAR)",
      hasUnit: types.has("pricing_unit"),
      hasCurrency: types.has("line_item_currency_code"),
    });
    const rows = await queryRows(c, sql);
    const { lines, currencies } = costLinesFromRows(rows);
    if (currencies.length > 1)
      throw new DataSourceError(`CUR files ${o.path} mix currencies (${currencies.join(", ")}).`);
    const count = rows.reduce((n, r) => n + Number(r.line_count), 0);
    o.onProgress?.(`read ${count} in-scope CUR lines in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return {
      lines,
      currency: currencies[0] ?? "USD",
      estimated: o.estimated ?? false,
      basis: "unblended",
      excluded: [],
    };
  });
}
