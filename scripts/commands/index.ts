/**
 * Every `smcb` command, in the order `--help` lists them.
 *
 * Start-up pattern (keep `smcb --help` fast; test/bench/startup.bench.ts measures it): a command module imports
 * statically only what its help text needs — yargs option data, constants from dependency-free modules
 * (`core/errors`, `core/tags`, `audit/types`, `chargeback/model`, `chargeback/reports/formats`), and types
 * (`import type`). Everything its handler uses — AWS SDK clients, aws-cdk-lib, DuckDB, vega, tokenizers, zod, the
 * domain modules that pull them in — is loaded inside the handler with `await import(...)`, so that only the
 * command that runs pays for its dependencies.
 */
import type { CommandRegistrar } from "../cli.js";
import { registerAudit } from "./audit.js";
import { registerChargeback } from "./chargeback.js";
import { registerConfig } from "./config.js";
import { registerEndpoint } from "./endpoint.js";
import { registerGateway } from "./gateway.js";
import { registerInit } from "./init.js";
import { registerInvoke } from "./invoke.js";
import { registerLedger } from "./ledger.js";
import { registerPipeline } from "./pipeline.js";
import { registerProfiles } from "./profiles.js";
import { registerTags } from "./tags.js";

/** The commands' registrars, in `--help` order. */
export const commands: readonly CommandRegistrar[] = [
  registerInit,
  registerConfig,
  registerTags,
  registerAudit,
  registerPipeline,
  registerEndpoint,
  registerInvoke,
  registerProfiles,
  registerChargeback,
  registerLedger,
  registerGateway,
];
