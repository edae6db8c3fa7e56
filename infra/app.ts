/**
 * The CDK app (`cdk.json`: `npx tsx infra/app.ts`): the governance stack of `smcb.config.json`. The configuration
 * file is `--context config=<path>` (`npx aws-cdk@2 synth -c config=smcb.config.json`), else `SMCB_CONFIG`, else
 * `./smcb.config.json`.
 */
import { App, Errors } from "aws-cdk-lib";
import { DEFAULT_CONFIG_FILE, ExitCode, loadConfig, SmcbError } from "../core/index.js";
import { buildGovernanceApp } from "./governance-stack.js";

// The app carries the CLI's context (`-c`, cdk.json, cdk.context.json): it names the configuration file.
const app = new App();
const fromContext: unknown = app.node.tryGetContext("config");
const file =
  [typeof fromContext === "string" ? fromContext : undefined, process.env.SMCB_CONFIG].find(
    (f) => f !== undefined && f !== "",
  ) ?? DEFAULT_CONFIG_FILE;
try {
  const config = await loadConfig(file);
  buildGovernanceApp(config, {
    app,
    ...(process.env.CDK_DEFAULT_ACCOUNT !== undefined ? { account: process.env.CDK_DEFAULT_ACCOUNT } : {}),
    ...(config.region === undefined && process.env.CDK_DEFAULT_REGION !== undefined
      ? { region: process.env.CDK_DEFAULT_REGION }
      : {}),
  });
  app.synth();
} catch (e) {
  // A configuration or synth-time problem: its message (every `path: message`) and hint, and its exit code (2);
  // a construct's props refused with aws-cdk-lib's validation error: its message and the construct's path, exit 2.
  if (Errors.isValidationError(e)) {
    process.stderr.write(`${e.message}${e.constructPath ? ` (at ${e.constructPath})` : ""}\n`);
    process.exitCode = ExitCode.Usage;
  } else if (e instanceof SmcbError) {
    process.stderr.write(`${e.message}${e.hint ? `\n${e.hint}` : ""}\n`);
    process.exitCode = e.exitCode;
  } else throw e;
}
