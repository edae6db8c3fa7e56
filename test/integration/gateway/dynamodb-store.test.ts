/**
 * The DynamoDB gateway store against moto_server: the table of the contract with the `TenantGateway` construct
 * (partition key `pk` S, sort key `sk` S, TTL attribute `expiresAt`), keys, the budget scenario under load through
 * the gateway, settlement once per id, and the sweep that releases dead reservations.
 */
import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Decimal } from "../../../core/money.js";
import { monthOf, type ReserveRequest } from "../../../gateway/budget.js";
import { DynamoDbGatewayStore } from "../../../gateway/dynamodb-store.js";
import { keyIdOf, newKey } from "../../../gateway/keys.js";
import { type GatewayWorkspace, startGatewayWorkspace } from "../../support/gateway-fixtures.js";
import { checkLoad, LOAD_GATEWAY, runLoad } from "../../support/gateway-load.js";
import { type Moto, motoClientConfig, startMoto } from "../../support/moto.js";

let moto: Moto;
let client: DynamoDBClient;
let ws: GatewayWorkspace | undefined;
let n = 0;

beforeAll(async () => {
  moto = await startMoto();
  client = new DynamoDBClient(motoClientConfig(moto));
  // moto_server is not thread-safe for TransactWriteItems: concurrent ones get HTTP 500 and may be left partly
  // applied (seen here: the counters off by one reservation). Real DynamoDB serializes conflicting transactions
  // itself; here the requests reach moto one at a time. The gateway's 64 callers stay concurrent, and so do the
  // stores' read-then-conditional-write races that the conditions must catch.
  let queue: Promise<unknown> = Promise.resolve();
  const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
  (client as unknown as { send: (command: unknown) => Promise<unknown> }).send = (command) => {
    const next = queue.then(() => send(command));
    queue = next.catch(() => undefined);
    return next;
  };
});
afterAll(async () => {
  await moto?.stop();
});
afterEach(async () => {
  await ws?.remove();
  ws = undefined;
});

async function table(): Promise<DynamoDbGatewayStore> {
  const name = `smcb-gateway-${++n}`;
  await client.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "S" },
      ],
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: name,
      TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
    }),
  );
  return new DynamoDbGatewayStore({ client, table: name });
}

const month = "2026-12";
function ask(over: Partial<ReserveRequest> = {}): ReserveRequest {
  return {
    id: "r1",
    tenant: "fraud-team",
    lob: "payments",
    month,
    minute: 29_000_000,
    now: 1_000,
    expiresAt: 61_000,
    tenantLimit: new Decimal("0.02"),
    lobLimit: new Decimal("0.03"),
    rpm: null,
    tpm: null,
    inputTokens: 1,
    inputCost: new Decimal("0.000003"),
    outputPrice: new Decimal("0.000015"),
    maxOutputTokens: 100,
    minOutputTokens: 16,
    ...over,
  };
}
const tokens = { inputTokens: 1, outputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0 };

describe("DynamoDbGatewayStore on moto", () => {
  it("stores keys by hash, lists and revokes them", async () => {
    const store = await table();
    const { record } = newKey("fraud-team", "payments", new Date("2026-12-01T00:00:00Z"));
    await store.putKey(record);
    expect(await store.findKey(record.hash)).toEqual(record);
    expect(await store.findKey("00")).toBeUndefined();
    expect(await store.revokeKey(keyIdOf(record.hash), new Date("2026-12-02T00:00:00Z"))).toBe(true);
    expect((await store.listKeys())[0]).toMatchObject({
      keyId: record.keyId,
      revokedAt: "2026-12-02T00:00:00.000Z",
    });
    expect(await store.revokeKey("nope", new Date())).toBe(false);
  });

  it("reserves, lowers max_tokens to what fits, refuses, settles once, and sweeps dead reservations", async () => {
    const store = await table();
    // 0.019 of 0.02 reserved: 13 full calls (0.001503 each) would be 0.019539.
    for (let i = 0; i < 13; i++)
      expect(await store.reserve(ask({ id: `full-${i}` }))).toMatchObject({ ok: true, outputTokens: 100 });
    const partial = await store.reserve(ask({ id: "partial" }));
    expect(partial).toEqual({ ok: true, outputTokens: 30, amount: new Decimal("0.000453") });
    expect(await store.reserve(ask({ id: "refused" }))).toEqual({
      ok: false,
      reason: "budget",
      scope: "tenant",
    });
    const settle = (id: string, cost: string) =>
      store.settle({
        id,
        lob: "payments",
        month,
        cost: new Decimal(cost),
        tokens,
        tenantAlerts: { limit: new Decimal("0.02"), thresholds: [0.5] },
        lobAlerts: null,
      });
    expect(await settle("full-0", "0.000153")).toMatchObject({ settled: true });
    expect(await settle("full-0", "0.000153")).toEqual({ settled: false, alerts: [] });
    const u = await store.usage("fraud-team", "payments", month);
    expect(u.tenant.spent.toString()).toBe("0.000153");
    expect(u.tenant.calls).toBe(1);
    expect(u.lob.committed.toString()).toBe(
      new Decimal("0.019992").minus("0.001503").plus("0.000153").toString(),
    );
    // The 14 open reservations die; the next reservation past their deadline sweeps them.
    expect(await store.reserve(ask({ id: "after", now: 61_000, expiresAt: 121_000 }))).toMatchObject({
      ok: true,
      outputTokens: 100,
    });
    const after = await store.usage("fraud-team", "payments", month);
    expect(after.tenant.committed.toString()).toBe("0.001656");
    expect(await settle("full-1", "1")).toEqual({ settled: false, alerts: [] });
  });

  it("counts requests and tokens per minute across calls", async () => {
    const store = await table();
    const limited = (id: string) => ask({ id, rpm: 2, tpm: 150, tenantLimit: null, lobLimit: null });
    expect(await store.reserve(limited("a"))).toMatchObject({ ok: true, outputTokens: 100 });
    expect(await store.reserve(limited("b"))).toMatchObject({ ok: true, outputTokens: 48 });
    expect(await store.reserve(limited("c"))).toEqual({ ok: false, reason: "rpm" });
  });

  it("sends each alert threshold once per month", async () => {
    const store = await table();
    const alerts = { limit: new Decimal("0.02"), thresholds: [0.5, 0.8] };
    const results = [];
    for (const [i, cost] of ["0.011", "0.001", "0.005"].entries()) {
      await store.reserve(ask({ id: `a${i}`, maxOutputTokens: 16 }));
      results.push(
        (
          await store.settle({
            id: `a${i}`,
            lob: "payments",
            month,
            cost: new Decimal(cost),
            tokens,
            tenantAlerts: alerts,
            lobAlerts: null,
          })
        ).alerts.map((a) => a.threshold),
      );
    }
    expect(results).toEqual([[0.5], [], [0.8]]);
  });

  it("holds the budget under 64 concurrent callers through the gateway", async () => {
    const store = await table();
    ws = await startGatewayWorkspace({ gateway: LOAD_GATEWAY, behave: () => ({ outputTokens: 100 }), store });
    const keys = { "fraud-team": await ws.key("fraud-team"), "risk-team": await ws.key("risk-team") };
    const outcomes = await runLoad([ws.server.url], keys);
    const events = await ws.stop();
    expect(ws.logs).toEqual([]);
    await checkLoad(outcomes, ws.bedrock.requests.length, events, store, monthOf(Date.now()));
  });
});
