/**
 * Lays out an AWS Data Exports export the way AWS documents it, for delivery tests (local folders and S3 on moto).
 *
 * Sources of the layout and the manifest shape:
 * - https://docs.aws.amazon.com/cur/latest/userguide/dataexports-export-delivery.html (and its `.md` twin):
 *   data `<export>/data/BILLING_PERIOD=YYYY-MM/` ("overwrite") or `…/BILLING_PERIOD=YYYY-MM/<timestamp>-<execution-id>/`
 *   ("create new"); chunks `<export-name>-<chunk>.csv.gz` / `.snappy.parquet`, five digits from `00001`; manifest
 *   `metadata/BILLING_PERIOD=YYYY-MM/<export-name>-Manifest.json`, and under "create new" a second one per execution in
 *   `metadata/BILLING_PERIOD=YYYY-MM/<timestamp>-<execution-id>/` ("The manifest in the metadata/<partition> directory
 *   always represents the most recent refresh").
 * - https://docs.aws.amazon.com/cur/latest/userguide/dataexports-manifest.html: top-level fields `executionId`,
 *   `exportArn`, `columns` (objects with `name` and `type`), `dataFiles` (full `s3://` URIs),
 *   `additionalOutputFiles`. Column types as AWS writes them (`string`, `timestamp`, `double`, `map`) are the ones
 *   public CUR 2.0 readers map (e.g. an open-source ClickHouse loader's `normalize_v2`).
 * - The exact spelling of `<timestamp>` is not documented; the compact ISO-8601 form used here
 *   (`20261102T061422Z`) is one of those the reader accepts (tailpipe-plugin-aws reads the folder as
 *   `%{TIMESTAMP_ISO8601:timestamp}-%{UUID:execution_id}`).
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";

/** One delivery (an export execution) of one month. */
export interface DeliverySpec {
  /** `"overwrite"`: files directly in the partition; `"create-new"`: in `<timestamp>-<executionId>/`. */
  readonly mode: "overwrite" | "create-new";
  readonly executionId: string;
  /** Compact ISO-8601, e.g. `20261102T061422Z`. */
  readonly timestamp: string;
  /** Each chunk's CSV text (gzipped on write). */
  readonly chunks: readonly string[];
  /** Write the manifest directly in the partition folder too ("create new" newest; always for "overwrite"). */
  readonly topLevelManifest?: boolean;
}

/** Where an export lives. */
export interface ExportSpec {
  readonly bucket: string;
  /** The S3 prefix of the export, without the export name, e.g. `cur`. */
  readonly prefix: string;
  readonly exportName: string;
  readonly month: string;
  /** `BILLING_PERIOD` (CUR 2.0) or `billing_period` (FOCUS). */
  readonly partitionKey?: string;
}

/** A file of the layout: its path below the export folder and its bytes. */
export interface LaidOutFile {
  readonly rel: string;
  readonly body: Buffer;
}

const COLUMNS = [
  { name: "line_item_usage_start_date", type: "timestamp" },
  { name: "line_item_product_code", type: "string" },
  { name: "line_item_unblended_cost", type: "double" },
  { name: "resource_tags", type: "map" },
];

/** The files one delivery writes, below the export folder (data first, manifests last, as AWS delivers them). */
export function layOutDelivery(e: ExportSpec, d: DeliverySpec): LaidOutFile[] {
  const part = `${e.partitionKey ?? "BILLING_PERIOD"}=${e.month}`;
  const folder = d.mode === "create-new" ? `${d.timestamp}-${d.executionId}/` : "";
  const data = d.chunks.map((csv, i) => ({
    rel: `data/${part}/${folder}${e.exportName}-${String(i + 1).padStart(5, "0")}.csv.gz`,
    body: gzipSync(Buffer.from(csv)),
  }));
  const manifest = Buffer.from(
    JSON.stringify(
      {
        executionId: d.executionId,
        exportArn: `arn:aws:bcm-data-exports:us-east-1:111122223333:export/${e.exportName}-0f4c2a1e-6b7d-4e8f-9a0b-1c2d3e4f5a6b`,
        columns: COLUMNS,
        dataFiles: data.map((f) => `s3://${e.bucket}/${e.prefix}/${e.exportName}/${f.rel}`),
        additionalOutputFiles: [],
      },
      null,
      2,
    ),
  );
  const manifestName = `${e.exportName}-Manifest.json`;
  const manifests: LaidOutFile[] = [];
  if (d.mode === "create-new")
    manifests.push({ rel: `metadata/${part}/${folder}${manifestName}`, body: manifest });
  if (d.mode === "overwrite" || d.topLevelManifest)
    manifests.push({ rel: `metadata/${part}/${manifestName}`, body: manifest });
  return [...data, ...manifests];
}

/** Writes files below `root`. */
export async function writeLaidOut(root: string, files: readonly LaidOutFile[]): Promise<void> {
  for (const f of files) {
    const full = path.join(root, ...f.rel.split("/"));
    await mkdir(path.dirname(full), { recursive: true });
    await writeFile(full, f.body);
  }
}

/** A small CUR 2.0 CSV chunk: header and `rows` lines of one SageMaker charge each. */
export function curChunk(rows: readonly { cost: string; day?: number }[]): string {
  const header = COLUMNS.map((c) => c.name).join(",");
  const lines = rows.map(
    (r) =>
      `2026-10-${String(r.day ?? 1).padStart(2, "0")}T00:00:00Z,AmazonSageMaker,${r.cost},"{""user_line_of_business"":""retail""}"`,
  );
  return `${[header, ...lines].join("\n")}\n`;
}
