/**
 * The usage lake read with its compacted table (docs/ledger.md: the ledger's compacted days copied to S3, a Glue
 * table over them): one `UNION ALL` of the JSON table's checked events and the compacted rows, de-duplicated together
 * by id. The SQL sent to Athena (aws-sdk-client-mock), and what it means, run on DuckDB over the same rows: an event
 * compacted and also still in the JSON table counts once; a compacted row stands for `copies` events.
 */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import { mockClient } from "aws-sdk-client-mock";
import { describe, expect, it } from "vitest";
import { monthWindow } from "../../../../chargeback/engine/month.js";
import { athenaUsageSql, readAthenaUsage } from "../../../../chargeback/sources/athena-usage.js";
import { queryRows, withDuckDb } from "../../../../chargeback/sources/duckdb.js";
import {
  compactedLakeEventsSql,
  usageAggregationSql,
  usageFromRows,
} from "../../../../chargeback/sources/usage-sql.js";
import { parseConfig } from "../../../../core/config.js";

const OCT = monthWindow("2026-10");

describe("the usage lake with its compacted table", () => {
  it("reads only the partitions of the month and its neighbours, across a year boundary too", () => {
    expect(compactedLakeEventsSql('"smcb"."usage_compacted"', OCT)).toContain(
      "WHERE (year = 2026 AND month IN (9, 10, 11))",
    );
    expect(compactedLakeEventsSql("t", monthWindow("2027-01"))).toContain(
      "WHERE (year = 2026 AND month IN (12)) OR (year = 2027 AND month IN (1, 2))",
    );
  });

  it("sends one query over the JSON table UNION ALL the compacted table, named by usage.athena.compactedTable", async () => {
    const config = parseConfig({
      lobs: ["retail"],
      usage: {
        type: "firehose",
        deliveryStream: "smcb-usage",
        athena: { database: "smcb", table: "usage_events", compactedTable: "usage_compacted" },
      },
    });
    const athena = config.usage.type === "firehose" ? config.usage.athena : undefined;
    expect(athena?.compactedTable).toBe("usage_compacted");
    const client = new AthenaClient({ region: "us-east-1" });
    const mock = mockClient(client);
    mock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q" });
    mock.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: "SUCCEEDED" } } });
    mock.on(GetQueryResultsCommand).resolves({
      ResultSet: { ResultSetMetadata: { ColumnInfo: [] }, Rows: [{ Data: [] }] },
    });
    await readAthenaUsage(client, {
      database: "smcb",
      table: "usage_events",
      compactedTable: "usage_compacted",
      window: OCT,
      pollMs: 1,
    });
    const sql = mock.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input.QueryString ?? "";
    expect(sql).toBe(athenaUsageSql("smcb", "usage_events", OCT, undefined, "usage_compacted"));
    expect(sql).toContain('FROM "smcb"."usage_events"');
    expect(sql).toContain("UNION ALL\nSELECT id, CAST(ts AS TIMESTAMP) AS ts");
    expect(sql).toContain('FROM "smcb"."usage_compacted"');
    // without a compacted table, the query is the JSON table's alone, as before
    expect(athenaUsageSql("smcb", "usage_events", OCT)).not.toContain("UNION ALL");
  });

  it("counts an event compacted and still in the JSON table once, and a compacted row as its copies", async () => {
    // the JSON table's events after lakeEventsSql's checks (the columns it yields), and a compacted table
    const raw = `SELECT * FROM (VALUES
        ('e1', TIMESTAMP '2026-10-05 10:00:00', 'retail', 'sagemaker', 'shared-llm', 100, 10, 1, NULL, false),
        ('e2', TIMESTAMP '2026-10-06 10:00:00', 'wealth', 'sagemaker', 'shared-llm', 50, 5, 1, NULL, false),
        ('e9', TIMESTAMP '2026-11-01 00:00:00', 'wealth', 'sagemaker', 'shared-llm', 7, 7, 1, NULL, false))
      AS t(id, ts, lob, kind, endpoint, input_tokens, output_tokens, copies, file, malformed)`;
    const rows = await withDuckDb("test", async (c) => {
      await c.run(`CREATE TABLE usage_compacted AS SELECT * FROM (VALUES
          ('e1', TIMESTAMP '2026-10-05 10:00:00', 'retail', 'sagemaker', 'shared-llm', 100, 10, 2, 2026, 10, 5),
          ('e3', TIMESTAMP '2026-10-07 10:00:00', 'retail', 'sagemaker', 'shared-llm', 30, 3, 1, 2026, 10, 7),
          ('e4', TIMESTAMP '2026-09-30 23:59:00', 'retail', 'sagemaker', 'shared-llm', 999, 9, 1, 2026, 9, 30),
          ('e5', TIMESTAMP '2026-10-09 10:00:00', 'retail', 'sagemaker', 'shared-llm', 1, 1, 1, 2025, 10, 9))
        AS t(id, ts, lob, kind, endpoint, input_tokens, output_tokens, copies, year, month, day)`);
      const events = `${raw}\nUNION ALL\n${compactedLakeEventsSql("usage_compacted", OCT)}`;
      return queryRows(c, usageAggregationSql(events, OCT));
    });
    const out = usageFromRows(
      rows.map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? null : String(v)])),
      ),
    );
    // e1: in both (1 JSON + 2 compacted copies) → once; e3 compacted; e4 in September, e9 in November: outside the
    // window; e5 in a partition of another year: not read
    expect(out.usage).toEqual([
      { endpoint: "shared-llm", lob: "retail", invocations: 2, inputTokens: 130, outputTokens: 13 },
      { endpoint: "shared-llm", lob: "wealth", invocations: 1, inputTokens: 50, outputTokens: 5 },
    ]);
    expect(out.duplicates).toBe(2);
    expect(out.malformed).toBe(0);
  });
});
