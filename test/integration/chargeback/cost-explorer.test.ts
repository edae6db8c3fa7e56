/**
 * The Cost Explorer cost source against moto's Cost Explorer, whose `GetCostAndUsage` answers canned results
 * (`POST /moto-api/static/ce/cost-and-usage-results`, one per distinct request body, in request order; see moto's
 * `ce/models.py`). The SDK's requests go over the wire and are checked against botocore's model of the API.
 */
import {
  CostExplorerClient,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from "@aws-sdk/client-cost-explorer";
import type { FinalizeRequestMiddleware } from "@smithy/types";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { COST_BASES, type CostLine } from "../../../chargeback/model.js";
import { readCostExplorerCosts } from "../../../chargeback/sources/cost-explorer.js";
import { formatMoney } from "../../../core/money.js";
import { type ApiModel, checkWireRequest, loadApiModel, type WireRequest } from "../../support/api-model.js";
import {
  EXPECTED_EXCLUDED,
  expectedLines,
  MONTH_ITEMS,
  motoAnswersFor,
} from "../../support/cost-explorer-fake.js";
import { type Moto, motoClientConfig, startMoto } from "../../support/moto.js";

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
  service: l.service,
  category: l.category,
  lineItemType: l.lineItemType,
  productCode: l.productCode,
  ...(l.productName !== undefined ? { productName: l.productName } : {}),
  usageType: l.usageType,
  resourceId: l.resourceId,
  usageAmount: l.usageAmount.toString(),
  cost: formatMoney(l.cost),
  tags: l.tags,
  ...(l.unit !== undefined ? { unit: l.unit } : {}),
});

/** A Cost Explorer client for moto that keeps every request as it went over the wire. */
function recordingClient(moto: Moto): { client: CostExplorerClient; sent: WireRequest[] } {
  const client = new CostExplorerClient(motoClientConfig(moto));
  const sent: WireRequest[] = [];
  const record: FinalizeRequestMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next) => async (args) => {
    const req = args.request as {
      method: string;
      path: string;
      query?: Record<string, string | string[] | null>;
      headers: Record<string, string>;
      body?: unknown;
    };
    sent.push({
      method: req.method,
      path: req.path,
      query: req.query ?? {},
      headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v])),
      body:
        typeof req.body === "string"
          ? req.body
          : req.body instanceof Uint8Array
            ? Buffer.from(req.body).toString("utf8")
            : undefined,
    });
    return next(args);
  };
  client.middlewareStack.add(record, { step: "finalizeRequest", name: "recordWire" });
  return { client, sent };
}

const group = (keys: [string, string], metric: string, cost: string, quantity = "0", unit = "N/A") => ({
  Keys: keys,
  Metrics: { [metric]: { Amount: cost, Unit: "USD" }, UsageQuantity: { Amount: quantity, Unit: unit } },
});
const period = (groups: unknown[], estimated = false) => ({
  TimePeriod: { Start: "2026-10-01", End: "2026-11-01" },
  Total: {},
  Groups: groups,
  Estimated: estimated,
});

describe("Cost Explorer cost source against moto", () => {
  let moto: Moto;
  let model: ApiModel;
  beforeAll(async () => {
    moto = await startMoto();
    model = loadApiModel("ce");
  });
  afterAll(async () => {
    await moto?.stop();
  });
  beforeEach(async () => {
    await moto.reset();
  });

  it("turns the six grouped queries, every page, into the lines of each category (hand-written answers)", async () => {
    const m = "NetUnblendedCost";
    await queueCeResults(moto, [
      // 1. AWS-billed, by SERVICE × RECORD_TYPE, page 1 of 2
      {
        ResultsByTime: [
          period([
            group(["Amazon SageMaker", "Usage"], m, "423.00"),
            group(["Amazon SageMaker", "SavingsPlanCoveredUsage"], m, "570.00"),
            group(["Amazon SageMaker", "SavingsPlanNegation"], m, "-570.00"),
          ]),
        ],
        NextPageToken: "aws-2",
      },
      // 1. page 2
      {
        ResultsByTime: [
          period([
            group(["Savings Plans for AWS Machine Learning", "SavingsPlanRecurringFee"], m, "380.00"),
            group(["Amazon SageMaker", "Enterprise Discount Program Discount"], m, "0"),
            group(["Amazon Bedrock", "Usage"], m, "43.30"),
            group(["Amazon Bedrock", "Credit"], m, "-10.00"),
            group(["Tax", "Tax"], m, "95.00"),
            group(["Amazon Elastic Compute Cloud - Compute", "Usage"], m, "88.10"),
          ]),
        ],
      },
      // 2. Marketplace-billed
      {
        ResultsByTime: [
          period([
            group(["Claude Sonnet 4.5 (Amazon Bedrock Edition)", "Usage"], m, "300.00"),
            group(["Acme Firewall", "Usage"], m, "30.00"),
          ]),
        ],
      },
      // 3. dedicated SageMaker by LOB × usage type
      {
        ResultsByTime: [
          period([
            group(["LineOfBusiness$retail", "USE1-Train:ml.m5.xlarge"], m, "120.00", "40", "Hrs"),
            group(["LineOfBusiness$", "USE1-Notebk:ml.t3.medium"], m, "3.00", "12", "Hrs"),
          ]),
        ],
      },
      // 4. shared endpoints by SharedEndpoint × usage type
      {
        ResultsByTime: [
          period(
            [
              group(["SharedEndpoint$shared-llm", "USE1-Host:ml.g5.2xlarge"], m, "870.00", "1200", "Hrs"),
              group(["SharedEndpoint$shared-llm", "USE1-Data-Processed-In"], m, "0", "9", "GB"),
            ],
            true,
          ),
        ],
      },
      // 5. Bedrock by LOB × usage type
      {
        ResultsByTime: [
          period([
            group(["LineOfBusiness$wealth", "USE1-NovaPro-input-tokens"], m, "36.20", "1200000", "Units"),
            group(["LineOfBusiness$", "USE1-TitanEmbed-input-tokens"], m, "7.10", "10000", "Units"),
          ]),
        ],
      },
      // 6. Marketplace Bedrock models by LOB × SERVICE
      {
        ResultsByTime: [
          period([
            group(["LineOfBusiness$retail", "Claude Sonnet 4.5 (Amazon Bedrock Edition)"], m, "250.00"),
            group(["LineOfBusiness$", "Claude Sonnet 4.5 (Amazon Bedrock Edition)"], m, "50.00"),
          ]),
        ],
      },
    ]);
    const { client, sent } = recordingClient(moto);
    const out = await readCostExplorerCosts(client, {
      month: "2026-10",
      region: "us-east-1",
      basis: "net-unblended",
      now: new Date("2026-11-20T00:00:00Z"),
    });

    expect(sent).toHaveLength(7);
    for (const r of sent)
      expect(checkWireRequest(model, r)).toEqual({ operation: "GetCostAndUsage", problems: [] });
    const bodies = sent.map(
      (r) => JSON.parse(r.body ?? "{}") as { Metrics: string[]; NextPageToken?: string },
    );
    expect(bodies.every((b) => b.Metrics[0] === m)).toBe(true);
    expect(bodies[1]?.NextPageToken).toBe("aws-2");

    expect(out.estimated).toBe(true); // the shared query's period said Estimated
    expect(out.basis).toBe("net-unblended");
    const arn = "arn:aws:sagemaker:us-east-1::endpoint/shared-llm";
    const sm = { service: "AmazonSageMaker", productCode: "AmazonSageMaker" };
    const br = { service: "AmazonBedrock", productCode: "AmazonBedrock" };
    const claude = {
      service: "AmazonBedrock",
      productCode: "Claude Sonnet 4.5 (Amazon Bedrock Edition)",
      productName: "Claude Sonnet 4.5 (Amazon Bedrock Edition)",
    };
    const u = { category: "usage", lineItemType: "Usage", resourceId: null };
    const adj = { usageType: "", resourceId: null, usageAmount: "0", tags: {} };
    expect(out.lines.map(plain)).toEqual([
      {
        ...sm,
        ...u,
        usageType: "USE1-Train:ml.m5.xlarge",
        usageAmount: "40",
        cost: "120.00",
        tags: { user_LineOfBusiness: "retail" },
        unit: "Hrs",
      },
      {
        ...sm,
        ...u,
        usageType: "USE1-Notebk:ml.t3.medium",
        usageAmount: "12",
        cost: "3.00",
        tags: {},
        unit: "Hrs",
      },
      {
        ...sm,
        ...u,
        usageType: "USE1-Host:ml.g5.2xlarge",
        resourceId: arn,
        usageAmount: "1200",
        cost: "870.00",
        tags: { user_SharedEndpoint: "shared-llm" },
        unit: "Hrs",
      },
      {
        ...sm,
        ...u,
        usageType: "USE1-Data-Processed-In",
        resourceId: arn,
        usageAmount: "9",
        cost: "0.00",
        tags: { user_SharedEndpoint: "shared-llm" },
        unit: "GB",
      },
      {
        ...br,
        ...u,
        usageType: "USE1-NovaPro-input-tokens",
        usageAmount: "1200000",
        cost: "36.20",
        tags: { user_LineOfBusiness: "wealth" },
        unit: "Units",
      },
      {
        ...br,
        ...u,
        usageType: "USE1-TitanEmbed-input-tokens",
        usageAmount: "10000",
        cost: "7.10",
        tags: {},
        unit: "Units",
      },
      {
        ...claude,
        ...u,
        usageType: "",
        usageAmount: "0",
        cost: "250.00",
        tags: { user_LineOfBusiness: "retail" },
      },
      { ...claude, ...u, usageType: "", usageAmount: "0", cost: "50.00", tags: {} },
      { ...sm, ...adj, category: "commitment", lineItemType: "SavingsPlanNegation", cost: "-570.00" },
      {
        ...sm,
        ...adj,
        productCode: "MachineLearningSavingsPlans",
        category: "commitment",
        lineItemType: "SavingsPlanRecurringFee",
        cost: "380.00",
      },
      { ...br, ...adj, category: "credit", lineItemType: "Credit", cost: "-10.00" },
    ]);
    expect(out.excluded.map((e) => [e.service, e.lines, formatMoney(e.cost)])).toEqual([
      ["Acme Firewall", 1, "30.00"],
      ["Amazon Elastic Compute Cloud - Compute", 1, "88.10"],
      ["Tax", 1, "95.00"],
    ]);
    // The usage by tag adds up to the usage by record type: no difference warned about, only the tax.
    expect(out.warnings).toHaveLength(1);
    expect(out.warnings?.[0]).toMatch(/^Cost Explorer reports the account's tax as one "Tax" service/);
  });

  it.each(COST_BASES)(
    "the hand-made month through moto at %s gives the hand-computed lines",
    async (basis) => {
      // The answers a Cost Explorer holding MONTH_ITEMS gives to the source's requests (three groups a page), queued in
      // the order the source asks; the expected lines are hand-computed (expectedLines).
      const now = new Date("2026-11-20T00:00:00Z");
      const options = {
        month: "2026-10",
        region: "us-east-1",
        accountId: "111122223333",
        basis,
        now,
      } as const;
      const answers = await motoAnswersFor(MONTH_ITEMS, options, { groupsPerPage: 3 });
      await queueCeResults(moto, answers);
      const { client, sent } = recordingClient(moto);
      const out = await readCostExplorerCosts(client, options);
      expect(sent).toHaveLength(answers.length);
      expect(sent.length).toBeGreaterThan(6); // pages were followed over the wire
      for (const r of sent) expect(checkWireRequest(model, r).problems).toEqual([]);
      expect(out.lines.map(plain)).toEqual(expectedLines(basis));
      expect(out.excluded.map((e) => ({ ...e, cost: formatMoney(e.cost) }))).toEqual(EXPECTED_EXCLUDED);
      expect(out.estimated).toBe(false);
    },
  );

  it("gives no lines, not an error, for a month without cost, and is final once the month has ended", async () => {
    const { client, sent } = recordingClient(moto);
    const out = await readCostExplorerCosts(client, {
      month: "2026-09",
      region: "us-east-1",
      now: new Date("2026-11-20T00:00:00Z"),
    });
    expect(sent).toHaveLength(2);
    expect(out).toEqual({
      lines: [],
      currency: "USD",
      estimated: false,
      basis: "net-amortized",
      excluded: [],
      provenance: { kind: "cost-explorer", location: "GetCostAndUsage" },
    });
  });
});
