/** A Lambda step: invokes an AWS Lambda function and reads its outputs. */
import type { JsonObject } from "../definition.js";
import { type PipelineVariable, render } from "../variable.js";
import { OutputParameterStep, type OutputParameterStepProps } from "./output-parameter-step.js";

/** Props of a {@link LambdaStep}. */
export interface LambdaStepProps extends OutputParameterStepProps {
  /** The ARN of the function to invoke (it must exist: the builder creates no function). */
  readonly functionArn: string | PipelineVariable;
}

/**
 * A Lambda step (type `Lambda`). Not cost-bearing in the LOB policy (docs/contracts.md#command-line-and-exit-codes): no job is created, and the
 * function's own cost is Lambda's; the builder adds no tag to it.
 *
 * @example
 * ```ts
 * const gate = new LambdaStep("ApprovalGate", { functionArn: "arn:aws:lambda:us-east-1:111122223333:function:gate",
 *   inputs: { model: train.modelArtifacts }, outputs: [{ name: "approved", type: "Boolean" }] });
 * equalTo(gate.output("approved"), true); // {"Get": "Steps.ApprovalGate.OutputParameters['approved']"}
 * ```
 */
export class LambdaStep extends OutputParameterStep {
  readonly type = "Lambda" as const;

  constructor(
    name: string,
    private readonly lambda: LambdaStepProps,
  ) {
    super(name, lambda);
  }

  protected renderTarget(): JsonObject {
    return { FunctionArn: render(this.lambda.functionArn) };
  }
}
