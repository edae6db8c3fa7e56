/**
 * Cost source: the Cost Explorer API (`GetCostAndUsage`). Three calls per month whatever the number of LOBs
 * (pages aside), each grouped so that every group becomes one {@link CostLine} the engine understands:
 *
 * 1. SageMaker without the `SharedEndpoint` tag, grouped by the LOB tag and usage type (dedicated costs);
 * 2. Bedrock, grouped by the LOB tag and usage type;
 * 3. SageMaker with the `SharedEndpoint` tag, grouped by that tag and usage type: hosting hours come from the
 *    usage quantity of `…Host:ml.…` usage types, and each line carries the endpoint's ARN
 *    `arn:aws:sagemaker:<region>:<account>:endpoint/<name>` so the engine maps it to the shared pool by name.
 *
 * Cost Explorer is billed per call, so every page is read and nothing is asked twice. `Estimated: true` on any
 * result (or a month that has not ended) marks the result estimated.
 */
import {
  type CostExplorerClient,
  type Expression,
  GetCostAndUsageCommand,
  type GetCostAndUsageCommandInput,
  type GetCostAndUsageCommandOutput,
  type Group,
} from "@aws-sdk/client-cost-explorer";
import { DataSourceError, toAwsError } from "../../core/errors.js";
import { dec } from "../../core/money.js";
import { SHARED_ENDPOINT_TAG_KEY } from "../../core/tags.js";
import { isoDate, monthWindow } from "../engine/month.js";
import type { CostLine, CostSourceResult, InScopeService } from "../model.js";

/** Options of {@link readCostExplorerCosts}. */
export interface CostExplorerSourceOptions {
  /** The month, `YYYY-MM`. */
  readonly month: string;
  /** The LOB tag key (a cost allocation tag activated in Billing). @default "LineOfBusiness" */
  readonly tagKey?: string;
  /** Region written into the synthesised shared-endpoint ARNs. */
  readonly region: string;
  /** Account written into the synthesised shared-endpoint ARNs. @default "" (the engine matches by name) */
  readonly accountId?: string;
  /** Cost Explorer `SERVICE` values counted as SageMaker. @default ["Amazon SageMaker"] */
  readonly sageMakerServices?: readonly string[];
  /**
   * Cost Explorer `SERVICE` values counted as Bedrock. Add the Marketplace "… (Amazon Bedrock Edition)" services
   * of third-party models you use. @default ["Amazon Bedrock"]
   */
  readonly bedrockServices?: readonly string[];
  /** The current time, to flag a month that has not ended. @default new Date() */
  readonly now?: Date;
}

const COST = "UnblendedCost";
const QUANTITY = "UsageQuantity";

interface Query {
  readonly service: InScopeService;
  readonly filter: Expression;
  /** The tag whose value names the group: the LOB tag, or `SharedEndpoint`. */
  readonly tag: string;
  readonly shared: boolean;
}

/** The value of a `Key$value` tag group key; `""` when the resource has no such tag. */
function tagValue(key: string, tag: string): string {
  return key.startsWith(`${tag}$`) ? key.slice(tag.length + 1) : key;
}

/**
 * Reads a month's in-scope costs from Cost Explorer.
 *
 * @example
 * ```ts
 * const ce = makeClient(CostExplorerClient, { region: "us-east-1" });
 * const costs = await readCostExplorerCosts(ce, { month: "2026-10", region: "us-east-1" });
 * ```
 * @throws {@link AwsError} when a call fails; {@link DataSourceError} when amounts come in several currencies
 */
export async function readCostExplorerCosts(
  client: CostExplorerClient,
  options: CostExplorerSourceOptions,
): Promise<CostSourceResult> {
  const tagKey = options.tagKey ?? "LineOfBusiness";
  const { start, end } = monthWindow(options.month);
  const now = options.now ?? new Date();
  // Cost Explorer has data up to today; never ask past tomorrow (UTC), the exclusive end.
  const tomorrow = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  const until = end.getTime() < tomorrow.getTime() ? end : tomorrow;
  const timePeriod = { Start: isoDate(start), End: isoDate(until) };
  const service = (values: readonly string[]): Expression => ({
    Dimensions: { Key: "SERVICE", Values: [...values] },
  });
  const noSharedTag: Expression = { Tags: { Key: SHARED_ENDPOINT_TAG_KEY, MatchOptions: ["ABSENT"] } };
  const sageMaker = service(options.sageMakerServices ?? ["Amazon SageMaker"]);
  const queries: Query[] = [
    {
      service: "AmazonSageMaker",
      filter: { And: [sageMaker, noSharedTag] },
      tag: tagKey,
      shared: false,
    },
    {
      service: "AmazonBedrock",
      filter: service(options.bedrockServices ?? ["Amazon Bedrock"]),
      tag: tagKey,
      shared: false,
    },
    {
      service: "AmazonSageMaker",
      filter: { And: [sageMaker, { Not: noSharedTag }] },
      tag: SHARED_ENDPOINT_TAG_KEY,
      shared: true,
    },
  ];

  const lines: CostLine[] = [];
  const currencies = new Set<string>();
  let estimated = now.getTime() < end.getTime();
  for (const q of queries) {
    const input: GetCostAndUsageCommandInput = {
      TimePeriod: timePeriod,
      Granularity: "MONTHLY",
      Metrics: [COST, QUANTITY],
      Filter: q.filter,
      GroupBy: [
        { Type: "TAG", Key: q.tag },
        { Type: "DIMENSION", Key: "USAGE_TYPE" },
      ],
    };
    let token: string | undefined;
    do {
      let page: GetCostAndUsageCommandOutput;
      try {
        page = await client.send(new GetCostAndUsageCommand({ ...input, NextPageToken: token }));
      } catch (e) {
        throw toAwsError("GetCostAndUsage", e);
      }
      for (const period of page.ResultsByTime ?? []) {
        if (period.Estimated) estimated = true;
        const usageStart = period.TimePeriod?.Start
          ? new Date(`${period.TimePeriod.Start}T00:00:00Z`)
          : start;
        for (const g of period.Groups ?? []) {
          const line = toLine(g, q, usageStart, tagKey, options, currencies);
          if (line) lines.push(line);
        }
      }
      token = page.NextPageToken || undefined;
    } while (token);
  }
  if (currencies.size > 1)
    throw new DataSourceError(
      `Cost Explorer returned amounts in several currencies (${[...currencies].sort().join(", ")}).`,
    );
  return { lines, currency: [...currencies][0] ?? "USD", estimated, basis: "unblended", excluded: [] };
}

function toLine(
  g: Group,
  q: Query,
  usageStart: Date,
  tagKey: string,
  options: CostExplorerSourceOptions,
  currencies: Set<string>,
): CostLine | undefined {
  const [tagGroup = "", usageType = ""] = g.Keys ?? [];
  const cost = g.Metrics?.[COST];
  const quantity = dec(g.Metrics?.[QUANTITY]?.Amount);
  const amount = dec(cost?.Amount);
  if (amount.isZero() && quantity.isZero()) return undefined;
  if (cost?.Unit) currencies.add(cost.Unit);
  const value = tagValue(tagGroup, q.tag);
  if (q.shared) {
    const name = value;
    return {
      usageStart,
      service: q.service,
      category: "usage",
      lineItemType: "Usage",
      productCode: q.service,
      usageType,
      resourceId:
        name === ""
          ? null
          : `arn:aws:sagemaker:${options.region}:${options.accountId ?? ""}:endpoint/${name}`,
      usageAmount: quantity,
      cost: amount,
      tags: name === "" ? {} : { [`user_${SHARED_ENDPOINT_TAG_KEY}`]: name },
    };
  }
  return {
    usageStart,
    service: q.service,
    category: "usage",
    lineItemType: "Usage",
    productCode: q.service,
    usageType,
    resourceId: null,
    usageAmount: quantity,
    cost: amount,
    tags: value === "" ? {} : { [`user_${tagKey}`]: value },
  };
}
