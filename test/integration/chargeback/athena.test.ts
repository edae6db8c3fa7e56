import { AthenaClient } from "@aws-sdk/client-athena";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAthenaCurCosts } from "../../../chargeback/sources/athena-cur.js";
import { readAthenaUsage } from "../../../chargeback/sources/athena-usage.js";
import { DataSourceError } from "../../../core/errors.js";
import { type Moto, motoClientConfig, startMoto } from "../../support/moto.js";

/** Queues one Athena result (header row first, as Athena returns a SELECT) for the next query. */
async function queueAthenaResult(moto: Moto, columns: string[], rows: (string | null)[][]): Promise<void> {
  const toRow = (cells: (string | null)[]) => ({
    Data: cells.map((c) => (c === null ? {} : { VarCharValue: c })),
  });
  const res = await fetch(`${moto.endpoint}/moto-api/static/athena/query-results`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      results: [
        {
          rows: [toRow(columns), ...rows.map(toRow)],
          column_info: columns.map((Name) => ({ Name, Label: Name, Type: "varchar" })),
        },
      ],
    }),
  });
  expect(res.status).toBe(201);
}

const CUR_COLUMNS = [
  "line_item_usage_start_date",
  "line_item_product_code",
  "line_item_usage_type",
  "line_item_resource_id",
  "line_item_usage_amount",
  "line_item_unblended_cost",
  "resource_tags",
];

describe("Athena sources against moto", () => {
  let moto: Moto;
  let athena: AthenaClient;
  beforeAll(async () => {
    moto = await startMoto();
    athena = new AthenaClient(motoClientConfig(moto));
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it("reads CUR rows into cost lines, in-scope services only, tags as JSON or Athena map text", async () => {
    await queueAthenaResult(moto, CUR_COLUMNS, [
      [
        "2026-10-01 00:00:00.000",
        "AmazonSageMaker",
        "USE1-Host:ml.g5.2xlarge",
        "arn:aws:sagemaker:us-east-1:111122223333:endpoint/shared-llm",
        "400",
        "600.0000000001",
        '{"user_lineofbusiness":"platform","user_sharedendpoint":"shared-llm"}',
      ],
      [
        "2026-10-02 00:00:00.000",
        "AmazonBedrock",
        "USE1-Claude-input-tokens",
        null,
        "1200",
        "36.2",
        "{user_lineofbusiness=retail, user_team=a=b}",
      ],
      ["2026-10-03 00:00:00.000", "AmazonS3", "USE1-TimedStorage", null, "1", "9.99", null],
      ["2026-10-04 00:00:00.000", "AmazonSageMaker", "USE1-Train:ml.m5.xlarge", "", "3", "1.5", null],
    ]);
    const out = await readAthenaCurCosts(athena, {
      month: "2026-10",
      sql: "SELECT … FROM cur WHERE …",
      database: "cur",
      pollMs: 10,
      now: new Date("2026-11-20T00:00:00Z"),
    });
    expect(out.estimated).toBe(false);
    expect(out.currency).toBe("USD");
    expect(
      out.lines.map((l) => ({
        ...l,
        usageStart: l.usageStart.toISOString(),
        usageAmount: l.usageAmount.toString(),
        cost: l.cost.toString(),
      })),
    ).toEqual([
      {
        usageStart: "2026-10-01T00:00:00.000Z",
        service: "AmazonSageMaker",
        usageType: "USE1-Host:ml.g5.2xlarge",
        resourceId: "arn:aws:sagemaker:us-east-1:111122223333:endpoint/shared-llm",
        usageAmount: "400",
        cost: "600.0000000001",
        tags: { user_lineofbusiness: "platform", user_sharedendpoint: "shared-llm" },
      },
      {
        usageStart: "2026-10-02T00:00:00.000Z",
        service: "AmazonBedrock",
        usageType: "USE1-Claude-input-tokens",
        resourceId: null,
        usageAmount: "1200",
        cost: "36.2",
        tags: { user_lineofbusiness: "retail", user_team: "a=b" },
      },
      {
        usageStart: "2026-10-04T00:00:00.000Z",
        service: "AmazonSageMaker",
        usageType: "USE1-Train:ml.m5.xlarge",
        resourceId: null,
        usageAmount: "3",
        cost: "1.5",
        tags: {},
      },
    ]);
  });

  it("names the columns a CUR query lacks (exit 3)", async () => {
    await queueAthenaResult(moto, CUR_COLUMNS.slice(0, 5), []);
    const failed = readAthenaCurCosts(athena, {
      month: "2026-10",
      sql: "SELECT 1",
      database: "cur",
      pollMs: 10,
    });
    await expect(failed).rejects.toBeInstanceOf(DataSourceError);
    await expect(failed).rejects.toThrow("lacks the column(s) line_item_unblended_cost, resource_tags");
  });

  it("reads the usage aggregation into endpoint usage", async () => {
    await queueAthenaResult(
      moto,
      ["endpoint", "lob", "invocations", "input_tokens", "output_tokens"],
      [
        ["shared-llm", "retail", "17", "6400", "2480"],
        ["shared-llm", "wealth", "7", "7000", "700"],
      ],
    );
    const out = await readAthenaUsage(athena, {
      sql: "SELECT …",
      database: "smcb",
      workgroup: "primary",
      pollMs: 10,
    });
    expect(out).toEqual({
      usage: [
        { endpoint: "shared-llm", lob: "retail", invocations: 17, inputTokens: 6400, outputTokens: 2480 },
        { endpoint: "shared-llm", lob: "wealth", invocations: 7, inputTokens: 7000, outputTokens: 700 },
      ],
      malformed: 0,
      duplicates: 0,
    });
  });
});
