/**
 * Lists SageMaker endpoints with their chargeback view: mode (dedicated or shared), LOB or owner, status, tags,
 * and for shared endpoints their inference components with each one's LOB.
 */
import {
  ListTagsCommand,
  paginateListEndpoints,
  paginateListInferenceComponents,
  type SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import {
  findLobTag,
  mapWithConcurrency,
  SHARED_ENDPOINT_TAG_KEY,
  type Tag,
  type TagPolicy,
  toAwsError,
} from "../../core/index.js";

/** One inference component in a listing. */
export interface ListedComponent {
  readonly name: string;
  readonly status: string;
  readonly lob: string | null;
}

/** One endpoint in a listing. */
export interface ListedEndpoint {
  readonly name: string;
  /** `shared` when tagged `SharedEndpoint`, else `dedicated`. */
  readonly mode: "dedicated" | "shared";
  /** The LOB tag: the LOB of a dedicated endpoint, the owner of a shared one; null when untagged. */
  readonly lob: string | null;
  readonly status: string;
  readonly createdAt: string | null;
  readonly tags: Tag[];
  readonly components: ListedComponent[];
}

/** The tags of a SageMaker resource (`ListTags`), none without an ARN. */
export async function tagsOf(sm: SageMakerClient, arn: string | undefined): Promise<Tag[]> {
  if (!arn) return [];
  const out = await sm.send(new ListTagsCommand({ ResourceArn: arn }));
  return (out.Tags ?? []).map((t) => ({ Key: t.Key ?? "", Value: t.Value ?? "" }));
}

/**
 * Lists every endpoint of the account and region.
 *
 * @example
 * ```ts
 * for (const e of await listEndpoints(new SageMakerClient({}), { tagKey: "LineOfBusiness" })) console.log(e.name, e.lob);
 * ```
 */
export async function listEndpoints(
  sm: SageMakerClient,
  policy: Pick<TagPolicy, "tagKey">,
): Promise<ListedEndpoint[]> {
  try {
    const summaries = [];
    for await (const page of paginateListEndpoints({ client: sm }, {}))
      summaries.push(...(page.Endpoints ?? []));
    return await mapWithConcurrency(
      summaries,
      async (s): Promise<ListedEndpoint> => {
        const tags = await tagsOf(sm, s.EndpointArn);
        const shared = tags.some((t) => t.Key === SHARED_ENDPOINT_TAG_KEY);
        const components: ListedComponent[] = [];
        if (shared)
          for await (const page of paginateListInferenceComponents(
            { client: sm },
            { EndpointNameEquals: s.EndpointName },
          ))
            for (const ic of page.InferenceComponents ?? [])
              components.push({
                name: ic.InferenceComponentName ?? "",
                status: ic.InferenceComponentStatus ?? "unknown",
                lob: findLobTag(policy, await tagsOf(sm, ic.InferenceComponentArn)) ?? null,
              });
        return {
          name: s.EndpointName ?? "",
          mode: shared ? "shared" : "dedicated",
          lob: findLobTag(policy, tags) ?? null,
          status: s.EndpointStatus ?? "unknown",
          createdAt: s.CreationTime?.toISOString() ?? null,
          tags,
          components,
        };
      },
      4,
    );
  } catch (error) {
    throw toAwsError("ListEndpoints", error);
  }
}
