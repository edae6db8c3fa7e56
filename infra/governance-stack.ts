/** The `ChargebackGovernanceStack` and {@link buildGovernanceApp}: the CDK app of `infra/app.ts`, without a CLI. */
import { App, type AppProps, Stack, type StackProps, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import type { Construct } from "constructs";
import { type Config, DEFAULT_GOVERNANCE_STACK_NAME } from "../core/index.js";
import { ChargebackGovernance } from "./chargeback-governance.js";

/** Props of {@link ChargebackGovernanceStack}. */
export interface ChargebackGovernanceStackProps extends StackProps {
  /** The validated configuration. */
  readonly config: Config;
  /** The tenant gateway's handler source file. @default the package's `gateway/lambda.ts` */
  readonly gatewayEntry?: string;
}

/**
 * A stack holding the {@link ChargebackGovernance} of a configuration, deployed to the config's `region` unless
 * `env` says otherwise, and described as such.
 *
 * @example
 * ```ts
 * const config = await loadConfig("smcb.config.json");
 * new ChargebackGovernanceStack(new App(), "smcb-governance", { config });
 * ```
 */
export class ChargebackGovernanceStack extends Stack {
  /** The governance resources. */
  readonly governance: ChargebackGovernance;

  constructor(scope: Construct, id: string, props: ChargebackGovernanceStackProps) {
    const { config, gatewayEntry, ...stackProps } = props;
    super(scope, id, {
      description:
        "sagemaker-chargeback: LOB usage dashboard, budgets, cost anomaly alerts, usage lake and tenant gateway",
      ...stackProps,
      env: stackProps.env ?? (config.region !== undefined ? { region: config.region } : undefined),
    });
    this.governance = new ChargebackGovernance(this, "Governance", {
      config,
      ...(gatewayEntry !== undefined ? { gatewayEntry } : {}),
    });
  }
}

/** Options of {@link buildGovernanceApp}. */
export interface GovernanceAppOptions {
  /** The app to add the stack to (e.g. the one whose context named the config); `outdir` and `context` then do not apply. @default a new App */
  readonly app?: App;
  /** Where the app writes the cloud assembly. @default the CDK CLI's (`CDK_OUTDIR`), else a temporary folder */
  readonly outdir?: string;
  /** The account to deploy to. @default environment-agnostic (the CLI's `CDK_DEFAULT_ACCOUNT` when `infra/app.ts` runs) */
  readonly account?: string;
  /** The region to deploy to. @default the config's `region` */
  readonly region?: string;
  /** Run cdk-nag's `AwsSolutions` checks at synthesis (a finding fails it). @default true */
  readonly nag?: boolean;
  /** Context values of the app (what `cdk -c key=value` passes). @default none */
  readonly context?: AppProps["context"];
  /** The tenant gateway's handler source file. @default the package's `gateway/lambda.ts` */
  readonly gatewayEntry?: string;
}

/**
 * Builds the CDK app of a configuration: one {@link ChargebackGovernanceStack} named `infra.stackName`
 * (`smcb-governance` by default), with cdk-nag's `AwsSolutions` checks. `app.synth()` writes the templates.
 *
 * @example
 * ```ts
 * const { app, stack } = buildGovernanceApp(parseConfig(raw), { account: "123456789012" });
 * const assembly = app.synth();
 * const template = assembly.getStackArtifact(stack.artifactId).template;
 * ```
 */
export function buildGovernanceApp(
  config: Config,
  options: GovernanceAppOptions = {},
): { app: App; stack: ChargebackGovernanceStack } {
  const app =
    options.app ??
    new App({
      ...(options.outdir !== undefined ? { outdir: options.outdir } : {}),
      ...(options.context !== undefined ? { context: options.context } : {}),
    });
  const region = options.region ?? config.region;
  const env =
    options.account !== undefined || region !== undefined
      ? {
          ...(options.account !== undefined ? { account: options.account } : {}),
          ...(region !== undefined ? { region } : {}),
        }
      : undefined;
  const stack = new ChargebackGovernanceStack(app, config.infra?.stackName ?? DEFAULT_GOVERNANCE_STACK_NAME, {
    config,
    ...(env !== undefined ? { env } : {}),
    ...(options.gatewayEntry !== undefined ? { gatewayEntry: options.gatewayEntry } : {}),
  });
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
