/**
 * Where the bill comes from (docs/contracts.md#cost-input-the-real-bill "Where"): `costs.path` as a glob of local files, a local copy of an AWS Data
 * Exports export (the folder holding `data/` and `metadata/`, as `aws s3 sync` leaves it), or `s3://bucket/prefix/export`.
 * The month's manifest decides which data files are read, so a month is never counted twice.
 *
 * The layout, as AWS documents it (https://docs.aws.amazon.com/cur/latest/userguide/dataexports-export-delivery.html):
 * - data: `<export>/data/<partition>/` ("overwrite"), or `<export>/data/<partition>/<timestamp>-<execution-id>/`
 *   ("create new"); files `<export-name>-<chunk>.csv.gz` or `<export-name>-<chunk>.snappy.parquet`, chunks from `00001`;
 * - metadata: `<export>/metadata/<partition>/…Manifest.json`, delivered only once every data file is; under "create new"
 *   also one per execution in `metadata/<partition>/<timestamp>-<execution-id>/`;
 * - partition: `BILLING_PERIOD=YYYY-MM` for CUR 2.0; FOCUS exports write it lower case (`billing_period=YYYY-MM`).
 *
 * The manifest (https://docs.aws.amazon.com/cur/latest/userguide/dataexports-manifest.html) has `executionId`,
 * `exportArn`, `columns`, `dataFiles` (full `s3://` URIs) and `additionalOutputFiles`.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import * as z from "zod";
import { DataSourceError, UsageError } from "../../core/index.js";
import type { CostProvenance } from "../model.js";
import { queryRows, sqlString, withDuckDb } from "./duckdb.js";

/** The data files a cost reader reads for one month, and where they came from. */
export interface Delivery {
  /** Absolute local paths of the data files to read (for `s3://`, their copies in the cache). */
  readonly files: readonly string[];
  /** `csv` (also gzip CSV) or `parquet`. */
  readonly format: "csv" | "parquet";
  readonly provenance: CostProvenance;
  /** Things the user should know (older deliveries ignored, files of other months left out …). */
  readonly warnings: readonly string[];
}

/** Options of {@link resolveDelivery}. */
export interface ResolveDeliveryOptions {
  /** A glob of local files, a local export folder, or `s3://bucket/prefix/export-name`. */
  readonly path: string;
  /** The billing period, `YYYY-MM`. */
  readonly month: string;
  /** Local cache for `s3://` downloads. */
  readonly cacheDir: string;
  /** Required for `s3://` (the caller makes it). */
  readonly s3?: S3Client;
  /** Progress messages (stderr in the CLI). */
  readonly onProgress?: (message: string) => void;
}

/**
 * Resolves `costs.path` to the data files of one month.
 *
 * - a glob: every matching `.csv`, `.csv.gz` or `.parquet` file; files under a billing-period partition of another
 *   month are left out; a glob that spans several delivery folders of the month is refused;
 * - a local export folder: the newest manifest of `metadata/<partition>/` names the files;
 * - `s3://…`: the same, read through the S3 API into `cacheDir` (unchanged objects are not downloaded again).
 *
 * @example
 * ```ts
 * const d = await resolveDelivery({ path: "/data/cur2", month: "2026-10", cacheDir: "/tmp/smcb" });
 * // d.files: the chunks the newest manifest names; d.provenance.kind: "export"
 * ```
 * @throws {@link core!DataSourceError | DataSourceError} (exit 3) when no file is found, formats are mixed, a glob spans several deliveries,
 * the month has no manifest, or a file the manifest names is missing
 * @throws {@link core!UsageError | UsageError} (exit 2) for a malformed month, or an `s3://` path without an S3 client
 */
export async function resolveDelivery(o: ResolveDeliveryOptions): Promise<Delivery> {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(o.month))
    throw new UsageError(`Invalid month "${o.month}": expected YYYY-MM.`);
  if (/^s3:\/\//i.test(o.path)) {
    if (!o.s3)
      throw new UsageError(`costs.path ${o.path} is an S3 export, but no S3 client was given.`, {
        hint: "Pass an S3Client (the CLI makes one from --region / --profile).",
      });
    const { resolveS3Export } = await import("./s3-export.js");
    return resolveS3Export({
      uri: o.path,
      month: o.month,
      cacheDir: o.cacheDir,
      s3: o.s3,
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    });
  }
  const abs = path.resolve(o.path);
  const info = await stat(abs).catch(() => undefined);
  if (info?.isDirectory()) return resolveExportFolder(abs, o.month, o.onProgress);
  return resolveGlob(abs, o.month, o.onProgress);
}

// ---------------------------------------------------------------------------------------------------------------
// Shared pieces: file formats, partitions, execution folders, manifests
// ---------------------------------------------------------------------------------------------------------------

/**
 * The format of a data file by its name: `csv` for `.csv` and `.csv.gz`, `parquet` for `.parquet` (Data Exports
 * writes `.snappy.parquet`), `undefined` for anything else.
 */
export function dataFileFormat(name: string): "csv" | "parquet" | undefined {
  const n = name.toLowerCase();
  if (n.endsWith(".csv") || n.endsWith(".csv.gz")) return "csv";
  if (n.endsWith(".parquet")) return "parquet";
  return undefined;
}

/** The one format of `files`, or a {@link core!DataSourceError | DataSourceError} naming an example of each when they mix. */
function singleFormat(files: readonly string[], where: string): "csv" | "parquet" {
  const byFormat = new Map<string, string>();
  const unsupported: string[] = [];
  for (const f of files) {
    const fmt = dataFileFormat(f);
    if (fmt === undefined) unsupported.push(f);
    else if (!byFormat.has(fmt)) byFormat.set(fmt, f);
  }
  if (unsupported.length > 0)
    throw new DataSourceError(
      `${where}: ${unsupported.length} file(s) are neither CSV (.csv, .csv.gz) nor Parquet (.parquet): ${list(unsupported)}.`,
      { hint: "Narrow costs.path to the export's data files (e.g. *.csv.gz or *.parquet)." },
    );
  if (byFormat.size > 1)
    throw new DataSourceError(
      `${where}: mixes CSV and Parquet files (e.g. ${byFormat.get("csv")} and ${byFormat.get("parquet")}).`,
      { hint: "Read one format at a time: narrow costs.path to *.csv.gz or to *.parquet." },
    );
  return byFormat.has("parquet") ? "parquet" : "csv";
}

const PARTITION = /^billing_period=(\d{4}-\d{2})$/i;

/**
 * The billing period of a partition folder name: `BILLING_PERIOD=2026-10` (CUR 2.0) or `billing_period=2026-10` (FOCUS).
 */
export function partitionPeriod(segment: string): string | undefined {
  return PARTITION.exec(segment)?.[1];
}

/** What the name of a "create new" delivery folder, `<timestamp>-<execution-id>`, tells. */
export interface ExecutionFolder {
  readonly timestamp?: Date;
  readonly executionId?: string;
}

const UUID_TAIL = /^(.+?)-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** Parses a timestamp written compact (`20261102T061422Z`) or ISO-8601 (`2026-11-02T06:14:22Z`, `2026-11-02T061422Z`). */
function parseFolderTimestamp(text: string): Date | undefined {
  const compact = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})(?:\.(\d{1,3})\d*)?Z?$/i.exec(text);
  if (compact) {
    const [, y, mo, d, h, mi, s, ms] = compact;
    const t = Date.UTC(
      Number(y),
      Number(mo) - 1,
      Number(d),
      Number(h),
      Number(mi),
      Number(s),
      Number(ms ?? 0),
    );
    return Number.isNaN(t) ? undefined : new Date(t);
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const t = Date.parse(text);
    return Number.isNaN(t) ? undefined : new Date(t);
  }
  return undefined;
}

/**
 * Reads a "create new" delivery folder name `<timestamp>-<execution-id>` (AWS: "The timestamp is the date and time when
 * the export was executed. The execution-id is the unique ID assigned to the execution"). The execution id is read as
 * the trailing UUID when there is one, else as what follows the timestamp.
 */
export function parseExecutionFolder(name: string): ExecutionFolder {
  const uuid = UUID_TAIL.exec(name);
  if (uuid) {
    const ts = parseFolderTimestamp(uuid[1] as string);
    return ts ? { timestamp: ts, executionId: uuid[2] as string } : { executionId: uuid[2] as string };
  }
  for (let i = name.indexOf("-"); i > 0; i = name.indexOf("-", i + 1)) {
    const ts = parseFolderTimestamp(name.slice(0, i));
    if (ts) return { timestamp: ts, executionId: name.slice(i + 1) };
  }
  return {};
}

/** The fields of a Data Exports `Manifest.json` that delivery resolution reads; other fields are kept as they are. */
export const exportManifestSchema = z
  .object({
    executionId: z.string().optional(),
    exportArn: z.string().optional(),
    dataFiles: z.array(z.string()),
    columns: z.array(z.object({ name: z.string() }).passthrough()).optional(),
  })
  .passthrough();
/** A parsed Data Exports manifest. */
export type ExportManifest = z.infer<typeof exportManifestSchema>;

/**
 * Parses a Data Exports manifest.
 *
 * @param text - the manifest file's text
 * @param where - the file, for the error message
 * @throws {@link core!DataSourceError | DataSourceError} when it is not JSON or has no `dataFiles` list of strings
 */
export function parseExportManifest(text: string, where: string): ExportManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new DataSourceError(`Manifest ${where} is not valid JSON: ${(cause as Error).message}.`, { cause });
  }
  const parsed = exportManifestSchema.safeParse(json);
  if (!parsed.success)
    throw new DataSourceError(
      `Manifest ${where} is not a Data Exports manifest: ${parsed.error.issues
        .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
        .join("; ")}.`,
      { hint: "A Data Exports manifest lists its data files in dataFiles (full s3:// URIs)." },
    );
  return parsed.data;
}

/**
 * The path of a data file below its export folder (`data/BILLING_PERIOD=2026-10/…/x-00001.csv.gz`), from a manifest's
 * `s3://bucket/prefix/export/data/…` URI: the part from the last `data/<partition>/` on. The bucket and prefix are
 * ignored, so a replicated or synced copy of the export maps the same way.
 */
export function pathBelowExport(uri: string): string | undefined {
  const key = uri.replace(/^s3:\/\/[^/]*\//i, "");
  const segs = key.split("/");
  for (let i = segs.length - 3; i >= 0; i--)
    if (segs[i] === "data" && partitionPeriod(segs[i + 1] as string) !== undefined)
      return segs.slice(i).join("/");
  return undefined;
}

/** One object of an export below its root, `/`-separated (`metadata/BILLING_PERIOD=2026-10/x-Manifest.json`). */
export interface ExportObject {
  readonly rel: string;
  /** Modification time (ms since the epoch): file mtime or S3 `LastModified`. */
  readonly modified?: number;
}

/** What an export holds for one month. */
export interface ExportListing {
  /** The partition folder found for the month under `metadata/` (spelled as found), if any. */
  readonly metadataPartition?: string;
  /** The partition folder found for the month under `data/`, if any. */
  readonly dataPartition?: string;
  /** Every `…Manifest.json` below `metadata/<partition>/`. */
  readonly manifests: readonly ExportObject[];
  /** Every data file (CSV, gzip CSV, Parquet) below `data/<partition>/`. */
  readonly dataFiles: readonly ExportObject[];
  /** Billing periods present under `metadata/` (for the hint when the month is missing). */
  readonly periods: readonly string[];
}

/** The delivery a month's manifests choose. */
export interface ChosenDelivery {
  readonly manifestRel: string;
  readonly manifest: ExportManifest;
  /** The data files it names, below the export folder. */
  readonly named: readonly string[];
  /** Data files of the partition it does not name. */
  readonly ignored: readonly string[];
  readonly warnings: readonly string[];
}

/** Is `name` a manifest file name (`<export-name>-Manifest.json`, or `Manifest.json`)? */
export function isManifestName(name: string): boolean {
  return /manifest\.json$/i.test(name);
}

interface Candidate {
  readonly rel: string;
  readonly manifest: ExportManifest;
  readonly topLevel: boolean;
  readonly key: string;
  readonly time: number | undefined;
  readonly timeFrom: "folder" | "data folder" | "modified" | undefined;
}

/**
 * Picks the newest delivery of a month among its manifests and checks what it names.
 *
 * Newest is decided by the execution timestamp in the "create new" folder name `<timestamp>-<execution-id>` (of the
 * manifest's own folder, else of the folder its data files are in); manifests without one (an "overwrite" export) are
 * ordered by their modification time. Manifests of the same `executionId` are one delivery (AWS writes the newest
 * execution's manifest twice: in its own folder and directly in the partition folder).
 *
 * @param where - the export, for messages
 * @param read - reads a manifest by its path below the export folder
 * @throws {@link core!DataSourceError | DataSourceError} when the month has no manifest, a manifest is unreadable or names nothing, or two
 * deliveries cannot be told apart
 */
export async function chooseDelivery(
  where: string,
  month: string,
  listing: ExportListing,
  read: (rel: string) => Promise<string>,
): Promise<ChosenDelivery> {
  const dataPart = listing.dataPartition ?? `BILLING_PERIOD=${month}`;
  if (listing.manifests.length === 0) throw noManifest(where, month, listing);
  const candidates: Candidate[] = [];
  for (const obj of listing.manifests)
    candidates.push(candidateOf(obj, parseExportManifest(await read(obj.rel), `${where}/${obj.rel}`)));
  const { chosen, count } = newestDelivery(where, month, candidates);
  const warnings: string[] = [];
  if (count > 1) {
    const when = chosen.time === undefined ? "" : ` of ${new Date(chosen.time).toISOString()}`;
    const by =
      chosen.timeFrom === "modified"
        ? " (ordered by modification time: neither the manifests nor their folders carry an execution timestamp)"
        : "";
    warnings.push(
      `${count} deliveries of ${month} found ("create new" export versions); read the newest, ` +
        `execution ${chosen.manifest.executionId ?? chosen.key}${when} (${chosen.rel})${by}.`,
    );
  }
  const named = namedFiles(where, chosen);
  const namedSet = new Set(named.map((r) => r.toLowerCase()));
  const ignored = listing.dataFiles.map((f) => f.rel).filter((r) => !namedSet.has(r.toLowerCase()));
  if (ignored.length > 0)
    warnings.push(
      `${ignored.length} data file(s) under data/${dataPart}/ are not named by the manifest and were ignored ` +
        `(older deliveries or leftover chunks), e.g. ${list(ignored, 3)}.`,
    );
  return { manifestRel: chosen.rel, manifest: chosen.manifest, named, ignored, warnings };
}

/** The error for a month without a manifest: an incomplete delivery, or no delivery at all. */
function noManifest(where: string, month: string, listing: ExportListing): DataSourceError {
  const metaPart = listing.metadataPartition ?? `BILLING_PERIOD=${month}`;
  const dataPart = listing.dataPartition ?? `BILLING_PERIOD=${month}`;
  if (listing.dataFiles.length > 0)
    return new DataSourceError(
      `${where} has ${listing.dataFiles.length} data file(s) for ${month} under data/${dataPart}/ but no manifest under ` +
        `metadata/${metaPart}/: the delivery is incomplete (Data Exports writes the manifest only once every data file is delivered).`,
      {
        hint: "Wait for the delivery to finish, and copy the export's metadata/ folder with its data/ folder (aws s3 sync).",
      },
    );
  return new DataSourceError(
    `${where} has no delivery for ${month} (no metadata/${metaPart}/…Manifest.json).`,
    {
      hint:
        listing.periods.length > 0
          ? `Billing periods present: ${listing.periods.join(", ")}. Choose one of them with --month.`
          : "Point costs.path at the export folder (the one holding data/ and metadata/) or at s3://bucket/prefix/export-name.",
    },
  );
}

/** A manifest as a candidate delivery: its execution and its time, from its folder, its data's folder or its date. */
function candidateOf(obj: ExportObject, manifest: ExportManifest): Candidate {
  const segs = obj.rel.split("/");
  const topLevel = segs.length === 3;
  const own = topLevel ? {} : parseExecutionFolder(segs[2] as string);
  const first = manifest.dataFiles.map(pathBelowExport).find((r) => r !== undefined);
  const dataSegs = first?.split("/") ?? [];
  const data: ExecutionFolder = dataSegs.length > 3 ? parseExecutionFolder(dataSegs[2] as string) : {};
  const time = own.timestamp ?? data.timestamp;
  return {
    rel: obj.rel,
    manifest,
    topLevel,
    key: manifest.executionId ?? own.executionId ?? data.executionId ?? obj.rel,
    time: time?.getTime() ?? obj.modified,
    timeFrom: own.timestamp
      ? "folder"
      : data.timestamp
        ? "data folder"
        : obj.modified
          ? "modified"
          : undefined,
  };
}

/**
 * The newest delivery and how many there are. One delivery per execution (AWS writes the newest execution's
 * manifest twice): its time is the latest known for it, its representative the copy directly in the partition folder.
 */
function newestDelivery(
  where: string,
  month: string,
  candidates: readonly Candidate[],
): { chosen: Candidate; count: number } {
  const byKey = new Map<string, Candidate>();
  for (const c of candidates) {
    const seen = byKey.get(c.key);
    if (!seen) {
      byKey.set(c.key, c);
      continue;
    }
    const rep = c.topLevel && !seen.topLevel ? c : seen;
    const latest = (c.time ?? -1) > (seen.time ?? -1) ? c : seen;
    byKey.set(c.key, { ...rep, time: latest.time, timeFrom: latest.timeFrom });
  }
  const deliveries = [...byKey.values()].sort(
    (a, b) => (b.time ?? -1) - (a.time ?? -1) || Number(b.topLevel) - Number(a.topLevel),
  );
  const chosen = deliveries[0] as Candidate;
  const second = deliveries[1];
  if (second && (second.time ?? -1) === (chosen.time ?? -1) && second.topLevel === chosen.topLevel)
    throw new DataSourceError(
      `${where} has ${deliveries.length} deliveries for ${month} and cannot tell which is newest: ` +
        `${chosen.rel} and ${second.rel} carry the same time.`,
      {
        hint: "Remove the stale delivery folders, or sync the export again so that the manifests keep their times.",
      },
    );
  return { chosen, count: deliveries.length };
}

/** The data files the chosen manifest names, below the export folder (each once). */
function namedFiles(where: string, chosen: Candidate): string[] {
  if (chosen.manifest.dataFiles.length === 0)
    throw new DataSourceError(`Manifest ${where}/${chosen.rel} names no data file.`, {
      hint: "The export delivered nothing for this month; check the export in the Billing console (Data Exports).",
    });
  const named: string[] = [];
  const unmapped: string[] = [];
  for (const uri of chosen.manifest.dataFiles) {
    const rel = pathBelowExport(uri);
    if (rel === undefined) unmapped.push(uri);
    else if (!named.includes(rel)) named.push(rel);
  }
  if (unmapped.length > 0)
    throw new DataSourceError(
      `Manifest ${where}/${chosen.rel} names data file(s) outside an export's data/<billing period>/ folder: ${list(unmapped)}.`,
    );
  return named;
}

// ---------------------------------------------------------------------------------------------------------------
// A local export folder
// ---------------------------------------------------------------------------------------------------------------

/** Every file below `dir` (recursively), as `/`-separated paths relative to `base`, with its mtime. */
async function walk(dir: string, base: string): Promise<ExportObject[]> {
  const out: ExportObject[] = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(full, base)));
    else if (e.isFile()) {
      const s = await stat(full);
      out.push({ rel: path.relative(base, full).split(path.sep).join("/"), modified: s.mtimeMs });
    }
  }
  return out;
}

/** The partition folder of `month` directly in `dir`, and every period present there. */
async function findPartition(dir: string, month: string): Promise<{ name?: string; periods: string[] }> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const dirs = entries.filter((e) => e.isDirectory());
  const periods = [
    ...new Set(dirs.map((e) => partitionPeriod(e.name)).filter((p): p is string => !!p)),
  ].sort();
  const name = dirs.find((e) => partitionPeriod(e.name) === month)?.name;
  return name === undefined ? { periods } : { name, periods };
}

async function resolveExportFolder(
  root: string,
  month: string,
  onProgress?: (m: string) => void,
): Promise<Delivery> {
  const hasData = await isDir(path.join(root, "data"));
  const hasMeta = await isDir(path.join(root, "metadata"));
  if (!hasData && !hasMeta)
    throw new DataSourceError(
      `costs.path ${root} is a folder but not an export folder: it holds neither data/ nor metadata/.`,
      {
        hint:
          "Point costs.path at the export folder (the one holding data/ and metadata/, as aws s3 sync leaves it), " +
          "or give a glob of files such as costs/*.csv.",
      },
    );
  const meta = await findPartition(path.join(root, "metadata"), month);
  const data = await findPartition(path.join(root, "data"), month);
  const manifests = meta.name
    ? (await walk(path.join(root, "metadata", meta.name), root)).filter((f) =>
        isManifestName(path.posix.basename(f.rel)),
      )
    : [];
  const dataFiles = data.name
    ? (await walk(path.join(root, "data", data.name), root)).filter(
        (f) => dataFileFormat(f.rel) !== undefined,
      )
    : [];
  const chosen = await chooseDelivery(
    `Export folder ${root}`,
    month,
    {
      ...(meta.name ? { metadataPartition: meta.name } : {}),
      ...(data.name ? { dataPartition: data.name } : {}),
      manifests,
      dataFiles,
      periods: meta.periods,
    },
    (rel) => readFile(path.join(root, ...rel.split("/")), "utf8"),
  );
  const present = new Set(dataFiles.map((f) => f.rel));
  const missing = chosen.named.filter((rel) => !present.has(rel));
  if (missing.length > 0)
    throw new DataSourceError(
      `Manifest ${path.join(root, chosen.manifestRel)} names ${missing.length} data file(s) missing from ${root}: ` +
        `${list(missing.map((r) => path.join(root, r)))}.`,
      {
        hint: "The local copy is incomplete: sync the export again (aws s3 sync s3://bucket/prefix/export <folder>).",
      },
    );
  const files = chosen.named.map((rel) => path.join(root, ...rel.split("/")));
  const format = singleFormat(files, `Manifest ${path.join(root, chosen.manifestRel)}`);
  onProgress?.(`export ${root}: ${month} delivery ${chosen.manifestRel}, ${files.length} ${format} file(s)`);
  return {
    files,
    format,
    provenance: {
      kind: "export",
      location: root,
      files: files.length,
      manifest: path.join(root, ...chosen.manifestRel.split("/")),
      ignoredFiles: chosen.ignored.length,
    },
    warnings: chosen.warnings,
  };
}

async function isDir(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isDirectory() ?? false;
}

// ---------------------------------------------------------------------------------------------------------------
// A glob of local files
// ---------------------------------------------------------------------------------------------------------------

/**
 * The delivery folder a file belongs to, from the export layout: the billing-period partition folder
 * (`…/data/BILLING_PERIOD=2026-10`, "overwrite"), or the folder directly below it
 * (`…/data/BILLING_PERIOD=2026-10/<timestamp>-<execution-id>`, "create new"). `undefined` for a file outside any
 * partition (a hand-made file).
 */
export function deliveryFolderOf(file: string): { period: string; folder: string } | undefined {
  const segs = file.split(/[\\/]/);
  for (let i = segs.length - 2; i >= 0; i--) {
    const period = partitionPeriod(segs[i] as string);
    if (period === undefined) continue;
    const depth = i + 2 < segs.length ? i + 2 : i + 1;
    return { period, folder: segs.slice(0, depth).join("/") };
  }
  return undefined;
}

/** Expands a glob with DuckDB's `glob()` (`*`, `?`, `[…]`, `**`), sorted. */
async function expandGlob(pattern: string): Promise<string[]> {
  const rows = await withDuckDb(`Expanding costs.path ${pattern}`, (c) =>
    queryRows(c, `SELECT file FROM glob(${sqlString(pattern)}) ORDER BY file`),
  );
  return rows.map((r) => String(r.file));
}

async function resolveGlob(
  pattern: string,
  month: string,
  onProgress?: (m: string) => void,
): Promise<Delivery> {
  const matched = await expandGlob(pattern);
  if (matched.length === 0)
    throw new DataSourceError(`No file matches costs.path ${pattern}.`, {
      hint:
        "Check the path (relative paths are relative to the config file). For an AWS export give its folder " +
        "(the one holding data/ and metadata/) or s3://bucket/prefix/export-name.",
    });
  const keep: string[] = [];
  const otherPeriods = new Set<string>();
  let otherFiles = 0;
  const folders = new Set<string>();
  for (const f of matched) {
    const d = deliveryFolderOf(f);
    if (d && d.period !== month) {
      otherPeriods.add(d.period);
      otherFiles++;
      continue;
    }
    if (d) folders.add(d.folder);
    keep.push(f);
  }
  if (keep.length === 0)
    throw new DataSourceError(
      `costs.path ${pattern} matches no file of ${month}: its ${matched.length} file(s) all lie in partitions of other ` +
        `billing periods (${[...otherPeriods].sort().join(", ")}).`,
      { hint: "Choose one of those months with --month, or point costs.path at the export folder." },
    );
  if (folders.size > 1) {
    const sorted = [...folders].sort();
    const exportRoots = [
      ...new Set(sorted.map((f) => f.replace(/[\\/]data[\\/]billing_period=\d{4}-\d{2}([\\/].*)?$/i, ""))),
    ];
    throw new DataSourceError(
      `costs.path ${pattern} spans ${sorted.length} delivery folders of billing period ${month}: ${sorted.join(", ")}. ` +
        `Reading them all would count the month ${sorted.length} times.`,
      {
        hint:
          `Point costs.path at the export folder (${exportRoots.join(" or ")}) so that its manifest picks the newest ` +
          "delivery, or narrow the glob to one delivery folder.",
      },
    );
  }
  const format = singleFormat(keep, `costs.path ${pattern}`);
  const warnings: string[] = [];
  if (otherFiles > 0)
    warnings.push(
      `${otherFiles} file(s) matched by ${pattern} lie in partitions of other billing periods ` +
        `(${[...otherPeriods].sort().join(", ")}) and were left out.`,
    );
  onProgress?.(`costs.path ${pattern}: ${keep.length} ${format} file(s)`);
  return {
    files: keep,
    format,
    provenance: { kind: "files", location: pattern, files: keep.length },
    warnings,
  };
}

/** The first `max` items, then how many more. */
function list(items: readonly string[], max = 10): string {
  return items.length <= max
    ? items.join(", ")
    : `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}
