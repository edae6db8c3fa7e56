/** The pipeline builder: parameters and steps in, the definition JSON the SageMaker Python SDK emits out. */
import { MAX_TAGS_PER_RESOURCE, type TagPolicy, TagPolicyError } from "../core/index.js";
import {
  COST_BEARING_STEP_TYPES,
  DEFINITION_VERSION,
  type DefinitionParameter,
  type JsonObject,
  type JsonValue,
  type PipelineDefinition,
  walkSteps,
} from "./definition.js";
import { PipelineBuildError } from "./errors.js";
import { ExecutionVariables, type Operand } from "./expressions.js";
import { validateDefinition } from "./graph.js";
import { tagDefinition } from "./lint/index.js";
import type { Parameter } from "./parameter.js";
import type { Step } from "./steps/index.js";
import { type PipelineVariable, render } from "./variable.js";

/** The pipeline name rule of `CreatePipeline`. */
export const PIPELINE_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$/;

/** A static tag for every cost-bearing step. */
export interface StepTag {
  readonly Key: string;
  readonly Value: string | PipelineVariable;
}

/** Props of a {@link Pipeline}. */
export interface PipelineProps {
  /** The pipeline's name (letters, digits, hyphens; at most 256). */
  readonly name: string;
  /** The parameters, in the order the definition lists them. @default [] */
  readonly parameters?: readonly Parameter<string | number | boolean>[];
  /** The top-level steps (a Condition step carries its branch steps itself). */
  readonly steps: readonly Step[];
  /**
   * LOB propagation: adds a String parameter named `tagKey` (EnumValues = `lobs`) unless declared, and
   * `{"Key": tagKey, "Value": {"Get": "Parameters.<tagKey>"}}` to every cost-bearing step.
   * @default none: the definition is not LOB-tagged (lint will say so)
   */
  readonly tagPolicy?: TagPolicy;
  /** Static tags added to every cost-bearing step (a step's own tags win on equal keys). @default [] */
  readonly tags?: readonly StepTag[];
  /**
   * `PipelineExperimentConfig`; `null` leaves it out.
   * @default experiment = the pipeline name, trial = the execution id (as the SDK does)
   */
  readonly experimentConfig?: { readonly experimentName: Operand; readonly trialName: Operand } | null;
}

/**
 * A SageMaker pipeline.
 *
 * @example
 * ```ts
 * const pipeline = new Pipeline({
 *   name: "churn",
 *   parameters: [instanceType],
 *   steps: [prepare, train, tune, check],
 *   tagPolicy: { tagKey: "LineOfBusiness", lobs: ["retail", "wealth"] },
 * });
 * const json = JSON.stringify(pipeline.definition());
 * ```
 */
export class Pipeline {
  /** The pipeline's name. */
  readonly name: string;

  constructor(private readonly props: PipelineProps) {
    if (!PIPELINE_NAME_PATTERN.test(props.name))
      throw new PipelineBuildError("invalid", [
        `pipeline name "${props.name}" must be 1–256 letters, digits and single-or-more hyphens, starting and ending with a letter or digit`,
      ]);
    this.name = props.name;
  }

  /** The LOB tag policy the pipeline applies, if any. */
  get tagPolicy(): TagPolicy | undefined {
    return this.props.tagPolicy;
  }

  /**
   * Renders and checks the definition. Throws a {@link PipelineBuildError} for duplicate step or parameter
   * names, references to unknown steps, parameters or property files, and dependency cycles; a TagPolicyError
   * when a step would exceed 50 tags.
   */
  definition(): PipelineDefinition {
    const p = this.props;
    const parameters: DefinitionParameter[] = (p.parameters ?? []).map((x) => x.toRequest());
    const steps = p.steps.map((s) => s.toRequest());
    const experiment =
      p.experimentConfig === null
        ? {}
        : {
            PipelineExperimentConfig: {
              ExperimentName: render(p.experimentConfig?.experimentName ?? ExecutionVariables.PipelineName),
              TrialName: render(p.experimentConfig?.trialName ?? ExecutionVariables.PipelineExecutionId),
            },
          };
    let definition: PipelineDefinition = {
      Version: DEFINITION_VERSION,
      Metadata: {},
      Parameters: parameters,
      ...experiment,
      Steps: steps,
    };
    this.addStaticTags(definition);
    validateDefinition(definition);
    if (p.tagPolicy) {
      if (p.tags?.some((t) => t.Key === p.tagPolicy?.tagKey))
        throw new PipelineBuildError("invalid", [
          `static tag ${p.tagPolicy.tagKey} clashes with the LOB tag the tag policy adds`,
        ]);
      definition = tagDefinition(definition, p.tagPolicy).definition as unknown as PipelineDefinition;
    }
    for (const s of walkSteps(definition.Steps as unknown as JsonValue[])) {
      const tags = (s.step.Arguments as JsonObject | undefined)?.Tags;
      if (Array.isArray(tags) && tags.length > MAX_TAGS_PER_RESOURCE)
        throw new TagPolicyError(
          `Step ${s.name} would carry ${tags.length} tags; the limit is ${MAX_TAGS_PER_RESOURCE}.`,
        );
    }
    return definition;
  }

  /** The definition, so that `JSON.stringify(pipeline)` gives the definition JSON. */
  toJSON(): PipelineDefinition {
    return this.definition();
  }

  private addStaticTags(definition: PipelineDefinition): void {
    const extra = (this.props.tags ?? []).map((t) => ({ Key: t.Key, Value: render(t.Value) }));
    if (extra.length === 0) return;
    for (const s of walkSteps(definition.Steps as unknown as JsonValue[])) {
      if (!COST_BEARING_STEP_TYPES.includes(s.type)) continue;
      const args = s.step.Arguments as JsonObject;
      const own = Array.isArray(args.Tags) ? (args.Tags as JsonObject[]) : [];
      const ownKeys = new Set(own.map((t) => t.Key));
      args.Tags = [...extra.filter((t) => !ownKeys.has(t.Key)), ...own];
    }
  }
}
