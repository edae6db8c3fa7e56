/**
 * Every construct takes deploy-time values (issue 14): a `CfnParameter` (any token) for a validated prop is known
 * only at deploy time, so it is passed through unchecked, as aws-cdk-lib's own constructs do (`Token.isUnresolved`);
 * the same prop with a bad resolved value is refused with aws-cdk-lib's validation error. `UsageLake` and
 * `TenantGateway` have their own token tests (usage-lake-tokens.test.ts, tenant-gateway.test.ts).
 */
import { App, CfnParameter, Duration, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { ChargebackDashboard, LobBudgets, LobCostAnomalyDetection } from "../../../infra/index.js";
import { cdkValidationMessage } from "../../support/cdk-validation.js";

const policy = { tagKey: "LineOfBusiness", lobs: ["retail", "wealth"] };

function stackWithParameters() {
  const stack = new Stack(new App(), "Tokens");
  return {
    stack,
    num: (id: string) => new CfnParameter(stack, id, { type: "Number" }).valueAsNumber,
    str: (id: string) => new CfnParameter(stack, id, { type: "String" }).valueAsString,
  };
}

describe("LobBudgets with deploy-time values", () => {
  it("takes a limit, a threshold, an email and a name prefix as parameters", () => {
    const { stack, num, str } = stackWithParameters();
    new LobBudgets(stack, "Budgets", {
      policy,
      monthlyLimits: { retail: num("RetailLimit") },
      defaultMonthlyLimit: num("DefaultLimit"),
      alerts: [{ type: "ACTUAL", thresholdPercent: num("Threshold") }],
      emails: [str("Email")],
      budgetNamePrefix: str("Prefix"),
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties("AWS::Budgets::Budget", {
      Budget: { BudgetLimit: { Amount: { Ref: "RetailLimit" } } },
    });
    t.hasResourceProperties("AWS::Budgets::Budget", {
      NotificationsWithSubscribers: [{ Notification: { Threshold: { Ref: "Threshold" } } }],
    });
  });

  it("refuses the same props with bad resolved values", () => {
    const make = (props: object) => () =>
      new LobBudgets(new Stack(), "Budgets", { policy, defaultMonthlyLimit: 10, ...props });
    expect(cdkValidationMessage(make({ monthlyLimits: { retail: -1 } }))).toMatch(/monthly limit of retail/);
    expect(cdkValidationMessage(make({ alerts: [{ type: "ACTUAL", thresholdPercent: 0 }] }))).toMatch(
      /alert threshold/,
    );
    expect(cdkValidationMessage(make({ emails: ["finops"] }))).toMatch(/not an email address/);
    expect(cdkValidationMessage(make({ budgetNamePrefix: "a:b-" }))).toMatch(/not a valid budget name/);
    expect(cdkValidationMessage(make({ monthlyLimits: { cards: 1 } }))).toMatch(/cards/);
  });
});

describe("LobCostAnomalyDetection with deploy-time values", () => {
  it("takes thresholds and an email as parameters", () => {
    const { stack, num, str } = stackWithParameters();
    new LobCostAnomalyDetection(stack, "Anomalies", {
      policy,
      thresholdUsd: num("Usd"),
      thresholdPercent: num("Percent"),
      frequency: "DAILY",
      emails: [str("Email")],
    });
    Template.fromStack(stack).hasResourceProperties("AWS::CE::AnomalySubscription", {
      Subscribers: [{ Type: "EMAIL", Address: { Ref: "Email" } }],
    });
  });

  it("refuses the same props with bad resolved values", () => {
    const make = (props: object) => () => new LobCostAnomalyDetection(new Stack(), "A", { policy, ...props });
    expect(cdkValidationMessage(make({ thresholdUsd: -1 }))).toMatch(/thresholdUsd/);
    expect(cdkValidationMessage(make({ frequency: "DAILY", emails: ["finops"] }))).toMatch(/not an email/);
    expect(cdkValidationMessage(make({ policy: { ...policy, tagKey: "aws:lob" } }))).toMatch(/aws:/);
  });
});

describe("ChargebackDashboard with deploy-time values", () => {
  it("takes the namespace, endpoint names and LOBs as parameters (the period must be resolved: cloudwatch.Metric)", () => {
    const { stack, str } = stackWithParameters();
    new ChargebackDashboard(stack, "Dashboard", {
      namespace: str("Namespace"),
      endpoints: [str("Endpoint")],
      lobs: [str("Lob")],
    });
    const body = JSON.stringify(Template.fromStack(stack).toJSON());
    for (const p of ["Namespace", "Endpoint", "Lob"]) expect(body).toContain(`{"Ref":"${p}"}`);
  });

  it("refuses a resolved period that is not whole minutes", () => {
    expect(
      cdkValidationMessage(
        () =>
          new ChargebackDashboard(new Stack(), "D", {
            endpoints: ["shared-llm"],
            lobs: policy.lobs,
            period: Duration.seconds(90),
          }),
      ),
    ).toMatch(/whole number of minutes/);
  });
});
