/**
 * The configuration file `smcb.config.json` (docs/contracts.md#configuration-file-smcbconfigjson): its schema, loading and validation.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import * as z from "zod";
import { DEFAULT_CONFIG_FILE } from "./config-file.js";
import { ConfigError, UsageError } from "./errors.js";
import { didYouMean } from "./suggest.js";
import {
  DEFAULT_TAG_KEY,
  reservedLobProblem,
  reservedTagKeyProblem,
  tagKeyProblem,
  tagValueProblem,
} from "./tags.js";
import {
  ATHENA_NAME,
  DELIVERY_STREAM_NAME,
  KEY_PREFIX,
  type NameRule,
  USAGE_LAKE_DEFAULTS,
  WORKGROUP_NAME,
} from "./usage-lake.js";
import { DEFAULT_METRIC_NAMESPACE } from "./usage-metrics.js";

export { DEFAULT_CONFIG_FILE } from "./config-file.js";

const lobValue = z
  .string()
  .min(1, "LOB must not be empty")
  .superRefine((v, ctx) => {
    const p = tagValueProblem(v) ?? reservedLobProblem(v);
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

/** The usage lake's Athena table, and optionally the Glue table over compacted days (docs/ledger.md). */
const usageAthenaTable = athenaTable.extend({
  /** A Glue table over the ledger's compacted layout copied to S3, read together with `table`. */
  compactedTable: z.string().min(1).optional(),
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
    athena: usageAthenaTable.optional(),
  }),
]);

/** The cost bases of docs/contracts.md#cost-input-the-real-bill (the same list as `chargeback/model.ts` `COST_BASES`). */
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
  /**
   * Where the share of paid capacity in use comes from (docs/utilization.md): `tokens` (weighted tokens over
   * `capacityTokensPerInstanceHour`, the default), `cloudwatch` (the instance metrics `GPUUtilization` or
   * `CPUUtilization` in `/aws/sagemaker/Endpoints`), `components` (what the endpoint's inference components reserve).
   */
  utilization: z.enum(["tokens", "cloudwatch", "components"]).optional(),
  /**
   * How the cost is split: `weighted-tokens` (by use, the default), `reserved-compute` (by what each LOB's inference
   * components reserve; the rest is idle), `hybrid` (the reserved share first, the rest by weighted tokens).
   */
  allocation: z.enum(["weighted-tokens", "reserved-compute", "hybrid"]).optional(),
  /**
   * `auto` (the default): hour by hour when utilization is measured and the cost lines are hourly, else monthly;
   * `monthly`; `hourly-spread`: hour by hour, each daily cost line spread evenly over the hours of its day.
   */
  mode: z.enum(["auto", "monthly", "hourly-spread"]).optional(),
  /**
   * A local file of measured utilization (JSON Lines, docs/utilization.md) read instead of CloudWatch and the
   * SageMaker API, relative to the config file.
   */
  utilizationFile: z.string().min(1).optional(),
  /**
   * The endpoint's instance type (`ml.g5.12xlarge`) when its hosting cost lines do not name one, or to override it.
   */
  instanceType: z
    .string()
    .regex(/^ml\.[a-z0-9-]+\.[a-z0-9-]+$/, "must be a SageMaker instance type such as ml.g5.12xlarge")
    .optional(),
  /** GPUs, vCPUs and memory of one instance, for an instance type the built-in table does not know. */
  instance: z
    .strictObject({
      gpus: z.number().int().min(0),
      vcpus: z.number().int().positive(),
      memoryGiB: z.number().positive(),
    })
    .optional(),
  /** The production variants whose instance metrics are read (`cloudwatch`). @default ["AllTraffic"] */
  variants: z.array(z.string().min(1).max(63)).min(1).optional(),
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
  /**
   * The tenant gateway on AWS (`TenantGateway`): a REST API streaming a Node.js 22 Lambda, its DynamoDB table and
   * alert topic. It records usage on the usage lake's stream (`infra.usageLake`), else on `usage.deliveryStream`.
   */
  gateway: z
    .strictObject({
      /** The REST API's stage: the first segment of the URL path. */
      stageName: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,128}$/, "must be 1–128 letters, digits, '-' or '_'")
        .default("prod"),
      /** Stage throttling across all tenants (per-tenant limits are the gateway config's). */
      throttle: z
        .strictObject({
          rateLimit: z.number().positive().default(50),
          burstLimit: z.number().int().min(1).default(100),
        })
        .default({ rateLimit: 50, burstLimit: 100 }),
      /** A WAF (wafv2, REGIONAL) web ACL to associate with the stage. */
      webAclArn: z
        .string()
        .regex(
          /^arn:aws(-[a-z]+)*:wafv2:[a-z0-9-]+:\d{12}:regional\/webacl\/[A-Za-z0-9_-]+\/[a-f0-9-]+$/,
          "must be a REGIONAL wafv2 web ACL ARN",
        )
        .optional(),
      /** API Gateway execution logs (ERROR level); sets the account's API Gateway CloudWatch role. */
      executionLogging: z.boolean().default(true),
      /** Retention of the access, execution and Lambda logs (a CloudWatch Logs retention). */
      logRetentionDays: z
        .literal([
          1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
          3653,
        ])
        .default(365),
      /** The Lambda's memory. */
      memoryMiB: z.number().int().min(128).max(10240).default(1024),
      /** The longest one call (a whole streamed answer) may last: the Lambda's and the integration's timeout. */
      timeoutSeconds: z.number().int().min(1).max(900).default(900),
      /** The DynamoDB table's name. */
      tableName: z
        .string()
        .regex(/^[a-zA-Z0-9_.-]{3,255}$/, "must be 3–255 letters, digits, '_', '-' or '.'")
        .optional(),
      /** Foundation model IDs the LOBs' profiles route to (granted only through the profiles); default all. */
      foundationModelIds: z
        .array(z.string().regex(/^[a-z0-9.:-]+$/, "must be a foundation model ID"))
        .min(1)
        .optional(),
      /** Removal policy of the table, its key and the log groups. */
      removalPolicy: z.enum(["retain", "destroy"]).default("retain"),
    })
    .optional(),
});

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const record = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** An issue of a cross-field check. */
type AddIssue = (issue: { code: "custom"; path: (string | number)[]; message: string }) => void;

/** A check that a LOB named at `path` is one of `lobs` (with the closest one when it is a typo). */
function lobRequirer(lobs: ReadonlySet<string>, addIssue: AddIssue) {
  return (lob: unknown, path: (string | number)[]): void => {
    if (typeof lob === "string" && !lobs.has(lob))
      addIssue({ code: "custom", path, message: `"${lob}" is not in lobs${didYouMean(lob, lobs)}` });
  };
}

/**
 * The checks across fields: every LOB named anywhere is one of `lobs`, no duplicate LOB or shared endpoint, and
 * reservations of an endpoint add up to at most 1. Reads `c` defensively: it may be partly invalid.
 */
function crossFieldProblems(c: unknown, addIssue: AddIssue): void {
  const cfg = record(c);
  const lobList = list(cfg.lobs).filter((l): l is string => typeof l === "string");
  const requireLob = lobRequirer(new Set(lobList), addIssue);
  const seen = new Set<string>();
  list(cfg.lobs).forEach((l, i) => {
    if (typeof l !== "string") return;
    if (seen.has(l)) addIssue({ code: "custom", path: ["lobs", i], message: `duplicate LOB "${l}"` });
    seen.add(l);
  });
  const names = new Set<string>();
  list(cfg.sharedEndpoints).forEach((raw, i) => {
    const e = record(raw);
    const at = ["sharedEndpoints", i];
    if (typeof e.name === "string") {
      if (names.has(e.name.toLowerCase()))
        addIssue({ code: "custom", path: [...at, "name"], message: `duplicate shared endpoint "${e.name}"` });
      names.add(e.name.toLowerCase());
    }
    requireLob(e.owner, [...at, "owner"]);
    let total = 0;
    for (const [lob, r] of Object.entries(record(e.reservations))) {
      if (typeof r === "number") total += r;
      requireLob(lob, [...at, "reservations", lob]);
    }
    if (total > 1 + 1e-12)
      addIssue({
        code: "custom",
        path: [...at, "reservations"],
        message: `reservations add up to ${total}; at most 1`,
      });
  });
  for (const lob of Object.keys(record(record(cfg.bedrock).profiles)))
    requireLob(lob, ["bedrock", "profiles", lob]);
  for (const [category, policy] of Object.entries(record(record(cfg.costs).adjustments)))
    if (policy !== "central" && policy !== "proportional")
      requireLob(policy, ["costs", "adjustments", category]);
  const infra = record(cfg.infra);
  for (const lob of Object.keys(record(record(infra.budgets).monthlyLimits)))
    requireLob(lob, ["infra", "budgets", "monthlyLimits", lob]);
  list(record(infra.anomaly).lobs).forEach((lob, i) => {
    requireLob(lob, ["infra", "anomaly", "lobs", i]);
  });
}

/** A non-negative decimal amount written as text (money is never a JSON float), e.g. `"500.00"`. */
const decimalText = z
  .string()
  .regex(/^\d{1,12}(\.\d{1,12})?$/, 'must be a non-negative decimal number written as text, e.g. "3.00"');

/** A gateway model id that routes to a shared SageMaker endpoint: `sagemaker/<endpoint>[/<component>]`. */
export const SAGEMAKER_MODEL_PREFIX = "sagemaker/";

/** Price per million tokens, in the bill's currency (docs/gateway.md). Cache prices default to the input price. */
const gatewayPrice = z.strictObject({
  input: decimalText,
  output: decimalText,
  cacheRead: decimalText.optional(),
  cacheWrite: decimalText.optional(),
});

const gatewayTenant = z.strictObject({
  /** The tenant's name (what its keys are issued for; recorded as `tenant`). */
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "must be 1–64 letters, digits, '.', '_' or '-'"),
  /** The LOB every call of this tenant is charged to (must be in `lobs`). */
  lob: lobValue,
  /** The model ids it may call: keys of `gateway.models`, or `sagemaker/<endpoint>[/<component>]`. */
  models: z.array(z.string().min(1)).min(1, "list at least one model"),
  /** A hard monthly budget (calendar month UTC) and its soft alert thresholds (fractions of it). */
  budget: z
    .strictObject({
      monthly: decimalText,
      alerts: z.array(z.number().gt(0, "must be > 0").max(10, "must be ≤ 10")).default([0.5, 0.8, 1]),
    })
    .optional(),
  /** Rate limits: requests and tokens (input + output) per minute, held in the store. */
  limits: z
    .strictObject({
      rpm: z.number().int().positive().optional(),
      tpm: z.number().int().positive().optional(),
    })
    .optional(),
});

const gatewayModel = z.strictObject({
  /** The Bedrock model id the LOB's application inference profile routes to (absent for `sagemaker/…` models). */
  bedrockModel: z.string().min(1).optional(),
  /** `chat` (Converse) or `embedding` (InvokeModel, Amazon Titan Text Embeddings body). @default "chat" */
  kind: z.enum(["chat", "embedding"]).default("chat"),
  /** Price per million tokens; without it the model is refused for budgeted tenants (never charged $0). */
  price: gatewayPrice.optional(),
});

const gatewayStore = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("file"),
    /** The store's folder, relative to the config file; shared safely by several local gateway processes. */
    path: z.string().min(1).default(".smcb/gateway"),
  }),
  z.strictObject({
    type: z.literal("dynamodb"),
    /** The table (partition key `pk`, sort key `sk`, TTL attribute `expiresAt`). */
    table: z.string().regex(/^[a-zA-Z0-9_.-]{3,255}$/, "must be a DynamoDB table name"),
  }),
]);

/** The `gateway` block (docs/gateway.md): tenants, LOB budgets, models and prices, and the budget store. */
const gatewaySchema = z.strictObject({
  tenants: z.array(gatewayTenant).default([]),
  /** Hard monthly budgets per LOB (all tenants of the LOB together), decimal text. */
  lobBudgets: z.record(z.string(), decimalText).default({}),
  models: z.record(z.string(), gatewayModel).default({}),
  store: gatewayStore.default({ type: "file", path: ".smcb/gateway" }),
  /** When the store cannot be reached: refuse the call (`closed`) or let it through unmetered by budgets (`open`). */
  onStoreError: z.enum(["closed", "open"]).default("closed"),
  /** The smallest answer worth calling the model for, in output tokens: below it a call is refused (429). */
  minOutputTokens: z.number().int().positive().default(16),
  /** `max_tokens` reserved when the request gives none. */
  defaultMaxTokens: z.number().int().positive().default(4096),
  /**
   * Input tokens are counted locally before the call; the reservation multiplies the count by this margin so that
   * a model whose tokenizer counts more does not overshoot the budget.
   */
  inputTokenMargin: z.number().min(1).max(4).default(1.2),
  /** An upstream call silent for this many seconds is abandoned (504). */
  timeoutSeconds: z.number().int().positive().max(900).default(300),
  /**
   * How long a reservation is held before it counts as dead and is released, in seconds: longer than any call
   * (a Lambda answer streams for at most 15 minutes). A call outliving it is recorded in the ledger, not in the store.
   */
  reservationSeconds: z.number().int().positive().max(86_400).default(960),
  /** How long a key lookup is reused, in seconds (0: every request reads the store; revocation is immediate). */
  keyCacheSeconds: z.number().int().min(0).max(3600).default(0),
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
        const p = tagKeyProblem(v) ?? reservedTagKeyProblem(v);
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
    /** How the local reads (file ledger, CUR files, compaction) may use memory: DuckDB spills the rest to disk. */
    duckdb: z
      .strictObject({
        /** DuckDB's `memory_limit`. @default "2GB" */
        memoryLimit: z
          .string()
          .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/, "must be a size such as 2GB or 512MB")
          .optional(),
        /** The spill folder (`temp_directory`), relative to the config file. @default a fresh folder in the OS temp folder */
        tempDirectory: z.string().min(1).optional(),
      })
      .optional(),
    gateway: gatewaySchema.optional(),
  })
  // Runs even when the structure has errors (`when`), so that one `config validate` lists the LOB problems too:
  // it reads the value defensively, as parsed so far.
  .superRefine((c, ctx) => crossFieldProblems(c, ctx.addIssue), { when: () => true })
  // The gateway's checks need its block parsed: they run when the structure is sound.
  .superRefine((c, ctx) => {
    if (c.gateway)
      checkGateway(
        c.gateway,
        lobRequirer(new Set(c.lobs), ctx.addIssue),
        new Set(c.sharedEndpoints.map((e) => e.name)),
        ctx,
      );
    if (c.infra?.gateway && !c.gateway)
      ctx.addIssue({
        code: "custom",
        path: ["infra", "gateway"],
        message: "deploys the gateway of the gateway block (tenants, models, prices): add it",
      });
    if (c.infra?.gateway && c.gateway && c.infra.gateway.timeoutSeconds < c.gateway.timeoutSeconds)
      ctx.addIssue({
        code: "custom",
        path: ["infra", "gateway", "timeoutSeconds"],
        message: `must be at least gateway.timeoutSeconds (${c.gateway.timeoutSeconds}): the Lambda must outlive an upstream call to settle it`,
      });
    if (c.infra?.gateway && !c.infra.usageLake && c.usage.type !== "firehose")
      ctx.addIssue({
        code: "custom",
        path: ["infra", "gateway"],
        message:
          "the gateway records usage on a Firehose stream: add infra.usageLake, or use a firehose usage block",
      });
  });

/** Cross-checks of the `gateway` block: LOBs in `lobs`, tenants unique, every tenant model known. */
function checkGateway(
  g: z.output<typeof gatewaySchema>,
  requireLob: (lob: string, path: (string | number)[]) => void,
  endpoints: ReadonlySet<string>,
  ctx: z.RefinementCtx,
): void {
  const names = new Set<string>();
  g.tenants.forEach((t, i) => {
    const at = ["gateway", "tenants", i];
    if (names.has(t.name))
      ctx.addIssue({ code: "custom", path: [...at, "name"], message: `duplicate tenant "${t.name}"` });
    names.add(t.name);
    requireLob(t.lob, [...at, "lob"]);
    t.models.forEach((m, j) => {
      const known = g.models[m] !== undefined || sagemakerEndpointOf(m) !== undefined;
      if (!known)
        ctx.addIssue({
          code: "custom",
          path: [...at, "models", j],
          message: `"${m}" is neither in gateway.models nor sagemaker/<endpoint>[/<component>]`,
        });
      const endpoint = sagemakerEndpointOf(m);
      if (endpoint !== undefined && !endpoints.has(endpoint))
        ctx.addIssue({
          code: "custom",
          path: [...at, "models", j],
          message: `shared endpoint "${endpoint}" is not in sharedEndpoints`,
        });
    });
  });
  for (const lob of Object.keys(g.lobBudgets)) requireLob(lob, ["gateway", "lobBudgets", lob]);
  for (const [id, m] of Object.entries(g.models)) {
    const sagemaker = sagemakerEndpointOf(id) !== undefined;
    if (sagemaker === (m.bedrockModel !== undefined))
      ctx.addIssue({
        code: "custom",
        path: ["gateway", "models", id],
        message: sagemaker
          ? "a sagemaker/… model takes no bedrockModel"
          : "give bedrockModel (or name the model sagemaker/<endpoint>[/<component>])",
      });
    if (sagemaker && m.kind === "embedding")
      ctx.addIssue({
        code: "custom",
        path: ["gateway", "models", id, "kind"],
        message: "embeddings are served by Bedrock models only",
      });
  }
}

/**
 * The endpoint of a `sagemaker/<endpoint>[/<component>]` model id, or `undefined` for any other id.
 *
 * @example sagemakerEndpointOf("sagemaker/shared-llm/retail-ic") // → "shared-llm"
 */
export function sagemakerEndpointOf(modelId: string): string | undefined {
  if (!modelId.startsWith(SAGEMAKER_MODEL_PREFIX)) return undefined;
  const [endpoint, component, ...rest] = modelId.slice(SAGEMAKER_MODEL_PREFIX.length).split("/");
  if (!endpoint || component === "" || rest.length > 0) return undefined;
  return endpoint;
}

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
/** The `gateway` block of the configuration (docs/gateway.md). */
export type GatewayConfig = NonNullable<Config["gateway"]>;
/** One gateway tenant. */
export type GatewayTenantConfig = GatewayConfig["tenants"][number];
/** One gateway model and its price. */
export type GatewayModelConfig = GatewayConfig["models"][string];
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

/** The keys the schema allows for the object at `at` (every alternative of a union), for "did you mean". */
function knownKeysAt(at: readonly PropertyKey[]): Set<string> {
  type Node = { properties?: Record<string, Node>; items?: Node; anyOf?: Node[]; oneOf?: Node[] };
  const expand = (n: Node): Node[] => [n, ...[...(n.anyOf ?? []), ...(n.oneOf ?? [])].flatMap(expand)];
  let nodes = expand(z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }) as Node);
  for (const seg of at)
    nodes = nodes.flatMap((n) => {
      const next = typeof seg === "number" ? n.items : n.properties?.[String(seg)];
      return next ? expand(next) : [];
    });
  return new Set(nodes.flatMap((n) => Object.keys(n.properties ?? {})));
}

/** The value at `at` in the raw configuration, if any. */
function valueAt(raw: unknown, at: readonly PropertyKey[]): unknown {
  let v = raw;
  for (const seg of at)
    v = v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[seg] : undefined;
  return v;
}

/**
 * Every problem of a zod error, each as `path: message`; with the raw configuration, an unknown key or an
 * unknown choice gets the closest known one (`did you mean "usage"?`).
 */
export function formatIssues(error: z.ZodError, raw?: unknown): string[] {
  return error.issues.map((i) => {
    let hint = "";
    if (i.code === "unrecognized_keys") {
      const known = knownKeysAt(i.path);
      hint = i.keys.map((k) => didYouMean(k, known)).join("");
    } else if (i.code === "invalid_value" && raw !== undefined) {
      const v = valueAt(raw, i.path);
      if (typeof v === "string") hint = didYouMean(v, i.values.map(String));
    }
    return `${formatPath(i.path)}: ${i.message}${hint}`;
  });
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
    throw new ConfigError(`Invalid configuration ${configFile}:`, formatIssues(result.error, raw), {
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
  const sharedEndpoints = cfg.sharedEndpoints.map((e) => ({
    ...e,
    ...(e.tokenizer === undefined ? {} : { tokenizer: path.resolve(configDir, e.tokenizer) }),
    ...(e.utilizationFile === undefined
      ? {}
      : { utilizationFile: path.resolve(configDir, e.utilizationFile) }),
  }));
  const duckdb =
    cfg.duckdb?.tempDirectory === undefined
      ? cfg.duckdb
      : { ...cfg.duckdb, tempDirectory: path.resolve(configDir, cfg.duckdb.tempDirectory) };
  const gateway =
    cfg.gateway?.store.type === "file"
      ? {
          ...cfg.gateway,
          store: { ...cfg.gateway.store, path: path.resolve(configDir, cfg.gateway.store.path) },
        }
      : cfg.gateway;
  return {
    ...cfg,
    usage,
    costs,
    sharedEndpoints,
    ...(duckdb ? { duckdb } : {}),
    gateway,
    configFile: path.resolve(configFile),
    configDir,
  };
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
      hint: "Pass --config <file> (examples/smcb.config.json in a clone), or write a starter one with `smcb init`.",
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

/**
 * Writes a starter configuration — the tag key, the LOBs and a file usage ledger beside it — after
 * validating it, and never over an existing file.
 *
 * @example
 * ```ts
 * await writeStarterConfig("smcb.config.json", { tagKey: "LineOfBusiness", lobs: ["retail", "wealth"] });
 * ```
 * @throws {@link UsageError} when the file exists; {@link ConfigError} when the tag key or a LOB is invalid
 */
export async function writeStarterConfig(
  file: string,
  starter: { readonly tagKey: string; readonly lobs: readonly string[] },
): Promise<LoadedConfig> {
  const abs = path.resolve(file);
  const raw = {
    tagKey: starter.tagKey,
    lobs: [...starter.lobs],
    usage: { type: "file", path: "usage" },
    sharedEndpoints: [],
  };
  const cfg = parseConfig(raw, abs);
  try {
    await writeFile(abs, `${JSON.stringify(raw, null, 2)}\n`, { flag: "wx" });
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "EEXIST")
      throw new UsageError(`${abs} exists; smcb init never overwrites a configuration.`, {
        hint: "Edit it, or pass --config <new file>.",
      });
    throw new UsageError(`Cannot write ${abs}: ${(cause as Error).message}`, { cause });
  }
  return cfg;
}

/** The JSON Schema of the configuration file, for editors (`smcb.config.schema.json`). */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }),
    title: "sagemaker-chargeback configuration (smcb.config.json)",
  };
}
