/**
 * Pipeline steps: one class per SageMaker pipeline step type; job steps carry the LOB tag.
 * @module
 */
export {
  type AutoMLRequest,
  AutoMLStep,
  type AutoMLStepProperties,
  type AutoMLStepProps,
} from "./automl-step.js";
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
  EMRStep,
  type EMRStepProperties,
  type EMRStepProps,
  type EmrClusterConfig,
  type HadoopJarStep,
} from "./emr-step.js";
export { FailStep, type FailStepProps } from "./fail-step.js";
export { LambdaStep, type LambdaStepProps } from "./lambda-step.js";
export { type ModelRequest, ModelStep, type ModelStepProps } from "./model-step.js";
export {
  type OutputParameter,
  OutputParameterStep,
  type OutputParameterStepProps,
  type OutputParameterType,
  type StepInput,
} from "./output-parameter-step.js";
export { type ProcessingRequest, ProcessingStep, type ProcessingStepProps } from "./processing-step.js";
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
  type CacheConfig,
  type CachedStepOptions,
  type JobStepOptions,
  type RetryExceptionType,
  type RetryPolicy,
  Step,
  type StepOptions,
  type StepType,
} from "./step.js";
export { type TrainingRequest, TrainingStep, type TrainingStepProps } from "./training-step.js";
export { type TransformRequest, TransformStep, type TransformStepProps } from "./transform-step.js";
export {
  type TuningRequest,
  TuningStep,
  type TuningStepProperties,
  type TuningStepProps,
} from "./tuning-step.js";
