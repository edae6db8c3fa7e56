/**
 * The local gateway store: one small JSON state file, changed only under an exclusive lock file, so several
 * `smcb gateway serve` processes on one machine can share it. A lock whose holder died (its pid is gone) or that
 * is older than `staleMs` is broken; the state is replaced atomically (write to a temporary file, then rename).
 */
import { randomUUID } from "node:crypto";
import { statSync } from "node:fs";
import { link, mkdir, readFile, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Decimal } from "../core/index.js";
import {
  type BucketState,
  type BudgetAlert,
  EMPTY_BUCKET,
  newThresholds,
  planReservation,
  type RateState,
  type Reservation,
  type ReserveRequest,
  type ReserveResult,
  type SettleRequest,
  type SettleResult,
  settleInto,
  totalTokens,
} from "./budget.js";
import type { KeyRecord } from "./keys.js";
import { type GatewayStore, type MonthUsage, StoreError } from "./store.js";

/** Options of a {@link FileGatewayStore}. */
export interface FileGatewayStoreOptions {
  /** The store's folder (made when missing). */
  readonly path: string;
  /** A lock older than this is considered abandoned, in milliseconds. @default 10000 */
  readonly staleMs?: number | undefined;
  /** How long to wait for the lock before failing, in milliseconds. @default 10000 */
  readonly waitMs?: number | undefined;
}

interface JsonBucket {
  committed: string;
  spent: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  calls: number;
  alerted: string[];
}
interface JsonReservation {
  id: string;
  tenant: string;
  lob: string;
  month: string;
  minute: number;
  amount: string;
  tokens: number;
  expiresAt: number;
}
interface State {
  keys: Record<string, KeyRecord>;
  buckets: Record<string, JsonBucket>;
  rates: Record<string, RateState & { minute: number }>;
  reservations: Record<string, JsonReservation>;
}

const STATE = "state.json";
const LOCK = "state.lock";

function toBucket(j: JsonBucket | undefined): BucketState {
  if (j === undefined) return EMPTY_BUCKET;
  return { ...j, committed: new Decimal(j.committed), spent: new Decimal(j.spent) };
}
function fromBucket(b: BucketState): JsonBucket {
  return {
    committed: b.committed.toString(),
    spent: b.spent.toString(),
    inputTokens: b.inputTokens,
    outputTokens: b.outputTokens,
    cacheReadTokens: b.cacheReadTokens,
    cacheWriteTokens: b.cacheWriteTokens,
    calls: b.calls,
    alerted: [...b.alerted],
  };
}
function toReservation(j: JsonReservation): Reservation {
  return { ...j, amount: new Decimal(j.amount) };
}

const tenantKey = (tenant: string, month: string) => `tenant#${tenant}#${month}`;
const lobKey = (lob: string, month: string) => `lob#${lob}#${month}`;
const rateKey = (tenant: string, minute: number) => `${tenant}#${minute}`;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The `file` gateway store (the local default).
 *
 * @example
 * ```ts
 * const store = new FileGatewayStore({ path: ".smcb/gateway" });
 * await store.putKey(newKey("fraud-team", "payments").record);
 * ```
 */
export class FileGatewayStore implements GatewayStore {
  private readonly dir: string;
  private readonly staleMs: number;
  private readonly waitMs: number;
  /** This process's changes waiting for the lock (they queue here instead of spinning on the lock file). */
  private readonly pending: {
    change: (s: State) => unknown;
    resolve: (v: unknown) => void;
    reject: (e: unknown) => void;
  }[] = [];
  private draining: Promise<void> | undefined;
  /**
   * The state as this process last read or wrote it, with the identity of the file it came from (inode, size,
   * modification time: every write renames a new file into place, so any change by any process changes it).
   * Reads that change nothing (key lookups, usage) use it while the file is unchanged: one `stat` instead of a
   * read and a parse. Changes always read the file afresh under the lock.
   */
  private snapshot: { identity: string; state: State } | undefined;

  constructor(opts: FileGatewayStoreOptions) {
    this.dir = path.resolve(opts.path);
    this.staleMs = opts.staleMs ?? 10_000;
    this.waitMs = opts.waitMs ?? 10_000;
  }

  async putKey(record: KeyRecord): Promise<void> {
    await this.update((s) => {
      s.keys[record.hash] = record;
    });
  }

  async findKey(hash: string): Promise<KeyRecord | undefined> {
    return (await this.current()).keys[hash];
  }

  async listKeys(): Promise<KeyRecord[]> {
    return Object.values((await this.current()).keys);
  }

  async revokeKey(keyId: string, at: Date): Promise<boolean> {
    return this.update((s) => {
      const rec = Object.values(s.keys).find((k) => k.keyId === keyId);
      if (rec === undefined) return false;
      if (rec.revokedAt === undefined) s.keys[rec.hash] = { ...rec, revokedAt: at.toISOString() };
      return true;
    });
  }

  async reserve(req: ReserveRequest): Promise<ReserveResult> {
    return this.update((s) => {
      this.expire(s, req.now);
      const rk = rateKey(req.tenant, req.minute);
      const rate = s.rates[rk] ?? { minute: req.minute, requests: 0, tokens: 0 };
      const tk = tenantKey(req.tenant, req.month);
      const lk = lobKey(req.lob, req.month);
      const tenant = toBucket(s.buckets[tk]);
      const lob = toBucket(s.buckets[lk]);
      const plan = planReservation(req, tenant, lob, rate);
      if (!plan.ok) return plan;
      const tokens = req.inputTokens + plan.outputTokens;
      s.rates[rk] = { minute: req.minute, requests: rate.requests + 1, tokens: rate.tokens + tokens };
      s.buckets[tk] = fromBucket({ ...tenant, committed: tenant.committed.plus(plan.amount) });
      s.buckets[lk] = fromBucket({ ...lob, committed: lob.committed.plus(plan.amount) });
      s.reservations[req.id] = {
        id: req.id,
        tenant: req.tenant,
        lob: req.lob,
        month: req.month,
        minute: req.minute,
        amount: plan.amount.toString(),
        tokens,
        expiresAt: req.expiresAt,
      };
      return plan;
    });
  }

  async settle(req: SettleRequest): Promise<SettleResult> {
    return this.update((s) => {
      const j = s.reservations[req.id];
      if (j === undefined) return { settled: false, alerts: [] };
      delete s.reservations[req.id];
      const r = toReservation(j);
      const alerts: BudgetAlert[] = [];
      for (const [scope, key, name, cfg] of [
        ["tenant", tenantKey(r.tenant, r.month), r.tenant, req.tenantAlerts],
        ["lob", lobKey(r.lob, r.month), r.lob, req.lobAlerts],
      ] as const) {
        const after = settleInto(toBucket(s.buckets[key]), r, req);
        const crossed = newThresholds(after.spent, cfg, after.alerted);
        for (const threshold of crossed)
          alerts.push({
            scope,
            name,
            month: r.month,
            threshold,
            spent: after.spent,
            limit: cfg?.limit ?? after.spent,
          });
        s.buckets[key] = fromBucket({ ...after, alerted: [...after.alerted, ...crossed.map(String)] });
      }
      const rk = rateKey(r.tenant, r.minute);
      const rate = s.rates[rk];
      if (rate !== undefined) {
        s.rates[rk] = { ...rate, tokens: Math.max(0, rate.tokens - r.tokens + totalTokens(req.tokens)) };
      }
      return { settled: true, alerts };
    });
  }

  async usage(tenant: string, lob: string, month: string): Promise<MonthUsage> {
    const s = await this.current();
    return {
      tenant: toBucket(s.buckets[tenantKey(tenant, month)]),
      lob: toBucket(s.buckets[lobKey(lob, month)]),
    };
  }

  async close(): Promise<void> {
    await this.draining;
  }

  /** Releases expired reservations and forgets rate counters older than two minutes. */
  private expire(s: State, now: number): void {
    for (const j of Object.values(s.reservations)) {
      if (j.expiresAt > now) continue;
      delete s.reservations[j.id];
      const r = toReservation(j);
      for (const key of [tenantKey(r.tenant, r.month), lobKey(r.lob, r.month)]) {
        const b = toBucket(s.buckets[key]);
        s.buckets[key] = fromBucket({ ...b, committed: b.committed.minus(r.amount) });
      }
      const rk = rateKey(r.tenant, r.minute);
      const rate = s.rates[rk];
      if (rate !== undefined) s.rates[rk] = { ...rate, tokens: Math.max(0, rate.tokens - r.tokens) };
    }
    const minute = Math.floor(now / 60_000);
    for (const [k, r] of Object.entries(s.rates)) if (r.minute < minute - 1) delete s.rates[k];
  }

  /** The state for a read that changes nothing: the snapshot while the file is unchanged, else the file. */
  private async current(): Promise<State> {
    const identity = this.identity();
    if (identity !== undefined && this.snapshot?.identity === identity) return this.snapshot.state;
    const state = await this.read();
    // Remember it only if the file did not change while it was read.
    if (identity !== undefined && this.identity() === identity) this.snapshot = { identity, state };
    return state;
  }

  /**
   * The identity of the state file (inode, size, modification time), or `undefined` when there is none. A
   * synchronous `stat` on purpose: one system call of a few microseconds, where the asynchronous one costs a
   * thread-pool round trip per request (measured: 8 % of the gateway's CPU under load).
   */
  private identity(): string | undefined {
    try {
      const st = statSync(path.join(this.dir, STATE), { bigint: true });
      return `${st.ino}:${st.size}:${st.mtimeNs}`;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new StoreError(`Cannot read the gateway store ${this.dir}: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }

  private async read(): Promise<State> {
    let text: string;
    try {
      text = await readFile(path.join(this.dir, STATE), "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT")
        return { keys: {}, buckets: {}, rates: {}, reservations: {} };
      throw new StoreError(`Cannot read the gateway store ${this.dir}: ${(e as Error).message}`, {
        cause: e,
      });
    }
    try {
      return JSON.parse(text) as State;
    } catch (e) {
      throw new StoreError(`The gateway store ${path.join(this.dir, STATE)} is not valid JSON.`, {
        cause: e,
      });
    }
  }

  /**
   * Runs `change` on the state under the lock and writes the state back atomically. Changes queued meanwhile in this
   * process are applied together under one lock, one read and one write (group commit); each resolves only once the
   * state holding it is written.
   */
  private update<T>(change: (s: State) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ change, resolve: resolve as (v: unknown) => void, reject });
      this.draining ??= this.drain().finally(() => {
        this.draining = undefined;
      });
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0);
      try {
        const release = await this.lock();
        try {
          const s = await this.read();
          const results = batch.map((op) => {
            try {
              return { ok: true as const, value: op.change(s) };
            } catch (error) {
              return { ok: false as const, error };
            }
          });
          const tmp = path.join(this.dir, `${STATE}.${process.pid}.${randomUUID()}.tmp`);
          await writeFile(tmp, JSON.stringify(s));
          await rename(tmp, path.join(this.dir, STATE));
          // Still under the lock: the file is the state just written, so it is the snapshot of reads.
          const identity = this.identity();
          this.snapshot = identity === undefined ? undefined : { identity, state: s };
          batch.forEach((op, i) => {
            const r = results[i];
            if (r?.ok) op.resolve(r.value);
            else op.reject(r?.error);
          });
        } finally {
          await release();
        }
      } catch (error) {
        for (const op of batch) op.reject(error);
      }
    }
  }

  /** Takes the exclusive lock file; returns its release. */
  private async lock(): Promise<() => Promise<void>> {
    const file = path.join(this.dir, LOCK);
    const token = `${process.pid} ${randomUUID()} ${Date.now()}`;
    const start = Date.now();
    let wait = 1;
    for (;;) {
      try {
        await writeFile(file, token, { flag: "wx" });
        return async () => {
          try {
            if ((await readFile(file, "utf8")) === token) await unlink(file);
          } catch {
            // Already broken as stale by another process: nothing to release.
          }
        };
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "ENOENT") {
          await mkdir(this.dir, { recursive: true });
          continue;
        }
        if (code !== "EEXIST")
          throw new StoreError(`Cannot lock the gateway store ${this.dir}: ${(e as Error).message}`, {
            cause: e,
          });
      }
      if (await this.breakStale(file)) continue;
      if (Date.now() - start > this.waitMs)
        throw new StoreError(`The gateway store ${this.dir} stayed locked for ${this.waitMs} ms.`);
      await sleep(wait);
      wait = Math.min(wait * 2, 20);
    }
  }

  /**
   * Breaks the lock when its holder is dead or it is older than `staleMs`: it is renamed aside (atomic), and put
   * back when what was renamed turns out to be a fresh lock taken in between.
   */
  private async breakStale(file: string): Promise<boolean> {
    let seen: string;
    try {
      seen = await readFile(file, "utf8");
    } catch {
      return true; // released meanwhile: try again at once
    }
    const [pid, , at] = seen.split(" ");
    // A lock being written this instant is still empty: its age is the file's.
    const since = Number.isFinite(Number(at))
      ? Number(at)
      : await stat(file).then(
          (st) => st.mtimeMs,
          () => Date.now(),
        );
    const age = Date.now() - since;
    const dead = pid !== undefined && Number(pid) !== process.pid && !pidAlive(Number(pid));
    if (!dead && !(age > this.staleMs)) return false;
    const aside = `${file}.${randomUUID()}.stale`;
    try {
      await rename(file, aside);
    } catch {
      return true;
    }
    if ((await readFile(aside, "utf8").catch(() => seen)) !== seen)
      await link(aside, file).catch(() => undefined);
    await rm(aside, { force: true });
    return true;
  }
}
