/**
 * Listing the audited resources (every list paginated) and reading their tags. Bedrock application inference
 * profiles are listed and their tags read by `inference/bedrock`, the same code `smcb profiles list` uses.
 */
import type { BedrockClient } from "@aws-sdk/client-bedrock";
import {
  paginateListEndpointConfigs,
  paginateListEndpoints,
  paginateListHyperParameterTuningJobs,
  paginateListInferenceComponents,
  paginateListModels,
  paginateListPipelines,
  paginateListProcessingJobs,
  paginateListTags,
  paginateListTrainingJobs,
  paginateListTransformJobs,
  type SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import type { Tag } from "../core/index.js";
import { toAwsError } from "../core/index.js";
import { listApplicationProfileSummaries, readProfileTags } from "../inference/index.js";
import type { AuditResourceType, ListedResource } from "./types.js";

/** The clients the audit reads (and, with `fix`, writes) through. */
export interface AuditClients {
  /** SageMaker control plane. */
  readonly sagemaker: SageMakerClient;
  /** Bedrock control plane (application inference profiles). */
  readonly bedrock: BedrockClient;
}

/** Items per page asked of every list call. */
const PAGE_SIZE = 100;

interface Lister {
  /** The API action, named in errors. */
  readonly action: string;
  readonly list: (clients: AuditClients, since: Date) => Promise<ListedResource[]>;
}

/** A listed item's name, ARN and creation time. */
type Fields<I> = (
  item: I,
) => [name: string | undefined, arn: string | undefined, createdAt: Date | undefined];

/** The items that have a name and an ARN, as listed resources of `type`. */
function toListed<I>(type: AuditResourceType, items: readonly I[], fields: Fields<I>): ListedResource[] {
  return items.flatMap((item) => {
    const [name, arn, createdAt] = fields(item);
    return name && arn ? [{ type, name, arn, ...(createdAt ? { createdAt } : {}) }] : [];
  });
}

async function drain<P, I>(
  type: AuditResourceType,
  pages: AsyncIterable<P>,
  items: (page: P) => readonly I[] | undefined,
  fields: Fields<I>,
): Promise<ListedResource[]> {
  const out: ListedResource[] = [];
  for await (const page of pages) out.push(...toListed(type, items(page) ?? [], fields));
  return out;
}

/** How each resource type is listed. Jobs are limited to those created at or after `since`. */
export const LISTERS: Readonly<Record<AuditResourceType, Lister>> = {
  "training-job": {
    action: "ListTrainingJobs",
    list: ({ sagemaker }, since) =>
      drain(
        "training-job",
        paginateListTrainingJobs({ client: sagemaker, pageSize: PAGE_SIZE }, { CreationTimeAfter: since }),
        (p) => p.TrainingJobSummaries,
        (s) => [s.TrainingJobName, s.TrainingJobArn, s.CreationTime],
      ),
  },
  "processing-job": {
    action: "ListProcessingJobs",
    list: ({ sagemaker }, since) =>
      drain(
        "processing-job",
        paginateListProcessingJobs({ client: sagemaker, pageSize: PAGE_SIZE }, { CreationTimeAfter: since }),
        (p) => p.ProcessingJobSummaries,
        (s) => [s.ProcessingJobName, s.ProcessingJobArn, s.CreationTime],
      ),
  },
  "tuning-job": {
    action: "ListHyperParameterTuningJobs",
    list: ({ sagemaker }, since) =>
      drain(
        "tuning-job",
        paginateListHyperParameterTuningJobs(
          { client: sagemaker, pageSize: PAGE_SIZE },
          { CreationTimeAfter: since },
        ),
        (p) => p.HyperParameterTuningJobSummaries,
        (s) => [s.HyperParameterTuningJobName, s.HyperParameterTuningJobArn, s.CreationTime],
      ),
  },
  "transform-job": {
    action: "ListTransformJobs",
    list: ({ sagemaker }, since) =>
      drain(
        "transform-job",
        paginateListTransformJobs({ client: sagemaker, pageSize: PAGE_SIZE }, { CreationTimeAfter: since }),
        (p) => p.TransformJobSummaries,
        (s) => [s.TransformJobName, s.TransformJobArn, s.CreationTime],
      ),
  },
  model: {
    action: "ListModels",
    list: ({ sagemaker }) =>
      drain(
        "model",
        paginateListModels({ client: sagemaker, pageSize: PAGE_SIZE }, {}),
        (p) => p.Models,
        (s) => [s.ModelName, s.ModelArn, s.CreationTime],
      ),
  },
  "endpoint-config": {
    action: "ListEndpointConfigs",
    list: ({ sagemaker }) =>
      drain(
        "endpoint-config",
        paginateListEndpointConfigs({ client: sagemaker, pageSize: PAGE_SIZE }, {}),
        (p) => p.EndpointConfigs,
        (s) => [s.EndpointConfigName, s.EndpointConfigArn, s.CreationTime],
      ),
  },
  endpoint: {
    action: "ListEndpoints",
    list: ({ sagemaker }) =>
      drain(
        "endpoint",
        paginateListEndpoints({ client: sagemaker, pageSize: PAGE_SIZE }, {}),
        (p) => p.Endpoints,
        (s) => [s.EndpointName, s.EndpointArn, s.CreationTime],
      ),
  },
  "inference-component": {
    action: "ListInferenceComponents",
    list: ({ sagemaker }) =>
      drain(
        "inference-component",
        paginateListInferenceComponents({ client: sagemaker, pageSize: PAGE_SIZE }, {}),
        (p) => p.InferenceComponents,
        (s) => [s.InferenceComponentName, s.InferenceComponentArn, s.CreationTime],
      ),
  },
  pipeline: {
    action: "ListPipelines",
    list: ({ sagemaker }) =>
      drain(
        "pipeline",
        paginateListPipelines({ client: sagemaker, pageSize: PAGE_SIZE }, {}),
        (p) => p.PipelineSummaries,
        (s) => [s.PipelineName, s.PipelineArn, s.CreationTime],
      ),
  },
  "bedrock-profile": {
    action: "ListInferenceProfiles",
    list: async ({ bedrock }) =>
      toListed("bedrock-profile", await listApplicationProfileSummaries(bedrock, PAGE_SIZE), (s) => [
        s.inferenceProfileName,
        s.inferenceProfileArn,
        s.createdAt,
      ]),
  },
};

/**
 * Reads every tag of a resource: SageMaker `ListTags` (paginated), or Bedrock `ListTagsForResource`.
 * Throws an {@link core!AwsError | AwsError} naming the action and the resource (`ListTags <arn> failed: …`).
 */
export async function readTags(clients: AuditClients, resource: ListedResource): Promise<Tag[]> {
  if (resource.type === "bedrock-profile") return readProfileTags(clients.bedrock, resource.arn);
  const tags: Tag[] = [];
  try {
    for await (const page of paginateListTags(
      { client: clients.sagemaker, pageSize: PAGE_SIZE },
      { ResourceArn: resource.arn },
    ))
      for (const t of page.Tags ?? []) tags.push({ Key: t.Key ?? "", Value: t.Value ?? "" });
  } catch (e) {
    throw toAwsError(`ListTags ${resource.arn}`, e);
  }
  return tags;
}
