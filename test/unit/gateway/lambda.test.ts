/**
 * The Lambda adapter with synthetic API Gateway REST API proxy events (input format: API Gateway developer guide,
 * "Input format of a Lambda function for proxy integration": httpMethod, path, headers, body, isBase64Encoded) and
 * a stand-in for the runtime's `awslambda` global whose `HttpResponseStream.from` writes what the streaming proxy
 * integration expects: the JSON metadata (statusCode, headers), eight NUL bytes, then the payload.
 */
import { PassThrough, type Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { GatewayHandler, GatewayRequest } from "../../../gateway/handler.js";
import {
  handlerFromEnv,
  type LambdaStreamingRuntime,
  lambdaHandler,
  type RestApiProxyEvent,
  requestOfEvent,
} from "../../../gateway/lambda.js";

const DELIMITER = Buffer.alloc(8);

const fakeRuntime: LambdaStreamingRuntime = {
  streamifyResponse: (fn) => fn,
  HttpResponseStream: {
    from(stream: Writable, metadata) {
      stream.write(Buffer.concat([Buffer.from(JSON.stringify(metadata)), DELIMITER]));
      return stream;
    },
  },
};

async function invoke(handle: GatewayHandler, event: RestApiProxyEvent) {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  await lambdaHandler(async () => handle, fakeRuntime)(event, stream, {});
  const all = Buffer.concat(chunks);
  const at = all.indexOf(DELIMITER);
  return {
    metadata: JSON.parse(all.subarray(0, at).toString()) as unknown,
    payload: all.subarray(at + 8).toString(),
  };
}

const event: RestApiProxyEvent = {
  httpMethod: "POST",
  path: "/v1/chat/completions",
  headers: { Authorization: "Bearer smcb-x", "Content-Type": "application/json" },
  body: Buffer.from('{"model":"m"}').toString("base64"),
  isBase64Encoded: true,
};

describe("Lambda adapter", () => {
  it("hands the handler the request: lower-case headers, the base64 body decoded", () => {
    const req = requestOfEvent(event);
    expect(req).toMatchObject({
      method: "POST",
      path: "/v1/chat/completions",
      headers: { authorization: "Bearer smcb-x", "content-type": "application/json" },
      body: '{"model":"m"}',
    });
    expect(
      requestOfEvent({ httpMethod: "GET", path: "/v1/models", headers: null, body: null }).body,
    ).toBeUndefined();
  });

  it("writes a whole answer after the metadata prelude", async () => {
    const seen: GatewayRequest[] = [];
    const out = await invoke(async (req) => {
      seen.push(req);
      return { status: 401, headers: { "content-type": "application/json" }, body: '{"error":{}}' };
    }, event);
    expect(out.metadata).toEqual({ statusCode: 401, headers: { "content-type": "application/json" } });
    expect(out.payload).toBe('{"error":{}}');
    expect(seen[0]?.signal).toBeInstanceOf(AbortSignal);
  });

  it("streams server-sent events as they come and lets the handler finish its stream", async () => {
    let finished = false;
    const out = await invoke(
      async () => ({
        status: 200,
        headers: { "content-type": "text/event-stream" },
        body: (async function* () {
          try {
            yield "data: 1\n\n";
            yield "data: [DONE]\n\n";
          } finally {
            finished = true;
          }
        })(),
      }),
      event,
    );
    expect(out.metadata).toEqual({ statusCode: 200, headers: { "content-type": "text/event-stream" } });
    expect(out.payload).toBe("data: 1\n\ndata: [DONE]\n\n");
    expect(finished).toBe(true);
  });

  it("reads its configuration from SMCB_CONFIG_FILE, else LAMBDA_TASK_ROOT; needs SMCB_USAGE_STREAM", async () => {
    const files: string[] = [];
    const load = async (file: string) => {
      files.push(file);
      throw new Error("stop here");
    };
    await expect(handlerFromEnv({ LAMBDA_TASK_ROOT: "/var/task" }, load as never)).rejects.toThrow(
      "stop here",
    );
    await expect(handlerFromEnv({ SMCB_CONFIG_FILE: "/opt/c.json" }, load as never)).rejects.toThrow(
      "stop here",
    );
    expect(files).toEqual(["/var/task/smcb.config.json", "/opt/c.json"]);
  });
});
