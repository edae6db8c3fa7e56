/** A ClarifyCheck step: a data bias, model bias or model explainability baseline and drift check (Clarify). */

import type { JsonObject } from "../definition.js";
import { PipelineBuildError } from "../errors.js";
import { type PipelineVariable, render } from "../variable.js";
import { CheckStep, type CheckStepProps } from "./check-step.js";

/** What a clarify check measures. */
export type ClarifyCheckType = "DATA_BIAS" | "MODEL_BIAS" | "MODEL_EXPLAINABILITY";

/** The properties of a ClarifyCheck step: S3 URIs of the constraints it computed and the ones it checked against. */
export interface ClarifyCheckStepProperties {
  CalculatedBaselineConstraints: string;
  BaselineUsedForDriftCheckConstraints: string;
}

/** Props of a {@link ClarifyCheckStep}. */
export type ClarifyCheckStepProps = CheckStepProps &
  (
    | { readonly checkType: "DATA_BIAS"; readonly modelName?: undefined }
    | {
        readonly checkType: "MODEL_BIAS" | "MODEL_EXPLAINABILITY";
        /** The SageMaker model Clarify queries (through a shadow endpoint) for a model check. */
        readonly modelName: string | PipelineVariable;
      }
  );

/**
 * A ClarifyCheck step (type `ClarifyCheck`). Its Clarify processing job (and, for model checks, the shadow
 * endpoint it runs) is billed: the step is cost-bearing and carries the LOB tag in `Arguments.Tags`.
 *
 * @example
 * ```ts
 * const bias = new ClarifyCheckStep("ModelBias", { checkType: "MODEL_BIAS", modelName: model.properties.ModelName,
 *   request: { AppSpecification: { ImageUri: clarifyImage }, RoleArn: role, ProcessingInputs: [analysisConfig, dataset],
 *     ProcessingOutputConfig: { Outputs: [result] }, ProcessingResources: {...} },
 *   modelPackageGroupName: "churn" });
 * bias.properties.CalculatedBaselineConstraints; // {"Get": "Steps.ModelBias.CalculatedBaselineConstraints"}
 * ```
 */
export class ClarifyCheckStep extends CheckStep<ClarifyCheckType, ClarifyCheckStepProperties> {
  readonly type = "ClarifyCheck" as const;

  constructor(
    name: string,
    private readonly clarify: ClarifyCheckStepProps,
  ) {
    super(name, clarify.checkType, clarify);
    const modelCheck = clarify.checkType !== "DATA_BIAS";
    if (modelCheck !== (clarify.modelName !== undefined))
      throw new PipelineBuildError("invalid", [
        modelCheck
          ? `clarify check step ${name}: a ${clarify.checkType} check needs modelName`
          : `clarify check step ${name}: a DATA_BIAS check queries no model; leave modelName out`,
      ]);
  }

  protected override checkExtra(): JsonObject {
    const m = this.clarify.modelName;
    return m === undefined ? {} : { ModelName: render(m) };
  }
}
