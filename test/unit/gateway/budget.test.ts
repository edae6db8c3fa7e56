/**
 * Budget arithmetic (exact decimals, prices per million tokens), the gateway config block's cross-checks, and the
 * usage event's two optional gateway fields.
 */
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../core/config.js";
import { ConfigError } from "../../../core/errors.js";
import { Decimal } from "../../../core/money.js";
import {
  costOf,
  EMPTY_BUCKET,
  newThresholds,
  planReservation,
  type ReserveRequest,
  tokenPrices,
  worstInputPrice,
} from "../../../gateway/budget.js";
import { hashKey, presentedKey, sameHash } from "../../../gateway/keys.js";
import { usageEventSchema } from "../../../inference/usage-event.js";

const prices = tokenPrices({
  kind: "chat",
  price: { input: "3.00", output: "15.00", cacheRead: "0.30", cacheWrite: "3.75" },
});

const req: ReserveRequest = {
  id: "r",
  tenant: "t",
  lob: "l",
  month: "2026-12",
  minute: 1,
  now: 0,
  expiresAt: 1,
  tenantLimit: new Decimal("1"),
  lobLimit: null,
  rpm: null,
  tpm: null,
  inputTokens: 1000,
  inputCost: new Decimal("0.00375"),
  outputPrice: new Decimal("0.000015"),
  maxOutputTokens: 1000,
  minOutputTokens: 16,
};

describe("budget arithmetic", () => {
  it("prices tokens per million, exactly; a cache write is the worst input token", () => {
    const cost = costOf(
      { inputTokens: 1000, outputTokens: 500, cacheReadTokens: 2000, cacheWriteTokens: 100 },
      prices,
    );
    expect(cost.toString()).toBe("0.011475"); // 0.003 + 0.0075 + 0.0006 + 0.000375
    expect(worstInputPrice(prices).toString()).toBe("0.00000375");
    expect(
      costOf(
        { inputTokens: 9, outputTokens: 9, cacheReadTokens: 0, cacheWriteTokens: 0 },
        undefined,
      ).isZero(),
    ).toBe(true);
    expect(tokenPrices({ kind: "chat" })).toBeUndefined();
  });

  it("grants the whole worst case, lowers max_tokens to what fits, refuses below a minimal answer", () => {
    expect(planReservation(req, EMPTY_BUCKET, EMPTY_BUCKET, { requests: 0, tokens: 0 })).toEqual({
      ok: true,
      outputTokens: 1000,
      amount: new Decimal("0.01875"),
    });
    const nearlyFull = { ...EMPTY_BUCKET, committed: new Decimal("0.99") };
    // Room 0.01 − 0.00375 input = 0.00625 → 416 output tokens.
    expect(planReservation(req, nearlyFull, EMPTY_BUCKET, { requests: 0, tokens: 0 })).toMatchObject({
      ok: true,
      outputTokens: 416,
    });
    // Room 0.0039 − 0.00375 = 0.00015 → 10 output tokens, fewer than a minimal answer.
    const full = { ...EMPTY_BUCKET, committed: new Decimal("0.9961") };
    expect(planReservation(req, full, EMPTY_BUCKET, { requests: 0, tokens: 0 })).toEqual({
      ok: false,
      reason: "budget",
      scope: "tenant",
    });
    // Exactly one minimal answer left: granted.
    const exact = { ...EMPTY_BUCKET, committed: new Decimal("1").minus("0.00375").minus("0.00024") };
    expect(planReservation(req, exact, EMPTY_BUCKET, { requests: 0, tokens: 0 })).toMatchObject({
      ok: true,
      outputTokens: 16,
    });
    // The LOB's budget binds too.
    expect(
      planReservation({ ...req, lobLimit: new Decimal("0.0039") }, EMPTY_BUCKET, EMPTY_BUCKET, {
        requests: 0,
        tokens: 0,
      }),
    ).toEqual({ ok: false, reason: "budget", scope: "lob" });
  });

  it("counts requests and tokens per minute", () => {
    const limited = { ...req, tenantLimit: null, rpm: 10, tpm: 1500 };
    expect(planReservation(limited, EMPTY_BUCKET, EMPTY_BUCKET, { requests: 9, tokens: 0 })).toMatchObject({
      ok: true,
      outputTokens: 500,
    });
    expect(planReservation(limited, EMPTY_BUCKET, EMPTY_BUCKET, { requests: 10, tokens: 0 })).toEqual({
      ok: false,
      reason: "rpm",
    });
    expect(planReservation(limited, EMPTY_BUCKET, EMPTY_BUCKET, { requests: 0, tokens: 490 })).toEqual({
      ok: false,
      reason: "tpm",
    });
  });

  it("crosses each alert threshold once", () => {
    const alerts = { limit: new Decimal("100"), thresholds: [0.5, 0.8, 1] };
    expect(newThresholds(new Decimal("85"), alerts, [])).toEqual([0.5, 0.8]);
    expect(newThresholds(new Decimal("85"), alerts, ["0.5", "0.8"])).toEqual([]);
    expect(newThresholds(new Decimal("100"), alerts, ["0.5", "0.8"])).toEqual([1]);
  });
});

describe("keys", () => {
  it("reads Bearer first, then x-api-key; compares hashes in constant time", () => {
    expect(presentedKey({ authorization: "Bearer smcb-a", "x-api-key": "smcb-b" })).toBe("smcb-a");
    expect(presentedKey({ authorization: "Basic xyz", "x-api-key": "smcb-b" })).toBe("smcb-b");
    expect(presentedKey({})).toBeUndefined();
    expect(sameHash(hashKey("a"), hashKey("a"))).toBe(true);
    expect(sameHash(hashKey("a"), hashKey("b"))).toBe(false);
    expect(sameHash("", "")).toBe(false);
  });
});

describe("gateway config block", () => {
  const base = {
    lobs: ["payments"],
    sharedEndpoints: [{ name: "shared-llm", owner: "payments" }],
    gateway: {
      tenants: [
        { name: "fraud-team", lob: "payments", models: ["claude-sonnet", "sagemaker/shared-llm/ic-1"] },
      ],
      models: {
        "claude-sonnet": {
          bedrockModel: "anthropic.claude-sonnet-4-5-20250929-v1:0",
          price: { input: "3.00", output: "15.00" },
        },
      },
    },
  };

  it("accepts DESIGN §3.9's shape with defaults, the file store resolved beside the config", () => {
    const cfg = parseConfig(base, "/work/x/smcb.config.json");
    expect(cfg.gateway?.store).toEqual({ type: "file", path: "/work/x/.smcb/gateway" });
    expect(cfg.gateway).toMatchObject({ onStoreError: "closed", minOutputTokens: 16, lobBudgets: {} });
  });

  it("lists every problem: unknown LOBs, unknown models and endpoints, duplicate tenants, float money", () => {
    const bad = {
      ...base,
      gateway: {
        tenants: [
          { name: "a", lob: "nope", models: ["ghost", "sagemaker/other-ep"] },
          { name: "a", lob: "payments", models: ["claude-sonnet"] },
        ],
        lobBudgets: { elsewhere: "1.00" },
        models: { "claude-sonnet": {}, "sagemaker/shared-llm": { bedrockModel: "x" } },
      },
    };
    let problems: readonly string[] = [];
    try {
      parseConfig(bad);
    } catch (e) {
      problems = (e as ConfigError).problems;
    }
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^gateway\.tenants\[0\]\.lob: "nope" is not in lobs/),
        expect.stringMatching(/^gateway\.tenants\[0\]\.models\[0\]: "ghost" is neither/),
        expect.stringMatching(
          /^gateway\.tenants\[0\]\.models\[1\]: shared endpoint "other-ep" is not in sharedEndpoints/,
        ),
        expect.stringMatching(/^gateway\.tenants\[1\]\.name: duplicate tenant "a"/),
        expect.stringMatching(/^gateway\.lobBudgets\.elsewhere: "elsewhere" is not in lobs/),
        expect.stringMatching(/^gateway\.models\.claude-sonnet: give bedrockModel/),
        expect.stringMatching(
          /^gateway\.models\.sagemaker\/shared-llm: a sagemaker\/… model takes no bedrockModel/,
        ),
      ]),
    );
  });

  it("refuses money written as a JSON number", () => {
    const floaty = { ...base, gateway: { ...base.gateway, lobBudgets: { payments: 2000.5 } } };
    expect(() => parseConfig(floaty)).toThrow(ConfigError);
  });
});

describe("usage event", () => {
  const event = {
    v: 1,
    id: "x",
    ts: "2026-12-01T00:00:00.000Z",
    lob: "payments",
    kind: "bedrock",
    endpoint: null,
    component: null,
    variant: null,
    profile_arn: null,
    model_id: null,
    input_tokens: 1,
    output_tokens: 1,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    token_source: "reported",
    latency_ms: 1,
    status: "ok",
  };
  it("takes tenant and price_estimate (decimal text) and still accepts events without them", () => {
    expect(usageEventSchema.safeParse(event).success).toBe(true);
    expect(
      usageEventSchema.safeParse({ ...event, tenant: "fraud-team", price_estimate: "0.0001206" }).success,
    ).toBe(true);
    expect(usageEventSchema.safeParse({ ...event, tenant: null, price_estimate: null }).success).toBe(true);
    expect(usageEventSchema.safeParse({ ...event, price_estimate: 0.1 }).success).toBe(false);
  });
});
