/**
 * Endpoints: dedicated and shared endpoint specs, their plan (the SageMaker requests, tagged per the policy),
 * deploy, list and delete through the SageMaker API.
 * @module
 */
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
export { type ListedComponent, type ListedEndpoint, listEndpoints, tagsOf } from "./endpoint-list.js";
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
