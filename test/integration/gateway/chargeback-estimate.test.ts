/**
 * Issue 11 item 9, end to end: calls through the gateway (the `openai` client against `smcb gateway`'s handler and
 * the Bedrock runtime stand-in) leave §3.3 events with `tenant` and `price_estimate` in the file ledger; `smcb
 * chargeback` then shows, per LOB, the gateway's estimate beside the billed figure and their difference, in every
 * format (table, JSON, CSV, Markdown, HTML), and says that the bill is the charge. Figures computed by hand below.
 *
 * Prices (the test configuration, per million tokens): claude-sonnet input 3.00, output 15.00; titan-embed input
 * 0.02. The stand-in counts input tokens as the words of the prompt and writes the output tokens asked for (capped
 * at `max_tokens`).
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileUsageRecorder } from "../../../inference/recorders/file-usage-recorder.js";
import { runCli } from "../../support/cli.js";
import {
  type GatewayWorkspace,
  gatewayConfigJson,
  PAYMENTS_PROFILE,
  RETAIL_PROFILE,
  startGatewayWorkspace,
} from "../../support/gateway-fixtures.js";
import { usageEvent } from "../../support/usage-events.js";

let ws: GatewayWorkspace;
let month: string;
const out = () => path.join(ws.dir, "out");
const report = (ext: string) => readFile(path.join(out(), `chargeback-${month}.${ext}`), "utf8");

beforeAll(async () => {
  // the model writes as much as it may: max_tokens
  ws = await startGatewayWorkspace({ behave: () => ({ outputTokens: 1_000_000 }) });
  const openai = (tenant: string) =>
    ws.key(tenant).then((apiKey) => new OpenAI({ apiKey, baseURL: `${ws.server.url}/v1`, maxRetries: 0 }));
  const fraud = await openai("fraud-team");
  const shop = await openai("shop-team");
  // payments: two chats of 4 words in, 20,000 out: 2 × (4 × 3 + 20,000 × 15) / 1e6 = 2 × 0.300012 = 0.600024;
  // an embedding of 3 words: 3 × 0.02 / 1e6 = 0.00000006 → 0.60002406, 3 calls
  for (let i = 0; i < 2; i++)
    await fraud.chat.completions.create({
      model: "claude-sonnet",
      messages: [{ role: "user", content: "one two three four" }],
      max_tokens: 20_000,
    });
  await fraud.embeddings.create({ model: "titan-embed", input: "one two three" });
  // retail: one chat of 2 words in, 40,000 out: (2 × 3 + 40,000 × 15) / 1e6 = 0.600006
  await shop.chat.completions.create({
    model: "claude-sonnet",
    messages: [{ role: "user", content: "hi there" }],
    max_tokens: 40_000,
  });
  const events = await ws.stop();
  expect(events).toHaveLength(4);
  month = (events[0]?.ts ?? "").slice(0, 7);
  // and a call of shop-team to a shared SageMaker endpoint, as the gateway records one (`sagemaker/<endpoint>`),
  // priced 0.25 → retail 0.850006, 2 calls
  const sm = new FileUsageRecorder({ path: path.join(ws.dir, "usage"), writerId: "gateway-sm" });
  sm.record(
    usageEvent({
      ts: `${month}-01T12:00:00.000Z`,
      lob: "retail",
      kind: "sagemaker",
      endpoint: "shared-llm",
      input_tokens: 1000,
      output_tokens: 100,
      tenant: "shop-team",
      price_estimate: "0.25",
    }),
  );
  await sm.close();
  // the bill: payments 1.00 + 2.50 (its profile), retail 0.40 (its profile) + 10.00 (a dedicated endpoint)
  const line = (product: string, type: string, resource: string, cost: string, lob: string) =>
    [
      `${month}-01T00:00:00.000Z`,
      product,
      type,
      resource,
      "1",
      "Units",
      cost,
      "USD",
      `"{""user_LineOfBusiness"":""${lob}""}"`,
    ].join(",");
  await writeFile(
    path.join(ws.dir, "cur.csv"),
    `${[
      "line_item_usage_start_date,line_item_product_code,line_item_usage_type,line_item_resource_id,line_item_usage_amount,pricing_unit,line_item_unblended_cost,line_item_currency_code,resource_tags",
      line("AmazonBedrock", "USE1-Claude-input-tokens", PAYMENTS_PROFILE, "1.00", "payments"),
      line("AmazonBedrock", "USE1-Claude-output-tokens", PAYMENTS_PROFILE, "2.50", "payments"),
      line("AmazonBedrock", "USE1-Claude-output-tokens", RETAIL_PROFILE, "0.40", "retail"),
      line(
        "AmazonSageMaker",
        "USE1-Host:ml.g5.2xlarge",
        "arn:aws:sagemaker:us-east-1:111122223333:endpoint/retail-bot",
        "10.00",
        "retail",
      ),
    ].join("\n")}\n`,
  );
  await writeFile(
    path.join(ws.dir, "smcb.config.json"),
    JSON.stringify({
      ...gatewayConfigJson(ws.dir),
      costs: { type: "cur", path: path.join(ws.dir, "cur.csv") },
    }),
  );
  const r = await runCli([
    "chargeback",
    "--month",
    month,
    "--config",
    path.join(ws.dir, "smcb.config.json"),
    "--out",
    out(),
  ]);
  expect(r.stderr).not.toMatch(/error/i);
  expect(r.code).toBe(0);
}, 120_000);
afterAll(async () => {
  await ws?.remove();
});

describe("smcb chargeback with gateway events: the gateway's estimate beside the bill, per LOB", () => {
  it("JSON: gatewayEstimate per LOB with calls, estimate, billed and difference (billed − estimate)", async () => {
    const json = JSON.parse(await report("json"));
    expect(json.gatewayEstimate).toEqual({
      note: expect.stringContaining("The billed figure is the charge"),
      lobs: [
        // 3.50 − 0.60002406 = 2.89997594
        { lob: "payments", calls: 3, estimate: "0.60", billed: "3.50", difference: "2.90" },
        // 10.40 − 0.850006 = 9.549994
        { lob: "retail", calls: 2, estimate: "0.85", billed: "10.40", difference: "9.55" },
      ],
      // 1.45003006; 13.90; 12.44996994
      total: { calls: 5, estimate: "1.45", billed: "13.90", difference: "12.45" },
    });
    // the bill stays the charge: the LOB totals are the billed figures, untouched by the estimate
    expect(json.lobs.map((l: { lob: string; total: string }) => [l.lob, l.total])).toEqual([
      ["payments", "3.50"],
      ["retail", "10.40"],
    ]);
    expect(json.reconciliation.reportTotal).toBe("13.90");
  });

  it("table, Markdown and HTML: the same figures and the sentence that the bill is the charge", async () => {
    for (const ext of ["txt", "md", "html"]) {
      const text = await report(ext);
      expect(text).toContain("Gateway estimate beside the bill");
      expect(text).toContain("The billed figure is the charge");
      expect(text).toContain("not a charge");
      for (const figure of ["0.60", "3.50", "2.90", "0.85", "10.40", "9.55", "1.45", "13.90", "12.45"])
        expect(text, `${ext}: ${figure}`).toContain(figure);
    }
    const md = await report("md");
    expect(md).toContain("| payments | 3 | 0.60 | 3.50 | 2.90 |");
    expect(md).toContain("| retail | 2 | 0.85 | 10.40 | 9.55 |");
  });

  it("CSV: one gateway_estimate row per LOB, its cost empty, so the cost column still adds up to the total", async () => {
    const rows = (await report("csv"))
      .trim()
      .split("\n")
      .map((l) => l.split(","));
    const header = rows[0] ?? [];
    expect(header.slice(-3)).toEqual(["gateway_estimate", "gateway_billed", "gateway_difference"]);
    const col = (name: string) => header.indexOf(name);
    const gateway = rows.filter((r) => r[col("category")] === "gateway_estimate");
    expect(
      gateway.map((r) => [r[col("lob")], r[col("consumed_quantity")], r[col("cost")], ...r.slice(-3)]),
    ).toEqual([
      ["payments", "3", "", "0.60", "3.50", "2.90"],
      ["retail", "2", "", "0.85", "10.40", "9.55"],
    ]);
    const cents = rows.slice(1).reduce((t, r) => t + Math.round(Number(r[col("cost")] || 0) * 100), 0);
    expect(cents).toBe(1390);
  });
});
