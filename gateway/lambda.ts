/**
 * The AWS runtime: the handler in a Lambda behind an API Gateway REST API with response streaming
 * (`awslambda.streamifyResponse`). API Gateway invokes the function with `InvokeWithResponseStream` and the proxy
 * integration's input event; the function answers with a JSON metadata prelude (`statusCode`, `headers`), eight
 * NUL bytes, then the payload as it is written — what `awslambda.HttpResponseStream.from` writes (API Gateway
 * developer guide, "Set up a Lambda proxy integration with payload response streaming in API Gateway", Lambda
 * proxy integration format for response streaming, GA November 2025).
 *
 * Environment (the contract with the `TenantGateway` construct): `SMCB_CONFIG_FILE` (default
 * `${LAMBDA_TASK_ROOT}/smcb.config.json`), `SMCB_GATEWAY_TABLE` (DynamoDB store), `SMCB_USAGE_STREAM` (Firehose
 * usage recorder), optional `SMCB_ALERT_TOPIC_ARN` (SNS alerts).
 */
import type { Writable } from "node:stream";
import { FirehoseClient } from "@aws-sdk/client-firehose";
import { SNSClient } from "@aws-sdk/client-sns";
import { makeClient } from "../core/aws.js";
import { type LoadedConfig, loadConfig } from "../core/config.js";
import { FirehoseUsageRecorder } from "../inference/firehose-usage-recorder.js";
import type { GatewayHandler, GatewayRequest, GatewayResponse } from "./handler.js";
import { createGatewayRuntime, snsAlert } from "./runtime.js";

/** The REST API proxy integration event (the fields the gateway reads). */
export interface RestApiProxyEvent {
  readonly httpMethod: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string | undefined>> | null;
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
}

/** The metadata prelude of a streamed proxy response. */
export interface StreamMetadata {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
}

/** What the Lambda Node.js runtime provides as the global `awslambda` (the parts used here). */
export interface LambdaStreamingRuntime {
  streamifyResponse(
    fn: (event: RestApiProxyEvent, stream: Writable, context: unknown) => Promise<void>,
  ): unknown;
  readonly HttpResponseStream: { from(stream: Writable, metadata: StreamMetadata): Writable };
}

/** The gateway request of a proxy event: lower-case headers, the body decoded. */
export function requestOfEvent(event: RestApiProxyEvent, signal?: AbortSignal): GatewayRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) headers[k.toLowerCase()] = v ?? undefined;
  const body =
    event.body == null
      ? undefined
      : event.isBase64Encoded
        ? Buffer.from(event.body, "base64").toString("utf8")
        : event.body;
  return { method: event.httpMethod, path: event.path, headers, body, signal };
}

/** Writes a gateway response to a Lambda response stream (metadata prelude, then the body as it comes). */
export async function writeToStream(
  out: GatewayResponse,
  raw: Writable,
  runtime: Pick<LambdaStreamingRuntime, "HttpResponseStream">,
): Promise<void> {
  const stream = runtime.HttpResponseStream.from(raw, {
    statusCode: out.status,
    headers: { ...out.headers },
  });
  const done = new Promise<void>((resolve, reject) => {
    stream.once("finish", resolve).once("close", resolve).once("error", reject);
  });
  if (typeof out.body === "string") stream.end(out.body);
  else {
    const iterator = out.body[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        if (!stream.write(next.value))
          await new Promise<void>((r) => stream.once("drain", r).once("close", r));
      }
    } finally {
      await iterator.return?.(undefined);
      stream.end();
    }
  }
  await done;
}

/** The streaming handler of a gateway handler (exported for tests; {@link handler} is what Lambda calls). */
export function lambdaHandler(
  handle: () => Promise<GatewayHandler>,
  runtime: LambdaStreamingRuntime,
): (event: RestApiProxyEvent, stream: Writable, context: unknown) => Promise<void> {
  return async (event, stream) => {
    const abort = new AbortController();
    stream.once("close", () => abort.abort());
    const out = await (await handle())(requestOfEvent(event, abort.signal));
    await writeToStream(out, stream, runtime);
  };
}

let runtimePromise: Promise<GatewayHandler> | undefined;

/** Builds the handler once per Lambda execution environment, from the environment variables. */
export function handlerFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  load = loadConfig,
): Promise<GatewayHandler> {
  runtimePromise ??= (async () => {
    const file = env.SMCB_CONFIG_FILE ?? `${env.LAMBDA_TASK_ROOT ?? "."}/smcb.config.json`;
    const cfg: LoadedConfig = await load(file);
    const table = env.SMCB_GATEWAY_TABLE;
    const gateway =
      cfg.gateway && table ? { ...cfg.gateway, store: { type: "dynamodb" as const, table } } : cfg.gateway;
    const stream = env.SMCB_USAGE_STREAM;
    const aws = { region: env.AWS_REGION };
    const recorder = new FirehoseUsageRecorder({
      deliveryStreamName: stream ?? "",
      client: makeClient(FirehoseClient, aws),
    });
    if (!stream) throw new Error("SMCB_USAGE_STREAM is not set.");
    const topic = env.SMCB_ALERT_TOPIC_ARN;
    const runtime = createGatewayRuntime({
      config: { ...cfg, gateway },
      aws,
      recorder,
      alert: topic ? snsAlert(makeClient(SNSClient, aws), topic) : undefined,
      log: (entry) => console.log(JSON.stringify(entry)),
    });
    return async (req: GatewayRequest) => {
      const res = await runtime.handle(req);
      if (typeof res.body === "string") await recorder.flush();
      return {
        ...res,
        body:
          typeof res.body === "string"
            ? res.body
            : (async function* () {
                try {
                  yield* res.body as AsyncIterable<string>;
                } finally {
                  await recorder.flush();
                }
              })(),
      };
    };
  })();
  runtimePromise.catch(() => {
    runtimePromise = undefined;
  });
  return runtimePromise;
}

/** The runtime's `awslambda` global (outside Lambda absent, or only partly defined by SDK helpers). */
const lambdaRuntime = (globalThis as { awslambda?: Partial<LambdaStreamingRuntime> }).awslambda;

/** The Lambda entry point (`gateway/lambda.handler`): API Gateway REST API, response streaming. */
export const handler: unknown =
  typeof lambdaRuntime?.streamifyResponse === "function" && lambdaRuntime.HttpResponseStream
    ? lambdaRuntime.streamifyResponse(
        lambdaHandler(() => handlerFromEnv(), lambdaRuntime as LambdaStreamingRuntime),
      )
    : undefined;
