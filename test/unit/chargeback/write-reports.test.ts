/** `writeReports` (issue 14): `smcb chargeback --out` as a library call. */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FORMAT_NAMES, renderJson, writeReports } from "../../../chargeback/index.js";
import { fixtureReport } from "../../fixtures/chargeback-report.js";

const chargebackReport = fixtureReport();

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe("writeReports", () => {
  it("writes every format to <dir>/chargeback-<month>.<extension>, making the folder, and names each file", async () => {
    const base = await mkdtemp(path.join(tmpdir(), "smcb-reports-"));
    dirs.push(base);
    const dir = path.join(base, "out", "nested");
    const written: string[] = [];
    const files = await writeReports(chargebackReport, { dir, onWrite: (f) => written.push(f) });
    expect(files).toHaveLength(FORMAT_NAMES.length);
    expect(written).toEqual(files);
    expect(files.map((f) => path.basename(f))).toContain(`chargeback-${chargebackReport.month}.focus.csv`);
    const json = await readFile(path.join(dir, `chargeback-${chargebackReport.month}.json`), "utf8");
    expect(json).toBe(renderJson(chargebackReport));
  });

  it("writes only the formats asked for, in their order", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "smcb-reports-"));
    dirs.push(dir);
    const files = await writeReports(chargebackReport, { dir, formats: ["md", "csv"] });
    expect(files.map((f) => path.basename(f))).toEqual([
      `chargeback-${chargebackReport.month}.md`,
      `chargeback-${chargebackReport.month}.csv`,
    ]);
  });
});
