/** The error a pipeline definition that cannot be built throws. */
import { UsageError } from "../core/index.js";

/** What made a pipeline fail to build. */
export type PipelineBuildProblem =
  | "duplicate-step"
  | "duplicate-parameter"
  | "unknown-step"
  | "unknown-parameter"
  | "unknown-property-file"
  | "unknown-execution-variable"
  | "cycle"
  | "invalid";

/**
 * A pipeline that cannot be built: duplicate step names, references to unknown steps, parameters or
 * property files, a dependency cycle, or an invalid value (exit 2, as a usage error).
 *
 * @example
 * ```ts
 * try { pipeline.definition(); } catch (e) { if (e instanceof PipelineBuildError) console.error(e.problem, e.details); }
 * ```
 */
export class PipelineBuildError extends UsageError {
  /** The kind of the first problem found. */
  readonly problem: PipelineBuildProblem;
  /** Every problem found, one sentence each. */
  readonly details: readonly string[];

  constructor(problem: PipelineBuildProblem, details: readonly string[]) {
    super(
      details.length === 1
        ? `Pipeline cannot be built: ${details[0]}`
        : `Pipeline cannot be built:\n${details.map((d) => `  ${d}`).join("\n")}`,
    );
    this.problem = problem;
    this.details = details;
  }
}
