/**
 * Bedrock application inference profiles per LOB: create, list, resolve by tags, and invoke through them.
 * @module
 */
export { type BedrockArn, modelIdOfArn, parseBedrockArn } from "./arn.js";
export { type ModelSource, resolveModelSource } from "./model-source.js";
export {
  deriveProfileName,
  MAX_PROFILE_DESCRIPTION_LENGTH,
  MAX_PROFILE_NAME_LENGTH,
  type ProfileNameParts,
  type ProfileRequestIdentity,
  profileDescriptionProblem,
  profileNameProblem,
  profileRequestToken,
} from "./naming.js";
export {
  BedrockProfileClient,
  type BedrockProfileClientOptions,
  type ProfileConverseInput,
  type ProfileConverseOutput,
  type ProfileConverseStreamInput,
  type ProfileConverseStreamOutput,
} from "./profile-client.js";
export {
  DEFAULT_PROFILE_CACHE_TTL_MS,
  type ProfileMatch,
  ProfileResolver,
  type ProfileResolverOptions,
} from "./profile-resolver.js";
export {
  type ApplicationProfile,
  type CreatedProfile,
  type CreateProfileOptions,
  createApplicationProfile,
  hasTags,
  type ListProfilesOptions,
  listApplicationProfileSummaries,
  listApplicationProfiles,
  readProfileTags,
} from "./profiles.js";
export { bedrockTagProblems, fromBedrockTags, MAX_BEDROCK_TAGS, profileTags, toBedrockTags } from "./tags.js";
