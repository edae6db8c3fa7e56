/** A Processing step: a SageMaker processing job. */
import type { CreateProcessingJobRequest, DescribeProcessingJobResponse } from "@aws-sdk/client-sagemaker";
import type { JsonObject } from "../definition.js";
import type { PropertyFile } from "../expressions.js";
import type { Pipelined, PipelineVariable } from "../variable.js";
import { RequestStep, type RequestStepProps } from "./request-step.js";

/** The `CreateProcessingJob` request without `ProcessingJobName`; any value may be a pipeline variable. */
export type ProcessingRequest = Pipelined<Omit<CreateProcessingJobRequest, "ProcessingJobName">>;

/** Props of a {@link ProcessingStep}. */
export interface ProcessingStepProps extends RequestStepProps<ProcessingRequest> {
  /** JSON files the job writes that later steps read with `jsonGet`. */
  readonly propertyFiles?: readonly PropertyFile[];
}

/**
 * A Processing step.
 *
 * @example
 * ```ts
 * const prep = new ProcessingStep("Prepare", { request: { AppSpecification: { ImageUri: image }, RoleArn: role,
 *   ProcessingResources: { ClusterConfig: { InstanceType: "ml.m5.xlarge", InstanceCount: 1, VolumeSizeInGB: 30 } } } });
 * prep.outputUri("train"); // {"Get": "Steps.Prepare.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri"}
 * ```
 */
export class ProcessingStep extends RequestStep<ProcessingRequest, DescribeProcessingJobResponse> {
  readonly type = "Processing" as const;
  /** The property files the step declares. */
  readonly propertyFiles: readonly PropertyFile[];

  constructor(name: string, props: ProcessingStepProps) {
    super(name, props);
    this.propertyFiles = props.propertyFiles ?? [];
  }

  /** The S3 URI of the processing output named `outputName`. */
  outputUri(outputName: string): PipelineVariable {
    return this.properties.ProcessingOutputConfig.Outputs.get(outputName).S3Output.S3Uri;
  }

  protected override renderExtra(): JsonObject {
    return this.propertyFiles.length === 0
      ? {}
      : {
          PropertyFiles: this.propertyFiles.map((f) => ({
            PropertyFileName: f.name,
            OutputName: f.outputName,
            FilePath: f.filePath,
          })),
        };
  }
}
