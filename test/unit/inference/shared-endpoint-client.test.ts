import {
  InvokeEndpointCommand,
  InvokeEndpointWithResponseStreamCommand,
  SageMakerRuntimeClient,
} from "@aws-sdk/client-sagemaker-runtime";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { AwsError, UsageError } from "../../../core/errors.js";
import { type UsageEvent, usageEventSchema } from "../../../core/usage-event.js";
import { mergeCustomAttributes } from "../../../inference/client/custom-attributes.js";
import { SharedEndpointClient } from "../../../inference/client/shared-endpoint-client.js";
import type { UsageRecorder } from "../../../inference/recorders/usage-recorder.js";

const rt = mockClient(SageMakerRuntimeClient);
afterEach(() => rt.reset());
const enc = new TextEncoder();
const words = (t: string) => t.split(/\s+/).filter(Boolean).length;

class MemoryRecorder implements UsageRecorder {
  events: UsageEvent[] = [];
  record(e: UsageEvent) {
    this.events.push(e);
  }
  async flush() {}
  async close() {}
}

function body(text: string) {
  // The SDK's Uint8ArrayBlobAdapter is a Uint8Array; the helper only needs the bytes.
  return enc.encode(text) as never;
}

function make(
  rec: UsageRecorder,
  extra: Partial<ConstructorParameters<typeof SharedEndpointClient>[0]> = {},
) {
  return new SharedEndpointClient({
    endpointName: "shared-llm",
    lob: "retail",
    inferenceComponentName: "shared-llm-retail",
    recorder: rec,
    client: new SageMakerRuntimeClient({ region: "us-east-1" }),
    countTokens: words,
    ...extra,
  });
}

describe("SharedEndpointClient.invoke", () => {
  it("sends lob in CustomAttributes, the component, the variant and an InferenceId that is the ledger id", async () => {
    rt.on(InvokeEndpointCommand).resolves({
      Body: body(
        JSON.stringify({
          choices: [{ message: { content: "hi" } }],
          usage: { prompt_tokens: 7, completion_tokens: 3 },
        }),
      ),
      ContentType: "application/json",
      InvokedProductionVariant: "AllTraffic",
    });
    const rec = new MemoryRecorder();
    const c = make(rec, { targetVariant: "AllTraffic" });
    const out = await c.invoke({
      body: { messages: [{ role: "user", content: "hello" }] },
      customAttributes: "trace=1",
    });
    const input = rt.commandCalls(InvokeEndpointCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      EndpointName: "shared-llm",
      InferenceComponentName: "shared-llm-retail",
      TargetVariant: "AllTraffic",
      CustomAttributes: "lob=retail,trace=1",
      ContentType: "application/json",
    });
    expect(input?.InferenceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.inferenceId).toBe(input?.InferenceId);
    expect(out.text).toContain("hi");
    expect(rec.events).toHaveLength(1);
    const e = rec.events[0] as UsageEvent;
    expect(usageEventSchema.parse(e)).toEqual(e);
    expect(e).toMatchObject({
      id: input?.InferenceId,
      lob: "retail",
      kind: "sagemaker",
      endpoint: "shared-llm",
      component: "shared-llm-retail",
      variant: "AllTraffic",
      input_tokens: 7,
      output_tokens: 3,
      token_source: "reported",
      status: "ok",
    });
    expect(out.usage).toEqual(e);
    // Never content: only the ledger fields.
    expect(JSON.stringify(e)).not.toContain("hello");
  });

  it("keeps a given InferenceId and takes the LOB from SMCB_LOB", async () => {
    rt.on(InvokeEndpointCommand).resolves({ Body: body("plain words back") });
    const rec = new MemoryRecorder();
    const c = make(rec, { lob: undefined, env: { SMCB_LOB: "wealth" }, lobs: ["retail", "wealth"] });
    const out = await c.invoke({ body: "three input words", inferenceId: "req-42" });
    expect(rt.commandCalls(InvokeEndpointCommand)[0]?.args[0].input.InferenceId).toBe("req-42");
    expect(out.usage).toMatchObject({
      id: "req-42",
      lob: "wealth",
      input_tokens: 3,
      output_tokens: 3,
      token_source: "estimated",
    });
  });

  it("refuses a LOB outside the policy or missing", () => {
    const rec = new MemoryRecorder();
    expect(() => make(rec, { lob: "Retail", lobs: ["retail"] })).toThrow(UsageError);
    expect(() => make(rec, { lob: undefined, env: {} })).toThrow(/SMCB_LOB/);
    expect(() => make(rec, { lob: "bad,lob" })).toThrow(UsageError);
  });

  it("records an error with status error and throws an AwsError", async () => {
    rt.on(InvokeEndpointCommand).rejects(
      Object.assign(new Error("boom"), { name: "ModelError", $metadata: { httpStatusCode: 424 } }),
    );
    const rec = new MemoryRecorder();
    await expect(make(rec).invoke({ body: { inputs: "a b" } })).rejects.toBeInstanceOf(AwsError);
    expect(rec.events[0]).toMatchObject({
      status: "error",
      input_tokens: 2,
      output_tokens: 0,
      lob: "retail",
    });
  });

  it("a recorder that throws never fails the call", async () => {
    rt.on(InvokeEndpointCommand).resolves({ Body: body("{}") });
    const errors: unknown[] = [];
    const broken: UsageRecorder = {
      record() {
        throw new Error("disk full");
      },
      flush: async () => {},
      close: async () => {},
    };
    const out = await make(broken, { onRecordError: (e) => errors.push(e) }).invoke({ body: {} });
    expect(out.usage.status).toBe("ok");
    expect(errors).toHaveLength(1);
  });

  it("custom attributes too long are refused before calling", async () => {
    const rec = new MemoryRecorder();
    await expect(make(rec).invoke({ body: {}, customAttributes: "x".repeat(1020) })).rejects.toThrow(/1024/);
    expect(rt.commandCalls(InvokeEndpointCommand)).toHaveLength(0);
  });
});

describe("mergeCustomAttributes", () => {
  it("replaces the caller's lob entry and keeps the rest in order", () => {
    expect(mergeCustomAttributes("retail")).toBe("lob=retail");
    expect(mergeCustomAttributes("retail", "a=1,LOB=x,b=2")).toBe("lob=retail,a=1,b=2");
    expect(mergeCustomAttributes("retail", "x".repeat(1024 - 11)).length).toBe(1024);
    expect(() => mergeCustomAttributes("retail", "x".repeat(1024 - 10))).toThrow(UsageError);
    expect(() => mergeCustomAttributes("retail", "é=1")).toThrow(/ASCII/);
  });
});

describe("SharedEndpointClient.invokeStream", () => {
  function streamOf(text: string, step: number) {
    const bytes = enc.encode(text);
    return (async function* () {
      for (let i = 0; i < bytes.length; i += step) yield { PayloadPart: { Bytes: bytes.slice(i, i + step) } };
    })();
  }

  it("reassembles lines split across chunks and records the final usage chunk", async () => {
    const text = [
      { choices: [{ delta: { content: "Hel" } }] },
      { choices: [{ delta: { content: "lo" } }] },
      { choices: [], usage: { prompt_tokens: 4, completion_tokens: 2 } },
    ]
      .map((e) => `data: ${JSON.stringify(e)}\n\n`)
      .join("");
    rt.on(InvokeEndpointWithResponseStreamCommand).resolves({
      Body: streamOf(text, 5) as never,
      InvokedProductionVariant: "AllTraffic",
    });
    const rec = new MemoryRecorder();
    const out = await make(rec).invokeStream({ body: { messages: [], stream: true } });
    const events: unknown[] = [];
    for await (const e of out.events) events.push(e);
    expect(events).toHaveLength(3);
    const usage = await out.usage;
    expect(usage).toMatchObject({
      id: out.inferenceId,
      input_tokens: 4,
      output_tokens: 2,
      token_source: "reported",
      status: "ok",
      variant: "AllTraffic",
    });
    expect(rec.events).toEqual([usage]);
    const input = rt.commandCalls(InvokeEndpointWithResponseStreamCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      CustomAttributes: "lob=retail",
      InferenceComponentName: "shared-llm-retail",
    });
  });

  it("a stream failing midway is recorded with status error", async () => {
    rt.on(InvokeEndpointWithResponseStreamCommand).resolves({
      Body: (async function* () {
        yield { PayloadPart: { Bytes: enc.encode('{"token":{"text":"a"}}\n') } };
        throw Object.assign(new Error("stream broke"), { name: "ModelStreamError" });
      })() as never,
    });
    const rec = new MemoryRecorder();
    const out = await make(rec).invokeStream({ body: { inputs: "x y" } });
    await expect(async () => {
      for await (const _ of out.events) {
        // consume
      }
    }).rejects.toBeInstanceOf(AwsError);
    expect(await out.usage).toMatchObject({ status: "error", input_tokens: 2, output_tokens: 1 });
  });
});
