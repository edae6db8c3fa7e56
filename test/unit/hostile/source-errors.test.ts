/**
 * Data-source errors (exit 3) from a hostile CUR file: always a hint, never the text of the generated SQL that
 * DuckDB appends to its messages (issue 13).
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, runCli } from "../../support/cli.js";

const dir = mkdtempSync(path.join(tmpdir(), "smcb-source-errors-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a CUR value the reader cannot convert", () => {
  it("exits 3 with the file, the problem and a hint; no SQL", async () => {
    cpSync(path.join(ROOT, "test/fixtures/chargeback/small"), dir, { recursive: true });
    writeFileSync(
      path.join(dir, "costs/cur.csv"),
      "line_item_usage_start_date,line_item_product_code,line_item_usage_type,line_item_resource_id,line_item_usage_amount,pricing_unit,line_item_unblended_cost,line_item_currency_code,resource_tags\n" +
        "2026-10-01T00:00:00Z,AmazonSageMaker,USE1-Host:ml.g5.2xlarge,arn:aws:sagemaker:us-east-1:111122223333:endpoint/x,10,Hrs,=1+1,USD,{}\n",
    );
    const r = await runCli([
      "chargeback",
      "--month",
      "2026-10",
      "--config",
      path.join(dir, "smcb.config.json"),
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("cur.csv");
    expect(r.stderr).toMatch(/Could not convert string "=1\+1"/);
    expect(r.stderr).toMatch(/\nhint: /);
    expect(r.stderr).not.toMatch(/LINE \d+:|SELECT|CAST\(/);
    expect(r.stderr.trimEnd().split("\n").at(-1)).toMatch(/^hint: /); // the error is the last thing printed
  });
});
