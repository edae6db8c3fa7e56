/** Synthesizes CDK stacks under cdk-nag's AwsSolutions pack and collects every unacknowledged finding. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { App, Stack, Validations } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import { type CfnLintFinding, cfnLint } from "./cfn-lint.js";

/** What {@link stackWith} synthesized. */
export interface NaggedStack {
  /** The stack's template, when there was no finding. */
  readonly template: Template | undefined;
  /** Every unacknowledged finding (the synthesis error and the validation report's violations). */
  readonly findings: unknown[];
  /** The synthesized template as JSON (also when there were findings, if synthesis got that far). */
  readonly json: Record<string, unknown> | undefined;
}

// CDK has named the report both ways across versions.
const REPORTS = ["validation-report.json", "policy-validation-report.json"];

/** Builds a stack (account 123456789012, us-east-1) with `build`, synthesizes it under AwsSolutionsChecks. */
export function stackWith(build: (s: Stack) => void): NaggedStack {
  const outdir = mkdtempSync(path.join(tmpdir(), "smcb-cdk-"));
  try {
    const app = new App({ outdir });
    const stack = new Stack(app, "Infra", { env: { account: "123456789012", region: "us-east-1" } });
    build(stack);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    let findings: unknown[] = [];
    try {
      app.synth();
    } catch (e) {
      findings = [(e as Error).message];
    }
    for (const name of REPORTS) {
      const report = path.join(outdir, name);
      if (!existsSync(report)) continue;
      const r = JSON.parse(readFileSync(report, "utf8")) as {
        pluginReports?: { violations?: { ruleName: string; violatingResources: unknown[] }[] }[];
      };
      findings = [...findings, ...(r.pluginReports ?? []).flatMap((p) => p.violations ?? [])];
    }
    const file = path.join(outdir, `${stack.artifactId}.template.json`);
    const json = existsSync(file)
      ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>)
      : undefined;
    return { template: findings.length === 0 ? Template.fromStack(stack) : undefined, findings, json };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** What checks a synthesized stack: cdk-nag's findings and cfn-lint's (none of either when it is clean). */
export function problemsOf(stack: NaggedStack): { nag: unknown[]; cfnLint: CfnLintFinding[] } {
  return { nag: stack.findings, cfnLint: stack.json ? cfnLint(stack.json) : [] };
}
