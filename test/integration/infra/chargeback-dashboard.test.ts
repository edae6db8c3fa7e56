import { Duration } from "aws-cdk-lib";
import type { Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { ChargebackDashboard, type ChargebackDashboardProps } from "../../../infra/index.js";
import { problemsOf, stackWith } from "../../support/cdk-nag.js";
import { cdkValidationMessage } from "../../support/cdk-validation.js";

const lobs = ["retail", "wealth", "platform"];

interface Widget {
  type: string;
  width: number;
  properties: {
    title?: string;
    stacked?: boolean;
    markdown?: string;
    metrics?: unknown[][];
  };
}

/** The dashboard body, with the `{"Ref": "AWS::Region"}` parts of its Fn::Join resolved to us-east-1. */
function body(t: Template): { widgets: Widget[] } {
  const [d] = Object.values(t.findResources("AWS::CloudWatch::Dashboard")) as {
    Properties: { DashboardBody: { "Fn::Join": [string, unknown[]] } };
  }[];
  const parts = d?.Properties.DashboardBody["Fn::Join"][1] ?? [];
  return JSON.parse(parts.map((p) => (typeof p === "string" ? p : "us-east-1")).join(""));
}

const expressions = (w: Widget | undefined) =>
  (w?.properties.metrics ?? []).map((m) => m[0] as { expression: string; label: string; period: number });

describe("ChargebackDashboard", () => {
  it("charts tokens and invocations per LOB (stacked) and instance utilization, per shared endpoint", () => {
    const stack = stackWith(
      (s) =>
        new ChargebackDashboard(s, "Usage", {
          endpoints: ["shared-llm", "shared-embed"],
          lobs,
          dashboardName: "lob-usage",
        }),
    );
    expect(problemsOf(stack)).toEqual({ nag: [], cfnLint: [] });
    const t = stack.template as Template;
    t.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
    t.hasResourceProperties("AWS::CloudWatch::Dashboard", { DashboardName: "lob-usage" });
    const { widgets } = body(t);
    expect(widgets.map((w) => w.properties.title ?? w.type)).toEqual([
      "text",
      "shared-llm: tokens (input + output) per LOB",
      "shared-llm: invocations per LOB",
      "shared-llm: instance utilization (AllTraffic)",
      "shared-embed: tokens (input + output) per LOB",
      "shared-embed: invocations per LOB",
      "shared-embed: instance utilization (AllTraffic)",
    ]);
    const [, tokens, invocations, utilization] = widgets;
    expect(tokens?.properties.stacked).toBe(true);
    expect(invocations?.properties.stacked).toBe(true);
    expect(expressions(tokens)).toEqual(
      lobs.map((lob) => ({
        label: lob,
        period: 3600,
        expression: `SUM(SEARCH('Namespace="SMChargeback" (MetricName="InputTokens" OR MetricName="OutputTokens") EndpointName="shared-llm" LineOfBusiness="${lob}"', 'Sum', 3600))`,
      })),
    );
    expect(expressions(invocations).map((e) => e.expression)).toEqual(
      lobs.map(
        (lob) =>
          `SUM(SEARCH('Namespace="SMChargeback" MetricName="Invocations" EndpointName="shared-llm" LineOfBusiness="${lob}"', 'Sum', 3600))`,
      ),
    );
    expect(utilization?.properties.metrics).toEqual(
      ["CPUUtilization", "GPUUtilization", "GPUMemoryUtilization"].map((m) => [
        "/aws/sagemaker/Endpoints",
        m,
        "EndpointName",
        "shared-llm",
        "VariantName",
        "AllTraffic",
        { period: 3600 },
      ]),
    );
  });

  it("takes the namespace, the period and no utilization", () => {
    const { template } = stackWith(
      (s) =>
        new ChargebackDashboard(s, "Usage", {
          endpoints: ["shared-llm"],
          lobs: ["retail"],
          namespace: "Team/Usage",
          period: Duration.minutes(5),
          utilizationVariant: false,
        }),
    );
    const { widgets } = body(template as Template);
    expect(widgets).toHaveLength(3);
    expect(widgets.slice(1).map((w) => w.width)).toEqual([12, 12]);
    // 300 s is CloudWatch's default period, which CDK leaves out of the widget.
    expect(expressions(widgets[2])).toEqual([
      {
        label: "retail",
        expression: `SUM(SEARCH('Namespace="Team/Usage" MetricName="Invocations" EndpointName="shared-llm" LineOfBusiness="retail"', 'Sum', 300))`,
      },
    ]);
  });

  it("charts each LOB's Bedrock application inference profile by its InferenceProfileId, with or without endpoints", () => {
    const stack = stackWith(
      (s) =>
        new ChargebackDashboard(s, "Usage", {
          endpoints: [],
          lobs,
          bedrockProfiles: {
            retail: "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/retail01abcd",
            wealth: "wealth01abcd",
          },
          utilizationVariant: false,
        }),
    );
    expect(problemsOf(stack)).toEqual({ nag: [], cfnLint: [] });
    const { widgets } = body(stack.template as Template);
    expect(widgets.map((w) => w.properties.title ?? "(text)")).toEqual([
      "(text)",
      "Bedrock application inference profiles: tokens (input + output) per LOB",
      "Bedrock application inference profiles: invocations per LOB",
    ]);
    expect(widgets[1]?.properties.stacked).toBe(true);
    expect(expressions(widgets[2]).map(({ label, expression }) => ({ label, expression }))).toEqual([
      {
        label: "retail",
        expression: `SUM(SEARCH('Namespace="SMChargeback" MetricName="Invocations" InferenceProfileId="retail01abcd" LineOfBusiness="retail"', 'Sum', 3600))`,
      },
      {
        label: "wealth",
        expression: `SUM(SEARCH('Namespace="SMChargeback" MetricName="Invocations" InferenceProfileId="wealth01abcd" LineOfBusiness="wealth"', 'Sum', 3600))`,
      },
    ]);
    expect(expressions(widgets[1])[0]?.expression).toContain(
      '(MetricName="InputTokens" OR MetricName="OutputTokens") InferenceProfileId="retail01abcd"',
    );
  });

  it.each([
    ["no endpoint and no Bedrock profile", { endpoints: [] }],
    ["a Bedrock profile of a LOB not in lobs", { bedrockProfiles: { cards: "abc" } }],
    ["no LOB", { lobs: [] }],
    ["an empty LOB", { lobs: [""] }],
    ["a LOB with characters tags cannot carry", { lobs: ["re$tail"] }],
    ["an endpoint name with a quote", { endpoints: ['llm"'] }],
    ["a namespace starting with a colon", { namespace: ":x" }],
    ["a period that is not whole minutes", { period: Duration.seconds(90) }],
  ] as const)("refuses %s", (_, props) => {
    cdkValidationMessage(() =>
      stackWith(
        (s) =>
          new ChargebackDashboard(s, "D", {
            endpoints: ["shared-llm"],
            lobs,
            ...(props as Partial<ChargebackDashboardProps>),
          }),
      ),
    );
  });
});
