/**
 * A fake SageMaker (aws-sdk-client-mock) holding one endpoint's inference components, since moto has none: it
 * answers `ListInferenceComponents` (one component a page), `DescribeInferenceComponent` and `ListTags`, and checks
 * every request and answer against botocore's SageMaker model.
 */
import {
  DescribeInferenceComponentCommand,
  ListInferenceComponentsCommand,
  ListTagsCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { mockClient } from "aws-sdk-client-mock";
import { expect } from "vitest";
import { loadApiModel, shapeProblems } from "./api-model.js";

/** One component of the fake. */
export interface FakeComponent {
  readonly name: string;
  /** The `LineOfBusiness` tag, or `null` for none. */
  readonly lob: string | null;
  readonly accelerators?: number;
  readonly cpuCores: number;
  readonly memoryMb: number;
  readonly copies: number;
}

const ACCOUNT = "arn:aws:sagemaker:us-east-1:111122223333";

/** Installs the fake on every `SageMakerClient`; `calls` lists the operations asked, in order. */
export function fakeInferenceComponents(endpoint: string, components: readonly FakeComponent[]) {
  const model = loadApiModel("sagemaker");
  const mock = mockClient(SageMakerClient);
  const calls: string[] = [];
  const checked = <T>(op: string, input: unknown, out: T): T => {
    calls.push(op);
    expect(shapeProblems(model, op, "input", input)).toEqual([]);
    expect(shapeProblems(model, op, "output", out)).toEqual([]);
    return out;
  };
  const arn = (n: string) => `${ACCOUNT}:inference-component/${n}`;
  const common = (n: string) => ({
    InferenceComponentName: n,
    InferenceComponentArn: arn(n),
    EndpointName: endpoint,
    EndpointArn: `${ACCOUNT}:endpoint/${endpoint}`,
    CreationTime: new Date("2026-09-01T00:00:00Z"),
    LastModifiedTime: new Date("2026-09-01T00:00:00Z"),
  });
  mock.on(ListInferenceComponentsCommand).callsFake((input) => {
    const mine = input.EndpointNameEquals === endpoint ? components : [];
    const i = Number(input.NextToken ?? "0");
    const page = mine.slice(i, i + 1);
    return checked("ListInferenceComponents", input, {
      InferenceComponents: page.map((c) => ({
        ...common(c.name),
        VariantName: "AllTraffic",
        InferenceComponentStatus: "InService" as const,
      })),
      ...(i + 1 < mine.length ? { NextToken: String(i + 1) } : {}),
    });
  });
  mock.on(DescribeInferenceComponentCommand).callsFake((input) => {
    const c = components.find((x) => x.name === input.InferenceComponentName) as FakeComponent;
    return checked("DescribeInferenceComponent", input, {
      ...common(c.name),
      Specification: {
        ModelName: "m",
        ComputeResourceRequirements: {
          ...(c.accelerators ? { NumberOfAcceleratorDevicesRequired: c.accelerators } : {}),
          NumberOfCpuCoresRequired: c.cpuCores,
          MinMemoryRequiredInMb: c.memoryMb,
        },
      },
      RuntimeConfig: { DesiredCopyCount: c.copies, CurrentCopyCount: c.copies },
    });
  });
  mock.on(ListTagsCommand).callsFake((input) => {
    const c = components.find((x) => arn(x.name) === input.ResourceArn);
    return checked("ListTags", input, { Tags: c?.lob ? [{ Key: "LineOfBusiness", Value: c.lob }] : [] });
  });
  return { client: new SageMakerClient({ region: "us-east-1" }), calls, restore: () => mock.restore() };
}
