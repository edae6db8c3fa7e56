/**
 * Typed errors with the exit code each maps to (docs/contracts.md#command-line-and-exit-codes).
 *
 * Domain code throws these; only the CLI turns them into an exit status.
 */

/** Exit codes of the `smcb` command line. */
export const ExitCode = {
  /** Everything went well. */
  Ok: 0,
  /** A check (lint, audit, tags check) found problems. */
  Findings: 1,
  /** Bad usage: unknown command or flag, invalid argument, invalid config. */
  Usage: 2,
  /** An AWS call or a data source (file, CUR, ledger) failed. */
  DataSource: 3,
  /** Anything unexpected: a bug. */
  Crash: 100,
} as const;

/** One of the values of {@link ExitCode}. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Options shared by every {@link SmcbError}. */
export interface SmcbErrorOptions {
  /** The underlying error, kept for diagnosis. */
  readonly cause?: unknown;
  /** What the user can do about it; printed after the message. */
  readonly hint?: string;
}

/** Base class of every error the toolkit throws on purpose. */
export abstract class SmcbError extends Error {
  /** The process exit code this error maps to. */
  abstract readonly exitCode: ExitCodeValue;
  /** What the user can do about it. */
  readonly hint: string | undefined;

  constructor(message: string, options: SmcbErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }
}

/** Bad input from the user: arguments, flags, values (exit 2). */
export class UsageError extends SmcbError {
  readonly exitCode = ExitCode.Usage;
}

/** An invalid or unreadable configuration file (exit 2). Lists every problem. */
export class ConfigError extends SmcbError {
  readonly exitCode = ExitCode.Usage;
  /** Every problem found, each as `path: message`. */
  readonly problems: readonly string[];

  constructor(message: string, problems: readonly string[] = [], options: SmcbErrorOptions = {}) {
    super(problems.length > 0 ? `${message}\n${problems.map((p) => `  ${p}`).join("\n")}` : message, options);
    this.problems = problems;
  }
}

/** A value that breaks the tag policy (exit 2 when it is an input; see {@link FindingsError} for checks). */
export class TagPolicyError extends SmcbError {
  readonly exitCode = ExitCode.Usage;
}

/** A check completed and found problems (exit 1). */
export class FindingsError extends SmcbError {
  readonly exitCode = ExitCode.Findings;
}

/** An AWS call failed or AWS could not be reached (exit 3). */
export class AwsError extends SmcbError {
  readonly exitCode = ExitCode.DataSource;
}

/** A local or remote data source is missing, unreadable or malformed (exit 3). */
export class DataSourceError extends SmcbError {
  readonly exitCode = ExitCode.DataSource;
}

/** The exit code for any thrown value: its own for {@link SmcbError}, {@link ExitCode.Crash} otherwise. */
export function exitCodeOf(error: unknown): ExitCodeValue {
  return error instanceof SmcbError ? error.exitCode : ExitCode.Crash;
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "ECONNRESET",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "EHOSTUNREACH",
]);

/** What Node's network errors say about where they failed. */
interface NetworkErrorFields {
  code?: string;
  hostname?: string;
  address?: string;
  port?: number;
}

/** The hint of an AWS error whose endpoint answered with something that is not an AWS response (see {@link toAwsError}). */
export const UNIMPLEMENTED_API_HINT =
  "A local stand-in such as moto lacks this API: run it against AWS, or without --endpoint-url / AWS_ENDPOINT_URL.";

/**
 * Wraps an error thrown by an AWS SDK call into an {@link AwsError} whose message says what failed and what to do.
 * Errors already typed by this toolkit pass through unchanged.
 *
 * @param action - what was being done, e.g. `"ListTrainingJobs"`
 * @param error - what the SDK threw
 */
export function toAwsError(action: string, error: unknown): SmcbError {
  if (error instanceof SmcbError) return error;
  const err = error as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  // The SDK rethrows Node's network error itself, or wraps it as `cause`.
  const net = err.code
    ? (error as NetworkErrorFields)
    : ((error as { cause?: NetworkErrorFields }).cause ?? {});
  const code = net.code;
  if (code && NETWORK_CODES.has(code)) {
    const where =
      net.hostname ?? (net.address ? `${net.address}${net.port ? `:${net.port}` : ""}` : undefined);
    return new AwsError(`${action}: cannot reach AWS${where ? ` at ${where}` : ""} (${code}).`, {
      cause: error,
      hint: "Check --endpoint-url / AWS_ENDPOINT_URL, --region and your network.",
    });
  }
  const name = err.name ?? "Error";
  if (name === "CredentialsProviderError" || /credential/i.test(err.message ?? "")) {
    return new AwsError(`${action}: no usable AWS credentials (${err.message ?? name}).`, {
      cause: error,
      hint: "Set AWS_PROFILE or pass --profile, or export AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.",
    });
  }
  const status = err.$metadata?.httpStatusCode;
  // An answer that is not an AWS response at all (an HTML error page where JSON or XML was due): the endpoint —
  // typically moto or a proxy given with --endpoint-url — does not implement the API.
  const body = (error as { $response?: { body?: unknown } }).$response;
  if (name === "SyntaxError" || (body !== undefined && /Deserialization error/.test(err.message ?? ""))) {
    return new AwsError(
      `${action}: the endpoint does not implement this API (it answered${status ? ` HTTP ${status}` : ""} with something that is not an AWS response).`,
      { cause: error, hint: UNIMPLEMENTED_API_HINT },
    );
  }
  return new AwsError(
    `${action} failed: ${name}${status ? ` (HTTP ${status})` : ""}: ${err.message ?? ""}`.trim(),
    {
      cause: error,
    },
  );
}
