/** Parsing of the Bedrock ARNs this module deals with (foundation models and inference profiles). */

/** The parts of a Bedrock model or inference profile ARN. */
export interface BedrockArn {
  /** `aws`, `aws-us-gov`, `aws-cn`, … */
  readonly partition: string;
  /** The region; empty for some global resources. */
  readonly region: string;
  /** The account; empty for foundation models. */
  readonly account: string;
  /** The resource type. */
  readonly resourceType: "foundation-model" | "inference-profile" | "application-inference-profile";
  /** What follows the `/`: a model id or a profile id. */
  readonly resourceId: string;
}

const ARN =
  /^arn:(aws(?:-[a-z]+)*):bedrock:([0-9a-z-]{0,20}):([0-9]{12})?:(foundation-model|inference-profile|application-inference-profile)\/([a-zA-Z0-9:.-]+)$/;

/** Parses a Bedrock foundation model or inference profile ARN; `undefined` when `s` is not one. */
export function parseBedrockArn(s: string): BedrockArn | undefined {
  const m = ARN.exec(s);
  if (!m) return undefined;
  return {
    partition: m[1] as string,
    region: m[2] as string,
    account: m[3] ?? "",
    resourceType: m[4] as BedrockArn["resourceType"],
    resourceId: m[5] as string,
  };
}

/**
 * The model id in a foundation model ARN (`arn:aws:bedrock:us-east-1::foundation-model/<id>` → `<id>`);
 * any other string is returned unchanged.
 */
export function modelIdOfArn(arn: string): string {
  const p = parseBedrockArn(arn);
  return p?.resourceType === "foundation-model" ? p.resourceId : arn;
}
