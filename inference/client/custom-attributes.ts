/**
 * The `CustomAttributes` header of a SageMaker invocation: the caller's attributes with `lob=<LOB>` merged in.
 */
import { UsageError } from "../../core/index.js";

/** The longest `CustomAttributes` value SageMaker accepts. */
export const MAX_CUSTOM_ATTRIBUTES_LENGTH = 1024;

const VISIBLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Merges `lob=<LOB>` into the caller's comma-separated custom attributes: any `lob=` entry of the caller is
 * replaced, the others are kept in order after it.
 *
 * @example
 * ```ts
 * mergeCustomAttributes("retail", "trace=abc,lob=x"); // → "lob=retail,trace=abc"
 * ```
 * @throws {@link core!UsageError | UsageError} when the result is longer than 1,024 characters or has characters other than
 * visible US-ASCII
 */
export function mergeCustomAttributes(lob: string, callers?: string): string {
  const kept = (callers ?? "")
    .split(",")
    .filter((part) => part.trim() !== "" && part.split("=")[0]?.trim().toLowerCase() !== "lob");
  const merged = [`lob=${lob}`, ...kept].join(",");
  if (!VISIBLE_ASCII.test(merged))
    throw new UsageError("CustomAttributes must be visible US-ASCII characters.", {
      hint: "Remove non-ASCII characters from the custom attributes (and the LOB).",
    });
  if (merged.length > MAX_CUSTOM_ATTRIBUTES_LENGTH)
    throw new UsageError(
      `CustomAttributes with lob=${lob} would be ${merged.length} characters; SageMaker accepts ${MAX_CUSTOM_ATTRIBUTES_LENGTH}.`,
      {
        hint: `Shorten your custom attributes by ${merged.length - MAX_CUSTOM_ATTRIBUTES_LENGTH} characters.`,
      },
    );
  return merged;
}
