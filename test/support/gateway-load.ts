/**
 * The budget-under-load scenario shared by the file, DynamoDB and two-process tests: 64 concurrent callers, each
 * one chat call with `max_tokens: 100`, two tenants of one LOB against small tenant and LOB budgets. The stand-in
 * answers the whole granted `max_tokens` and reports exactly the input tokens reserved, so every call settles at
 * its reservation (the worst case a budget must hold).
 */
import { expect } from "vitest";
import { Decimal } from "../../core/money.js";
import type { UsageEvent } from "../../core/usage-event.js";
import type { GatewayStore } from "../../gateway/store.js";

/** The gateway block of the scenario (merged into the test configuration). */
export const LOAD_GATEWAY = {
  tenants: [
    { name: "fraud-team", lob: "payments", models: ["claude-sonnet"], budget: { monthly: "0.0200" } },
    { name: "risk-team", lob: "payments", models: ["claude-sonnet"] },
  ],
  lobBudgets: { payments: "0.0300" },
  models: {
    "claude-sonnet": {
      bedrockModel: "anthropic.claude-sonnet-4-5-20250929-v1:0",
      price: { input: "3.00", output: "15.00" },
    },
  },
  inputTokenMargin: 1,
  minOutputTokens: 16,
};

/** The smallest call worth making: 1 input token and 16 output tokens. */
export const MIN_CALL_COST = new Decimal("0.000003").plus(new Decimal("0.000015").times(16));

/** What each caller got. */
export interface CallOutcome {
  readonly tenant: string;
  readonly status: number;
  readonly code?: string | undefined;
}

/** Runs 64 concurrent callers (32 per tenant), spread over the gateway URLs. */
export async function runLoad(urls: readonly string[], keys: Record<string, string>): Promise<CallOutcome[]> {
  const tenants = Object.keys(keys);
  return Promise.all(
    Array.from({ length: 64 }, async (_, i) => {
      const tenant = tenants[i % tenants.length] as string;
      const res = await fetch(`${urls[i % urls.length]}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${keys[tenant]}`, "content-type": "application/json" },
        body: JSON.stringify({
          model: "claude-sonnet",
          messages: [{ role: "user", content: "hi" }],
          max_tokens: 100,
        }),
      });
      const body = (await res.json()) as { error?: { code?: string } };
      return { tenant, status: res.status, code: body.error?.code };
    }),
  );
}

/**
 * The scenario's promises: settled spend never above a limit, the budget used up to within one minimal call (no
 * refusal while a minimal answer fitted), every refusal a 429 insufficient_quota with no upstream call, one ledger
 * event per upstream call, each id once, and the ledger's price estimates adding up to the store's spend.
 */
export async function checkLoad(
  outcomes: readonly CallOutcome[],
  upstreamCalls: number,
  events: readonly UsageEvent[],
  store: GatewayStore,
  month: string,
): Promise<void> {
  const ok = outcomes.filter((o) => o.status === 200);
  const refused = outcomes.filter((o) => o.status !== 200);
  expect(refused.length).toBeGreaterThan(0);
  for (const r of refused) expect(r).toMatchObject({ status: 429, code: "insufficient_quota" });
  expect(upstreamCalls).toBe(ok.length);
  expect(events).toHaveLength(ok.length);
  expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  const fraud = await store.usage("fraud-team", "payments", month);
  const risk = await store.usage("risk-team", "payments", month);
  const tenantLimit = new Decimal("0.0200");
  const lobLimit = new Decimal("0.0300");
  expect(fraud.tenant.spent.lte(tenantLimit)).toBe(true);
  expect(fraud.lob.spent.lte(lobLimit)).toBe(true);
  // Every reservation was settled (nothing left reserved) at exactly its call's price.
  expect(fraud.tenant.committed.toString()).toBe(fraud.tenant.spent.toString());
  expect(fraud.lob.committed.toString()).toBe(fraud.lob.spent.toString());
  expect(fraud.tenant.spent.plus(risk.tenant.spent).toString()).toBe(fraud.lob.spent.toString());
  expect(fraud.lob.calls).toBe(ok.length);
  const ledger = events.reduce((s, e) => s.plus(e.price_estimate ?? "0"), new Decimal(0));
  expect(ledger.toString()).toBe(fraud.lob.spent.toString());
  // No false block: the LOB budget is used up to less than one minimal call.
  expect(lobLimit.minus(fraud.lob.spent).lt(MIN_CALL_COST)).toBe(true);
  for (const e of events) expect(e.lob).toBe("payments");
}
