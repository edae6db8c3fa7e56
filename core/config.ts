/**
 * The configuration file `smcb.config.json` (DESIGN §3.1): its schema, loading and validation.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { ConfigError } from "./errors.js";
import { DEFAULT_TAG_KEY, tagKeyProblem, tagValueProblem } from "./tags.js";
import {
  ATHENA_NAME,
  DELIVERY_STREAM_NAME,
  KEY_PREFIX,
  type NameRule,
  USAGE_LAKE_DEFAULTS,
  WORKGROUP_NAME,
} from "./usage-lake.js";
import { DEFAULT_METRIC_NAMESPACE } from "./usage-metrics.js";

/** The default config file name, looked up in the working directory. */
export const DEFAULT_CONFIG_FILE = "smcb.config.json";

const lobValue = z
  .string()
  .min(1, "LOB must not be empty")
  .superRefine((v, ctx) => {
    const p = tagValueProblem(v);
    if (p) ctx.addIssue({ code: "custom", message: p });
  });

const fraction = z.number().min(0, "must be ≥ 0").max(1, "must be ≤ 1");

const athenaTable = z.strictObject({
  database: z.string().min(1),
  table: z.string().min(1),
  workgroup: z.string().min(1).default("primary"),
  outputLocation: z
    .string()
    .regex(/^s3:\/\//, "must be an s3:// URI")
    .optional(),
});

const usageSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("file"),
    /** The ledger folder, relative to the config file. */
    path: z.string().min(1).default("usage"),
  }),
  z.strictObject({
    type: z.literal("cloudwatch"),
    namespace: z.string().min(1).max(255).default(DEFAULT_METRIC_NAMESPACE),
  }),
  z.strictObject({
    type: z.literal("firehose"),
    deliveryStream: z.string().min(1).max(64),
    athena: athenaTable.optional(),
  }),
]);

/** The cost bases of DESIGN §3.4 (the same list as `chargeback/model.ts` `COST_BASES`). */
const costBasis = z
  .enum(["net-amortized", "amortized", "net-unblended", "unblended"])
  .default("net-amortized");
/** `central` | `proportional` | a LOB (checked against `lobs` below). */
const adjustmentPolicy = z.string().min(1);
const adjustments = z
  .strictObject({
    commitment: adjustmentPolicy.default("central"),
    discount: adjustmentPolicy.default("central"),
    credit: adjustmentPolicy.default("central"),
    refund: adjustmentPolicy.default("central"),
    tax: adjustmentPolicy.default("central"),
  })
  .default({
    commitment: "central",
    discount: "central",
    credit: "central",
    refund: "central",
    tax: "central",
  });

/**
 * Where a CUR or FOCUS export is: a glob of local files (CSV, gzip CSV, Parquet), a local export folder (holding
 * `data/` and `metadata/`), or `s3://bucket/prefix/export-name`. Relative local paths are relative to the config file.
 */
const exportPath = z.string().min(1);

const costsSchema = z.discriminatedUnion("type", [
  z
    .strictObject({
      type: z.literal("cur"),
      /** A glob of CUR 2.0 files, a local export folder, or an `s3://…/export-name` URI. */
      path: exportPath.optional(),
      /** Or an Athena table holding the CUR 2.0 export. */
      athena: athenaTable.optional(),
      basis: costBasis,
      adjustments,
      /** Local cache of files read from an `s3://` export. @default ".smcb/cache" beside the config file */
      cacheDir: z.string().min(1).optional(),
    })
    .refine((c) => (c.path === undefined) !== (c.athena === undefined), {
      message: "give exactly one of path (CUR files, an export folder or s3://…) or athena (a CUR table)",
    }),
  z.strictObject({
    type: z.literal("focus"),
    /** A glob of FOCUS 1.2 files, a local export folder, or an `s3://…/export-name` URI. */
    path: exportPath,
    basis: costBasis,
    adjustments,
    /** Local cache of files read from an `s3://` export. @default ".smcb/cache" beside the config file */
    cacheDir: z.string().min(1).optional(),
  }),
  z.strictObject({
    type: z.literal("cost-explorer"),
    basis: costBasis,
    adjustments,
  }),
]);

const sharedEndpointSchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(63)
    .regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/, "must be a SageMaker endpoint name (letters, digits, hyphens)"),
  owner: lobValue,
  tokenWeights: z
    .strictObject({ input: z.number().min(0).default(1), output: z.number().min(0).default(1) })
    .default({ input: 1, output: 1 }),
  capacityTokensPerInstanceHour: z.number().positive().optional(),
  reservations: z.record(z.string(), fraction).default({}),
  idle: z.enum(["proportional", "even", "owner", "separate"]).default("proportional"),
  /**
   * The model's Hugging Face `tokenizer.json` (or the folder holding it), relative to the config file: counts the
   * tokens its answers do not report (instead of js-tiktoken's `o200k_base`).
   */
  tokenizer: z.string().min(1).optional(),
});

const profileArn = z
  .string()
  .regex(
    /^arn:aws(-[a-z]+)*:bedrock:[a-z0-9-]+:\d{12}:application-inference-profile\/[a-zA-Z0-9]+$/,
    "must be an application inference profile ARN",
  );

const email = z.string().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, "must be an email address");
const usd = z.number().positive("must be a positive number of USD");
/** A string following a {@link NameRule}. */
const named = (r: NameRule) => z.string().regex(r.pattern, `must be ${r.rule}`);

/** The CloudFormation stack name of the CDK app when the config does not give `infra.stackName`. */
export const DEFAULT_GOVERNANCE_STACK_NAME = "smcb-governance";

/**
 * The `infra` block: what the CDK app (`infra/app.ts`, the `ChargebackGovernance` construct) deploys besides the
 * usage dashboard of the shared endpoints. Each field mirrors the props of one construct of `infra/`.
 */
const infraSchema = z.strictObject({
  /** The CloudFormation stack's name. */
  stackName: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, "must be a stack name (a letter, then letters, digits, hyphens)")
    .default(DEFAULT_GOVERNANCE_STACK_NAME),
  /** The usage dashboard (`ChargebackDashboard`), made when there are shared endpoints. */
  dashboard: z
    .strictObject({
      enabled: z.boolean().default(true),
      dashboardName: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,255}$/, "must be 1–255 letters, digits, '-' or '_'")
        .optional(),
      periodMinutes: z.number().int().positive().default(60),
      utilizationVariant: z.union([z.string().min(1), z.literal(false)]).default("AllTraffic"),
    })
    .default({ enabled: true, periodMinutes: 60, utilizationVariant: "AllTraffic" }),
  /** Per-LOB budgets (`LobBudgets`). */
  budgets: z
    .strictObject({
      monthlyLimits: z.record(z.string(), usd).default({}),
      defaultMonthlyLimit: usd.optional(),
      alerts: z
        .array(
          z.strictObject({
            type: z.enum(["ACTUAL", "FORECASTED"]),
            thresholdPercent: z.number().min(0.1).max(1000),
          }),
        )
        .min(1)
        .max(10)
        .optional(),
      snsTopic: z.boolean().default(true),
      emails: z.array(email).max(10).default([]),
      budgetNamePrefix: z.string().min(1).default("smcb-"),
    })
    .refine((b) => Object.keys(b.monthlyLimits).length > 0 || b.defaultMonthlyLimit !== undefined, {
      message: "give monthlyLimits and/or defaultMonthlyLimit",
    })
    .optional(),
  /** Cost anomaly alerts on the LOB tag (`LobCostAnomalyDetection`). */
  anomaly: z
    .strictObject({
      monitorType: z.enum(["CUSTOM", "DIMENSIONAL"]).default("CUSTOM"),
      lobs: z.array(z.string()).min(1).optional(),
      thresholdUsd: z.number().min(0).optional(),
      thresholdPercent: z.number().min(0).optional(),
      thresholdMatch: z.enum(["ALL", "ANY"]).default("ALL"),
      frequency: z.enum(["IMMEDIATE", "DAILY", "WEEKLY"]).default("IMMEDIATE"),
      emails: z.array(email).default([]),
      namePrefix: z.string().min(1).default("smcb-"),
    })
    .superRefine((a, ctx) => {
      if (a.monitorType === "DIMENSIONAL" && a.lobs !== undefined)
        ctx.addIssue({ code: "custom", path: ["lobs"], message: "applies to CUSTOM monitors only" });
      if (a.frequency === "IMMEDIATE" && a.emails.length > 0)
        ctx.addIssue({
          code: "custom",
          path: ["emails"],
          message: "IMMEDIATE alerts go to the SNS topic only; use DAILY or WEEKLY for email",
        });
      if (a.frequency !== "IMMEDIATE" && a.emails.length === 0)
        ctx.addIssue({ code: "custom", path: ["emails"], message: `${a.frequency} alerts need emails` });
    })
    .optional(),
  /** The Firehose usage lake (`UsageLake`). */
  usageLake: z
    .strictObject({
      deliveryStreamName: named(DELIVERY_STREAM_NAME).optional(),
      bufferingIntervalSeconds: z
        .number()
        .int()
        .min(0)
        .max(900)
        .default(USAGE_LAKE_DEFAULTS.bufferingIntervalSeconds),
      bufferingSizeMiB: z.number().int().min(1).max(128).default(USAGE_LAKE_DEFAULTS.bufferingSizeMiB),
      prefix: named(KEY_PREFIX).default(USAGE_LAKE_DEFAULTS.prefix),
      databaseName: named(ATHENA_NAME).default(USAGE_LAKE_DEFAULTS.databaseName),
      tableName: named(ATHENA_NAME).default(USAGE_LAKE_DEFAULTS.tableName),
      workgroupName: named(WORKGROUP_NAME).default(USAGE_LAKE_DEFAULTS.workgroupName),
      bytesScannedCutoffGiB: z.number().positive().default(USAGE_LAKE_DEFAULTS.bytesScannedCutoffGiB),
      resultsExpirationDays: z.number().int().positive().default(USAGE_LAKE_DEFAULTS.resultsExpirationDays),
      removalPolicy: z.enum(["retain", "destroy"]).default("retain"),
    })
    .optional(),
});

/** The zod schema of `smcb.config.json`. */
export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region such as us-east-1")
      .optional(),
    tagKey: z
      .string()
      .default(DEFAULT_TAG_KEY)
      .superRefine((v, ctx) => {
        const p = tagKeyProblem(v);
        if (p) ctx.addIssue({ code: "custom", message: p });
      }),
    lobs: z.array(lobValue).min(1, "list at least one LOB"),
    usage: usageSchema.default({ type: "file", path: "usage" }),
    costs: costsSchema.optional(),
    sharedEndpoints: z.array(sharedEndpointSchema).default([]),
    bedrock: z
      .strictObject({ profiles: z.record(z.string(), profileArn).default({}) })
      .default({ profiles: {} }),
    infra: infraSchema.optional(),
  })
  .superRefine((c, ctx) => {
    const lobs = new Set(c.lobs);
    /** Every place a LOB is named must name one of `lobs`. */
    const requireLob = (lob: string, path: (string | number)[]) => {
      if (!lobs.has(lob)) ctx.addIssue({ code: "custom", path, message: `"${lob}" is not in lobs` });
    };
    c.lobs.forEach((l, i) => {
      if (c.lobs.indexOf(l) !== i)
        ctx.addIssue({ code: "custom", path: ["lobs", i], message: `duplicate LOB "${l}"` });
    });
    const names = new Set<string>();
    c.sharedEndpoints.forEach((e, i) => {
      const at = ["sharedEndpoints", i];
      if (names.has(e.name.toLowerCase()))
        ctx.addIssue({
          code: "custom",
          path: [...at, "name"],
          message: `duplicate shared endpoint "${e.name}"`,
        });
      names.add(e.name.toLowerCase());
      requireLob(e.owner, [...at, "owner"]);
      let sum = 0;
      for (const [lob, r] of Object.entries(e.reservations)) {
        sum += r;
        requireLob(lob, [...at, "reservations", lob]);
      }
      if (sum > 1 + 1e-12)
        ctx.addIssue({
          code: "custom",
          path: [...at, "reservations"],
          message: `reservations add up to ${sum}; at most 1`,
        });
    });
    for (const lob of Object.keys(c.bedrock.profiles)) requireLob(lob, ["bedrock", "profiles", lob]);
    if (c.costs)
      for (const [category, policy] of Object.entries(c.costs.adjustments))
        if (policy !== "central" && policy !== "proportional")
          requireLob(policy, ["costs", "adjustments", category]);
    for (const lob of Object.keys(c.infra?.budgets?.monthlyLimits ?? {}))
      requireLob(lob, ["infra", "budgets", "monthlyLimits", lob]);
    c.infra?.anomaly?.lobs?.forEach((lob, i) => {
      requireLob(lob, ["infra", "anomaly", "lobs", i]);
    });
  });

/** The configuration as written in the file (defaults not yet applied). */
export type ConfigInput = z.input<typeof configSchema>;
/** A validated configuration with defaults applied. */
export type Config = z.output<typeof configSchema>;
/** One shared endpoint of the configuration. */
export type SharedEndpointConfig = Config["sharedEndpoints"][number];
/** The usage sink/source of the configuration. */
export type UsageConfig = Config["usage"];
/** The cost source of the configuration. */
export type CostsConfig = NonNullable<Config["costs"]>;
/** The `infra` block of the configuration (what the CDK app deploys). */
export type InfraConfig = NonNullable<Config["infra"]>;
/** How a shared endpoint's idle capacity is charged. */
export type IdlePolicy = SharedEndpointConfig["idle"];

/** A validated configuration whose relative paths are resolved against the config file's folder. */
export interface LoadedConfig extends Config {
  /** Absolute path of the file it was loaded from (or `"<inline>"`). */
  readonly configFile: string;
  /** Absolute folder that relative paths are resolved against. */
  readonly configDir: string;
}

function formatPath(p: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const seg of p) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? String(seg) : `.${String(seg)}`;
  }
  return out === "" ? "(root)" : out;
}

/** Every problem of a zod error, each as `path: message`. */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
}

/**
 * Validates a parsed configuration object.
 *
 * @param raw - the parsed JSON
 * @param configFile - where it came from; relative paths resolve against its folder
 * @throws {@link ConfigError} listing every problem as `path: message`
 */
export function parseConfig(raw: unknown, configFile = path.resolve(DEFAULT_CONFIG_FILE)): LoadedConfig {
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(`Invalid configuration ${configFile}:`, formatIssues(result.error), {
      hint: "Fix the fields listed above; `smcb config validate` re-checks the file.",
    });
  }
  const configDir = path.dirname(path.resolve(configFile));
  const cfg = result.data;
  const usage =
    cfg.usage.type === "file" ? { ...cfg.usage, path: path.resolve(configDir, cfg.usage.path) } : cfg.usage;
  const local = (p: string) => (/^s3:\/\//i.test(p) ? p : path.resolve(configDir, p));
  const costs =
    cfg.costs === undefined || cfg.costs.type === "cost-explorer"
      ? cfg.costs
      : {
          ...cfg.costs,
          ...(cfg.costs.path === undefined ? {} : { path: local(cfg.costs.path) }),
          cacheDir: path.resolve(configDir, cfg.costs.cacheDir ?? ".smcb/cache"),
        };
  const sharedEndpoints = cfg.sharedEndpoints.map((e) =>
    e.tokenizer === undefined ? e : { ...e, tokenizer: path.resolve(configDir, e.tokenizer) },
  );
  return { ...cfg, usage, costs, sharedEndpoints, configFile: path.resolve(configFile), configDir };
}

/**
 * Reads and validates a configuration file.
 *
 * @example
 * ```ts
 * const cfg = await loadConfig("smcb.config.json");
 * console.log(cfg.lobs);
 * ```
 * @throws {@link ConfigError} when the file is missing, is not JSON, or is invalid
 */
export async function loadConfig(file: string = DEFAULT_CONFIG_FILE): Promise<LoadedConfig> {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = await readFile(abs, "utf8");
  } catch (cause) {
    throw new ConfigError(`Cannot read configuration ${abs}: ${(cause as Error).message}`, [], {
      cause,
      hint: "Pass --config <file>, or create smcb.config.json (see the README's config reference).",
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`Configuration ${abs} is not valid JSON: ${(cause as Error).message}`, [], {
      cause,
    });
  }
  return parseConfig(raw, abs);
}

/** The JSON Schema of the configuration file, for editors (`smcb.config.schema.json`). */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }),
    title: "sagemaker-chargeback configuration (smcb.config.json)",
  };
}
