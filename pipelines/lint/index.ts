/**
 * Lint and retro-tagging of pipeline definitions made by other tools (the cost-bearing steps without the LOB
 * tag; the LOB parameter and tags added).
 * @module
 */
export {
  type LintFinding,
  type LintProblem,
  type LintResult,
  type LobTagPolicy,
  lintDefinition,
  lintReport,
} from "./lint.js";
export { type TagChange, type TagResult, tagDefinition } from "./tag.js";
