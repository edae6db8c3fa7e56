/**
 * What every usage recorder shares: a bounded buffer filled by `record` (synchronous, never throws), a single
 * flight of flushes on an interval, on demand and at close, and the exit hook.
 */

import { type UsageEvent, usageEventSchema } from "../../core/index.js";
import { registerExitFlush, unregisterExitFlush } from "./exit-flush.js";
import type { UsageRecorder } from "./usage-recorder.js";

/** Counters of a recorder, for monitoring and tests. */
export interface RecorderStats {
  /** Events accepted by `record`. */
  recorded: number;
  /** Events refused: invalid, recorded after close, or over the memory bound with nowhere to spill. */
  dropped: number;
  /** Units (events, data or records) written or sent. */
  sent: number;
  /** Units spilled to the local spool. */
  spilled: number;
  /** Units replayed from the spool. */
  replayed: number;
  /** Calls made to the sink. */
  calls: number;
}

/** Options every recorder takes. */
export interface BufferedRecorderOptions {
  /** How often buffered events are written. @default depends on the recorder */
  readonly flushIntervalMs?: number;
  /** Called with every error the recorder handles (it never throws them). @default ignore */
  readonly onError?: (error: unknown) => void;
  /** Flush on `beforeExit`, `SIGINT` and `SIGTERM`. @default true */
  readonly flushOnExit?: boolean;
}

/** Base class of the usage recorders. */
export abstract class BufferedRecorder implements UsageRecorder {
  /** Counters since creation. */
  readonly stats: RecorderStats = { recorded: 0, dropped: 0, sent: 0, spilled: 0, replayed: 0, calls: 0 };
  protected readonly onError: (error: unknown) => void;
  private readonly timer: NodeJS.Timeout;
  private inFlight: Promise<void> | undefined;
  private next: Promise<void> | undefined;
  private closed = false;
  private readonly exitHook = {
    hasPending: () => this.hasPending(),
    flushForExit: () => this.flushNow(true),
  };
  private readonly exitHooked: boolean;

  constructor(options: BufferedRecorderOptions, defaultIntervalMs: number) {
    this.onError = options.onError ?? (() => undefined);
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? defaultIntervalMs);
    this.timer.unref();
    this.exitHooked = options.flushOnExit ?? true;
    if (this.exitHooked) registerExitFlush(this.exitHook);
  }

  /** Buffers one event. Never throws: invalid events and events after `close` are counted as dropped. */
  record(event: UsageEvent): void {
    try {
      if (this.closed) throw new Error("recorder is closed");
      const parsed = usageEventSchema.safeParse(event);
      if (!parsed.success) throw new Error(`invalid usage event: ${parsed.error.message}`);
      const full = this.accept(parsed.data);
      this.stats.recorded++;
      if (full) void this.flush();
    } catch (error) {
      this.stats.dropped++;
      this.onError(error);
    }
  }

  /** Writes everything buffered so far (with retries); resolves when done. */
  flush(): Promise<void> {
    return this.flushNow(false);
  }

  /** Flushes and stops the timer and the exit hook; later `record` calls are dropped. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.flush();
    if (this.exitHooked) unregisterExitFlush(this.exitHook);
  }

  /** Keeps one flush in flight; a flush asked for meanwhile runs right after it. */
  private flushNow(exiting: boolean): Promise<void> {
    if (this.inFlight) {
      this.next ??= this.inFlight.then(() => {
        this.next = undefined;
        return this.flushNow(exiting);
      });
      return this.next;
    }
    this.inFlight = this.drain(exiting)
      .catch((error) => this.onError(error))
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }

  /** Takes one valid event into the buffer; returns true when a flush should start now (size reached). */
  protected abstract accept(event: UsageEvent): boolean;
  /** Whether anything waits to be written. */
  protected abstract hasPending(): boolean;
  /** Writes what is buffered. When `exiting`, tries briefly and spills what fails instead of retrying long. */
  protected abstract drain(exiting: boolean): Promise<void>;
}
