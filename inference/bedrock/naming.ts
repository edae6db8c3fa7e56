/**
 * Names and idempotency tokens of application inference profiles, within the limits of the botocore `bedrock`
 * model (`InferenceProfileName`, `InferenceProfileDescription`, `IdempotencyToken`).
 */
import { createHash } from "node:crypto";
import type { Tag } from "../../core/index.js";
import { parseBedrockArn } from "./arn.js";

/** Longest inference profile name. */
export const MAX_PROFILE_NAME_LENGTH = 64;
/** Longest inference profile description. */
export const MAX_PROFILE_DESCRIPTION_LENGTH = 200;

const NAME = /^([0-9a-zA-Z][ _-]?)+$/;
const DESCRIPTION = /^([0-9a-zA-Z:.][ _-]?)+$/;
const HASH_LENGTH = 8;

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Why `name` is not a valid inference profile name, or `undefined` when it is. */
export function profileNameProblem(name: string): string | undefined {
  if (name.length < 1 || name.length > MAX_PROFILE_NAME_LENGTH)
    return `profile name must be 1–${MAX_PROFILE_NAME_LENGTH} characters, got ${name.length}`;
  if (!NAME.test(name))
    return "profile name must be letters and digits, each optionally followed by one of space, _ or -";
  return undefined;
}

/** Why `description` is not a valid inference profile description, or `undefined` when it is. */
export function profileDescriptionProblem(description: string): string | undefined {
  if (description.length < 1 || description.length > MAX_PROFILE_DESCRIPTION_LENGTH)
    return `description must be 1–${MAX_PROFILE_DESCRIPTION_LENGTH} characters, got ${description.length}`;
  if (!DESCRIPTION.test(description))
    return "description must be letters, digits, : and ., each optionally followed by one of space, _ or -";
  return undefined;
}

function slug(part: string): string {
  return part.replace(/[^0-9a-zA-Z]+/g, "-").replace(/^-+|-+$/g, "");
}

/** What a derived profile name is made of. */
export interface ProfileNameParts {
  /** The LOB. */
  readonly lob: string;
  /** The model as the user gave it (id or ARN; an ARN contributes its last segment). */
  readonly model: string;
  /** The application using the profile, when there is one. */
  readonly application?: string | undefined;
}

/**
 * A valid profile name `<lob>-<application>-<model>` (non-alphanumerics become `-`). When that exceeds 64
 * characters it is cut and ends with 8 hex digits of a hash of the full name, so distinct inputs stay distinct.
 *
 * @example
 * ```ts
 * deriveProfileName({ lob: "retail", application: "chat", model: "anthropic.claude-3-haiku-20240307-v1:0" });
 * // → "retail-chat-anthropic-claude-3-haiku-20240307-v1-0"
 * ```
 */
export function deriveProfileName(parts: ProfileNameParts): string {
  const model = parseBedrockArn(parts.model)?.resourceId ?? parts.model;
  const full = [parts.lob, parts.application ?? "", model]
    .map(slug)
    .filter((s) => s !== "")
    .join("-");
  if (full !== "" && full.length <= MAX_PROFILE_NAME_LENGTH) return full;
  const hash = sha256(JSON.stringify([parts.lob, parts.application ?? "", model])).slice(0, HASH_LENGTH);
  const head = full.slice(0, MAX_PROFILE_NAME_LENGTH - HASH_LENGTH - 1).replace(/-+$/, "");
  return head === "" ? `profile-${hash}` : `${head}-${hash}`;
}

/** The inputs that define a profile creation request. */
export interface ProfileRequestIdentity {
  readonly name: string;
  readonly copyFrom: string;
  readonly description?: string | undefined;
  readonly tags: readonly Tag[];
}

/**
 * The `clientRequestToken` for a creation: a hash of its inputs (tag order does not matter), so repeating the
 * same request is idempotent and a different request never reuses a token.
 */
export function profileRequestToken(identity: ProfileRequestIdentity): string {
  const tags = [...identity.tags].sort((a, b) => (a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : 0));
  return sha256(
    JSON.stringify({
      name: identity.name,
      copyFrom: identity.copyFrom,
      description: identity.description ?? null,
      tags: tags.map((t) => [t.Key, t.Value]),
    }),
  );
}
