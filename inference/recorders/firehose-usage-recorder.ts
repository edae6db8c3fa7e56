/**
 * The Firehose recorder: each usage event is one record (a JSON line) of a Firehose stream, usually delivered
 * to S3 as the usage lake that Athena reads (docs/contracts.md#usage-ledger-event).
 */
import { FirehoseClient, PutRecordBatchCommand } from "@aws-sdk/client-firehose";
import type { UsageEvent } from "../../core/index.js";
import { batchBySize, SpoolingRecorder, type SpoolingRecorderOptions } from "./spooling-recorder.js";

/** Most records PutRecordBatch takes in one call. */
export const MAX_RECORDS_PER_BATCH = 500;
/** Largest PutRecordBatch payload, in bytes. */
export const MAX_BATCH_BYTES = 4 * 1024 * 1024;

/** Options of a {@link FirehoseUsageRecorder}. */
export interface FirehoseUsageRecorderOptions extends SpoolingRecorderOptions {
  /** The Firehose stream. */
  readonly deliveryStreamName: string;
  /** @default `new FirehoseClient({})` */
  readonly client?: FirehoseClient;
  /** Events held in memory; reaching it spills the buffer to the spool. @default 10000 */
  readonly maxBufferedEvents?: number;
}

/**
 * Sends usage events to a Firehose stream with PutRecordBatch, retrying exactly the records that failed.
 * What still fails after the retries is spilled to a local spool and replayed by a later flush or the next
 * recorder. Readers remove duplicates by `id`, so a record sent twice (its answer lost) is counted once.
 *
 * @example
 * ```ts
 * const recorder = new FirehoseUsageRecorder({ deliveryStreamName: "smcb-usage" });
 * ```
 */
export class FirehoseUsageRecorder extends SpoolingRecorder<UsageEvent> {
  /** The Firehose stream. */
  readonly deliveryStreamName: string;
  private readonly client: FirehoseClient;
  private buffer: UsageEvent[] = [];
  private readonly maxBuffered: number;

  constructor(options: FirehoseUsageRecorderOptions) {
    super(options, 5000, `firehose/${options.deliveryStreamName}`);
    this.deliveryStreamName = options.deliveryStreamName;
    this.client = options.client ?? new FirehoseClient({});
    this.maxBuffered = options.maxBufferedEvents ?? 10_000;
  }

  protected accept(e: UsageEvent): boolean {
    if (this.buffer.length >= this.maxBuffered) this.spill(this.take());
    this.buffer.push(e);
    return this.buffer.length >= MAX_RECORDS_PER_BATCH;
  }

  protected hasPending(): boolean {
    return this.buffer.length > 0;
  }

  protected take(): UsageEvent[] {
    const records = this.buffer;
    this.buffer = [];
    return records;
  }

  protected batch(units: readonly UsageEvent[]): UsageEvent[][] {
    return batchBySize(units, MAX_RECORDS_PER_BATCH, MAX_BATCH_BYTES);
  }

  protected async put(units: UsageEvent[]): Promise<UsageEvent[]> {
    const encoder = new TextEncoder();
    const out = await this.client.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: this.deliveryStreamName,
        Records: units.map((e) => ({ Data: encoder.encode(`${JSON.stringify(e)}\n`) })),
      }),
    );
    if ((out.FailedPutCount ?? 0) === 0) return [];
    return units.filter((_, i) => out.RequestResponses?.[i]?.ErrorCode);
  }
}
