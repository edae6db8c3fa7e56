/**
 * One factory for AWS SDK v3 clients, honouring `--region`, `--profile`, `--endpoint-url` / `AWS_ENDPOINT_URL`,
 * the SDK's standard retry strategy and a user-agent suffix. Domain code receives the clients it makes.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Where and how to reach AWS. */
export interface AwsOptions {
  /** AWS region. @default the SDK's own resolution (AWS_REGION, profile) */
  readonly region?: string | undefined;
  /** A named profile of the shared config files. @default AWS_PROFILE or "default" */
  readonly profile?: string | undefined;
  /** An endpoint URL for every service (for moto or a VPC endpoint). @default AWS_ENDPOINT_URL */
  readonly endpointUrl?: string | undefined;
  /** Most attempts per call, first included, with the standard retry strategy. @default 3 */
  readonly maxAttempts?: number | undefined;
}

function readOwnVersion(): string {
  // Sources run from <root>/core, the build from <root>/dist/core: walk up to the package's own package.json.
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "sagemaker-chargeback" && pkg.version) return pkg.version;
    } catch {
      // not here: keep walking up
    }
    dir = path.dirname(dir);
  }
  return "0.0.0";
}

/** The toolkit's version, sent in the user agent. */
export const VERSION: string = readOwnVersion();

/** The client configuration the factory produces (a subset every SDK v3 client accepts). */
export interface ClientConfig {
  region?: string;
  profile?: string;
  endpoint?: string;
  maxAttempts: number;
  retryMode: "standard";
  customUserAgent: Array<[string, string]>;
}

/** The client configuration for {@link AwsOptions}. */
export function clientConfig(opts: AwsOptions = {}): ClientConfig {
  const endpoint = opts.endpointUrl ?? process.env.AWS_ENDPOINT_URL;
  return {
    ...(opts.region ? { region: opts.region } : {}),
    ...(opts.profile ? { profile: opts.profile } : {}),
    ...(endpoint ? { endpoint } : {}),
    maxAttempts: opts.maxAttempts ?? 3,
    retryMode: "standard",
    customUserAgent: [["smcb", VERSION]],
  };
}

/**
 * Makes an SDK client with the toolkit's settings.
 *
 * @example
 * ```ts
 * import { SageMakerClient } from "@aws-sdk/client-sagemaker";
 * const sm = makeClient(SageMakerClient, { region: "us-east-1" });
 * const s3 = makeClient(S3Client, { endpointUrl: "http://127.0.0.1:5000" }, { forcePathStyle: true });
 * ```
 * @param extra - settings of this client's own kind (e.g. S3's `forcePathStyle`), over the toolkit's
 */
export function makeClient<C, X extends object = object>(
  Ctor: new (config: ClientConfig & X) => C,
  opts: AwsOptions = {},
  extra?: X,
): C {
  return new Ctor({ ...clientConfig(opts), ...extra } as ClientConfig & X);
}
