/** The base of steps whose `Arguments` are an API request (Processing, Training, Tuning, Transform, Model…). */
import type { JsonObject } from "../definition.js";
import { type PropertyTree, stepProperties } from "../properties.js";
import { render } from "../variable.js";
import { type JobStepOptions, Step } from "./step.js";

/** Props of a request step: the request (without the resource name) and the job-step options. */
export interface RequestStepProps<R> extends JobStepOptions {
  /** The Create* request without its resource name; any value may be a pipeline variable. */
  readonly request: R;
}

/**
 * A step whose `Arguments` are a rendered Create* request and whose properties are typed `P`
 * (the matching Describe* response).
 */
export abstract class RequestStep<R, P> extends Step {
  /** The step's properties, typed by the Describe* response of what it creates. */
  readonly properties: PropertyTree<P>;

  protected constructor(
    name: string,
    protected readonly props: RequestStepProps<R>,
  ) {
    super(name, props);
    this.properties = stepProperties<P>(name);
  }

  protected renderArguments(): JsonObject {
    return render(this.props.request) as JsonObject;
  }
}
