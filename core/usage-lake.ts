/**
 * The usage lake's names (docs/contracts.md#usage-ledger-event): the rules AWS sets for them and this project's defaults, written once for
 * the config's `infra.usageLake` block (`core/config.ts`) and the `UsageLake` CDK construct.
 * @module
 */

/** A naming rule: the pattern and the words that say it (`must be <rule>`). */
export interface NameRule {
  readonly pattern: RegExp;
  readonly rule: string;
}

/** Glue database and table names as Athena reads them: lower case, letters, digits and underscores. */
export const ATHENA_NAME: NameRule = {
  pattern: /^[a-z0-9_]{1,255}$/,
  rule: "lower-case letters, digits and underscores",
};

/** A Firehose stream name. */
export const DELIVERY_STREAM_NAME: NameRule = {
  pattern: /^[a-zA-Z0-9_.-]{1,64}$/,
  rule: "1–64 letters, digits, '.', '_' or '-'",
};

/** An Athena workgroup name. */
export const WORKGROUP_NAME: NameRule = {
  pattern: /^[a-zA-Z0-9._-]{1,128}$/,
  rule: "1–128 letters, digits, '.', '_' or '-'",
};

/** An S3 key prefix below a bucket: relative, ending with `/`. */
export const KEY_PREFIX: NameRule = {
  pattern: /^[A-Za-z0-9_.=-]+(\/[A-Za-z0-9_.=-]+)*\/$/,
  rule: 'a relative key prefix ending with "/"',
};

/** The defaults of the usage lake, shared by the config block and the construct's props. */
export const USAGE_LAKE_DEFAULTS = {
  /** Key prefix of the events (the Glue table's location). */
  prefix: "usage/",
  /** Key prefix of the records Firehose could not deliver. */
  errorOutputPrefix: "errors/",
  /** Key prefix of the Athena results. */
  resultsPrefix: "athena-results/",
  databaseName: "smcb",
  tableName: "usage_events",
  workgroupName: "smcb-usage",
  /** Firehose buffering time, seconds (0–900). */
  bufferingIntervalSeconds: 300,
  /** Firehose buffering size, MiB (1–128). */
  bufferingSizeMiB: 5,
  /** Largest data one Athena query may scan, GiB. */
  bytesScannedCutoffGiB: 10,
  /** Days the Athena results are kept. */
  resultsExpirationDays: 30,
} as const;
