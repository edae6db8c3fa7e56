/**
 * The vocabulary of the tag audit: resource types, audited resources, coverage and fixes.
 */

/**
 * Every resource type the audit covers, in report order. Jobs are limited to those created since a point in time;
 * the other types are audited whatever their age.
 */
export const AUDIT_RESOURCE_TYPES = [
  "training-job",
  "processing-job",
  "tuning-job",
  "transform-job",
  "model",
  "endpoint-config",
  "endpoint",
  "inference-component",
  "pipeline",
  "bedrock-profile",
] as const;

/** One of {@link AUDIT_RESOURCE_TYPES}. */
export type AuditResourceType = (typeof AUDIT_RESOURCE_TYPES)[number];

/** The job types: limited by creation time, and the only ones `fix` can tag. */
export const JOB_RESOURCE_TYPES: readonly AuditResourceType[] = [
  "training-job",
  "processing-job",
  "tuning-job",
  "transform-job",
];

/** The system tag SageMaker Pipelines puts on the jobs an execution starts. */
export const PIPELINE_EXECUTION_TAG_KEY = "sagemaker:pipeline-execution-arn";

/** A resource found by listing, before its tags are read. */
export interface ListedResource {
  readonly type: AuditResourceType;
  readonly name: string;
  readonly arn: string;
  /** When it was created, when the list says. */
  readonly createdAt?: Date | undefined;
}

/** The state of a resource's LOB tag. */
export type LobTagStatus = "present" | "missing" | "invalid";

/** Where a missing LOB can be taken from: the execution parameter of the pipeline that started the job. */
export interface LobDerivation {
  /** The pipeline execution named by the job's `sagemaker:pipeline-execution-arn` tag. */
  readonly pipelineExecutionArn: string;
  /** The LOB derived, when it is a valid one. */
  readonly lob?: string | undefined;
  /** Why no LOB can be derived, when none can. */
  readonly reason?: string | undefined;
}

/** One audited resource. */
export interface AuditedResource extends ListedResource {
  /** The LOB tag's state after any fix. */
  readonly status: LobTagStatus;
  /** The LOB tag's value, when there is one. */
  readonly value?: string | undefined;
  /** Why the tag is invalid. */
  readonly reason?: string | undefined;
  /** For a job without a LOB tag started by a pipeline: what its execution says. */
  readonly derivation?: LobDerivation | undefined;
  /** Whether this run added the LOB tag. */
  readonly fixed?: boolean | undefined;
}

/** One tag added by `fix`. */
export interface TagChange {
  readonly type: AuditResourceType;
  readonly name: string;
  readonly arn: string;
  readonly key: string;
  readonly value: string;
  /** The pipeline execution the value was taken from. */
  readonly pipelineExecutionArn: string;
}

/** Counts of one resource type, or of all. */
export interface Coverage {
  readonly total: number;
  readonly present: number;
  readonly missing: number;
  readonly invalid: number;
  /** `present / total × 100`, rounded to one decimal; `null` when there is nothing to cover. */
  readonly percent: number | null;
}

/** The result of an audit. */
export interface AuditReport {
  /** The LOB tag key audited. */
  readonly tagKey: string;
  /** Jobs created at or after this instant were audited. */
  readonly since: string;
  /** The resource types audited. */
  readonly types: readonly AuditResourceType[];
  /** Whether missing tags were added where derivable. */
  readonly fix: boolean;
  /** Coverage per type (every audited type, in {@link AUDIT_RESOURCE_TYPES} order) and overall. */
  readonly coverage: {
    readonly overall: Coverage;
    readonly byType: ReadonlyArray<Coverage & { readonly type: AuditResourceType }>;
  };
  /** Every resource, by type then name. */
  readonly resources: readonly AuditedResource[];
  /** The tags added by this run (empty without `fix`). */
  readonly changes: readonly TagChange[];
}
