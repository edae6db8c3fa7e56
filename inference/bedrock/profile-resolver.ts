/**
 * Finds the application inference profile for a set of tags: the static map of the configuration first
 * (`bedrock.profiles`, LOB → ARN), then the profiles' own tags, listed at most once per time-to-live.
 */
import type { BedrockClient } from "@aws-sdk/client-bedrock";
import { DEFAULT_TAG_KEY, FindingsError, type Tag, UsageError } from "../../core/index.js";
import { type ApplicationProfile, hasTags, listApplicationProfiles } from "./profiles.js";

/** Options of a {@link ProfileResolver}. */
export interface ProfileResolverOptions {
  /** The Bedrock control-plane client (its region is where profiles are looked up). */
  readonly client: BedrockClient;
  /** The tag key that carries the LOB. @default "LineOfBusiness" */
  readonly tagKey?: string | undefined;
  /** The static map LOB → application inference profile ARN (the config's `bedrock.profiles`). @default {} */
  readonly profiles?: Readonly<Record<string, string>> | undefined;
  /** How long a listing of the profiles and their tags is reused, in milliseconds. @default 300000 (5 minutes) */
  readonly ttlMs?: number | undefined;
  /** The clock, in milliseconds (tests inject one). @default Date.now */
  readonly now?: (() => number) | undefined;
  /** Most `ListTagsForResource` calls in flight while listing. @default 8 */
  readonly concurrency?: number | undefined;
}

/** The one profile a query resolved to. */
export interface ProfileMatch {
  /** The profile ARN: what to pass as `modelId`. */
  readonly arn: string;
  /** `static` (from the configuration's map) or `tags` (found by its tags). */
  readonly source: "static" | "tags";
  /** The profile, when found by tags (the static map does not call AWS). */
  readonly profile?: ApplicationProfile | undefined;
}

/** Five minutes. */
export const DEFAULT_PROFILE_CACHE_TTL_MS = 300_000;

function describeQuery(query: readonly Tag[]): string {
  return query.map((t) => `${t.Key}=${t.Value}`).join(", ");
}

/**
 * Resolves tags (usually just the LOB tag) to one application inference profile ARN.
 *
 * A query of only `<tagKey>=<lob>` whose LOB is in the static map resolves without calling AWS. Any other query
 * lists the application profiles and their tags (cached for `ttlMs`) and keeps those carrying every tag of the query.
 *
 * @example
 * ```ts
 * const resolver = new ProfileResolver({ client: new BedrockClient({}), profiles: cfg.bedrock.profiles });
 * const { arn } = await resolver.resolveLob("retail");
 * ```
 */
export class ProfileResolver {
  private readonly client: BedrockClient;
  private readonly tagKey: string;
  private readonly profiles: Readonly<Record<string, string>>;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly concurrency: number | undefined;
  private cache: { readonly at: number; readonly listing: Promise<ApplicationProfile[]> } | undefined;

  constructor(opts: ProfileResolverOptions) {
    this.client = opts.client;
    this.tagKey = opts.tagKey ?? DEFAULT_TAG_KEY;
    this.profiles = opts.profiles ?? {};
    this.ttlMs = opts.ttlMs ?? DEFAULT_PROFILE_CACHE_TTL_MS;
    this.now = opts.now ?? Date.now;
    this.concurrency = opts.concurrency;
  }

  /**
   * The one profile carrying every tag of `query`.
   *
   * @throws {@link core!UsageError | UsageError} for an empty query; {@link core!FindingsError | FindingsError} when no profile or several match
   *   (the message names them); {@link core!AwsError | AwsError} when listing fails
   */
  async resolve(query: readonly Tag[]): Promise<ProfileMatch> {
    if (query.length === 0) throw new UsageError("Give at least one tag to resolve a profile by.");
    const only = query.length === 1 ? query[0] : undefined;
    if (only?.Key === this.tagKey) {
      const arn = this.profiles[only.Value];
      if (arn !== undefined) return { arn, source: "static" };
    }
    const matches = await this.find(query);
    const [first, second] = matches;
    if (first && !second) return { arn: first.arn, source: "tags", profile: first };
    if (!first) {
      throw new FindingsError(`No application inference profile has the tags ${describeQuery(query)}.`, {
        hint: "Create one with `smcb profiles create --lob <lob> --model <model>`, or list them with `smcb profiles list`.",
      });
    }
    throw new FindingsError(
      `${matches.length} application inference profiles have the tags ${describeQuery(query)}: ${matches
        .map((p) => `${p.name} (${p.arn})`)
        .join(", ")}.`,
      {
        hint: "Add a tag that tells them apart (--tag K=V), or map the LOB in the config's bedrock.profiles.",
      },
    );
  }

  /** The profile of a LOB: {@link resolve} with `<tagKey>=<lob>`. */
  resolveLob(lob: string): Promise<ProfileMatch> {
    return this.resolve([{ Key: this.tagKey, Value: lob }]);
  }

  /** Every application profile carrying every tag of `query` (the static map is not consulted). */
  async find(query: readonly Tag[]): Promise<ApplicationProfile[]> {
    return (await this.listing()).filter((p) => hasTags(p.tags, query));
  }

  /** Forgets the cached listing; the next lookup lists again. */
  invalidate(): void {
    this.cache = undefined;
  }

  private listing(): Promise<ApplicationProfile[]> {
    const now = this.now();
    if (this.cache && now - this.cache.at < this.ttlMs) return this.cache.listing;
    const listing = listApplicationProfiles(this.client, { concurrency: this.concurrency });
    const entry = { at: now, listing };
    this.cache = entry;
    listing.catch(() => {
      if (this.cache === entry) this.cache = undefined;
    });
    return listing;
  }
}
