/**
 * The base of the Lambda and Callback steps: free-form inputs (`Arguments`) and typed outputs
 * (`OutputParameters`) that later steps read as `Steps.<name>.OutputParameters['<output>']`.
 */
import type { JsonObject } from "../definition.js";
import { PipelineBuildError } from "../errors.js";
import { type PipelineVariable, render, type VariableKind, variable } from "../variable.js";
import { Step, type StepOptions } from "./step.js";

/** The type of an output parameter. */
export type OutputParameterType = "String" | "Integer" | "Boolean" | "Float";

/** An output a Lambda function returns or a callback supplies. */
export interface OutputParameter {
  /** The output's name. */
  readonly name: string;
  /** Its type. @default "String" */
  readonly type?: OutputParameterType;
}

/** An input value: JSON, where any value may be a pipeline variable. */
export type StepInput =
  | string
  | number
  | boolean
  | PipelineVariable
  | readonly StepInput[]
  | { readonly [key: string]: StepInput };

/** Props common to the Lambda and Callback steps. */
export interface OutputParameterStepProps extends StepOptions {
  /** What the step passes on (the Lambda event, the SQS message body's `Arguments`). @default {} */
  readonly inputs?: { readonly [key: string]: StepInput };
  /** The outputs later steps may read. @default [] */
  readonly outputs?: readonly OutputParameter[];
}

const KIND: Readonly<Record<OutputParameterType, VariableKind>> = {
  String: "string",
  Integer: "number",
  Float: "number",
  Boolean: "boolean",
};

/** A step with inputs in `Arguments` and declared `OutputParameters`. */
export abstract class OutputParameterStep extends Step {
  /** The declared outputs. */
  readonly outputs: readonly OutputParameter[];

  protected constructor(
    name: string,
    private readonly io: OutputParameterStepProps,
  ) {
    super(name, io);
    this.outputs = io.outputs ?? [];
    const seen = new Set<string>();
    for (const o of this.outputs) {
      if (seen.has(o.name))
        throw new PipelineBuildError("invalid", [`step ${name} declares output ${o.name} twice`]);
      seen.add(o.name);
    }
  }

  /**
   * The value of a declared output, e.g. `{"Get": "Steps.Check.OutputParameters['approved']"}`; an undeclared
   * name is a {@link PipelineBuildError}.
   */
  output(outputName: string): PipelineVariable {
    const declared = this.outputs.find((o) => o.name === outputName);
    if (!declared)
      throw new PipelineBuildError("invalid", [`step ${this.name} declares no output ${outputName}`]);
    const path = `Steps.${this.name}.OutputParameters['${outputName}']`;
    return variable(KIND[declared.type ?? "String"], () => ({ Get: path }));
  }

  protected renderArguments(): JsonObject {
    return render(this.io.inputs ?? {}) as JsonObject;
  }

  /** The step's own members (`FunctionArn`, `SqsQueueUrl`). */
  protected abstract renderTarget(): JsonObject;

  protected override renderExtra(): JsonObject {
    return {
      ...this.renderTarget(),
      OutputParameters: this.outputs.map((o) => ({ OutputName: o.name, OutputType: o.type ?? "String" })),
    };
  }
}
