/**
 * Pipelines: a builder for SageMaker pipeline definitions whose job steps carry the LOB tag chosen per
 * execution, lint and retro-tagging of definitions made by other tools, upsert and start with a validated LOB.
 * @module
 */

export {
  type Condition,
  equalTo,
  greaterThan,
  greaterThanOrEqualTo,
  isIn,
  lessThan,
  lessThanOrEqualTo,
  not,
  or,
} from "./conditions.js";
export {
  COST_BEARING_STEP_TYPES,
  type DefinitionParameter,
  type DefinitionStep,
  isJsonObject,
  type JsonObject,
  type JsonValue,
  type LocatedStep,
  type PipelineDefinition,
  parseDefinition,
  walkSteps,
} from "./definition.js";
export {
  type ExecutionStatus,
  type ExecutionStep,
  executionStatus,
  type StartPipelineOptions,
  type StartPipelineResult,
  startPipeline,
  TERMINAL_EXECUTION_STATUSES,
  type UpsertPipelineOptions,
  type UpsertPipelineResult,
  upsertPipeline,
  type WaitOptions,
  type WaitResult,
  waitForExecution,
} from "./deploy/index.js";
export { PipelineBuildError, type PipelineBuildProblem } from "./errors.js";
export {
  EXECUTION_VARIABLE_NAMES,
  ExecutionVariables,
  join,
  jsonGet,
  type Operand,
  type PropertyFile,
  propertyFile,
} from "./expressions.js";
export {
  type LintFinding,
  type LintProblem,
  type LintResult,
  type LobTagPolicy,
  lintDefinition,
  lintReport,
  type TagChange,
  type TagResult,
  tagDefinition,
} from "./lint/index.js";
export { loadPipelineModule, type PipelineLike } from "./load-module.js";
export { Parameter } from "./parameter.js";
export { ParameterBoolean } from "./parameter-boolean.js";
export { ParameterFloat } from "./parameter-float.js";
export { ParameterInteger } from "./parameter-integer.js";
export { ParameterString, type ParameterStringOptions } from "./parameter-string.js";
export { PIPELINE_NAME_PATTERN, Pipeline, type PipelineProps, type StepTag } from "./pipeline.js";
export type { PropertyList, PropertyTree } from "./properties.js";
export {
  type AutoMLRequest,
  AutoMLStep,
  type AutoMLStepProperties,
  type AutoMLStepProps,
  type CacheConfig,
  type CachedStepOptions,
  CallbackStep,
  type CallbackStepProps,
  CheckStep,
  type CheckStepProps,
  ClarifyCheckStep,
  type ClarifyCheckStepProperties,
  type ClarifyCheckStepProps,
  type ClarifyCheckType,
  ConditionStep,
  type ConditionStepProps,
  EMRStep,
  type EMRStepProperties,
  type EMRStepProps,
  type EmrClusterConfig,
  FailStep,
  type FailStepProps,
  type HadoopJarStep,
  type JobStepOptions,
  LambdaStep,
  type LambdaStepProps,
  type ModelRequest,
  ModelStep,
  type ModelStepProps,
  type OutputParameter,
  OutputParameterStep,
  type OutputParameterStepProps,
  type OutputParameterType,
  type ProcessingRequest,
  ProcessingStep,
  type ProcessingStepProps,
  QualityCheckStep,
  type QualityCheckStepProperties,
  type QualityCheckStepProps,
  type QualityCheckType,
  type RegisterModelRequest,
  RegisterModelStep,
  type RegisterModelStepProps,
  RequestStep,
  type RequestStepProps,
  type RetryExceptionType,
  type RetryPolicy,
  Step,
  type StepInput,
  type StepOptions,
  type StepType,
  type TrainingRequest,
  TrainingStep,
  type TrainingStepProps,
  type TransformRequest,
  TransformStep,
  type TransformStepProps,
  type TuningRequest,
  TuningStep,
  type TuningStepProperties,
  type TuningStepProps,
} from "./steps/index.js";
export type { HyperParameterValue, Pipelined, PipelineVariable } from "./variable.js";
