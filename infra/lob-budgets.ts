/** The `LobBudgets` construct: one AWS Budgets cost budget per LOB, filtered by the LOB cost allocation tag. */
import { Aws } from "aws-cdk-lib";
import { CfnBudget } from "aws-cdk-lib/aws-budgets";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as sns from "aws-cdk-lib/aws-sns";
import { Construct } from "constructs";
import { assertLob, assertTagKey, type TagPolicy } from "../core/index.js";
import { createAlertTopic } from "./alert-topic.js";
import { checkedBy, invalidProps, unresolved } from "./construct-errors.js";

/** One graduated alert of a budget: notify when actual or forecasted spend exceeds a percentage of the limit. */
export interface BudgetAlert {
  /** `ACTUAL` (spend so far this month) or `FORECASTED` (AWS's forecast for the month). */
  readonly type: "ACTUAL" | "FORECASTED";
  /** The percentage of the monthly limit, in [0.1, 1000] (CloudFormation's minimum is 0.1). */
  readonly thresholdPercent: number;
}

/** The default alerts: actual spend at 50 %, 80 % and 100 % of the limit, and a forecast above 100 %. */
export const DEFAULT_BUDGET_ALERTS: readonly BudgetAlert[] = [
  { type: "ACTUAL", thresholdPercent: 50 },
  { type: "ACTUAL", thresholdPercent: 80 },
  { type: "ACTUAL", thresholdPercent: 100 },
  { type: "FORECASTED", thresholdPercent: 100 },
];

/** The most notifications AWS Budgets allows on one budget. */
export const MAX_BUDGET_ALERTS = 10;
/** The most email subscribers AWS Budgets allows on one notification (besides one SNS topic). */
export const MAX_BUDGET_EMAILS = 10;

/** Props of {@link LobBudgets}. */
export interface LobBudgetsProps {
  /** The tag key and allowed LOBs: a `TagPolicy`, or the loaded `smcb.config.json` (it has both fields). */
  readonly policy: TagPolicy;
  /** Monthly limit in USD per LOB. Every key must be a LOB of `policy`. @default {} */
  readonly monthlyLimits?: Readonly<Record<string, number>>;
  /**
   * Monthly limit in USD for every LOB of `policy` that `monthlyLimits` does not name.
   * @default none: only the LOBs in `monthlyLimits` get a budget
   */
  readonly defaultMonthlyLimit?: number;
  /** The graduated alerts of every budget (at most 10). @default {@link DEFAULT_BUDGET_ALERTS} */
  readonly alerts?: readonly BudgetAlert[];
  /** Whether to create the encrypted SNS topic the alerts go to. @default true */
  readonly snsTopic?: boolean;
  /** Email addresses notified directly by AWS Budgets (at most 10). @default none */
  readonly emails?: readonly string[];
  /** Prefix of each budget's name, `<prefix><lob>`. @default "smcb-" */
  readonly budgetNamePrefix?: string;
}

const BUDGET_NAME_MAX = 100;
// The CloudFormation schema of AWS::Budgets::Budget Notification.Threshold has minimum 0.1; above 1000 % is refused
// here as a likely typo.
const MIN_THRESHOLD_PERCENT = 0.1;
const MAX_THRESHOLD_PERCENT = 1000;

function checkedLimit(scope: Construct, lob: string, limit: number): number {
  if (!unresolved(limit) && (!Number.isFinite(limit) || limit <= 0))
    invalidProps(
      scope,
      `LobBudgets: the monthly limit of ${lob} must be a positive number of USD, got ${limit}.`,
    );
  return limit;
}

function checkedAlerts(scope: Construct, alerts: readonly BudgetAlert[]): readonly BudgetAlert[] {
  if (alerts.length === 0 || alerts.length > MAX_BUDGET_ALERTS)
    invalidProps(scope, `LobBudgets: give 1 to ${MAX_BUDGET_ALERTS} alerts, got ${alerts.length}.`);
  const seen = new Set<string>();
  for (const a of alerts) {
    if (a.type !== "ACTUAL" && a.type !== "FORECASTED")
      invalidProps(scope, `LobBudgets: alert type must be ACTUAL or FORECASTED, got ${String(a.type)}.`);
    if (unresolved(a.thresholdPercent)) continue;
    if (
      !Number.isFinite(a.thresholdPercent) ||
      a.thresholdPercent < MIN_THRESHOLD_PERCENT ||
      a.thresholdPercent > MAX_THRESHOLD_PERCENT
    )
      invalidProps(
        scope,
        `LobBudgets: alert threshold must be a percentage in [${MIN_THRESHOLD_PERCENT}, ${MAX_THRESHOLD_PERCENT}], got ${a.thresholdPercent}.`,
      );
    const k = `${a.type} ${a.thresholdPercent}`;
    if (seen.has(k)) invalidProps(scope, `LobBudgets: the alert ${k} % is given twice.`);
    seen.add(k);
  }
  return alerts;
}

function checkedEmails(scope: Construct, emails: readonly string[]): readonly string[] {
  if (emails.length > MAX_BUDGET_EMAILS)
    invalidProps(scope, `LobBudgets: at most ${MAX_BUDGET_EMAILS} email subscribers, got ${emails.length}.`);
  for (const e of emails)
    if (!unresolved(e) && !/^[^\s@]+@[^\s@]+$/.test(e))
      invalidProps(scope, `LobBudgets: ${JSON.stringify(e)} is not an email address.`);
  return emails;
}

function checkedBudgetName(scope: Construct, name: string): string {
  if (unresolved(name)) return name;
  if (name.length > BUDGET_NAME_MAX || /[:\\]/.test(name) || name.includes("/action/"))
    invalidProps(
      scope,
      `LobBudgets: ${JSON.stringify(name)} is not a valid budget name (at most ${BUDGET_NAME_MAX} characters, no ":" or "\\", no "/action/").`,
      "Change budgetNamePrefix, or use LOB values without those characters.",
    );
  return name;
}

/**
 * One monthly AWS Budgets cost budget (USD) per LOB, counting only costs tagged `<tagKey>=<lob>` (the filter
 * `TagKeyValue: ["user:<tagKey>$<lob>"]`; the tag must be activated as a cost allocation tag), with graduated
 * notifications to an encrypted SNS topic this construct creates and/or to email addresses.
 *
 * @example
 * ```ts
 * const config = await loadConfig("smcb.config.json");
 * const budgets = new LobBudgets(stack, "Budgets", {
 *   policy: config,
 *   monthlyLimits: { retail: 5000, wealth: 2500 },
 *   defaultMonthlyLimit: 1000,
 *   emails: ["finops@example.com"],
 * });
 * budgets.topic?.addSubscription(new SqsSubscription(queue));
 * ```
 */
export class LobBudgets extends Construct {
  /** The budget of each LOB. */
  readonly budgets: Readonly<Record<string, CfnBudget>>;
  /** The topic the alerts go to, when `snsTopic` is not `false`. */
  readonly topic: sns.Topic | undefined;
  /** The key encrypting {@link topic}. */
  readonly key: kms.Key | undefined;

  constructor(scope: Construct, id: string, props: LobBudgetsProps) {
    super(scope, id);
    const { policy } = props;
    checkedBy(this, () => assertTagKey(policy.tagKey));
    const limits = new Map<string, number>();
    for (const [lob, limit] of Object.entries(props.monthlyLimits ?? {}))
      limits.set(
        checkedBy(this, () => assertLob(policy, lob)),
        checkedLimit(this, lob, limit),
      );
    if (props.defaultMonthlyLimit !== undefined) {
      const limit = checkedLimit(this, "the default", props.defaultMonthlyLimit);
      for (const lob of policy.lobs) if (!limits.has(lob)) limits.set(lob, limit);
    }
    if (limits.size === 0)
      invalidProps(
        this,
        "LobBudgets: no budget to create.",
        "Give monthlyLimits per LOB and/or defaultMonthlyLimit.",
      );
    const alerts = checkedAlerts(this, props.alerts ?? DEFAULT_BUDGET_ALERTS);
    const emails = checkedEmails(this, props.emails ?? []);
    const withTopic = props.snsTopic ?? true;
    if (!withTopic && emails.length === 0)
      invalidProps(
        this,
        "LobBudgets: the alerts would reach nobody.",
        "Keep snsTopic (the default) or give emails.",
      );

    const alert = withTopic
      ? createAlertTopic(this, "Alerts", {
          description: "LOB budget alerts",
          service: "budgets.amazonaws.com",
          sourceArnLike: `arn:${Aws.PARTITION}:budgets::${Aws.ACCOUNT_ID}:*`,
        })
      : undefined;
    this.topic = alert?.topic;
    this.key = alert?.key;
    const subscribers: CfnBudget.SubscriberProperty[] = [
      ...(alert ? [{ subscriptionType: "SNS", address: alert.topic.topicArn }] : []),
      ...emails.map((address) => ({ subscriptionType: "EMAIL", address })),
    ];
    const prefix = props.budgetNamePrefix ?? "smcb-";
    const budgets: Record<string, CfnBudget> = {};
    for (const [lob, limit] of [...limits].sort(([a], [b]) => a.localeCompare(b))) {
      const budget = new CfnBudget(this, `Budget-${lob}`, {
        budget: {
          budgetName: checkedBudgetName(this, `${prefix}${lob}`),
          budgetType: "COST",
          timeUnit: "MONTHLY",
          budgetLimit: { amount: limit, unit: "USD" },
          costFilters: { TagKeyValue: [`user:${policy.tagKey}$${lob}`] },
        },
        notificationsWithSubscribers: alerts.map((a) => ({
          notification: {
            notificationType: a.type,
            comparisonOperator: "GREATER_THAN",
            threshold: a.thresholdPercent,
            thresholdType: "PERCENTAGE",
          },
          subscribers,
        })),
      });
      // The topic and key policies exist before AWS Budgets can first publish.
      if (alert) budget.node.addDependency(...alert.ready);
      budgets[lob] = budget;
    }
    this.budgets = budgets;
  }
}
