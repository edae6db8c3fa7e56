/**
 * The LOB tag audit (`smcb audit tags`): coverage of SageMaker and Bedrock resources, and the fix for pipeline jobs.
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
