/**
 * CDK constructs of sagemaker-chargeback.
 * @module
 */
export { MAX_TEMPLATE_DEFINITION_BYTES, TaggedPipeline, type TaggedPipelineProps } from "./pipeline.js";
