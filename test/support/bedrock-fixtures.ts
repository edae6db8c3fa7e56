/** Shared Bedrock test data: ARNs and `InferenceProfileSummary` objects as the service returns them. */
import type { InferenceProfileSummary } from "@aws-sdk/client-bedrock";

/** The ARN of application inference profile `id` in us-east-1 of the test account. */
export function appProfileArn(id: string): string {
  return `arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/${id}`;
}

/** The ARN of a foundation model in us-east-1. */
export function foundationModelArn(modelId: string): string {
  return `arn:aws:bedrock:us-east-1::foundation-model/${modelId}`;
}

/** An ACTIVE application profile summary named `name-<id>`, routing to `modelArn`. */
export function appProfileSummary(
  id: string,
  modelArn = foundationModelArn("amazon.nova-pro-v1:0"),
): InferenceProfileSummary {
  return {
    inferenceProfileName: `name-${id}`,
    inferenceProfileArn: appProfileArn(id),
    inferenceProfileId: id,
    models: [{ modelArn }],
    status: "ACTIVE",
    type: "APPLICATION",
    createdAt: new Date("2026-11-01T00:00:00Z"),
  };
}
