/**
 * The SDK renderer of an endpoint plan: idempotent deploy (unchanged spec → no change; changed spec → new endpoint
 * config and UpdateEndpoint; inference components on the endpoint that the spec no longer names are reported as
 * strays and, with `prune`, deleted), and delete. Waits with the SDK's waiters, reporting each status they observe.
 */
import {
  type ApplicationAutoScalingClient,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
} from "@aws-sdk/client-application-auto-scaling";
import {
  AddTagsCommand,
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateInferenceComponentCommand,
  type CreateInferenceComponentInput,
  CreateModelCommand,
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteInferenceComponentCommand,
  DeleteModelCommand,
  DescribeEndpointCommand,
  type DescribeEndpointCommandOutput,
  DescribeEndpointConfigCommand,
  DescribeInferenceComponentCommand,
  type DescribeInferenceComponentCommandOutput,
  DescribeModelCommand,
  type InferenceComponentSummary,
  paginateListInferenceComponents,
  type SageMakerClient,
  UpdateEndpointCommand,
  UpdateInferenceComponentCommand,
  waitUntilEndpointDeleted,
  waitUntilEndpointInService,
} from "@aws-sdk/client-sagemaker";
import { AwsError, toAwsError } from "../../core/index.js";
import type { EndpointPlan } from "./endpoint-plan.js";

/** A status change observed while waiting. */
export interface DeployProgress {
  /** `endpoint` or `component`. */
  readonly resource: "endpoint" | "component";
  readonly name: string;
  readonly status: string;
  /** Seconds since the wait began. */
  readonly elapsedSeconds: number;
}

/** What deploy and delete need. */
export interface EndpointDeps {
  readonly sagemaker: SageMakerClient;
  /** Needed when the plan has autoscaling. */
  readonly autoscaling?: ApplicationAutoScalingClient;
  /** Called with each status a waiter observes. */
  readonly onProgress?: (p: DeployProgress) => void;
  /** Longest wait for one resource, in seconds. @default 3600 */
  readonly maxWaitSeconds?: number;
  /** Seconds between polls of the waiters. @default 30 (the SDK's) */
  readonly pollSeconds?: number;
}

/** How to deploy. */
export interface DeployOptions {
  /**
   * Delete the stray inference components (on the endpoint, not in the spec) once the spec's components are in
   * service, and wait until they are gone.
   * @default false
   */
  readonly prune?: boolean;
}

/** An inference component on a shared endpoint whose spec does not name it. */
export interface StrayComponent {
  readonly name: string;
  /** Its status when listed. */
  readonly status: string;
}

/** What a deploy did. */
export interface DeployResult {
  readonly endpointName: string;
  /** `updated` also when only components changed or strays were pruned. */
  readonly action: "created" | "updated" | "unchanged";
  readonly endpointConfigName: string;
  readonly createdModels: string[];
  readonly components: { readonly name: string; readonly action: "created" | "updated" | "unchanged" }[];
  /** The endpoint's inference components that the spec does not name (empty for a dedicated endpoint). */
  readonly strays: StrayComponent[];
  /** The strays deleted (only with `prune`). */
  readonly pruned: string[];
  readonly autoscaling: boolean;
}

/** Whether an SDK error says the resource does not exist (SageMaker answers ValidationException for that). */
export function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return (
    e?.name === "ResourceNotFound" ||
    (e?.name === "ValidationException" && /could not find|does not exist|not found/i.test(e.message ?? ""))
  );
}

async function orUndefined<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** A client whose DescribeX answers are reported as progress: the waiter polls through it. */
function observed(deps: EndpointDeps, resource: DeployProgress["resource"], name: string): SageMakerClient {
  const started = Date.now();
  return {
    send: async (command: Parameters<SageMakerClient["send"]>[0]) => {
      const out = (await deps.sagemaker.send(command as never)) as { EndpointStatus?: string };
      deps.onProgress?.({
        resource,
        name,
        status: out.EndpointStatus ?? "unknown",
        elapsedSeconds: Math.round((Date.now() - started) / 1000),
      });
      return out;
    },
  } as unknown as SageMakerClient;
}

function waiterConfig(deps: EndpointDeps, client: SageMakerClient) {
  const poll = deps.pollSeconds ?? 30;
  return { client, maxWaitTime: deps.maxWaitSeconds ?? 3600, minDelay: poll, maxDelay: Math.max(poll, 120) };
}

async function waitInService(deps: EndpointDeps, name: string): Promise<void> {
  await waitUntilEndpointInService(waiterConfig(deps, observed(deps, "endpoint", name)), {
    EndpointName: name,
  });
}

/** There is no SDK waiter for inference components: poll DescribeInferenceComponent the same way. */
async function waitComponent(deps: EndpointDeps, name: string): Promise<void> {
  const started = Date.now();
  const until = started + (deps.maxWaitSeconds ?? 3600) * 1000;
  for (;;) {
    const out = await deps.sagemaker.send(
      new DescribeInferenceComponentCommand({ InferenceComponentName: name }),
    );
    const status = out.InferenceComponentStatus ?? "unknown";
    deps.onProgress?.({
      resource: "component",
      name,
      status,
      elapsedSeconds: Math.round((Date.now() - started) / 1000),
    });
    if (status === "InService") return;
    if (status === "Failed")
      throw new AwsError(`Inference component ${name} failed: ${out.FailureReason ?? ""}`);
    if (Date.now() > until) throw new AwsError(`Inference component ${name} not InService after waiting.`);
    await new Promise((r) => setTimeout(r, (deps.pollSeconds ?? 30) * 1000));
  }
}

/**
 * Waits until DescribeInferenceComponent answers "not found" (there is no SDK waiter for inference components),
 * at most `maxWaitSeconds`.
 */
async function waitComponentDeleted(deps: EndpointDeps, name: string): Promise<void> {
  const started = Date.now();
  const maxWait = deps.maxWaitSeconds ?? 3600;
  for (;;) {
    const out = await orUndefined(
      deps.sagemaker.send(new DescribeInferenceComponentCommand({ InferenceComponentName: name })),
    );
    const status = out ? (out.InferenceComponentStatus ?? "unknown") : "Deleted";
    const elapsedSeconds = Math.round((Date.now() - started) / 1000);
    deps.onProgress?.({ resource: "component", name, status, elapsedSeconds });
    if (!out) return;
    if (Date.now() - started > maxWait * 1000)
      throw new AwsError(
        `Inference component ${name} is still ${status} ${elapsedSeconds}s after DeleteInferenceComponent.`,
        {
          hint: `Check it with \`aws sagemaker describe-inference-component --inference-component-name ${name}\`; run the command again to wait longer.`,
        },
      );
    await new Promise((r) => setTimeout(r, (deps.pollSeconds ?? 30) * 1000));
  }
}

/** Every inference component SageMaker lists for the endpoint (all pages); none when there is no such endpoint. */
async function componentsOf(sm: SageMakerClient, endpointName: string): Promise<InferenceComponentSummary[]> {
  const out: InferenceComponentSummary[] = [];
  try {
    for await (const page of paginateListInferenceComponents(
      { client: sm },
      { EndpointNameEquals: endpointName },
    ))
      out.push(...(page.InferenceComponents ?? []));
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
  // Only ever the components of this endpoint, whatever the filter let through.
  return out.filter((ic) => ic.EndpointName === endpointName && ic.InferenceComponentName);
}

function straysOf(plan: EndpointPlan, listed: InferenceComponentSummary[]): StrayComponent[] {
  const wanted = new Set(plan.components.map((c) => c.InferenceComponentName));
  return listed
    .filter((ic) => !wanted.has(ic.InferenceComponentName))
    .map((ic) => ({
      name: ic.InferenceComponentName as string,
      status: ic.InferenceComponentStatus ?? "unknown",
    }));
}

/**
 * The inference components on a shared plan's endpoint that the plan does not name: what `deployEndpoint` with
 * `prune` would delete. Always empty for a dedicated plan (no call is made).
 *
 * @example
 * ```ts
 * const strays = await findStrayComponents(plan, new SageMakerClient({}));
 * ```
 * @throws {@link core!AwsError | AwsError} naming ListInferenceComponents when listing fails
 */
export async function findStrayComponents(
  plan: EndpointPlan,
  sagemaker: SageMakerClient,
): Promise<StrayComponent[]> {
  if (plan.mode !== "shared") return [];
  try {
    return straysOf(plan, await componentsOf(sagemaker, plan.endpointName));
  } catch (error) {
    throw toAwsError(`ListInferenceComponents ${plan.endpointName}`, error);
  }
}

function sameComponent(
  want: CreateInferenceComponentInput,
  have: DescribeInferenceComponentCommandOutput,
): boolean {
  const w = want.Specification;
  const h = have.Specification;
  const wc = w?.ComputeResourceRequirements;
  const hc = h?.ComputeResourceRequirements;
  return (
    (w?.ModelName ?? null) === (h?.ModelName ?? null) &&
    (w?.Container?.Image ?? null) === (h?.Container?.DeployedImage?.SpecifiedImage ?? null) &&
    (w?.Container?.ArtifactUrl ?? null) === (h?.Container?.ArtifactUrl ?? null) &&
    JSON.stringify(w?.Container?.Environment ?? {}) === JSON.stringify(h?.Container?.Environment ?? {}) &&
    wc?.MinMemoryRequiredInMb === hc?.MinMemoryRequiredInMb &&
    wc?.NumberOfCpuCoresRequired === hc?.NumberOfCpuCoresRequired &&
    wc?.NumberOfAcceleratorDevicesRequired === hc?.NumberOfAcceleratorDevicesRequired &&
    want.RuntimeConfig?.CopyCount === have.RuntimeConfig?.DesiredCopyCount
  );
}

/**
 * Deploys a plan. Running it twice with the same plan changes nothing the second time. For a shared endpoint it
 * then lists the endpoint's inference components and reports those the plan does not name (`strays`); with
 * `prune` it deletes them, only after the plan's components are in service, and waits until they are gone.
 * Deploy registers no component-level autoscaling, so pruning has no scalable target of its own to deregister.
 *
 * @example
 * ```ts
 * const plan = planEndpoint(parseEndpointSpec(raw), { tagKey: cfg.tagKey, lobs: cfg.lobs });
 * const result = await deployEndpoint(plan, { sagemaker: new SageMakerClient({}) }, { prune: true });
 * ```
 * @throws {@link core!AwsError | AwsError} naming the action when a call fails or a resource does not come into service or go
 */
export async function deployEndpoint(
  plan: EndpointPlan,
  deps: EndpointDeps,
  options: DeployOptions = {},
): Promise<DeployResult> {
  const at: Step = { step: "DescribeEndpoint" };
  try {
    const createdModels: string[] = [];
    const action = await ensureEndpoint(plan, deps, at, createdModels);
    const components = await ensureComponents(plan, deps, at, createdModels);
    const { strays, pruned } = await pruneStrays(plan, deps, at, options.prune === true);
    await registerScaling(plan, deps, at);
    return {
      endpointName: plan.endpointName,
      action:
        action === "unchanged" && (components.some((c) => c.action !== "unchanged") || pruned.length > 0)
          ? "updated"
          : action,
      endpointConfigName: plan.endpointConfig.EndpointConfigName as string,
      createdModels,
      components,
      strays,
      pruned,
      autoscaling: plan.scaling !== undefined,
    };
  } catch (error) {
    throw toAwsError(at.step, error);
  }
}

/** The deploy step under way, named in the error when a call fails. */
interface Step {
  step: string;
}

/** Creates the plan's models that do not exist yet, adding their names to `created`. */
async function ensureModels(
  sm: EndpointDeps["sagemaker"],
  models: EndpointPlan["models"],
  at: Step,
  created: string[],
): Promise<void> {
  for (const m of models) {
    at.step = `CreateModel ${m.ModelName}`;
    if (await orUndefined(sm.send(new DescribeModelCommand({ ModelName: m.ModelName })))) continue;
    await sm.send(new CreateModelCommand(m));
    created.push(m.ModelName as string);
  }
}

/**
 * The endpoint: when it does not run the plan's endpoint config, its models and config are created and the endpoint
 * created or updated (its tags with it); then it is waited for until in service.
 */
async function ensureEndpoint(
  plan: EndpointPlan,
  deps: EndpointDeps,
  at: Step,
  createdModels: string[],
): Promise<DeployResult["action"]> {
  const sm = deps.sagemaker;
  const name = plan.endpointName;
  const configName = plan.endpointConfig.EndpointConfigName as string;
  const existing: DescribeEndpointCommandOutput | undefined = await orUndefined(
    sm.send(new DescribeEndpointCommand({ EndpointName: name })),
  );
  let action: DeployResult["action"] = "unchanged";
  if (existing?.EndpointConfigName !== configName) {
    await ensureModels(sm, plan.models, at, createdModels);
    at.step = `CreateEndpointConfig ${configName}`;
    if (!(await orUndefined(sm.send(new DescribeEndpointConfigCommand({ EndpointConfigName: configName })))))
      await sm.send(new CreateEndpointConfigCommand(plan.endpointConfig));
    if (existing) {
      at.step = `UpdateEndpoint ${name}`;
      await sm.send(new UpdateEndpointCommand({ EndpointName: name, EndpointConfigName: configName }));
      await sm.send(new AddTagsCommand({ ResourceArn: existing.EndpointArn, Tags: plan.endpoint.Tags }));
      action = "updated";
    } else {
      at.step = `CreateEndpoint ${name}`;
      await sm.send(new CreateEndpointCommand(plan.endpoint));
      action = "created";
    }
  }
  at.step = `waiting for ${name}`;
  if (action !== "unchanged" || existing?.EndpointStatus !== "InService") await waitInService(deps, name);
  return action;
}

/** Each inference component of the plan: created, or updated (tags too) when it differs, then waited for. */
async function ensureComponents(
  plan: EndpointPlan,
  deps: EndpointDeps,
  at: Step,
  createdModels: string[],
): Promise<DeployResult["components"][number][]> {
  const sm = deps.sagemaker;
  const components: DeployResult["components"][number][] = [];
  for (const c of plan.components) {
    const icName = c.InferenceComponentName as string;
    at.step = `DescribeInferenceComponent ${icName}`;
    await ensureModels(
      sm,
      plan.models.filter((m) => m.ModelName === c.Specification?.ModelName),
      at,
      createdModels,
    );
    at.step = `DescribeInferenceComponent ${icName}`;
    const have = await orUndefined(
      sm.send(new DescribeInferenceComponentCommand({ InferenceComponentName: icName })),
    );
    if (!have) {
      at.step = `CreateInferenceComponent ${icName}`;
      await sm.send(new CreateInferenceComponentCommand(c));
      components.push({ name: icName, action: "created" });
    } else if (!sameComponent(c, have)) {
      at.step = `UpdateInferenceComponent ${icName}`;
      await sm.send(
        new UpdateInferenceComponentCommand({
          InferenceComponentName: icName,
          Specification: c.Specification,
          RuntimeConfig: c.RuntimeConfig,
        }),
      );
      await sm.send(new AddTagsCommand({ ResourceArn: have.InferenceComponentArn, Tags: c.Tags }));
      components.push({ name: icName, action: "updated" });
    } else {
      components.push({ name: icName, action: "unchanged" });
      continue;
    }
    at.step = `waiting for ${icName}`;
    await waitComponent(deps, icName);
  }
  return components;
}

/**
 * A shared endpoint's components that the plan does not name (`strays`); with `prune`, deleted (after the plan's
 * components are in service) and waited for until gone.
 */
async function pruneStrays(
  plan: EndpointPlan,
  deps: EndpointDeps,
  at: Step,
  prune: boolean,
): Promise<Pick<DeployResult, "strays" | "pruned">> {
  const sm = deps.sagemaker;
  at.step = `ListInferenceComponents ${plan.endpointName}`;
  const strays = plan.mode === "shared" ? straysOf(plan, await componentsOf(sm, plan.endpointName)) : [];
  const pruned: string[] = [];
  if (!prune) return { strays, pruned };
  for (const s of strays.filter((s) => s.status !== "Deleting")) {
    at.step = `DeleteInferenceComponent ${s.name}`;
    await orUndefined(sm.send(new DeleteInferenceComponentCommand({ InferenceComponentName: s.name })));
  }
  for (const s of strays) {
    at.step = `waiting for ${s.name} to be deleted`;
    await waitComponentDeleted(deps, s.name);
    pruned.push(s.name);
  }
  return { strays, pruned };
}

/** The plan's autoscaling: its scalable target and target-tracking policy on invocations per instance. */
async function registerScaling(plan: EndpointPlan, deps: EndpointDeps, at: Step): Promise<void> {
  const s = plan.scaling;
  if (!s) return;
  if (!deps.autoscaling)
    throw new AwsError("This endpoint has autoscaling: pass an Application Auto Scaling client.");
  at.step = `RegisterScalableTarget ${s.resourceId}`;
  await deps.autoscaling.send(
    new RegisterScalableTargetCommand({
      ServiceNamespace: "sagemaker",
      ResourceId: s.resourceId,
      ScalableDimension: s.scalableDimension,
      MinCapacity: s.minCapacity,
      MaxCapacity: s.maxCapacity,
    }),
  );
  at.step = `PutScalingPolicy ${s.policyName}`;
  await deps.autoscaling.send(
    new PutScalingPolicyCommand({
      PolicyName: s.policyName,
      ServiceNamespace: "sagemaker",
      ResourceId: s.resourceId,
      ScalableDimension: s.scalableDimension,
      PolicyType: "TargetTrackingScaling",
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: s.targetInvocationsPerInstance,
        PredefinedMetricSpecification: { PredefinedMetricType: "SageMakerVariantInvocationsPerInstance" },
      },
    }),
  );
}

/** What a delete removed. */
export interface DeleteResult {
  readonly endpointName: string;
  /** False when there was no such endpoint. */
  readonly deleted: boolean;
  readonly endpointConfigName: string | undefined;
  readonly components: string[];
  readonly models: string[];
}

/**
 * Deletes an endpoint with its inference components, its endpoint config and the models they use.
 *
 * @throws {@link core!AwsError | AwsError} when a call fails
 */
export async function deleteEndpoint(endpointName: string, deps: EndpointDeps): Promise<DeleteResult> {
  const sm = deps.sagemaker;
  let step = `DescribeEndpoint ${endpointName}`;
  try {
    const ep = await orUndefined(sm.send(new DescribeEndpointCommand({ EndpointName: endpointName })));
    if (!ep)
      return { endpointName, deleted: false, endpointConfigName: undefined, components: [], models: [] };
    const configName = ep.EndpointConfigName;
    const config = configName
      ? await orUndefined(sm.send(new DescribeEndpointConfigCommand({ EndpointConfigName: configName })))
      : undefined;
    const models = new Set<string>();
    for (const v of config?.ProductionVariants ?? []) if (v.ModelName) models.add(v.ModelName);
    const shared = (config?.ProductionVariants ?? []).some((v) => !v.ModelName);
    const components: string[] = [];
    if (shared) {
      step = `ListInferenceComponents ${endpointName}`;
      for (const ic of await componentsOf(sm, endpointName))
        components.push(ic.InferenceComponentName as string);
      for (const ic of components) {
        step = `DeleteInferenceComponent ${ic}`;
        const d = await orUndefined(
          sm.send(new DescribeInferenceComponentCommand({ InferenceComponentName: ic })),
        );
        if (d?.Specification?.ModelName) models.add(d.Specification.ModelName);
        await sm.send(new DeleteInferenceComponentCommand({ InferenceComponentName: ic }));
      }
      for (const ic of components) {
        step = `waiting for ${ic} to be deleted`;
        await waitComponentDeleted(deps, ic);
      }
    }
    step = `DeleteEndpoint ${endpointName}`;
    await sm.send(new DeleteEndpointCommand({ EndpointName: endpointName }));
    await waitUntilEndpointDeleted(waiterConfig(deps, observed(deps, "endpoint", endpointName)), {
      EndpointName: endpointName,
    });
    if (configName) {
      step = `DeleteEndpointConfig ${configName}`;
      await orUndefined(sm.send(new DeleteEndpointConfigCommand({ EndpointConfigName: configName })));
    }
    for (const m of models) {
      step = `DeleteModel ${m}`;
      await orUndefined(sm.send(new DeleteModelCommand({ ModelName: m })));
    }
    return { endpointName, deleted: true, endpointConfigName: configName, components, models: [...models] };
  } catch (error) {
    throw toAwsError(step, error);
  }
}
