/** An in-memory {@link UsageRecorder} for tests: keeps every event, can be told to throw. */
import type { UsageEvent } from "../../core/usage-event.js";
import type { UsageRecorder } from "../../inference/recorders/usage-recorder.js";

/** Keeps recorded events in `events`; `failWith` makes `record` throw (to prove callers survive it). */
export class MemoryRecorder implements UsageRecorder {
  readonly events: UsageEvent[] = [];
  flushed = 0;
  closed = false;

  constructor(private readonly failWith?: Error) {}

  record(event: UsageEvent): void {
    if (this.failWith) throw this.failWith;
    if (this.closed) return;
    this.events.push(event);
  }

  async flush(): Promise<void> {
    this.flushed++;
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }
}
