/**
 * The official `openai` client, unchanged, against `serveGateway` (the runtime of `smcb gateway serve`) in front of
 * a loopback Bedrock runtime stand-in: chat, streamed chat, embeddings, models; then the ledger holds exactly one
 * event per model call, with the key's LOB and tenant and the model's own token counts.
 */
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { loadApiModel, shapeProblems } from "../../support/api-model.js";
import {
  type GatewayWorkspace,
  PAYMENTS_PROFILE,
  startGatewayWorkspace,
} from "../../support/gateway-fixtures.js";

let ws: GatewayWorkspace | undefined;
afterEach(async () => {
  await ws?.remove();
  ws = undefined;
});

function client(w: GatewayWorkspace, apiKey: string, headers: Record<string, string> = {}) {
  return new OpenAI({ apiKey, baseURL: `${w.server.url}/v1`, maxRetries: 0, defaultHeaders: headers });
}

describe("gateway with the openai client", () => {
  it("answers chat, streamed chat, embeddings and models; one ledger event per call", async () => {
    ws = await startGatewayWorkspace({ behave: () => ({ outputTokens: 7, cacheReadTokens: 2 }) });
    const key = await ws.key("fraud-team");
    const openai = client(ws, key);

    const chat = await openai.chat.completions.create({
      model: "claude-sonnet",
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: "hello there model" },
      ],
      max_tokens: 50,
    });
    expect(chat.choices[0]?.message.content).toBe("tok tok tok tok tok tok tok");
    expect(chat.choices[0]?.finish_reason).toBe("stop");
    // 5 words in (system + user), 2 cache-read tokens: OpenAI counts cached tokens within prompt_tokens.
    expect(chat.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 7, total_tokens: 14 });
    expect(chat.usage?.prompt_tokens_details?.cached_tokens).toBe(2);

    const stream = await openai.chat.completions.create({
      model: "claude-sonnet",
      messages: [{ role: "user", content: "stream please" }],
      max_tokens: 5,
      stream: true,
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe("tok tok tok tok tok");
    expect(finish).toBe("length");
    expect(usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 5 });

    const emb = await openai.embeddings.create({ model: "titan-embed", input: ["one two three", "four"] });
    expect(emb.data.map((d) => d.index)).toEqual([0, 1]);
    // The client asks for base64 (float32) and decodes it: the values come back at float32 precision.
    expect(emb.data[0]?.embedding).toEqual([...new Float32Array([0.1, 0.2, 0.3])]);
    expect(emb.usage.prompt_tokens).toBe(4);

    const models = await openai.models.list();
    expect(models.data.map((m) => m.id)).toEqual(["claude-sonnet", "titan-embed"]);

    // What reached Bedrock: the LOB's application inference profile as modelId, the LOB in requestMetadata,
    // the request valid against botocore's bedrock-runtime model.
    const model = loadApiModel("bedrock-runtime");
    for (const r of ws.bedrock.requests) {
      expect(r.modelId).toBe(PAYMENTS_PROFILE);
      if (r.operation !== "invoke") {
        expect(
          shapeProblems(model, r.operation === "converse" ? "Converse" : "ConverseStream", "input", {
            ...r.body,
            modelId: r.modelId,
          }),
        ).toEqual([]);
        expect(r.body.requestMetadata).toEqual({ LineOfBusiness: "payments" });
      } else expect(Object.keys(r.body)).toEqual(["inputText"]);
    }
    expect(ws.bedrock.requests.map((r) => r.operation)).toEqual([
      "converse",
      "converse-stream",
      "invoke",
      "invoke",
    ]);

    const events = await ws.stop();
    expect(events).toHaveLength(3);
    for (const e of events) {
      expect(e).toMatchObject({
        lob: "payments",
        tenant: "fraud-team",
        kind: "bedrock",
        profile_arn: PAYMENTS_PROFILE,
        status: "ok",
      });
      expect(JSON.stringify(e)).not.toMatch(/hello|stream please|tok tok|one two/);
    }
    const byModel = (m: string) => events.filter((e) => e.model_id === m);
    const [c1, c2] = byModel("anthropic.claude-sonnet-4-5-20250929-v1:0");
    expect(c1).toMatchObject({
      input_tokens: 5,
      output_tokens: 7,
      cache_read_tokens: 2,
      token_source: "reported",
    });
    // 5 in × $3 + 7 out × $15 + 2 cache-read × $0.30, per million.
    expect(c1?.price_estimate).toBe("0.0001206");
    expect(c2).toMatchObject({ input_tokens: 2, output_tokens: 5, token_source: "reported" });
    expect(byModel("amazon.titan-embed-text-v2:0")[0]).toMatchObject({
      input_tokens: 4,
      output_tokens: 0,
      price_estimate: "0.00000008",
    });
  });
});
