/** Builders for engine tests. */

import { expect } from "vitest";
import type { ChargebackReport, CostLine, EndpointUsage, InScopeService } from "../../../chargeback/model.js";
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

/** Cents of a money string. */
export const cents = (s: string) => Math.round(Number(s) * 100);

/** Every figure of a report adds up to the cent: LOB totals, rows, endpoints, unallocated, categories. */
export function checkConservation(r: ChargebackReport): void {
  const lobSum = r.lobs.reduce((s, l) => s + cents(l.total), 0);
  for (const l of r.lobs) {
    expect(cents(l.total)).toBe(
      cents(l.dedicated) + cents(l.shared) + cents(l.bedrock) + cents(l.adjustments),
    );
    const byCat = Object.values(l.adjustmentsByCategory ?? {}).reduce((s, v) => s + cents(v), 0);
    expect(byCat).toBe(cents(l.adjustments));
    const rows = r.lines.filter((x) => x.lob === l.lob).reduce((s, x) => s + cents(x.cost), 0);
    expect(rows).toBe(cents(l.total));
  }
  const idle = r.sharedEndpoints.reduce((s, e) => s + cents(e.idle), 0);
  for (const e of r.sharedEndpoints)
    expect(cents(e.cost)).toBe(e.allocations.reduce((s, a) => s + cents(a.cost), 0) + cents(e.idle));
  expect(cents(r.unallocated.total)).toBe(r.unallocated.items.reduce((s, i) => s + cents(i.cost), 0));
  expect(lobSum + idle + cents(r.unallocated.total)).toBe(cents(r.reconciliation.sourceTotal));
  expect(r.lines.reduce((s, x) => s + cents(x.cost), 0)).toBe(cents(r.reconciliation.sourceTotal));
  expect(r.reconciliation.difference).toBe("0.00");
  const byCategory = Object.values(r.reconciliation.byCategory).reduce((s, v) => s + cents(v), 0);
  expect(byCategory).toBe(cents(r.reconciliation.sourceTotal));
}
