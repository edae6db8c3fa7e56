/**
 * Application inference profiles per LOB: create one (tagged, idempotent) and list them with their tags.
 */
import {
  type BedrockClient,
  CreateInferenceProfileCommand,
  type InferenceProfileSummary,
  ListTagsForResourceCommand,
  paginateListInferenceProfiles,
} from "@aws-sdk/client-bedrock";
import {
  findLobTag,
  mapWithConcurrency,
  type Tag,
  type TagPolicy,
  toAwsError,
  UsageError,
} from "../../core/index.js";
import { modelIdOfArn } from "./arn.js";
import { type ModelSource, resolveModelSource } from "./model-source.js";
import {
  deriveProfileName,
  profileDescriptionProblem,
  profileNameProblem,
  profileRequestToken,
} from "./naming.js";
import { fromBedrockTags, profileTags } from "./tags.js";

/** An application inference profile with its tags. */
export interface ApplicationProfile {
  /** The profile's name. */
  readonly name: string;
  /** Its ARN: what callers pass as `modelId`. */
  readonly arn: string;
  /** Its id (the last segment of the ARN). */
  readonly id: string;
  /** `ACTIVE` once usable. */
  readonly status: string;
  /** Its description, when it has one. */
  readonly description?: string | undefined;
  /** The foundation model ARNs it routes to. */
  readonly modelArns: readonly string[];
  /** The underlying model id (of the first model ARN), or `null` when the service listed none. */
  readonly modelId: string | null;
  /** Its tags. */
  readonly tags: readonly Tag[];
  /** When it was created (ISO-8601), when known. */
  readonly createdAt?: string | undefined;
}

/** Options of {@link listApplicationProfiles}. */
export interface ListProfilesOptions {
  /** Most `ListTagsForResource` calls in flight. @default 8 */
  readonly concurrency?: number | undefined;
  /** Page size asked of `ListInferenceProfiles`. @default 100 */
  readonly pageSize?: number | undefined;
}

/**
 * Every application inference profile in the client's region (`typeEquals: APPLICATION`; without it the service
 * lists system-defined profiles only), every page, without tags.
 */
export async function listApplicationProfileSummaries(
  client: BedrockClient,
  pageSize = 100,
): Promise<InferenceProfileSummary[]> {
  const out: InferenceProfileSummary[] = [];
  try {
    for await (const page of paginateListInferenceProfiles(
      { client, pageSize },
      { typeEquals: "APPLICATION" },
    ))
      out.push(...(page.inferenceProfileSummaries ?? []));
  } catch (e) {
    throw toAwsError("ListInferenceProfiles", e);
  }
  return out;
}

/**
 * Every tag of a Bedrock resource (an application inference profile): `ListTagsForResource`, as policy tags.
 * Used by {@link listApplicationProfiles} and by the tag audit.
 *
 * @throws {@link core!AwsError | AwsError} naming the action and the ARN (`ListTagsForResource <arn> failed: …`)
 * @example
 * ```ts
 * await readProfileTags(bedrock, profile.arn); // [{ Key: "LineOfBusiness", Value: "retail" }]
 * ```
 */
export async function readProfileTags(client: BedrockClient, resourceARN: string): Promise<Tag[]> {
  try {
    const out = await client.send(new ListTagsForResourceCommand({ resourceARN }));
    return fromBedrockTags(out.tags);
  } catch (e) {
    throw toAwsError(`ListTagsForResource ${resourceARN}`, e);
  }
}

function toProfile(s: InferenceProfileSummary, tags: Tag[]): ApplicationProfile {
  const modelArns = (s.models ?? []).flatMap((m) => (m.modelArn ? [m.modelArn] : []));
  const first = modelArns[0];
  return {
    name: s.inferenceProfileName ?? "",
    arn: s.inferenceProfileArn ?? "",
    id: s.inferenceProfileId ?? "",
    status: s.status ?? "",
    description: s.description,
    modelArns,
    modelId: first ? modelIdOfArn(first) : null,
    tags,
    createdAt: s.createdAt?.toISOString(),
  };
}

/**
 * Every application inference profile in the client's region with its tags, read with bounded concurrency.
 *
 * @example
 * ```ts
 * const profiles = await listApplicationProfiles(new BedrockClient({ region: "us-east-1" }));
 * ```
 */
export async function listApplicationProfiles(
  client: BedrockClient,
  opts: ListProfilesOptions = {},
): Promise<ApplicationProfile[]> {
  const summaries = await listApplicationProfileSummaries(client, opts.pageSize);
  return mapWithConcurrency(
    summaries,
    async (s) => toProfile(s, await readProfileTags(client, s.inferenceProfileArn ?? "")),
    opts.concurrency,
  );
}

/** Whether `tags` has every `Key=Value` of `query` (keys and values compared exactly, as AWS does). */
export function hasTags(tags: readonly Tag[], query: readonly Tag[]): boolean {
  return query.every((q) => tags.some((t) => t.Key === q.Key && t.Value === q.Value));
}

/** What {@link createApplicationProfile} needs. */
export interface CreateProfileOptions {
  /** The tag policy (tag key and LOB allowlist). */
  readonly policy: TagPolicy;
  /** The LOB the profile's cost is charged to. */
  readonly lob: string;
  /** A foundation model id, a system-defined inference profile id, or either's ARN. */
  readonly model: string;
  /** The profile name. @default derived from LOB, application and model ({@link deriveProfileName}) */
  readonly name?: string | undefined;
  /** The application using the profile; part of the derived name. */
  readonly application?: string | undefined;
  /** A description (letters, digits, `:` and `.`, single separators). */
  readonly description?: string | undefined;
  /** Extra tags; the LOB tag is always added and wins on its key. */
  readonly tags?: readonly Tag[] | undefined;
}

/** The outcome of {@link createApplicationProfile}. */
export interface CreatedProfile {
  /** The profile's ARN. */
  readonly arn: string;
  /** Its name. */
  readonly name: string;
  /** Its status (`ACTIVE`). */
  readonly status: string;
  /** `false` when an identical profile already existed and was returned instead. */
  readonly created: boolean;
  /** What it was copied from. */
  readonly source: ModelSource;
  /** The tags it carries. */
  readonly tags: readonly Tag[];
  /** The idempotency token sent. */
  readonly clientRequestToken: string;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  return sa.size === new Set(b).size && b.every((x) => sa.has(x));
}

async function existingTwin(
  client: BedrockClient,
  name: string,
  source: ModelSource,
  policy: TagPolicy,
  lob: string,
  conflict: unknown,
): Promise<ApplicationProfile> {
  const summary = (await listApplicationProfileSummaries(client)).find(
    (s) => s.inferenceProfileName === name,
  );
  if (!summary) throw toAwsError("CreateInferenceProfile", conflict);
  const profile = toProfile(summary, await readProfileTags(client, summary.inferenceProfileArn ?? ""));
  const existingLob = findLobTag(policy, profile.tags);
  if (existingLob !== lob || !sameSet(profile.modelArns, source.modelArns)) {
    throw new UsageError(
      `A profile named "${name}" already exists (${profile.arn}) with LOB ${existingLob ?? "(none)"} and model ${profile.modelId ?? "(none)"}.`,
      { hint: "Choose another --name, or use the existing profile." },
    );
  }
  return profile;
}

/**
 * Creates an application inference profile for a LOB: `modelSource.copyFrom` the model resolved in the client's
 * region, tagged `<tagKey>=<lob>` plus extras, with a `clientRequestToken` derived from the inputs. When a profile
 * of the same name, LOB and models already exists it is returned with `created: false`.
 *
 * Inputs are checked before any AWS call.
 *
 * @throws {@link core!TagPolicyError | TagPolicyError} for an invalid LOB or tag; {@link core!UsageError | UsageError} for an invalid name or description,
 *   an unknown model in the region, or a name taken by a different profile; {@link core!AwsError | AwsError} when AWS fails
 * @example
 * ```ts
 * const p = await createApplicationProfile(bedrock, {
 *   policy: { tagKey: "LineOfBusiness", lobs: ["retail"] },
 *   lob: "retail",
 *   model: "anthropic.claude-3-haiku-20240307-v1:0",
 * });
 * p.arn; // arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/…
 * ```
 */
export async function createApplicationProfile(
  client: BedrockClient,
  opts: CreateProfileOptions,
): Promise<CreatedProfile> {
  const tags = profileTags(opts.policy, opts.lob, opts.tags);
  const name =
    opts.name ?? deriveProfileName({ lob: opts.lob, model: opts.model, application: opts.application });
  const nameProblem = profileNameProblem(name);
  if (nameProblem) throw new UsageError(`Invalid profile name "${name}": ${nameProblem}.`);
  if (opts.description !== undefined) {
    const p = profileDescriptionProblem(opts.description);
    if (p) throw new UsageError(`Invalid description: ${p}.`);
  }
  const source = await resolveModelSource(client, opts.model);
  const policyTags = fromBedrockTags(tags);
  const clientRequestToken = profileRequestToken({
    name,
    copyFrom: source.arn,
    description: opts.description,
    tags: policyTags,
  });
  let conflict: unknown;
  try {
    const out = await client.send(
      new CreateInferenceProfileCommand({
        inferenceProfileName: name,
        ...(opts.description !== undefined ? { description: opts.description } : {}),
        clientRequestToken,
        modelSource: { copyFrom: source.arn },
        tags,
      }),
    );
    return {
      arn: out.inferenceProfileArn ?? "",
      name,
      status: out.status ?? "",
      created: true,
      source,
      tags: policyTags,
      clientRequestToken,
    };
  } catch (e) {
    if ((e as { name?: string }).name !== "ConflictException") throw toAwsError("CreateInferenceProfile", e);
    conflict = e;
  }
  const twin = await existingTwin(client, name, source, opts.policy, opts.lob, conflict);
  return {
    arn: twin.arn,
    name,
    status: twin.status,
    created: false,
    source,
    tags: twin.tags,
    clientRequestToken,
  };
}
