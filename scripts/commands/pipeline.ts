/** `smcb pipeline lint|tag|synth|upsert|start|status`: LOB-tagged SageMaker pipelines (docs/contracts.md#command-line-and-exit-codes). */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { AwsError, ExitCode, type ExitCodeValue, SmcbError, UsageError } from "../../core/errors.js";
import { assertLob, DEFAULT_TAG_KEY, parseTagArgs, type Tag } from "../../core/tags.js";
import type { LobTagPolicy } from "../../pipelines/index.js";
import type { CommandContext } from "../context.js";
import type { CommandRegistrar } from "../registrar.js";

const MODULE_EXTENSIONS = new Set([".ts", ".mts", ".cts", ".js", ".mjs"]);

async function optionalPolicy(ctx: CommandContext): Promise<LobTagPolicy> {
  if (!(await ctx.optionalConfig()))
    ctx.log(`note: no configuration file; checking tag key ${DEFAULT_TAG_KEY} without a LOB allowlist.`);
  return ctx.optionalTagPolicy();
}

/**
 * Reads a definition JSON file. A builder module is refused unless `runModules` (only `synth` and
 * `upsert --definition` run code; `lint` and `tag` read data and never execute what they are given).
 */
async function readDefinitionFile(ctx: CommandContext, file: string, runModules = false): Promise<unknown> {
  const { loadPipelineModule, parseDefinition } = await import("../../pipelines/index.js");
  const abs = path.resolve(ctx.io.cwd, file);
  if (MODULE_EXTENSIONS.has(path.extname(abs))) {
    if (!runModules)
      throw new UsageError(`${file} is a module; this command reads definition JSON and never runs code.`, {
        hint: `Synthesize it first: smcb pipeline synth ${file} --out definition.json`,
      });
    return (await loadPipelineModule(abs)).definition();
  }
  let text: string;
  try {
    text = await readFile(abs, "utf8");
  } catch (e) {
    // A file the user named: a usage error (exit 2), like --config.
    throw new UsageError(`Cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
  try {
    return parseDefinition(text, file);
  } catch (e) {
    if (!(e instanceof SmcbError)) throw e;
    // Not JSON, not a definition, nested too deep: still a file the user named, so a usage error.
    throw new UsageError(e.message, { cause: e, ...(e.hint ? { hint: e.hint } : {}) });
  }
}

async function writeOut(ctx: CommandContext, out: string, value: unknown): Promise<void> {
  try {
    await writeFile(path.resolve(ctx.io.cwd, out), `${JSON.stringify(value, null, 2)}\n`);
  } catch (e) {
    throw new UsageError(`Cannot write ${out}: ${(e as Error).message}`, { cause: e });
  }
}

function parseParams(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const a of args) {
    const i = a.indexOf("=");
    if (i <= 0) throw new UsageError(`Parameter "${a}" is not of the form Name=Value.`);
    const name = a.slice(0, i);
    if (Object.hasOwn(out, name)) throw new UsageError(`Parameter ${name} is given twice.`);
    out[name] = a.slice(i + 1);
  }
  return out;
}

/** `smcb pipeline lint <definition>`: cost-bearing steps without the LOB tag; exit 1 if any. */
const lintCommand: CommandRegistrar = (t, run) =>
  t.command(
    "lint <definition>",
    "List cost-bearing steps without the LOB tag (Condition branches included); exit 1 if any. Reads JSON only: never runs a module",
    (c) =>
      c
        .positional("definition", {
          type: "string",
          demandOption: true,
          describe: "Definition JSON file",
        })
        .example("smcb pipeline lint definition.json", "checks against ./smcb.config.json's tag key and LOBs")
        .example("smcb pipeline lint sdk-made.json --json", "one finding per step, machine-readable"),
    run<{ definition: string }>(async (ctx, argv) => {
      const { lintDefinition, lintReport } = await import("../../pipelines/index.js");
      const policy = await optionalPolicy(ctx);
      const result = lintDefinition(await readDefinitionFile(ctx, argv.definition), policy);
      ctx.print(result, () => lintReport(result));
      return result.ok ? ExitCode.Ok : ExitCode.Findings;
    }),
  );

/** `smcb pipeline tag <definition>`: adds the LOB parameter and tag where missing; prints the definition. */
const tagCommand: CommandRegistrar = (t, run) =>
  t.command(
    "tag <definition>",
    "Add the LOB parameter and tag to every cost-bearing step that lacks it; prints the definition. Reads JSON only: never runs a module",
    (c) =>
      c
        .positional("definition", {
          type: "string",
          demandOption: true,
          describe: "Definition JSON file",
        })
        .option("out", { type: "string", describe: "Write the tagged definition here instead of stdout" })
        .example("smcb pipeline tag sdk-made.json --out tagged.json", "tagged copy; changes listed on stderr")
        .example("smcb pipeline tag sdk-made.json | smcb pipeline lint /dev/stdin", "tag, then check"),
    run<{ definition: string; out?: string }>(async (ctx, argv) => {
      const { tagDefinition } = await import("../../pipelines/index.js");
      const policy = await optionalPolicy(ctx);
      const r = tagDefinition(await readDefinitionFile(ctx, argv.definition), policy);
      for (const c of r.changes)
        ctx.log(
          `${c.action} ${policy.tagKey} on ${c.step} (${c.path})${c.action === "replaced" ? `, was ${JSON.stringify(c.previous)}` : ""}`,
        );
      if (r.parameterAdded) ctx.log(`added parameter ${policy.tagKey}`);
      if (r.changes.length === 0 && !r.parameterAdded) ctx.log("already tagged: nothing to change");
      for (const w of r.warnings) ctx.log(`warning: ${w}`);
      if (argv.out) {
        await writeOut(ctx, argv.out, r.definition);
        ctx.print({ ...r, definition: undefined, out: argv.out }, () => `wrote ${argv.out}`);
      } else if (ctx.json) ctx.print(r, () => "");
      else ctx.io.stdout.write(`${JSON.stringify(r.definition, null, 2)}\n`);
      return ExitCode.Ok;
    }),
  );

/** `smcb pipeline synth <module>`: prints the definition a builder module exports (runs its code). */
const synthCommand: CommandRegistrar = (t, run) =>
  t.command(
    "synth <module>",
    "Print the definition a builder module exports (default export, or `pipeline`). Runs the module's code: only synth it if you trust it",
    (c) =>
      c
        .positional("module", {
          type: "string",
          demandOption: true,
          describe: "TypeScript/JavaScript module",
        })
        .option("out", { type: "string", describe: "Write the definition here instead of stdout" })
        .example("smcb pipeline synth pipelines/examples/churn.ts", "prints the churn pipeline's definition")
        .example("smcb pipeline synth my-pipeline.ts --out definition.json", "writes it to a file"),
    run<{ module: string; out?: string }>(async (ctx, argv) => {
      const { lintDefinition, loadPipelineModule } = await import("../../pipelines/index.js");
      const pipeline = await loadPipelineModule(path.resolve(ctx.io.cwd, argv.module));
      const definition = pipeline.definition();
      const cfg = await ctx.optionalConfig();
      if (cfg) {
        const lint = lintDefinition(definition, await ctx.optionalTagPolicy());
        for (const f of lint.findings) ctx.log(`warning: ${f.step} (${f.type}): ${f.message}`);
      }
      if (argv.out) {
        await writeOut(ctx, argv.out, definition);
        ctx.log(`wrote ${argv.out} (pipeline ${pipeline.name})`);
      } else ctx.io.stdout.write(`${JSON.stringify(definition, null, 2)}\n`);
      return ExitCode.Ok;
    }),
  );

type UpsertArgs = {
  name: string;
  definition: string;
  role: string;
  lob?: string;
  tag: string[];
  "s3-uri"?: string;
  description?: string;
  "display-name"?: string;
  "allow-untagged": boolean;
};

/** Resolves the owner LOB tag and the definition, then creates or updates the pipeline. */
async function upsert(ctx: CommandContext, argv: UpsertArgs): Promise<ExitCodeValue> {
  const { upsertPipeline } = await import("../../pipelines/index.js");
  const { SageMakerClient } = await import("@aws-sdk/client-sagemaker");
  const cfg = await ctx.optionalConfig();
  const policy = await ctx.optionalTagPolicy();
  const tags: Tag[] = [];
  if (argv.lob !== undefined) {
    if (!cfg)
      throw new UsageError(
        `--lob needs the configuration (its LOB allowlist): ${ctx.configPath} is missing.`,
        {
          hint: "Write one with `smcb init` (then list your LOBs in it), or pass --config examples/smcb.config.json.",
        },
      );
    tags.push({
      Key: policy.tagKey,
      Value: assertLob({ tagKey: policy.tagKey, lobs: cfg.lobs }, argv.lob),
    });
  }
  tags.push(...parseTagArgs(argv.tag.map(String)));
  const definition = await readDefinitionFile(ctx, argv.definition, true);
  const result = await upsertPipeline(await ctx.client(SageMakerClient), {
    name: argv.name,
    definition,
    policy,
    allowUntagged: argv["allow-untagged"],
    roleArn: argv.role,
    tags,
    ...(argv["s3-uri"]
      ? { s3Uri: argv["s3-uri"], s3: await ctx.client((await import("@aws-sdk/client-s3")).S3Client) }
      : {}),
    ...(argv.description !== undefined ? { description: argv.description } : {}),
    ...(argv["display-name"] !== undefined ? { displayName: argv["display-name"] } : {}),
  });
  ctx.print(
    result,
    () =>
      `${result.action} ${result.pipelineArn} (definition ${result.definitionBytes} bytes, ${result.definitionLocation})`,
  );
  return ExitCode.Ok;
}

/** `smcb pipeline upsert`: creates or updates a pipeline, its resource tagged with the owner LOB. */
const upsertCommand: CommandRegistrar = (t, run) =>
  t.command(
    "upsert",
    "Create or update a pipeline (resource tagged); the definition inline, or through S3 when too large",
    (c) =>
      c
        .option("name", { type: "string", demandOption: true, describe: "Pipeline name" })
        .option("definition", {
          type: "string",
          demandOption: true,
          describe: "Definition JSON file, or a builder module (.ts/.js), whose code is run to synthesize it",
        })
        .option("role", {
          type: "string",
          demandOption: true,
          describe: "Execution role ARN of the pipeline",
        })
        .option("lob", {
          type: "string",
          describe: "Owner LOB: tags the pipeline resource <tagKey>=<lob>",
        })
        .option("tag", {
          type: "string",
          array: true,
          default: [],
          describe: "More pipeline tags, Key=Value",
        })
        .option("s3-uri", {
          type: "string",
          describe: "s3://bucket/prefix/ for a definition over the 1,048,576-character inline limit",
        })
        .option("description", { type: "string", describe: "Pipeline description" })
        .option("display-name", { type: "string", describe: "Pipeline display name" })
        .option("allow-untagged", {
          type: "boolean",
          default: false,
          describe: "Deploy even when cost-bearing steps lack the LOB tag",
        })
        .example(
          "smcb pipeline upsert --name churn --definition tagged.json --role arn:aws:iam::111122223333:role/Pipeline --lob platform",
          "creates the pipeline, or updates it",
        )
        .example(
          "smcb pipeline upsert --name churn --definition pipelines/examples/churn.ts --role … --s3-uri s3://bucket/pipelines/",
          "synthesizes the module; uploads to S3 when over the inline limit",
        ),
    run<UpsertArgs>(upsert),
  );

type StartArgs = {
  name: string;
  lob: string;
  param: string[];
  wait: boolean;
  "poll-seconds": number;
  "timeout-seconds": number;
  "client-request-token"?: string;
  "display-name"?: string;
  description?: string;
};

/** Validates the LOB and parameters, starts the execution and, with `--wait`, follows it to its end. */
async function start(ctx: CommandContext, argv: StartArgs): Promise<ExitCodeValue> {
  const { startPipeline, waitForExecution } = await import("../../pipelines/index.js");
  const { SageMakerClient } = await import("@aws-sdk/client-sagemaker");
  const policy = await ctx.tagPolicy();
  assertLob(policy, argv.lob);
  const parameters = parseParams(argv.param.map(String));
  if (argv.wait && (!(argv["poll-seconds"] > 0) || !(argv["timeout-seconds"] > 0)))
    throw new UsageError("--poll-seconds and --timeout-seconds must be positive.");
  const sagemaker = await ctx.client(SageMakerClient);
  const started = await startPipeline(sagemaker, {
    name: argv.name,
    lob: argv.lob,
    policy,
    parameters,
    ...(argv["client-request-token"] ? { clientRequestToken: argv["client-request-token"] } : {}),
    ...(argv["display-name"] ? { displayName: argv["display-name"] } : {}),
    ...(argv.description ? { description: argv.description } : {}),
  });
  if (!argv.wait) {
    ctx.print(started, () => started.executionArn);
    return ExitCode.Ok;
  }
  ctx.log(`started ${started.executionArn}`);
  const end = await waitForExecution(sagemaker, started.executionArn, {
    pollSeconds: argv["poll-seconds"],
    timeoutSeconds: argv["timeout-seconds"],
    onProgress: (line) => ctx.log(line),
  });
  ctx.print({ ...started, ...end }, () => started.executionArn);
  if (end.status === "Succeeded") return ExitCode.Ok;
  throw new AwsError(
    end.timedOut
      ? `Execution still ${end.status} after ${argv["timeout-seconds"]} s: ${started.executionArn}`
      : `Execution ${end.status}${end.failureReason ? `: ${end.failureReason}` : ""}: ${started.executionArn}`,
    { hint: `smcb pipeline status ${started.executionArn}` },
  );
}

/** `smcb pipeline start`: starts an execution for one validated LOB, optionally following it to its end. */
const startCommand: CommandRegistrar = (t, run) =>
  t.command(
    "start",
    "Start an execution for one LOB; LOB and parameters checked first (exit 2, nothing started); prints its ARN",
    (c) =>
      c
        .option("name", { type: "string", demandOption: true, describe: "Pipeline name or ARN" })
        .option("lob", {
          type: "string",
          demandOption: true,
          describe: "LOB the execution's jobs are charged to",
        })
        .option("param", {
          type: "string",
          array: true,
          default: [],
          describe: "Parameter values, Name=Value",
        })
        .option("wait", { type: "boolean", default: false, describe: "Follow the execution to its end" })
        .option("poll-seconds", {
          type: "number",
          default: 15,
          describe: "With --wait: seconds between polls",
        })
        .option("timeout-seconds", {
          type: "number",
          default: 3600,
          describe: "With --wait: give up after",
        })
        .option("client-request-token", {
          type: "string",
          describe: "Idempotency token (32–128 characters); default: a fresh UUID",
        })
        .option("display-name", { type: "string", describe: "Execution display name" })
        .option("description", { type: "string", describe: "Execution description" })
        .example("smcb pipeline start --name churn --lob retail", "prints the execution ARN")
        .example(
          "smcb pipeline start --name churn --lob wealth --param MinAuc=0.8 --wait",
          "progress on stderr; exit 3 unless it succeeds",
        ),
    run<StartArgs>(start),
  );

/** `smcb pipeline status <execution-arn>`: an execution's steps and the LOB tag each job carries. */
const statusCommand: CommandRegistrar = (t, run) =>
  t.command(
    "status <execution-arn>",
    "An execution's steps: status, job ARN and the LOB tag each job carries",
    (c) =>
      c
        .positional("execution-arn", {
          type: "string",
          demandOption: true,
          describe: "Pipeline execution ARN",
        })
        .example(
          "smcb pipeline status arn:aws:sagemaker:us-east-1:111122223333:pipeline/churn/execution/abc123",
          "one line per step",
        ),
    run<{ "execution-arn": string }>(async (ctx, argv) => {
      const { executionStatus } = await import("../../pipelines/index.js");
      const { SageMakerClient } = await import("@aws-sdk/client-sagemaker");
      const policy = await ctx.optionalTagPolicy();
      const s = await executionStatus(await ctx.client(SageMakerClient), argv["execution-arn"], policy);
      ctx.print(s, () =>
        [
          `${s.executionArn}: ${s.status}${s.failureReason ? ` (${s.failureReason})` : ""}, ${policy.tagKey}=${s.lob ?? "(not set)"}`,
          ...s.steps.map(
            (st) =>
              `  ${st.name.padEnd(24)} ${st.status.padEnd(10)} ${st.jobArn ?? "-"}${
                st.jobArn === undefined
                  ? ""
                  : st.lobTag === undefined
                    ? ""
                    : `  ${policy.tagKey}=${st.lobTag ?? "(missing)"}`
              }${st.failureReason ? `  ${st.failureReason}` : ""}`,
          ),
        ].join("\n"),
      );
      return ExitCode.Ok;
    }),
  );

/** Registers `smcb pipeline …` and its subcommands. */
export const registerPipeline: CommandRegistrar = (y, run) =>
  y.command("pipeline", "Build, check, tag, deploy and start LOB-tagged SageMaker pipelines", (t) =>
    [lintCommand, tagCommand, synthCommand, upsertCommand, startCommand, statusCommand]
      .reduce((acc, add) => add(acc, run), t)
      .demandCommand(1, "Name a pipeline command: lint, tag, synth, upsert, start or status."),
  );
