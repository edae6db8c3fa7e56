/**
 * Core of sagemaker-chargeback: errors and exit codes, the tag policy, the configuration, money, AWS clients.
 * @module
 */

export { type AwsOptions, type ClientConfig, clientConfig, makeClient, VERSION } from "./aws.js";
export { mapWithConcurrency } from "./concurrency.js";
export {
  type Config,
  type ConfigInput,
  type CostsConfig,
  configJsonSchema,
  configSchema,
  DEFAULT_CONFIG_FILE,
  DEFAULT_GOVERNANCE_STACK_NAME,
  formatIssues,
  type GatewayConfig,
  type GatewayModelConfig,
  type GatewayTenantConfig,
  type IdlePolicy,
  type InfraConfig,
  type LoadedConfig,
  loadConfig,
  parseConfig,
  SAGEMAKER_MODEL_PREFIX,
  type SharedEndpointConfig,
  sagemakerEndpointOf,
  type UsageConfig,
} from "./config.js";
export {
  AwsError,
  ConfigError,
  DataSourceError,
  ExitCode,
  type ExitCodeValue,
  exitCodeOf,
  FindingsError,
  SmcbError,
  type SmcbErrorOptions,
  TagPolicyError,
  toAwsError,
  UNIMPLEMENTED_API_HINT,
  UsageError,
} from "./errors.js";
export {
  centsText,
  Decimal,
  dec,
  formatMoney,
  fromUnits,
  maxPlaces,
  roundToCentsConserving,
  roundUnitsConserving,
  splitProportionally,
  sum,
  toCents,
  units,
  ZERO,
} from "./money.js";
export {
  assertLob,
  assertTagKey,
  assertTagSet,
  checkLob,
  DEFAULT_TAG_KEY,
  findLobTag,
  lobProblem,
  lobTags,
  MAX_TAG_KEY_LENGTH,
  MAX_TAG_VALUE_LENGTH,
  MAX_TAGS_PER_RESOURCE,
  mergeTags,
  parseTagArgs,
  REPORT_LINE_LABELS,
  SHARED_ENDPOINT_TAG_KEY,
  sharedEndpointTags,
  type Tag,
  type TagCheck,
  type TagPolicy,
  tagKeyProblem,
  tagSetProblems,
  tagValueProblem,
} from "./tags.js";
export {
  COMPACTED_USAGE_COLUMNS,
  type GlueColumnType,
  USAGE_EVENT_COLUMNS,
  USAGE_EVENT_FIELDS,
  USAGE_EVENT_VERSION,
  type UsageEvent,
  type UsageEventField,
  type UsageEventFieldName,
  usageEventSchema,
} from "./usage-event.js";
export {
  ATHENA_NAME,
  DELIVERY_STREAM_NAME,
  KEY_PREFIX,
  type NameRule,
  USAGE_LAKE_DEFAULTS,
  WORKGROUP_NAME,
} from "./usage-lake.js";
export {
  DEFAULT_METRIC_NAMESPACE,
  profileDimensionValue,
  USAGE_DIMENSIONS,
  USAGE_METRICS,
  type UsageMetricName,
} from "./usage-metrics.js";
