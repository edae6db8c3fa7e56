/**
 * `TaggedPipeline`: deploys a built pipeline as `AWS::SageMaker::Pipeline`, with a least-privilege execution
 * role (or the role you give) and the pipeline resource's tags. The LOB tag of each job comes from the
 * definition (`Parameters.<tagKey>`); the generated role can refuse to create a job without a valid LOB tag.
 */
import { Aws, Stack, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as sagemaker from "aws-cdk-lib/aws-sagemaker";
import { Construct } from "constructs";
import { assertLob, assertTagSet, mergeTags, type Tag, type TagPolicy } from "../core/index.js";
import type { PipelineLike } from "../pipelines/index.js";
import {
  isJsonObject,
  type JsonValue,
  lintDefinition,
  type PipelineDefinition,
  walkSteps,
} from "../pipelines/index.js";
import { checkedBy, invalidProps } from "./construct-errors.js";

/** The longest definition this construct puts inline in the template (CloudFormation's template body limit is 1 MB). */
export const MAX_TEMPLATE_DEFINITION_BYTES = 900_000;

/** Props of a {@link TaggedPipeline}. */
export interface TaggedPipelineProps {
  /** The pipeline (built with the builder) or a definition object. */
  readonly pipeline: PipelineLike | PipelineDefinition;
  /** The pipeline's name. @default the built pipeline's `name` (required for a bare definition) */
  readonly pipelineName?: string;
  /** The execution role. @default a least-privilege role derived from the definition's steps */
  readonly role?: iam.IRole;
  /**
   * The tag policy: checks that every cost-bearing step carries the LOB tag (construction fails otherwise), that
   * `ownerLob` is allowed, and makes the generated role refuse job creation without a valid LOB tag.
   * @default no LOB checks
   */
  readonly tagPolicy?: TagPolicy;
  /** The LOB owning the pipeline resource: tags it `<tagKey>=<ownerLob>`. Needs `tagPolicy`. */
  readonly ownerLob?: string;
  /** More tags of the pipeline resource. @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /** The roles the jobs run as, when the definition names them through parameters. @default the role ARNs written in the definition */
  readonly passRoleArns?: readonly string[];
  /** Buckets the pipeline reads property files from (`PropertyFiles`). @default none */
  readonly propertyFileBuckets?: readonly string[];
  /** A description. */
  readonly description?: string;
  /** A display name. */
  readonly displayName?: string;
}

interface StepPermissions {
  readonly resource: string;
  readonly actions: readonly string[];
  /** Whether the step creates a billed job whose tags the role checks. */
  readonly costBearing: boolean;
}

const PROCESSING: StepPermissions = {
  resource: "processing-job",
  actions: ["CreateProcessingJob", "DescribeProcessingJob", "StopProcessingJob"],
  costBearing: true,
};

/** The SageMaker permissions per step type; the check steps run processing jobs. */
const STEP_PERMISSIONS: Readonly<Record<string, StepPermissions>> = {
  Processing: PROCESSING,
  QualityCheck: PROCESSING,
  ClarifyCheck: PROCESSING,
  AutoML: {
    resource: "automl-job",
    actions: ["CreateAutoMLJob", "DescribeAutoMLJob", "StopAutoMLJob"],
    costBearing: true,
  },
  Training: {
    resource: "training-job",
    actions: ["CreateTrainingJob", "DescribeTrainingJob", "StopTrainingJob"],
    costBearing: true,
  },
  Tuning: {
    resource: "hyper-parameter-tuning-job",
    actions: [
      "CreateHyperParameterTuningJob",
      "DescribeHyperParameterTuningJob",
      "StopHyperParameterTuningJob",
      "ListTrainingJobsForHyperParameterTuningJob",
    ],
    costBearing: true,
  },
  Transform: {
    resource: "transform-job",
    actions: ["CreateTransformJob", "DescribeTransformJob", "StopTransformJob"],
    costBearing: true,
  },
  Model: { resource: "model", actions: ["CreateModel", "DescribeModel"], costBearing: false },
  RegisterModel: {
    resource: "model-package",
    actions: ["CreateModelPackage", "DescribeModelPackage"],
    costBearing: false,
  },
};
const NO_PERMISSIONS = new Set(["Condition", "Fail"]);
/** Step types whose permissions are on another service's resource named by a literal member of the step. */
const NON_SAGEMAKER_STEPS: Readonly<
  Record<string, { member: string; action: string; arn: (v: string) => string }>
> = {
  Lambda: { member: "FunctionArn", action: "lambda:InvokeFunction", arn: (v) => v },
  Callback: { member: "SqsQueueUrl", action: "sqs:SendMessage", arn: queueArnOfUrl },
};

/** `https://sqs.<region>.amazonaws.com/<account>/<name>` → `arn:aws:sqs:<region>:<account>:<name>`. */
function queueArnOfUrl(url: string): string {
  const m = /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/(\d{12})\/([\w-]+(?:\.fifo)?)$/.exec(url);
  if (!m) invalidProps(undefined, `TaggedPipeline: ${url} is not an SQS queue URL.`);
  const partition = url.includes(".amazonaws.com.cn/") ? "aws-cn" : "aws";
  return `arn:${partition}:sqs:${m[1]}:${m[2]}:${m[3]}`;
}
const EXPERIMENT_RESOURCES = ["experiment", "experiment-trial", "experiment-trial-component"];
const EXPERIMENT_ACTIONS = [
  "CreateExperiment",
  "DescribeExperiment",
  "CreateTrial",
  "DescribeTrial",
  "CreateTrialComponent",
  "AssociateTrialComponent",
];

function isPipelineLike(p: PipelineLike | PipelineDefinition): p is PipelineLike {
  return typeof (p as PipelineLike).definition === "function";
}

function roleArnsIn(value: JsonValue, out: Set<string>, expressions: string[], at = ""): void {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) roleArnsIn(v, out, expressions, `${at}[${i}]`);
  } else if (isJsonObject(value))
    for (const [k, v] of Object.entries(value)) {
      if ((k === "RoleArn" || k === "ExecutionRoleArn") && v !== undefined) {
        if (typeof v === "string") out.add(v);
        else expressions.push(`${at}.${k}`);
      } else if (k !== "IfSteps" && k !== "ElseSteps") roleArnsIn(v, out, expressions, `${at}.${k}`);
    }
}

/** The ARN pattern of every SageMaker resource of a type in this account and region. */
const sageMakerArn = (resource: string) =>
  `arn:${Aws.PARTITION}:sagemaker:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resource}/*`;

/** A step of the definition, as `walkSteps` gives it. */
type WalkedStep = ReturnType<typeof walkSteps> extends Iterable<infer S> ? S : never;

/**
 * A SageMaker pipeline deployed with CloudFormation.
 *
 * @example
 * ```ts
 * new TaggedPipeline(stack, "Churn", {
 *   pipeline,                                     // from pipelines/examples/churn.ts
 *   tagPolicy: { tagKey: "LineOfBusiness", lobs: ["retail", "wealth"] },
 *   ownerLob: "platform",
 * });
 * ```
 */
export class TaggedPipeline extends Construct {
  /** The CloudFormation pipeline. */
  readonly resource: sagemaker.CfnPipeline;
  /** The execution role (generated or given). */
  readonly role: iam.IRole;
  /** The pipeline's name. */
  readonly pipelineName: string;
  /** The definition deployed. */
  readonly definition: PipelineDefinition;

  constructor(scope: Construct, id: string, props: TaggedPipelineProps) {
    super(scope, id);
    const built = isPipelineLike(props.pipeline);
    const definition = built
      ? (props.pipeline as PipelineLike).definition()
      : (props.pipeline as PipelineDefinition);
    const name = props.pipelineName ?? (built ? (props.pipeline as PipelineLike).name : undefined);
    if (!name) invalidProps(this, "TaggedPipeline: give pipelineName for a bare definition.");
    this.pipelineName = name;
    this.definition = definition;
    const policy = props.tagPolicy;
    if (policy) {
      const lint = lintDefinition(definition, policy);
      if (!lint.ok)
        invalidProps(
          this,
          `TaggedPipeline ${name}: cost-bearing steps lack the ${policy.tagKey} tag: ${lint.findings.map((f) => `${f.step} (${f.message})`).join("; ")}`,
          "Build the pipeline with tagPolicy, or tag its definition (smcb pipeline tag).",
        );
    }
    const owner: Tag[] = [];
    if (props.ownerLob !== undefined) {
      if (!policy) invalidProps(this, "TaggedPipeline: ownerLob needs tagPolicy.");
      owner.push({
        Key: policy.tagKey,
        Value: checkedBy(this, () => assertLob(policy, props.ownerLob as string)),
      });
    }
    const extra = Object.entries(props.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
    const tags = mergeTags(extra, owner);
    checkedBy(this, () => assertTagSet(tags));

    this.role = props.role ?? this.makeRole(definition, props);
    const body = Stack.of(this).toJsonString(definition);
    if (Buffer.byteLength(JSON.stringify(definition)) > MAX_TEMPLATE_DEFINITION_BYTES)
      invalidProps(
        this,
        `TaggedPipeline ${name}: the definition is too large to inline in a CloudFormation template.`,
        "Deploy it with `smcb pipeline upsert --s3-uri …` instead.",
      );
    this.resource = new sagemaker.CfnPipeline(this, "Resource", {
      pipelineName: name,
      roleArn: this.role.roleArn,
      pipelineDefinition: { PipelineDefinitionBody: body },
      ...(props.description !== undefined ? { pipelineDescription: props.description } : {}),
      ...(props.displayName !== undefined ? { pipelineDisplayName: props.displayName } : {}),
      ...(tags.length > 0 ? { tags: tags.map((t) => ({ key: t.Key, value: t.Value })) } : {}),
    });
  }

  /** The pipeline's execution role, with what its steps need (see {@link TaggedPipelineProps.role}). */
  private makeRole(definition: PipelineDefinition, props: TaggedPipelineProps): iam.Role {
    const role = new iam.Role(this, "Role", {
      assumedBy: new iam.ServicePrincipal("sagemaker.amazonaws.com"),
      description: `Execution role of SageMaker pipeline ${this.pipelineName}`,
    });
    const steps = [...walkSteps(definition.Steps as unknown as JsonValue[])];
    const acknowledged = this.grantSteps(role, steps, props.tagPolicy);
    if (definition.PipelineExperimentConfig) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: EXPERIMENT_ACTIONS.map((a) => `sagemaker:${a}`),
          resources: EXPERIMENT_RESOURCES.map(sageMakerArn),
        }),
      );
      acknowledged.push(...EXPERIMENT_RESOURCES.map((r) => `${r}/*`));
    }
    this.grantPassRoles(role, steps, props);
    const buckets = this.grantPropertyFiles(role, steps, props);
    const policy = props.tagPolicy;
    for (const r of acknowledged)
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:<AWS::Region>:<AWS::AccountId>:${r}]`,
        reason: `SageMaker Pipelines names each ${r.replace("/*", "")} per execution, so its ARN is unknown at deploy time; scoped to this account, region and resource type${policy ? `, and creation requires a valid ${policy.tagKey} tag` : ""}.`,
      });
    for (const b of buckets)
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${b}/*]`,
        reason: `Property files are written under per-execution prefixes of ${b}; read-only (s3:GetObject) on that bucket.`,
      });
    return role;
  }

  /**
   * What each step type needs: the actions of non-SageMaker steps on their named resources, and per SageMaker job
   * type its create (with `AddTags`, tag-conditioned for cost-bearing jobs under a tag policy) and its other actions.
   * Returns the resource patterns granted with a wildcard (for their cdk-nag acknowledgement).
   */
  private grantSteps(
    role: iam.Role,
    steps: readonly WalkedStep[],
    policy: TaggedPipelineProps["tagPolicy"],
  ): string[] {
    const granted = new Set<StepPermissions>();
    const other = new Map<string, Set<string>>();
    for (const { type, step, path } of steps) {
      if (NO_PERMISSIONS.has(type)) continue;
      const o = NON_SAGEMAKER_STEPS[type];
      const p = STEP_PERMISSIONS[type];
      const unsupported: (why: string) => never = (why) =>
        invalidProps(
          this,
          `TaggedPipeline ${this.pipelineName}: ${why}.`,
          "Pass the execution role yourself (role).",
        );
      if (o) {
        const v = step[o.member];
        if (typeof v !== "string") unsupported(`${path}.${o.member} is an expression`);
        other.set(o.action, (other.get(o.action) ?? new Set()).add(o.arn(v)));
      } else if (!p) unsupported(`no generated permissions for ${type} steps`);
      else if (step.ModelPackageGroupName !== undefined)
        unsupported(
          `${path} reads its baselines from a model package group, whose permissions are not generated`,
        );
      else granted.add(p);
    }
    for (const [action, arns] of [...other].sort(([a], [b]) => a.localeCompare(b)))
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [action], resources: [...arns].sort() }));
    const acknowledged: string[] = [];
    for (const p of [...granted].sort((a, b) => a.resource.localeCompare(b.resource))) {
      const resource = sageMakerArn(p.resource);
      acknowledged.push(`${p.resource}/*`);
      const [create, ...rest] = p.actions;
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: [`sagemaker:${create}`, "sagemaker:AddTags"],
          resources: [resource],
          ...(policy && p.costBearing
            ? { conditions: { StringEquals: { [`aws:RequestTag/${policy.tagKey}`]: [...policy.lobs] } } }
            : {}),
        }),
      );
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: rest.map((a) => `sagemaker:${a}`), resources: [resource] }),
      );
    }
    return acknowledged;
  }

  /** `iam:PassRole` (to SageMaker only) on the roles the jobs run as: literal ones, or `passRoleArns`. */
  private grantPassRoles(role: iam.Role, steps: readonly WalkedStep[], props: TaggedPipelineProps): void {
    const passRoles = new Set<string>(props.passRoleArns ?? []);
    const expressions: string[] = [];
    for (const s of steps) roleArnsIn(s.step, passRoles, expressions, s.path);
    if (expressions.length > 0 && !props.passRoleArns)
      invalidProps(
        this,
        `TaggedPipeline ${this.pipelineName}: job roles come from expressions (${expressions.join(", ")}).`,
        "List the roles the jobs may run as in passRoleArns.",
      );
    if (passRoles.size > 0)
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ["iam:PassRole"],
          resources: [...passRoles].sort(),
          conditions: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
        }),
      );
  }

  /** `s3:GetObject` on the buckets property files are written to (required when the definition reads some). */
  private grantPropertyFiles(
    role: iam.Role,
    steps: readonly WalkedStep[],
    props: TaggedPipelineProps,
  ): string[] {
    const buckets = props.propertyFileBuckets ?? [];
    if (steps.some((s) => Array.isArray(s.step.PropertyFiles)) && buckets.length === 0)
      invalidProps(
        this,
        `TaggedPipeline ${this.pipelineName}: the definition reads property files.`,
        "Name the buckets they are written to in propertyFileBuckets.",
      );
    if (buckets.length > 0)
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ["s3:GetObject"],
          resources: buckets.map((b) => `arn:${Aws.PARTITION}:s3:::${b}/*`),
        }),
      );
    return [...buckets];
  }
}
