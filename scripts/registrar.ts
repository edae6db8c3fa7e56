/**
 * The contract between the CLI and its command modules: each command module exports a registrar that adds its
 * options and handler to the parser. In its own file so that command modules do not import `cli.ts` (which
 * imports them).
 */
import type { Argv } from "yargs";
import type { GlobalArgs, Handler } from "./context.js";

/** Registers a command's options and handler on the parser. */
export type CommandRegistrar = (
  y: Argv<GlobalArgs>,
  run: <A>(handler: Handler<A>) => (argv: unknown) => Promise<void>,
) => Argv<GlobalArgs>;
