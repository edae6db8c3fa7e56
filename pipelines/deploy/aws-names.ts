/**
 * Request constraints of the pipeline APIs (from botocore's SageMaker model), checked before any call so that
 * a bad value is a usage error (exit 2), not a ValidationException from AWS.
 */
import { createHash, randomUUID } from "node:crypto";
import { UsageError } from "../../core/index.js";

/** `PipelineDefinition` of CreatePipeline/UpdatePipeline: at most this many characters inline. */
export const MAX_INLINE_DEFINITION_LENGTH = 1_048_576;
/** `IdempotencyToken`: 32–128 characters. */
export const CLIENT_TOKEN_LENGTH = { min: 32, max: 128 } as const;
/** A pipeline parameter value (`String1024`). */
export const MAX_PARAMETER_VALUE_LENGTH = 1024;
/** `PipelineDescription`, `PipelineExecutionDescription`. */
export const MAX_DESCRIPTION_LENGTH = 3072;

const PIPELINE_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$/;
const PIPELINE_NAME_OR_ARN =
  /^(arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:([0-9]{12}|aws):pipeline\/.*)?([a-zA-Z0-9](-*[a-zA-Z0-9]){0,255})$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const EXECUTION_DISPLAY_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,81}$/;
const EXECUTION_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:pipeline\/.*\/execution\/.*$/;

function check(ok: boolean, message: string, hint?: string): void {
  if (!ok) throw new UsageError(message, hint ? { hint } : {});
}

/** Throws a UsageError unless `name` is a valid pipeline name (`createIfMissing`) or name/ARN. */
export function assertPipelineName(name: string, allowArn = false): string {
  check(
    name.length <= (allowArn ? 2048 : 256) && (allowArn ? PIPELINE_NAME_OR_ARN : PIPELINE_NAME).test(name),
    `Invalid pipeline name "${name}": 1–256 letters, digits and hyphens, starting and ending with a letter or digit.`,
  );
  return name;
}

/** Throws a UsageError unless `arn` is an IAM role ARN. */
export function assertRoleArn(arn: string): string {
  check(
    arn.length >= 20 && arn.length <= 2048 && ROLE_ARN.test(arn),
    `Invalid role ARN "${arn}".`,
    "Give the ARN of the pipeline's execution role, e.g. arn:aws:iam::111122223333:role/PipelineRole.",
  );
  return arn;
}

/** Throws a UsageError unless `arn` is a pipeline execution ARN. */
export function assertExecutionArn(arn: string): string {
  check(
    EXECUTION_ARN.test(arn),
    `Invalid pipeline execution ARN "${arn}".`,
    "It looks like arn:aws:sagemaker:<region>:<account>:pipeline/<name>/execution/<id>; `smcb pipeline start` prints it.",
  );
  return arn;
}

/** Throws a UsageError unless `name` is a valid execution display name. */
export function assertExecutionDisplayName(name: string): string {
  check(
    EXECUTION_DISPLAY_NAME.test(name),
    `Invalid execution display name "${name}": 1–82 letters, digits and hyphens.`,
  );
  return name;
}

/** Throws a UsageError unless `text` fits a description. */
export function assertDescription(text: string): string {
  check(
    text.length <= MAX_DESCRIPTION_LENGTH,
    `Description is ${text.length} characters; the limit is 3072.`,
  );
  return text;
}

/** A client request token: the one given (checked: 32–128 characters) or a fresh random one. */
export function clientToken(given?: string): string {
  if (given === undefined) return randomUUID();
  check(
    given.length >= CLIENT_TOKEN_LENGTH.min && given.length <= CLIENT_TOKEN_LENGTH.max,
    `Client request token must be 32–128 characters; got ${given.length}.`,
  );
  return given;
}

/** A deterministic token (64 hex characters) for requests that should be idempotent across re-runs. */
export function contentToken(...parts: readonly string[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p).update("\0");
  return h.digest("hex");
}

/** Whether an SDK error means "no such pipeline": ResourceNotFound on AWS, ValidationException on moto. */
export function isPipelineMissing(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  return name === "ResourceNotFound" || name === "ValidationException";
}
