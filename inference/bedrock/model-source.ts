/**
 * Turns what a user calls a model (a foundation model id, a system-defined inference profile id, or either's ARN)
 * into the ARN `CreateInferenceProfile` copies from, checked to exist in the client's region.
 */
import {
  type BedrockClient,
  GetFoundationModelCommand,
  type GetFoundationModelCommandOutput,
  GetInferenceProfileCommand,
  type GetInferenceProfileCommandOutput,
} from "@aws-sdk/client-bedrock";
import { toAwsError, UsageError } from "../../core/index.js";
import { modelIdOfArn, parseBedrockArn } from "./arn.js";

/** What an application inference profile is copied from. */
export interface ModelSource {
  /** The ARN given to `modelSource.copyFrom`. */
  readonly arn: string;
  /** A single foundation model in one region, or a system-defined (cross-region) inference profile. */
  readonly kind: "foundation-model" | "inference-profile";
  /** The foundation model ARNs behind the source (one per region the profile routes to). */
  readonly modelArns: readonly string[];
  /** The underlying model id, e.g. `anthropic.claude-3-haiku-20240307-v1:0`. */
  readonly modelId: string;
}

const IDENTIFIER = /^[a-zA-Z0-9:.-]+$/;

function isAbsent(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  return name === "ResourceNotFoundException" || name === "ValidationException";
}

/** Runs a Get call; a missing (or malformed) identifier gives `undefined`, other failures an AwsError. */
async function getOrAbsent<T>(action: string, call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (e) {
    if (isAbsent(e)) return undefined;
    throw toAwsError(action, e);
  }
}

function getFoundationModel(
  client: BedrockClient,
  modelIdentifier: string,
): Promise<GetFoundationModelCommandOutput | undefined> {
  return getOrAbsent("GetFoundationModel", () =>
    client.send(new GetFoundationModelCommand({ modelIdentifier })),
  );
}

function getInferenceProfile(
  client: BedrockClient,
  inferenceProfileIdentifier: string,
): Promise<GetInferenceProfileCommandOutput | undefined> {
  return getOrAbsent("GetInferenceProfile", () =>
    client.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier })),
  );
}

function fromFoundationModel(model: string, out: GetFoundationModelCommandOutput): ModelSource {
  const d = out.modelDetails;
  if (!d?.modelArn) throw new UsageError(`GetFoundationModel returned no model ARN for "${model}".`);
  const types: readonly string[] = d.inferenceTypesSupported ?? [];
  if (types.length > 0 && !types.includes("ON_DEMAND")) {
    throw new UsageError(
      `Model "${d.modelId ?? model}" cannot be invoked on demand (it supports ${types.join(", ")}).`,
      {
        hint: "Copy from a system-defined inference profile instead, e.g. --model us.<model id> (see `aws bedrock list-inference-profiles`).",
      },
    );
  }
  return {
    arn: d.modelArn,
    kind: "foundation-model",
    modelArns: [d.modelArn],
    modelId: modelIdOfArn(d.modelArn),
  };
}

function notAModel(model: string): UsageError {
  return new UsageError(`"${model}" is an application inference profile, not a model.`, {
    hint: "Give the foundation model id or the system-defined inference profile it was copied from.",
  });
}

function fromSystemProfile(model: string, out: GetInferenceProfileCommandOutput): ModelSource {
  if (out.type !== "SYSTEM_DEFINED" || !out.inferenceProfileArn) {
    throw notAModel(model);
  }
  const modelArns = (out.models ?? []).flatMap((m) => (m.modelArn ? [m.modelArn] : []));
  const first = modelArns[0];
  return {
    arn: out.inferenceProfileArn,
    kind: "inference-profile",
    modelArns,
    modelId: first ? modelIdOfArn(first) : (out.inferenceProfileId ?? model),
  };
}

function unknownModel(model: string, region: string): UsageError {
  return new UsageError(
    `Model "${model}" is neither a foundation model nor a system-defined inference profile in ${region}.`,
    {
      hint: `List what ${region} offers: \`aws bedrock list-foundation-models --region ${region}\` and \`aws bedrock list-inference-profiles --region ${region}\`; or pass --region.`,
    },
  );
}

/**
 * Resolves `model` to the ARN an application inference profile is copied from, in `client`'s region:
 * a foundation model id or ARN (`GetFoundationModel`), a system-defined inference profile id or ARN
 * (`GetInferenceProfile`). A bare id is tried as a foundation model first, then as a system profile.
 *
 * @throws {@link core!UsageError | UsageError} when the model is unknown in the region, is in another region, is an application
 *   profile, or cannot be invoked on demand; {@link core!AwsError | AwsError} when AWS fails otherwise
 * @example
 * ```ts
 * const src = await resolveModelSource(bedrock, "us.anthropic.claude-3-5-haiku-20241022-v1:0");
 * src.arn; // arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0
 * ```
 */
export async function resolveModelSource(client: BedrockClient, model: string): Promise<ModelSource> {
  const region = await client.config.region().catch((cause: unknown) => {
    throw new UsageError("No AWS region to look the model up in.", {
      cause,
      hint: "Pass --region, set AWS_REGION, or set region in smcb.config.json.",
    });
  });
  const arn = parseBedrockArn(model);
  if (arn) {
    if (arn.resourceType === "application-inference-profile") {
      throw notAModel(model);
    }
    if (arn.region !== region) {
      throw new UsageError(
        `"${model}" is in region ${arn.region || "(none)"}, but profiles are created in ${region}.`,
        {
          hint: `Pass --region ${arn.region}, or give the model id so it resolves in ${region}.`,
        },
      );
    }
    if (arn.resourceType === "foundation-model") {
      const out = await getFoundationModel(client, model);
      if (!out) throw unknownModel(model, region);
      return fromFoundationModel(model, out);
    }
    const out = await getInferenceProfile(client, model);
    if (!out) throw unknownModel(model, region);
    return fromSystemProfile(model, out);
  }
  if (!IDENTIFIER.test(model)) {
    throw new UsageError(`"${model}" is not a model id, inference profile id or Bedrock ARN.`, {
      hint: "Model ids look like anthropic.claude-3-haiku-20240307-v1:0; system profile ids like us.anthropic.claude-3-haiku-20240307-v1:0.",
    });
  }
  const fm = await getFoundationModel(client, model);
  if (fm) return fromFoundationModel(model, fm);
  const ip = await getInferenceProfile(client, model);
  if (ip) return fromSystemProfile(model, ip);
  throw unknownModel(model, region);
}
