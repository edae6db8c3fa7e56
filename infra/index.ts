/**
 * `sagemaker-chargeback/infra`: CDK constructs rendering the same specs as the SDK (DESIGN §2).
 * @module
 */
export { DedicatedEndpoint, type DedicatedEndpointProps } from "./dedicated-endpoint.js";
export { type EndpointResources, renderEndpointPlan } from "./endpoint-resources.js";
export { MAX_TEMPLATE_DEFINITION_BYTES, TaggedPipeline, type TaggedPipelineProps } from "./pipeline.js";
export { SharedEndpoint, type SharedEndpointProps } from "./shared-endpoint.js";
export {
  type FirehoseUsageConfig,
  USAGE_EVENT_COLUMNS,
  UsageLake,
  type UsageLakeProps,
} from "./usage-lake.js";
