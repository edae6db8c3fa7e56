/** Creates or updates a pipeline from a definition: tagged, inline or through S3 when over the inline limit. */
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import {
  AddTagsCommand,
  CreatePipelineCommand,
  DescribePipelineCommand,
  type PipelineDefinitionS3Location,
  type SageMakerClient,
  UpdatePipelineCommand,
} from "@aws-sdk/client-sagemaker";
import {
  assertTagSet,
  DEFAULT_TAG_KEY,
  FindingsError,
  type Tag,
  toAwsError,
  UsageError,
} from "../../core/index.js";
import { asDefinition, parseDefinition } from "../definition.js";
import { type LobTagPolicy, lintDefinition, lintReport } from "../lint/index.js";
import {
  assertDescription,
  assertPipelineName,
  assertRoleArn,
  contentToken,
  isPipelineMissing,
  MAX_INLINE_DEFINITION_LENGTH,
} from "./aws-names.js";

/** Options of {@link upsertPipeline}. */
export interface UpsertPipelineOptions {
  /** The pipeline's name. */
  readonly name: string;
  /** The definition (an object, or its JSON text). */
  readonly definition: unknown;
  /** The execution role the pipeline runs as. */
  readonly roleArn: string;
  /** Tags of the pipeline resource (they do not reach its jobs: the definition's step tags do). @default [] */
  readonly tags?: readonly Tag[];
  /** A description. */
  readonly description?: string;
  /** A display name. */
  readonly displayName?: string;
  /**
   * Where to upload the definition when it is over the inline limit (1,048,576 characters):
   * `s3://bucket/key.json`, or `s3://bucket/prefix/` (then `<prefix>/<name>.json`).
   * @default none: a definition over the limit is an error
   */
  readonly s3Uri?: string;
  /** The S3 client, needed only when the definition goes through S3. */
  readonly s3?: S3Client;
  /**
   * The tag policy every cost-bearing step must follow (its tag key, and the LOB allowlist for literal values).
   * @default `{ tagKey: "LineOfBusiness" }` (no allowlist)
   */
  readonly policy?: LobTagPolicy;
  /** Deploy even when cost-bearing steps lack the LOB tag. @default false: such a definition is refused */
  readonly allowUntagged?: boolean;
}

/** What {@link upsertPipeline} did. */
export interface UpsertPipelineResult {
  readonly action: "created" | "updated";
  readonly pipelineArn: string;
  /** `inline`, or the `s3://` URI the definition was uploaded to. */
  readonly definitionLocation: string;
  /** Length of the definition JSON, in UTF-8 bytes. */
  readonly definitionBytes: number;
}

function parseS3Uri(uri: string, name: string): { Bucket: string; ObjectKey: string } {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.*)$/.exec(uri);
  if (!m)
    throw new UsageError(`Invalid S3 URI "${uri}".`, {
      hint: "Use s3://bucket/key.json or s3://bucket/prefix/.",
    });
  const key = m[2] ?? "";
  return { Bucket: m[1] as string, ObjectKey: key === "" || key.endsWith("/") ? `${key}${name}.json` : key };
}

/**
 * Creates the pipeline, or updates it when it exists (a missing pipeline answers ResourceNotFound on AWS and
 * ValidationException on moto: both mean absent). The definition goes inline when it fits the API's limit
 * (1,048,576 characters, measured in UTF-8 bytes to be safe), else through S3 (`PipelineDefinitionS3Location`)
 * when `s3Uri` is given; otherwise a UsageError says so. On update, the tags are applied with AddTags. A definition
 * whose cost-bearing steps lack the LOB tag of `policy` is refused before any call, unless `allowUntagged`.
 *
 * @example
 * ```ts
 * await upsertPipeline(sagemaker, { name: "churn", definition: pipeline.definition(), roleArn, tags: [{ Key: "LineOfBusiness", Value: "platform" }] });
 * ```
 * @throws {@link core!FindingsError | FindingsError} (exit 1) when cost-bearing steps lack the LOB tag and `allowUntagged` is not set
 */
export async function upsertPipeline(
  sagemaker: SageMakerClient,
  options: UpsertPipelineOptions,
): Promise<UpsertPipelineResult> {
  const definition = checkedDefinition(options);
  const name = assertPipelineName(options.name);
  const roleArn = assertRoleArn(options.roleArn);
  const tags = [...assertTagSet(options.tags ?? [])];
  if (options.description !== undefined) assertDescription(options.description);
  if (options.displayName !== undefined) assertPipelineName(options.displayName);
  const body = JSON.stringify(definition);
  const bytes = Buffer.byteLength(body, "utf8");
  const location =
    bytes > MAX_INLINE_DEFINITION_LENGTH ? await uploadDefinition(options, name, body, bytes) : undefined;
  const definitionPart = location ? { PipelineDefinitionS3Location: location } : { PipelineDefinition: body };
  const common = {
    PipelineName: name,
    ...definitionPart,
    RoleArn: roleArn,
    ...(options.description !== undefined ? { PipelineDescription: options.description } : {}),
    ...(options.displayName !== undefined ? { PipelineDisplayName: options.displayName } : {}),
  };
  const done = {
    definitionLocation: location ? `s3://${location.Bucket}/${location.ObjectKey}` : "inline",
    definitionBytes: bytes,
  };
  let existingArn: string | undefined;
  try {
    existingArn = (await sagemaker.send(new DescribePipelineCommand({ PipelineName: name }))).PipelineArn;
  } catch (e) {
    if (!isPipelineMissing(e)) throw toAwsError("DescribePipeline", e);
  }
  if (existingArn === undefined) {
    try {
      const out = await sagemaker.send(
        new CreatePipelineCommand({
          ...common,
          ...(tags.length > 0 ? { Tags: tags } : {}),
          ClientRequestToken: contentToken(JSON.stringify({ ...common, Tags: tags })),
        }),
      );
      return { action: "created", pipelineArn: out.PipelineArn ?? "", ...done };
    } catch (e) {
      throw toAwsError("CreatePipeline", e);
    }
  }
  try {
    const out = await sagemaker.send(new UpdatePipelineCommand(common));
    const arn = out.PipelineArn ?? existingArn;
    if (tags.length > 0) await sagemaker.send(new AddTagsCommand({ ResourceArn: arn, Tags: tags }));
    return { action: "updated", pipelineArn: arn, ...done };
  } catch (e) {
    throw toAwsError("UpdatePipeline", e);
  }
}

/** The definition, parsed; refused (before any call) when cost-bearing steps lack the LOB tag, unless `allowUntagged`. */
function checkedDefinition(options: UpsertPipelineOptions): ReturnType<typeof asDefinition> {
  const definition =
    typeof options.definition === "string"
      ? parseDefinition(options.definition)
      : asDefinition(options.definition);
  if (!options.allowUntagged) {
    const lint = lintDefinition(definition, options.policy ?? { tagKey: DEFAULT_TAG_KEY });
    if (!lint.ok)
      throw new FindingsError(`Refusing to deploy: ${lintReport(lint)}`, {
        hint: "Tag the definition first (smcb pipeline tag), or pass --allow-untagged.",
      });
  }
  return definition;
}

/** Uploads a definition over the inline limit to `options.s3Uri`; a UsageError when no S3 location or client is given. */
async function uploadDefinition(
  options: UpsertPipelineOptions,
  name: string,
  body: string,
  bytes: number,
): Promise<PipelineDefinitionS3Location> {
  if (!options.s3Uri)
    throw new UsageError(
      `The definition is ${bytes} bytes: over the ${MAX_INLINE_DEFINITION_LENGTH}-character limit of an inline definition.`,
      { hint: "Pass --s3-uri s3://bucket/prefix/ to upload it and create the pipeline from S3." },
    );
  if (!options.s3) throw new UsageError("An S3 client is needed to upload the definition.");
  const target = parseS3Uri(options.s3Uri, name);
  try {
    const put = await options.s3.send(
      new PutObjectCommand({
        Bucket: target.Bucket,
        Key: target.ObjectKey,
        Body: body,
        ContentType: "application/json",
      }),
    );
    return { ...target, ...(put.VersionId ? { VersionId: put.VersionId } : {}) };
  } catch (e) {
    throw toAwsError("PutObject (pipeline definition)", e);
  }
}
