/**
 * Issue 6, done when: the Cost Explorer source (canned answers through moto's API) and the CloudWatch source
 * (metrics put by the real CloudWatchUsageRecorder) give the same allocation as the file sources (a CUR CSV and a
 * ledger written by FileUsageRecorder from the same events) for the same month, through `smcb chargeback --json`.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { UsageEvent } from "../../../core/usage-event.js";
import { CloudWatchUsageRecorder } from "../../../inference/recorders/cloudwatch-usage-recorder.js";
import { FileUsageRecorder } from "../../../inference/recorders/file-usage-recorder.js";
import { runCli } from "../../support/cli.js";
import { type CeItem, motoAnswersFor } from "../../support/cost-explorer-fake.js";
import { MOTO_ENV, type Moto, motoClientConfig, startMoto } from "../../support/moto.js";
import { usageEvent } from "../../support/usage-events.js";

const MONTH = "2026-10";
const ACCOUNT = "111122223333";
const LOBS = ["retail", "wealth", "insurance", "platform"];

/** The month's usage: shared and dedicated endpoints, components, errors, an unknown LOB, Bedrock, month edges. */
function events(): UsageEvent[] {
  const endpoints = ["shared-llm", "shared-llm", "shared-embed", "ins-fraud"];
  const lobs = [...LOBS, "marketing"];
  const out: UsageEvent[] = [];
  for (let i = 0; i < 600; i++) {
    const endpoint = endpoints[i % endpoints.length] as string;
    const lob = lobs[(i * 3 + Math.floor(i / 7)) % lobs.length] as string;
    const day = String(1 + ((i * 7) % 31)).padStart(2, "0");
    const time = [(i * 5) % 24, (i * 13) % 60, (i * 17) % 60].map((n) => String(n).padStart(2, "0"));
    out.push(
      usageEvent({
        id: `ev-${i}`,
        ts: `${MONTH}-${day}T${time.join(":")}.${String(i % 1000).padStart(3, "0")}Z`,
        lob,
        endpoint,
        component: endpoint === "shared-llm" && i % 5 === 0 ? `llm-ic-${lob}` : null,
        input_tokens: 100 + ((i * 37) % 400),
        output_tokens: 20 + ((i * 11) % 200),
        status: i % 29 === 0 ? "error" : "ok",
      }),
    );
  }
  const edge = (id: string, ts: string, lob: string, input: number, output: number) =>
    usageEvent({ id, ts, lob, endpoint: "shared-llm", input_tokens: input, output_tokens: output });
  out.push(
    edge("first", "2026-10-01T00:00:00.000Z", "wealth", 5_000, 1_000),
    edge("last", "2026-10-31T23:59:59.999Z", "retail", 7_000, 2_000),
    edge("before", "2026-09-30T23:59:59.999Z", "retail", 900_000, 900_000),
    edge("after", "2026-11-01T00:00:00.000Z", "wealth", 900_000, 900_000),
  );
  for (let i = 0; i < 20; i++)
    out.push(
      usageEvent({
        id: `bedrock-${i}`,
        ts: `${MONTH}-${String(1 + i).padStart(2, "0")}T12:00:00.000Z`,
        lob: LOBS[i % LOBS.length] as string,
        kind: "bedrock",
        endpoint: null,
        variant: null,
        profile_arn: `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/p${i % 4}`,
        model_id: "anthropic.claude-3-haiku-20240307-v1:0",
        input_tokens: 1_000_000,
        output_tokens: 1_000_000,
      }),
    );
  return out;
}

/** A CUR 2.0 line (CSV row) of the month. */
interface CurLine {
  readonly day: string;
  readonly product: "AmazonSageMaker" | "AmazonBedrock" | "AmazonS3";
  readonly usageType: string;
  readonly resource: string;
  readonly amount: string;
  readonly cost: string;
  readonly tags: Record<string, string>;
}

const endpointArn = (name: string) => `arn:aws:sagemaker:us-east-1:${ACCOUNT}:endpoint/${name}`;
const shared = (name: string, owner: string) => ({ user_LineOfBusiness: owner, user_SharedEndpoint: name });
const lob = (value: string) => ({ user_LineOfBusiness: value });

/** The CUR export: hourly-ish lines split over the month, with exact sub-cent amounts. */
const CUR: CurLine[] = [
  // shared-llm: 744 h in two lines, 1130.88 in all, plus data processed
  {
    day: "01",
    product: "AmazonSageMaker",
    usageType: "USE1-Host:ml.g5.2xlarge",
    resource: endpointArn("shared-llm"),
    amount: "372",
    cost: "565.4412345",
    tags: shared("shared-llm", "platform"),
  },
  {
    day: "16",
    product: "AmazonSageMaker",
    usageType: "USE1-Host:ml.g5.2xlarge",
    resource: endpointArn("shared-llm"),
    amount: "372",
    cost: "565.4387655",
    tags: shared("shared-llm", "platform"),
  },
  {
    day: "20",
    product: "AmazonSageMaker",
    usageType: "USE1-Data-Processed-In",
    resource: endpointArn("shared-llm"),
    amount: "9",
    cost: "0.45",
    tags: shared("shared-llm", "platform"),
  },
  // shared-embed: 744 h, 171.12
  {
    day: "01",
    product: "AmazonSageMaker",
    usageType: "USE1-Host:ml.m5.xlarge",
    resource: endpointArn("shared-embed"),
    amount: "744",
    cost: "171.12",
    tags: shared("shared-embed", "wealth"),
  },
  // dedicated
  {
    day: "03",
    product: "AmazonSageMaker",
    usageType: "USE1-Train:ml.m5.xlarge",
    resource: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:training-job/churn`,
    amount: "25",
    cost: "70.005",
    tags: lob("retail"),
  },
  {
    day: "09",
    product: "AmazonSageMaker",
    usageType: "USE1-Train:ml.m5.xlarge",
    resource: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:training-job/churn-2`,
    amount: "15",
    cost: "49.995",
    tags: lob("retail"),
  },
  {
    day: "01",
    product: "AmazonSageMaker",
    usageType: "USE1-Host:ml.m5.xlarge",
    resource: endpointArn("ins-fraud"),
    amount: "744",
    cost: "300.00",
    tags: lob("insurance"),
  },
  {
    day: "05",
    product: "AmazonSageMaker",
    usageType: "USE1-Notebk:ml.t3.medium",
    resource: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:notebook-instance/scratch`,
    amount: "12",
    cost: "3.00",
    tags: {},
  },
  {
    day: "07",
    product: "AmazonSageMaker",
    usageType: "USE1-Processing:ml.m5.xlarge",
    resource: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:processing-job/etl`,
    amount: "3",
    cost: "5.555",
    tags: lob("marketing"),
  },
  // Bedrock
  {
    day: "02",
    product: "AmazonBedrock",
    usageType: "USE1-Claude3Haiku-input-tokens",
    resource: `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/p0`,
    amount: "1200",
    cost: "36.2",
    tags: lob("retail"),
  },
  {
    day: "04",
    product: "AmazonBedrock",
    usageType: "USE1-Claude3Haiku-input-tokens",
    resource: `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/p1`,
    amount: "400",
    cost: "12.345",
    tags: lob("wealth"),
  },
  {
    day: "06",
    product: "AmazonBedrock",
    usageType: "USE1-TitanEmbed-input-tokens",
    resource: "",
    amount: "10",
    cost: "7.10",
    tags: {},
  },
  // out of scope and out of the month
  {
    day: "08",
    product: "AmazonS3",
    usageType: "USE1-TimedStorage-ByteHrs",
    resource: "bucket",
    amount: "1",
    cost: "9.99",
    tags: lob("retail"),
  },
];
const SEPTEMBER_LINE: CurLine = {
  day: "30",
  product: "AmazonSageMaker",
  usageType: "USE1-Host:ml.g5.2xlarge",
  resource: endpointArn("shared-llm"),
  amount: "24",
  cost: "36.48",
  tags: shared("shared-llm", "platform"),
};

function curCsv(): string {
  const header =
    "line_item_usage_start_date,line_item_product_code,line_item_usage_type,line_item_resource_id,line_item_usage_amount,pricing_unit,line_item_unblended_cost,line_item_currency_code,resource_tags";
  const row = (l: CurLine, month = MONTH) =>
    [
      `${month}-${l.day}T00:00:00.000Z`,
      l.product,
      l.usageType,
      l.resource,
      l.amount,
      l.usageType.includes("Host:") ? "Hrs" : "Units",
      l.cost,
      "USD",
      `"${JSON.stringify(l.tags).replaceAll('"', '""')}"`,
    ].join(",");
  return `${[header, ...CUR.map((l) => row(l)), row(SEPTEMBER_LINE, "2026-09")].join("\n")}\n`;
}

/** Cost Explorer's `SERVICE` names of the CUR products of the month. */
const CE_SERVICE: Readonly<Record<CurLine["product"], string>> = {
  AmazonSageMaker: "Amazon SageMaker",
  AmazonBedrock: "Amazon Bedrock",
  AmazonS3: "Amazon Simple Storage Service",
};

/**
 * The same month's lines as Cost Explorer holds them (SERVICE, RECORD_TYPE `Usage`, usage type, the cost allocation
 * tags under the keys the user typed); `motoAnswersFor` turns them into the answers of the source's own queries, which
 * are queued in moto.
 */
function costExplorerItems(): CeItem[] {
  const keys: Readonly<Record<string, string>> = {
    user_LineOfBusiness: "LineOfBusiness",
    user_SharedEndpoint: "SharedEndpoint",
  };
  return CUR.map((l) => ({
    service: CE_SERVICE[l.product],
    recordType: "Usage",
    usageType: l.usageType,
    tags: Object.fromEntries(Object.entries(l.tags).map(([k, v]) => [keys[k] ?? k, v])),
    cost: l.cost,
    quantity: l.amount,
  }));
}

const FILE_COSTS = { type: "cur", path: "costs/*.csv" };
const CE_COSTS = { type: "cost-explorer" };
const FILE_USAGE = { type: "file", path: "usage" };
const CW_USAGE = { type: "cloudwatch", namespace: "SMChargebackAgree" };

function config(costs: object, usage: object) {
  return {
    region: "us-east-1",
    lobs: LOBS,
    costs,
    usage,
    sharedEndpoints: [
      {
        name: "shared-llm",
        owner: "platform",
        tokenWeights: { input: 1, output: 3 },
        capacityTokensPerInstanceHour: 1_000,
        reservations: { insurance: 0.1 },
        idle: "proportional",
      },
      { name: "shared-embed", owner: "wealth", capacityTokensPerInstanceHour: 500, idle: "separate" },
    ],
  };
}

/**
 * The allocation part of a report: everything but the detail rows (whose resource ids differ by source) and what
 * says where the lines came from (source, its warnings, and the excluded services, which Cost Explorer names by
 * SERVICE and CUR by product code).
 */
function allocation(report: Record<string, unknown>) {
  const { lines: _lines, source: _source, warnings: _warnings, excluded: _excluded, ...rest } = report;
  return rest;
}

describe("AWS sources give the same allocation as the file sources (smcb chargeback --json against moto)", () => {
  let moto: Moto;
  let ws: string;
  /** The report of the file sources: CUR CSV + JSONL ledger. */
  let files: Record<string, unknown>;

  async function chargeback(costs: object, usage: object): Promise<Record<string, unknown>> {
    const name = `smcb.${(costs as { type: string }).type}.${(usage as { type: string }).type}.json`;
    const file = path.join(ws, name);
    await writeFile(file, JSON.stringify(config(costs, usage)));
    const r = await runCli([
      "chargeback",
      "--month",
      MONTH,
      "--json",
      "--config",
      file,
      "--endpoint-url",
      moto.endpoint,
    ]);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  }

  beforeAll(async () => {
    for (const [k, v] of Object.entries(MOTO_ENV)) vi.stubEnv(k, v);
    vi.stubEnv("AWS_ENDPOINT_URL", undefined);
    vi.stubEnv("AWS_PROFILE", undefined);
    moto = await startMoto();
    ws = await mkdtemp(path.join(tmpdir(), "smcb-sources-agree-"));
    await mkdir(path.join(ws, "costs"));
    await writeFile(path.join(ws, "costs/cur.csv"), curCsv());

    const all = events();
    const file = new FileUsageRecorder({
      path: path.join(ws, "usage"),
      writerId: "agree",
      flushOnExit: false,
    });
    const cw = new CloudWatchUsageRecorder({
      namespace: CW_USAGE.namespace,
      // moto cannot read gzip-compressed PutMetricData bodies (the SDK compresses those over 10 KB)
      client: new CloudWatchClient({ ...motoClientConfig(moto), disableRequestCompression: true }),
      spoolDir: path.join(ws, "spool"),
      flushOnExit: false,
      flushIntervalMs: 3_600_000,
    });
    for (const e of all) {
      file.record(e);
      cw.record(e);
    }
    await Promise.all([file.close(), cw.close()]);
    expect(cw.stats).toMatchObject({ recorded: all.length, dropped: 0, spilled: 0 });
    expect(file.stats).toMatchObject({ recorded: all.length, dropped: 0 });

    const res = await fetch(`${moto.endpoint}/moto-api/static/ce/cost-and-usage-results`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        results: await motoAnswersFor(costExplorerItems(), {
          month: MONTH,
          tagKey: "LineOfBusiness",
          region: "us-east-1",
          basis: "net-amortized",
        }),
      }),
    });
    expect(res.status).toBe(201);
    files = await chargeback(FILE_COSTS, FILE_USAGE);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await moto?.stop();
    if (ws) await rm(ws, { recursive: true, force: true });
  });

  it("the file sources' report is a real allocation, reconciled to the CUR's in-scope total", () => {
    // The baseline is a real allocation: every rule exercised, reconciled to the CUR's in-scope total.
    // 1130.88 + 0.45 + 171.12 + 120 + 300 + 3 + 5.555 + 36.2 + 12.345 + 7.10 = 1786.65
    expect(files.reconciliation).toEqual({
      sourceTotal: "1786.65",
      reportTotal: "1786.65",
      difference: "0.00",
      estimated: false,
      basis: "net-amortized",
      byCategory: {
        usage: "1786.65",
        commitment: "0.00",
        discount: "0.00",
        credit: "0.00",
        refund: "0.00",
        tax: "0.00",
      },
    });
    expect(files.excluded).toEqual([{ service: "AmazonS3", lines: 1, cost: "9.99" }]);
    const endpoints = files.sharedEndpoints as {
      endpoint: string;
      cost: string;
      instanceHours: string;
      idle: string;
      allocations: { lob: string }[];
    }[];
    expect(endpoints.map((e) => [e.endpoint, e.cost, e.instanceHours])).toEqual([
      ["shared-embed", "171.12", "744"],
      ["shared-llm", "1131.33", "744"],
    ]);
    const [embed, llm] = endpoints;
    expect(llm?.allocations.map((a) => a.lob).sort()).toEqual([...LOBS, "marketing"].sort());
    expect(Number(embed?.idle)).toBeGreaterThan(0);
    // marketing: its 5.555 processing job plus its part of shared-llm
    expect(
      (files.unallocated as { items: { reason: string; service: string }[] }).items.map((u) => [
        u.reason,
        u.service,
      ]),
    ).toEqual([
      ["unknown-lob:marketing", "AmazonSageMaker"],
      ["untagged", "AmazonBedrock"],
      ["untagged", "AmazonSageMaker"],
    ]);
  });

  it("Cost Explorer costs give the same allocation as the CUR file", async () => {
    expect(allocation(await chargeback(CE_COSTS, FILE_USAGE))).toEqual(allocation(files));
  });

  it("CloudWatch usage (the recorder's metrics) gives the same allocation as the ledger", async () => {
    expect(allocation(await chargeback(FILE_COSTS, CW_USAGE))).toEqual(allocation(files));
  });

  it("Cost Explorer and CloudWatch together give the same allocation as the file sources", async () => {
    expect(allocation(await chargeback(CE_COSTS, CW_USAGE))).toEqual(allocation(files));
  });
});
