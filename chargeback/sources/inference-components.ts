/**
 * Utilization source for `components`: a shared endpoint's inference components from the SageMaker API —
 * `ListInferenceComponents` (every page, `EndpointNameEquals`), `DescribeInferenceComponent` for what one copy
 * reserves (`Specification.ComputeResourceRequirements`: `NumberOfAcceleratorDevicesRequired`,
 * `NumberOfCpuCoresRequired`, `MinMemoryRequiredInMb`) and its `RuntimeConfig.CurrentCopyCount`, `ListTags` for its
 * LOB tag (DESIGN §3.2).
 */
import {
  DescribeInferenceComponentCommand,
  paginateListInferenceComponents,
  type SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { findLobTag, type TagPolicy, toAwsError } from "../../core/index.js";
import { tagsOf } from "../../inference/index.js";
import type { UtilizationRecord } from "../model.js";

/** One component as described, with its current copy count. */
export interface DescribedComponent {
  readonly record: Extract<UtilizationRecord, { kind: "component" }>;
  readonly currentCopies: number;
}

/**
 * Describes the inference components of one endpoint.
 *
 * @example
 * ```ts
 * const comps = await describeComponents(sm, "shared-llm", { tagKey: "LineOfBusiness" });
 * ```
 * @throws {@link core!AwsError | AwsError} when a call fails
 */
export async function describeComponents(
  sm: SageMakerClient,
  endpoint: string,
  policy: Pick<TagPolicy, "tagKey">,
): Promise<DescribedComponent[]> {
  const out: DescribedComponent[] = [];
  try {
    for await (const page of paginateListInferenceComponents(
      { client: sm },
      { EndpointNameEquals: endpoint },
    ))
      for (const ic of page.InferenceComponents ?? []) {
        const name = ic.InferenceComponentName ?? "";
        const d = await sm.send(new DescribeInferenceComponentCommand({ InferenceComponentName: name }));
        const req = d.Specification?.ComputeResourceRequirements;
        out.push({
          record: {
            kind: "component",
            endpoint,
            component: name,
            lob: findLobTag(policy, await tagsOf(sm, ic.InferenceComponentArn)) ?? null,
            accelerators: req?.NumberOfAcceleratorDevicesRequired ?? 0,
            cpuCores: req?.NumberOfCpuCoresRequired ?? 0,
            memoryMb: req?.MinMemoryRequiredInMb ?? 0,
          },
          currentCopies: d.RuntimeConfig?.CurrentCopyCount ?? 0,
        });
      }
  } catch (e) {
    throw toAwsError("DescribeInferenceComponent", e);
  }
  return out.sort((a, b) => (a.record.component < b.record.component ? -1 : 1));
}
