/**
 * The AWS gateway store: one DynamoDB table (partition key `pk`, sort key `sk`, TTL attribute `expiresAt`, epoch
 * seconds) holding keys, budget buckets, rate counters and reservations. A reservation is one `TransactWriteItems`
 * whose conditions keep every counter under its limit; a settlement is one transaction that deletes the
 * reservation (so it happens once) and moves the counters to the actual cost.
 *
 * Items:
 * - `key#<sha256>` / `key`: a key record;
 * - `budget#tenant#<tenant>` or `budget#lob#<lob>` / `<YYYY-MM>`: `committed` (spent + reserved), `spent`, token
 *   counts, `calls`, `alerted` (thresholds already sent);
 * - `rate#<tenant>` / `<epoch minute>`: `requests`, `tokens`; expires two minutes after its minute;
 * - `res#<lob>#<YYYY-MM>` / `<request id>`: an open reservation (`amount`, `tokens`, `tenant`, `minute`,
 *   `deadline` in epoch milliseconds); released by the next refusal's sweep once past its deadline.
 */
import {
  type AttributeValue,
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  paginateQuery,
  paginateScan,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { Decimal } from "../core/money.js";
import {
  type BucketState,
  type BudgetAlert,
  EMPTY_BUCKET,
  newThresholds,
  planReservation,
  type RateState,
  type ReserveRequest,
  type ReserveResult,
  type SettleRequest,
  type SettleResult,
  totalTokens,
} from "./budget.js";
import type { KeyRecord } from "./keys.js";
import { type GatewayStore, type MonthUsage, StoreError } from "./store.js";

/** Options of a {@link DynamoDbGatewayStore}. */
export interface DynamoDbGatewayStoreOptions {
  readonly client: DynamoDBClient;
  /** The table name. */
  readonly table: string;
  /** Attempts of a reservation that lost a race (conflicting transaction or counters changed). @default 8 */
  readonly attempts?: number | undefined;
}

type Item = Record<string, AttributeValue>;
const S = (s: string): AttributeValue => ({ S: s });
const N = (n: number | Decimal): AttributeValue => ({ N: n.toString() });

const tenantPk = (tenant: string) => `budget#tenant#${tenant}`;
const lobPk = (lob: string) => `budget#lob#${lob}`;
const resPk = (lob: string, month: string) => `res#${lob}#${month}`;
const ratePk = (tenant: string) => `rate#${tenant}`;

/** Reservations stay in the table well after their month so a sweep always finds the dead ones. */
const RESERVATION_KEEP_S = 62 * 86_400;

function num(item: Item | undefined, name: string): number {
  const v = item?.[name]?.N;
  return v === undefined ? 0 : Number(v);
}
function decimal(item: Item | undefined, name: string): Decimal {
  const v = item?.[name]?.N;
  return new Decimal(v ?? 0);
}
function toBucket(item: Item | undefined): BucketState {
  if (item === undefined) return EMPTY_BUCKET;
  return {
    committed: decimal(item, "committed"),
    spent: decimal(item, "spent"),
    inputTokens: num(item, "inputTokens"),
    outputTokens: num(item, "outputTokens"),
    cacheReadTokens: num(item, "cacheReadTokens"),
    cacheWriteTokens: num(item, "cacheWriteTokens"),
    calls: num(item, "calls"),
    alerted: item.alerted?.SS ?? [],
  };
}
function toKey(item: Item): KeyRecord {
  return {
    hash: item.hash?.S ?? "",
    keyId: item.keyId?.S ?? "",
    tenant: item.tenant?.S ?? "",
    lob: item.lob?.S ?? "",
    createdAt: item.createdAt?.S ?? "",
    ...(item.revokedAt?.S ? { revokedAt: item.revokedAt.S } : {}),
  };
}

function cancelledByCondition(e: unknown): boolean {
  if (e instanceof TransactionCanceledException)
    return (e.CancellationReasons ?? []).some((r) => r.Code === "ConditionalCheckFailed");
  return false;
}
function cancelledByConflict(e: unknown): boolean {
  return (
    e instanceof TransactionCanceledException &&
    (e.CancellationReasons ?? []).some((r) => r.Code === "TransactionConflict")
  );
}

/**
 * The `dynamodb` gateway store.
 *
 * @example
 * ```ts
 * const store = new DynamoDbGatewayStore({ client: new DynamoDBClient({}), table: process.env.SMCB_GATEWAY_TABLE! });
 * ```
 */
export class DynamoDbGatewayStore implements GatewayStore {
  private readonly client: DynamoDBClient;
  private readonly table: string;
  private readonly attempts: number;

  constructor(opts: DynamoDbGatewayStoreOptions) {
    this.client = opts.client;
    this.table = opts.table;
    this.attempts = opts.attempts ?? 8;
  }

  async putKey(record: KeyRecord): Promise<void> {
    await this.call("PutItem", () =>
      this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            pk: S(`key#${record.hash}`),
            sk: S("key"),
            hash: S(record.hash),
            keyId: S(record.keyId),
            tenant: S(record.tenant),
            lob: S(record.lob),
            createdAt: S(record.createdAt),
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      ),
    );
  }

  async findKey(hash: string): Promise<KeyRecord | undefined> {
    const out = await this.call("GetItem", () =>
      this.client.send(
        new GetItemCommand({
          TableName: this.table,
          Key: { pk: S(`key#${hash}`), sk: S("key") },
          ConsistentRead: true,
        }),
      ),
    );
    return out.Item ? toKey(out.Item) : undefined;
  }

  async listKeys(): Promise<KeyRecord[]> {
    const keys: KeyRecord[] = [];
    await this.call("Scan", async () => {
      for await (const page of paginateScan(
        { client: this.client },
        {
          TableName: this.table,
          FilterExpression: "begins_with(pk, :p)",
          ExpressionAttributeValues: { ":p": S("key#") },
        },
      ))
        for (const item of page.Items ?? []) keys.push(toKey(item));
    });
    return keys;
  }

  async revokeKey(keyId: string, at: Date): Promise<boolean> {
    const rec = (await this.listKeys()).find((k) => k.keyId === keyId);
    if (rec === undefined) return false;
    if (rec.revokedAt !== undefined) return true;
    await this.call("UpdateItem", () =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: S(`key#${rec.hash}`), sk: S("key") },
          UpdateExpression: "SET revokedAt = :at",
          ExpressionAttributeValues: { ":at": S(at.toISOString()) },
        }),
      ),
    );
    return true;
  }

  async reserve(req: ReserveRequest): Promise<ReserveResult> {
    // Fast path: the whole worst case, conditioned on fitting (one round-trip when budgets are not tight).
    const whole = req.inputCost.plus(req.outputPrice.times(req.maxOutputTokens));
    const limits = [req.tenantLimit, req.lobLimit].filter((l): l is Decimal => l !== null);
    if (
      limits.every((l) => whole.lte(l)) &&
      (req.tpm === null || req.inputTokens + req.maxOutputTokens <= req.tpm)
    ) {
      const granted = await this.tryReserve(req, req.maxOutputTokens, whole);
      if (granted !== "retry") return granted;
    }
    // Slow path: release dead reservations, read the counters, reserve what fits, conditioned on it still fitting.
    await this.sweep(req.lob, req.month, req.now);
    for (let attempt = 0; attempt < this.attempts; attempt++) {
      const { tenant, lob, rate } = await this.readCounters(req);
      const plan = planReservation(req, tenant, lob, rate);
      if (!plan.ok) return plan;
      const granted = await this.tryReserve(req, plan.outputTokens, plan.amount);
      if (granted !== "retry") return granted;
      await new Promise((r) => setTimeout(r, Math.random() * 5 * (attempt + 1)));
    }
    throw new StoreError(`Could not reserve ${req.id} after ${this.attempts} attempts (contention).`);
  }

  async settle(req: SettleRequest): Promise<SettleResult> {
    const key = { pk: S(resPk(req.lob, req.month)), sk: S(req.id) };
    const got = await this.call("GetItem", () =>
      this.client.send(new GetItemCommand({ TableName: this.table, Key: key, ConsistentRead: true })),
    );
    const res = got.Item;
    if (res === undefined) return { settled: false, alerts: [] };
    const tenant = res.tenant?.S ?? "";
    const amount = decimal(res, "amount");
    const reservedTokens = num(res, "tokens");
    const minute = num(res, "minute");
    const t = req.tokens;
    const bucketUpdate = (pk: string): TransactWriteItem => ({
      Update: {
        TableName: this.table,
        Key: { pk: S(pk), sk: S(req.month) },
        UpdateExpression:
          "ADD committed :delta, spent :cost, inputTokens :i, outputTokens :o, cacheReadTokens :cr, cacheWriteTokens :cw, calls :one",
        ExpressionAttributeValues: {
          ":delta": N(req.cost.minus(amount)),
          ":cost": N(req.cost),
          ":i": N(t.inputTokens),
          ":o": N(t.outputTokens),
          ":cr": N(t.cacheReadTokens),
          ":cw": N(t.cacheWriteTokens),
          ":one": N(1),
        },
      },
    });
    const items: TransactWriteItem[] = [
      { Delete: { TableName: this.table, Key: key, ConditionExpression: "attribute_exists(pk)" } },
      bucketUpdate(tenantPk(tenant)),
      bucketUpdate(lobPk(req.lob)),
      this.rateDelta(tenant, minute, totalTokens(t) - reservedTokens),
    ];
    try {
      await this.transact(items);
    } catch (e) {
      if (cancelledByCondition(e)) return { settled: false, alerts: [] };
      throw e;
    }
    const alerts = await this.alerts(req, tenant);
    return { settled: true, alerts };
  }

  async usage(tenant: string, lob: string, month: string): Promise<MonthUsage> {
    const items = await this.batchGet([
      { pk: S(tenantPk(tenant)), sk: S(month) },
      { pk: S(lobPk(lob)), sk: S(month) },
    ]);
    return {
      tenant: toBucket(items.get(`${tenantPk(tenant)}|${month}`)),
      lob: toBucket(items.get(`${lobPk(lob)}|${month}`)),
    };
  }

  async close(): Promise<void> {}

  /** One reservation transaction: what was granted, or `"retry"` when a condition failed or another one won. */
  private async tryReserve(
    req: ReserveRequest,
    outputTokens: number,
    amount: Decimal,
  ): Promise<ReserveResult | "retry"> {
    const tokens = req.inputTokens + outputTokens;
    const bucket = (pk: string, limit: Decimal | null): TransactWriteItem => ({
      Update: {
        TableName: this.table,
        Key: { pk: S(pk), sk: S(req.month) },
        UpdateExpression: "SET committed = if_not_exists(committed, :zero) + :amt",
        ...(limit === null
          ? { ExpressionAttributeValues: { ":zero": N(0), ":amt": N(amount) } }
          : {
              ConditionExpression: "attribute_not_exists(committed) OR committed <= :max",
              ExpressionAttributeValues: { ":zero": N(0), ":amt": N(amount), ":max": N(limit.minus(amount)) },
            }),
      },
    });
    const rateConditions: string[] = [];
    const rateValues: Item = {
      ":zero": N(0),
      ":one": N(1),
      ":tok": N(tokens),
      ":exp": N((req.minute + 3) * 60),
    };
    if (req.rpm !== null) {
      rateConditions.push("requests <= :rmax");
      rateValues[":rmax"] = N(req.rpm - 1);
    }
    if (req.tpm !== null) {
      rateConditions.push("tokens <= :tmax");
      rateValues[":tmax"] = N(req.tpm - tokens);
    }
    const items: TransactWriteItem[] = [
      {
        Put: {
          TableName: this.table,
          Item: {
            pk: S(resPk(req.lob, req.month)),
            sk: S(req.id),
            tenant: S(req.tenant),
            amount: N(amount),
            tokens: N(tokens),
            minute: N(req.minute),
            deadline: N(req.expiresAt),
            expiresAt: N(Math.ceil(req.expiresAt / 1000) + RESERVATION_KEEP_S),
          },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
      bucket(tenantPk(req.tenant), req.tenantLimit),
      bucket(lobPk(req.lob), req.lobLimit),
      {
        Update: {
          TableName: this.table,
          Key: { pk: S(ratePk(req.tenant)), sk: S(String(req.minute)) },
          UpdateExpression:
            "SET requests = if_not_exists(requests, :zero) + :one, tokens = if_not_exists(tokens, :zero) + :tok, expiresAt = :exp",
          ...(rateConditions.length > 0
            ? { ConditionExpression: `attribute_not_exists(requests) OR (${rateConditions.join(" AND ")})` }
            : {}),
          ExpressionAttributeValues: rateValues,
        },
      },
    ];
    try {
      await this.transact(items);
      return { ok: true, outputTokens, amount };
    } catch (e) {
      // The reservation already exists: an earlier attempt of this very request committed and its answer was lost
      // (the SDK resent it). That reservation is the grant.
      if (
        e instanceof TransactionCanceledException &&
        e.CancellationReasons?.[0]?.Code === "ConditionalCheckFailed"
      ) {
        const got = await this.call("GetItem", () =>
          this.client.send(
            new GetItemCommand({
              TableName: this.table,
              Key: { pk: S(resPk(req.lob, req.month)), sk: S(req.id) },
              ConsistentRead: true,
            }),
          ),
        );
        if (got.Item)
          return {
            ok: true,
            outputTokens: num(got.Item, "tokens") - req.inputTokens,
            amount: decimal(got.Item, "amount"),
          };
      }
      if (cancelledByCondition(e) || cancelledByConflict(e)) return "retry";
      throw e;
    }
  }

  /** Releases every reservation of a LOB's month that is past its deadline (each at most once). */
  private async sweep(lob: string, month: string, now: number): Promise<void> {
    const dead: Item[] = [];
    await this.call("Query", async () => {
      for await (const page of paginateQuery(
        { client: this.client },
        {
          TableName: this.table,
          KeyConditionExpression: "pk = :pk",
          FilterExpression: "deadline <= :now",
          ExpressionAttributeValues: { ":pk": S(resPk(lob, month)), ":now": N(now) },
          ConsistentRead: true,
        },
      ))
        dead.push(...(page.Items ?? []));
    });
    for (const res of dead) {
      const tenant = res.tenant?.S ?? "";
      const release = (pk: string): TransactWriteItem => ({
        Update: {
          TableName: this.table,
          Key: { pk: S(pk), sk: S(month) },
          UpdateExpression: "ADD committed :neg",
          ExpressionAttributeValues: { ":neg": N(decimal(res, "amount").negated()) },
        },
      });
      try {
        await this.transact([
          {
            Delete: {
              TableName: this.table,
              Key: { pk: S(resPk(lob, month)), sk: res.sk ?? S("") },
              ConditionExpression: "deadline <= :now",
              ExpressionAttributeValues: { ":now": N(now) },
            },
          },
          release(tenantPk(tenant)),
          release(lobPk(lob)),
          this.rateDelta(tenant, num(res, "minute"), -num(res, "tokens")),
        ]);
      } catch (e) {
        if (!cancelledByCondition(e) && !cancelledByConflict(e)) throw e; // settled or swept meanwhile
      }
    }
  }

  private rateDelta(tenant: string, minute: number, delta: number): TransactWriteItem {
    return {
      Update: {
        TableName: this.table,
        Key: { pk: S(ratePk(tenant)), sk: S(String(minute)) },
        UpdateExpression: "ADD tokens :d SET expiresAt = if_not_exists(expiresAt, :exp)",
        ExpressionAttributeValues: { ":d": N(delta), ":exp": N((minute + 3) * 60) },
      },
    };
  }

  private async readCounters(
    req: ReserveRequest,
  ): Promise<{ tenant: BucketState; lob: BucketState; rate: RateState }> {
    const items = await this.batchGet([
      { pk: S(tenantPk(req.tenant)), sk: S(req.month) },
      { pk: S(lobPk(req.lob)), sk: S(req.month) },
      { pk: S(ratePk(req.tenant)), sk: S(String(req.minute)) },
    ]);
    const rate = items.get(`${ratePk(req.tenant)}|${req.minute}`);
    return {
      tenant: toBucket(items.get(`${tenantPk(req.tenant)}|${req.month}`)),
      lob: toBucket(items.get(`${lobPk(req.lob)}|${req.month}`)),
      rate: { requests: num(rate, "requests"), tokens: num(rate, "tokens") },
    };
  }

  /** Marks the thresholds this settlement crossed, each once per month (a conditional add per threshold). */
  private async alerts(req: SettleRequest, tenant: string): Promise<BudgetAlert[]> {
    if (req.tenantAlerts === null && req.lobAlerts === null) return [];
    const { tenant: t, lob: l } = await this.usage(tenant, req.lob, req.month);
    const out: BudgetAlert[] = [];
    for (const [scope, pk, name, cfg, bucket] of [
      ["tenant", tenantPk(tenant), tenant, req.tenantAlerts, t],
      ["lob", lobPk(req.lob), req.lob, req.lobAlerts, l],
    ] as const) {
      if (cfg === null) continue;
      for (const threshold of newThresholds(bucket.spent, cfg, bucket.alerted)) {
        try {
          await this.client.send(
            new UpdateItemCommand({
              TableName: this.table,
              Key: { pk: S(pk), sk: S(req.month) },
              UpdateExpression: "ADD alerted :t",
              ConditionExpression: "attribute_not_exists(alerted) OR NOT contains(alerted, :v)",
              ExpressionAttributeValues: { ":t": { SS: [String(threshold)] }, ":v": S(String(threshold)) },
            }),
          );
          out.push({ scope, name, month: req.month, threshold, spent: bucket.spent, limit: cfg.limit });
        } catch (e) {
          if (!(e instanceof ConditionalCheckFailedException))
            throw new StoreError("UpdateItem failed", { cause: e });
        }
      }
    }
    return out;
  }

  private async batchGet(keys: Item[]): Promise<Map<string, Item>> {
    const out = new Map<string, Item>();
    let pending: Item[] = keys;
    for (let i = 0; pending.length > 0 && i < 5; i++) {
      const res = await this.call("BatchGetItem", () =>
        this.client.send(
          new BatchGetItemCommand({
            RequestItems: { [this.table]: { Keys: pending, ConsistentRead: true } },
          }),
        ),
      );
      for (const item of res.Responses?.[this.table] ?? []) out.set(`${item.pk?.S}|${item.sk?.S}`, item);
      pending = res.UnprocessedKeys?.[this.table]?.Keys ?? [];
    }
    return out;
  }

  private async transact(items: TransactWriteItem[]): Promise<void> {
    try {
      await this.client.send(new TransactWriteItemsCommand({ TransactItems: items }));
    } catch (e) {
      if (e instanceof TransactionCanceledException) throw e;
      throw new StoreError(`TransactWriteItems on ${this.table} failed: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }

  private async call<T>(action: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (e) {
      if (e instanceof StoreError) throw e;
      throw new StoreError(`${action} on ${this.table} failed: ${(e as Error).message}`, { cause: e });
    }
  }
}
