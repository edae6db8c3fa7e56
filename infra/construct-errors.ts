/**
 * How the constructs refuse props: with aws-cdk-lib's own validation error, as its constructs do, so that
 * `Errors.isValidationError(e)` (aws-cdk-lib's public check) is true and the CDK CLI reports it as a validation
 * failure with the construct's path. A value that is not known until deploy time (a `CfnParameter`, an import,
 * any token: `Token.isUnresolved`) is never validated here; CloudFormation validates it at deploy time.
 */
import { Token, UnscopedValidationError, ValidationError } from "aws-cdk-lib";
import type { IConstruct } from "constructs";
import { SmcbError } from "../core/index.js";

/**
 * The error name CDK records with each error (`«SmcbInvalidProps» message`). aws-cdk-lib types it as a literal
 * string brand of its own; this module is the one place that names it.
 */
const NAME = "SmcbInvalidProps" as ConstructorParameters<typeof ValidationError>[0];

/**
 * Throws aws-cdk-lib's validation error for a construct's props: scoped to `scope` (the error then names the
 * construct's path) or, from a helper that has no construct, unscoped. `hint` (how to fix it) follows the message.
 *
 * @example
 * ```ts
 * if (!Token.isUnresolved(size) && size < 1) invalidProps(this, "UsageLake: bufferingSize must be 1–128 MiB.");
 * ```
 */
export function invalidProps(scope: IConstruct | undefined, message: string, hint?: string): never {
  const text = hint === undefined ? message : `${message} ${hint}`;
  throw scope === undefined
    ? new UnscopedValidationError(NAME, text)
    : new ValidationError(NAME, text, scope);
}

/** Whether any of `values` is a deploy-time token, so that checks of resolved values must skip it. */
export function unresolved(...values: readonly unknown[]): boolean {
  return values.some((v) => Token.isUnresolved(v));
}

/**
 * Runs one of the library's own checks (a tag policy's, for instance) for a construct: what it refuses is refused
 * with aws-cdk-lib's validation error too, with the check's message and hint.
 */
export function checkedBy<T>(scope: IConstruct, check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof SmcbError) invalidProps(scope, e.message, e.hint);
    throw e;
  }
}
