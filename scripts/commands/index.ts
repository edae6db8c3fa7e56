/** Every `smcb` command, in the order `--help` lists them. */
import type { CommandRegistrar } from "../registrar.js";
import { registerAudit } from "./audit.js";
import { registerChargeback } from "./chargeback.js";
import { registerConfig } from "./config.js";
import { registerEndpoint } from "./endpoint.js";
import { registerInvoke } from "./invoke.js";
import { registerPipeline } from "./pipeline.js";
import { registerProfiles } from "./profiles.js";
import { registerTags } from "./tags.js";

export const commands: readonly CommandRegistrar[] = [
  registerConfig,
  registerTags,
  registerAudit,
  registerPipeline,
  registerEndpoint,
  registerInvoke,
  registerProfiles,
  registerChargeback,
];
