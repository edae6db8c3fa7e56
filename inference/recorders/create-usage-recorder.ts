/**
 * The recorder a configuration's `usage` section names (docs/contracts.md#configuration-file-smcbconfigjson): file, cloudwatch or firehose.
 */
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { FirehoseClient } from "@aws-sdk/client-firehose";
import type { UsageConfig } from "../../core/index.js";
import type { BufferedRecorder, BufferedRecorderOptions } from "./buffered-recorder.js";
import { CloudWatchUsageRecorder } from "./cloudwatch-usage-recorder.js";
import { FileUsageRecorder } from "./file-usage-recorder.js";
import { FirehoseUsageRecorder } from "./firehose-usage-recorder.js";

/** The AWS clients a remote recorder may need, made only when needed. */
export interface RecorderClients {
  readonly cloudWatch: () => CloudWatchClient;
  readonly firehose: () => FirehoseClient;
}

/**
 * Makes the recorder of a `usage` configuration.
 *
 * @example
 * ```ts
 * const cfg = await loadConfig();
 * const recorder = createUsageRecorder(cfg.usage, {
 *   cloudWatch: () => new CloudWatchClient({}),
 *   firehose: () => new FirehoseClient({}),
 * });
 * ```
 */
export function createUsageRecorder(
  usage: UsageConfig,
  clients: RecorderClients,
  options: BufferedRecorderOptions = {},
): BufferedRecorder {
  switch (usage.type) {
    case "file":
      return new FileUsageRecorder({ ...options, path: usage.path });
    case "cloudwatch":
      return new CloudWatchUsageRecorder({
        ...options,
        namespace: usage.namespace,
        client: clients.cloudWatch(),
      });
    case "firehose":
      return new FirehoseUsageRecorder({
        ...options,
        deliveryStreamName: usage.deliveryStream,
        client: clients.firehose(),
      });
  }
}
