import { Match, type Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { LobCostAnomalyDetection, type LobCostAnomalyDetectionProps } from "../../../infra/index.js";
import { loadApiModel, shapeProblems } from "../../support/api-model.js";
import { type NaggedStack, problemsOf, stackWith } from "../../support/cdk-nag.js";
import { cdkValidationMessage } from "../../support/cdk-validation.js";

const policy = { tagKey: "LineOfBusiness", lobs: ["retail", "wealth", "platform"] };
const ce = loadApiModel("ce");
type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };
const resources = (t: Template, type: string) => Object.values(t.findResources(type)) as Resource[];

/** The CreateAnomalyMonitor request a monitor resource stands for (its JSON string properties parsed). */
function monitorRequest(m: Resource): Record<string, unknown> {
  const p = m.Properties as Record<string, string>;
  return {
    AnomalyMonitor: {
      MonitorName: p.MonitorName,
      MonitorType: p.MonitorType,
      ...(p.MonitorDimension ? { MonitorDimension: p.MonitorDimension } : {}),
      MonitorSpecification: JSON.parse(p.MonitorSpecification as string),
    },
  };
}

/** The CreateAnomalySubscription request the subscription stands for (references as literal ARNs). */
function subscriptionRequest(s: Resource): Record<string, unknown> {
  const p = s.Properties as {
    Frequency: string;
    SubscriptionName: string;
    MonitorArnList: unknown[];
    Subscribers: { Type: string; Address: unknown }[];
    ThresholdExpression: string;
  };
  return {
    AnomalySubscription: {
      SubscriptionName: p.SubscriptionName,
      Frequency: p.Frequency,
      MonitorArnList: p.MonitorArnList.map(
        (_, i) => `arn:aws:ce::123456789012:anomalymonitor/00000000-0000-0000-0000-00000000000${i}`,
      ),
      Subscribers: p.Subscribers.map((x) => ({
        Type: x.Type,
        Address: typeof x.Address === "string" ? x.Address : "arn:aws:sns:us-east-1:123456789012:alerts",
      })),
      ThresholdExpression: JSON.parse(p.ThresholdExpression),
    },
  };
}

const absolute = (v: string) => ({
  Dimensions: { Key: "ANOMALY_TOTAL_IMPACT_ABSOLUTE", MatchOptions: ["GREATER_THAN_OR_EQUAL"], Values: [v] },
});
const percent = (v: string) => ({
  Dimensions: {
    Key: "ANOMALY_TOTAL_IMPACT_PERCENTAGE",
    MatchOptions: ["GREATER_THAN_OR_EQUAL"],
    Values: [v],
  },
});

describe("LobCostAnomalyDetection (defaults: a CUSTOM monitor per LOB, IMMEDIATE alerts to SNS)", () => {
  let stack: NaggedStack;
  let template: Template;

  beforeAll(() => {
    stack = stackWith((s) => new LobCostAnomalyDetection(s, "Anomalies", { policy }));
    template = stack.template as Template;
  }, 60_000);

  it("synthesizes with zero cdk-nag AwsSolutions findings and a clean cfn-lint", () => {
    expect(problemsOf(stack)).toEqual({ nag: [], cfnLint: [] });
  });

  it("monitors each LOB's tagged spend on its own", () => {
    template.resourceCountIs("AWS::CE::AnomalyMonitor", 3);
    for (const lob of policy.lobs)
      template.hasResourceProperties("AWS::CE::AnomalyMonitor", {
        MonitorName: `smcb-${lob}`,
        MonitorType: "CUSTOM",
        MonitorSpecification: JSON.stringify({ Tags: { Key: "LineOfBusiness", Values: [lob] } }),
      });
    for (const m of resources(template, "AWS::CE::AnomalyMonitor"))
      expect(m.Properties.MonitorDimension).toBeUndefined();
  });

  it("subscribes the encrypted topic to all monitors, IMMEDIATE, impact ≥ 100 USD", () => {
    template.resourceCountIs("AWS::CE::AnomalySubscription", 1);
    template.hasResourceProperties("AWS::CE::AnomalySubscription", {
      SubscriptionName: "smcb-lob-cost-anomalies",
      Frequency: "IMMEDIATE",
      MonitorArnList: ["platform", "retail", "wealth"].map((lob) => ({
        "Fn::GetAtt": [Match.stringLikeRegexp(`^AnomaliesMonitor${lob}`), "MonitorArn"],
      })),
      Subscribers: [{ Type: "SNS", Address: { Ref: Match.stringLikeRegexp("^AnomaliesAlertsTopic") } }],
      ThresholdExpression: JSON.stringify(absolute("100")),
    });
    const [sub] = resources(template, "AWS::CE::AnomalySubscription");
    expect(sub?.DependsOn).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^AnomaliesAlertsKey/),
        expect.stringMatching(/^AnomaliesAlertsPolicy/),
      ]),
    );
    template.hasResourceProperties("AWS::SNS::Topic", {
      KmsMasterKeyId: { "Fn::GetAtt": [Match.stringLikeRegexp("^AnomaliesAlertsKey"), "Arn"] },
    });
    const source = { StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } } };
    template.hasResourceProperties("AWS::SNS::TopicPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: "costalerts.amazonaws.com" },
            Action: "sns:Publish",
            Condition: source,
          }),
        ]),
      },
    });
    template.hasResourceProperties("AWS::KMS::Key", {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: "costalerts.amazonaws.com" },
            Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
            Condition: source,
          }),
        ]),
      },
    });
  });

  it("matches botocore's CreateAnomalyMonitor and CreateAnomalySubscription request shapes", () => {
    for (const m of resources(template, "AWS::CE::AnomalyMonitor"))
      expect(shapeProblems(ce, "CreateAnomalyMonitor", "input", monitorRequest(m))).toEqual([]);
    for (const s of resources(template, "AWS::CE::AnomalySubscription"))
      expect(shapeProblems(ce, "CreateAnomalySubscription", "input", subscriptionRequest(s))).toEqual([]);
  });
});

describe("LobCostAnomalyDetection options", () => {
  it("one DIMENSIONAL monitor on the tag key, DAILY email summaries, either threshold", () => {
    const stack = stackWith(
      (s) =>
        new LobCostAnomalyDetection(s, "Anomalies", {
          policy,
          monitorType: "DIMENSIONAL",
          thresholdUsd: 250.5,
          thresholdPercent: 40,
          thresholdMatch: "ANY",
          frequency: "DAILY",
          emails: ["finops@example.com"],
        }),
    );
    expect(problemsOf(stack)).toEqual({ nag: [], cfnLint: [] });
    const t = stack.template as Template;
    t.resourceCountIs("AWS::CE::AnomalyMonitor", 1);
    t.hasResourceProperties("AWS::CE::AnomalyMonitor", {
      MonitorName: "smcb-LineOfBusiness",
      MonitorType: "DIMENSIONAL",
      MonitorDimension: "TAG",
      MonitorSpecification: JSON.stringify({ Tags: { Key: "LineOfBusiness" } }),
    });
    t.resourceCountIs("AWS::SNS::Topic", 0);
    t.resourceCountIs("AWS::KMS::Key", 0);
    t.hasResourceProperties("AWS::CE::AnomalySubscription", {
      Frequency: "DAILY",
      Subscribers: [{ Type: "EMAIL", Address: "finops@example.com" }],
      ThresholdExpression: JSON.stringify({ Or: [absolute("250.5"), percent("40")] }),
    });
    for (const m of resources(t, "AWS::CE::AnomalyMonitor"))
      expect(shapeProblems(ce, "CreateAnomalyMonitor", "input", monitorRequest(m))).toEqual([]);
    for (const s of resources(t, "AWS::CE::AnomalySubscription"))
      expect(shapeProblems(ce, "CreateAnomalySubscription", "input", subscriptionRequest(s))).toEqual([]);
  });

  it("CUSTOM monitors for some LOBs, both thresholds required by default, a percentage alone", () => {
    const both = stackWith(
      (s) =>
        new LobCostAnomalyDetection(s, "A", {
          policy,
          lobs: ["wealth"],
          thresholdUsd: 50,
          thresholdPercent: 10,
        }),
    ).template as Template;
    both.resourceCountIs("AWS::CE::AnomalyMonitor", 1);
    both.hasResourceProperties("AWS::CE::AnomalyMonitor", { MonitorName: "smcb-wealth" });
    both.hasResourceProperties("AWS::CE::AnomalySubscription", {
      ThresholdExpression: JSON.stringify({ And: [absolute("50"), percent("10")] }),
    });
    const pct = stackWith((s) => new LobCostAnomalyDetection(s, "A", { policy, thresholdPercent: 15 }))
      .template as Template;
    pct.hasResourceProperties("AWS::CE::AnomalySubscription", {
      ThresholdExpression: JSON.stringify(percent("15")),
    });
  });
});

describe("LobCostAnomalyDetection refuses bad props", () => {
  it.each([
    ["IMMEDIATE alerts to email", { emails: ["a@example.com"] }],
    ["DAILY alerts without email", { frequency: "DAILY" }],
    ["an unknown frequency", { frequency: "HOURLY" }],
    ["a malformed email", { frequency: "WEEKLY", emails: ["finops"] }],
    ["a negative threshold", { thresholdUsd: -1 }],
    ["a threshold above 10,000,000,000", { thresholdPercent: 1e10 + 1 }],
    ["an infinite threshold", { thresholdUsd: Number.POSITIVE_INFINITY }],
    ["an unknown LOB", { lobs: ["cards"] }],
    ["no LOB", { lobs: [] }],
    ["lobs with a DIMENSIONAL monitor", { monitorType: "DIMENSIONAL", lobs: ["retail"] }],
    ["an unknown monitor type", { monitorType: "TAG" }],
  ] as const)("%s", (_, props) => {
    cdkValidationMessage(() =>
      stackWith(
        (s) =>
          new LobCostAnomalyDetection(s, "A", {
            policy,
            ...(props as Partial<LobCostAnomalyDetectionProps>),
          }),
      ),
    );
  });

  it("a tag key AWS reserves", () => {
    cdkValidationMessage(() =>
      stackWith((s) => new LobCostAnomalyDetection(s, "A", { policy: { ...policy, tagKey: "aws:lob" } })),
    );
  });
});
