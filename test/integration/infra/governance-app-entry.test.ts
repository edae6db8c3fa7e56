import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const EXAMPLE = path.join(ROOT, "examples/smcb.config.json");
const cdkJson = JSON.parse(readFileSync(path.join(ROOT, "cdk.json"), "utf8")) as { app: string };

/** Runs the `app` command of cdk.json as the CDK CLI does: in a shell, with the outdir and context in the env. */
function runApp(env: Record<string, string>) {
  const r = spawnSync(cdkJson.app, {
    shell: true,
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, SMCB_CONFIG: "", ...env },
    timeout: 120_000,
  });
  return { status: r.status, stderr: r.stderr };
}

const dir = mkdtempSync(path.join(tmpdir(), "smcb-app-entry-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const resourceTypes = (outdir: string, stack: string) =>
  Object.values(
    (
      JSON.parse(readFileSync(path.join(outdir, `${stack}.template.json`), "utf8")) as {
        Resources: Record<string, { Type: string }>;
      }
    ).Resources,
  ).map((r) => r.Type);

describe("infra/app.ts through cdk.json's app command", () => {
  it("reads the config named by the context (-c config=…) and synthesizes the stack", () => {
    const outdir = path.join(dir, "ctx");
    const r = runApp({ CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify({ config: EXAMPLE }) });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(resourceTypes(outdir, "smcb-governance")).toEqual(["AWS::CloudWatch::Dashboard"]);
  }, 120_000);

  it("falls back to SMCB_CONFIG, and builds what its infra block asks for", () => {
    const file = path.join(dir, "smcb.config.json");
    const example = JSON.parse(readFileSync(EXAMPLE, "utf8")) as Record<string, unknown>;
    writeFileSync(
      file,
      JSON.stringify({ ...example, infra: { stackName: "lob-gov", budgets: { defaultMonthlyLimit: 100 } } }),
    );
    const outdir = path.join(dir, "env");
    const r = runApp({ CDK_OUTDIR: outdir, SMCB_CONFIG: file });
    expect(r.status).toBe(0);
    const types = resourceTypes(outdir, "lob-gov");
    expect(types.filter((t) => t === "AWS::Budgets::Budget")).toHaveLength((example.lobs as string[]).length);
  }, 120_000);

  it("exits 2 with the path of a bad infra field, no stack trace", () => {
    const file = path.join(dir, "bad.config.json");
    const example = JSON.parse(readFileSync(EXAMPLE, "utf8")) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...example, infra: { budgets: { monthlyLimits: { cards: 5 } } } }));
    const r = runApp({ CDK_OUTDIR: path.join(dir, "bad"), SMCB_CONFIG: file });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('infra.budgets.monthlyLimits.cards: "cards" is not in lobs');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);
});
