/**
 * `npm run synth [-- --config <file>] [-- --output <dir>]`: synthesizes the CDK app of `infra/app.ts` without the
 * CDK CLI and without AWS credentials (the Lambda is bundled locally with esbuild). The configuration is `--config`,
 * else `SMCB_CONFIG`, else `./smcb.config.json`, else (a fresh clone) `examples/smcb.config.json`; the templates go
 * to `--output`, else `CDK_OUTDIR`, else `./cdk.out`. Deploy them with `npx aws-cdk@2 deploy --app <output>`.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DEFAULT_CONFIG_FILE } from "../core/index.js";

const { values } = parseArgs({
  options: { config: { type: "string" }, output: { type: "string" } },
  strict: true,
});
const example = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../examples/smcb.config.json");
const config =
  values.config ??
  (process.env.SMCB_CONFIG || (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : example));
const output = path.resolve(values.output ?? (process.env.CDK_OUTDIR || "cdk.out"));
// What the CDK CLI passes to the app: where to write, and (here) which configuration to read.
process.env.CDK_OUTDIR = output;
process.env.SMCB_CONFIG = path.resolve(config);
await import("./app.js");
if (!process.exitCode) process.stdout.write(`Synthesized ${path.resolve(config)} into ${output}\n`);
