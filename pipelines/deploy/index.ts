/**
 * Deploying pipelines: upsert (create or update, tagged), start with a validated LOB, execution status.
 * @module
 */
export { MAX_INLINE_DEFINITION_LENGTH } from "./aws-names.js";
export {
  checkExecutionParameters,
  type StartPipelineOptions,
  type StartPipelineResult,
  startPipeline,
} from "./start.js";
export {
  type ExecutionStatus,
  type ExecutionStep,
  executionStatus,
  TERMINAL_EXECUTION_STATUSES,
  type WaitOptions,
  type WaitResult,
  waitForExecution,
} from "./status.js";
export { type UpsertPipelineOptions, type UpsertPipelineResult, upsertPipeline } from "./upsert.js";
