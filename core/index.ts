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
  UsageError,
} from "./errors.js";
export {
  Decimal,
  dec,
  formatMoney,
  roundToCentsConserving,
  splitProportionally,
  sum,
  toCents,
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
  SHARED_ENDPOINT_TAG_KEY,
  sharedEndpointTags,
  type Tag,
  type TagCheck,
  type TagPolicy,
  tagKeyProblem,
  tagSetProblems,
  tagValueProblem,
} from "./tags.js";
