/**
 * Pipelines: a builder for SageMaker pipeline definitions whose job steps carry the LOB tag chosen per
 * execution, lint and retro-tagging of definitions made by other tools, upsert and start with a validated LOB.
 * @module
 */

export {
  type AutoMLRequest,
  AutoMLStep,
  type AutoMLStepProperties,
  type AutoMLStepProps,
} from "./automl-step.js";
export { MAX_INLINE_DEFINITION_LENGTH } from "./aws-names.js";
export { CallbackStep, type CallbackStepProps } from "./callback-step.js";
export { CheckStep, type CheckStepProps } from "./check-step.js";
export {
  ClarifyCheckStep,
  type ClarifyCheckStepProperties,
  type ClarifyCheckStepProps,
  type ClarifyCheckType,
} from "./clarify-check-step.js";
export { ConditionStep, type ConditionStepProps } from "./condition-step.js";
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
  asDefinition,
  COST_BEARING_STEP_TYPES,
  DEFINITION_VERSION,
  type DefinitionParameter,
  type DefinitionStep,
  type JsonObject,
  type JsonValue,
  type LocatedStep,
  type PipelineDefinition,
  parseDefinition,
  walkSteps,
} from "./definition.js";
export {
  EMRStep,
  type EMRStepProperties,
  type EMRStepProps,
  type EmrClusterConfig,
  type HadoopJarStep,
} from "./emr-step.js";
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
export { FailStep, type FailStepProps } from "./fail-step.js";
export { LambdaStep, type LambdaStepProps } from "./lambda-step.js";
export {
  type LintFinding,
  type LintProblem,
  type LintResult,
  type LobTagPolicy,
  lintDefinition,
} from "./lint.js";
export { loadPipelineModule, type PipelineLike } from "./load-module.js";
export { type ModelRequest, ModelStep, type ModelStepProps } from "./model-step.js";
export {
  type OutputParameter,
  OutputParameterStep,
  type OutputParameterStepProps,
  type OutputParameterType,
  type StepInput,
} from "./output-parameter-step.js";
export { Parameter } from "./parameter.js";
export { ParameterBoolean } from "./parameter-boolean.js";
export { ParameterFloat } from "./parameter-float.js";
export { ParameterInteger } from "./parameter-integer.js";
export { ParameterString, type ParameterStringOptions } from "./parameter-string.js";
export { PIPELINE_NAME_PATTERN, Pipeline, type PipelineProps, type StepTag } from "./pipeline.js";
export { type ProcessingRequest, ProcessingStep, type ProcessingStepProps } from "./processing-step.js";
export { type PropertyList, type PropertyTree, stepProperties } from "./properties.js";
export {
  QualityCheckStep,
  type QualityCheckStepProperties,
  type QualityCheckStepProps,
  type QualityCheckType,
} from "./quality-check-step.js";
export {
  type RegisterModelRequest,
  RegisterModelStep,
  type RegisterModelStepProps,
} from "./register-model-step.js";
export { RequestStep, type RequestStepProps } from "./request-step.js";
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
export {
  type CacheConfig,
  type CachedStepOptions,
  type JobStepOptions,
  type RetryExceptionType,
  type RetryPolicy,
  Step,
  type StepOptions,
  type StepType,
} from "./step.js";
export { type TagChange, type TagResult, tagDefinition } from "./tag.js";
export { type TrainingRequest, TrainingStep, type TrainingStepProps } from "./training-step.js";
export { type TransformRequest, TransformStep, type TransformStepProps } from "./transform-step.js";
export {
  type TuningRequest,
  TuningStep,
  type TuningStepProperties,
  type TuningStepProps,
} from "./tuning-step.js";
export { type UpsertPipelineOptions, type UpsertPipelineResult, upsertPipeline } from "./upsert.js";
export {
  type HyperParameterValue,
  isPipelineVariable,
  type Pipelined,
  type PipelineVariable,
} from "./variable.js";
