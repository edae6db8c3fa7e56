import { AthenaClient } from "@aws-sdk/client-athena";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { monthWindow } from "../../../chargeback/engine/month.js";
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

/** The CUR table's columns as Athena's information_schema lists them (CUR 2.0 Glue types: CID `cur.yaml`). */
const TABLE_COLUMNS: [string, string][] = [
  ["bill_billing_entity", "varchar"],
  ["bill_invoice_id", "varchar"],
  ["line_item_usage_start_date", "timestamp(3)"],
  ["line_item_line_item_type", "varchar"],
  ["line_item_product_code", "varchar"],
  ["line_item_usage_type", "varchar"],
  ["line_item_resource_id", "varchar"],
  ["line_item_usage_amount", "double"],
  ["line_item_unblended_cost", "double"],
  ["line_item_currency_code", "varchar"],
  ["product", "map(varchar,varchar)"],
  ["resource_tags", "map(varchar,varchar)"],
  ["savings_plan_savings_plan_effective_cost", "double"],
  ["savings_plan_total_commitment_to_date", "double"],
  ["savings_plan_used_commitment", "double"],
  ["reservation_effective_cost", "double"],
  ["reservation_unused_amortized_upfront_fee_for_billing_period", "double"],
  ["reservation_unused_recurring_fee", "double"],
  ["reservation_reservation_a_r_n", "varchar"],
];
/** The columns of the CUR reader's one query (`curSql`). */
const CUR_RESULT = [
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
const OCT = monthWindow("2026-10");

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

  it("lists the table's columns, then reads the CUR rows into cost lines and excluded sums", async () => {
    await queueAthenaResult(moto, ["column_name", "data_type"], TABLE_COLUMNS);
    // service, product_code, line_item_type, category, usage_type, resource_id, resource_tags, tags, pricing_unit,
    // currency, product_name, usage_start, usage_amount, cost, line_count, invoice_open
    await queueAthenaResult(moto, CUR_RESULT, [
      [
        "AmazonSageMaker",
        "AmazonSageMaker",
        "SavingsPlanCoveredUsage",
        "usage",
        "USE1-Host:ml.g5.2xlarge",
        "arn:aws:sagemaker:us-east-1:111122223333:endpoint/shared-llm",
        '{"user_line_of_business":"platform"}',
        null,
        null,
        "USD",
        null,
        "2026-10-01 00:00:00.000",
        "400.000000000000000000",
        "600.000000000100000000",
        "400",
        "false",
      ],
      [
        "AmazonBedrock",
        "4x5ab0c9l1hzqt8yrnwbnqk8f",
        "Usage",
        "usage",
        "USE1-MP:USE1_InputTokenCount-Units",
        null,
        "{user_line_of_business=retail, user_team=a=b}",
        null,
        null,
        "USD",
        "Claude Sonnet 4.5 (Amazon Bedrock Edition)",
        "2026-10-02 00:00:00.000",
        "1200",
        "36.2",
        "3",
        "false",
      ],
      [
        "AmazonSageMaker",
        "MachineLearningSavingsPlans",
        "SavingsPlanRecurringFee",
        "commitment",
        "SageMakerSP:1yrNoUpfront",
        null,
        null,
        null,
        null,
        "USD",
        null,
        "2026-10-01 00:00:00.000",
        "720",
        "20",
        "1",
        "false",
      ],
      [
        null,
        "AmazonS3",
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        "USD",
        null,
        "2026-10-03 00:00:00.000",
        "1",
        "9.99",
        "12",
        "false",
      ],
    ]);
    const out = await readAthenaCurCosts(athena, {
      database: "cur",
      table: "data",
      window: OCT,
      basis: "net-amortized",
      pollMs: 10,
    });
    expect(out).toMatchObject({ estimated: false, currency: "USD", basis: "net-amortized", warnings: [] });
    expect(out.excluded.map((e) => [e.service, e.lines, e.cost.toString()])).toEqual([
      ["AmazonS3", 12, "9.99"],
    ]);
    expect(
      out.lines.map((l) => ({
        ...l,
        usageStart: l.usageStart.toISOString(),
        usageAmount: l.usageAmount.toString(),
        cost: l.cost.toString(),
      })),
    ).toEqual([
      {
        usageStart: "2026-10-02T00:00:00.000Z",
        service: "AmazonBedrock",
        category: "usage",
        lineItemType: "Usage",
        productCode: "4x5ab0c9l1hzqt8yrnwbnqk8f",
        productName: "Claude Sonnet 4.5 (Amazon Bedrock Edition)",
        usageType: "USE1-MP:USE1_InputTokenCount-Units",
        resourceId: null,
        usageAmount: "1200",
        cost: "36.2",
        tags: { user_line_of_business: "retail", user_team: "a=b" },
      },
      {
        usageStart: "2026-10-01T00:00:00.000Z",
        service: "AmazonSageMaker",
        category: "usage",
        lineItemType: "SavingsPlanCoveredUsage",
        productCode: "AmazonSageMaker",
        usageType: "USE1-Host:ml.g5.2xlarge",
        resourceId: "arn:aws:sagemaker:us-east-1:111122223333:endpoint/shared-llm",
        usageAmount: "400",
        cost: "600.0000000001",
        tags: { user_line_of_business: "platform" },
      },
      {
        usageStart: "2026-10-01T00:00:00.000Z",
        service: "AmazonSageMaker",
        category: "commitment",
        lineItemType: "SavingsPlanRecurringFee",
        productCode: "MachineLearningSavingsPlans",
        usageType: "SageMakerSP:1yrNoUpfront",
        resourceId: null,
        usageAmount: "720",
        cost: "20",
        tags: {},
      },
    ]);
  });

  it("names the columns a CUR table lacks for the basis (exit 3)", async () => {
    await queueAthenaResult(
      moto,
      ["column_name", "data_type"],
      TABLE_COLUMNS.filter(([c]) => c !== "line_item_unblended_cost" && c !== "resource_tags"),
    );
    const failed = readAthenaCurCosts(athena, {
      database: "cur",
      table: "data",
      window: OCT,
      basis: "unblended",
      pollMs: 10,
    });
    await expect(failed).rejects.toBeInstanceOf(DataSourceError);
    await expect(failed).rejects.toThrow('"cur"."data": line_item_unblended_cost, resource_tags (or tags)');
  });

  it("reads the usage aggregation into endpoint usage, with its malformed and duplicate counts", async () => {
    await queueAthenaResult(
      moto,
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
      [
        ["false", "shared-llm", "retail", "17", "6400", "2480", "0", "17"],
        ["false", "shared-llm", "wealth", "7", "7000", "700", "1", "8"],
        ["true", null, null, "1", null, null, "2", "3"],
      ],
    );
    const out = await readAthenaUsage(athena, {
      database: "smcb",
      table: "usage_events",
      workgroup: "primary",
      window: OCT,
      pollMs: 10,
    });
    expect(out).toEqual({
      usage: [
        { endpoint: "shared-llm", lob: "retail", invocations: 17, inputTokens: 6400, outputTokens: 2480 },
        { endpoint: "shared-llm", lob: "wealth", invocations: 7, inputTokens: 7000, outputTokens: 700 },
      ],
      malformed: 3,
      duplicates: 1,
    });
  });
});
