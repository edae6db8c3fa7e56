/**
 * `smcb endpoint utilization`: measured utilization hour by hour and, for a `tokens` endpoint, the capacity it
 * implies (docs/utilization.md). Costs are an hourly CUR 2.0 file (`line_item_usage_start_date` on the hour), the
 * measurement a utilization file: the same records CloudWatch's `/aws/sagemaker/Endpoints` `GPUUtilization` gives
 * (the sum over the instance's GPUs; ml.g5.12xlarge has 4), per hour.
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../support/cli.js";

const hour = (h: number) => `2026-10-05T${String(h).padStart(2, "0")}:00:00Z`;
const busy = (h: number) => h >= 8 && h < 20;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "smcb-eu-"));
  await mkdir(path.join(dir, "costs"));
  await mkdir(path.join(dir, "usage/2026/10/05"), { recursive: true });
  const cur = [
    "line_item_usage_start_date,line_item_product_code,line_item_usage_type,line_item_resource_id,line_item_usage_amount,line_item_unblended_cost,line_item_currency_code,bill_invoice_id,resource_tags",
    ...Array.from(
      { length: 24 },
      (_, h) =>
        `${hour(h)},AmazonSageMaker,USE1-Host:ml.g5.12xlarge,arn:aws:sagemaker:us-east-1:111122223333:endpoint/shared-llm,1,10,USD,INV-1,{}`,
    ),
  ];
  await writeFile(path.join(dir, "costs/cur.csv"), `${cur.join("\n")}\n`);
  // 10 calls of 1,080 input tokens: 10,800 weighted tokens
  const events = Array.from({ length: 10 }, (_, i) =>
    JSON.stringify({
      v: 1,
      id: `e${i}`,
      ts: `2026-10-05T10:0${i}:00Z`,
      lob: "retail",
      kind: "sagemaker",
      endpoint: "shared-llm",
      component: null,
      variant: null,
      profile_arn: null,
      model_id: null,
      input_tokens: 1080,
      output_tokens: 0,
      cache_read_tokens: 0,
      cache_write_tokens: 0,
      token_source: "reported",
      latency_ms: null,
      status: "ok",
    }),
  );
  await writeFile(path.join(dir, "usage/2026/10/05/w.jsonl"), `${events.join("\n")}\n`);
  // day hours 80% of the 4 GPUs (Sum 320 a sample), night 10% (40); hours 22 and 23 not measured
  const records = Array.from({ length: 22 }, (_, h) =>
    JSON.stringify({
      kind: "metric",
      endpoint: "shared-llm",
      variant: "AllTraffic",
      metric: "GPUUtilization",
      hour: hour(h),
      sum: (busy(h) ? 320 : 40) * 60,
      samples: 60,
    }),
  );
  await writeFile(path.join(dir, "utilization.jsonl"), `${records.join("\n")}\n`);
  await writeFile(
    path.join(dir, "smcb.config.json"),
    JSON.stringify({
      lobs: ["platform", "retail"],
      usage: { type: "file", path: "usage" },
      costs: { type: "cur", path: "costs/*.csv", basis: "unblended" },
      sharedEndpoints: [
        {
          name: "shared-llm",
          owner: "platform",
          tokenWeights: { input: 1, output: 3 },
          capacityTokensPerInstanceHour: 2000,
          utilizationFile: "utilization.jsonl",
        },
      ],
    }),
  );
});

describe("smcb endpoint utilization", () => {
  it("prints the hours and, for tokens, the capacity the measurement implies", async () => {
    const r = await runCli(["endpoint", "utilization", "--name", "shared-llm", "--month", "2026-10"], {
      cwd: dir,
    });
    expect(r.stderr).toContain("2 hour(s) with cost had no cloudwatch measurement");
    expect(r.code).toBe(0);
    // measured: (12 × 0.8 + 10 × 0.1) / 22 = 0.481818…; implied: 10,800 / (24 × 0.481818) = 934
    expect(r.stdout).toContain("measured utilization 48.2%, token-derived 22.5%");
    expect(r.stdout).toContain("hours without a measurement: 2 (20.00)");
    expect(r.stdout).toContain("implied capacityTokensPerInstanceHour: 934 (configured: 2000;");
    expect(r.stdout).toContain(
      "05    10 10 10 10 10 10 10 10 80 80 80 80 80 80 80 80 80 80 80 80 10 10 -- --",
    );
  });

  it("--json gives every hour", async () => {
    const r = await runCli(
      ["endpoint", "utilization", "--name", "shared-llm", "--month", "2026-10", "--json"],
      {
        cwd: dir,
      },
    );
    expect(r.code).toBe(0);
    const u = JSON.parse(r.stdout);
    expect(u).toMatchObject({
      endpoint: "shared-llm",
      source: "cloudwatch",
      configuredSource: "tokens",
      mode: "hourly",
      instanceHours: "24",
      weightedTokens: 10800,
      capacityTokensPerInstanceHour: 2000,
      impliedCapacityTokensPerInstanceHour: 934,
      missingHours: { count: 2, cost: "20.00", hours: [hour(22), hour(23)] },
    });
    expect(u.hourly).toHaveLength(24);
    expect(u.hourly[8]).toEqual({ hour: hour(8), utilization: 0.8 });
  });

  it("refuses an endpoint that is not configured (exit 2)", async () => {
    const r = await runCli(["endpoint", "utilization", "--name", "other", "--month", "2026-10"], {
      cwd: dir,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("other is not a shared endpoint");
  });
});
