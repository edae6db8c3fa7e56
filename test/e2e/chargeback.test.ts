import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, runCli, spawnCli } from "../support/cli.js";

const SMALL = path.join(ROOT, "test/fixtures/chargeback/small");
const CONFIG = path.join(SMALL, "smcb.config.json");
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "smcb-e2e-chargeback-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("smcb chargeback", () => {
  it("prints the exact JSON report of the hand-made workspace", async () => {
    const r = await runCli(["chargeback", "--month", "2026-10", "--config", CONFIG, "--json"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    // Hand-computed: K = 10 h × 1000 = 10000; w retail = 1500 + 3×500 = 3000 (e1 once, e2 at 23:59:59.999),
    // wealth = 100 + 3×100 = 400 but reserved 0.2 × K = 2000; A = 5000 < K → used 30 + 20, idle 50 → owner.
    // Source: 100 + 12.345 + 7.10 + 1.005 + 2.50 = 122.95; the two half cents tie, "retail" wins by name.
    expect(report.lobs).toEqual([
      {
        lob: "retail",
        total: "42.35",
        dedicated: "12.35",
        shared: "30.00",
        bedrock: "0.00",
        adjustments: "0.00",
      },
      {
        lob: "wealth",
        total: "27.10",
        dedicated: "0.00",
        shared: "20.00",
        bedrock: "7.10",
        adjustments: "0.00",
      },
      {
        lob: "platform",
        total: "50.00",
        dedicated: "0.00",
        shared: "50.00",
        bedrock: "0.00",
        adjustments: "0.00",
      },
    ]);
    expect(report.unallocated.items).toEqual([
      { reason: "unknown-lob:marketing", service: "AmazonSageMaker", cost: "2.50" },
      { reason: "untagged", service: "AmazonBedrock", cost: "1.00" },
    ]);
    expect(report.reconciliation).toEqual({
      sourceTotal: "122.95",
      reportTotal: "122.95",
      difference: "0.00",
      estimated: false,
      basis: "net-amortized",
      byCategory: {
        usage: "122.95",
        commitment: "0.00",
        discount: "0.00",
        credit: "0.00",
        refund: "0.00",
        tax: "0.00",
      },
    });
    // an S3 line of the hand-made file is outside the scope: counted, not dropped
    expect(report.excluded).toEqual([{ service: "AmazonS3", lines: 1, cost: "9.99" }]);
    // a hand-made file without the line type, billing entity and invoice columns is read by their defaults, said once
    const costs = path.join(SMALL, "costs");
    expect(report.warnings).toEqual([
      `${costs}/cur.csv has no line_item_line_item_type: every line read as Usage.`,
      `${costs}/cur.csv has no bill_billing_entity: every line read as billed by AWS (no Marketplace models).`,
      `${costs}/cur.csv has no bill_invoice_id: read as final once the month has ended.`,
    ]);
    expect(report.source).toEqual({ kind: "files", location: `${costs}/*.csv`, files: 1 });
    const { warnings: _w, source: _s, ...rest } = report;
    expect(rest).toEqual(JSON.parse(await readFile(path.join(SMALL, "expected.json"), "utf8")));
    expect(r.stderr).toContain("1 duplicates counted once, 1 malformed lines");
  });

  it("prints the table by default", async () => {
    const r = await runCli(["chargeback", "--month", "2026-10", "--config", CONFIG]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Chargeback 2026-10 (USD) — final");
    expect(r.stdout).toMatch(/retail\s+12\.35\s+30\.00\s+0\.00\s+0\.00\s+42\.35/);
    expect(r.stdout).toContain("Reconciliation: source 122.95 = report 122.95 (difference 0.00)");
  });

  it("exits 3 naming the missing CUR columns", async () => {
    const ws = path.join(dir, "missing");
    await cp(SMALL, ws, { recursive: true });
    await writeFile(
      path.join(ws, "costs/cur.csv"),
      "line_item_usage_start_date,line_item_product_code\n2026-10-01,AmazonSageMaker\n",
    );
    const r = await runCli([
      "chargeback",
      "--month",
      "2026-10",
      "--config",
      path.join(ws, "smcb.config.json"),
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      "line_item_usage_type, line_item_resource_id, line_item_usage_amount, line_item_unblended_cost, resource_tags",
    );
  });

  it("exits 2 for a future month and for a malformed one", async () => {
    expect((await runCli(["chargeback", "--month", "2999-01", "--config", CONFIG])).code).toBe(2);
    expect((await runCli(["chargeback", "--month", "2026-1", "--config", CONFIG])).code).toBe(2);
  });

  it("exits 2 naming usage.athena when Firehose usage has no Athena table to read", async () => {
    const ws = path.join(dir, "firehose");
    await cp(SMALL, ws, { recursive: true });
    const file = path.join(ws, "smcb.config.json");
    const cfg = JSON.parse(await readFile(file, "utf8"));
    await writeFile(file, JSON.stringify({ ...cfg, usage: { type: "firehose", deliveryStream: "usage" } }));
    const r = await runCli(["chargeback", "--month", "2026-10", "--config", file, "--json"]);
    expect(r.code).toBe(2);
    const { error } = JSON.parse(r.stdout);
    expect(error).toMatchObject({ name: "ConfigError", exitCode: 2 });
    expect(error.message).toContain("usage.athena: required");
  });

  it("flags the current month as estimated", async () => {
    const now = new Date();
    const month = now.toISOString().slice(0, 7);
    const ws = path.join(dir, "current");
    await cp(SMALL, ws, { recursive: true });
    await writeFile(
      path.join(ws, "costs/cur.csv"),
      `line_item_usage_start_date,line_item_product_code,line_item_usage_type,line_item_resource_id,line_item_usage_amount,line_item_unblended_cost,resource_tags\n${month}-01T00:00:00Z,AmazonSageMaker,USE1-Train:ml.m5.xlarge,arn:aws:sagemaker:us-east-1:1:training-job/t,1,4.20,"{""user_LineOfBusiness"":""retail""}"\n`,
    );
    const r = await runCli([
      "chargeback",
      "--month",
      month,
      "--config",
      path.join(ws, "smcb.config.json"),
      "--json",
    ]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.reconciliation.estimated).toBe(true);
    expect(report.lobs[0]).toEqual({
      lob: "retail",
      total: "4.20",
      dedicated: "4.20",
      shared: "0.00",
      bedrock: "0.00",
      adjustments: "0.00",
    });
    const table = await runCli([
      "chargeback",
      "--month",
      month,
      "--config",
      path.join(ws, "smcb.config.json"),
    ]);
    expect(table.stdout).toContain("ESTIMATED");
  });

  it("writes every format with --out; --format prints one format on stdout", async () => {
    const out = path.join(dir, "out");
    const r = await runCli(["chargeback", "--month", "2026-10", "--config", CONFIG, "--out", out]);
    expect(r.code).toBe(0);
    expect((await readdir(out)).sort()).toEqual([
      "chargeback-2026-10.csv",
      "chargeback-2026-10.focus.csv",
      "chargeback-2026-10.html",
      "chargeback-2026-10.json",
      "chargeback-2026-10.md",
      "chargeback-2026-10.txt",
    ]);
    expect(
      JSON.parse(await readFile(path.join(out, "chargeback-2026-10.json"), "utf8")).reconciliation
        .reportTotal,
    ).toBe("122.95");
    expect(await readFile(path.join(out, "chargeback-2026-10.html"), "utf8")).toMatch(/<svg[\s\S]*<\/svg>/);
    expect(r.stdout).toContain("Chargeback 2026-10");
    const csv = await runCli(["chargeback", "--month", "2026-10", "--config", CONFIG, "--format", "csv"]);
    expect(csv.code).toBe(0);
    expect(csv.stdout).toBe(await readFile(path.join(out, "chargeback-2026-10.csv"), "utf8"));
    const focus = await runCli(["chargeback", "--month", "2026-10", "--config", CONFIG, "--format", "focus"]);
    expect(focus.stdout.split("\n")[0]).toContain("BilledCost");
    const many = await runCli([
      "chargeback",
      "--month",
      "2026-10",
      "--config",
      CONFIG,
      "--format",
      "csv",
      "md",
    ]);
    expect(many.code).toBe(2);
    expect(many.stderr).toContain("Several --format values need --out <dir>.");
  });

  it("loads only the modules of the sources it reads: no AWS SDK client, nothing of inference/ (issue 15)", async () => {
    // a module hook (node:module register) that lists every module the process resolves, in a file
    const log = path.join(dir, "resolved.txt");
    const hook = `import { appendFileSync } from "node:fs";
      export async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(${JSON.stringify(log)}, r.url + "\\n"); return r; }`;
    const register = `import { register } from "node:module"; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
    const r = await spawnCli(["chargeback", "--month", "2026-10", "--config", CONFIG, "--json"], {
      env: { NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(register)}` },
    });
    expect(r.code).toBe(0);
    const resolved = (await readFile(log, "utf8")).split("\n");
    expect(resolved.filter((u) => u.includes("/@aws-sdk/client-"))).toEqual([]);
    // The executable is a bundle (scripts/bundle-cli.ts): map each file it loaded to the sources it holds.
    const holds = JSON.parse(
      await readFile(path.join(ROOT, "dist/cli-chunks/inputs.json"), "utf8"),
    ) as Record<string, string[]>;
    const sources = resolved
      .filter((u) => u.startsWith("file://"))
      .flatMap((u) => holds[path.relative(ROOT, fileURLToPath(u))] ?? []);
    expect(sources).toContain("chargeback/sources/file-ledger.ts");
    expect(sources.filter((s) => s.startsWith("inference/"))).toEqual([]);
    expect(
      sources.filter((s) => s.startsWith("chargeback/sources/athena") || s.includes("cloudwatch")),
    ).toEqual([]);
  });
});
