/** `sagemaker-chargeback/infra`: CDK constructs rendering the same specs as the SDK (DESIGN §2). */
export { DedicatedEndpoint, type DedicatedEndpointProps } from "./dedicated-endpoint.js";
export { type EndpointResources, renderEndpointPlan } from "./endpoint-resources.js";
export { SharedEndpoint, type SharedEndpointProps } from "./shared-endpoint.js";
