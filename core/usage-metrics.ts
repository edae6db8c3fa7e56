/**
 * The CloudWatch usage metrics (docs/contracts.md#usage-ledger-event), written once: the namespace, metric and dimension names that the
 * `cloudwatch` recorder publishes, the chargeback's CloudWatch usage source reads and the dashboard charts.
 * @module
 */

/** The default metric namespace of the `cloudwatch` usage recorder (the config's `usage.namespace`). */
export const DEFAULT_METRIC_NAMESPACE = "SMChargeback";

/** The usage metric names (unit `Count`). */
export const USAGE_METRICS = {
  invocations: "Invocations",
  inputTokens: "InputTokens",
  outputTokens: "OutputTokens",
} as const;

/** A usage metric name. */
export type UsageMetricName = (typeof USAGE_METRICS)[keyof typeof USAGE_METRICS];

/**
 * The dimension names of the usage metrics: `EndpointName` (SageMaker) or `InferenceProfileId` (Bedrock), then
 * `LineOfBusiness`, plus `InferenceComponentName` when the call named one.
 */
export const USAGE_DIMENSIONS = {
  endpoint: "EndpointName",
  profile: "InferenceProfileId",
  lob: "LineOfBusiness",
  component: "InferenceComponentName",
} as const;

/**
 * The `InferenceProfileId` dimension value of a Bedrock call: the last segment of its profile (or model) ARN, or
 * the id itself. The dashboard charts the same value.
 */
export function profileDimensionValue(arnOrId: string): string {
  return arnOrId.split("/").pop() ?? "";
}
