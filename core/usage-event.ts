/**
 * The usage ledger event (docs/contracts.md#usage-ledger-event), written once: its fields in order, each with its validator, its Glue/Athena
 * column type and the DuckDB type the file ledger reads it as. The recorders' zod schema, the Glue table of the usage
 * lake and the ledger's compacted columns all derive from {@link USAGE_EVENT_FIELDS}: adding a field is one edit
 * here. One JSON object per line, snake_case (Athena lower-cases column names); also the Firehose record.
 * @module
 */
import * as z from "zod";

/** A column type of the Glue table (Hive DDL type names). */
export type GlueColumnType = "int" | "bigint" | "double" | "string" | "timestamp" | "boolean";

/** One field of the usage event. */
export interface UsageEventField {
  /** The zod validator of the field's value. */
  readonly schema: z.ZodType;
  /** The Glue (Athena) column type. `ts` stays the ISO-8601 text the recorder writes. */
  readonly glue: GlueColumnType;
  /** The DuckDB type a compacted ledger file (Parquet) keeps the field as; `ts` is parsed to `TIMESTAMPTZ`. */
  readonly duckdb: "INTEGER" | "BIGINT" | "DOUBLE" | "VARCHAR" | "TIMESTAMPTZ";
}

const count = { schema: z.number().int().min(0), glue: "bigint", duckdb: "BIGINT" } as const;
const text = <S extends z.ZodType>(schema: S) => ({ schema, glue: "string", duckdb: "VARCHAR" }) as const;

/**
 * The fields of a usage event, in the order the recorders write them and the Glue table lists them. The last two
 * (`tenant`, `price_estimate`) are written by the tenant gateway only; readers accept events without them.
 */
export const USAGE_EVENT_FIELDS = {
  v: { schema: z.literal(1), glue: "int", duckdb: "INTEGER" },
  id: text(z.string().min(1)),
  ts: { schema: z.iso.datetime({ offset: false }), glue: "string", duckdb: "TIMESTAMPTZ" },
  lob: text(z.string().min(1)),
  kind: text(z.enum(["sagemaker", "bedrock"])),
  endpoint: text(z.string().nullable()),
  component: text(z.string().nullable()),
  variant: text(z.string().nullable()),
  profile_arn: text(z.string().nullable()),
  model_id: text(z.string().nullable()),
  input_tokens: count,
  output_tokens: count,
  cache_read_tokens: count,
  cache_write_tokens: count,
  token_source: text(z.enum(["reported", "estimated"])),
  latency_ms: { schema: z.number().min(0).nullable(), glue: "double", duckdb: "DOUBLE" },
  status: text(z.enum(["ok", "error"])),
  /** The gateway tenant that made the call; absent or null outside the gateway. */
  tenant: text(z.string().min(1).nullable().optional()),
  /** The gateway's price estimate of the call from its price table, decimal text (not the bill). */
  price_estimate: text(
    z
      .string()
      .regex(/^\d+(\.\d+)?$/)
      .nullable()
      .optional(),
  ),
} as const satisfies Record<string, UsageEventField>;

/** The name of a usage event field. */
export type UsageEventFieldName = keyof typeof USAGE_EVENT_FIELDS;

type Shape<F extends Record<string, UsageEventField>> = { -readonly [K in keyof F]: F[K]["schema"] };

function shapeOf<F extends Record<string, UsageEventField>>(fields: F): Shape<F> {
  return Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, f.schema])) as Shape<F>;
}

/** The zod schema of one usage event (schema version 1); unknown fields are refused. */
export const usageEventSchema = z.strictObject(shapeOf(USAGE_EVENT_FIELDS));

/** One usage event: a single invocation attributed to a LOB. Never carries prompt or response content. */
export type UsageEvent = z.infer<typeof usageEventSchema>;

/** The current usage event schema version. */
export const USAGE_EVENT_VERSION = 1;

/** The Glue columns of a usage event, in the event's order (the usage lake's table). */
export const USAGE_EVENT_COLUMNS: readonly {
  readonly name: UsageEventFieldName;
  readonly type: GlueColumnType;
}[] = Object.entries(USAGE_EVENT_FIELDS).map(([name, f]) => ({
  name: name as UsageEventFieldName,
  type: f.glue,
}));

/**
 * The Glue columns of a compacted ledger file (`smcb ledger compact`, docs/ledger.md), in its order: the event's
 * fields with `ts` as a timestamp (Parquet, adjusted to UTC), then `copies` (how many identical events a row
 * stands for) and `counted` (the row that counts its id over the month). The usage lake's compacted table.
 */
export const COMPACTED_USAGE_COLUMNS: readonly { readonly name: string; readonly type: GlueColumnType }[] = [
  ...USAGE_EVENT_COLUMNS.map((c) => ({
    name: c.name,
    type: c.name === "ts" ? ("timestamp" as const) : c.type,
  })),
  { name: "copies", type: "bigint" },
  { name: "counted", type: "boolean" },
];
