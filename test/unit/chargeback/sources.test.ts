import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { monthWindow } from "../../../chargeback/engine/index.js";
import { readCurFiles } from "../../../chargeback/sources/cur-files.js";
import { curSql, parseUtcTimestamp } from "../../../chargeback/sources/cur-sql.js";
import { queryRows, sqlString, withDuckDb } from "../../../chargeback/sources/duckdb.js";
import { ledgerEventsSql, readFileLedger } from "../../../chargeback/sources/file-ledger.js";
import {
  usageAggregationSql,
  usageFastAggregationSql,
  usageFromFastRows,
  usageFromRows,
  usageHashedAggregationSql,
} from "../../../chargeback/sources/usage-sql.js";
import { DataSourceError } from "../../../core/errors.js";
import { ROOT } from "../../support/cli.js";
import { ledgerLine } from "../../support/usage-events.js";

const OCT = monthWindow("2026-10");
const SMALL = path.join(ROOT, "test/fixtures/chargeback/small");
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "smcb-sources-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("readCurFiles", () => {
  it("reads in-scope lines of the month from CSV, exact, tags parsed from the JSON string", async () => {
    const r = await readCurFiles({
      files: [path.join(SMALL, "costs/*.csv")],
      format: "csv",
      window: OCT,
      basis: "unblended",
    });
    expect(r.currency).toBe("USD");
    expect(r.excluded.map((e) => [e.service, e.lines, e.cost.toString()])).toEqual([["AmazonS3", 1, "9.99"]]);
    expect(r.lines).toHaveLength(5); // S3 and the two lines outside October are left out
    const training = r.lines.find((l) => l.usageType === "USE1-Train:ml.m5.xlarge");
    expect(training?.cost.toString()).toBe("12.345");
    expect(training?.tags).toEqual({ user_LineOfBusiness: "retail" });
    expect(training?.unit).toBe("Hrs");
    expect(training?.usageStart.toISOString()).toBe("2026-10-03T00:00:00.000Z");
    expect(r.lines.find((l) => l.service === "AmazonBedrock" && l.resourceId === null)?.tags).toEqual({});
  });

  it("reads Parquet with resource_tags as a map, and amounts stored as doubles stay exact", async () => {
    const file = path.join(dir, "cur.parquet");
    await withDuckDb("test", async (c) => {
      await c.run(`COPY (SELECT * FROM (VALUES
          (TIMESTAMP '2026-10-31 23:00:00', 'AmazonSageMaker', 'USE1-Host:ml.g5.xlarge', 'arn:aws:sagemaker:us-east-1:1:endpoint/e', 1.0::DOUBLE, 0.1::DOUBLE, MAP {'user_LineOfBusiness': 'retail'}),
          (TIMESTAMP '2026-10-31 23:00:00', 'AmazonSageMaker', 'USE1-Host:ml.g5.xlarge', 'arn:aws:sagemaker:us-east-1:1:endpoint/e', 1.0::DOUBLE, 0.2::DOUBLE, MAP {'user_LineOfBusiness': 'retail'}),
          (TIMESTAMP '2026-11-01 00:00:00', 'AmazonSageMaker', 'USE1-Host:ml.g5.xlarge', 'arn:aws:sagemaker:us-east-1:1:endpoint/e', 1.0::DOUBLE, 5.0::DOUBLE, MAP {'user_LineOfBusiness': 'retail'})
        ) t(line_item_usage_start_date, line_item_product_code, line_item_usage_type, line_item_resource_id,
            line_item_usage_amount, line_item_unblended_cost, resource_tags)) TO ${sqlString(file)} (FORMAT parquet)`);
    });
    const r = await readCurFiles({
      files: [path.join(dir, "*.parquet")],
      format: "parquet",
      window: OCT,
      basis: "unblended",
    });
    expect(r.lines).toHaveLength(1); // the two October lines are summed in SQL, exactly
    expect(r.lines[0]?.cost.toString()).toBe("0.3");
    expect(r.lines[0]?.usageAmount.toString()).toBe("2");
    expect(r.lines[0]?.tags).toEqual({ user_LineOfBusiness: "retail" });
  });

  it("names every missing required column (DataSourceError, exit 3)", async () => {
    const file = path.join(dir, "bad.csv");
    await writeFile(
      file,
      "line_item_usage_start_date,line_item_product_code,line_item_unblended_cost\n2026-10-01,AmazonSageMaker,1\n",
    );
    const err = await readCurFiles({ files: [file], format: "csv", window: OCT }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataSourceError);
    expect((err as Error).message).toContain(
      `${file}: line_item_usage_type, line_item_resource_id, line_item_usage_amount, resource_tags (or tags)`,
    );
    expect((err as DataSourceError).exitCode).toBe(3);
  });

  it("fails with a DataSourceError when no file matches", async () => {
    await expect(
      readCurFiles({ files: [path.join(dir, "nothing-*.csv")], format: "csv", window: OCT }),
    ).rejects.toBeInstanceOf(DataSourceError);
  });

  it("builds SQL with no DuckDB-only functions for Athena, from the same builder", () => {
    const columns = new Map([
      ["line_item_usage_start_date", "timestamp(3)"],
      ["line_item_product_code", "varchar"],
      ["line_item_line_item_type", "varchar"],
      ["line_item_usage_type", "varchar"],
      ["line_item_resource_id", "varchar"],
      ["line_item_usage_amount", "double"],
      ["line_item_unblended_cost", "double"],
      ["bill_billing_entity", "varchar"],
      ["product", "map(varchar,varchar)"],
      ["resource_tags", "map(varchar,varchar)"],
    ]);
    const sql = curSql({
      relations: [{ name: "cur", from: '"cur"."data"', columns }],
      window: OCT,
      basis: "unblended",
      dialect: "athena",
    });
    expect(sql).toContain('FROM "cur"."data"');
    expect(sql).toContain("TIMESTAMP '2026-10-01 00:00:00'");
    expect(sql).toContain("TIMESTAMP '2026-11-01 00:00:00'");
    expect(sql).toContain('json_format(CAST("resource_tags" AS JSON))');
    expect(sql).toContain("element_at(\"product\", 'product_name')");
    expect(sql).not.toMatch(/read_csv|read_parquet|to_json|TIMESTAMPTZ|json_extract_string/);
    expect(usageAggregationSql('SELECT * FROM "lake"."usage"', OCT)).not.toMatch(
      /read_csv|json_|TIMESTAMPTZ/,
    );
  });

  it("parses the timestamp spellings of CUR and DuckDB as UTC", () => {
    for (const s of [
      "2026-10-01 00:00:00",
      "2026-10-01T00:00:00Z",
      "2026-10-01 00:00:00+00",
      "2026-10-01T02:00:00+02:00",
    ])
      expect(parseUtcTimestamp(s).toISOString()).toBe("2026-10-01T00:00:00.000Z");
  });
});

describe("readFileLedger", () => {
  it("counts the month's events once per id, reports duplicates and malformed lines", async () => {
    const r = await readFileLedger({ path: path.join(SMALL, "usage"), window: OCT });
    expect(r).toEqual({
      usage: [
        { endpoint: "shared-llm", lob: "retail", invocations: 2, inputTokens: 1500, outputTokens: 500 },
        { endpoint: "shared-llm", lob: "wealth", invocations: 1, inputTokens: 100, outputTokens: 100 },
      ],
      malformed: 1,
      duplicates: 1,
      malformedLines: [
        {
          file: "2026/10/01/w1.jsonl",
          line: 4,
          reason: "not a JSON object (or cut short)",
          text: '{"v":1,"id":"broken",',
        },
      ],
    });
  });

  it("flags lines that are JSON but not usage events", async () => {
    const led = path.join(dir, "ledger", "deep", "er");
    await import("node:fs/promises").then((fs) => fs.mkdir(led, { recursive: true }));
    const ok = {
      v: 1,
      id: "a",
      ts: "2026-10-02T00:00:00Z",
      lob: "retail",
      kind: "sagemaker",
      endpoint: "e",
      input_tokens: 1,
      output_tokens: 2,
    };
    const lines = [
      ok,
      { ...ok, id: "b", input_tokens: 1.5 },
      { ...ok, id: "c", input_tokens: -1 },
      { ...ok, id: "d", v: 2 },
      { ...ok, id: "" },
      { ...ok, id: "f", ts: "yesterday" },
      { ...ok, id: "g", kind: "lambda" },
      { ...ok, id: "h", endpoint: null }, // a SageMaker call names its endpoint
      { ...ok, id: "i", kind: "bedrock", endpoint: null },
      [1, 2],
    ].map((l) => JSON.stringify(l));
    await writeFile(path.join(led, "x.jsonl"), `${lines.join("\n")}\n\n`);
    const r = await readFileLedger({ path: path.join(dir, "ledger"), window: OCT });
    expect(r.usage).toEqual([
      { endpoint: "e", lob: "retail", invocations: 1, inputTokens: 1, outputTokens: 2 },
    ]);
    expect(r.malformed).toBe(8);
  });

  it("reads ts as an instant: a UTC offset is converted, no offset means UTC, an impossible date is malformed", async () => {
    const led = path.join(dir, "ledger-ts");
    await import("node:fs/promises").then((fs) => fs.mkdir(led, { recursive: true }));
    const ev = (id: string, ts: string) =>
      JSON.stringify({
        v: 1,
        id,
        ts,
        lob: "retail",
        kind: "sagemaker",
        endpoint: "e",
        input_tokens: 1,
        output_tokens: 0,
      });
    const lines = [
      ev("in-z", "2026-10-31T23:59:59.999Z"),
      ev("in-offset", "2026-11-01T00:30:00+01:00"), // 2026-10-31T23:30Z
      ev("out-offset", "2026-10-01T01:00:00+02:00"), // 2026-09-30T23:00Z
      ev("in-no-offset", "2026-10-01 00:00:00"),
      ev("out-z", "2026-11-01T00:00:00Z"),
      ev("out-offset-nov", "2026-10-31T23:30:00-01:00"), // 2026-11-01T00:30Z: November, though its text says October
      ev("bad-day", "2026-10-32T00:00:00Z"),
      ev("bad-hour", "2026-10-02T25:00:00Z"),
    ];
    await writeFile(path.join(led, "x.jsonl"), `${lines.join("\n")}\n`);
    const r = await readFileLedger({ path: led, window: OCT });
    expect(r.usage).toEqual([
      { endpoint: "e", lob: "retail", invocations: 3, inputTokens: 3, outputTokens: 0 },
    ]);
    expect(r.malformed).toBe(2);
  });

  it("fails with a DataSourceError when the folder is missing or holds no ledger file", async () => {
    await expect(readFileLedger({ path: path.join(dir, "nope"), window: OCT })).rejects.toBeInstanceOf(
      DataSourceError,
    );
    const empty = await mkdtemp(path.join(dir, "empty-"));
    await expect(readFileLedger({ path: empty, window: OCT })).rejects.toThrow(/holds no \*\.jsonl/);
  });
});

describe("usageFastAggregationSql", () => {
  const ev = ledgerLine;
  async function ledger(name: string, lines: string[]): Promise<string> {
    const led = path.join(dir, name);
    await import("node:fs/promises").then((fs) => fs.mkdir(path.join(led, "a"), { recursive: true }));
    const half = Math.ceil(lines.length / 2);
    await writeFile(path.join(led, "a", "1.jsonl"), `${lines.slice(0, half).join("\n")}\n`);
    await writeFile(path.join(led, "2.jsonl"), `${lines.slice(half).join("\n")}\n`);
    return led;
  }
  const both = (led: string) =>
    withDuckDb("test", async (c) => {
      const events = ledgerEventsSql(path.join(led, "**", "*.jsonl"));
      return {
        fast: usageFromFastRows(await queryRows(c, usageFastAggregationSql(events, OCT))),
        exact: usageFromRows(await queryRows(c, usageAggregationSql(events, OCT))),
        hashed: usageFromRows(await queryRows(c, usageHashedAggregationSql(events, OCT))),
      };
    });

  it("gives exactly the exact form's result when copies of an id agree (ts may differ), with malformed lines", async () => {
    const led = await ledger("fast-agree", [
      ev("a"),
      ev("a"), // same event delivered twice, in another file
      ev("b", { lob: "wealth", input_tokens: 5 }),
      ev("b", { lob: "wealth", input_tokens: 5, ts: "2026-10-03T00:00:00Z" }), // a retry logged later
      ev("c", { ts: "2026-09-30T23:59:59.999Z" }), // before the month
      ev("d", { ts: "2026-10-31T23:59:59Z", endpoint: "f" }),
      ev("d", { ts: "2026-11-01T00:00:00Z", endpoint: "g" }), // after the month: not a conflicting copy
      ev("e", { kind: "bedrock", endpoint: null }),
      '{"v":1,"id":"x","ts":"2026-10-0',
      ev("", {}),
    ]);
    const { fast, exact, hashed } = await both(led);
    expect(fast).toEqual(exact);
    expect(hashed).toEqual(exact);
    expect(fast).toEqual({
      usage: [
        { endpoint: "e", lob: "retail", invocations: 1, inputTokens: 10, outputTokens: 1 },
        { endpoint: "e", lob: "wealth", invocations: 1, inputTokens: 5, outputTokens: 1 },
        { endpoint: "f", lob: "retail", invocations: 1, inputTokens: 10, outputTokens: 1 },
      ],
      malformed: 2,
      duplicates: 2,
    });
  });

  it("says when copies of an id differ, and readFileLedger then counts the least copy (ts first)", async () => {
    const led = await ledger("fast-conflict", [
      ev("a", { ts: "2026-10-05T00:00:00Z", lob: "wealth", input_tokens: 7 }),
      ev("a", { ts: "2026-10-04T00:00:00Z", input_tokens: 9 }), // earlier: this copy counts
      ev("b", { input_tokens: 3 }),
      ev("b", { input_tokens: 2 }), // same ts: the smaller event counts
    ]);
    const { fast, exact, hashed } = await both(led);
    expect(fast).toBeUndefined();
    expect(hashed).toEqual(exact);
    const expected = {
      usage: [{ endpoint: "e", lob: "retail", invocations: 2, inputTokens: 11, outputTokens: 2 }],
      malformed: 0,
      duplicates: 2,
    };
    expect(exact).toEqual(expected);
    const messages: string[] = [];
    expect(await readFileLedger({ path: led, window: OCT, onProgress: (m) => messages.push(m) })).toEqual(
      expected,
    );
    expect(messages.some((m) => m.includes("differ"))).toBe(true);
  });

  it("reads an empty month as nothing", async () => {
    const led = await ledger("fast-empty", [ev("a", { ts: "2026-09-02T00:00:00Z" })]);
    expect((await both(led)).fast).toEqual({ usage: [], malformed: 0, duplicates: 0 });
  });
});
