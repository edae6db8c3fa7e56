import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { athenaEngine, runAthenaQuery } from "../../../../chargeback/sources/athena.js";
import { parseResourceTags } from "../../../../chargeback/sources/athena-cur.js";
import { AwsError, DataSourceError } from "../../../../core/errors.js";

const mock = mockClient(AthenaClient);
const client = new AthenaClient({
  region: "us-east-1",
  credentials: { accessKeyId: "x", secretAccessKey: "x" },
});
const row = (...cells: string[]) => ({ Data: cells.map((VarCharValue) => ({ VarCharValue })) });
const meta = {
  ColumnInfo: [
    { Name: "a", Type: "varchar" },
    { Name: "b", Type: "varchar" },
  ],
};

beforeEach(() => mock.reset());
afterEach(() => mock.reset());

describe("runAthenaQuery", () => {
  it("starts the query, polls until it succeeds, and reads every page, skipping the header row once", async () => {
    mock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q-1" });
    mock
      .on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { Status: { State: "QUEUED" } } })
      .resolvesOnce({ QueryExecution: { Status: { State: "RUNNING" } } })
      .resolves({ QueryExecution: { Status: { State: "SUCCEEDED" } } });
    mock
      .on(GetQueryResultsCommand)
      .resolvesOnce({
        ResultSet: { Rows: [row("a", "b"), row("1", "x")], ResultSetMetadata: meta },
        NextToken: "t",
      })
      .resolves({
        ResultSet: { Rows: [row("2", "y"), { Data: [{ VarCharValue: "3" }, {}] }], ResultSetMetadata: meta },
      });
    const progress: string[] = [];
    const out = await runAthenaQuery(client, "SELECT a, b FROM t WHERE m = ?", {
      database: "cur",
      workgroup: "finops",
      outputLocation: "s3://bucket/athena/",
      parameters: ["'2026-10'"],
      pollMs: 1,
      onProgress: (m) => progress.push(m),
    });
    expect(progress).toEqual(["Athena query q-1: QUEUED", "Athena query q-1: RUNNING"]);
    expect(out).toEqual({
      columns: ["a", "b"],
      rows: [
        ["1", "x"],
        ["2", "y"],
        ["3", null],
      ],
    });
    expect(mock.commandCalls(GetQueryExecutionCommand)).toHaveLength(3);
    expect(mock.commandCalls(GetQueryResultsCommand)).toHaveLength(2);
    expect(mock.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input).toEqual({
      QueryString: "SELECT a, b FROM t WHERE m = ?",
      QueryExecutionContext: { Database: "cur" },
      WorkGroup: "finops",
      ResultConfiguration: { OutputLocation: "s3://bucket/athena/" },
      ExecutionParameters: ["'2026-10'"],
    });
  });

  it("fails with the reason when the query fails", async () => {
    mock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q-2" });
    mock.on(GetQueryExecutionCommand).resolves({
      QueryExecution: { Status: { State: "FAILED", StateChangeReason: "TABLE_NOT_FOUND: cur" } },
    });
    const failed = runAthenaQuery(client, "SELECT 1", { database: "cur", pollMs: 1 });
    await expect(failed).rejects.toBeInstanceOf(DataSourceError);
    await expect(failed).rejects.toThrow("Athena query q-2 failed: TABLE_NOT_FOUND: cur");
  });

  it("gives up after the timeout", async () => {
    mock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q-3" });
    mock.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: "RUNNING" } } });
    await expect(
      runAthenaQuery(client, "SELECT 1", { database: "cur", pollMs: 5, timeoutMs: 30 }),
    ).rejects.toThrow(/did not finish within/);
  });

  it("wraps SDK errors as AwsError", async () => {
    mock
      .on(StartQueryExecutionCommand)
      .rejects(Object.assign(new Error("nope"), { name: "InvalidRequestException" }));
    await expect(runAthenaQuery(client, "SELECT 1", { database: "cur" })).rejects.toBeInstanceOf(AwsError);
  });
});

describe("parseResourceTags", () => {
  it("reads JSON objects, Athena map text and nothing", () => {
    expect(parseResourceTags('{"user_a":"x","user_b":null}')).toEqual({ user_a: "x" });
    expect(parseResourceTags("{user_a=x, user_b=y=z}")).toEqual({ user_a: "x", user_b: "y=z" });
    expect(parseResourceTags(null)).toEqual({});
    expect(parseResourceTags("{}")).toEqual({});
    expect(() => parseResourceTags("user_a=x")).toThrow(DataSourceError);
  });
});

describe("athenaEngine", () => {
  it("runs a query through runAthenaQuery and returns rows keyed by column, as text", async () => {
    mock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q-e" });
    mock.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: "SUCCEEDED" } } });
    mock.on(GetQueryResultsCommand).resolves({
      ResultSet: {
        Rows: [row("a", "b"), row("1", "x"), { Data: [{ VarCharValue: "2" }, {}] }],
        ResultSetMetadata: meta,
      },
    });
    const engine = athenaEngine(client, { database: "cur", workgroup: "finops", pollMs: 1 });
    expect(engine.dialect).toBe("athena");
    expect(await engine.query("SELECT a, b FROM t")).toEqual([
      { a: "1", b: "x" },
      { a: "2", b: null },
    ]);
    expect(mock.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input).toMatchObject({
      QueryString: "SELECT a, b FROM t",
      QueryExecutionContext: { Database: "cur" },
      WorkGroup: "finops",
    });
  });
});
