/**
 * Delivery resolution (docs/contracts.md#cost-input-the-real-bill "Where") on temp folders laid out as AWS Data Exports writes them.
 *
 * Facts relied on, with their sources:
 * - Layout (https://docs.aws.amazon.com/cur/latest/userguide/dataexports-export-delivery.html): data in
 *   `<export>/data/BILLING_PERIOD=YYYY-MM/` ("overwrite") or `…/BILLING_PERIOD=YYYY-MM/<timestamp>-<execution-id>/`
 *   ("create new": "all export refreshes are kept"); the manifest `metadata/BILLING_PERIOD=YYYY-MM/<export-name>-Manifest.json`
 *   "is only delivered once all of the export data files have been delivered"; under "create new" one manifest per
 *   execution in `metadata/<partition>/<timestamp>-<execution-id>/` and one in `metadata/<partition>/` that "always
 *   represents the most recent refresh"; chunks `<export-name>-<chunk-number>.csv.gz` / `.snappy.parquet`, "Chunk numbers
 *   always have five digits"; when an overwrite refresh needs fewer chunks "Data Exports overwrites any extra chunks
 *   from the last refresh with empty data" (so the partition can hold files the manifest does not name).
 * - Manifest (https://docs.aws.amazon.com/cur/latest/userguide/dataexports-manifest.html): `executionId` ("the same
 *   value that appears in the delivery path when your export uses the create new report option"), `exportArn`,
 *   `columns`, `dataFiles` ("The full S3 URIs of the export data files … We recommend identifying which files to
 *   ingest by programmatically reading this list"), `additionalOutputFiles`.
 * - FOCUS exports use the same layout with the partition written lower case, `billing_period=YYYY-MM`
 *   (microsoft/finops-toolkit `src/templates/finops-hub/modules/Microsoft.FinOpsHubs/AmazonWebServices/app.bicep`:
 *   "The partition key is lowercase in the delivered export"; its README: "When an export is configured to create a
 *   new file on every refresh, the data/billing_period={YYYY-MM}/ folder accumulates one subfolder per day. Listing the
 *   folder recursively would copy every refresh and multiply the month's costs").
 * - "create new" folder name `<timestamp>-<execution-id>`, the id a UUID: turbot/tailpipe-plugin-aws
 *   `tables/cost_and_usage_focus/cost_and_usage_focus_table.go` (`%{TIMESTAMP_ISO8601:timestamp}-%{UUID:execution_id}`);
 *   the exact timestamp spelling is not documented by AWS.
 */
import { mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  deliveryFolderOf,
  parseExecutionFolder,
  pathBelowExport,
  resolveDelivery,
} from "../../../../chargeback/sources/deliveries.js";
import { DataSourceError, ExitCode, exitCodeOf, UsageError } from "../../../../core/errors.js";
import {
  curChunk,
  type DeliverySpec,
  type ExportSpec,
  layOutDelivery,
  writeLaidOut,
} from "../../../support/data-export.js";

const EXPORT: ExportSpec = {
  bucket: "acme-billing",
  prefix: "cur",
  exportName: "smcb-cur2",
  month: "2026-10",
};
const OLD: DeliverySpec = {
  mode: "create-new",
  executionId: "6a1f3b2c-0d4e-4f5a-8b6c-7d8e9f0a1b2c",
  timestamp: "20261101T051200Z",
  chunks: [curChunk([{ cost: "10.00" }]), curChunk([{ cost: "20.00" }])],
};
const NEW: DeliverySpec = {
  mode: "create-new",
  executionId: "b7c8d9e0-1f2a-4b3c-9d4e-5f6a7b8c9d0e",
  timestamp: "20261103T061422Z",
  chunks: [curChunk([{ cost: "11.00" }]), curChunk([{ cost: "21.00" }])],
  topLevelManifest: true,
};

let dir: string;
let root: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "smcb-deliv-"));
  root = path.join(dir, "smcb-cur2");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `fn`, expecting a DataSourceError; returns it. */
async function refused(p: Promise<unknown>): Promise<DataSourceError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DataSourceError);
  expect(exitCodeOf(e)).toBe(ExitCode.DataSource);
  return e as DataSourceError;
}

const resolve = (p: string, month = "2026-10") => resolveDelivery({ path: p, month, cacheDir: dir });

describe("resolveDelivery: a glob of local files", () => {
  it("expands the glob to the matching files, CSV by extension", async () => {
    await writeFile(path.join(dir, "a.csv"), curChunk([{ cost: "1" }]));
    await writeFile(path.join(dir, "b.csv"), curChunk([{ cost: "2" }]));
    await writeFile(path.join(dir, "notes.txt"), "not matched");
    const d = await resolve(path.join(dir, "*.csv"));
    expect(d.files).toEqual([path.join(dir, "a.csv"), path.join(dir, "b.csv")]);
    expect(d.format).toBe("csv");
    expect(d.provenance).toEqual({ kind: "files", location: path.join(dir, "*.csv"), files: 2 });
    expect(d.warnings).toEqual([]);
  });

  it("reads gzip CSV chunks and Parquet (.snappy.parquet, as Data Exports names them) by extension", async () => {
    await writeLaidOut(root, layOutDelivery(EXPORT, { ...NEW, mode: "overwrite" }));
    const gz = await resolve(path.join(root, "data", "**", "*.csv.gz"));
    expect(gz.format).toBe("csv");
    expect(gz.files.map((f) => path.basename(f))).toEqual([
      "smcb-cur2-00001.csv.gz",
      "smcb-cur2-00002.csv.gz",
    ]);
    await writeFile(path.join(dir, "smcb-cur2-00001.snappy.parquet"), "");
    const pq = await resolve(path.join(dir, "*.parquet"));
    expect(pq.format).toBe("parquet");
    expect(pq.files).toEqual([path.join(dir, "smcb-cur2-00001.snappy.parquet")]);
  });

  it("refuses a glob over two 'create new' deliveries of the month, naming both folders (exit 3)", async () => {
    await writeLaidOut(root, [...layOutDelivery(EXPORT, OLD), ...layOutDelivery(EXPORT, NEW)]);
    const e = await refused(resolve(path.join(root, "data", "**", "*.csv.gz")));
    const part = path.join(root, "data", "BILLING_PERIOD=2026-10");
    expect(e.message).toContain(`${part}/${OLD.timestamp}-${OLD.executionId}`);
    expect(e.message).toContain(`${part}/${NEW.timestamp}-${NEW.executionId}`);
    expect(e.message).toContain("spans 2 delivery folders of billing period 2026-10");
    expect(e.hint).toContain(`Point costs.path at the export folder (${root})`);
  });

  it("refuses a glob over two exports' partitions of the same month (overwrite mode)", async () => {
    const other = path.join(dir, "smcb-cur2-copy");
    await writeLaidOut(root, layOutDelivery(EXPORT, { ...OLD, mode: "overwrite" }));
    await writeLaidOut(other, layOutDelivery(EXPORT, { ...NEW, mode: "overwrite" }));
    const e = await refused(resolve(path.join(dir, "*", "data", "*", "*.csv.gz")));
    expect(e.message).toContain(path.join(root, "data", "BILLING_PERIOD=2026-10"));
    expect(e.message).toContain(path.join(other, "data", "BILLING_PERIOD=2026-10"));
  });

  it("refuses files directly in the partition mixed with a 'create new' folder below it", async () => {
    await writeLaidOut(root, [
      ...layOutDelivery(EXPORT, { ...OLD, mode: "overwrite" }),
      ...layOutDelivery(EXPORT, NEW),
    ]);
    const e = await refused(resolve(path.join(root, "data", "**", "*.csv.gz")));
    expect(e.message).toContain("spans 2 delivery folders");
  });

  it("leaves out files of other billing periods' partitions, with a warning; only other months is an error", async () => {
    await writeLaidOut(root, layOutDelivery(EXPORT, { ...NEW, mode: "overwrite" }));
    await writeLaidOut(root, layOutDelivery({ ...EXPORT, month: "2026-09" }, { ...OLD, mode: "overwrite" }));
    const d = await resolve(path.join(root, "data", "**", "*.csv.gz"));
    expect(d.files).toHaveLength(2);
    expect(d.files.every((f) => f.includes("BILLING_PERIOD=2026-10"))).toBe(true);
    expect(d.warnings).toEqual([expect.stringContaining("2 file(s) matched by") as unknown as string]);
    expect(d.warnings[0]).toContain("(2026-09) and were left out");
    const e = await refused(resolve(path.join(root, "data", "BILLING_PERIOD=2026-09", "*.csv.gz")));
    expect(e.message).toContain("matches no file of 2026-10");
    expect(e.message).toContain("2026-09");
  });

  it("refuses mixed formats, naming an example of each", async () => {
    await writeFile(path.join(dir, "a.csv"), curChunk([{ cost: "1" }]));
    await writeFile(path.join(dir, "b.parquet"), "");
    const e = await refused(resolve(path.join(dir, "*")));
    expect(e.message).toContain("mixes CSV and Parquet");
    expect(e.message).toContain(path.join(dir, "a.csv"));
    expect(e.message).toContain(path.join(dir, "b.parquet"));
  });

  it("refuses files that are neither CSV nor Parquet", async () => {
    await writeFile(path.join(dir, "a.csv"), curChunk([{ cost: "1" }]));
    await writeFile(path.join(dir, "a.json"), "{}");
    const e = await refused(resolve(path.join(dir, "a.*")));
    expect(e.message).toContain(path.join(dir, "a.json"));
  });

  it("no file matching is exit 3 with a hint", async () => {
    const e = await refused(resolve(path.join(dir, "costs", "*.csv")));
    expect(e.message).toBe(`No file matches costs.path ${path.join(dir, "costs", "*.csv")}.`);
    expect(e.hint).toContain("s3://bucket/prefix/export-name");
  });
});

describe("resolveDelivery: a local export folder", () => {
  it("reads the newest of two 'create new' deliveries, ignoring and counting the older one's files", async () => {
    await writeLaidOut(root, [...layOutDelivery(EXPORT, OLD), ...layOutDelivery(EXPORT, NEW)]);
    const d = await resolve(root);
    const folder = path.join(root, "data", "BILLING_PERIOD=2026-10", `${NEW.timestamp}-${NEW.executionId}`);
    expect(d.files).toEqual([
      path.join(folder, "smcb-cur2-00001.csv.gz"),
      path.join(folder, "smcb-cur2-00002.csv.gz"),
    ]);
    expect(d.format).toBe("csv");
    expect(d.provenance).toEqual({
      kind: "export",
      location: root,
      files: 2,
      manifest: path.join(root, "metadata", "BILLING_PERIOD=2026-10", "smcb-cur2-Manifest.json"),
      ignoredFiles: 2,
    });
    expect(d.warnings).toHaveLength(2);
    expect(d.warnings[0]).toContain(`2 deliveries of 2026-10 found`);
    expect(d.warnings[0]).toContain(`execution ${NEW.executionId} of 2026-11-03T06:14:22.000Z`);
    expect(d.warnings[1]).toContain(
      "2 data file(s) under data/BILLING_PERIOD=2026-10/ are not named by the manifest",
    );
    expect(d.warnings[1]).toContain(OLD.executionId);
  });

  it("takes the newest execution folder even when the partition-level manifest is missing", async () => {
    await writeLaidOut(root, [
      ...layOutDelivery(EXPORT, NEW).filter((f) => f.rel.split("/").length > 3 || f.rel.startsWith("data/")),
      ...layOutDelivery(EXPORT, OLD),
    ]);
    const d = await resolve(root);
    expect(d.provenance.manifest).toBe(
      path.join(
        root,
        "metadata",
        "BILLING_PERIOD=2026-10",
        `${NEW.timestamp}-${NEW.executionId}`,
        "smcb-cur2-Manifest.json",
      ),
    );
    expect(d.files.every((f) => f.includes(NEW.executionId))).toBe(true);
  });

  it("orders manifests without an execution timestamp by modification time, and says so", async () => {
    const a = path.join(dir, "a");
    await writeLaidOut(a, layOutDelivery(EXPORT, { ...OLD, mode: "overwrite" }));
    // A second, differently named manifest in the partition folder (the docs name both <export-name>-Manifest.json
    // and Manifest.json), naming other chunks: newer by mtime.
    const newer = layOutDelivery({ ...EXPORT, exportName: "smcb-cur2b" }, { ...NEW, mode: "overwrite" });
    await writeLaidOut(a, newer);
    const oldManifest = path.join(a, "metadata", "BILLING_PERIOD=2026-10", "smcb-cur2-Manifest.json");
    await utimes(oldManifest, new Date("2026-11-01T00:00:00Z"), new Date("2026-11-01T00:00:00Z"));
    const d = await resolve(a);
    expect(d.files.map((f) => path.basename(f))).toEqual([
      "smcb-cur2b-00001.csv.gz",
      "smcb-cur2b-00002.csv.gz",
    ]);
    expect(d.warnings[0]).toContain("ordered by modification time");
    expect(d.provenance.ignoredFiles).toBe(2);
  });

  it("counts and warns about a partition file the manifest does not name (a leftover chunk)", async () => {
    await writeLaidOut(root, layOutDelivery(EXPORT, { ...NEW, mode: "overwrite" }));
    await writeFile(path.join(root, "data", "BILLING_PERIOD=2026-10", "smcb-cur2-00003.csv.gz"), "");
    const d = await resolve(root);
    expect(d.files).toHaveLength(2);
    expect(d.provenance.ignoredFiles).toBe(1);
    expect(d.warnings).toEqual([
      "1 data file(s) under data/BILLING_PERIOD=2026-10/ are not named by the manifest and were ignored " +
        "(older deliveries or leftover chunks), e.g. data/BILLING_PERIOD=2026-10/smcb-cur2-00003.csv.gz.",
    ]);
  });

  it("a manifest naming a missing file is exit 3 naming it", async () => {
    const files = layOutDelivery(EXPORT, { ...NEW, mode: "overwrite" });
    await writeLaidOut(
      root,
      files.filter((f) => !f.rel.endsWith("-00002.csv.gz")),
    );
    const e = await refused(resolve(root));
    expect(e.message).toContain("names 1 data file(s) missing");
    expect(e.message).toContain(path.join(root, "data", "BILLING_PERIOD=2026-10", "smcb-cur2-00002.csv.gz"));
    expect(e.hint).toContain("aws s3 sync");
  });

  it("data files of the month without a manifest are refused: the delivery is incomplete", async () => {
    const files = layOutDelivery(EXPORT, { ...NEW, mode: "overwrite" });
    await writeLaidOut(
      root,
      files.filter((f) => f.rel.startsWith("data/")),
    );
    const e = await refused(resolve(root));
    expect(e.message).toContain("but no manifest under metadata/BILLING_PERIOD=2026-10/");
    expect(e.message).toContain("the delivery is incomplete");
  });

  it("a month without a delivery is exit 3, the hint listing the months present", async () => {
    await writeLaidOut(root, layOutDelivery({ ...EXPORT, month: "2026-09" }, { ...NEW, mode: "overwrite" }));
    const e = await refused(resolve(root));
    expect(e.message).toContain("has no delivery for 2026-10");
    expect(e.hint).toBe("Billing periods present: 2026-09. Choose one of them with --month.");
  });

  it("reads a FOCUS export, whose partition is written billing_period=YYYY-MM", async () => {
    await writeLaidOut(
      root,
      layOutDelivery({ ...EXPORT, partitionKey: "billing_period" }, { ...NEW, mode: "overwrite" }),
    );
    const d = await resolve(root);
    expect(d.files.map((f) => path.relative(root, f))).toEqual([
      path.join("data", "billing_period=2026-10", "smcb-cur2-00001.csv.gz"),
      path.join("data", "billing_period=2026-10", "smcb-cur2-00002.csv.gz"),
    ]);
  });

  it("an unreadable manifest is exit 3 naming it", async () => {
    await writeLaidOut(root, layOutDelivery(EXPORT, { ...NEW, mode: "overwrite" }));
    const m = path.join(root, "metadata", "BILLING_PERIOD=2026-10", "smcb-cur2-Manifest.json");
    await writeFile(m, "{ not json");
    expect((await refused(resolve(root))).message).toContain(`Manifest Export folder ${root}/metadata`);
    await writeFile(m, JSON.stringify({ executionId: "x" }));
    expect((await refused(resolve(root))).message).toContain("dataFiles");
  });

  it("a folder that is not an export is exit 3 with a hint", async () => {
    const e = await refused(resolve(dir));
    expect(e.message).toContain("holds neither data/ nor metadata/");
  });

  it("rejects a malformed month (exit 2) and an s3:// path without a client", async () => {
    await expect(resolve(root, "2026-13")).rejects.toBeInstanceOf(UsageError);
    await expect(resolve("s3://acme-billing/cur/smcb-cur2")).rejects.toBeInstanceOf(UsageError);
  });
});

describe("layout helpers", () => {
  it("reads a 'create new' folder name as <timestamp>-<execution-id>", () => {
    expect(parseExecutionFolder("20261103T061422Z-b7c8d9e0-1f2a-4b3c-9d4e-5f6a7b8c9d0e")).toEqual({
      timestamp: new Date("2026-11-03T06:14:22Z"),
      executionId: "b7c8d9e0-1f2a-4b3c-9d4e-5f6a7b8c9d0e",
    });
    expect(
      parseExecutionFolder("2026-11-03T06:14:22Z-b7c8d9e0-1f2a-4b3c-9d4e-5f6a7b8c9d0e").timestamp,
    ).toEqual(new Date("2026-11-03T06:14:22Z"));
    expect(parseExecutionFolder("2026-11-03T061422Z-run42")).toEqual({
      timestamp: new Date("2026-11-03T06:14:22Z"),
      executionId: "run42",
    });
    expect(parseExecutionFolder("smcb-cur2-00001.csv.gz")).toEqual({});
  });

  it("maps a manifest's s3:// URI to its path below the export folder, whatever the bucket and prefix", () => {
    expect(
      pathBelowExport(
        "s3://acme-billing/cur/data/smcb-cur2/data/BILLING_PERIOD=2026-10/20261103T061422Z-x/smcb-cur2-00001.csv.gz",
      ),
    ).toBe("data/BILLING_PERIOD=2026-10/20261103T061422Z-x/smcb-cur2-00001.csv.gz");
    expect(pathBelowExport("s3://b/smcb-cur2/metadata/BILLING_PERIOD=2026-10/x.json")).toBeUndefined();
  });

  it("finds the delivery folder of a file: the partition, or the folder directly below it", () => {
    expect(deliveryFolderOf("/e/data/BILLING_PERIOD=2026-10/e-00001.csv.gz")).toEqual({
      period: "2026-10",
      folder: "/e/data/BILLING_PERIOD=2026-10",
    });
    expect(deliveryFolderOf("/e/data/billing_period=2026-10/20261103T061422Z-x/e-00001.csv.gz")).toEqual({
      period: "2026-10",
      folder: "/e/data/billing_period=2026-10/20261103T061422Z-x",
    });
    expect(deliveryFolderOf("/costs/october.csv")).toBeUndefined();
  });
});
