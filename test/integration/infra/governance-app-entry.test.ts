import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
  it("exits 2 on a construct's validation error (aws-cdk-lib's, issue 14), naming the construct, no stack trace", () => {
    const file = path.join(dir, "nothing.config.json");
    const { bedrock: _bedrock, ...example } = JSON.parse(readFileSync(EXAMPLE, "utf8")) as Record<
      string,
      unknown
    >;
    writeFileSync(file, JSON.stringify({ ...example, sharedEndpoints: [] }));
    const r = runApp({ CDK_OUTDIR: path.join(dir, "nothing"), SMCB_CONFIG: file });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("ChargebackGovernance: the configuration asks for nothing to deploy.");
    expect(r.stderr).toMatch(/\(at smcb-governance\/[^)]+\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);
});

describe("npm run synth", () => {
  it("synthesizes the example app on a fresh clone: no CDK CLI, no AWS credentials, no smcb.config.json", () => {
    const outdir = path.join(dir, "synth");
    const home = mkdtempSync(path.join(dir, "home-"));
    // No credentials anywhere the SDK or the CDK would look: no AWS_* variables, an empty home folder.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_")));
    const r = spawnSync("npm", ["run", "--silent", "synth", "--", "--output", outdir], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...env, HOME: home, SMCB_CONFIG: "", CDK_OUTDIR: "" },
      timeout: 120_000,
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`Synthesized ${EXAMPLE} into ${outdir}\n`);
    expect(resourceTypes(outdir, "smcb-governance")).toEqual(["AWS::CloudWatch::Dashboard"]);
    expect(existsSync(path.join(outdir, "manifest.json"))).toBe(true);
  }, 120_000);

  it("synthesizes the gateway of a config with infra.gateway, bundling gateway/lambda.ts locally", () => {
    const file = path.join(dir, "gateway.config.json");
    const example = JSON.parse(readFileSync(EXAMPLE, "utf8")) as Record<string, unknown>;
    const gateway = {
      tenants: [
        { name: "shop-team", lob: "retail", models: ["claude-sonnet"], budget: { monthly: "500.00" } },
      ],
      models: {
        "claude-sonnet": {
          bedrockModel: "anthropic.claude-sonnet-4-5-20250929-v1:0",
          price: { input: "3.00", output: "15.00" },
        },
      },
    };
    writeFileSync(file, JSON.stringify({ ...example, gateway, infra: { usageLake: {}, gateway: {} } }));
    const outdir = path.join(dir, "synth-gateway");
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_")));
    const r = spawnSync("npm", ["run", "--silent", "synth", "--", "--config", file, "--output", outdir], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...env, HOME: mkdtempSync(path.join(dir, "home-")), SMCB_CONFIG: "", CDK_OUTDIR: "" },
      timeout: 180_000,
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`Synthesized ${file} into ${outdir}\n`);
    const types = resourceTypes(outdir, "smcb-governance");
    for (const t of ["AWS::ApiGateway::RestApi", "AWS::Lambda::Function", "AWS::DynamoDB::Table"])
      expect(types).toContain(t);
    const assets = readdirSync(outdir).filter((d) => d.startsWith("asset."));
    expect(assets.map((a) => readdirSync(path.join(outdir, a)).sort())).toEqual([
      ["index.mjs", "index.mjs.map", "smcb.config.json"],
    ]);
  }, 180_000);
});
