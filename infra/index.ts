/**
 * `sagemaker-chargeback/infra`: CDK constructs rendering the same specs as the SDK (docs/architecture.md).
 * @module
 */

/** The Glue columns of the usage lake's table: the usage event's fields (from `core`). */
export { COMPACTED_USAGE_COLUMNS, USAGE_EVENT_COLUMNS } from "../core/index.js";
export { ChargebackDashboard, type ChargebackDashboardProps } from "./chargeback-dashboard.js";
export { ChargebackGovernance, type ChargebackGovernanceProps } from "./chargeback-governance.js";
export { DedicatedEndpoint, type DedicatedEndpointProps } from "./dedicated-endpoint.js";
export { type EndpointResources, renderEndpointPlan } from "./endpoint-resources.js";
export {
  buildGovernanceApp,
  ChargebackGovernanceStack,
  type ChargebackGovernanceStackProps,
  type GovernanceAppOptions,
} from "./governance-stack.js";
export {
  type BudgetAlert,
  DEFAULT_BUDGET_ALERTS,
  LobBudgets,
  type LobBudgetsProps,
  MAX_BUDGET_ALERTS,
  MAX_BUDGET_EMAILS,
} from "./lob-budgets.js";
export {
  type AnomalyAlertFrequency,
  LobCostAnomalyDetection,
  type LobCostAnomalyDetectionProps,
  type LobMonitorType,
  MAX_ANOMALY_THRESHOLD,
} from "./lob-cost-anomaly-detection.js";
export { MAX_TEMPLATE_DEFINITION_BYTES, TaggedPipeline, type TaggedPipelineProps } from "./pipeline.js";
export { SharedEndpoint, type SharedEndpointProps } from "./shared-endpoint.js";
export {
  GATEWAY_BUNDLED_CONFIG,
  GATEWAY_ROUTES,
  GATEWAY_TABLE_PARTITION_KEY,
  GATEWAY_TABLE_SORT_KEY,
  GATEWAY_TABLE_TTL_ATTRIBUTE,
  type GatewayUsageStream,
  TenantGateway,
  type TenantGatewayProps,
} from "./tenant-gateway.js";
export { type FirehoseUsageConfig, UsageLake, type UsageLakeProps } from "./usage-lake.js";
