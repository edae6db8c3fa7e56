/**
 * Runs cfn-lint (the CloudFormation linter, installed with moto on every machine running the tests) on a
 * synthesized template: it validates each resource's properties against the CloudFormation resource schemas.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** One cfn-lint finding. */
export interface CfnLintFinding {
  readonly Rule: { readonly Id: string };
  readonly Message: string;
}

/** Every cfn-lint finding (errors and warnings) of `template`; empty when it is clean. */
export function cfnLint(template: Record<string, unknown>): CfnLintFinding[] {
  const dir = mkdtempSync(path.join(tmpdir(), "smcb-cfn-lint-"));
  try {
    const file = path.join(dir, "template.json");
    writeFileSync(file, JSON.stringify(template));
    let out: string;
    try {
      out = execFileSync("cfn-lint", ["--format", "json", "--regions", "us-east-1", "--", file], {
        encoding: "utf8",
      });
    } catch (e) {
      // cfn-lint exits non-zero when it finds something; its findings are still on stdout.
      out = (e as { stdout?: string }).stdout ?? "";
      if (out.trim() === "") throw e;
    }
    return JSON.parse(out) as CfnLintFinding[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
