/** The base of pipeline steps: name, type, arguments, dependencies, caching and retries. */
import type { DefinitionStep, JsonObject } from "../definition.js";
import { PipelineBuildError } from "../errors.js";

/** The step types the builder makes. */
export type StepType =
  | "Processing"
  | "Training"
  | "Tuning"
  | "Transform"
  | "Model"
  | "RegisterModel"
  | "Condition"
  | "Fail"
  | "AutoML"
  | "QualityCheck"
  | "ClarifyCheck"
  | "Lambda"
  | "Callback"
  | "EMR";

/** Failures a retry policy reacts to (`Step.*` for any step, `SageMaker.*` for job steps). */
export type RetryExceptionType =
  | "Step.SERVICE_FAULT"
  | "Step.THROTTLING"
  | "SageMaker.JOB_INTERNAL_ERROR"
  | "SageMaker.CAPACITY_ERROR"
  | "SageMaker.RESOURCE_LIMIT";

/** A retry policy of a job step (`RetryPolicies[]`). */
export interface RetryPolicy {
  /** The failures to retry on. */
  readonly exceptionTypes: readonly RetryExceptionType[];
  /** Seconds before the first retry. @default 1 */
  readonly intervalSeconds?: number;
  /** Multiplier of the interval between retries. @default 2.0 */
  readonly backoffRate?: number;
  /** Most attempts (1–20). */
  readonly maxAttempts?: number;
  /** Minutes after which to stop retrying. */
  readonly expireAfterMinutes?: number;
}

/** Step caching (`CacheConfig`). */
export interface CacheConfig {
  /** @default true */
  readonly enabled?: boolean;
  /** ISO-8601 duration a cached result stays valid, e.g. `"P30d"`, `"PT1H"`. */
  readonly expireAfter?: string;
}

/** Options every step takes. */
export interface StepOptions {
  /** Steps that must finish first (the steps or their names). */
  readonly dependsOn?: readonly (Step | string)[];
  /** A display name. */
  readonly displayName?: string;
  /** A description. */
  readonly description?: string;
}

/** Options of steps SageMaker can cache but not retry (QualityCheck, ClarifyCheck, EMR). */
export interface CachedStepOptions extends StepOptions {
  /** Reuse a previous successful run with the same arguments. */
  readonly cacheConfig?: CacheConfig;
}

/** Options of steps that run a SageMaker job or call (Processing, Training, Tuning, Transform, AutoML, Model…). */
export interface JobStepOptions extends CachedStepOptions {
  /** Retries on the listed failures. */
  readonly retryPolicies?: readonly RetryPolicy[];
}

/** The longest step name SageMaker accepts. */
export const MAX_STEP_NAME_LENGTH = 64;
const STEP_NAME = /^[A-Za-z0-9\-_]+$/;

/** A pipeline step. Subclasses render their `Arguments`. */
export abstract class Step {
  /** The step's type in the definition. */
  abstract readonly type: StepType;

  protected constructor(
    /** The step's name, unique in the pipeline (letters, digits, `-`, `_`; at most 64). */
    readonly name: string,
    private readonly options: JobStepOptions,
  ) {
    if (!STEP_NAME.test(name) || name.length > MAX_STEP_NAME_LENGTH)
      throw new PipelineBuildError("invalid", [
        `step name "${name}" must be 1–${MAX_STEP_NAME_LENGTH} letters, digits, "-" or "_"`,
      ]);
  }

  /** The step's `Arguments`. */
  protected abstract renderArguments(): JsonObject;

  /** Members a step type adds after the common ones (e.g. `PropertyFiles`). */
  protected renderExtra(): JsonObject {
    return {};
  }

  /** Steps nested in this one (a Condition's branches). */
  children(): readonly Step[] {
    return [];
  }

  /** The step as it appears in the definition. */
  toRequest(): DefinitionStep {
    const o = this.options;
    const out: Record<string, unknown> = {
      Name: this.name,
      Type: this.type,
      Arguments: this.renderArguments(),
    };
    if (o.dependsOn && o.dependsOn.length > 0)
      out.DependsOn = o.dependsOn.map((d) => (typeof d === "string" ? d : d.name));
    if (o.displayName) out.DisplayName = o.displayName;
    if (o.description) out.Description = o.description;
    if (o.retryPolicies && o.retryPolicies.length > 0)
      out.RetryPolicies = o.retryPolicies.map((r) => ({
        BackoffRate: r.backoffRate ?? 2.0,
        IntervalSeconds: r.intervalSeconds ?? 1,
        ...(r.maxAttempts === undefined ? {} : { MaxAttempts: r.maxAttempts }),
        ...(r.expireAfterMinutes === undefined ? {} : { ExpireAfterMin: r.expireAfterMinutes }),
        ExceptionType: [...r.exceptionTypes],
      }));
    if (o.cacheConfig)
      out.CacheConfig = {
        Enabled: o.cacheConfig.enabled ?? true,
        ...(o.cacheConfig.expireAfter ? { ExpireAfter: o.cacheConfig.expireAfter } : {}),
      };
    return { ...out, ...this.renderExtra() } as unknown as DefinitionStep;
  }
}
