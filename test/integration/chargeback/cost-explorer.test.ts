import { CostExplorerClient } from "@aws-sdk/client-cost-explorer";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CostLine } from "../../../chargeback/model.js";
import { readCostExplorerCosts } from "../../../chargeback/sources/cost-explorer.js";
import { type Moto, motoClientConfig, startMoto } from "../../support/moto.js";

const group = (keys: [string, string], cost: string, quantity: string, unit = "Hrs") => ({
  Keys: keys,
  Metrics: { UnblendedCost: { Amount: cost, Unit: "USD" }, UsageQuantity: { Amount: quantity, Unit: unit } },
});
const period = (groups: unknown[], estimated = false) => ({
  TimePeriod: { Start: "2026-10-01", End: "2026-11-01" },
  Total: {},
  Groups: groups,
  Estimated: estimated,
});

/** moto answers queued results in request order (one per distinct request body, pages included). */
async function queueCeResults(moto: Moto, results: unknown[]): Promise<void> {
  const res = await fetch(`${moto.endpoint}/moto-api/static/ce/cost-and-usage-results`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ results }),
  });
  expect(res.status).toBe(201);
}

const plain = (l: CostLine) => ({
  ...l,
  usageStart: l.usageStart.toISOString(),
  usageAmount: l.usageAmount.toString(),
  cost: l.cost.toFixed(2),
});

describe("Cost Explorer cost source against moto", () => {
  let moto: Moto;
  let ce: CostExplorerClient;
  beforeAll(async () => {
    moto = await startMoto();
    ce = new CostExplorerClient(motoClientConfig(moto));
  });
  afterAll(async () => {
    await moto?.stop();
  });
  beforeEach(async () => {
    await moto.reset();
  });

  it("turns the three grouped queries, every page, into cost lines the engine maps", async () => {
    await queueCeResults(moto, [
      // 1. dedicated SageMaker, page 1 of 2
      {
        ResultsByTime: [
          period([group(["LineOfBusiness$retail", "USE1-Train:ml.m5.xlarge"], "120.00", "40")]),
        ],
        NextPageToken: "page-2",
      },
      // 1. page 2
      {
        ResultsByTime: [
          period([
            group(["LineOfBusiness$insurance", "USE1-Host:ml.g4dn.xlarge"], "300.00", "730"),
            group(["LineOfBusiness$", "USE1-Notebk:ml.t3.medium"], "3.00", "12"),
            group(["LineOfBusiness$Retail", "USE1-Processing:ml.m5.xlarge"], "2.50", "5"),
            group(["LineOfBusiness$retail", "USE1-Host:ml.m5.xlarge"], "0", "0"),
          ]),
        ],
      },
      // 2. Bedrock
      {
        ResultsByTime: [
          period([
            group(["LineOfBusiness$retail", "USE1-Claude3Haiku-input-tokens"], "36.20", "1200", "N/A"),
            group(["LineOfBusiness$", "USE1-TitanEmbed-input-tokens"], "7.10", "10", "N/A"),
          ]),
        ],
      },
      // 3. shared endpoints
      {
        ResultsByTime: [
          period(
            [
              group(["SharedEndpoint$shared-llm", "USE1-Host:ml.g5.2xlarge"], "600.00", "400"),
              group(["SharedEndpoint$shared-llm", "USE1-Data-Processed-In"], "0.45", "9", "GB"),
            ],
            true,
          ),
        ],
      },
    ]);

    const out = await readCostExplorerCosts(ce, {
      month: "2026-10",
      region: "us-east-1",
      now: new Date("2026-11-20T00:00:00Z"),
    });

    expect(out.currency).toBe("USD");
    expect(out.estimated).toBe(true); // the shared query's period said Estimated
    const start = "2026-10-01T00:00:00.000Z";
    const arn = "arn:aws:sagemaker:us-east-1::endpoint/shared-llm";
    expect(out.lines.map(plain)).toEqual([
      {
        usageStart: start,
        service: "AmazonSageMaker",
        usageType: "USE1-Train:ml.m5.xlarge",
        resourceId: null,
        usageAmount: "40",
        cost: "120.00",
        tags: { user_LineOfBusiness: "retail" },
      },
      {
        usageStart: start,
        service: "AmazonSageMaker",
        usageType: "USE1-Host:ml.g4dn.xlarge",
        resourceId: null,
        usageAmount: "730",
        cost: "300.00",
        tags: { user_LineOfBusiness: "insurance" },
      },
      {
        usageStart: start,
        service: "AmazonSageMaker",
        usageType: "USE1-Notebk:ml.t3.medium",
        resourceId: null,
        usageAmount: "12",
        cost: "3.00",
        tags: {},
      },
      {
        usageStart: start,
        service: "AmazonSageMaker",
        usageType: "USE1-Processing:ml.m5.xlarge",
        resourceId: null,
        usageAmount: "5",
        cost: "2.50",
        tags: { user_LineOfBusiness: "Retail" },
      },
      {
        usageStart: start,
        service: "AmazonBedrock",
        usageType: "USE1-Claude3Haiku-input-tokens",
        resourceId: null,
        usageAmount: "1200",
        cost: "36.20",
        tags: { user_LineOfBusiness: "retail" },
      },
      {
        usageStart: start,
        service: "AmazonBedrock",
        usageType: "USE1-TitanEmbed-input-tokens",
        resourceId: null,
        usageAmount: "10",
        cost: "7.10",
        tags: {},
      },
      {
        usageStart: start,
        service: "AmazonSageMaker",
        usageType: "USE1-Host:ml.g5.2xlarge",
        resourceId: arn,
        usageAmount: "400",
        cost: "600.00",
        tags: { user_SharedEndpoint: "shared-llm" },
      },
      {
        usageStart: start,
        service: "AmazonSageMaker",
        usageType: "USE1-Data-Processed-In",
        resourceId: arn,
        usageAmount: "9",
        cost: "0.45",
        tags: { user_SharedEndpoint: "shared-llm" },
      },
    ]);
  });

  it("gives no lines, not an error, for a month without cost, and is final once the month has ended", async () => {
    const out = await readCostExplorerCosts(ce, {
      month: "2026-09",
      region: "us-east-1",
      now: new Date("2026-11-20T00:00:00Z"),
    });
    expect(out).toEqual({ lines: [], currency: "USD", estimated: false });
  });
});
