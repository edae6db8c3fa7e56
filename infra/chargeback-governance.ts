/** The `ChargebackGovernance` construct: everything the config's `infra` block asks for, in one scope. */
import { Duration, RemovalPolicy, Size } from "aws-cdk-lib";
import * as firehose from "aws-cdk-lib/aws-kinesisfirehose";
import { Construct } from "constructs";
import type { Config } from "../core/index.js";
import { DEFAULT_METRIC_NAMESPACE } from "../core/index.js";
import { ChargebackDashboard } from "./chargeback-dashboard.js";
import { invalidProps } from "./construct-errors.js";
import { LobBudgets } from "./lob-budgets.js";
import { LobCostAnomalyDetection } from "./lob-cost-anomaly-detection.js";
import { TenantGateway } from "./tenant-gateway.js";
import { UsageLake } from "./usage-lake.js";

/** Props of {@link ChargebackGovernance}. */
export interface ChargebackGovernanceProps {
  /** The validated configuration (`loadConfig`/`parseConfig`): its tag policy, shared endpoints and `infra` block. */
  readonly config: Config;
  /** The tenant gateway's handler source file (exports a streaming `handler`). @default the package's `gateway/lambda.ts` */
  readonly gatewayEntry?: string;
}

/**
 * The governance of one `smcb.config.json`, built from its `infra` block: a {@link ChargebackDashboard} of the
 * shared endpoints, Bedrock profiles and LOBs (unless there is neither a shared endpoint nor a profile, or
 * `infra.dashboard.enabled` is `false`; it charts
 * the `cloudwatch` recorder's namespace, the config's own when `usage.type` is `cloudwatch`), {@link LobBudgets}
 * when `infra.budgets` is given, {@link LobCostAnomalyDetection} when `infra.anomaly` is, a {@link UsageLake}
 * when `infra.usageLake` is, and a {@link TenantGateway} when `infra.gateway` is (recording usage on that lake's
 * stream, else on the `firehose` usage block's `deliveryStream`).
 *
 * @example
 * ```ts
 * const config = await loadConfig("smcb.config.json");
 * const governance = new ChargebackGovernance(stack, "Governance", { config });
 * governance.budgets?.topic?.addSubscription(new SqsSubscription(queue));
 * ```
 * @throws aws-cdk-lib's validation error (`Errors.isValidationError`) when the configuration asks for nothing to deploy
 */
export class ChargebackGovernance extends Construct {
  /** The usage dashboard, when made. */
  readonly dashboard: ChargebackDashboard | undefined;
  /** The per-LOB budgets, when `infra.budgets` is given. */
  readonly budgets: LobBudgets | undefined;
  /** The cost anomaly alerts, when `infra.anomaly` is given. */
  readonly anomalies: LobCostAnomalyDetection | undefined;
  /** The Firehose usage lake, when `infra.usageLake` is given. */
  readonly usageLake: UsageLake | undefined;
  /** The tenant gateway, when `infra.gateway` is given. */
  readonly gateway: TenantGateway | undefined;

  constructor(scope: Construct, id: string, props: ChargebackGovernanceProps) {
    super(scope, id);
    const { config } = props;
    this.dashboard = this.makeDashboard(config);
    this.budgets = this.makeBudgets(config);
    this.anomalies = this.makeAnomalies(config);
    this.usageLake = this.makeUsageLake(config);
    this.gateway = this.makeGateway(props);
    if (!this.dashboard && !this.budgets && !this.anomalies && !this.usageLake && !this.gateway)
      invalidProps(
        this,
        "ChargebackGovernance: the configuration asks for nothing to deploy.",
        "List sharedEndpoints or bedrock.profiles (for the dashboard), or add infra.budgets, infra.anomaly, infra.usageLake or infra.gateway.",
      );
  }

  /** The dashboard, when there is something to chart (shared endpoints or Bedrock profiles) and it is not turned off. */
  private makeDashboard(config: Config): ChargebackDashboard | undefined {
    const dashboard = config.infra?.dashboard;
    if (config.sharedEndpoints.length === 0 && Object.keys(config.bedrock?.profiles ?? {}).length === 0)
      return undefined;
    if (!(dashboard?.enabled ?? true)) return undefined;
    return new ChargebackDashboard(this, "Dashboard", {
      endpoints: config.sharedEndpoints.map((e) => e.name),
      bedrockProfiles: config.bedrock?.profiles ?? {},
      lobs: config.lobs,
      namespace: config.usage.type === "cloudwatch" ? config.usage.namespace : DEFAULT_METRIC_NAMESPACE,
      ...(dashboard?.dashboardName !== undefined ? { dashboardName: dashboard.dashboardName } : {}),
      period: Duration.minutes(dashboard?.periodMinutes ?? 60),
      utilizationVariant: dashboard?.utilizationVariant ?? "AllTraffic",
    });
  }

  /** The per-LOB budgets of `infra.budgets`. */
  private makeBudgets(config: Config): LobBudgets | undefined {
    const budgets = config.infra?.budgets;
    if (!budgets) return undefined;
    return new LobBudgets(this, "Budgets", {
      policy: config,
      monthlyLimits: budgets.monthlyLimits,
      ...(budgets.defaultMonthlyLimit !== undefined
        ? { defaultMonthlyLimit: budgets.defaultMonthlyLimit }
        : {}),
      ...(budgets.alerts !== undefined ? { alerts: budgets.alerts } : {}),
      snsTopic: budgets.snsTopic,
      emails: budgets.emails,
      budgetNamePrefix: budgets.budgetNamePrefix,
    });
  }

  /** The cost anomaly alerts of `infra.anomaly`. */
  private makeAnomalies(config: Config): LobCostAnomalyDetection | undefined {
    const anomaly = config.infra?.anomaly;
    if (!anomaly) return undefined;
    return new LobCostAnomalyDetection(this, "Anomalies", {
      policy: config,
      monitorType: anomaly.monitorType,
      ...(anomaly.lobs !== undefined ? { lobs: anomaly.lobs } : {}),
      ...(anomaly.thresholdUsd !== undefined ? { thresholdUsd: anomaly.thresholdUsd } : {}),
      ...(anomaly.thresholdPercent !== undefined ? { thresholdPercent: anomaly.thresholdPercent } : {}),
      thresholdMatch: anomaly.thresholdMatch,
      frequency: anomaly.frequency,
      emails: anomaly.emails,
      namePrefix: anomaly.namePrefix,
    });
  }

  /** The usage lake of `infra.usageLake`. */
  private makeUsageLake(config: Config): UsageLake | undefined {
    const lake = config.infra?.usageLake;
    if (!lake) return undefined;
    return new UsageLake(this, "UsageLake", {
      ...(lake.deliveryStreamName !== undefined ? { deliveryStreamName: lake.deliveryStreamName } : {}),
      bufferingInterval: Duration.seconds(lake.bufferingIntervalSeconds),
      bufferingSize: Size.mebibytes(lake.bufferingSizeMiB),
      prefix: lake.prefix,
      databaseName: lake.databaseName,
      tableName: lake.tableName,
      workgroupName: lake.workgroupName,
      bytesScannedCutoffPerQuery: Size.mebibytes(Math.round(lake.bytesScannedCutoffGiB * 1024)),
      resultsExpiration: Duration.days(lake.resultsExpirationDays),
      removalPolicy: lake.removalPolicy === "destroy" ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
  }

  /** The tenant gateway of `infra.gateway`, on the usage lake's stream or the firehose usage block's. */
  private makeGateway(props: ChargebackGovernanceProps): TenantGateway | undefined {
    const { config } = props;
    const gateway = config.infra?.gateway;
    const usageStream =
      this.usageLake ??
      (config.usage.type === "firehose"
        ? firehose.DeliveryStream.fromDeliveryStreamName(this, "UsageStream", config.usage.deliveryStream)
        : undefined);
    if (!gateway) return undefined;
    if (!usageStream)
      invalidProps(
        this,
        "ChargebackGovernance: infra.gateway needs a usage stream.",
        "Add infra.usageLake, or use a firehose usage block.",
      );
    return new TenantGateway(this, "Gateway", {
      config,
      usageStream,
      ...(props.gatewayEntry !== undefined ? { entry: props.gatewayEntry } : {}),
      stageName: gateway.stageName,
      throttlingRateLimit: gateway.throttle.rateLimit,
      throttlingBurstLimit: gateway.throttle.burstLimit,
      ...(gateway.webAclArn !== undefined ? { webAclArn: gateway.webAclArn } : {}),
      executionLogging: gateway.executionLogging,
      logRetention: gateway.logRetentionDays,
      memorySize: gateway.memoryMiB,
      timeout: Duration.seconds(gateway.timeoutSeconds),
      ...(gateway.tableName !== undefined ? { tableName: gateway.tableName } : {}),
      ...(gateway.foundationModelIds !== undefined ? { foundationModelIds: gateway.foundationModelIds } : {}),
      removalPolicy: gateway.removalPolicy === "destroy" ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
  }
}
