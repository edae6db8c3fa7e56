/** Every `smcb` command, in the order `--help` lists them. */
import type { CommandRegistrar } from "../cli.js";
import { registerChargeback } from "./chargeback.js";
import { registerConfig } from "./config.js";
import { registerTags } from "./tags.js";

export const commands: readonly CommandRegistrar[] = [registerConfig, registerTags, registerChargeback];
