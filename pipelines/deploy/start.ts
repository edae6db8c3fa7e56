/**
 * Starts a pipeline execution for one LOB: the LOB is checked against the tag policy before any AWS call, the
 * parameters against the stored definition's names and types (DescribePipeline, a read) before
 * StartPipelineExecution. Nothing starts when anything is wrong.
 */
import {
  DescribePipelineCommand,
  type SageMakerClient,
  type Parameter as SageMakerParameter,
  StartPipelineExecutionCommand,
} from "@aws-sdk/client-sagemaker";
import { assertLob, type TagPolicy, toAwsError, UsageError } from "../../core/index.js";
import {
  asDefinition,
  type DefinitionParameter,
  declaredParameters,
  parseDefinition,
} from "../definition.js";
import {
  assertDescription,
  assertExecutionDisplayName,
  assertPipelineName,
  clientToken,
  isPipelineMissing,
  MAX_PARAMETER_VALUE_LENGTH,
} from "./aws-names.js";

/** Options of {@link startPipeline}. */
export interface StartPipelineOptions {
  /** The pipeline's name (or ARN). */
  readonly name: string;
  /** The LOB the execution's jobs are charged to. */
  readonly lob: string;
  /** The tag policy: the LOB parameter is named `tagKey`; `lob` must be in `lobs`. */
  readonly policy: TagPolicy;
  /** Other parameter values, by name. @default {} */
  readonly parameters?: Readonly<Record<string, string>>;
  /** An idempotency token (32–128 characters): re-running with the same token starts nothing new. @default random */
  readonly clientRequestToken?: string;
  /** The execution's display name. */
  readonly displayName?: string;
  /** The execution's description. */
  readonly description?: string;
}

/** What {@link startPipeline} started. */
export interface StartPipelineResult {
  readonly executionArn: string;
  /** The parameters sent, the LOB parameter first. */
  readonly parameters: readonly { readonly Name: string; readonly Value: string }[];
  readonly clientRequestToken: string;
}

function typeProblem(p: DefinitionParameter, value: string): string | undefined {
  if (value.length > MAX_PARAMETER_VALUE_LENGTH)
    return `${p.Name}: the value is ${value.length} characters; the limit is ${MAX_PARAMETER_VALUE_LENGTH}`;
  switch (p.Type) {
    case "Integer":
      return /^[+-]?\d+$/.test(value) ? undefined : `${p.Name}: "${value}" is not an Integer`;
    case "Float":
      return value.trim() !== "" && Number.isFinite(Number(value))
        ? undefined
        : `${p.Name}: "${value}" is not a Float`;
    case "Boolean":
      return value === "true" || value === "false"
        ? undefined
        : `${p.Name}: "${value}" is not a Boolean (true or false)`;
    default:
      return p.EnumValues && !p.EnumValues.includes(value)
        ? `${p.Name}: "${value}" is not one of ${p.EnumValues.join(", ")}`
        : undefined;
  }
}

/**
 * Checks execution parameters against a definition's declared parameters: the LOB parameter must exist (a
 * String), every given name must be declared, every value must parse as its type (and be one of its
 * EnumValues), and every parameter without a default must be given. Throws a UsageError listing every problem.
 *
 * @returns the parameters to send, the LOB parameter first
 */
export function checkExecutionParameters(
  definition: unknown,
  policy: TagPolicy,
  lob: string,
  given: Readonly<Record<string, string>>,
): { Name: string; Value: string }[] {
  const def =
    typeof definition === "string"
      ? parseDefinition(definition, "the stored definition")
      : asDefinition(definition);
  const declared = new Map(declaredParameters(def).map((p) => [p.Name, p]));
  const problems: string[] = [];
  const lobParam = declared.get(policy.tagKey);
  if (!lobParam) {
    throw new UsageError(
      `The pipeline declares no ${policy.tagKey} parameter: its jobs cannot carry the LOB of an execution.`,
      { hint: "Tag its definition (`smcb pipeline tag`), upsert it, then start it again." },
    );
  }
  if (lobParam.Type !== "String")
    problems.push(`${policy.tagKey}: the LOB parameter is ${lobParam.Type}, not String`);
  if (Object.hasOwn(given, policy.tagKey))
    problems.push(`${policy.tagKey}: give the LOB with --lob, not as a parameter`);
  const lobType = typeProblem({ ...lobParam, Type: "String" }, lob);
  if (lobType) problems.push(lobType);
  for (const [name, value] of Object.entries(given)) {
    if (name === policy.tagKey) continue;
    const p = declared.get(name);
    if (!p) {
      problems.push(
        `${name}: the pipeline has no such parameter (it has: ${[...declared.keys()].join(", ")})`,
      );
      continue;
    }
    const t = typeProblem(p, value);
    if (t) problems.push(t);
  }
  for (const p of declared.values())
    if (p.Name !== policy.tagKey && p.DefaultValue === undefined && !Object.hasOwn(given, p.Name))
      problems.push(`${p.Name}: required (it has no default value)`);
  if (problems.length > 0)
    throw new UsageError(`Invalid execution parameters:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  return [
    { Name: policy.tagKey, Value: lob },
    ...Object.entries(given).map(([Name, Value]) => ({ Name, Value })),
  ];
}

/**
 * Starts an execution of a pipeline for one LOB, after checking the LOB (no AWS call) and the parameters
 * against the stored definition (DescribePipeline).
 *
 * @example
 * ```ts
 * const { executionArn } = await startPipeline(sagemaker, { name: "churn", lob: "retail", policy, parameters: { MinAuc: "0.8" } });
 * ```
 */
export async function startPipeline(
  sagemaker: SageMakerClient,
  options: StartPipelineOptions,
): Promise<StartPipelineResult> {
  assertLob(options.policy, options.lob);
  const name = assertPipelineName(options.name, true);
  const token = clientToken(options.clientRequestToken);
  if (options.displayName !== undefined) assertExecutionDisplayName(options.displayName);
  if (options.description !== undefined) assertDescription(options.description);
  let definition: string | undefined;
  try {
    definition = (await sagemaker.send(new DescribePipelineCommand({ PipelineName: name })))
      .PipelineDefinition;
  } catch (e) {
    if (isPipelineMissing(e))
      throw new UsageError(`No pipeline named ${name}.`, {
        cause: e,
        hint: "Create it with `smcb pipeline upsert`; check --region.",
      });
    throw toAwsError("DescribePipeline", e);
  }
  if (definition === undefined)
    throw new UsageError(`Pipeline ${name} has no definition to check parameters against.`);
  const parameters: SageMakerParameter[] = checkExecutionParameters(
    definition,
    options.policy,
    options.lob,
    options.parameters ?? {},
  );
  try {
    const out = await sagemaker.send(
      new StartPipelineExecutionCommand({
        PipelineName: name,
        PipelineParameters: parameters,
        ClientRequestToken: token,
        ...(options.displayName !== undefined ? { PipelineExecutionDisplayName: options.displayName } : {}),
        ...(options.description !== undefined ? { PipelineExecutionDescription: options.description } : {}),
      }),
    );
    return {
      executionArn: out.PipelineExecutionArn ?? "",
      parameters: parameters.map((p) => ({ Name: p.Name ?? "", Value: p.Value ?? "" })),
      clientRequestToken: token,
    };
  } catch (e) {
    throw toAwsError("StartPipelineExecution", e);
  }
}
