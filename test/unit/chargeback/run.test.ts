import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand } from "@aws-sdk/client-cloudwatch";
import {
  CostExplorerClient,
  GetCostAndUsageCommand,
  type GetCostAndUsageCommandInput,
} from "@aws-sdk/client-cost-explorer";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { monthWindow } from "../../../chargeback/engine/month.js";
import { type CostSource, runChargeback, type UsageSource } from "../../../chargeback/run.js";
import { athenaColumnsSql } from "../../../chargeback/sources/athena.js";
import { athenaUsageSql } from "../../../chargeback/sources/athena-usage.js";
import { CUR_REQUIRED_COLUMNS, curSql } from "../../../chargeback/sources/cur-sql.js";
import { parseConfig } from "../../../core/config.js";
import { ConfigError, UsageError } from "../../../core/errors.js";
import { hosting } from "./helpers.js";

const config = parseConfig(
  {
    lobs: ["retail", "platform"],
    costs: { type: "cur", path: "costs/*.csv" },
    sharedEndpoints: [{ name: "shared-llm", owner: "platform" }],
  },
  "/ws/smcb.config.json",
);
const costSource: CostSource = async (_w, estimated) => ({
  lines: [hosting("shared-llm", "10", "100")],
  currency: "USD",
  estimated,
  basis: "unblended",
  excluded: [],
});
const usageSource: UsageSource = async () => ({
  usage: [{ endpoint: "shared-llm", lob: "retail", invocations: 1, inputTokens: 1, outputTokens: 1 }],
  malformed: 2,
  duplicates: 3,
});

describe("runChargeback", () => {
  it("runs the engine on the sources' month", async () => {
    const r = await runChargeback({
      config,
      month: "2026-10",
      costSource,
      usageSource,
      now: new Date("2026-11-01T00:00:00Z"),
    });
    expect(r.lobs.find((l) => l.lob === "retail")?.total).toBe("100.00");
    expect(r.reconciliation.estimated).toBe(false);
    expect(r.usageQuality).toEqual({ malformed: 2, duplicates: 3 });
  });

  it("flags the current month as estimated", async () => {
    const r = await runChargeback({
      config,
      month: "2026-10",
      costSource,
      usageSource,
      now: new Date("2026-10-31T23:59:59Z"),
    });
    expect(r.reconciliation.estimated).toBe(true);
  });

  it("keeps the source's own estimated flag for a closed month", async () => {
    const r = await runChargeback({
      config,
      month: "2026-09",
      costSource: async () => ({
        lines: [],
        currency: "USD",
        estimated: true,
        basis: "unblended" as const,
        excluded: [],
      }),
      usageSource,
      now: new Date("2026-10-02T00:00:00Z"),
    });
    expect(r.reconciliation.estimated).toBe(true);
  });

  it("refuses a future month (UsageError, exit 2)", async () => {
    const err = await runChargeback({
      config,
      month: "2026-12",
      costSource,
      usageSource,
      now: new Date("2026-11-30T00:00:00Z"),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
  });

  it("says what is missing in the configuration", async () => {
    const noCosts = parseConfig({ lobs: ["retail"] }, "/ws/smcb.config.json");
    await expect(
      runChargeback({
        config: noCosts,
        month: "2026-10",
        usageSource,
        now: new Date("2026-11-02T00:00:00Z"),
      }),
    ).rejects.toBeInstanceOf(ConfigError);
    const firehose = parseConfig(
      {
        lobs: ["retail"],
        costs: { type: "cost-explorer" },
        usage: { type: "firehose", deliveryStream: "usage" },
      },
      "/ws/smcb.config.json",
    );
    const err = await runChargeback({
      config: firehose,
      month: "2026-10",
      costSource,
      now: new Date("2026-11-02T00:00:00Z"),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).exitCode).toBe(2);
    expect((err as ConfigError).problems).toEqual([
      "usage.athena: required (usage delivered by Firehose is read through its Athena table)",
    ]);
  });
});

describe("runChargeback with the configured AWS sources (injected clients)", () => {
  const athena = mockClient(AthenaClient);
  const ce = mockClient(CostExplorerClient);
  const cw = mockClient(CloudWatchClient);
  afterEach(() => {
    athena.reset();
    ce.reset();
    cw.reset();
  });
  afterAll(() => {
    athena.restore();
    ce.restore();
    cw.restore();
  });
  const credentials = { accessKeyId: "x", secretAccessKey: "x" };
  const clients = {
    athena: new AthenaClient({ region: "eu-west-1", credentials }),
    costExplorer: new CostExplorerClient({ region: "us-east-1", credentials }),
    cloudWatch: new CloudWatchClient({ region: "eu-west-1", credentials }),
  };
  const now = new Date("2026-11-02T00:00:00Z");
  const table = (t: string) => ({
    database: "finops",
    table: t,
    workgroup: "chargeback",
    outputLocation: "s3://r/",
  });

  it("reads CUR and usage through Athena with the shared SQL, on the configured tables", async () => {
    const cfg = parseConfig(
      {
        lobs: ["retail", "platform"],
        costs: { type: "cur", athena: table("cur") },
        usage: { type: "firehose", deliveryStream: "usage", athena: table("usage") },
        sharedEndpoints: [{ name: "shared-llm", owner: "platform" }],
      },
      "/ws/smcb.config.json",
    );
    athena.on(StartQueryExecutionCommand).callsFake((input: { QueryString?: string }) => ({
      QueryExecutionId: input.QueryString?.includes("information_schema")
        ? "columns"
        : input.QueryString?.includes('"finops"."cur"')
          ? "cur"
          : "usage",
    }));
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: "SUCCEEDED" } } });
    const result = (columns: string[], ...rows: string[][]) => ({
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: columns.map((Name) => ({ Name, Type: "varchar" })) },
        Rows: [columns, ...rows].map((r) => ({ Data: r.map((VarCharValue) => ({ VarCharValue })) })),
      },
    });
    // The CUR table's columns (information_schema), then the CUR reader's one query (its result columns).
    const columns = new Map<string, string>([
      ...CUR_REQUIRED_COLUMNS.map((c): [string, string] => [
        c,
        c === "line_item_usage_start_date" ? "timestamp(3)" : "varchar",
      ]),
      ["resource_tags", "map(varchar,varchar)"],
    ]);
    athena
      .on(GetQueryResultsCommand, { QueryExecutionId: "columns" })
      .resolves(result(["column_name", "data_type"], ...[...columns].map(([c, t]) => [c, t])));
    athena
      .on(GetQueryResultsCommand, { QueryExecutionId: "cur" })
      .resolves(
        result(
          [
            "service",
            "product_code",
            "line_item_type",
            "category",
            "usage_type",
            "resource_id",
            "resource_tags",
            "currency",
            "usage_start",
            "usage_amount",
            "cost",
            "line_count",
            "invoice_open",
          ],
          [
            "AmazonSageMaker",
            "AmazonSageMaker",
            "Usage",
            "usage",
            "USE1-Host:ml.g5.2xlarge",
            "arn:aws:sagemaker:eu-west-1:111122223333:endpoint/shared-llm",
            "{}",
            "USD",
            "2026-10-01 00:00:00.000",
            "10",
            "100",
            "1",
            "false",
          ],
        ),
      );
    athena
      .on(GetQueryResultsCommand, { QueryExecutionId: "usage" })
      .resolves(
        result(
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
          ["false", "shared-llm", "retail", "3", "30", "10", "0", "3"],
        ),
      );
    const progress: string[] = [];
    const r = await runChargeback({
      config: cfg,
      month: "2026-10",
      clients,
      now,
      onProgress: (m) => progress.push(m),
    });
    expect(r.lobs.find((l) => l.lob === "retail")?.shared).toBe("100.00");

    const starts = athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input);
    const window = monthWindow("2026-10");
    const ref = '"finops"."cur"';
    expect(starts.map((s) => s.QueryString).sort()).toEqual(
      [
        athenaColumnsSql("finops", "cur"),
        curSql({
          relations: [{ name: ref, from: ref, columns }],
          window,
          basis: "net-amortized",
          dialect: "athena",
        }),
        athenaUsageSql("finops", "usage", window),
      ].sort(),
    );
    for (const s of starts) {
      expect(s.QueryExecutionContext).toEqual({ Database: "finops" });
      expect(s.WorkGroup).toBe("chargeback");
      expect(s.ResultConfiguration).toEqual({ OutputLocation: "s3://r/" });
    }
    expect(progress).toContain('Athena: reading CUR lines of 2026-10 from "finops"."cur"');
  });

  it("asks Cost Explorer by the config's tag key and CloudWatch for the configured endpoints × LOBs", async () => {
    const cfg = parseConfig(
      {
        tagKey: "CostCenter",
        lobs: ["retail", "platform"],
        costs: { type: "cost-explorer" },
        usage: { type: "cloudwatch", namespace: "Usage" },
        sharedEndpoints: [{ name: "shared-llm", owner: "platform" }],
      },
      "/ws/smcb.config.json",
    );
    // By SERVICE × RECORD_TYPE the month holds SageMaker usage (AWS) and a Claude model (AWS Marketplace).
    ce.on(GetCostAndUsageCommand).callsFake((input: GetCostAndUsageCommandInput) => {
      const metric = input.Metrics?.[0] ?? "";
      const byRecordType = input.GroupBy?.[1]?.Key === "RECORD_TYPE";
      const marketplace = input.Filter?.Dimensions?.Key === "BILLING_ENTITY";
      const service = !byRecordType
        ? undefined
        : marketplace
          ? "Claude (Amazon Bedrock Edition)"
          : "Amazon SageMaker";
      return {
        ResultsByTime: [
          {
            Groups: service
              ? [{ Keys: [service, "Usage"], Metrics: { [metric]: { Amount: "1.00", Unit: "USD" } } }]
              : [],
          },
        ],
      };
    });
    cw.on(ListMetricsCommand).resolves({ Metrics: [] });
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    await runChargeback({ config: cfg, month: "2026-10", clients, now });

    const asked = ce.commandCalls(GetCostAndUsageCommand).map((c) => c.args[0].input);
    // Two calls by record type, dedicated and shared SageMaker, the Marketplace model found by BILLING_ENTITY.
    expect(asked).toHaveLength(5);
    expect(asked[2]?.GroupBy?.[0]).toEqual({ Type: "TAG", Key: "CostCenter" });
    expect(asked[4]?.GroupBy?.[0]).toEqual({ Type: "TAG", Key: "CostCenter" });
    expect(JSON.stringify(asked[4]?.Filter)).toContain("Claude (Amazon Bedrock Edition)");
    const queries = cw.commandCalls(GetMetricDataCommand)[0]?.args[0].input.MetricDataQueries ?? [];
    expect(queries.map((q) => q.MetricStat?.Metric?.Dimensions?.map((d) => d.Value).join("/"))).toEqual([
      "shared-llm/retail",
      "shared-llm/retail",
      "shared-llm/retail",
      "shared-llm/platform",
      "shared-llm/platform",
      "shared-llm/platform",
    ]);
    expect(queries[0]?.MetricStat?.Metric?.Namespace).toBe("Usage");
  });
});
