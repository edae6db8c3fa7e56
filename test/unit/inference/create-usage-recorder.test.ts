import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { FirehoseClient } from "@aws-sdk/client-firehose";
import { describe, expect, it } from "vitest";
import { CloudWatchUsageRecorder } from "../../../inference/recorders/cloudwatch-usage-recorder.js";
import { createUsageRecorder } from "../../../inference/recorders/create-usage-recorder.js";
import { FileUsageRecorder } from "../../../inference/recorders/file-usage-recorder.js";
import { FirehoseUsageRecorder } from "../../../inference/recorders/firehose-usage-recorder.js";

const clients = {
  cloudWatch: () => new CloudWatchClient({ region: "us-east-1" }),
  firehose: () => new FirehoseClient({ region: "us-east-1" }),
};

describe("createUsageRecorder", () => {
  it("makes the recorder the configuration's usage section names", async () => {
    const file = createUsageRecorder({ type: "file", path: "/tmp/ledger" }, clients, { flushOnExit: false });
    const cw = createUsageRecorder({ type: "cloudwatch", namespace: "Team" }, clients, {
      flushOnExit: false,
    });
    const fh = createUsageRecorder({ type: "firehose", deliveryStream: "usage" }, clients, {
      flushOnExit: false,
    });
    expect(file).toBeInstanceOf(FileUsageRecorder);
    expect((file as FileUsageRecorder).path).toBe("/tmp/ledger");
    expect(cw).toBeInstanceOf(CloudWatchUsageRecorder);
    expect((cw as CloudWatchUsageRecorder).namespace).toBe("Team");
    expect(fh).toBeInstanceOf(FirehoseUsageRecorder);
    expect((fh as FirehoseUsageRecorder).deliveryStreamName).toBe("usage");
    await Promise.all([file.close(), cw.close(), fh.close()]);
  });
});
