/**
 * `sagemaker-chargeback/audit`: the LOB tag audit (`smcb audit tags`): coverage of SageMaker and Bedrock resources,
 * and the fix for pipeline jobs. It builds on `core/` (tag policy, errors) and `inference/bedrock` (application
 * inference profiles); `core/` does not depend on it.
 *
 * @example
 * ```ts
 * import { auditTags } from "sagemaker-chargeback/audit";
 * const report = await auditTags({
 *   policy: { tagKey: "LineOfBusiness", lobs: ["retail", "wealth"] },
 *   clients: { sagemaker: new SageMakerClient({}), bedrock: new BedrockClient({}) },
 *   since: new Date(Date.now() - 30 * 86_400_000),
 * });
 * ```
 * @module
 */
export { type AuditTagsOptions, auditTags } from "./audit.js";
export { classifyLobTag, type LobTagState } from "./classify.js";
export type { AuditClients } from "./collect.js";
export { parseDuration } from "./duration.js";
export {
  AUDIT_RESOURCE_TYPES,
  type AuditedResource,
  type AuditReport,
  type AuditResourceType,
  type Coverage,
  JOB_RESOURCE_TYPES,
  type ListedResource,
  type LobDerivation,
  type LobTagStatus,
  PIPELINE_EXECUTION_TAG_KEY,
  type TagChange,
} from "./types.js";
