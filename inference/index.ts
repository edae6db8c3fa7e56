/**
 * `sagemaker-chargeback/inference`: the SharedEndpointClient helper, Bedrock application inference profiles,
 * token-usage extraction, usage recorders (file, CloudWatch, Firehose), and the usage ledger contract.
 * @module
 */
export {
  type ApplicationProfile,
  BedrockProfileClient,
  type BedrockProfileClientOptions,
  type CreatedProfile,
  type CreateProfileOptions,
  createApplicationProfile,
  deriveProfileName,
  listApplicationProfiles,
  type ModelSource,
  type ProfileConverseInput,
  type ProfileConverseOutput,
  type ProfileConverseStreamInput,
  type ProfileConverseStreamOutput,
  type ProfileMatch,
  ProfileResolver,
  type ProfileResolverOptions,
  resolveModelSource,
} from "./bedrock/index.js";
export type { BufferedRecorderOptions, RecorderStats } from "./buffered-recorder.js";
export {
  CloudWatchUsageRecorder,
  type CloudWatchUsageRecorderOptions,
  DEFAULT_METRIC_NAMESPACE,
  metricDimensions,
} from "./cloudwatch-usage-recorder.js";
export { createUsageRecorder, type RecorderClients } from "./create-usage-recorder.js";
export { MAX_CUSTOM_ATTRIBUTES_LENGTH, mergeCustomAttributes } from "./custom-attributes.js";
export {
  type DeleteResult,
  type DeployOptions,
  type DeployProgress,
  type DeployResult,
  deleteEndpoint,
  deployEndpoint,
  type EndpointDeps,
  findStrayComponents,
  isNotFound,
  type StrayComponent,
} from "./endpoint-deploy.js";
export { type ListedComponent, type ListedEndpoint, listEndpoints } from "./endpoint-list.js";
export { type EndpointPlan, planEndpoint, type ScalingPlan, VARIANT_NAME } from "./endpoint-plan.js";
export {
  type ContainerSpec,
  type DedicatedEndpointSpec,
  type EndpointSpec,
  type EndpointSpecInput,
  endpointSpecSchema,
  type InferenceComponentSpec,
  parseEndpointSpec,
  type SharedEndpointSpec,
} from "./endpoint-spec.js";
export { defaultWriterId, FileUsageRecorder, type FileUsageRecorderOptions } from "./file-usage-recorder.js";
export { FirehoseUsageRecorder, type FirehoseUsageRecorderOptions } from "./firehose-usage-recorder.js";
export type { RetryPolicy } from "./retry.js";
export {
  type InvokeRequest,
  type InvokeResult,
  type InvokeStreamResult,
  SharedEndpointClient,
  type SharedEndpointClientOptions,
} from "./shared-endpoint-client.js";
export type { SpoolingRecorderOptions } from "./spooling-recorder.js";
export { type StreamEvent, StreamLineDecoder } from "./stream-lines.js";
export { loadDefaultTokenCounter, loadHfTokenCounter, type TokenCounter } from "./token-counter.js";
export { extractTokenUsage, type TokenCounts, type TokenUsage, type TokenUsageInput } from "./token-usage.js";
export {
  USAGE_EVENT_VERSION,
  type UsageEvent,
  type UsageRecorder,
  usageEventSchema,
} from "./usage-event.js";
export { DEFAULT_SPOOL_DIR } from "./usage-spool.js";
