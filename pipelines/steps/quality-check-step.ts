/** A QualityCheck step: a data or model quality baseline and drift check (Model Monitor). */

import type { JsonObject } from "../definition.js";
import { type PipelineVariable, render } from "../variable.js";
import { CheckStep, type CheckStepProps } from "./check-step.js";

/** What a quality check measures. */
export type QualityCheckType = "DATA_QUALITY" | "MODEL_QUALITY";

/** The properties of a QualityCheck step: S3 URIs of the baselines it computed and the ones it checked against. */
export interface QualityCheckStepProperties {
  CalculatedBaselineConstraints: string;
  CalculatedBaselineStatistics: string;
  BaselineUsedForDriftCheckConstraints: string;
  BaselineUsedForDriftCheckStatistics: string;
}

/** Props of a {@link QualityCheckStep}. */
export interface QualityCheckStepProps extends CheckStepProps {
  /** `DATA_QUALITY` (DefaultModelMonitor) or `MODEL_QUALITY` (ModelQualityMonitor). */
  readonly checkType: QualityCheckType;
  /** S3 URI of statistics to check against instead of the registered baseline. */
  readonly suppliedBaselineStatistics?: string | PipelineVariable;
}

/**
 * A QualityCheck step (type `QualityCheck`). Its baselining processing job is billed: the step is cost-bearing
 * and carries the LOB tag in `Arguments.Tags`.
 *
 * @example
 * ```ts
 * const dq = new QualityCheckStep("DataQuality", { checkType: "DATA_QUALITY", request: {
 *   AppSpecification: { ImageUri: modelMonitorImage }, RoleArn: role,
 *   ProcessingResources: { ClusterConfig: { InstanceType: "ml.m5.xlarge", InstanceCount: 1, VolumeSizeInGB: 30 } },
 *   Environment: { dataset_format: '{"csv": {"header": true}}', dataset_source: "/opt/ml/processing/input/baseline_dataset_input",
 *     output_path: "/opt/ml/processing/output", publish_cloudwatch_metrics: "Disabled" }, ... },
 *   modelPackageGroupName: "churn", skipCheck: skipParam });
 * dq.properties.CalculatedBaselineStatistics; // {"Get": "Steps.DataQuality.CalculatedBaselineStatistics"}
 * ```
 */
export class QualityCheckStep extends CheckStep<QualityCheckType, QualityCheckStepProperties> {
  readonly type = "QualityCheck" as const;

  constructor(
    name: string,
    private readonly quality: QualityCheckStepProps,
  ) {
    super(name, quality.checkType, quality);
  }

  protected override checkExtra(): JsonObject {
    const s = this.quality.suppliedBaselineStatistics;
    return s === undefined ? {} : { SuppliedBaselineStatistics: render(s) };
  }
}
