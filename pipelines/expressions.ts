/**
 * Expressions of the definition language: `Std:Join`, `Std:JsonGet`, execution variables and property files.
 */
import { type PipelineVariable, render, variable } from "./variable.js";

/** A value a `Std:Join` or a condition accepts: a primitive or a pipeline variable. */
export type Operand = string | number | boolean | PipelineVariable;

/**
 * `Std:Join`: concatenates values with a separator at run time.
 *
 * @example
 * ```ts
 * join("/", ["s3:/", bucket, ExecutionVariables.PipelineExecutionId, "train"])
 * // {"Std:Join": {"On": "/", "Values": ["s3:/", "my-bucket", {"Get": "Execution.PipelineExecutionId"}, "train"]}}
 * ```
 */
export function join(on: string, values: readonly Operand[]): PipelineVariable {
  return variable("string", () => ({ "Std:Join": { On: on, Values: values.map((v) => render(v)) } }));
}

/** A JSON file a Processing step writes, read by later steps with {@link jsonGet}. */
export interface PropertyFile {
  /** The name later steps refer to it by. */
  readonly name: string;
  /** The processing output (its `OutputName`) the file is written to. */
  readonly outputName: string;
  /** The file's path inside that output. */
  readonly filePath: string;
}

/**
 * A property file, declared on the Processing step that writes it (`propertyFiles: [...]`).
 *
 * @example
 * ```ts
 * const report = propertyFile("EvaluationReport", "evaluation", "evaluation.json");
 * ```
 */
export function propertyFile(name: string, outputName: string, filePath: string): PropertyFile {
  return { name, outputName, filePath };
}

/**
 * `Std:JsonGet`: a value read at run time from a property file of a step.
 *
 * @param stepName - the step that declares the property file (its `name`)
 * @param file - the property file (or its name)
 * @param path - a JSONPath into the file, e.g. `"metrics.auc.value"`
 */
export function jsonGet(stepName: string, file: PropertyFile | string, path: string): PipelineVariable {
  const fileName = typeof file === "string" ? file : file.name;
  return variable("unknown", () => ({
    "Std:JsonGet": {
      PropertyFile: { Get: `Steps.${stepName}.PropertyFiles.${fileName}` },
      Path: path,
    },
  }));
}

const executionVariable = (name: string): PipelineVariable =>
  variable("string", () => ({ Get: `Execution.${name}` }));

/** The names of the execution variables SageMaker resolves. */
export const EXECUTION_VARIABLE_NAMES = [
  "StartDateTime",
  "CurrentDateTime",
  "PipelineName",
  "PipelineArn",
  "PipelineExecutionId",
  "PipelineExecutionArn",
] as const;

/**
 * Execution variables: `{"Get": "Execution.<name>"}`.
 *
 * @example
 * ```ts
 * join("/", ["s3:/", "bucket", ExecutionVariables.PipelineExecutionId]);
 * ```
 */
export const ExecutionVariables: Readonly<
  Record<(typeof EXECUTION_VARIABLE_NAMES)[number], PipelineVariable>
> = Object.freeze(
  Object.fromEntries(EXECUTION_VARIABLE_NAMES.map((n) => [n, executionVariable(n)])) as Record<
    (typeof EXECUTION_VARIABLE_NAMES)[number],
    PipelineVariable
  >,
);
