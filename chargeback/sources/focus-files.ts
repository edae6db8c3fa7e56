/**
 * The FOCUS 1.2 cost source over local files of an AWS Data Exports "FOCUS 1.2 with AWS columns" export (CSV,
 * gzipped CSV or Parquet), read with DuckDB through the SQL-engine port.
 */
import { DataSourceError } from "../../core/index.js";
import type { MonthWindow } from "../engine/index.js";
import type { CostBasis, CostProvenance, CostSourceResult } from "../model.js";
import { queryRows, sqlString, withDuckDb } from "./duckdb.js";
import {
  assertFocusBasis,
  FOCUS_USAGE_TYPE_COLUMNS,
  focusRequiredColumns,
  readFocusLines,
} from "./focus-sql.js";
import { duckDbEngine } from "./sql-engine.js";

/** Options of {@link readFocusFiles}. */
export interface FocusFilesOptions {
  /** Absolute paths of the export's data files; each may be a glob. CSV files may be gzipped (`.csv.gz`). */
  readonly files: readonly string[];
  readonly format: "csv" | "parquet";
  readonly window: MonthWindow;
  /** `net-amortized` (`EffectiveCost`) or `net-unblended` (`BilledCost`); the others exit 2. */
  readonly basis: CostBasis;
  /** Whether the month has not ended (the result is then flagged estimated). @default false */
  readonly estimated?: boolean;
  /** Progress messages (stderr in the CLI). */
  readonly onProgress?: (message: string) => void;
  /** Where the files came from (an export folder, an S3 export); @default `{ kind: "files", location: <the files> }` */
  readonly provenance?: CostProvenance;
  /** Endpoints whose lines are kept hour by hour (`FocusSqlOptions.hourlyEndpoints`). @default [] */
  readonly hourlyEndpoints?: readonly string[];
}

/** The files each pattern names, in order, each once. */
async function expandFiles(
  query: (sql: string) => Promise<Record<string, unknown>[]>,
  patterns: readonly string[],
): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  const unmatched: string[] = [];
  for (const p of patterns) {
    const rows = await query(`SELECT file FROM glob(${sqlString(p)}) ORDER BY file`);
    if (rows.length === 0) unmatched.push(p);
    for (const r of rows) {
      const f = String(r.file);
      if (!seen.has(f)) out.push(f);
      seen.add(f);
    }
  }
  if (unmatched.length > 0)
    throw new DataSourceError(`No FOCUS file matches ${unmatched.join(", ")}.`, {
      hint: "Give absolute paths (or globs) of the export's data files.",
    });
  return out;
}

/**
 * Reads a month of in-scope lines from FOCUS 1.2 export files (AWS Data Exports "FOCUS 1.2 with AWS columns").
 *
 * Every file is checked on its own for the columns the basis needs (a column present in one file does not hide
 * its absence from another). Tags are JSON text in CSV and a map in Parquet; both come out as written.
 *
 * @example
 * ```ts
 * const costs = await readFocusFiles({
 *   files: ["/data/focus/data/BILLING_PERIOD=2026-10/*.csv.gz"],
 *   format: "csv",
 *   window: monthWindow("2026-10"),
 *   basis: "net-amortized",
 * });
 * ```
 * @throws {@link core!ConfigError | ConfigError} (exit 2) for `amortized` and `unblended` (FOCUS has only net figures)
 * @throws {@link core!DataSourceError | DataSourceError} (exit 3) when no file is given, a pattern matches no file, a file lacks a needed column (each file
 * and its columns named), currencies are mixed or not ISO 4217, or a value cannot be read
 */
export async function readFocusFiles(o: FocusFilesOptions): Promise<CostSourceResult> {
  const basis = assertFocusBasis(o.basis);
  if (o.files.length === 0)
    throw new DataSourceError("No FOCUS file given.", {
      hint: "Give the absolute paths (or globs) of the export's data files.",
    });
  const parquet = o.format === "parquet";
  const reader = (files: readonly string[]) => {
    const list = `[${files.map(sqlString).join(", ")}]`;
    return parquet
      ? `read_parquet(${list}, union_by_name = true)`
      : `read_csv(${list}, all_varchar = true, header = true, union_by_name = true)`;
  };
  const what = `FOCUS files ${o.files.join(", ")}`;
  return withDuckDb(`Reading ${what}`, async (c) => {
    const query = (sql: string) => queryRows(c, sql);
    const started = Date.now();
    const files = await expandFiles(query, o.files);
    o.onProgress?.(`reading ${files.length} FOCUS ${parquet ? "Parquet" : "CSV"} file(s) …`);

    const required = focusRequiredColumns(basis);
    const problems: string[] = [];
    for (const file of files) {
      const described = await query(`DESCRIBE SELECT * FROM ${reader([file])}`);
      const have = new Set(described.map((r) => String(r.column_name).toLowerCase()));
      const missing = required.filter((col) => !have.has(col.toLowerCase()));
      if (!FOCUS_USAGE_TYPE_COLUMNS.some((col) => have.has(col.toLowerCase())))
        missing.push(FOCUS_USAGE_TYPE_COLUMNS.join(" or "));
      if (missing.length > 0) problems.push(`${file}: ${missing.join(", ")}`);
    }
    if (problems.length > 0)
      throw new DataSourceError(
        `FOCUS file(s) lack column(s) that costs.basis "${basis}" needs:\n${problems.map((p) => `  ${p}`).join("\n")}`,
        {
          hint: 'Export the Data Exports table "FOCUS 1.2 with AWS columns" with all its columns (SELECT * FROM FOCUS_1_2_AWS).',
        },
      );

    const from = reader(files);
    const union = await query(`DESCRIBE SELECT * FROM ${from}`);
    const types = new Map(union.map((r) => [String(r.column_name).toLowerCase(), String(r.column_type)]));
    const usageTypes = FOCUS_USAGE_TYPE_COLUMNS.filter((col) => types.has(col.toLowerCase()));
    const usageType =
      usageTypes.length > 1
        ? `COALESCE(${usageTypes.map((col) => `NULLIF(CAST(${col} AS VARCHAR), '')`).join(", ")})`
        : (usageTypes[0] as string);
    const tagsType = types.get("tags") ?? "VARCHAR";
    const result = await readFocusLines(duckDbEngine(c), {
      from,
      window: o.window,
      basis,
      start: "CAST(CAST(ChargePeriodStart AS TIMESTAMPTZ) AS TIMESTAMP)",
      tagsJson: tagsType === "VARCHAR" ? "Tags" : "CAST(to_json(Tags) AS VARCHAR)",
      usageType,
      ...(o.hourlyEndpoints ? { hourlyEndpoints: o.hourlyEndpoints } : {}),
      what,
      provenance: o.provenance ?? { kind: "files", location: o.files.join(", "), files: files.length },
      ...(o.estimated === undefined ? {} : { estimated: o.estimated }),
    });
    o.onProgress?.(
      `read ${result.lines.length} in-scope FOCUS line groups and ${result.excluded.length} excluded service(s) of ${o.window.month} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    return result;
  });
}
