/**
 * `costs.path: s3://bucket/prefix/export` against moto: the export is uploaded exactly as AWS Data Exports lays it out
 * (see test/support/data-export.ts for the sources: the "Understanding export delivery" and "Data Exports manifest
 * file reference" pages of the AWS Data Exports user guide), resolved through the S3 API, and cached locally.
 * A missing moto_server fails the suite (test/support/moto.ts), it never skips.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resolveDelivery } from "../../../chargeback/sources/deliveries.js";
import { S3_CACHE_INDEX } from "../../../chargeback/sources/s3-export.js";
import { AwsError, DataSourceError, ExitCode, exitCodeOf } from "../../../core/errors.js";
import {
  curChunk,
  type DeliverySpec,
  type ExportSpec,
  type LaidOutFile,
  layOutDelivery,
} from "../../support/data-export.js";
import { type Moto, motoClientConfig, startMoto } from "../../support/moto.js";

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
  chunks: [curChunk([{ cost: "11.00", day: 2 }]), curChunk([{ cost: "21.00", day: 3 }])],
  topLevelManifest: true,
};
const URI = `s3://${EXPORT.bucket}/${EXPORT.prefix}/${EXPORT.exportName}`;

describe("S3 export on moto", () => {
  let moto: Moto;
  let s3: S3Client;
  let cacheDir: string;
  let gets: string[];

  const upload = async (files: readonly LaidOutFile[]) => {
    for (const f of files)
      await s3.send(
        new PutObjectCommand({
          Bucket: EXPORT.bucket,
          Key: `${EXPORT.prefix}/${EXPORT.exportName}/${f.rel}`,
          Body: f.body,
        }),
      );
  };
  const resolve = () => resolveDelivery({ path: URI, month: "2026-10", cacheDir, s3 });

  beforeAll(async () => {
    moto = await startMoto();
    s3 = new S3Client({ ...motoClientConfig(moto), forcePathStyle: true });
    // Count the objects actually downloaded.
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "GetObjectCommand") gets.push((args.input as { Key: string }).Key);
        return next(args);
      },
      { step: "initialize", name: "countGetObject" },
    );
  });
  afterAll(async () => {
    await moto?.stop();
  });
  beforeEach(async () => {
    await moto.reset();
    gets = [];
    cacheDir = await mkdtemp(path.join(tmpdir(), "smcb-s3-cache-"));
    await s3.send(new CreateBucketCommand({ Bucket: EXPORT.bucket }));
    return async () => {
      await rm(cacheDir, { recursive: true, force: true });
    };
  });

  it("downloads the newest delivery's chunks into the cache, then nothing the second time", async () => {
    await upload([...layOutDelivery(EXPORT, OLD), ...layOutDelivery(EXPORT, NEW)]);
    const first = await resolve();
    const key = (rel: string) => `${EXPORT.prefix}/${EXPORT.exportName}/${rel}`;
    const newFolder = `data/BILLING_PERIOD=2026-10/${NEW.timestamp}-${NEW.executionId}`;
    const cached = (rel: string) => path.join(cacheDir, "s3", EXPORT.bucket, ...key(rel).split("/"));
    expect(first.files).toEqual([
      cached(`${newFolder}/smcb-cur2-00001.csv.gz`),
      cached(`${newFolder}/smcb-cur2-00002.csv.gz`),
    ]);
    expect(first.format).toBe("csv");
    expect(first.provenance).toEqual({
      kind: "s3-export",
      location: URI,
      files: 2,
      manifest: `${URI}/metadata/BILLING_PERIOD=2026-10/smcb-cur2-Manifest.json`,
      ignoredFiles: 2,
    });
    expect(first.warnings[0]).toContain(`read the newest, execution ${NEW.executionId}`);
    // The cached bytes are the uploaded chunks.
    expect(gunzipSync(await readFile(first.files[0] as string)).toString()).toBe(NEW.chunks[0]);
    expect(gunzipSync(await readFile(first.files[1] as string)).toString()).toBe(NEW.chunks[1]);
    // Three manifests (two executions, one written twice) and the newest delivery's two chunks; never the old chunks.
    expect(gets).toHaveLength(5);
    expect(gets.filter((k) => k.includes("/data/")).sort()).toEqual([
      key(`${newFolder}/smcb-cur2-00001.csv.gz`),
      key(`${newFolder}/smcb-cur2-00002.csv.gz`),
    ]);
    const index = JSON.parse(await readFile(path.join(cacheDir, S3_CACHE_INDEX), "utf8")) as Record<
      string,
      { size: number; etag: string }
    >;
    expect(Object.keys(index)).toHaveLength(5);

    gets = [];
    const second = await resolve();
    expect(second).toEqual(first);
    expect(gets).toEqual([]);
  });

  it("downloads again only the object whose ETag changed", async () => {
    await upload(layOutDelivery(EXPORT, { ...NEW, mode: "overwrite" }));
    await resolve();
    const restated = layOutDelivery(EXPORT, {
      ...NEW,
      mode: "overwrite",
      chunks: [NEW.chunks[0] as string, curChunk([{ cost: "99.00" }])],
    });
    await upload(restated.filter((f) => f.rel.endsWith("-00002.csv.gz")));
    gets = [];
    const d = await resolve();
    expect(gets).toEqual([`cur/smcb-cur2/data/BILLING_PERIOD=2026-10/smcb-cur2-00002.csv.gz`]);
    expect(gunzipSync(await readFile(d.files[1] as string)).toString()).toContain("99.00");
  });

  it("a manifest naming a missing object exits 3 naming it, before any data download", async () => {
    await upload(layOutDelivery(EXPORT, NEW).filter((f) => !f.rel.endsWith("-00002.csv.gz")));
    const e = await resolve().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(DataSourceError);
    expect(exitCodeOf(e)).toBe(ExitCode.DataSource);
    expect((e as Error).message).toContain(
      `${URI}/data/BILLING_PERIOD=2026-10/${NEW.timestamp}-${NEW.executionId}/smcb-cur2-00002.csv.gz`,
    );
    expect(gets.some((k) => k.includes("/data/"))).toBe(false);
  });

  it("a month with data but no manifest is refused as incomplete; a missing bucket is an AWS error (exit 3)", async () => {
    await upload(layOutDelivery(EXPORT, NEW).filter((f) => f.rel.startsWith("data/")));
    await expect(resolve()).rejects.toThrow(/no manifest under metadata\/BILLING_PERIOD=2026-10\//);
    const e = await resolveDelivery({
      path: "s3://no-such-bucket/cur/x",
      month: "2026-10",
      cacheDir,
      s3,
    }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(AwsError);
    expect(exitCodeOf(e)).toBe(ExitCode.DataSource);
    expect((e as Error).message).toContain("ListObjectsV2 s3://no-such-bucket/cur/x/metadata/");
  });
});
