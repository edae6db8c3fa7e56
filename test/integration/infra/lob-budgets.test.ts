import { Match, type Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { LobBudgets, type LobBudgetsProps } from "../../../infra/index.js";
import { type ApiModel, loadApiModel, shapeProblems } from "../../support/api-model.js";
import { type NaggedStack, problemsOf, stackWith } from "../../support/cdk-nag.js";
import { cdkValidationMessage } from "../../support/cdk-validation.js";

const policy = { tagKey: "LineOfBusiness", lobs: ["retail", "wealth", "platform"] };
const TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:alerts";

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };

/** The CreateBudget request the AWS::Budgets::Budget resource stands for (the SNS topic as a literal ARN). */
function createBudgetRequest(budget: Resource): Record<string, unknown> {
  const p = JSON.parse(JSON.stringify(budget.Properties).replace(/\{"Ref":"[^"]+"\}/g, `"${TOPIC_ARN}"`));
  const limit = p.Budget.BudgetLimit as { Amount: number; Unit: string };
  return {
    AccountId: "123456789012",
    Budget: { ...p.Budget, BudgetLimit: { ...limit, Amount: String(limit.Amount) } },
    NotificationsWithSubscribers: p.NotificationsWithSubscribers,
  };
}

/**
 * botocore's Budgets model, with its two Java-only regex constructs made JavaScript: BudgetName's mid-pattern
 * `(?i)` (it only makes a `<script>` exclusion case-insensitive) and SubscriberAddress's escaped space.
 */
function budgetsModel(): ApiModel {
  const model = loadApiModel("budgets");
  const patch = (shape: string, from: string, to: string) => {
    const s = model.shapes[shape] as { pattern?: string };
    expect(s.pattern).toContain(from);
    s.pattern = (s.pattern as string).replace(from, to);
  };
  patch("BudgetName", "(?i)", "");
  patch("SubscriberAddress", "\\ ", " ");
  return model;
}

describe("LobBudgets", () => {
  let stack: NaggedStack;
  let template: Template;

  beforeAll(() => {
    stack = stackWith(
      (s) =>
        new LobBudgets(s, "Budgets", {
          policy,
          monthlyLimits: { retail: 5000, wealth: 2500.5 },
          defaultMonthlyLimit: 1000,
          emails: ["finops@example.com"],
        }),
    );
    template = stack.template as Template;
  }, 60_000);

  it("synthesizes with zero cdk-nag AwsSolutions findings and a clean cfn-lint", () => {
    expect(problemsOf(stack)).toEqual({ nag: [], cfnLint: [] });
  });

  it("creates one monthly USD cost budget per LOB, filtered by the LOB cost allocation tag", () => {
    template.resourceCountIs("AWS::Budgets::Budget", 3);
    for (const [lob, amount] of [
      ["retail", 5000],
      ["wealth", 2500.5],
      ["platform", 1000],
    ] as const)
      template.hasResourceProperties("AWS::Budgets::Budget", {
        Budget: {
          BudgetName: `smcb-${lob}`,
          BudgetType: "COST",
          TimeUnit: "MONTHLY",
          BudgetLimit: { Amount: amount, Unit: "USD" },
          CostFilters: { TagKeyValue: [`user:LineOfBusiness$${lob}`] },
        },
      });
  });

  it("sends the graduated default alerts to the topic and the emails", () => {
    const subscribers = [
      { SubscriptionType: "SNS", Address: { Ref: Match.stringLikeRegexp("^BudgetsAlertsTopic") } },
      { SubscriptionType: "EMAIL", Address: "finops@example.com" },
    ];
    const notification = (type: string, threshold: number) => ({
      Notification: {
        NotificationType: type,
        ComparisonOperator: "GREATER_THAN",
        Threshold: threshold,
        ThresholdType: "PERCENTAGE",
      },
      Subscribers: subscribers,
    });
    template.hasResourceProperties("AWS::Budgets::Budget", {
      Budget: Match.objectLike({ BudgetName: "smcb-retail" }),
      NotificationsWithSubscribers: [
        notification("ACTUAL", 50),
        notification("ACTUAL", 80),
        notification("ACTUAL", 100),
        notification("FORECASTED", 100),
      ],
    });
    for (const b of Object.values(template.findResources("AWS::Budgets::Budget")) as Resource[]) {
      expect(b.DependsOn).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^BudgetsAlertsKey/),
          expect.stringMatching(/^BudgetsAlertsPolicy/),
        ]),
      );
    }
  });

  it("matches botocore's CreateBudget request shape", () => {
    const model = budgetsModel();
    for (const b of Object.values(template.findResources("AWS::Budgets::Budget")) as Resource[])
      expect(shapeProblems(model, "CreateBudget", "input", createBudgetRequest(b))).toEqual([]);
  });

  it("encrypts the topic with a rotated customer key that only AWS Budgets for this account may use", () => {
    template.resourceCountIs("AWS::SNS::Topic", 1);
    template.resourceCountIs("AWS::KMS::Key", 1);
    template.hasResourceProperties("AWS::SNS::Topic", {
      KmsMasterKeyId: { "Fn::GetAtt": [Match.stringLikeRegexp("^BudgetsAlertsKey"), "Arn"] },
    });
    const source = {
      StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } },
      ArnLike: {
        "aws:SourceArn": {
          "Fn::Join": [
            "",
            ["arn:", { Ref: "AWS::Partition" }, ":budgets::", { Ref: "AWS::AccountId" }, ":*"],
          ],
        },
      },
    };
    template.hasResourceProperties("AWS::KMS::Key", {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: "Allow",
            Principal: { Service: "budgets.amazonaws.com" },
            Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
            Condition: source,
          }),
        ]),
      },
    });
    template.hasResourceProperties("AWS::SNS::TopicPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: "Allow",
            Principal: { Service: "budgets.amazonaws.com" },
            Action: "sns:Publish",
            Condition: source,
          }),
          Match.objectLike({
            Effect: "Deny",
            Action: "sns:Publish",
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          }),
        ]),
      },
    });
  });
});

describe("LobBudgets options", () => {
  it("emails only (no topic), custom alerts, only the LOBs given limits", () => {
    const stack = stackWith(
      (s) =>
        new LobBudgets(s, "Budgets", {
          policy,
          monthlyLimits: { wealth: 300 },
          alerts: [
            { type: "ACTUAL", thresholdPercent: 90 },
            { type: "FORECASTED", thresholdPercent: 110 },
          ],
          snsTopic: false,
          emails: ["a@example.com", "b@example.com"],
          budgetNamePrefix: "team-",
        }),
    );
    expect(problemsOf(stack)).toEqual({ nag: [], cfnLint: [] });
    const t = stack.template as Template;
    t.resourceCountIs("AWS::Budgets::Budget", 1);
    t.resourceCountIs("AWS::SNS::Topic", 0);
    t.resourceCountIs("AWS::KMS::Key", 0);
    const subscribers = [
      { SubscriptionType: "EMAIL", Address: "a@example.com" },
      { SubscriptionType: "EMAIL", Address: "b@example.com" },
    ];
    t.hasResourceProperties("AWS::Budgets::Budget", {
      Budget: Match.objectLike({ BudgetName: "team-wealth", BudgetLimit: { Amount: 300, Unit: "USD" } }),
      NotificationsWithSubscribers: [
        {
          Notification: Match.objectLike({ NotificationType: "ACTUAL", Threshold: 90 }),
          Subscribers: subscribers,
        },
        {
          Notification: Match.objectLike({ NotificationType: "FORECASTED", Threshold: 110 }),
          Subscribers: subscribers,
        },
      ],
    });
  });

  it("accepts the loaded configuration as the policy", () => {
    const config = { region: "us-east-1", ...policy, sharedEndpoints: [] };
    const { template } = stackWith(
      (s) => new LobBudgets(s, "B", { policy: config, defaultMonthlyLimit: 10 }),
    );
    (template as Template).resourceCountIs("AWS::Budgets::Budget", 3);
  });
});

describe("LobBudgets refuses bad props", () => {
  const build = (props: Partial<LobBudgetsProps>) => () =>
    stackWith((s) => new LobBudgets(s, "B", { policy, defaultMonthlyLimit: 100, ...props }));

  it.each([
    ["an unknown LOB in the limits", { monthlyLimits: { cards: 10 } }],
    ["a LOB in the wrong case", { monthlyLimits: { Retail: 10 } }],
    ["a zero limit", { monthlyLimits: { retail: 0 } }],
    ["a negative limit", { monthlyLimits: { retail: -5 } }],
    ["a NaN default limit", { defaultMonthlyLimit: Number.NaN }],
    ["no limit at all", { defaultMonthlyLimit: undefined }],
    ["a 0 % threshold", { alerts: [{ type: "ACTUAL", thresholdPercent: 0 }] }],
    ["a threshold under CloudFormation's 0.1 %", { alerts: [{ type: "ACTUAL", thresholdPercent: 0.05 }] }],
    ["a 1001 % threshold", { alerts: [{ type: "ACTUAL", thresholdPercent: 1001 }] }],
    ["no alerts", { alerts: [] }],
    [
      "a duplicate alert",
      {
        alerts: [
          { type: "ACTUAL", thresholdPercent: 80 },
          { type: "ACTUAL", thresholdPercent: 80 },
        ],
      },
    ],
    ["an unknown alert type", { alerts: [{ type: "BOTH" as "ACTUAL", thresholdPercent: 80 }] }],
    [
      "11 alerts",
      {
        alerts: Array.from({ length: 11 }, (_, i) => ({ type: "ACTUAL" as const, thresholdPercent: i + 1 })),
      },
    ],
    ["no topic and no email", { snsTopic: false }],
    ["11 emails", { emails: Array.from({ length: 11 }, (_, i) => `u${i}@example.com`) }],
    ["a malformed email", { emails: ["finops"] }],
    ["a name prefix with a colon", { budgetNamePrefix: "a:b-" }],
  ] as const)("%s", (_, props) => {
    cdkValidationMessage(build(props as Partial<LobBudgetsProps>));
  });

  it("a tag key AWS reserves", () => {
    cdkValidationMessage(() =>
      stackWith(
        (s) => new LobBudgets(s, "B", { policy: { ...policy, tagKey: "aws:lob" }, defaultMonthlyLimit: 1 }),
      ),
    );
  });

  it("a LOB whose budget name AWS Budgets refuses", () => {
    expect(() =>
      stackWith(
        (s) =>
          new LobBudgets(s, "B", {
            policy: { tagKey: "LineOfBusiness", lobs: ["emea:retail"] },
            defaultMonthlyLimit: 1,
          }),
      ),
    ).toThrow(/not a valid budget name/);
  });
});
