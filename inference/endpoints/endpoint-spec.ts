/**
 * Endpoint specs: a dedicated endpoint (one LOB) or a shared endpoint (inference components, one LOB each).
 * Written once (JSON file, code), rendered as SDK calls (`deployEndpoint`) or CDK resources (`infra/`).
 */
import * as z from "zod";
import { formatIssues, UsageError } from "../../core/index.js";

const name = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/, "must be a SageMaker name (letters, digits, hyphens)");

const tag = z.strictObject({ Key: z.string(), Value: z.string() });

/** A model container: image, optional artifact and environment. */
const containerSchema = z.strictObject({
  /** The inference image URI. */
  image: z.string().min(1),
  /** The model artifact (`s3://…/model.tar.gz`). */
  modelDataUrl: z
    .string()
    .regex(/^s3:\/\//, "must be an s3:// URI")
    .optional(),
  environment: z.record(z.string(), z.string()).default({}),
});

const instanceType = z
  .string()
  .regex(/^ml\.[a-z0-9]+\.[a-z0-9]+$/, "must be an instance type such as ml.g5.xlarge");
const roleArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, "must be an IAM role ARN");

const dedicatedSchema = z.strictObject({
  mode: z.literal("dedicated"),
  name,
  /** The LOB the endpoint belongs to. */
  lob: z.string(),
  executionRoleArn: roleArn,
  model: containerSchema,
  instanceType,
  initialInstanceCount: z.number().int().min(1).default(1),
  /** Target tracking on invocations per instance (Application Auto Scaling). */
  autoscaling: z
    .strictObject({
      minInstances: z.number().int().min(1),
      maxInstances: z.number().int().min(1),
      targetInvocationsPerInstance: z.number().positive(),
    })
    .refine((a) => a.maxInstances >= a.minInstances, { message: "maxInstances must be ≥ minInstances" })
    .optional(),
  /** A customer managed KMS key for the instance storage volume (not for instance types with NVMe storage). */
  kmsKeyId: z.string().min(1).optional(),
  /** Extra tags on every resource; the LOB tag always wins. */
  tags: z.array(tag).default([]),
});

const componentSchema = z
  .strictObject({
    name,
    /** The LOB this component's calls belong to. */
    lob: z.string(),
    /** A model created for this component (tagged with its LOB). */
    model: containerSchema.optional(),
    /** Or a container given inline in the component. */
    container: containerSchema.optional(),
    compute: z.strictObject({
      minMemoryMb: z.number().int().min(128),
      cpuCores: z.number().positive().optional(),
      acceleratorDevices: z.number().positive().optional(),
    }),
    copyCount: z.number().int().min(1).default(1),
  })
  .refine((c) => (c.model === undefined) !== (c.container === undefined), {
    message: "give exactly one of model or container",
  });

const sharedSchema = z
  .strictObject({
    mode: z.literal("shared"),
    name,
    /** The LOB that owns the endpoint (and its idle capacity). */
    owner: z.string(),
    executionRoleArn: roleArn,
    instanceType,
    initialInstanceCount: z.number().int().min(1).default(1),
    /** Managed instance scaling of the variant. */
    managedScaling: z
      .strictObject({ minInstances: z.number().int().min(0), maxInstances: z.number().int().min(1) })
      .refine((a) => a.maxInstances >= a.minInstances, { message: "maxInstances must be ≥ minInstances" })
      .optional(),
    kmsKeyId: z.string().min(1).optional(),
    components: z.array(componentSchema).min(1),
    tags: z.array(tag).default([]),
  })
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.components.forEach((c, i) => {
      if (seen.has(c.name))
        ctx.addIssue({
          code: "custom",
          path: ["components", i, "name"],
          message: `duplicate component "${c.name}"`,
        });
      seen.add(c.name);
    });
  });

/** The zod schema of an endpoint spec (the `smcb endpoint deploy` file). */
export const endpointSpecSchema = z.discriminatedUnion("mode", [dedicatedSchema, sharedSchema]);

/** An endpoint spec as written. */
export type EndpointSpecInput = z.input<typeof endpointSpecSchema>;
/** A validated endpoint spec. */
export type EndpointSpec = z.output<typeof endpointSpecSchema>;
/** A validated dedicated endpoint spec. */
export type DedicatedEndpointSpec = z.output<typeof dedicatedSchema>;
/** A validated shared endpoint spec. */
export type SharedEndpointSpec = z.output<typeof sharedSchema>;
/** One inference component of a shared endpoint spec. */
export type InferenceComponentSpec = SharedEndpointSpec["components"][number];
/** A container of a spec. */
export type ContainerSpec = z.output<typeof containerSchema>;

/**
 * Validates an endpoint spec.
 *
 * @example
 * ```ts
 * const spec = parseEndpointSpec(JSON.parse(await readFile("endpoint.json", "utf8")));
 * ```
 * @throws {@link core!UsageError | UsageError} listing every problem as `path: message`
 */
export function parseEndpointSpec(raw: unknown, source = "endpoint spec"): EndpointSpec {
  const r = endpointSpecSchema.safeParse(raw);
  if (!r.success)
    throw new UsageError(
      `Invalid ${source}:\n${formatIssues(r.error)
        .map((p) => `  ${p}`)
        .join("\n")}`,
      {
        hint: 'An endpoint spec has "mode": "dedicated" (name, lob, model, …) or "shared" (name, owner, components, …).',
      },
    );
  return r.data;
}
