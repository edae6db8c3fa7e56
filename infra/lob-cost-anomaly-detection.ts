/** The `LobCostAnomalyDetection` construct: Cost Anomaly Detection monitors on the LOB tag, and one alert subscription. */
import { CfnAnomalyMonitor, CfnAnomalySubscription } from "aws-cdk-lib/aws-ce";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as sns from "aws-cdk-lib/aws-sns";
import { Construct } from "constructs";
import { assertLob, assertTagKey, type TagPolicy } from "../core/index.js";
import { createAlertTopic } from "./alert-topic.js";
import { checkedBy, invalidProps, unresolved } from "./construct-errors.js";

/**
 * How the LOB tag is monitored.
 * - `CUSTOM`: one customer managed monitor per LOB (`{"Tags": {"Key": tagKey, "Values": [lob]}}`), so each
 *   LOB's spend is evaluated on its own and every alert names its LOB's monitor.
 * - `DIMENSIONAL`: one AWS managed monitor on the tag key (`MonitorDimension: TAG`, `{"Tags": {"Key": tagKey}}`),
 *   which evaluates every value of the tag independently, including values outside the allowlist.
 */
export type LobMonitorType = "CUSTOM" | "DIMENSIONAL";

/**
 * How often alerts are sent. Cost Anomaly Detection sends `IMMEDIATE` alerts only to an SNS topic and
 * `DAILY`/`WEEKLY` summaries only to email addresses.
 */
export type AnomalyAlertFrequency = "IMMEDIATE" | "DAILY" | "WEEKLY";

/** The largest threshold value Cost Anomaly Detection accepts. */
export const MAX_ANOMALY_THRESHOLD = 10_000_000_000;

/** Props of {@link LobCostAnomalyDetection}. */
export interface LobCostAnomalyDetectionProps {
  /** The tag key and allowed LOBs: a `TagPolicy`, or the loaded `smcb.config.json`. */
  readonly policy: TagPolicy;
  /** How the tag is monitored. @default "CUSTOM" */
  readonly monitorType?: LobMonitorType;
  /** The LOBs that get a monitor when `monitorType` is `CUSTOM`. @default every LOB of `policy` */
  readonly lobs?: readonly string[];
  /**
   * Alert when an anomaly's total impact is at least this many USD (`ANOMALY_TOTAL_IMPACT_ABSOLUTE`).
   * @default 100 when `thresholdPercent` is not given either
   */
  readonly thresholdUsd?: number;
  /** Alert when an anomaly's total impact is at least this percentage of the expected spend (`ANOMALY_TOTAL_IMPACT_PERCENTAGE`). */
  readonly thresholdPercent?: number;
  /** With both thresholds: alert when `ALL` are reached (`And`) or when `ANY` is (`Or`). @default "ALL" */
  readonly thresholdMatch?: "ALL" | "ANY";
  /** How often alerts are sent. @default "IMMEDIATE" */
  readonly frequency?: AnomalyAlertFrequency;
  /** The email addresses of `DAILY` or `WEEKLY` alerts (required for those, refused with `IMMEDIATE`). */
  readonly emails?: readonly string[];
  /** Prefix of the monitor and subscription names. @default "smcb-" */
  readonly namePrefix?: string;
}

// The address pattern of the Cost Explorer API's SubscriberAddress (email form).
const EMAIL = /^[a-zA-Z0-9.!#$%&'*+=?^_‘{|}~-]+@[a-zA-Z0-9_-]+(\.[a-zA-Z0-9_-]+)+$/;

function threshold(scope: Construct, key: string, value: number, name: string): Record<string, unknown> {
  if (!unresolved(value) && (!Number.isFinite(value) || value < 0 || value > MAX_ANOMALY_THRESHOLD))
    invalidProps(
      scope,
      `LobCostAnomalyDetection: ${name} must be a number in [0, ${MAX_ANOMALY_THRESHOLD}], got ${value}.`,
    );
  return { Dimensions: { Key: key, MatchOptions: ["GREATER_THAN_OR_EQUAL"], Values: [String(value)] } };
}

/**
 * Cost Anomaly Detection for LOB spend: monitors on the LOB cost allocation tag (see {@link LobMonitorType}) and
 * one subscription with a threshold on the anomaly's total impact, sent `IMMEDIATE`ly to an encrypted SNS topic
 * this construct creates, or as `DAILY`/`WEEKLY` summaries to email addresses.
 *
 * @example
 * ```ts
 * new LobCostAnomalyDetection(stack, "Anomalies", {
 *   policy: { tagKey: "LineOfBusiness", lobs: ["retail", "wealth"] },
 *   thresholdUsd: 200,
 *   thresholdPercent: 20,
 * });
 * ```
 */
export class LobCostAnomalyDetection extends Construct {
  /** The monitors: one per LOB (`CUSTOM`, keyed by LOB) or one on the tag key (`DIMENSIONAL`, keyed by the tag key). */
  readonly monitors: Readonly<Record<string, CfnAnomalyMonitor>>;
  /** The alert subscription. */
  readonly subscription: CfnAnomalySubscription;
  /** The topic `IMMEDIATE` alerts go to. */
  readonly topic: sns.Topic | undefined;
  /** The key encrypting {@link topic}. */
  readonly key: kms.Key | undefined;

  constructor(scope: Construct, id: string, props: LobCostAnomalyDetectionProps) {
    super(scope, id);
    const { type, lobs } = this.checkMonitors(props);
    const expression = this.thresholdExpression(props);
    const { frequency, emails } = this.checkDelivery(props);
    const prefix = props.namePrefix ?? "smcb-";
    this.monitors = this.createMonitors(props.policy.tagKey, type, lobs, prefix);
    const alert =
      frequency === "IMMEDIATE"
        ? createAlertTopic(this, "Alerts", {
            description: "LOB cost anomaly alerts",
            service: "costalerts.amazonaws.com",
          })
        : undefined;
    this.topic = alert?.topic;
    this.key = alert?.key;
    this.subscription = new CfnAnomalySubscription(this, "Subscription", {
      subscriptionName: `${prefix}lob-cost-anomalies`,
      frequency,
      monitorArnList: Object.values(this.monitors).map((m) => m.attrMonitorArn),
      subscribers: alert
        ? [{ type: "SNS", address: alert.topic.topicArn }]
        : emails.map((address) => ({ type: "EMAIL", address })),
      thresholdExpression: JSON.stringify(expression),
    });
    if (alert) this.subscription.node.addDependency(...alert.ready);
  }

  /** The monitor type and the LOBs it watches (sorted, each in the policy). */
  private checkMonitors(props: LobCostAnomalyDetectionProps): {
    type: "CUSTOM" | "DIMENSIONAL";
    lobs: string[];
  } {
    const { policy } = props;
    checkedBy(this, () => assertTagKey(policy.tagKey));
    const type = props.monitorType ?? "CUSTOM";
    if (type !== "CUSTOM" && type !== "DIMENSIONAL")
      invalidProps(
        this,
        `LobCostAnomalyDetection: monitorType must be CUSTOM or DIMENSIONAL, got ${String(type)}.`,
      );
    if (type === "DIMENSIONAL" && props.lobs !== undefined)
      invalidProps(
        this,
        "LobCostAnomalyDetection: lobs applies to CUSTOM monitors only.",
        "A DIMENSIONAL monitor covers every value of the tag.",
      );
    const lobs = [
      ...new Set((props.lobs ?? policy.lobs).map((l) => checkedBy(this, () => assertLob(policy, l)))),
    ].sort();
    if (type === "CUSTOM" && lobs.length === 0)
      invalidProps(this, "LobCostAnomalyDetection: no LOB to monitor.");
    return { type, lobs };
  }

  /** The subscription's threshold: the absolute and percentage impacts given (both, or either), else 100 USD. */
  private thresholdExpression(props: LobCostAnomalyDetectionProps): unknown {
    const conditions = [
      ...(props.thresholdUsd !== undefined
        ? [threshold(this, "ANOMALY_TOTAL_IMPACT_ABSOLUTE", props.thresholdUsd, "thresholdUsd")]
        : []),
      ...(props.thresholdPercent !== undefined
        ? [threshold(this, "ANOMALY_TOTAL_IMPACT_PERCENTAGE", props.thresholdPercent, "thresholdPercent")]
        : []),
    ];
    return conditions.length > 1
      ? { [(props.thresholdMatch ?? "ALL") === "ALL" ? "And" : "Or"]: conditions }
      : (conditions[0] ?? threshold(this, "ANOMALY_TOTAL_IMPACT_ABSOLUTE", 100, "thresholdUsd"));
  }

  /** How alerts are delivered: IMMEDIATE to the SNS topic, DAILY or WEEKLY to the email addresses. */
  private checkDelivery(props: LobCostAnomalyDetectionProps): {
    frequency: "IMMEDIATE" | "DAILY" | "WEEKLY";
    emails: readonly string[];
  } {
    const frequency = props.frequency ?? "IMMEDIATE";
    if (frequency !== "IMMEDIATE" && frequency !== "DAILY" && frequency !== "WEEKLY")
      invalidProps(
        this,
        `LobCostAnomalyDetection: frequency must be IMMEDIATE, DAILY or WEEKLY, got ${String(frequency)}.`,
      );
    const emails = props.emails ?? [];
    for (const e of emails)
      if (!unresolved(e) && !EMAIL.test(e))
        invalidProps(this, `LobCostAnomalyDetection: ${JSON.stringify(e)} is not an email address.`);
    if (frequency === "IMMEDIATE" && emails.length > 0)
      invalidProps(
        this,
        "LobCostAnomalyDetection: IMMEDIATE alerts go to SNS only, not to email.",
        "Subscribe the addresses to the construct's topic, or use frequency DAILY or WEEKLY.",
      );
    if (frequency !== "IMMEDIATE" && emails.length === 0)
      invalidProps(this, `LobCostAnomalyDetection: ${frequency} alerts go to email only; give emails.`);
    return { frequency, emails };
  }

  /** One CUSTOM monitor per LOB, or one DIMENSIONAL monitor of the tag key. */
  private createMonitors(
    tagKey: string,
    type: "CUSTOM" | "DIMENSIONAL",
    lobs: readonly string[],
    prefix: string,
  ): Record<string, CfnAnomalyMonitor> {
    const monitors: Record<string, CfnAnomalyMonitor> = {};
    if (type === "CUSTOM")
      for (const lob of lobs)
        monitors[lob] = new CfnAnomalyMonitor(this, `Monitor-${lob}`, {
          monitorName: `${prefix}${lob}`,
          monitorType: "CUSTOM",
          monitorSpecification: JSON.stringify({ Tags: { Key: tagKey, Values: [lob] } }),
        });
    else
      monitors[tagKey] = new CfnAnomalyMonitor(this, "Monitor", {
        monitorName: `${prefix}${tagKey}`,
        monitorType: "DIMENSIONAL",
        monitorDimension: "TAG",
        monitorSpecification: JSON.stringify({ Tags: { Key: tagKey } }),
      });
    return monitors;
  }
}
