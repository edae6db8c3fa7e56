/** Builders for engine tests. */

import type { CostLine, EndpointUsage, InScopeService } from "../../../chargeback/model.js";
import type { SharedEndpointConfig } from "../../../core/config.js";
import { dec } from "../../../core/money.js";

export const POLICY = { tagKey: "LineOfBusiness", lobs: ["insurance", "platform", "retail", "wealth"] };

export function endpoint(over: Partial<SharedEndpointConfig> = {}): SharedEndpointConfig {
  return {
    name: "shared-llm",
    owner: "platform",
    tokenWeights: { input: 1, output: 3 },
    capacityTokensPerInstanceHour: 1000,
    reservations: {},
    idle: "proportional",
    ...over,
  };
}

export function line(
  over: Partial<Omit<CostLine, "cost" | "usageAmount">> & { cost: string; amount?: string },
): CostLine {
  const { cost, amount, ...rest } = over;
  return {
    usageStart: new Date("2026-10-05T00:00:00Z"),
    service: "AmazonSageMaker" as InScopeService,
    category: "usage",
    lineItemType: "Usage",
    productCode: over.service ?? "AmazonSageMaker",
    usageType: "USE1-Host:ml.g5.2xlarge",
    resourceId: null,
    tags: {},
    ...rest,
    usageAmount: dec(amount ?? "0"),
    cost: dec(cost),
  };
}

export function hosting(
  name: string,
  hours: string,
  cost: string,
  tags: Record<string, string> = {},
): CostLine {
  return line({
    resourceId: `arn:aws:sagemaker:us-east-1:111122223333:endpoint/${name}`,
    amount: hours,
    cost,
    tags,
  });
}

export function use(
  lob: string,
  inputTokens: number,
  outputTokens: number,
  ep = "shared-llm",
): EndpointUsage {
  return { endpoint: ep, lob, invocations: 1, inputTokens, outputTokens };
}
