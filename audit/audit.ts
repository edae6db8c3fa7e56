/**
 * The tag audit: lists every resource of the chosen types, classifies its LOB tag, derives what can be derived and,
 * with `fix`, adds it.
 */

import type { TagPolicy } from "../core/index.js";
import {
  AwsError,
  mapWithConcurrency,
  type SmcbError,
  toAwsError,
  UNIMPLEMENTED_API_HINT,
} from "../core/index.js";
import { classifyLobTag } from "./classify.js";
import { type AuditClients, LISTERS, readTags } from "./collect.js";
import { addLobTag, deriveJobLob, makeLobDeriver } from "./fix.js";
import {
  AUDIT_RESOURCE_TYPES,
  type AuditedResource,
  type AuditReport,
  type AuditResourceType,
  type Coverage,
  JOB_RESOURCE_TYPES,
  type ListedResource,
  type TagChange,
} from "./types.js";

/** What to audit and how. */
export interface AuditTagsOptions {
  /** The tag key and the allowed LOBs. */
  readonly policy: TagPolicy;
  /** The clients to read and write through. */
  readonly clients: AuditClients;
  /** Audit jobs created at or after this instant (other types whatever their age). */
  readonly since: Date;
  /** The resource types to audit. @default all of {@link AUDIT_RESOURCE_TYPES} */
  readonly types?: readonly AuditResourceType[] | undefined;
  /** Add the LOB tag to untagged pipeline jobs whose execution names a valid LOB. @default false */
  readonly fix?: boolean | undefined;
  /** Most tag reads (and fixes) in flight. @default 8 */
  readonly concurrency?: number | undefined;
  /** Called after each tag is added, as it happens. */
  readonly onChange?: ((change: TagChange) => void) | undefined;
}

function firstLine(s: string): string {
  return s.split("\n", 1)[0] ?? s;
}

async function listAll(
  clients: AuditClients,
  types: readonly AuditResourceType[],
  since: Date,
): Promise<ListedResource[]> {
  const settled = await Promise.allSettled(types.map((t) => LISTERS[t].list(clients, since)));
  const failures: Array<{ type: AuditResourceType; error: SmcbError }> = [];
  settled.forEach((s, i) => {
    const type = types[i] as AuditResourceType;
    if (s.status === "rejected") failures.push({ type, error: toAwsError(LISTERS[type].action, s.reason) });
  });
  const first = failures[0];
  if (!first) return settled.flatMap((s) => (s.status === "fulfilled" ? s.value : []));
  // A wrapped error with a hint (unreachable endpoint, no credentials) is about AWS as a whole, not one type;
  // an API the endpoint does not implement is about that type.
  if (failures.every((f) => f.error.hint !== undefined && f.error.hint !== UNIMPLEMENTED_API_HINT))
    throw first.error;
  const others = types.filter((t) => !failures.some((f) => f.type === t));
  throw new AwsError(
    `Could not list ${failures.length} resource type(s):\n${failures
      .map((f) => `  ${f.type}: ${firstLine(f.error.message)}`)
      .join("\n")}`,
    {
      cause: first.error,
      hint:
        "Those types may not be available here (an emulator, region or partition without them). " +
        (others.length > 0
          ? `Audit the others with --types ${others.join(",")}.`
          : "Check the errors above."),
    },
  );
}

function coverageOf(resources: readonly AuditedResource[]): Coverage {
  const count = (s: AuditedResource["status"]) => resources.filter((r) => r.status === s).length;
  const total = resources.length;
  const present = count("present");
  return {
    total,
    present,
    missing: count("missing"),
    invalid: count("invalid"),
    percent: total === 0 ? null : Math.round((present * 1000) / total) / 10,
  };
}

/**
 * Audits the LOB tag of every resource of the chosen types.
 *
 * Each resource's tag is `present` (a valid LOB), `missing` or `invalid` (with the policy's reason). A job without a
 * LOB tag that carries `sagemaker:pipeline-execution-arn` gets a `derivation`: the LOB its execution was started with
 * (the parameter named `tagKey`), or why there is none. With `fix`, that LOB is added (`AddTags`) — never over an
 * existing tag — and the change reported, so running it twice changes nothing the second time.
 *
 * Throws an {@link core!AwsError | AwsError} (exit 3) when a type cannot be listed or a call fails.
 *
 * @example
 * ```ts
 * const report = await auditTags({
 *   policy: { tagKey: "LineOfBusiness", lobs: ["retail", "wealth"] },
 *   clients: { sagemaker: new SageMakerClient({}), bedrock: new BedrockClient({}) },
 *   since: new Date(Date.now() - 30 * 86_400_000),
 *   fix: true,
 * });
 * console.log(report.coverage.overall.percent, report.changes);
 * ```
 */
export async function auditTags(options: AuditTagsOptions): Promise<AuditReport> {
  const { policy, clients, since } = options;
  const fix = options.fix === true;
  const wanted = new Set(options.types ?? AUDIT_RESOURCE_TYPES);
  const types = AUDIT_RESOURCE_TYPES.filter((t) => wanted.has(t));
  const listed = await listAll(clients, types, since);
  const derive = makeLobDeriver(clients.sagemaker, policy);
  const changes: TagChange[] = [];

  const audit = async (r: ListedResource): Promise<AuditedResource> => {
    const tags = await readTags(clients, r);
    const state = classifyLobTag(policy, tags);
    if (state.status !== "missing" || !JOB_RESOURCE_TYPES.includes(r.type)) return { ...r, ...state };
    const derivation = await deriveJobLob(tags, derive);
    if (!fix || derivation?.lob === undefined) return { ...r, ...state, derivation };
    await addLobTag(clients.sagemaker, policy, r.arn, derivation.lob);
    const change: TagChange = {
      type: r.type,
      name: r.name,
      arn: r.arn,
      key: policy.tagKey,
      value: derivation.lob,
      pipelineExecutionArn: derivation.pipelineExecutionArn,
    };
    changes.push(change);
    options.onChange?.(change);
    return { ...r, status: "present", value: derivation.lob, derivation, fixed: true };
  };

  const order = (r: { type: AuditResourceType; name: string }) => AUDIT_RESOURCE_TYPES.indexOf(r.type);
  const byTypeThenName = (
    a: { type: AuditResourceType; name: string },
    b: { type: AuditResourceType; name: string },
  ) => order(a) - order(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const resources = (await mapWithConcurrency(listed, audit, options.concurrency ?? 8)).sort(byTypeThenName);

  return {
    tagKey: policy.tagKey,
    since: since.toISOString(),
    types,
    fix,
    coverage: {
      overall: coverageOf(resources),
      byType: types.map((type) => ({ type, ...coverageOf(resources.filter((r) => r.type === type)) })),
    },
    resources,
    changes: changes.sort(byTypeThenName),
  };
}
