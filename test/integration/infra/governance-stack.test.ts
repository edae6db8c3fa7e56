import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Token } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import * as sns from "aws-cdk-lib/aws-sns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConfigInput, parseConfig } from "../../../core/config.js";
import { ConfigError } from "../../../core/errors.js";
import { buildGovernanceApp, ChargebackGovernance } from "../../../infra/index.js";
import { problemsOf, stackWith } from "../../support/cdk-nag.js";
import { cdkValidationMessage } from "../../support/cdk-validation.js";
import { cfnLint } from "../../support/cfn-lint.js";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const EXAMPLE = path.join(ROOT, "examples/smcb.config.json");
const example = JSON.parse(readFileSync(EXAMPLE, "utf8")) as ConfigInput;
const LOBS = example.lobs;

const infra = {
  budgets: {
    monthlyLimits: { retail: 5000, wealth: 2500 },
    defaultMonthlyLimit: 1000,
    emails: ["finops@example.com"],
  },
  anomaly: { thresholdUsd: 200, thresholdPercent: 20 },
  usageLake: { bufferingIntervalSeconds: 60, deliveryStreamName: "smcb-usage" },
};
const withInfra = (block: unknown) => ({ ...example, infra: block });
const configOf = (raw: unknown) => parseConfig(raw, EXAMPLE);

/** The `path: message` lines of the ConfigError `fn` throws. */
function configProblems(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).exitCode).toBe(2);
    return (e as ConfigError).problems;
  }
  throw new Error("no ConfigError");
}

describe("ChargebackGovernance from examples/smcb.config.json + an infra block, under cdk-nag AwsSolutions", () => {
  let template: Template;
  let problems: ReturnType<typeof problemsOf>;

  beforeAll(() => {
    const result = stackWith((s) => {
      new ChargebackGovernance(s, "Governance", { config: configOf(withInfra(infra)) });
    });
    problems = problemsOf(result);
    if (!result.template) throw new Error(`cdk-nag findings: ${JSON.stringify(result.findings)}`);
    template = result.template;
  }, 120_000);

  it("has zero cdk-nag findings and zero cfn-lint findings", () => {
    expect(problems).toEqual({ nag: [], cfnLint: [] });
  });

  it("has one budget per LOB (the limits, then the default), one dashboard, the anomaly monitors and the lake", () => {
    const budgets = Object.values(template.findResources("AWS::Budgets::Budget")).map(
      (b) =>
        (b as { Properties: { Budget: { BudgetName: string; BudgetLimit: { Amount: number } } } }).Properties
          .Budget,
    );
    expect(budgets).toHaveLength(LOBS.length);
    expect(Object.fromEntries(budgets.map((b) => [b.BudgetName, b.BudgetLimit.Amount]))).toEqual(
      Object.fromEntries(
        LOBS.map((l) => [`smcb-${l}`, l === "retail" ? 5000 : l === "wealth" ? 2500 : 1000]),
      ),
    );
    template.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
    template.resourceCountIs("AWS::CE::AnomalyMonitor", LOBS.length);
    template.resourceCountIs("AWS::CE::AnomalySubscription", 1);
    template.resourceCountIs("AWS::KinesisFirehose::DeliveryStream", 1);
    template.hasResourceProperties("AWS::KinesisFirehose::DeliveryStream", {
      DeliveryStreamName: "smcb-usage",
      ExtendedS3DestinationConfiguration: { BufferingHints: { IntervalInSeconds: 60, SizeInMBs: 5 } },
    });
    // the events table and the compacted days' table
    template.resourceCountIs("AWS::Glue::Table", 2);
    template.resourceCountIs("AWS::Athena::WorkGroup", 1);
    // One alert topic for the budgets, one for the anomalies.
    template.resourceCountIs("AWS::SNS::Topic", 2);
  });

  it("charts every shared endpoint of the config for every LOB", () => {
    const [dashboard] = Object.values(template.findResources("AWS::CloudWatch::Dashboard"));
    const body = JSON.stringify(dashboard);
    for (const e of example.sharedEndpoints ?? [])
      expect(body).toContain(`${e.name}: tokens (input + output) per LOB`);
    for (const lob of LOBS) expect(body).toContain(`LineOfBusiness=\\\\\\"${lob}\\\\\\"`);
  });
});

describe("ChargebackGovernance: what the config leaves out is not made", () => {
  it("makes only the dashboard without an infra block", () => {
    const result = stackWith((s) => {
      new ChargebackGovernance(s, "Governance", { config: configOf(example) });
    });
    expect(problemsOf(result).nag).toEqual([]);
    const t = result.template as Template;
    t.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
    t.resourceCountIs("AWS::Budgets::Budget", 0);
    t.resourceCountIs("AWS::CE::AnomalyMonitor", 0);
    t.resourceCountIs("AWS::KinesisFirehose::DeliveryStream", 0);
  }, 60_000);

  it("uses the config's CloudWatch namespace, and skips the dashboard when asked", () => {
    const cw = stackWith((s) => {
      new ChargebackGovernance(s, "Governance", {
        config: configOf({ ...example, usage: { type: "cloudwatch", namespace: "Acme/Usage" } }),
      });
    });
    expect(JSON.stringify(cw.json)).toContain('Namespace=\\\\\\"Acme/Usage\\\\\\"');
    const noDashboard = stackWith((s) => {
      new ChargebackGovernance(s, "Governance", {
        config: configOf(withInfra({ dashboard: { enabled: false }, budgets: { defaultMonthlyLimit: 10 } })),
      });
    });
    const t = noDashboard.template as Template;
    t.resourceCountIs("AWS::CloudWatch::Dashboard", 0);
    t.resourceCountIs("AWS::Budgets::Budget", LOBS.length);
  }, 60_000);

  it("passes the dashboard, budget and anomaly settings of the block to the constructs", () => {
    const result = stackWith((s) => {
      new ChargebackGovernance(s, "Governance", {
        config: configOf(
          withInfra({
            dashboard: { dashboardName: "lob-usage", periodMinutes: 5, utilizationVariant: false },
            budgets: {
              monthlyLimits: { wealth: 10 },
              alerts: [{ type: "ACTUAL", thresholdPercent: 90 }],
              budgetNamePrefix: "acme-",
            },
            anomaly: { monitorType: "DIMENSIONAL", frequency: "WEEKLY", emails: ["finops@example.com"] },
          }),
        ),
      });
    });
    expect(problemsOf(result)).toEqual({ nag: [], cfnLint: [] });
    const t = result.template as Template;
    t.hasResourceProperties("AWS::CloudWatch::Dashboard", { DashboardName: "lob-usage" });
    expect(JSON.stringify(t.findResources("AWS::CloudWatch::Dashboard"))).not.toContain("GPUUtilization");
    expect(JSON.stringify(t.findResources("AWS::CloudWatch::Dashboard"))).toContain("'Sum', 300))");
    t.resourceCountIs("AWS::Budgets::Budget", 1);
    t.hasResourceProperties("AWS::Budgets::Budget", {
      Budget: { BudgetName: "acme-wealth", BudgetLimit: { Amount: 10, Unit: "USD" } },
      NotificationsWithSubscribers: [{ Notification: { NotificationType: "ACTUAL", Threshold: 90 } }],
    });
    t.resourceCountIs("AWS::CE::AnomalyMonitor", 1);
    t.hasResourceProperties("AWS::CE::AnomalyMonitor", { MonitorType: "DIMENSIONAL" });
    t.hasResourceProperties("AWS::CE::AnomalySubscription", {
      Frequency: "WEEKLY",
      Subscribers: [{ Type: "EMAIL", Address: "finops@example.com" }],
    });
  }, 60_000);

  it("refuses a configuration that asks for nothing to deploy (UsageError, exit 2)", () => {
    const { bedrock: _bedrock, ...noProfiles } = example;
    const config = configOf({ ...noProfiles, sharedEndpoints: [] });
    cdkValidationMessage(() => stackWith((s) => new ChargebackGovernance(s, "G", { config })));
  });
});

describe("buildGovernanceApp", () => {
  const outdir = mkdtempSync(path.join(tmpdir(), "smcb-gov-app-"));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it("synthesizes the stack named by infra.stackName in the config's region, cdk-nag on, cfn-lint clean", () => {
    const config = configOf(
      withInfra({ ...infra, stackName: "acme-lob-governance", usageLake: { removalPolicy: "destroy" } }),
    );
    const { app, stack } = buildGovernanceApp(config, { outdir, account: "123456789012" });
    expect(stack.stackName).toBe("acme-lob-governance");
    expect(stack.region).toBe("us-east-1");
    expect(stack.account).toBe("123456789012");
    const assembly = app.synth();
    const report = JSON.parse(readFileSync(path.join(outdir, "validation-report.json"), "utf8"));
    expect(report.pluginReports).toEqual([]);
    const json = assembly.getStackArtifact(stack.artifactId).template as Record<string, unknown>;
    expect(cfnLint(json)).toEqual([]);
    const t = Template.fromJSON(json);
    t.resourceCountIs("AWS::Budgets::Budget", LOBS.length);
    t.resourceCountIs("AWS::Athena::WorkGroup", 1);
    t.hasResource("AWS::S3::Bucket", { DeletionPolicy: "Delete" });
  }, 120_000);

  it("fails synthesis on a cdk-nag finding (nag on by default), not with nag: false", () => {
    const config = configOf(withInfra({ budgets: { defaultMonthlyLimit: 10 } }));
    const nagged = buildGovernanceApp(config, { outdir: mkdtempSync(path.join(outdir, "a-")) });
    // An unencrypted topic without a TLS-only policy is an AwsSolutions-SNS2/SNS3 finding.
    new sns.Topic(nagged.stack, "Plain");
    expect(() => nagged.app.synth()).toThrow();
    const plain = buildGovernanceApp(config, { outdir: mkdtempSync(path.join(outdir, "b-")), nag: false });
    new sns.Topic(plain.stack, "Plain");
    expect(() => plain.app.synth()).not.toThrow();
  }, 120_000);

  it("is environment-agnostic without a region in the config or the options", () => {
    const { region, ...noRegion } = example;
    expect(region).toBe("us-east-1");
    const { stack } = buildGovernanceApp(configOf(noRegion), { outdir, nag: false });
    expect(Token.isUnresolved(stack.region)).toBe(true);
    expect(Token.isUnresolved(stack.account)).toBe(true);
  });
});

describe("config: the infra block", () => {
  it("accepts examples/smcb.config.json with and without it, and fills the defaults", () => {
    expect(configOf(example).infra).toBeUndefined();
    const c = configOf(withInfra(infra));
    expect(c.infra?.stackName).toBe("smcb-governance");
    expect(c.infra?.budgets?.snsTopic).toBe(true);
    expect(c.infra?.anomaly?.frequency).toBe("IMMEDIATE");
    expect(c.infra?.usageLake?.workgroupName).toBe("smcb-usage");
  });

  it("names an unknown LOB in the budget limits and the anomaly LOBs with its path (ConfigError, exit 2)", () => {
    const problems = configProblems(() =>
      configOf(
        withInfra({
          budgets: { monthlyLimits: { retail: 10, cards: 5 } },
          anomaly: { lobs: ["wealth", "loans"] },
        }),
      ),
    );
    expect(problems).toEqual([
      'infra.budgets.monthlyLimits.cards: "cards" is not in lobs',
      'infra.anomaly.lobs[1]: "loans" is not in lobs',
    ]);
  });

  it("refuses anomaly settings Cost Anomaly Detection would refuse", () => {
    expect(
      configProblems(() =>
        configOf(
          withInfra({ anomaly: { monitorType: "DIMENSIONAL", lobs: ["retail"], emails: ["a@example.com"] } }),
        ),
      ),
    ).toEqual([
      "infra.anomaly.lobs: applies to CUSTOM monitors only",
      "infra.anomaly.emails: IMMEDIATE alerts go to the SNS topic only; use DAILY or WEEKLY for email",
    ]);
  });

  it("refuses a bad infra block field by field", () => {
    const problems = configProblems(() =>
      configOf(
        withInfra({
          budgets: { emails: ["not-an-address"] },
          anomaly: { frequency: "DAILY" },
          usageLake: { bufferingIntervalSeconds: 901, prefix: "usage", colour: "red" },
          stackName: "1st",
        }),
      ),
    );
    expect(problems).toEqual([
      "infra.stackName: must be a stack name (a letter, then letters, digits, hyphens)",
      "infra.budgets.emails[0]: must be an email address",
      "infra.budgets: give monthlyLimits and/or defaultMonthlyLimit",
      "infra.anomaly.emails: DAILY alerts need emails",
      "infra.usageLake.bufferingIntervalSeconds: Too big: expected number to be <=900",
      'infra.usageLake.prefix: must be a relative key prefix ending with "/"',
      'infra.usageLake: Unrecognized key: "colour"',
    ]);
  });
});
