/**
 * The gateway store: keys, budget buckets, rate counters and reservations, behind one interface with two
 * implementations (`file` locally, `dynamodb` on AWS). Every budget step is atomic across processes.
 */
import type { BucketState, ReserveRequest, ReserveResult, SettleRequest, SettleResult } from "./budget.js";
import type { KeyRecord } from "./keys.js";

/** A tenant's and its LOB's month, as `GET /v1/usage` shows them. */
export interface MonthUsage {
  readonly tenant: BucketState;
  readonly lob: BucketState;
}

/** The gateway's state. Implementations must make `reserve` and `settle` atomic across processes. */
export interface GatewayStore {
  /** Stores a new key record. */
  putKey(record: KeyRecord): Promise<void>;
  /** The record of a key hash, or `undefined`. */
  findKey(hash: string): Promise<KeyRecord | undefined>;
  /** Every key record (revoked ones too). */
  listKeys(): Promise<KeyRecord[]>;
  /** Marks a key revoked by its public id; false when no key has that id. */
  revokeKey(keyId: string, at: Date): Promise<boolean>;
  /**
   * In one atomic step: releases expired reservations, checks the rate counters and both budgets, and reserves
   * the worst case of the call (lowering its output tokens to what fits) on the tenant, its LOB and the rate
   * counters together — or refuses without reserving anything.
   */
  reserve(req: ReserveRequest): Promise<ReserveResult>;
  /** Settles a reservation to the call's actual cost, once per id; later calls for the same id change nothing. */
  settle(req: SettleRequest): Promise<SettleResult>;
  /** A tenant's and its LOB's month. */
  usage(tenant: string, lob: string, month: string): Promise<MonthUsage>;
  /** Releases resources. */
  close(): Promise<void>;
}

/** The store could not be read or written. */
export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreError";
  }
}
