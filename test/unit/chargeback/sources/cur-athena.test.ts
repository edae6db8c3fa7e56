/**
 * The CUR reader and the usage reader on Athena (aws-sdk-client-mock): the SQL sent is the one the shared builders
 * make for the `athena` dialect, and the same month gives the same lines as on DuckDB. Athena cannot run here, so
 * the CUR query's result rows are those the DuckDB engine returns for the same builder on the same file, printed
 * as Athena prints them (text cells, `timestamp(3)` values with milliseconds).
 *
 * Athena request and result shapes: botocore `data/athena/2017-05-18/service-2.json` (StartQueryExecution
 * `QueryString`, `QueryExecutionContext.Database`, `WorkGroup`; GetQueryResults `ResultSet.Rows[].Data[].VarCharValue`,
 * the first row of a SELECT repeating the column names). Athena column types as `information_schema.columns`
 * spells them (`varchar`, `double`, `timestamp(3)`, `map(varchar,varchar)`): CUR 2.0's Glue types (CID
 * `cid/builtin/core/data/queries/shared/cur.yaml`: amounts double, dates timestamp, `product`/`resource_tags` maps).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { monthWindow } from "../../../../chargeback/engine/month.js";
import type { CostLine } from "../../../../chargeback/model.js";
import { athenaColumnsSql } from "../../../../chargeback/sources/athena.js";
import { readAthenaCurCosts } from "../../../../chargeback/sources/athena-cur.js";
import { athenaUsageSql, readAthenaUsage } from "../../../../chargeback/sources/athena-usage.js";
import { readCurFiles } from "../../../../chargeback/sources/cur-files.js";
import { type CurRelation, curSql } from "../../../../chargeback/sources/cur-sql.js";
import { sqlString, withDuckDb } from "../../../../chargeback/sources/duckdb.js";
import { duckDbEngine, type SqlRow } from "../../../../chargeback/sources/sql-engine.js";
import { DataSourceError } from "../../../../core/errors.js";
import { BASES, CASES, CUR_COLUMNS, curCsv } from "./cur-fixture.js";

const OCT = monthWindow("2026-10");
const mock = mockClient(AthenaClient);
const client = new AthenaClient({
  region: "us-east-1",
  credentials: { accessKeyId: "x", secretAccessKey: "x" },
});
let dir: string;
let csv: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "smcb-cur-athena-"));
  csv = path.join(dir, "month.csv");
  await writeFile(csv, curCsv(CASES));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => mock.reset());

/** The table's columns as Athena's information_schema lists them. */
const athenaType = (c: string) =>
  c === "line_item_usage_start_date"
    ? "timestamp(3)"
    : c === "product" || c === "resource_tags"
      ? "map(varchar,varchar)"
      : /_cost$|_amount$|_fee$|_commitment$|_commitment_to_date$|_billing_period$/.test(c)
        ? "double"
        : "varchar";
const TABLE_COLUMNS = new Map(CUR_COLUMNS.map((c) => [c, athenaType(c)]));

/** A GetQueryResults answer: header row then the rows, text cells. */
function answer(columns: readonly string[], rows: readonly SqlRow[]) {
  const toRow = (cells: readonly (string | null)[]) => ({
    Data: cells.map((v) => (v === null ? {} : { VarCharValue: v })),
  });
  return {
    ResultSet: {
      ResultSetMetadata: { ColumnInfo: columns.map((Name) => ({ Name, Type: "varchar" })) },
      Rows: [toRow(columns), ...rows.map((r) => toRow(columns.map((c) => r[c] ?? null)))],
    },
  };
}

/** The rows of the CUR builder on DuckDB for the test file, printed the way Athena prints them. */
async function duckRows(basis: (typeof BASES)[number]): Promise<SqlRow[]> {
  return withDuckDb("test", async (c) => {
    const from = `read_csv(${sqlString(csv)}, all_varchar = true, header = true)`;
    const columns = new Map(CUR_COLUMNS.map((col) => [col, "VARCHAR"]));
    const rel: CurRelation = { name: csv, from, columns };
    const rows = await duckDbEngine(c).query(
      curSql({ relations: [rel], window: OCT, basis, dialect: "duckdb" }),
    );
    return rows.map((r) => ({ ...r, usage_start: r.usage_start ? `${r.usage_start}.000` : null }));
  });
}

const CUR_RESULT_COLUMNS = [
  "service",
  "product_code",
  "line_item_type",
  "category",
  "usage_type",
  "resource_id",
  "resource_tags",
  "tags",
  "pricing_unit",
  "currency",
  "product_name",
  "usage_start",
  "usage_amount",
  "cost",
  "line_count",
  "invoice_open",
];

function mockAthena(curRows: readonly SqlRow[], columns = TABLE_COLUMNS) {
  mock.on(StartQueryExecutionCommand).callsFake((input: { QueryString?: string }) => ({
    QueryExecutionId: input.QueryString?.includes("information_schema") ? "columns" : "cur",
  }));
  mock.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: "SUCCEEDED" } } });
  mock.on(GetQueryResultsCommand, { QueryExecutionId: "columns" }).resolves(
    answer(
      ["column_name", "data_type"],
      [...columns].map(([column_name, data_type]) => ({ column_name, data_type })),
    ),
  );
  mock.on(GetQueryResultsCommand, { QueryExecutionId: "cur" }).resolves(answer(CUR_RESULT_COLUMNS, curRows));
}
const plain = (lines: readonly CostLine[]) =>
  lines.map((l) => ({
    ...l,
    usageStart: l.usageStart.toISOString(),
    usageAmount: l.usageAmount.toString(),
    cost: l.cost.toString(),
  }));

describe("readAthenaCurCosts", () => {
  for (const basis of BASES)
    it(`${basis}: sends the shared builder's Athena SQL and maps its rows to the lines DuckDB gives`, async () => {
      mockAthena(await duckRows(basis));
      const got = await readAthenaCurCosts(client, {
        database: "finops",
        table: "cur",
        workgroup: "chargeback",
        window: OCT,
        basis,
        pollMs: 1,
      });
      const sent = mock.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.QueryString);
      expect(sent[0]).toBe(athenaColumnsSql("finops", "cur"));
      expect(sent[0]).toBe(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'finops' AND table_name = 'cur'",
      );
      const ref = '"finops"."cur"';
      expect(sent[1]).toBe(
        curSql({
          relations: [{ name: ref, from: ref, columns: TABLE_COLUMNS }],
          window: OCT,
          basis,
          dialect: "athena",
        }),
      );
      expect(sent[1]).toContain('json_format(CAST("resource_tags" AS JSON))');
      expect(sent[1]).toContain(`element_at("product", 'product_name')`);
      expect(sent[1]).toContain('CAST("line_item_usage_amount" AS DECIMAL(38, 18))'); // doubles cast directly
      expect(sent[1]).not.toMatch(/read_csv|to_json|TIMESTAMPTZ|json_extract_string/);

      const local = await readCurFiles({ files: [csv], format: "csv", window: OCT, basis });
      expect(plain(got.lines)).toEqual(plain(local.lines));
      expect(got.excluded).toEqual(local.excluded);
      expect(got).toMatchObject({ basis, currency: "USD", estimated: false, warnings: [] });
      expect(got.provenance).toEqual({ kind: "athena", location: ref });
    });

  it("names the columns the table lacks for the basis (exit 3), before running the CUR query", async () => {
    const columns = new Map(
      [...TABLE_COLUMNS].filter(([c]) => !c.startsWith("savings_plan_") && c !== "line_item_unblended_cost"),
    );
    mockAthena([], columns);
    const err = (await readAthenaCurCosts(client, {
      database: "finops",
      table: "cur",
      window: OCT,
      basis: "amortized",
      pollMs: 1,
    }).catch((e: unknown) => e)) as DataSourceError;
    expect(err).toBeInstanceOf(DataSourceError);
    expect(err.exitCode).toBe(3);
    expect(err.message).toContain(
      '"finops"."cur": line_item_unblended_cost, savings_plan_savings_plan_effective_cost, savings_plan_total_commitment_to_date, savings_plan_used_commitment',
    );
    expect(mock.commandCalls(StartQueryExecutionCommand)).toHaveLength(1);
  });

  it("a table that lists no columns is a DataSourceError naming it", async () => {
    mockAthena([], new Map());
    await expect(
      readAthenaCurCosts(client, { database: "finops", table: "nope", window: OCT, pollMs: 1 }),
    ).rejects.toThrow('Athena table "finops"."nope" has no columns');
  });

  it("an in-scope row with an open invoice makes the month estimated; Athena map text tags are read", async () => {
    const rows = await duckRows("unblended");
    const i = rows.findIndex((r) => r.service === "AmazonSageMaker" && r.category === "usage");
    rows[i] = {
      ...rows[i],
      invoice_open: "true",
      resource_tags: "{user_line_of_business=retail, user_team=a=b}",
    } as SqlRow;
    mockAthena(rows);
    const got = await readAthenaCurCosts(client, {
      database: "finops",
      table: "cur",
      window: OCT,
      basis: "unblended",
      pollMs: 1,
    });
    expect(got.estimated).toBe(true);
    expect(got.lines.some((l) => l.tags.user_team === "a=b")).toBe(true);
  });
});

describe("readAthenaUsage", () => {
  it("sends the lake query with the file ledger's checks and reports its malformed and duplicate counts", async () => {
    mock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "usage" });
    mock.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: "SUCCEEDED" } } });
    const cols = [
      "malformed",
      "endpoint",
      "lob",
      "invocations",
      "input_tokens",
      "output_tokens",
      "duplicates",
      "events",
    ];
    mock.on(GetQueryResultsCommand).resolves(
      answer(cols, [
        {
          malformed: "false",
          endpoint: "shared-llm",
          lob: "retail",
          invocations: "17",
          input_tokens: "6400",
          output_tokens: "2480",
          duplicates: "2",
          events: "19",
        },
        {
          malformed: "false",
          endpoint: "shared-llm",
          lob: "wealth",
          invocations: "7",
          input_tokens: "7000",
          output_tokens: "700",
          duplicates: "0",
          events: "7",
        },
        {
          malformed: "true",
          endpoint: null,
          lob: null,
          invocations: "1",
          input_tokens: null,
          output_tokens: null,
          duplicates: "3",
          events: "4",
        },
      ]),
    );
    const out = await readAthenaUsage(client, {
      database: "smcb",
      table: "usage_events",
      window: OCT,
      pollMs: 1,
    });
    expect(out).toEqual({
      usage: [
        { endpoint: "shared-llm", lob: "retail", invocations: 17, inputTokens: 6400, outputTokens: 2480 },
        { endpoint: "shared-llm", lob: "wealth", invocations: 7, inputTokens: 7000, outputTokens: 700 },
      ],
      malformed: 4,
      duplicates: 2,
    });
    const sql = mock.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input.QueryString ?? "";
    expect(sql).toBe(athenaUsageSql("smcb", "usage_events", OCT));
    expect(sql).toContain('FROM "smcb"."usage_events"');
    // ts is an instant, never text: parsed (a time that does not parse is NULL, so malformed), compared as a timestamp
    expect(sql).toContain("CAST((try(from_iso8601_timestamp(ts)) AT TIME ZONE 'UTC') AS TIMESTAMP) AS ts");
    expect(sql).toContain("ts >= TIMESTAMP '2026-10-01 00:00:00' AND ts < TIMESTAMP '2026-11-01 00:00:00'");
    expect(sql).not.toContain("'2026-10-01T00:00:00'");
    // the ledger's checks: v = 1, an id, a lob, a kind, counts non-negative integers
    expect(sql).toContain(
      "v = 1 AND id <> '' AND lob <> '' AND kind IN ('sagemaker', 'bedrock') AND ts IS NOT NULL",
    );
    expect(sql).toContain("input_tokens >= 0 AND input_tokens = floor(input_tokens)");
    expect(sql).toContain("output_tokens >= 0 AND output_tokens = floor(output_tokens)");
  });

  it("with hourly endpoints: the hour of the counted copy in the SQL, and each row's hour in the result", async () => {
    // Trino: CAST(timestamp AS varchar) prints `2026-10-05 08:15:00.000`; its first 13 characters are the UTC hour
    // (ts is a UTC TIMESTAMP here, lakeEventsSql)
    mock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "usage" });
    mock.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: "SUCCEEDED" } } });
    const cols = [
      "malformed",
      "endpoint",
      "lob",
      "invocations",
      "input_tokens",
      "output_tokens",
      "duplicates",
    ];
    const usageRow = (lob: string, hour: string | null, n: string) => ({
      malformed: "false",
      endpoint: hour === null ? "other" : "shared-llm",
      lob,
      invocations: n,
      input_tokens: "10",
      output_tokens: "1",
      duplicates: "0",
      events: n,
      hour,
    });
    mock
      .on(GetQueryResultsCommand)
      .resolves(
        answer(
          [...cols, "events", "hour"],
          [
            usageRow("wealth", "2026-10-05 02", "1"),
            usageRow("retail", "2026-10-05 08", "2"),
            usageRow("retail", null, "3"),
          ],
        ),
      );
    const out = await readAthenaUsage(client, {
      database: "smcb",
      table: "usage_events",
      window: OCT,
      hourlyEndpoints: ["shared-llm"],
      pollMs: 1,
    });
    expect(out.usage.map((u) => [u.endpoint, u.lob, u.hour])).toEqual([
      ["other", "retail", undefined],
      ["shared-llm", "retail", "2026-10-05T08:00:00Z"],
      ["shared-llm", "wealth", "2026-10-05T02:00:00Z"],
    ]);
    const sql = mock.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input.QueryString ?? "";
    expect(sql).toBe(athenaUsageSql("smcb", "usage_events", OCT, ["shared-llm"]));
    expect(sql).toContain(
      "CASE WHEN lower(f.endpoint) IN ('shared-llm') THEN substr(f.ts, 1, 13) END AS hour",
    );
    expect(sql).toContain("GROUP BY 1, 2, 3, 4, 10");
    // without hourly endpoints, the month's query has no hour at all
    expect(athenaUsageSql("smcb", "usage_events", OCT)).not.toMatch(/hour/i);
  });

  it("with gatewayEstimates: a second query over the lake's price_estimate, its sums per LOB in the result", async () => {
    mock.on(StartQueryExecutionCommand).callsFake((input: { QueryString?: string }) => ({
      QueryExecutionId: input.QueryString?.includes("price_estimate") ? "estimate" : "usage",
    }));
    mock.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: "SUCCEEDED" } } });
    mock
      .on(GetQueryResultsCommand, { QueryExecutionId: "usage" })
      .resolves(
        answer(
          [
            "malformed",
            "endpoint",
            "lob",
            "invocations",
            "input_tokens",
            "output_tokens",
            "duplicates",
            "events",
          ],
          [],
        ),
      );
    mock
      .on(GetQueryResultsCommand, { QueryExecutionId: "estimate" })
      .resolves(
        answer(
          ["lob", "calls", "estimate"],
          [{ lob: "retail", calls: "2", estimate: "0.550012000000000000" }],
        ),
      );
    const out = await readAthenaUsage(client, {
      database: "smcb",
      table: "usage_events",
      window: OCT,
      gatewayEstimates: true,
      pollMs: 1,
    });
    expect(out.gatewayEstimates?.map((e) => [e.lob, e.calls, e.estimate.toString()])).toEqual([
      ["retail", 2, "0.550012"],
    ]);
    const sqls = mock.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.QueryString ?? "");
    expect(sqls).toHaveLength(2);
    const estimate = sqls.find((q) => q.includes("price_estimate")) ?? "";
    // every kind of event (no kind filter), valid ones of the month, duplicates by id once
    expect(estimate).toContain(
      "WHERE NOT malformed AND TRY_CAST(price_estimate AS DECIMAL(38, 18)) IS NOT NULL",
    );
    expect(estimate).toContain(
      "ts >= TIMESTAMP '2026-10-01 00:00:00' AND ts < TIMESTAMP '2026-11-01 00:00:00'",
    );
    expect(estimate).toContain("GROUP BY id");
    expect(estimate).not.toContain("kind = 'sagemaker'");
  });

  it("refuses a row whose count is not a count", async () => {
    mock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "usage" });
    mock.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: "SUCCEEDED" } } });
    const cols = [
      "malformed",
      "endpoint",
      "lob",
      "invocations",
      "input_tokens",
      "output_tokens",
      "duplicates",
      "events",
    ];
    mock.on(GetQueryResultsCommand).resolves(
      answer(cols, [
        {
          malformed: "false",
          endpoint: "e",
          lob: "retail",
          invocations: "1.5",
          input_tokens: "1",
          output_tokens: "1",
          duplicates: "0",
          events: "1",
        },
      ]),
    );
    await expect(
      readAthenaUsage(client, { database: "smcb", table: "usage_events", window: OCT, pollMs: 1 }),
    ).rejects.toThrow('invocations "1.5" is not a count');
  });
});
