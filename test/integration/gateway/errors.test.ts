/**
 * Who the caller is and what it may do come from its key only; every refusal is OpenAI-shaped with the right
 * status and never reaches the model when it need not; upstream throttling and time-outs are told apart.
 */
import OpenAI, { type APIError, RateLimitError } from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { hashKey, keyIdOf } from "../../../gateway/keys.js";
import { type GatewayWorkspace, startGatewayWorkspace } from "../../support/gateway-fixtures.js";

let ws: GatewayWorkspace | undefined;
afterEach(async () => {
  await ws?.remove();
  ws = undefined;
});

const hello = {
  model: "claude-sonnet",
  messages: [{ role: "user" as const, content: "hi" }],
  max_tokens: 10,
};

async function post(w: GatewayWorkspace, path: string, body: string, headers: Record<string, string>) {
  const res = await fetch(`${w.server.url}${path}`, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...headers },
  });
  return {
    status: res.status,
    body: (await res.json()) as { error?: { message: string; type: string; code: string } },
  };
}

describe("gateway refusals", () => {
  it("ignores spoofed LOB, tenant and cost headers: the key decides", async () => {
    ws = await startGatewayWorkspace();
    const key = await ws.key("fraud-team");
    const openai = new OpenAI({
      apiKey: key,
      baseURL: `${ws.server.url}/v1`,
      maxRetries: 0,
      defaultHeaders: {
        "x-lob": "retail",
        "x-tenant": "shop-team",
        LineOfBusiness: "retail",
        "x-cost-center": "retail",
        "x-smcb-lob": "retail",
      },
    });
    await openai.chat.completions.create(hello);
    expect(ws.bedrock.requests[0]?.modelId).toContain("pay123");
    const events = await ws.stop();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ lob: "payments", tenant: "fraud-team" });
  });

  it("401 for no key, an unknown key and a revoked key (Bearer and x-api-key); no model call", async () => {
    ws = await startGatewayWorkspace();
    const key = await ws.key("fraud-team");
    const body = JSON.stringify(hello);
    expect((await post(ws, "/v1/chat/completions", body, {})).status).toBe(401);
    const unknown = await post(ws, "/v1/chat/completions", body, { authorization: "Bearer smcb-nope" });
    expect(unknown).toEqual({
      status: 401,
      body: {
        error: {
          message: "Invalid or revoked API key.",
          type: "authentication_error",
          code: "invalid_api_key",
        },
      },
    });
    expect((await post(ws, "/v1/chat/completions", body, { "x-api-key": key })).status).toBe(200);
    expect(await ws.store.revokeKey(keyIdOf(hashKey(key)), new Date())).toBe(true);
    expect((await post(ws, "/v1/chat/completions", body, { "x-api-key": key })).status).toBe(401);
    expect((await post(ws, "/v1/chat/completions", body, { authorization: `Bearer ${key}` })).status).toBe(
      401,
    );
    expect(ws.bedrock.requests).toHaveLength(1);
  });

  it("403 for a model the tenant may not call; 400 for a malformed body; 404 for an unknown route", async () => {
    ws = await startGatewayWorkspace();
    const key = await ws.key("shop-team");
    const auth = { authorization: `Bearer ${key}` };
    const denied = await post(
      ws,
      "/v1/embeddings",
      JSON.stringify({ model: "titan-embed", input: "x" }),
      auth,
    );
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatchObject({ type: "permission_error", code: "model_not_allowed" });
    const notJson = await post(ws, "/v1/chat/completions", "{not json", auth);
    expect(notJson).toMatchObject({ status: 400, body: { error: { code: "invalid_json" } } });
    const noMessages = await post(
      ws,
      "/v1/chat/completions",
      JSON.stringify({ model: "claude-sonnet", messages: [] }),
      auth,
    );
    expect(noMessages.status).toBe(400);
    expect(noMessages.body.error?.message).toMatch(/^Invalid request: messages/);
    const tools = await post(
      ws,
      "/v1/chat/completions",
      JSON.stringify({ ...hello, tools: [{ type: "function" }] }),
      auth,
    );
    expect(tools.status).toBe(400);
    expect((await post(ws, "/v1/nothing", "{}", auth)).status).toBe(404);
    expect(ws.bedrock.requests).toHaveLength(0);
    expect(JSON.stringify([denied, notJson, noMessages, tools])).not.toMatch(/\bat .+:\d+:\d+/); // no stack trace
  });

  it("an upstream throttle is a 429 and a time-out a 504; each call recorded once as an error", async () => {
    ws = await startGatewayWorkspace({
      gateway: { timeoutSeconds: 1 },
      behave: (r) =>
        JSON.stringify(r.body).includes("throttle")
          ? { error: { type: "ThrottlingException", status: 429 } }
          : { delayMs: 1500 },
    });
    const openai = new OpenAI({
      apiKey: await ws.key("fraud-team"),
      baseURL: `${ws.server.url}/v1`,
      maxRetries: 0,
    });
    const throttled = await openai.chat.completions
      .create({ ...hello, messages: [{ role: "user", content: "throttle" }] })
      .catch((e: unknown) => e as APIError);
    expect(throttled).toBeInstanceOf(RateLimitError);
    expect((throttled as APIError).code).toBe("upstream_throttled");
    const slow = await openai.chat.completions.create(hello).catch((e: unknown) => e as APIError);
    expect((slow as APIError).status).toBe(504);
    expect((slow as APIError).code).toBe("upstream_timeout");
    const events = await ws.stop();
    expect(events.map((e) => [e.status, e.output_tokens])).toEqual([
      ["error", 0],
      ["error", 0],
    ]);
  });
});
