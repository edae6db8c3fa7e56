/**
 * An AWS Data Exports export read straight from S3 (`costs.path: "s3://bucket/prefix/export-name"`): the month's
 * manifests are listed and read, the newest chooses the data files, and those are downloaded into a local cache that
 * mirrors the S3 keys. An object already cached with the same size and ETag is not downloaded again.
 */
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { GetObjectCommand, paginateListObjectsV2, type S3Client } from "@aws-sdk/client-s3";
import { DataSourceError, mapWithConcurrency, toAwsError } from "../../core/index.js";
import {
  chooseDelivery,
  type Delivery,
  dataFileFormat,
  type ExportObject,
  isManifestName,
  partitionPeriod,
} from "./deliveries.js";

/** Options of {@link resolveS3Export}. */
export interface S3ExportOptions {
  /** `s3://bucket/prefix/export-name` (the folder holding `data/` and `metadata/`). */
  readonly uri: string;
  /** `YYYY-MM`. */
  readonly month: string;
  /** Local cache; objects land in `<cacheDir>/s3/<bucket>/<key>`. */
  readonly cacheDir: string;
  readonly s3: S3Client;
  readonly onProgress?: (message: string) => void;
  /** Downloads in flight at once. @default 4 */
  readonly concurrency?: number;
}

/** Splits `s3://bucket/prefix/export` into the bucket and the key prefix (no trailing `/`). */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(uri.trim());
  const bucket = m?.[1];
  const prefix = (m?.[2] ?? "").replace(/\/+$/, "");
  if (!bucket || prefix === "")
    throw new DataSourceError(`costs.path ${uri} is not an S3 export path.`, {
      hint: "Write it as s3://bucket/prefix/export-name (the folder holding data/ and metadata/).",
    });
  return { bucket, prefix };
}

/** One listed S3 object. */
interface Listed extends ExportObject {
  readonly key: string;
  readonly size: number;
  readonly etag: string;
}

/** Name of the sidecar index in the cache folder: `s3://bucket/key` → `{ size, etag }` of the cached copy. */
export const S3_CACHE_INDEX = "s3-cache-index.json";

type CacheIndex = Record<string, { size: number; etag: string }>;

async function loadIndex(file: string): Promise<CacheIndex> {
  try {
    const parsed = JSON.parse(await readFile(file, "utf8")) as unknown;
    return parsed && typeof parsed === "object" ? (parsed as CacheIndex) : {};
  } catch {
    return {};
  }
}

async function writeAtomically(file: string, data: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}

/**
 * Resolves an S3 export to local copies of the month's newest delivery.
 *
 * @throws {@link core!DataSourceError | DataSourceError} (exit 3) when the month has no manifest, a named object is missing, or a key
 * cannot be mirrored safely; {@link core!AwsError | AwsError} (exit 3) when an S3 call fails
 */
export async function resolveS3Export(o: S3ExportOptions): Promise<Delivery> {
  const { bucket, prefix } = parseS3Uri(o.uri);
  const exportUri = `s3://${bucket}/${prefix}`;
  const cacheRoot = path.resolve(o.cacheDir);
  const indexFile = path.join(cacheRoot, S3_CACHE_INDEX);
  const index = await loadIndex(indexFile);

  const listFolders = async (under: string): Promise<string[]> => {
    const names: string[] = [];
    try {
      for await (const page of paginateListObjectsV2(
        { client: o.s3 },
        { Bucket: bucket, Prefix: `${prefix}/${under}/`, Delimiter: "/" },
      ))
        for (const cp of page.CommonPrefixes ?? [])
          if (cp.Prefix) names.push(cp.Prefix.slice(`${prefix}/${under}/`.length).replace(/\/$/, ""));
    } catch (e) {
      throw toAwsError(`ListObjectsV2 ${exportUri}/${under}/`, e);
    }
    return names;
  };
  const listAll = async (under: string): Promise<Listed[]> => {
    const out: Listed[] = [];
    try {
      for await (const page of paginateListObjectsV2(
        { client: o.s3 },
        { Bucket: bucket, Prefix: `${prefix}/${under}/` },
      ))
        for (const c of page.Contents ?? []) {
          if (!c.Key || c.Key.endsWith("/")) continue;
          out.push({
            key: c.Key,
            rel: c.Key.slice(prefix.length + 1),
            size: c.Size ?? 0,
            etag: c.ETag ?? "",
            ...(c.LastModified ? { modified: c.LastModified.getTime() } : {}),
          });
        }
    } catch (e) {
      throw toAwsError(`ListObjectsV2 ${exportUri}/${under}/`, e);
    }
    return out;
  };

  const localOf = (key: string): string => {
    const segs = key.split("/");
    if (segs.some((s) => s === ".." || s === "." || s === ""))
      throw new DataSourceError(`S3 key ${key} cannot be mirrored into the cache safely.`);
    return path.join(cacheRoot, "s3", bucket, ...segs);
  };

  let downloaded = 0;
  let bytes = 0;
  /** The cached copy of an object, downloaded unless the cache holds it with the same size and ETag. */
  const ensureCached = async (obj: Listed): Promise<string> => {
    const local = localOf(obj.key);
    const uri = `s3://${bucket}/${obj.key}`;
    const known = index[uri];
    if (known && known.etag === obj.etag && known.size === obj.size) {
      const s = await stat(local).catch(() => undefined);
      if (s?.isFile() && s.size === obj.size) return local;
    }
    await mkdir(path.dirname(local), { recursive: true });
    const tmp = `${local}.${process.pid}.${randomUUID()}.part`;
    try {
      const res = await o.s3.send(new GetObjectCommand({ Bucket: bucket, Key: obj.key }));
      if (!res.Body) throw new DataSourceError(`GetObject ${uri} returned no body.`);
      await pipeline(res.Body as Readable, createWriteStream(tmp));
      const got = (await stat(tmp)).size;
      if (got !== obj.size)
        throw new DataSourceError(`Downloaded ${uri}: ${got} bytes, but S3 listed ${obj.size}.`, {
          hint: "The object changed while it was read (a new delivery?); run again.",
        });
      await rename(tmp, local);
    } catch (e) {
      await rm(tmp, { force: true });
      const name = (e as { name?: string }).name;
      if (name === "NoSuchKey")
        throw new DataSourceError(
          `${uri} is listed by the export but could not be read: it no longer exists.`,
          {
            cause: e,
            hint: "A new delivery overwrote it while reading; run again.",
          },
        );
      throw e instanceof DataSourceError ? e : toAwsError(`GetObject ${uri}`, e);
    }
    index[uri] = { size: obj.size, etag: obj.etag };
    downloaded++;
    bytes += obj.size;
    return local;
  };

  try {
    o.onProgress?.(`listing ${exportUri} for ${o.month} …`);
    const metaFolders = await listFolders("metadata");
    const dataFolders = await listFolders("data");
    const metaPart = metaFolders.find((f) => partitionPeriod(f) === o.month);
    const dataPart = dataFolders.find((f) => partitionPeriod(f) === o.month);
    const manifests = metaPart
      ? (await listAll(`metadata/${metaPart}`)).filter((m) => isManifestName(path.posix.basename(m.key)))
      : [];
    const dataObjects = dataPart
      ? (await listAll(`data/${dataPart}`)).filter((d) => dataFileFormat(d.key) !== undefined)
      : [];
    const byRel = new Map(manifests.map((m) => [m.rel, m]));
    const chosen = await chooseDelivery(
      `S3 export ${exportUri}`,
      o.month,
      {
        ...(metaPart ? { metadataPartition: metaPart } : {}),
        ...(dataPart ? { dataPartition: dataPart } : {}),
        manifests,
        dataFiles: dataObjects,
        periods: [...new Set(metaFolders.map(partitionPeriod).filter((p): p is string => !!p))].sort(),
      },
      async (rel) => readFile(await ensureCached(byRel.get(rel) as Listed), "utf8"),
    );
    const dataByRel = new Map(dataObjects.map((d) => [d.rel, d]));
    const missing = chosen.named.filter((rel) => !dataByRel.has(rel));
    if (missing.length > 0)
      throw new DataSourceError(
        `Manifest ${exportUri}/${chosen.manifestRel} names ${missing.length} data file(s) that are not in the bucket: ` +
          `${missing.map((r) => `${exportUri}/${r}`).join(", ")}.`,
        { hint: "The delivery is incomplete or was replaced while reading; run again later." },
      );
    const named = chosen.named.map((rel) => dataByRel.get(rel) as Listed);
    const total = named.reduce((n, d) => n + d.size, 0);
    o.onProgress?.(
      `${exportUri}: ${o.month} delivery ${chosen.manifestRel}, ${named.length} file(s), ${(total / 1e6).toFixed(1)} MB`,
    );
    const files = await mapWithConcurrency(named, ensureCached, o.concurrency ?? 4);
    const formats = new Set(files.map((f) => dataFileFormat(f)));
    if (formats.size > 1)
      throw new DataSourceError(
        `Manifest ${exportUri}/${chosen.manifestRel} mixes CSV and Parquet data files.`,
      );
    o.onProgress?.(
      downloaded > 0
        ? `downloaded ${downloaded} object(s), ${(bytes / 1e6).toFixed(1)} MB, into ${cacheRoot}`
        : `every object was already in the cache ${cacheRoot}`,
    );
    return {
      files,
      format: formats.has("parquet") ? "parquet" : "csv",
      provenance: {
        kind: "s3-export",
        location: exportUri,
        files: files.length,
        manifest: `${exportUri}/${chosen.manifestRel}`,
        ignoredFiles: chosen.ignored.length,
      },
      warnings: chosen.warnings,
    };
  } finally {
    if (downloaded > 0) await writeAtomically(indexFile, `${JSON.stringify(index, null, 2)}\n`);
  }
}
