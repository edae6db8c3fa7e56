/**
 * Where one cost line lands (DESIGN §3.5 rules 1–3).
 */
import type { TagPolicy } from "../../core/tags.js";
import type { CostLine } from "../model.js";

/** The destination of one cost line. */
export type Destination =
  | { readonly kind: "shared"; readonly endpoint: string }
  | { readonly kind: "lob"; readonly lob: string; readonly category: "dedicated" | "bedrock" }
  | { readonly kind: "unallocated"; readonly reason: string };

const ENDPOINT_ARN = /:endpoint\/([^/]+)$/i;

/** The endpoint name of a SageMaker endpoint ARN, lower-cased; `undefined` for any other resource. */
export function endpointNameOf(resourceId: string | null): string | undefined {
  if (resourceId === null) return undefined;
  return ENDPOINT_ARN.exec(resourceId)?.[1]?.toLowerCase();
}

/**
 * The LOB tag value of a CUR line: key `user_<tagKey>` (CUR 2.0) or `<tagKey>`, both matched case-insensitively;
 * `undefined` when absent or empty.
 */
export function lobTagOf(tagKey: string, tags: Readonly<Record<string, string>>): string | undefined {
  const want = tagKey.toLowerCase();
  let plain: string | undefined;
  for (const [k, v] of Object.entries(tags)) {
    const key = k.toLowerCase();
    if (key === `user_${want}` && v !== "") return v;
    if (key === want && v !== "") plain = v;
  }
  return plain;
}

/**
 * Classifies one in-scope cost line.
 *
 * @param sharedNames - the configured shared endpoints, by lower-cased name → configured name
 */
export function classify(
  line: CostLine,
  policy: TagPolicy,
  sharedNames: ReadonlyMap<string, string>,
): Destination {
  const name = endpointNameOf(line.resourceId);
  const shared = name === undefined ? undefined : sharedNames.get(name);
  if (line.service === "AmazonSageMaker" && shared !== undefined) return { kind: "shared", endpoint: shared };
  const lob = lobTagOf(policy.tagKey, line.tags);
  if (lob === undefined) return { kind: "unallocated", reason: "untagged" };
  if (!policy.lobs.includes(lob)) return { kind: "unallocated", reason: `unknown-lob:${lob}` };
  return { kind: "lob", lob, category: line.service === "AmazonBedrock" ? "bedrock" : "dedicated" };
}
