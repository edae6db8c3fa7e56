/**
 * The encrypted SNS topic that AWS Budgets, Cost Anomaly Detection and the tenant gateway publish their alerts to: a
 * customer managed KMS key (rotated), a topic that refuses non-TLS requests, and, for an AWS service publisher,
 * policies that let only that service publish, only on behalf of this account.
 */
import { Aws } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as sns from "aws-cdk-lib/aws-sns";
import { Construct, type IDependable } from "constructs";

/** Options of {@link createAlertTopic}. */
export interface AlertTopicProps {
  /** What the alerts are about; the topic's display name and the key's description. */
  readonly description: string;
  /**
   * The service principal that publishes, e.g. `budgets.amazonaws.com`.
   * @default none: publishers are IAM principals granted with `topic.grantPublish(...)` (key and topic)
   */
  readonly service?: string;
  /** An `aws:SourceArn` pattern the publisher's requests must match (`ArnLike`). @default no SourceArn condition */
  readonly sourceArnLike?: string;
}

/** What {@link createAlertTopic} made. */
export interface AlertTopic {
  /** The key and the topic policy: depend on them so both policies exist before the service first publishes. */
  readonly ready: readonly IDependable[];
  /** The customer managed key the topic is encrypted with. */
  readonly key: kms.Key;
  /** The topic. */
  readonly topic: sns.Topic;
}

/**
 * Adds a KMS-encrypted, TLS-only SNS topic under `scope/id` that `props.service`, when given, may publish to on
 * behalf of this account (topic policy `sns:Publish` and key policy `kms:GenerateDataKey*` + `kms:Decrypt`, both
 * conditioned on `aws:SourceAccount`, and on `aws:SourceArn` when given). Used by {@link LobBudgets},
 * {@link LobCostAnomalyDetection} and {@link TenantGateway} (no service: its Lambda is granted by IAM).
 *
 * @example
 * ```ts
 * const { topic } = createAlertTopic(this, "Alerts", {
 *   description: "LOB budget alerts",
 *   service: "budgets.amazonaws.com",
 *   sourceArnLike: `arn:${Aws.PARTITION}:budgets::${Aws.ACCOUNT_ID}:*`,
 * });
 * ```
 */
export function createAlertTopic(scope: Construct, id: string, props: AlertTopicProps): AlertTopic {
  const holder = new Construct(scope, id);
  const key = new kms.Key(holder, "Key", {
    enableKeyRotation: true,
    description: `Encrypts the SNS topic of ${props.description}`,
  });
  const topic = new sns.Topic(holder, "Topic", { masterKey: key, displayName: props.description });
  const statements: iam.PolicyStatement[] = [];
  if (props.service !== undefined) {
    const conditions: Record<string, Record<string, string>> = {
      StringEquals: { "aws:SourceAccount": Aws.ACCOUNT_ID },
      ...(props.sourceArnLike !== undefined ? { ArnLike: { "aws:SourceArn": props.sourceArnLike } } : {}),
    };
    const principal = new iam.ServicePrincipal(props.service);
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "AllowAlertPublisherToUseKey",
        principals: [principal],
        actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
        resources: ["*"],
        conditions,
      }),
    );
    statements.push(
      new iam.PolicyStatement({
        sid: "AllowAlertPublisherToPublish",
        principals: [principal],
        actions: ["sns:Publish"],
        resources: [topic.topicArn],
        conditions,
      }),
    );
  }
  const policy = new sns.TopicPolicy(holder, "Policy", {
    topics: [topic],
    enforceSSL: true,
    policyDocument: new iam.PolicyDocument({ statements }),
  });
  return { key, topic, ready: [key, policy] };
}
