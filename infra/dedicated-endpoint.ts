/** The `DedicatedEndpoint` construct: one LOB's endpoint, every resource tagged with that LOB. */
import type { CfnEndpoint } from "aws-cdk-lib/aws-sagemaker";
import { Construct } from "constructs";
import type { TagPolicy } from "../core/index.js";
import {
  type DedicatedEndpointSpec,
  type EndpointPlan,
  type EndpointSpecInput,
  parseEndpointSpec,
  planEndpoint,
} from "../inference/index.js";
import { checkedBy } from "./construct-errors.js";
import { type EndpointResources, renderEndpointPlan } from "./endpoint-resources.js";

/** Props of a {@link DedicatedEndpoint}. */
export interface DedicatedEndpointProps {
  /** The endpoint spec (`mode: "dedicated"`), as in a `smcb endpoint deploy` file. */
  readonly spec: Extract<EndpointSpecInput, { mode: "dedicated" }>;
  /** The tag key and allowed LOBs (from `smcb.config.json`). */
  readonly policy: TagPolicy;
}

/**
 * A SageMaker endpoint for one LOB: model, endpoint config, endpoint (and autoscaling when the spec has it),
 * each tagged `<tagKey>=<lob>`. Renders the same resources, names and tags as `smcb endpoint deploy`.
 *
 * @example
 * ```ts
 * new DedicatedEndpoint(stack, "RetailLlm", {
 *   spec: JSON.parse(readFileSync("endpoints/retail-llm.json", "utf8")),
 *   policy: { tagKey: "LineOfBusiness", lobs: ["retail", "wealth"] },
 * });
 * ```
 */
export class DedicatedEndpoint extends Construct {
  /** The validated spec. */
  readonly spec: DedicatedEndpointSpec;
  /** What the spec renders to. */
  readonly plan: EndpointPlan;
  /** The CloudFormation resources. */
  readonly resources: EndpointResources;
  /** The endpoint. */
  readonly endpoint: CfnEndpoint;

  constructor(scope: Construct, id: string, props: DedicatedEndpointProps) {
    super(scope, id);
    this.spec = parseEndpointSpec(props.spec, `DedicatedEndpoint ${id} spec`) as DedicatedEndpointSpec;
    this.plan = checkedBy(this, () => planEndpoint(this.spec, props.policy));
    this.resources = renderEndpointPlan(this, this.plan);
    this.endpoint = this.resources.endpoint;
  }
}
