/**
 * A `sagemaker/<endpoint>/<component>` model through the handler: the call goes to the shared endpoint's inference
 * component with the tenant's LOB in CustomAttributes (SharedEndpointClient), the body is the OpenAI request with
 * the granted max_tokens, and the one usage event carries the endpoint, the component and the model's own counts.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../../core/config.js";
import { FileGatewayStore } from "../../../gateway/file-store.js";
import { createGatewayHandler } from "../../../gateway/handler.js";
import { newKey } from "../../../gateway/keys.js";
import { MemoryRecorder } from "../../support/memory-recorder.js";
import { type RuntimeServer, startRuntimeServer } from "../../support/runtime-server.js";

let server: RuntimeServer | undefined;
let dir: string | undefined;
afterEach(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const ANSWER = {
  id: "x",
  choices: [
    { index: 0, message: { role: "assistant", content: "Hello from the endpoint." }, finish_reason: "stop" },
  ],
  usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
};
const CHUNKS = [
  `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: "Hel" }, finish_reason: null }] })}\n\n`,
  `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: "lo" }, finish_reason: "stop" }] })}\n\n`,
  `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 12, completion_tokens: 2 } })}\n\ndata: [DONE]\n\n`,
];

describe("gateway to a shared SageMaker endpoint", () => {
  it("routes sagemaker/<endpoint>/<component> through SharedEndpointClient, whole and streamed", async () => {
    server = await startRuntimeServer((r) =>
      r.stream ? { chunks: CHUNKS } : { body: JSON.stringify(ANSWER) },
    );
    dir = await mkdtemp(path.join(tmpdir(), "smcb-gwsm-"));
    const model = "sagemaker/shared-llm/shared-llm-pay";
    const config = parseConfig({
      lobs: ["payments"],
      sharedEndpoints: [{ name: "shared-llm", owner: "payments" }],
      gateway: {
        tenants: [{ name: "fraud-team", lob: "payments", models: [model], budget: { monthly: "10.00" } }],
        models: { [model]: { price: { input: "1.00", output: "2.00" } } },
        store: { type: "file", path: path.join(dir, "store") },
      },
    });
    const store = new FileGatewayStore({ path: path.join(dir, "store") });
    const { key, record } = newKey("fraud-team", "payments");
    await store.putKey(record);
    const recorder = new MemoryRecorder();
    const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
    const handle = createGatewayHandler({
      config,
      store,
      recorder,
      bedrock: new BedrockRuntimeClient({ region: "us-east-1", credentials }),
      sagemaker: new SageMakerRuntimeClient({
        region: "us-east-1",
        endpoint: server.endpoint,
        credentials,
        maxAttempts: 1,
      }),
      resolveProfile: async () => {
        throw new Error("not a Bedrock model");
      },
    });
    const ask = (stream: boolean) =>
      handle({
        method: "POST",
        path: "/v1/chat/completions",
        headers: { authorization: `Bearer ${key}` },
        body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }], max_tokens: 50, stream }),
      });
    const whole = await ask(false);
    expect(whole.status).toBe(200);
    expect(JSON.parse(whole.body as string)).toMatchObject({
      object: "chat.completion",
      model,
      choices: [{ message: { content: "Hello from the endpoint." }, finish_reason: "stop" }],
      usage: { prompt_tokens: 12, completion_tokens: 5 },
    });
    const streamed = await ask(true);
    let text = "";
    for await (const line of streamed.body as AsyncIterable<string>) text += line;
    const chunks = text
      .split("\n\n")
      .filter((l) => l.startsWith("data: {"))
      .map((l) => JSON.parse(l.slice(6)) as { choices: { delta: { content?: string } }[]; usage?: unknown });
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("Hello");
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 2 });
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);

    // tools are for Bedrock models (Converse toolConfig): a 400, before anything is reserved or sent
    const withTools = await handle({
      method: "POST",
      path: "/v1/chat/completions",
      headers: { authorization: `Bearer ${key}` },
      body: JSON.stringify({
        model,
        messages: [{ role: "user", content: "hi" }],
        tools: [{ type: "function", function: { name: "noop" } }],
      }),
    });
    expect(withTools.status).toBe(400);
    expect(withTools.body).toContain("tools are supported for Bedrock models only");

    expect(server.requests.map((r) => r.stream)).toEqual([false, true]);
    for (const r of server.requests) {
      expect(r.endpoint).toBe("shared-llm");
      expect(r.headers["x-amzn-sagemaker-inference-component"]).toBe("shared-llm-pay");
      expect(r.headers["x-amzn-sagemaker-custom-attributes"]).toContain("lob=payments");
      expect(JSON.parse(r.body)).toMatchObject({
        max_tokens: 50,
        messages: [{ role: "user", content: "hi" }],
      });
      expect(JSON.parse(r.body).model).toBeUndefined();
    }
    expect(recorder.events).toHaveLength(2);
    expect(
      recorder.events.map((e) => [
        e.kind,
        e.endpoint,
        e.component,
        e.lob,
        e.tenant,
        e.input_tokens,
        e.output_tokens,
      ]),
    ).toEqual([
      ["sagemaker", "shared-llm", "shared-llm-pay", "payments", "fraud-team", 12, 5],
      ["sagemaker", "shared-llm", "shared-llm-pay", "payments", "fraud-team", 12, 2],
    ]);
    // 12 in × $1 + 5 out × $2, per million.
    expect(recorder.events[0]?.price_estimate).toBe("0.000022");
  });
});
