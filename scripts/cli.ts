/**
 * The `smcb` command line: global options, command registration, error → exit code mapping.
 */
import yargs, { type Argv } from "yargs";
import { VERSION } from "../core/aws.js";
import { ExitCode, type ExitCodeValue, exitCodeOf, SmcbError, UsageError } from "../core/errors.js";
import { commands } from "./commands/index.js";
import { CommandContext, type GlobalArgs, type Handler, type Io } from "./context.js";

const USAGE_HINT = "Run `smcb --help`, or `smcb <command> --help`.";

function buildParser(argv: readonly string[], io: Io, state: { code: ExitCodeValue }): Argv<GlobalArgs> {
  const run =
    <A>(handler: Handler<A>) =>
    async (args: unknown): Promise<void> => {
      const a = args as A & GlobalArgs;
      const code = await handler(new CommandContext(io, a), a);
      state.code = code ?? ExitCode.Ok;
    };
  let y = yargs([...argv])
    .scriptName("smcb")
    .usage("smcb <command> [options]\n\nAttribute SageMaker and Bedrock spend to lines of business (LOBs).")
    .option("config", {
      type: "string",
      describe: "Configuration file",
      default: undefined,
      defaultDescription: "./smcb.config.json",
      global: true,
    })
    .option("region", {
      type: "string",
      describe: "AWS region (else AWS_REGION, then the config's region)",
      global: true,
    })
    .option("profile", { type: "string", describe: "AWS named profile", global: true })
    .option("endpoint-url", {
      type: "string",
      describe: "AWS endpoint URL (also AWS_ENDPOINT_URL)",
      global: true,
    })
    .option("json", {
      type: "boolean",
      describe: "One JSON document on stdout; logs on stderr",
      global: true,
    })
    .env(false)
    .strict()
    .demandCommand(1, "Name a command.")
    .version(VERSION)
    .help()
    .alias("h", "help")
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .epilogue("Exit codes: 0 ok, 1 findings, 2 usage or config error, 3 AWS or data-source error, 100 crash.")
    .fail((message, error) => {
      // yargs calls this for its own validation failures (message set) and for errors thrown by handlers.
      throw error ?? new UsageError(message, { hint: USAGE_HINT });
    }) as unknown as Argv<GlobalArgs>;
  for (const register of commands) y = register(y, run);
  return y;
}

function describeError(error: unknown): { name: string; message: string; hint?: string } {
  if (error instanceof SmcbError)
    return { name: error.name, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  if (error instanceof Error) return { name: error.name, message: error.stack ?? error.message };
  return { name: "Error", message: String(error) };
}

/**
 * Runs `smcb` with the given arguments and returns its exit code. Never calls `process.exit`.
 *
 * @param argv - the arguments after `smcb`
 * @param io - where to write (tests pass buffers)
 */
export async function main(argv: readonly string[], io: Io): Promise<ExitCodeValue> {
  const state: { code: ExitCodeValue } = { code: ExitCode.Ok };
  const parser = buildParser(argv, io, state);
  const wantsJson = argv.includes("--json");
  try {
    let helpOutput = "";
    await parser.parseAsync([...argv], {}, (_err, _args, output) => {
      helpOutput = output;
    });
    if (helpOutput) io.stdout.write(helpOutput.endsWith("\n") ? helpOutput : `${helpOutput}\n`);
    return state.code;
  } catch (raw) {
    // yargs' own validation failures arrive as a UsageError from .fail() carrying USAGE_HINT.
    const isYargs = raw instanceof UsageError && raw.hint === USAGE_HINT;
    const error = raw;
    const code = exitCodeOf(error);
    const d = describeError(error);
    if (wantsJson) io.stdout.write(`${JSON.stringify({ error: { ...d, exitCode: code } }, null, 2)}\n`);
    if (isYargs) {
      // A failed parse leaves the parser without help text: render the top-level usage from a fresh one.
      let help = "";
      await buildParser([], io, state)
        .parseAsync(["--help"], {}, (_e, _a, output) => {
          help = output;
        })
        .catch(() => undefined);
      if (help) io.stderr.write(`${help}\n\n`);
    }
    io.stderr.write(`smcb: ${code === ExitCode.Crash ? "unexpected error: " : ""}${d.message}\n`);
    if (d.hint) io.stderr.write(`hint: ${d.hint}\n`);
    if (code === ExitCode.Crash)
      io.stderr.write("This is a bug; please report it with the command you ran.\n");
    return code;
  }
}
