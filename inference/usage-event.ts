/**
 * The usage ledger event (DESIGN §3.3) and the recorder interface every usage sink implements.
 * One JSON object per line, snake_case; also the Firehose record and the Athena/Glue table row.
 */
import { z } from "zod";

/** The zod schema of one usage event (schema version 1). */
export const usageEventSchema = z.strictObject({
  v: z.literal(1),
  id: z.string().min(1),
  ts: z.iso.datetime({ offset: false }),
  lob: z.string().min(1),
  kind: z.enum(["sagemaker", "bedrock"]),
  endpoint: z.string().nullable(),
  component: z.string().nullable(),
  variant: z.string().nullable(),
  profile_arn: z.string().nullable(),
  model_id: z.string().nullable(),
  input_tokens: z.number().int().min(0),
  output_tokens: z.number().int().min(0),
  cache_read_tokens: z.number().int().min(0),
  cache_write_tokens: z.number().int().min(0),
  token_source: z.enum(["reported", "estimated"]),
  latency_ms: z.number().min(0).nullable(),
  status: z.enum(["ok", "error"]),
  /** The gateway tenant that made the call; absent or null outside the gateway. */
  tenant: z.string().min(1).nullable().optional(),
  /** The gateway's price estimate of the call from its price table, decimal text (not the bill). */
  price_estimate: z
    .string()
    .regex(/^\d+(\.\d+)?$/)
    .nullable()
    .optional(),
});

/** One usage event: a single invocation attributed to a LOB. Never carries prompt or response content. */
export type UsageEvent = z.infer<typeof usageEventSchema>;

/** The current usage event schema version. */
export const USAGE_EVENT_VERSION = 1;

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
