/** A Processing step: a SageMaker processing job. */
import type { CreateProcessingJobRequest, DescribeProcessingJobResponse } from "@aws-sdk/client-sagemaker";
import type { JsonObject } from "./definition.js";
import type { PropertyFile } from "./expressions.js";
import { type PropertyTree, stepProperties } from "./properties.js";
import { type JobStepOptions, Step } from "./step.js";
import { type Pipelined, type PipelineVariable, render } from "./variable.js";

/** Props of a {@link ProcessingStep}. */
export interface ProcessingStepProps extends JobStepOptions {
  /** The `CreateProcessingJob` request without `ProcessingJobName`; any value may be a pipeline variable. */
  readonly request: Pipelined<Omit<CreateProcessingJobRequest, "ProcessingJobName">>;
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
export class ProcessingStep extends Step {
  readonly type = "Processing" as const;
  /** The step's properties (a `DescribeProcessingJob` response). */
  readonly properties: PropertyTree<DescribeProcessingJobResponse>;

  constructor(
    name: string,
    private readonly props: ProcessingStepProps,
  ) {
    super(name, props);
    this.properties = stepProperties<DescribeProcessingJobResponse>(name);
  }

  /** The S3 URI of the processing output named `outputName`. */
  outputUri(outputName: string): PipelineVariable {
    return this.properties.ProcessingOutputConfig.Outputs.get(outputName).S3Output.S3Uri;
  }

  /** The property files the step declares. */
  get propertyFiles(): readonly PropertyFile[] {
    return this.props.propertyFiles ?? [];
  }

  protected renderArguments(): JsonObject {
    return render(this.props.request) as JsonObject;
  }

  protected override renderExtra(): JsonObject {
    const files = this.propertyFiles;
    return files.length === 0
      ? {}
      : {
          PropertyFiles: files.map((f) => ({
            PropertyFileName: f.name,
            OutputName: f.outputName,
            FilePath: f.filePath,
          })),
        };
  }
}
