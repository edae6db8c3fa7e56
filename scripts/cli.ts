/**
 * The `smcb` command line: global options, command registration, error → exit code mapping.
 */
import yargs, { type Argv } from "yargs";
import { VERSION } from "../core/aws.js";
import { ExitCode, type ExitCodeValue, exitCodeOf, SmcbError, UsageError } from "../core/errors.js";
import { suggest } from "../core/suggest.js";
import { commands } from "./commands/index.js";
import { CommandContext, type GlobalArgs, type Handler, type Io } from "./context.js";

const USAGE_HINT = "Run `smcb --help`, or `smcb <command> --help`.";

/** What a run keeps for its error report: the exit code, and the help of the command whose parse failed. */
interface RunState {
  code: ExitCodeValue;
  failedHelp?: string;
}

/** The part of yargs' usage object that `.fail()` receives: the help of the command being parsed. */
interface FailingUsage {
  help(): string;
}

function buildParser(argv: readonly string[], io: Io, state: RunState): Argv<GlobalArgs> {
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
    .option("debug", {
      type: "boolean",
      describe: "On an error, also print its stack trace and causes (never shown otherwise)",
      global: true,
    })
    .env(false)
    // English always: the hints and our own messages are English, and the bundled executable carries no yargs locales.
    .detectLocale(false)
    .strict()
    .demandCommand(1, "Name a command.")
    .version(VERSION)
    .help()
    .alias("h", "help")
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .epilogue("Exit codes: 0 ok, 1 findings, 2 usage or config error, 3 AWS or data-source error, 100 crash.")
    .fail((message, error, usage) => {
      // yargs calls this for its own validation failures (message set) and for errors thrown by handlers.
      if (error) throw error;
      // At this point the parser holds the failing (sub)command's options and help.
      state.failedHelp = (usage as unknown as FailingUsage).help();
      throw new UsageError(withSuggestions(message, argv, y), { hint: USAGE_HINT });
    }) as unknown as Argv<GlobalArgs>;
  for (const register of commands) y = register(y, run);
  // yargs renders a command's whole help each time it starts a handler (in case the handler fails later and the help is
  // to be shown then); ours are never shown that way (`.fail` rethrows handler errors), so the 30–40 ms are skipped.
  (y as unknown as ParserLevel).getInternalMethods().getUsageInstance().cacheHelpMessage = () => {};
  return y;
}

/** The parts of the parser yargs types do not expose: the options and subcommands of the level being parsed. */
interface ParserLevel {
  getOptions(): { key: Record<string, unknown> };
  getInternalMethods(): {
    getCommandInstance(): { getCommands(): string[] };
    getUsageInstance(): { cacheHelpMessage(): void };
  };
}

/**
 * yargs' "Unknown argument(s): a, b" with, for each, the closest subcommand (`chargebak` → chargeback) or option
 * (`--fromat` → --format) of the command being parsed.
 */
function withSuggestions(message: string, argv: readonly string[], level: Argv<GlobalArgs>): string {
  const m = /^Unknown arguments?: (.+)$/.exec(message);
  if (!m) return message;
  const parser = level as unknown as ParserLevel;
  const options = Object.keys(parser.getOptions().key).filter((k) => k.length > 1);
  const subcommands = parser.getInternalMethods().getCommandInstance().getCommands();
  const hints = (m[1] as string).split(", ").flatMap((u) => {
    const asOption = argv.some((a) => a === `--${u}` || a.startsWith(`--${u}=`));
    const s = asOption ? suggest(u, options) : suggest(u, subcommands);
    if (s === undefined) return [];
    return [asOption ? `--${u}: did you mean --${s}?` : `${u}: did you mean ${s}?`];
  });
  return hints.length > 0 ? `${message} (${hints.join("; ")})` : message;
}

/** The stack trace of an error and of its causes, for `--debug`. */
function stackOf(error: unknown): string {
  const lines: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 5; depth++) {
    lines.push(e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e));
    e = e instanceof Error ? e.cause : undefined;
    if (e !== undefined) lines.push("caused by:");
  }
  return lines.join("\n");
}

function describeError(
  error: unknown,
  debug: boolean,
): { name: string; message: string; hint?: string; stack?: string } {
  const stack = debug ? { stack: stackOf(error) } : {};
  if (error instanceof SmcbError)
    return {
      name: error.name,
      message: error.message,
      ...(error.hint ? { hint: error.hint } : {}),
      ...stack,
    };
  if (error instanceof Error)
    return {
      name: error.name,
      message: `${error.name}: ${error.message}`,
      hint: "Run again with --debug for the stack trace.",
      ...stack,
    };
  return { name: "Error", message: String(error), ...stack };
}

/**
 * Runs `smcb` with the given arguments and returns its exit code. Never calls `process.exit`.
 *
 * @param argv - the arguments after `smcb`
 * @param io - where to write (tests pass buffers)
 */
export async function main(argv: readonly string[], io: Io): Promise<ExitCodeValue> {
  const state: RunState = { code: ExitCode.Ok };
  const parser = buildParser(argv, io, state);
  const wantsJson = argv.includes("--json");
  const debug = argv.includes("--debug");
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
    const d = describeError(error, debug);
    if (wantsJson) io.stdout.write(`${JSON.stringify({ error: { ...d, exitCode: code } }, null, 2)}\n`);
    // The help of the command that failed (`smcb chargeback --mnth` shows chargeback's options), not the top level.
    if (isYargs && state.failedHelp) io.stderr.write(`${state.failedHelp}\n\n`);
    io.stderr.write(`smcb: ${code === ExitCode.Crash ? "unexpected error: " : ""}${d.message}\n`);
    if (d.hint) io.stderr.write(`hint: ${d.hint}\n`);
    if (d.stack && !wantsJson) io.stderr.write(`${d.stack}\n`);
    if (code === ExitCode.Crash)
      io.stderr.write("This is a bug; please report it with the command you ran.\n");
    return code;
  }
}
