import {
  BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandOutput,
  ConverseStreamCommand,
  type ConverseStreamOutput,
  ThrottlingException,
} from "@aws-sdk/client-bedrock-runtime";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { AwsError, UsageError } from "../../../../core/errors.js";
import { usageEventSchema } from "../../../../core/usage-event.js";
import { BedrockProfileClient } from "../../../../inference/bedrock/profile-client.js";
import { loadApiModel, shapeProblems } from "../../../support/api-model.js";
import { MemoryRecorder } from "../../../support/memory-recorder.js";

const api = loadApiModel("bedrock-runtime");
const mock = mockClient(BedrockRuntimeClient);
const runtime = new BedrockRuntimeClient({
  region: "us-east-1",
  credentials: { accessKeyId: "x", secretAccessKey: "y" },
});
const PROFILE = "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3d4e5f6";
const MODEL = "anthropic.claude-3-haiku-20240307-v1:0";
const PROMPT = "What is our refund policy for order 7731?";
const ANSWER = "Refunds are accepted within 30 days.";
const MESSAGES = [{ role: "user" as const, content: [{ text: PROMPT }] }];

function clock(start = Date.parse("2026-11-27T10:00:00.000Z"), step = 250) {
  let t = start - step;
  return () => {
    t += step;
    return t;
  };
}

function make(
  recorder = new MemoryRecorder(),
  extra: Partial<ConstructorParameters<typeof BedrockProfileClient>[0]> = {},
) {
  const c = new BedrockProfileClient({
    profileArn: PROFILE,
    lob: "retail",
    recorder,
    client: runtime,
    modelId: MODEL,
    now: clock(),
    ...extra,
  });
  return { c, recorder };
}

const converseOutput: ConverseCommandOutput = {
  output: { message: { role: "assistant", content: [{ text: ANSWER }] } },
  stopReason: "end_turn",
  usage: {
    inputTokens: 120,
    outputTokens: 45,
    totalTokens: 165,
    cacheReadInputTokens: 800,
    cacheWriteInputTokens: 64,
  },
  metrics: { latencyMs: 230 },
  $metadata: { requestId: "req-1", httpStatusCode: 200 },
};

async function* events(
  list: ConverseStreamOutput[],
  failAfter?: Error,
): AsyncGenerator<ConverseStreamOutput> {
  for (const e of list) yield e;
  if (failAfter) throw failAfter;
}

const STREAM: ConverseStreamOutput[] = [
  { messageStart: { role: "assistant" } },
  { contentBlockDelta: { contentBlockIndex: 0, delta: { text: "Refunds are " } } },
  { contentBlockDelta: { contentBlockIndex: 0, delta: { text: "accepted within 30 days." } } },
  { contentBlockStop: { contentBlockIndex: 0 } },
  { messageStop: { stopReason: "end_turn" } },
  {
    metadata: { usage: { inputTokens: 30, outputTokens: 12, totalTokens: 42 }, metrics: { latencyMs: 410 } },
  },
];

beforeEach(() => mock.reset());

describe("BedrockProfileClient.converse", () => {
  it("calls Converse with the profile ARN as modelId and the LOB in requestMetadata", async () => {
    mock.on(ConverseCommand).resolves(converseOutput);
    const { c } = make();
    const res = await c.converse({
      messages: MESSAGES,
      inferenceConfig: { maxTokens: 256 },
      requestMetadata: { app: "chat" },
    });
    expect(res.output?.message?.content?.[0]?.text).toBe(ANSWER);
    const input = mock.commandCalls(ConverseCommand)[0]?.args[0].input;
    expect(input).toEqual({
      modelId: PROFILE,
      messages: MESSAGES,
      inferenceConfig: { maxTokens: 256 },
      requestMetadata: { app: "chat", LineOfBusiness: "retail" },
    });
    expect(shapeProblems(api, "Converse", "input", input)).toEqual([]);
    const { $metadata: _m, ...body } = converseOutput;
    expect(shapeProblems(api, "Converse", "output", body)).toEqual([]);
  });

  it("records one bedrock event from the service's usage, without content", async () => {
    mock.on(ConverseCommand).resolves(converseOutput);
    const { c, recorder } = make();
    const res = await c.converse({ messages: MESSAGES });
    expect(recorder.events).toEqual([
      {
        v: 1,
        id: "req-1",
        ts: "2026-11-27T10:00:00.000Z",
        lob: "retail",
        kind: "bedrock",
        endpoint: null,
        component: null,
        variant: null,
        profile_arn: PROFILE,
        model_id: MODEL,
        input_tokens: 120,
        output_tokens: 45,
        cache_read_tokens: 800,
        cache_write_tokens: 64,
        token_source: "reported",
        latency_ms: 250,
        status: "ok",
      },
    ]);
    expect(res.usageEvent).toEqual(recorder.events[0]);
    expect(usageEventSchema.parse(recorder.events[0])).toBeTruthy();
    const line = JSON.stringify(recorder.events);
    expect(line).not.toContain("refund");
    expect(line).not.toContain("Refund");
  });

  it("records an error event and throws an AwsError when the call fails", async () => {
    mock.on(ConverseCommand).rejects(
      new ThrottlingException({
        message: "Too many requests",
        $metadata: { requestId: "req-err", httpStatusCode: 429 },
      }),
    );
    const { c, recorder } = make();
    const e = await c.converse({ messages: MESSAGES }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AwsError);
    expect((e as AwsError).message).toMatch(/Converse failed: ThrottlingException \(HTTP 429\)/);
    expect(recorder.events).toHaveLength(1);
    expect(recorder.events[0]).toMatchObject({
      id: "req-err",
      status: "error",
      input_tokens: 0,
      output_tokens: 0,
    });
    expect(usageEventSchema.parse(recorder.events[0])).toBeTruthy();
  });

  it("never fails a call because the recorder throws", async () => {
    mock.on(ConverseCommand).resolves(converseOutput);
    const { c } = make(new MemoryRecorder(new Error("disk full")));
    await expect(c.converse({ messages: MESSAGES })).resolves.toMatchObject({ stopReason: "end_turn" });
  });

  it("uses a fresh id when the service gives no request id, and null when no model id is known", async () => {
    mock.on(ConverseCommand).resolves({ ...converseOutput, $metadata: {} });
    const { c, recorder } = make(new MemoryRecorder(), { modelId: undefined });
    await c.converse({ messages: MESSAGES });
    await c.converse({ messages: MESSAGES });
    const [a, b] = recorder.events;
    expect(a?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(a?.id).not.toBe(b?.id);
    expect(a?.model_id).toBeNull();
  });
});

describe("BedrockProfileClient.converseStream", () => {
  it("relays every event and records the metadata event's usage at the end", async () => {
    mock.on(ConverseStreamCommand).resolves({ stream: events(STREAM), $metadata: { requestId: "req-s" } });
    const { c, recorder } = make();
    const res = await c.converseStream({ messages: MESSAGES, requestMetadata: { app: "chat" } });
    const input = mock.commandCalls(ConverseStreamCommand)[0]?.args[0].input;
    expect(input).toEqual({
      modelId: PROFILE,
      messages: MESSAGES,
      requestMetadata: { app: "chat", LineOfBusiness: "retail" },
    });
    expect(shapeProblems(api, "ConverseStream", "input", input)).toEqual([]);
    expect(recorder.events).toHaveLength(0);
    const seen: ConverseStreamOutput[] = [];
    for await (const ev of res.stream) seen.push(ev);
    expect(seen).toEqual(STREAM);
    expect(recorder.events).toHaveLength(1);
    expect(recorder.events[0]).toMatchObject({
      id: "req-s",
      kind: "bedrock",
      input_tokens: 30,
      output_tokens: 12,
      cache_read_tokens: 0,
      cache_write_tokens: 0,
      status: "ok",
    });
    expect(await res.usageEvent).toEqual(recorder.events[0]);
    expect(usageEventSchema.parse(recorder.events[0])).toBeTruthy();
  });

  it("records an error when the stream fails mid-way, and rethrows", async () => {
    const fail = Object.assign(new Error("model crashed"), { name: "ModelStreamErrorException" });
    mock
      .on(ConverseStreamCommand)
      .resolves({ stream: events(STREAM.slice(0, 2), fail), $metadata: { requestId: "req-f" } });
    const { c, recorder } = make();
    const res = await c.converseStream({ messages: MESSAGES });
    await expect(
      (async () => {
        for await (const _ of res.stream);
      })(),
    ).rejects.toThrow(/ConverseStream failed: ModelStreamErrorException/);
    expect(recorder.events).toEqual([
      expect.objectContaining({ id: "req-f", status: "error", output_tokens: 0 }),
    ]);
  });

  it("records an abandoned stream (no usage reported) as an error", async () => {
    mock.on(ConverseStreamCommand).resolves({ stream: events(STREAM), $metadata: { requestId: "req-a" } });
    const { c, recorder } = make();
    const res = await c.converseStream({ messages: MESSAGES });
    for await (const ev of res.stream) if (ev.contentBlockDelta) break;
    expect((await res.usageEvent).status).toBe("error");
    expect(recorder.events).toHaveLength(1);
  });

  it("records an error when the call itself fails", async () => {
    mock
      .on(ConverseStreamCommand)
      .rejects(Object.assign(new Error("denied"), { name: "AccessDeniedException" }));
    const { c, recorder } = make();
    await expect(c.converseStream({ messages: MESSAGES })).rejects.toThrow(AwsError);
    expect(recorder.events).toEqual([expect.objectContaining({ status: "error" })]);
  });
});

describe("BedrockProfileClient options", () => {
  it("refuses anything but an application inference profile ARN", () => {
    for (const bad of [
      MODEL,
      `arn:aws:bedrock:us-east-1::foundation-model/${MODEL}`,
      `arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.${MODEL}`,
    ])
      expect(
        () => new BedrockProfileClient({ profileArn: bad, lob: "retail", recorder: new MemoryRecorder() }),
      ).toThrow(/not an application inference profile ARN/);
  });
  it("refuses a LOB that requestMetadata cannot carry, and too many metadata entries", async () => {
    expect(
      () => new BedrockProfileClient({ profileArn: PROFILE, lob: "détail", recorder: new MemoryRecorder() }),
    ).toThrow(UsageError);
    const { c, recorder } = make();
    const md = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, "v"]));
    await expect(c.converse({ messages: MESSAGES, requestMetadata: md })).rejects.toThrow(/more than 16/);
    expect(mock.calls()).toHaveLength(0);
    expect(recorder.events).toHaveLength(0);
  });
  it("defaults to a runtime client in the profile's region", async () => {
    const c = new BedrockProfileClient({
      profileArn: PROFILE.replace("us-east-1", "eu-west-1"),
      lob: "retail",
      recorder: new MemoryRecorder(),
    });
    mock.on(ConverseCommand).resolves(converseOutput);
    await c.converse({ messages: MESSAGES });
    const region = await (mock.call(0).thisValue as BedrockRuntimeClient).config.region();
    expect(region).toBe("eu-west-1");
  });
});
