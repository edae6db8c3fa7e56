/** `smcb invoke`: one call through SharedEndpointClient, recorded with the config's usage recorder. */

import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { makeClient } from "../../core/aws.js";
import { UsageError } from "../../core/errors.js";
import type { UsageEvent } from "../../core/index.js";
import type { SharedEndpointClient, StreamEvent } from "../../inference/index.js";
import type { CommandContext } from "../context.js";
import type { CommandRegistrar } from "../registrar.js";

interface InvokeArgs {
  "endpoint-name": string;
  lob?: string;
  body: string;
  component?: string;
  stream?: boolean;
  "content-type"?: string;
  "custom-attributes"?: string;
  "inference-id"?: string;
  tokenizer?: string;
}

/** Whether a content type says JSON: `application/json`, or any `…/…+json` (RFC 6839), parameters aside. */
function isJsonContentType(contentType: string): boolean {
  const type = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  return type === "application/json" || type.endsWith("+json");
}

function usageLine(u: UsageEvent): string {
  return (
    `recorded ${u.id}: lob=${u.lob} input=${u.input_tokens} output=${u.output_tokens} ` +
    `(${u.token_source}) status=${u.status} latency=${u.latency_ms}ms`
  );
}

export const registerInvoke: CommandRegistrar = (y, run) =>
  y.command(
    "invoke",
    "Invoke an endpoint for a LOB through SharedEndpointClient; prints the answer and the usage recorded",
    (c) =>
      c
        .option("endpoint-name", { type: "string", demandOption: true, describe: "Endpoint name" })
        .option("lob", {
          type: "string",
          describe: "LOB the call is charged to",
          defaultDescription: "the SMCB_LOB environment variable",
        })
        .option("body", { type: "string", demandOption: true, describe: "Request body: JSON text, or @file" })
        .option("component", { type: "string", describe: "Inference component name" })
        .option("stream", { type: "boolean", describe: "Use InvokeEndpointWithResponseStream" })
        .option("content-type", {
          type: "string",
          describe: "Content type; a JSON one (application/json, …+json) requires a body that parses as JSON",
          default: "application/json",
        })
        .option("custom-attributes", {
          type: "string",
          describe: "Your CustomAttributes (lob=<LOB> is merged in)",
        })
        .option("inference-id", { type: "string", describe: "Invocation id (default: a new UUID)" })
        .option("tokenizer", {
          type: "string",
          describe:
            "The model's Hugging Face tokenizer.json (or its folder) to count what the answer does not report " +
            "(default: the config's sharedEndpoints[].tokenizer for this endpoint, else js-tiktoken o200k_base)",
        })
        .example(
          `smcb invoke --endpoint-name shared-llm --lob retail --component shared-llm-retail --body '{"inputs":"Hi"}'`,
          "one call charged to retail",
        )
        .example(
          "smcb invoke --endpoint-name shared-llm --lob wealth --body @prompt.json --stream",
          "streamed",
        )
        .example(
          `smcb invoke --endpoint-name shared-llm --lob retail --body '{"inputs":"Hi"}' --tokenizer models/llama/tokenizer.json`,
          "tokens the server does not report are counted with the model's own tokenizer",
        ),
    run<InvokeArgs>(async (ctx, argv) => {
      const lob = argv.lob ?? ctx.io.env.SMCB_LOB;
      if (lob === undefined || lob === "")
        throw new UsageError("No LOB: pass --lob <LOB> or set SMCB_LOB.", {
          hint: "The call is charged to that LOB; `smcb config validate` lists the allowed ones.",
        });
      const cfg = await ctx.config();
      const body = await requestBody(ctx, argv);
      if (argv.tokenizer !== undefined && !existsSync(path.resolve(ctx.io.cwd, argv.tokenizer)))
        throw new UsageError(`--tokenizer ${argv.tokenizer}: no such file or folder.`, {
          hint: "Name the model's tokenizer.json, or the folder holding it.",
        });
      const tokenizer = argv.tokenizer
        ? path.resolve(ctx.io.cwd, argv.tokenizer)
        : cfg.sharedEndpoints.find((e) => e.name.toLowerCase() === argv["endpoint-name"].toLowerCase())
            ?.tokenizer;
      const { createUsageRecorder } = await import("../../inference/recorders/create-usage-recorder.js");
      const { SharedEndpointClient } = await import("../../inference/client/shared-endpoint-client.js");
      const { CloudWatchClient } = await import("@aws-sdk/client-cloudwatch");
      const { FirehoseClient } = await import("@aws-sdk/client-firehose");
      const { SageMakerRuntimeClient } = await import("@aws-sdk/client-sagemaker-runtime");
      const aws = await ctx.awsOptions();
      const recorder = createUsageRecorder(cfg.usage, {
        cloudWatch: () => makeClient(CloudWatchClient, aws),
        firehose: () => makeClient(FirehoseClient, aws),
      });
      try {
        const client = new SharedEndpointClient({
          endpointName: argv["endpoint-name"],
          lob,
          lobs: cfg.lobs,
          recorder,
          client: await ctx.client(SageMakerRuntimeClient),
          preloadTokenizer: false,
          ...(argv.component ? { inferenceComponentName: argv.component } : {}),
          ...(tokenizer ? { tokenizer } : {}),
          onRecordError: (e) => ctx.log(`usage not recorded: ${(e as Error).message}`),
        });
        await invokeAndPrint(ctx, argv, client, body);
      } finally {
        await recorder.close();
      }
      return undefined;
    }),
  );

/**
 * The request body: `--body` as given, or the file it names with `@`; refused when its content type says JSON and it
 * does not parse.
 */
async function requestBody(ctx: CommandContext, argv: InvokeArgs): Promise<string> {
  let body = argv.body;
  if (body.startsWith("@")) {
    const file = path.resolve(ctx.io.cwd, body.slice(1));
    try {
      body = await readFile(file, "utf8");
    } catch (cause) {
      // A file the user named: a usage error, like --config.
      throw new UsageError(`Cannot read body file ${file}: ${(cause as Error).message}`, { cause });
    }
  }
  const contentType = argv["content-type"] ?? "application/json";
  if (isJsonContentType(contentType)) {
    try {
      JSON.parse(body);
    } catch (cause) {
      throw new UsageError(
        `The body is not valid JSON (${(cause as Error).message}), yet its content type is ${contentType}.`,
        {
          cause,
          hint: "Fix the JSON, or pass --content-type with the body's real type (text/plain, …).",
        },
      );
    }
  }
  return body;
}

/** Invokes (streamed or not) and prints the answer and the usage recorded. */
async function invokeAndPrint(
  ctx: CommandContext,
  argv: InvokeArgs,
  client: SharedEndpointClient,
  body: string,
): Promise<void> {
  const request = {
    body,
    contentType: argv["content-type"] ?? "application/json",
    ...(argv["custom-attributes"] ? { customAttributes: argv["custom-attributes"] } : {}),
    ...(argv["inference-id"] ? { inferenceId: argv["inference-id"] } : {}),
  };
  if (argv.stream) {
    const out = await client.invokeStream(request);
    const events: StreamEvent[] = [];
    for await (const e of out.events) {
      if (ctx.json) events.push(e);
      else ctx.io.stdout.write(`${typeof e === "string" ? e : JSON.stringify(e)}\n`);
    }
    const usage = await out.usage;
    ctx.print({ events, usage }, () => usageLine(usage));
    return;
  }
  const out = await client.invoke(request);
  let answer: unknown = out.text;
  try {
    answer = JSON.parse(out.text);
  } catch {
    // not JSON: print as text
  }
  ctx.print({ body: answer, usage: out.usage }, () => `${out.text}\n${usageLine(out.usage)}`);
}
