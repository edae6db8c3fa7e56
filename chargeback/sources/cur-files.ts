/**
 * The CUR 2.0 cost source over local export files (CSV, gzip CSV or Parquet), read with DuckDB through the
 * {@link SqlEngine} port: the same reader ({@link readCurLines}) as the Athena CUR source.
 */
import { open } from "node:fs/promises";
import { constants, gunzipSync } from "node:zlib";
import type { DuckDBConnection } from "@duckdb/node-api";
import { DataSourceError } from "../../core/index.js";
import type { MonthWindow } from "../engine/index.js";
import type { CostBasis, CostSourceResult } from "../model.js";
import { type CurRelation, readCurLines } from "./cur-sql.js";
import { queryRows, sqlString, withDuckDb } from "./duckdb.js";
import { duckDbEngine } from "./sql-engine.js";

/** Options of {@link readCurFiles}. */
export interface CurFilesOptions {
  /**
   * Absolute paths of CUR files; each may be a glob (`/data/cur/*.csv.gz`). CSV may be gzip (`.csv.gz`, detected
   * by DuckDB). Folders and manifests are resolved before (see `resolveDelivery`).
   */
  readonly files: readonly string[];
  /** `csv` (also gzip CSV) or `parquet`. */
  readonly format: "csv" | "parquet";
  readonly window: MonthWindow;
  /** The cost basis (docs/contracts.md#cost-input-the-real-bill). @default "net-amortized" */
  readonly basis?: CostBasis;
  /** Whether the month has not ended (the result is then flagged estimated). @default false */
  readonly estimated?: boolean;
  /** Progress messages (stderr in the CLI). */
  readonly onProgress?: (message: string) => void;
  /** Endpoints whose lines are kept hour by hour (shared endpoints charged by measured utilization). @default [] */
  readonly hourlyEndpoints?: readonly string[];
}

/** `parquet` for `.parquet` names, else `csv`. */
export function curFormatOf(file: string): "csv" | "parquet" {
  return /\.parquet$/i.test(file) ? "parquet" : "csv";
}

/** A CUR file's DuckDB table expression and its columns (lower-case name → type, and the name as spelled). */
type DescribedFile = Omit<CurRelation, "name">;

/** What `sniff_csv` answers about a file (DuckDB writes an absent quote, escape or comment as `(empty)`). */
export interface SniffedCsv {
  readonly Delimiter: string;
  readonly Quote: string;
  readonly Escape: string;
  readonly NewLineDelimiter: string;
  readonly Comment: string;
  readonly SkipRows: number | string;
  readonly Columns: readonly { readonly name: string; readonly type: string }[];
}

/** A header of plain column names (CUR 2.0's `line_item_usage_start_date`, the legacy `lineItem/UsageStartDate`). */
const PLAIN_HEADER = /^[A-Za-z0-9_/:.-]+(?:,[A-Za-z0-9_/:.-]+)+$/;

/**
 * The dialect of a CSV file whose first line is a plain header (names without quotes, separated by commas), read from
 * that line alone, gzip or not: comma, double quotes, quotes doubled inside a field (RFC 4180, the dialect DuckDB's
 * sniffer settles on for such a file). AWS documents the export's format (`TEXT_OR_CSV`, compression `GZIP`: Data
 * Exports API, `S3OutputConfigurations`) but shows no CSV sample (../shared/research/aws-billing-facts.md), so the
 * quoting is that standard's, not a documented AWS fact. `undefined` for any other first line (a quoted name,
 * another separator, a byte-order mark): DuckDB's sniffer then reads the file's dialect (about 40 ms a file, as much
 * as reading a month's CUR).
 */
export async function plainDialect(file: string): Promise<[SniffedCsv] | undefined> {
  // the first 64 KiB hold the header line of any CUR export (gzip: what of them inflates, a truncated stream allowed)
  const head = await open(file, "r").catch(() => undefined);
  if (head === undefined) return undefined;
  let text: string;
  try {
    const { buffer, bytesRead } = await head.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, 0);
    const bytes = buffer.subarray(0, bytesRead);
    const gzip = bytesRead >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
    text = (gzip ? gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH }) : bytes).toString("utf8");
  } catch {
    return undefined; // unreadable here: the sniffer says why
  } finally {
    await head.close();
  }
  const end = text.indexOf("\n");
  if (end < 0) return undefined;
  const crlf = text[end - 1] === "\r";
  const line = text.slice(0, crlf ? end - 1 : end);
  if (!PLAIN_HEADER.test(line)) return undefined;
  return [
    {
      Delimiter: ",",
      Quote: '"',
      Escape: '"',
      NewLineDelimiter: crlf ? "\\r\\n" : "\\n", // as sniff_csv writes them: escaped
      Comment: "(empty)",
      SkipRows: 0,
      Columns: line.split(",").map((name) => ({ name, type: "VARCHAR" })),
    },
  ];
}

/**
 * Describes one CUR file. A CSV file's dialect and header are read once (from its first line when it is a plain
 * header, {@link plainDialect}; else by `sniff_csv`) and the file is then read with that dialect and its columns given
 * (`auto_detect = false`), every value as text: without them DuckDB would sniff the file again for the query, which
 * costs as much as reading a month's CUR.
 */
async function describeFile(
  c: DuckDBConnection,
  file: string,
  format: "csv" | "parquet",
): Promise<DescribedFile> {
  const columns = new Map<string, string>();
  const spelling = new Map<string, string>();
  const add = (name: string, type: string) => {
    columns.set(name.toLowerCase(), type);
    spelling.set(name.toLowerCase(), name);
  };
  if (format === "parquet") {
    const from = `read_parquet(${sqlString(file)})`;
    for (const r of await queryRows(c, `DESCRIBE SELECT * FROM ${from}`))
      add(String(r.column_name), String(r.column_type));
    return { from, columns, spelling };
  }
  const [s] =
    (await plainDialect(file)) ??
    ((await queryRows(
      c,
      `SELECT Delimiter, Quote, Escape, NewLineDelimiter, Comment, SkipRows, Columns
     FROM sniff_csv(${sqlString(file)}, all_varchar = true, header = true)`,
    )) as unknown as SniffedCsv[]);
  if (!s) throw new DataSourceError(`Cannot read the CSV dialect of ${file}.`);
  const opt = (v: string) => sqlString(v === "(empty)" ? "" : v);
  for (const col of s.Columns) add(col.name, "VARCHAR");
  const names = s.Columns.map((col) => `${sqlString(col.name)}: 'VARCHAR'`).join(", ");
  const from = `read_csv(${sqlString(file)}, auto_detect = false, header = true, delim = ${opt(s.Delimiter)}, quote = ${opt(s.Quote)}, escape = ${opt(s.Escape)}, new_line = ${opt(s.NewLineDelimiter)}, skip = ${Number(s.SkipRows)}, comment = ${opt(s.Comment)}, columns = {${names}})`;
  return { from, columns, spelling };
}

/**
 * Reads a month of CUR 2.0 export files at a cost basis: in-scope lines with their category, the excluded lines
 * summed per product code, warnings (columns read by their default), and whether the month is estimated.
 * Every file is checked by its own columns.
 *
 * @example
 * ```ts
 * const costs = await readCurFiles({ files: ["/data/cur/*.csv.gz"], format: "csv", window: monthWindow("2026-10"),
 *   basis: "net-amortized" });
 * ```
 * @throws {@link core!DataSourceError | DataSourceError} when no file matches, a file lacks a column the basis needs (each file and
 * column named), the currencies are mixed or not ISO 4217, or a value cannot be read
 */
export async function readCurFiles(o: CurFilesOptions): Promise<CostSourceResult> {
  const what = `CUR files ${o.files.join(", ")}`;
  return withDuckDb(`Reading ${what}`, async (c) => {
    const started = Date.now();
    const files: string[] = [];
    for (const pattern of o.files) {
      const found = (await queryRows(c, `SELECT file FROM glob(${sqlString(pattern)}) ORDER BY file`)).map(
        (r) => String(r.file),
      );
      if (found.length === 0)
        throw new DataSourceError(`No CUR file matches ${pattern}.`, {
          hint: "Check costs.path in the configuration (relative paths are relative to the config file).",
        });
      files.push(...found);
    }
    o.onProgress?.(`reading ${files.length} CUR ${o.format === "parquet" ? "Parquet" : "CSV"} file(s) …`);
    const relations: CurRelation[] = [];
    for (const file of new Set(files)) {
      relations.push({ name: file, ...(await describeFile(c, file, o.format)) });
    }
    const result = await readCurLines(duckDbEngine(c), {
      ...(o.hourlyEndpoints ? { hourlyEndpoints: o.hourlyEndpoints } : {}),
      relations,
      window: o.window,
      basis: o.basis ?? "net-amortized",
      estimated: o.estimated ?? false,
      what,
    });
    o.onProgress?.(
      `read ${result.lines.length} in-scope CUR line groups (${result.excluded.reduce((n, e) => n + e.lines, 0)} lines excluded) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    return {
      ...result,
      provenance: { kind: "files", location: o.files.join(", "), files: relations.length },
    };
  });
}
