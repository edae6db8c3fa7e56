/**
 * What the remote recorders (CloudWatch, Firehose) share: send in bounded calls with retries beyond the SDK's,
 * spill what still fails to a local spool, and replay the spool once the service takes data again.
 */
import { BufferedRecorder, type BufferedRecorderOptions } from "./buffered-recorder.js";
import { deliver, type RetryPolicy, retryPolicy } from "./retry.js";
import { DEFAULT_SPOOL_DIR, UsageSpool } from "./usage-spool.js";

/** Options of a recorder that spools. */
export interface SpoolingRecorderOptions extends BufferedRecorderOptions {
  /** Retries beyond the SDK's own attempts. */
  readonly retry?: RetryPolicy;
  /** Where what cannot be sent waits for the next flush or the next recorder. @default ".smcb-spool" */
  readonly spoolDir?: string;
}

/** Splits items into calls of at most `maxItems` items and `maxBytes` of JSON. */
export function batchBySize<T>(items: readonly T[], maxItems: number, maxBytes: number): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = JSON.stringify(item).length + 1;
    if (cur.length > 0 && (cur.length >= maxItems || bytes + size > maxBytes)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(item);
    bytes += size;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/** Base class of recorders whose units (data, records) are sent to a service and spooled when it fails. */
export abstract class SpoolingRecorder<T> extends BufferedRecorder {
  private readonly retry: Required<RetryPolicy>;
  private readonly spool: UsageSpool<T>;
  private replayPending = true;

  constructor(options: SpoolingRecorderOptions, defaultIntervalMs: number, spoolSubdir: string) {
    super(options, defaultIntervalMs);
    this.retry = retryPolicy(options.retry);
    this.spool = new UsageSpool(`${options.spoolDir ?? DEFAULT_SPOOL_DIR}/${spoolSubdir}`);
  }

  /** Takes every buffered unit out of memory. */
  protected abstract take(): T[];
  /** Splits units into calls the service accepts. */
  protected abstract batch(units: readonly T[]): T[][];
  /** Makes one call; resolves to the units that failed one by one (to retry). Counts `calls`. */
  protected abstract put(units: T[]): Promise<T[]>;

  protected async drain(exiting: boolean): Promise<void> {
    const policy = exiting ? { ...this.retry, maxAttempts: 1 } : this.retry;
    const units = this.take();
    let delivered = true;
    if (units.length > 0) {
      const unsent = await this.send(units, policy);
      delivered = unsent.length === 0;
      this.spill(unsent);
    }
    // Replay the spool (this recorder's spills and earlier recorders') once the service takes data again.
    if (this.replayPending && delivered && !exiting) {
      this.replayPending = false;
      for (const claimed of await this.spool.claim()) {
        this.stats.replayed += claimed.records.length;
        this.spill(await this.send(claimed.records, policy));
        await this.spool.release(claimed);
      }
    }
  }

  /** Moves units to the spool at once (memory bound reached, or sending failed). */
  protected spill(units: readonly T[]): void {
    if (units.length === 0) return;
    try {
      this.spool.writeSync(units);
      this.stats.spilled += units.length;
      this.replayPending = true;
    } catch (error) {
      this.stats.dropped += units.length;
      this.onError(error);
    }
  }

  private async send(units: T[], policy: Required<RetryPolicy>): Promise<T[]> {
    const unsent: T[] = [];
    for (const batch of this.batch(units)) {
      const outcome = await deliver(
        batch,
        async (items) => {
          this.stats.calls++;
          const failed = await this.put(items);
          this.stats.sent += items.length - failed.length;
          return failed;
        },
        policy,
        this.onError,
      );
      unsent.push(...outcome.unsent);
      this.stats.dropped += outcome.rejected.length;
    }
    return unsent;
  }
}
