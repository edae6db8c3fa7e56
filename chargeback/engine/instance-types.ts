/**
 * GPUs, vCPUs and memory of SageMaker hosting instance types: what one instance's capacity is when utilization is
 * measured (docs/utilization.md). A type missing here is given in the config (`sharedEndpoints[].instance`).
 */
import { ConfigError, DataSourceError } from "../../core/index.js";
import type { CostLine } from "../model.js";

/** The capacity of one instance. */
export interface InstanceSpec {
  /** Accelerator devices (NVIDIA GPUs); 0 for a CPU instance. */
  readonly gpus: number;
  readonly vcpus: number;
  readonly memoryGiB: number;
}

/**
 * A small table of common hosting types, from the Amazon EC2 instance type specifications (accelerated computing:
 * G4dn, G5, G6, P4d, P5; general purpose: M5; compute optimized: C5); an `ml.` type has the resources of the EC2
 * type of the same name.
 */
export const INSTANCE_SPECS: Readonly<Record<string, InstanceSpec>> = {
  "ml.c5.xlarge": { gpus: 0, vcpus: 4, memoryGiB: 8 },
  "ml.c5.2xlarge": { gpus: 0, vcpus: 8, memoryGiB: 16 },
  "ml.c5.4xlarge": { gpus: 0, vcpus: 16, memoryGiB: 32 },
  "ml.m5.large": { gpus: 0, vcpus: 2, memoryGiB: 8 },
  "ml.m5.xlarge": { gpus: 0, vcpus: 4, memoryGiB: 16 },
  "ml.m5.2xlarge": { gpus: 0, vcpus: 8, memoryGiB: 32 },
  "ml.m5.4xlarge": { gpus: 0, vcpus: 16, memoryGiB: 64 },
  "ml.g4dn.xlarge": { gpus: 1, vcpus: 4, memoryGiB: 16 },
  "ml.g4dn.2xlarge": { gpus: 1, vcpus: 8, memoryGiB: 32 },
  "ml.g4dn.12xlarge": { gpus: 4, vcpus: 48, memoryGiB: 192 },
  "ml.g5.xlarge": { gpus: 1, vcpus: 4, memoryGiB: 16 },
  "ml.g5.2xlarge": { gpus: 1, vcpus: 8, memoryGiB: 32 },
  "ml.g5.4xlarge": { gpus: 1, vcpus: 16, memoryGiB: 64 },
  "ml.g5.12xlarge": { gpus: 4, vcpus: 48, memoryGiB: 192 },
  "ml.g5.24xlarge": { gpus: 4, vcpus: 96, memoryGiB: 384 },
  "ml.g5.48xlarge": { gpus: 8, vcpus: 192, memoryGiB: 768 },
  "ml.g6.xlarge": { gpus: 1, vcpus: 4, memoryGiB: 16 },
  "ml.g6.12xlarge": { gpus: 4, vcpus: 48, memoryGiB: 192 },
  "ml.g6.48xlarge": { gpus: 8, vcpus: 192, memoryGiB: 768 },
  "ml.p4d.24xlarge": { gpus: 8, vcpus: 96, memoryGiB: 1152 },
  "ml.p5.48xlarge": { gpus: 8, vcpus: 192, memoryGiB: 2048 },
};

const HOST_TYPE = /(?:^|-)Host:(ml\.[a-z0-9-]+\.[a-z0-9-]+)/i;

/**
 * The instance type and capacity of a shared endpoint: the configured `instance` figures, else the configured
 * `instanceType` or the one type its hosting lines (`<REGION>-Host:ml.<type>`) name, looked up in
 * {@link INSTANCE_SPECS}.
 *
 * @throws {@link core!DataSourceError | DataSourceError} when the lines name no type or several; {@link core!ConfigError | ConfigError} for a type not in the table
 */
export function instanceOf(
  endpoint: {
    readonly name: string;
    readonly instanceType?: string | undefined;
    readonly instance?: InstanceSpec | undefined;
  },
  lines: readonly CostLine[],
): { readonly type: string; readonly spec: InstanceSpec } {
  let type = endpoint.instanceType;
  if (type === undefined) {
    const seen = new Set<string>();
    for (const l of lines) {
      const m = HOST_TYPE.exec(l.usageType);
      if (m) seen.add((m[1] as string).toLowerCase());
    }
    if (seen.size !== 1 && endpoint.instance === undefined)
      throw new DataSourceError(
        seen.size === 0
          ? `Shared endpoint ${endpoint.name}: no hosting cost line names its instance type.`
          : `Shared endpoint ${endpoint.name}: its hosting lines name several instance types (${[...seen].sort().join(", ")}).`,
        {
          hint: `Set sharedEndpoints[].instanceType (and instance, for a type not built in) for ${endpoint.name}.`,
        },
      );
    type = seen.size === 1 ? ([...seen][0] as string) : "custom";
  }
  const spec = endpoint.instance ?? INSTANCE_SPECS[type];
  if (spec === undefined)
    throw new ConfigError(
      `Shared endpoint ${endpoint.name}: instance type ${type} is not in the built-in table.`,
      [],
      {
        hint: `Set sharedEndpoints[].instance: { "gpus": …, "vcpus": …, "memoryGiB": … } for ${endpoint.name}.`,
      },
    );
  return { type, spec };
}
