/**
 * Deriving a job's missing LOB from the pipeline execution that started it, and adding the tag.
 */
import {
  AddTagsCommand,
  paginateListPipelineParametersForExecution,
  type SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { lobProblem, MAX_TAGS_PER_RESOURCE, type Tag, type TagPolicy, toAwsError } from "../core/index.js";
import { type LobDerivation, PIPELINE_EXECUTION_TAG_KEY } from "./types.js";

/** Errors meaning the execution is gone: AWS answers `ResourceNotFound`, moto `ValidationException`. */
const ABSENT = new Set(["ResourceNotFound", "ValidationException"]);

/** Derives the LOB of a pipeline execution; one call per execution, however many jobs it started. */
export type LobDeriver = (pipelineExecutionArn: string) => Promise<LobDerivation>;

/**
 * Makes a {@link LobDeriver} that reads the execution's parameter named `policy.tagKey`
 * (`ListPipelineParametersForExecution`, paginated) and caches the answer per execution.
 * A derivation has `lob` only when the parameter is a valid LOB; otherwise it says why in `reason`.
 */
export function makeLobDeriver(sagemaker: SageMakerClient, policy: TagPolicy): LobDeriver {
  const cache = new Map<string, Promise<LobDerivation>>();
  const derive = async (pipelineExecutionArn: string): Promise<LobDerivation> => {
    let value: string | undefined;
    try {
      for await (const page of paginateListPipelineParametersForExecution(
        { client: sagemaker },
        { PipelineExecutionArn: pipelineExecutionArn },
      ))
        value ??= page.PipelineParameters?.find((p) => p.Name === policy.tagKey)?.Value;
    } catch (e) {
      if (ABSENT.has((e as { name?: string }).name ?? ""))
        return { pipelineExecutionArn, reason: "the pipeline execution was not found" };
      throw toAwsError("ListPipelineParametersForExecution", e);
    }
    if (value === undefined)
      return { pipelineExecutionArn, reason: `the execution has no parameter "${policy.tagKey}"` };
    const problem = lobProblem(policy, value);
    return problem === undefined
      ? { pipelineExecutionArn, lob: value }
      : { pipelineExecutionArn, reason: `the execution's ${policy.tagKey} parameter: ${problem}` };
  };
  return (arn) => {
    let hit = cache.get(arn);
    if (!hit) {
      hit = derive(arn);
      cache.set(arn, hit);
    }
    return hit;
  };
}

/**
 * What the pipeline execution of an untagged job says its LOB is, or `undefined` when the job was not started by a
 * pipeline. A job already at the tag limit gets a reason instead of a LOB.
 */
export async function deriveJobLob(
  tags: readonly Tag[],
  derive: LobDeriver,
): Promise<LobDerivation | undefined> {
  const execution = tags.find((t) => t.Key === PIPELINE_EXECUTION_TAG_KEY)?.Value;
  if (!execution) return undefined;
  const derivation = await derive(execution);
  if (derivation.lob !== undefined && tags.length >= MAX_TAGS_PER_RESOURCE)
    return { pipelineExecutionArn: execution, reason: `the job already has ${tags.length} tags` };
  return derivation;
}

/** Adds `<tagKey>=<lob>` to a resource (`AddTags`). The caller makes sure it has no LOB tag yet. */
export async function addLobTag(
  sagemaker: SageMakerClient,
  policy: TagPolicy,
  arn: string,
  lob: string,
): Promise<void> {
  try {
    await sagemaker.send(
      new AddTagsCommand({ ResourceArn: arn, Tags: [{ Key: policy.tagKey, Value: lob }] }),
    );
  } catch (e) {
    throw toAwsError(`AddTags ${arn}`, e);
  }
}
