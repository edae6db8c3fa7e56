/** The `SharedEndpoint` construct: one endpoint, many LOBs, one inference component per LOB. */
import type { CfnEndpoint } from "aws-cdk-lib/aws-sagemaker";
import { Construct } from "constructs";
import type { TagPolicy } from "../core/index.js";
import {
  type EndpointPlan,
  type EndpointSpecInput,
  parseEndpointSpec,
  planEndpoint,
  type SharedEndpointSpec,
} from "../inference/index.js";
import { checkedBy } from "./construct-errors.js";
import { type EndpointResources, renderEndpointPlan } from "./endpoint-resources.js";

/** Props of a {@link SharedEndpoint}. */
export interface SharedEndpointProps {
  /** The endpoint spec (`mode: "shared"`), as in a `smcb endpoint deploy` file. */
  readonly spec: Extract<EndpointSpecInput, { mode: "shared" }>;
  /** The tag key and allowed LOBs (from `smcb.config.json`). */
  readonly policy: TagPolicy;
}

/**
 * A shared SageMaker endpoint: endpoint config and endpoint tagged `<tagKey>=<owner>` and
 * `SharedEndpoint=<name>`, and one inference component per LOB tagged `<tagKey>=<lob>`. Renders the same
 * resources, names and tags as `smcb endpoint deploy`.
 *
 * @example
 * ```ts
 * new SharedEndpoint(stack, "SharedLlm", {
 *   spec: JSON.parse(readFileSync("endpoints/shared-llm.json", "utf8")),
 *   policy: { tagKey: "LineOfBusiness", lobs: ["retail", "wealth", "platform"] },
 * });
 * ```
 */
export class SharedEndpoint extends Construct {
  /** The validated spec. */
  readonly spec: SharedEndpointSpec;
  /** What the spec renders to. */
  readonly plan: EndpointPlan;
  /** The CloudFormation resources. */
  readonly resources: EndpointResources;
  /** The endpoint. */
  readonly endpoint: CfnEndpoint;

  constructor(scope: Construct, id: string, props: SharedEndpointProps) {
    super(scope, id);
    this.spec = parseEndpointSpec(props.spec, `SharedEndpoint ${id} spec`) as SharedEndpointSpec;
    this.plan = checkedBy(this, () => planEndpoint(this.spec, props.policy));
    this.resources = renderEndpointPlan(this, this.plan);
    this.endpoint = this.resources.endpoint;
  }
}
