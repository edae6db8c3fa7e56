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

/**
 * Function calling through the gateway. Request and answer shapes: the `openai` package's types
 * (`ChatCompletionTool`, `ChatCompletionMessageToolCall`, `ChatCompletionChunk.Choice.Delta.ToolCall`, with `index`
 * and the `arguments` JSON text in pieces); Converse's `toolConfig`, `toolUse` and `toolResult` blocks and the
 * stream's `contentBlockStart`/`contentBlockDelta.delta.toolUse`: botocore's bedrock-runtime model (checked below).
 */
describe("gateway with the openai client: tools", () => {
  const invoiceParams = { type: "object", properties: { query: { type: "string" } }, required: ["query"] };
  const tools: OpenAI.ChatCompletionTool[] = [
    {
      type: "function",
      function: {
        name: "lookup_invoice",
        description: "Finds an invoice by a free-text query",
        parameters: invoiceParams,
      },
    },
    { type: "function", function: { name: "noop" } },
  ];

  it("returns tool calls, takes the tool's result back, streams tool calls; one ledger event per call", async () => {
    ws = await startGatewayWorkspace({ behave: () => ({ outputTokens: 6 }) });
    const openai = client(ws, await ws.key("fraud-team"));
    const ask: OpenAI.ChatCompletionMessageParam = { role: "user", content: "find the invoice for ACME" };

    const first = await openai.chat.completions.create({ model: "claude-sonnet", messages: [ask], tools });
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe("tool_calls");
    expect(first.choices[0]?.message.content).toBeNull();
    expect(call).toMatchObject({ type: "function", function: { name: "lookup_invoice" } });
    expect(JSON.parse(call?.type === "function" ? call.function.arguments : "")).toEqual({ query: "tok" });

    const second = await openai.chat.completions.create({
      model: "claude-sonnet",
      tools,
      messages: [
        ask,
        first.choices[0]?.message as OpenAI.ChatCompletionMessageParam,
        { role: "tool", tool_call_id: call?.id ?? "", content: '{"invoice":"INV-1","amount":"12.00"}' },
      ],
    });
    expect(second.choices[0]?.message.content).toBe("tok tok tok tok tok tok");
    expect(second.choices[0]?.finish_reason).toBe("stop");

    // a named tool, streamed: the client gets the call's id and name first, then its arguments in pieces
    const stream = await openai.chat.completions.create({
      model: "claude-sonnet",
      messages: [ask],
      tools,
      tool_choice: { type: "function", function: { name: "noop" } },
      stream: true,
    });
    const calls: { id?: string; name?: string; args: string }[] = [];
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      for (const d of chunk.choices[0]?.delta.tool_calls ?? []) {
        const c = calls[d.index] ?? { args: "" };
        calls[d.index] = c;
        if (d.id) c.id = d.id;
        if (d.function?.name) c.name = d.function.name;
        c.args += d.function?.arguments ?? "";
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ name: "noop" });
    expect(calls[0]?.id).toMatch(/^tooluse_/);
    expect(JSON.parse(calls[0]?.args ?? "")).toEqual({ query: "tok" });
    expect(finish).toBe("tool_calls");

    // what reached Bedrock: valid against botocore's model, the tools as toolSpecs, the choice mapped
    const model = loadApiModel("bedrock-runtime");
    const [r1, r2, r3] = ws.bedrock.requests;
    for (const r of [r1, r2, r3])
      expect(
        shapeProblems(model, r?.operation === "converse" ? "Converse" : "ConverseStream", "input", {
          ...r?.body,
          modelId: r?.modelId,
        }),
      ).toEqual([]);
    expect(r1?.body.toolConfig).toEqual({
      tools: [
        {
          toolSpec: {
            name: "lookup_invoice",
            description: "Finds an invoice by a free-text query",
            inputSchema: { json: invoiceParams },
          },
        },
        { toolSpec: { name: "noop", inputSchema: { json: { type: "object", properties: {} } } } },
      ],
    });
    expect(r2?.body.messages).toEqual([
      { role: "user", content: [{ text: "find the invoice for ACME" }] },
      {
        role: "assistant",
        content: [{ toolUse: { toolUseId: call?.id, name: "lookup_invoice", input: { query: "tok" } } }],
      },
      {
        role: "user",
        content: [
          {
            toolResult: { toolUseId: call?.id, content: [{ text: '{"invoice":"INV-1","amount":"12.00"}' }] },
          },
        ],
      },
    ]);
    expect((r3?.body.toolConfig as { toolChoice?: unknown } | undefined)?.toolChoice).toEqual({
      tool: { name: "noop" },
    });

    const events = await ws.stop();
    expect(events).toHaveLength(3);
    expect(events.every((e) => e.status === "ok" && e.tenant === "fraud-team")).toBe(true);
    expect(JSON.stringify(events)).not.toMatch(/ACME|INV-1|lookup_invoice/);
  });

  it("refuses what Converse cannot take, with a 400 and nothing reserved or recorded", async () => {
    ws = await startGatewayWorkspace({});
    const openai = client(ws, await ws.key("fraud-team"));
    const ask: OpenAI.ChatCompletionMessageParam = { role: "user", content: "hi" };
    const refused = async (body: Omit<OpenAI.ChatCompletionCreateParamsNonStreaming, "model">) => {
      const e = await openai.chat.completions
        .create({ model: "claude-sonnet", ...body })
        .catch((x: unknown) => x);
      expect(e).toBeInstanceOf(OpenAI.BadRequestError);
      return (e as InstanceType<typeof OpenAI.BadRequestError>).message;
    };
    expect(await refused({ messages: [ask], tool_choice: "required" })).toMatch(/tool_choice needs tools/);
    expect(
      await refused({
        messages: [ask],
        tools,
        tool_choice: { type: "function", function: { name: "other" } },
      }),
    ).toMatch(/not among the tools/);
    const history: OpenAI.ChatCompletionMessageParam[] = [
      ask,
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "c1", type: "function", function: { name: "noop", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "c1", content: "done" },
    ];
    expect(await refused({ messages: history, tools, tool_choice: "none" })).toMatch(/"none" cannot be sent/);
    expect(await refused({ messages: history })).toMatch(/give the tools too/);
    expect(await refused({ messages: [ask], n: 2 })).toMatch(/only n = 1/);
    expect(ws.bedrock.requests).toEqual([]);
    expect(await ws.stop()).toEqual([]);
  });
});
