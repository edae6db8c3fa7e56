/**
 * Usage recorders: the sinks of usage events (file ledger, CloudWatch metrics, Firehose) and the
 * recorder a usage config asks for.
 * @module
 */
export type { BufferedRecorderOptions, RecorderStats } from "./buffered-recorder.js";
export {
  CloudWatchUsageRecorder,
  type CloudWatchUsageRecorderOptions,
  metricDimensions,
} from "./cloudwatch-usage-recorder.js";
export { createUsageRecorder, type RecorderClients } from "./create-usage-recorder.js";
export { defaultWriterId, FileUsageRecorder, type FileUsageRecorderOptions } from "./file-usage-recorder.js";
export { FirehoseUsageRecorder, type FirehoseUsageRecorderOptions } from "./firehose-usage-recorder.js";
export type { RetryPolicy } from "./retry.js";
export type { SpoolingRecorderOptions } from "./spooling-recorder.js";
export type { UsageRecorder } from "./usage-recorder.js";
export { DEFAULT_SPOOL_DIR } from "./usage-spool.js";
