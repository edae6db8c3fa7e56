/** A Callback step: sends a message to an SQS queue and waits for a `SendPipelineExecutionStepSuccess/Failure`. */
import type { JsonObject } from "../definition.js";
import { type PipelineVariable, render } from "../variable.js";
import { OutputParameterStep, type OutputParameterStepProps } from "./output-parameter-step.js";

/** Props of a {@link CallbackStep}. */
export interface CallbackStepProps extends OutputParameterStepProps {
  /** The URL of the SQS queue the step's message (token and `inputs`) is sent to. */
  readonly sqsQueueUrl: string | PipelineVariable;
}

/**
 * A Callback step (type `Callback`). Not cost-bearing in the LOB policy (docs/contracts.md#command-line-and-exit-codes): whatever the consumer of
 * the queue runs is outside the pipeline's definition; the builder adds no tag to it.
 *
 * @example
 * ```ts
 * const export_ = new CallbackStep("ExportToWarehouse", { sqsQueueUrl: "https://sqs.us-east-1.amazonaws.com/111122223333/exports",
 *   inputs: { scores: score.properties.TransformOutput.S3OutputPath }, outputs: [{ name: "rows", type: "Integer" }] });
 * export_.output("rows"); // {"Get": "Steps.ExportToWarehouse.OutputParameters['rows']"}
 * ```
 */
export class CallbackStep extends OutputParameterStep {
  readonly type = "Callback" as const;

  constructor(
    name: string,
    private readonly callback: CallbackStepProps,
  ) {
    super(name, callback);
  }

  protected renderTarget(): JsonObject {
    return { SqsQueueUrl: render(this.callback.sqsQueueUrl) };
  }
}
