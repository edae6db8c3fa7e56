/**
 * The file recorder: the JSON Lines usage ledger `usage/YYYY/MM/DD/<writer-id>.jsonl` (docs/contracts.md#usage-ledger-event, UTC dates).
 */
import { randomBytes } from "node:crypto";
import { appendFile, mkdir } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";
import type { UsageEvent } from "../../core/index.js";
import { BufferedRecorder, type BufferedRecorderOptions } from "./buffered-recorder.js";

/** Options of a {@link FileUsageRecorder}. */
export interface FileUsageRecorderOptions extends BufferedRecorderOptions {
  /** The ledger folder. */
  readonly path: string;
  /**
   * This writer's file name (without `.jsonl`). Each process writes its own file, so several processes can
   * record into one ledger at once. @default `<host>-<pid>-<random>`
   */
  readonly writerId?: string;
  /** Events held in memory at most; beyond it new events are dropped (and counted). @default 100000 */
  readonly maxBufferedEvents?: number;
  /** Buffered events that start a flush at once. @default 1000 */
  readonly flushAtEvents?: number;
}

/** A writer id unique to this process: host, pid and a random part, in file-name-safe characters. */
export function defaultWriterId(): string {
  const host = hostname().replace(/[^A-Za-z0-9._-]/g, "_") || "host";
  return `${host}-${process.pid}-${randomBytes(4).toString("hex")}`;
}

/**
 * Appends usage events to the local JSON Lines ledger. Every flush appends whole lines in one write per file.
 *
 * @example
 * ```ts
 * const recorder = new FileUsageRecorder({ path: "usage" });
 * // … new SharedEndpointClient({ …, recorder }) …
 * await recorder.close();
 * ```
 */
export class FileUsageRecorder extends BufferedRecorder {
  /** The ledger folder. */
  readonly path: string;
  /** This writer's file name. */
  readonly writerId: string;
  private buffer: UsageEvent[] = [];
  private readonly maxBuffered: number;
  private readonly flushAt: number;
  private readonly madeDirs = new Set<string>();

  constructor(options: FileUsageRecorderOptions) {
    super(options, 1000);
    this.path = options.path;
    this.writerId = options.writerId ?? defaultWriterId();
    if (!/^[A-Za-z0-9._-]+$/.test(this.writerId))
      throw new TypeError(`writerId "${this.writerId}" must use only letters, digits, '.', '_' and '-'.`);
    this.maxBuffered = options.maxBufferedEvents ?? 100_000;
    this.flushAt = options.flushAtEvents ?? 1000;
  }

  /** The file an event belongs in. */
  fileFor(event: Pick<UsageEvent, "ts">): string {
    const d = new Date(event.ts);
    const yyyy = String(d.getUTCFullYear()).padStart(4, "0");
    const mm = String(d.getUTCMonth() + 1).padStart(2, "0");
    const dd = String(d.getUTCDate()).padStart(2, "0");
    return path.join(this.path, yyyy, mm, dd, `${this.writerId}.jsonl`);
  }

  protected accept(event: UsageEvent): boolean {
    if (this.buffer.length >= this.maxBuffered) throw new Error("file recorder buffer is full");
    this.buffer.push(event);
    return this.buffer.length >= this.flushAt;
  }

  protected hasPending(): boolean {
    return this.buffer.length > 0;
  }

  protected async drain(): Promise<void> {
    const events = this.buffer;
    if (events.length === 0) return;
    this.buffer = [];
    const byFile = new Map<string, UsageEvent[]>();
    for (const e of events) {
      const f = this.fileFor(e);
      const list = byFile.get(f);
      if (list) list.push(e);
      else byFile.set(f, [e]);
    }
    for (const [file, list] of byFile) {
      try {
        const dir = path.dirname(file);
        if (!this.madeDirs.has(dir)) {
          await mkdir(dir, { recursive: true });
          this.madeDirs.add(dir);
        }
        this.stats.calls++;
        await appendFile(file, list.map((e) => `${JSON.stringify(e)}\n`).join(""));
        this.stats.sent += list.length;
      } catch (error) {
        // Keep them for the next flush, within the bound.
        const room = Math.max(0, this.maxBuffered - this.buffer.length);
        this.buffer.unshift(...list.slice(0, room));
        this.stats.dropped += list.length - Math.min(room, list.length);
        this.onError(error);
      }
    }
  }
}
