/** A cdk-nag harness for the infra tests: synthesizes an app with AwsSolutions checks and collects the findings. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { App, Stack, Validations } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";

/** A finding: the rule and the resources it flags (or the synth error message). */
export type NagFinding = { ruleName: string; violatingResources: unknown[] } | string;

/**
 * Builds a stack (account 123456789012, us-east-1) with `build`, synthesizes it under `AwsSolutionsChecks` and
 * returns every unacknowledged finding, plus the template when there is none.
 */
export function synthWithNag(build: (s: Stack) => void): { template?: Template; findings: NagFinding[] } {
  const outdir = mkdtempSync(path.join(tmpdir(), "smcb-cdk-"));
  try {
    const app = new App({ outdir });
    const stack = new Stack(app, "Lake", { env: { account: "123456789012", region: "us-east-1" } });
    build(stack);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    let findings: NagFinding[] = [];
    try {
      app.synth();
    } catch (e) {
      findings = [(e as Error).message];
    }
    const report = path.join(outdir, "policy-validation-report.json");
    if (existsSync(report)) {
      const r = JSON.parse(readFileSync(report, "utf8")) as {
        pluginReports?: { violations?: { ruleName: string; violatingResources: unknown[] }[] }[];
      };
      findings = [...findings, ...(r.pluginReports ?? []).flatMap((p) => p.violations ?? [])];
    }
    return findings.length === 0 ? { template: Template.fromStack(stack), findings } : { findings };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
