/**
 * The recorder interface every usage sink implements (file, CloudWatch, Firehose, the gateway's).
 */
import type { UsageEvent } from "../../core/index.js";

/**
 * A usage sink. `record` never throws and never blocks the caller: events are buffered and written by
 * `flush` (also called on an interval and on process exit signals). `close` flushes and releases resources.
 */
export interface UsageRecorder {
  /** Buffers one event; never throws. */
  record(event: UsageEvent): void;
  /** Writes everything buffered so far. */
  flush(): Promise<void>;
  /** Flushes and stops timers and handles; the recorder accepts no more events. */
  close(): Promise<void>;
}
