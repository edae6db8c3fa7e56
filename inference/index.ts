/**
 * Inference: shared endpoints, Bedrock application inference profiles, usage recording.
 * @module
 */
export {
  type ApplicationProfile,
  BedrockProfileClient,
  type BedrockProfileClientOptions,
  type CreatedProfile,
  type CreateProfileOptions,
  createApplicationProfile,
  deriveProfileName,
  listApplicationProfiles,
  type ModelSource,
  type ProfileConverseInput,
  type ProfileConverseOutput,
  type ProfileConverseStreamInput,
  type ProfileConverseStreamOutput,
  type ProfileMatch,
  ProfileResolver,
  type ProfileResolverOptions,
  resolveModelSource,
} from "./bedrock/index.js";
