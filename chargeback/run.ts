/**
 * `runChargeback`: the monthly job as a library call — sources chosen from the configuration, then the engine.
 */

import path from "node:path";
import type { AthenaClient } from "@aws-sdk/client-athena";
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { CostExplorerClient } from "@aws-sdk/client-cost-explorer";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SageMakerClient } from "@aws-sdk/client-sagemaker";
import type { LoadedConfig } from "../core/index.js";
import { type AwsOptions, type ClientConfig, ConfigError, makeClient, UsageError } from "../core/index.js";
import { allocate, hourOf, isMeasured, type MonthWindow, monthWindow } from "./engine/index.js";
import type {
  ChargebackReport,
  CostBasis,
  CostSourceResult,
  UsageSourceResult,
  UtilizationRecord,
  UtilizationSourceResult,
} from "./model.js";
import type { AthenaQueryOptions, UtilizationRequest } from "./sources/index.js";

/** Reads a month of in-scope costs. `estimated` is the caller's view (the month has not ended). */
export type CostSource = (window: MonthWindow, estimated: boolean) => Promise<CostSourceResult>;
/** Reads a month of shared-endpoint usage. */
export type UsageSource = (window: MonthWindow) => Promise<UsageSourceResult>;
/** Reads a month of measured utilization of the shared endpoints that measure it (docs/utilization.md). */
export type UtilizationSource = (window: MonthWindow) => Promise<UtilizationSourceResult>;

/** AWS clients for the configured sources; each one not given is made from `awsOptions` when a source needs it. */
export interface ChargebackClients {
  /** For `costs.type: cost-explorer`. */
  readonly costExplorer?: CostExplorerClient;
  /** For `usage.type: cloudwatch`. */
  readonly cloudWatch?: CloudWatchClient;
  /** For `costs.type: cur` with `athena`, and `usage.type: firehose` (its `athena` table). */
  readonly athena?: AthenaClient;
  /** For a `costs.path` of `s3://…` (a CUR or FOCUS export read through the S3 API). */
  readonly s3?: S3Client;
  /** For shared endpoints with `utilization: components` (their inference components). */
  readonly sageMaker?: SageMakerClient;
}

/** Options of {@link runChargeback}. */
export interface RunChargebackOptions {
  /** The validated configuration (paths resolved). */
  readonly config: LoadedConfig;
  /** `YYYY-MM`. */
  readonly month: string;
  /** Overrides the cost source of the configuration (e.g. a custom reader). */
  readonly costSource?: CostSource;
  /** Overrides the usage source of the configuration. */
  readonly usageSource?: UsageSource;
  /** Overrides the utilization source of the configuration (CloudWatch, SageMaker, or each endpoint's file). */
  readonly utilizationSource?: UtilizationSource;
  /** AWS clients for the configured AWS sources (Cost Explorer, CloudWatch, Athena). */
  readonly clients?: ChargebackClients;
  /** Region, profile and endpoint of the clients not given in `clients`. @default the SDK's own resolution, region from the config */
  readonly awsOptions?: AwsOptions;
  /** The current time. @default new Date() */
  readonly now?: Date;
  /** The cost basis, instead of the configuration's `costs.basis` (e.g. `smcb chargeback --basis`). */
  readonly basis?: CostBasis;
  /** Progress messages. */
  readonly onProgress?: (message: string) => void;
}

/**
 * The AWS clients of the configured sources: the given ones, or made from the AWS options when a source first needs
 * one (the Athena client is shared by the CUR and usage-lake sources). {@link destroy} closes only those it made.
 * Each client's package, like each source's module, is loaded only when a configured source needs it, so that a
 * local run (CUR files and the file ledger) loads no AWS SDK.
 */
class SourceClients {
  private readonly made: { destroy(): void }[] = [];
  private athenaClient: AthenaClient | undefined;
  private cloudWatchClient: CloudWatchClient | undefined;

  constructor(
    private readonly given: ChargebackClients,
    private readonly options: AwsOptions,
  ) {}

  get region(): string | undefined {
    return this.options.region;
  }

  async costExplorer(): Promise<CostExplorerClient> {
    return (
      this.given.costExplorer ?? this.make((await import("@aws-sdk/client-cost-explorer")).CostExplorerClient)
    );
  }

  async cloudWatch(): Promise<CloudWatchClient> {
    this.cloudWatchClient ??=
      this.given.cloudWatch ?? this.make((await import("@aws-sdk/client-cloudwatch")).CloudWatchClient);
    return this.cloudWatchClient;
  }

  async sageMaker(): Promise<SageMakerClient> {
    return this.given.sageMaker ?? this.make((await import("@aws-sdk/client-sagemaker")).SageMakerClient);
  }

  async s3(): Promise<S3Client> {
    // path-style addressing when an endpoint is given (moto, a VPC endpoint), as the S3 API accepts everywhere
    const endpoint = this.options.endpointUrl ?? process.env.AWS_ENDPOINT_URL;
    return (
      this.given.s3 ??
      this.make((await import("@aws-sdk/client-s3")).S3Client, { forcePathStyle: endpoint !== undefined })
    );
  }

  async athena(): Promise<AthenaClient> {
    this.athenaClient ??=
      this.given.athena ?? this.make((await import("@aws-sdk/client-athena")).AthenaClient);
    return this.athenaClient;
  }

  destroy(): void {
    for (const c of this.made.splice(0)) c.destroy();
  }

  private make<C extends { destroy(): void }, X extends object = object>(
    Ctor: new (config: ClientConfig & X) => C,
    extra?: X,
  ): C {
    const client = makeClient(Ctor, this.options, extra);
    this.made.push(client);
    return client;
  }
}

type AthenaTable = NonNullable<Extract<LoadedConfig["usage"], { type: "firehose" }>["athena"]>;

/** `"database"."table"`, for messages. */
function athenaTableRef(t: AthenaTable): string {
  const quote = (id: string) => `"${id.replaceAll('"', '""')}"`;
  return `${quote(t.database)}.${quote(t.table)}`;
}

function athenaQueryOptions(t: AthenaTable, onProgress?: (m: string) => void): AthenaQueryOptions {
  return {
    database: t.database,
    workgroup: t.workgroup,
    ...(t.outputLocation ? { outputLocation: t.outputLocation } : {}),
    ...(onProgress ? { onProgress } : {}),
  };
}

function configuredCostSource(
  config: LoadedConfig,
  clients: SourceClients,
  now: Date,
  onProgress?: (m: string) => void,
): CostSource {
  const costs = config.costs;
  if (costs === undefined)
    throw new ConfigError(`Configuration ${config.configFile} has no "costs" source.`, [], {
      hint: 'Add "costs": { "type": "cur", "path": "costs/*.csv" } (or "cost-explorer").',
    });
  if (costs.type === "cost-explorer") {
    const region = clients.region ?? "";
    return async (window) => {
      onProgress?.(`Cost Explorer: reading ${window.month}`);
      const { readCostExplorerCosts } = await import("./sources/cost-explorer.js");
      return readCostExplorerCosts(await clients.costExplorer(), {
        month: window.month,
        tagKey: config.tagKey,
        region,
        basis: costs.basis,
        now,
      });
    };
  }
  if (costs.path !== undefined) {
    const where = costs.path;
    const cacheDir = costs.cacheDir ?? path.join(config.configDir, ".smcb/cache");
    const hourlyEndpoints = config.sharedEndpoints.filter(isMeasured).map((e) => e.name);
    return async (window, estimated) => {
      const { resolveDelivery } = await import("./sources/deliveries.js");
      const delivery = await resolveDelivery({
        path: where,
        month: window.month,
        cacheDir,
        ...(/^s3:\/\//i.test(where) ? { s3: await clients.s3() } : {}),
        ...(onProgress ? { onProgress } : {}),
      });
      const o = {
        files: delivery.files,
        format: delivery.format,
        window,
        basis: costs.basis,
        estimated,
        ...(onProgress ? { onProgress } : {}),
      };
      const result =
        costs.type === "focus"
          ? await (await import("./sources/focus-files.js")).readFocusFiles({ ...o, hourlyEndpoints })
          : await (await import("./sources/cur-files.js")).readCurFiles({ ...o, hourlyEndpoints });
      const warnings = [...delivery.warnings, ...(result.warnings ?? [])];
      return { ...result, provenance: delivery.provenance, ...(warnings.length > 0 ? { warnings } : {}) };
    };
  }
  if (costs.type === "focus")
    throw new ConfigError(`Configuration ${config.configFile}: costs of type focus need a path.`);
  const table = costs.athena;
  if (table === undefined)
    throw new ConfigError(
      `Configuration ${config.configFile}: costs of type cur need a path or an athena table.`,
    );
  return async (window, estimated) => {
    onProgress?.(`Athena: reading CUR lines of ${window.month} from ${athenaTableRef(table)}`);
    const { readAthenaCurCosts } = await import("./sources/athena-cur.js");
    return readAthenaCurCosts(await clients.athena(), {
      ...athenaQueryOptions(table, onProgress),
      table: table.table,
      window,
      basis: costs.basis,
      estimated,
      hourlyEndpoints: config.sharedEndpoints.filter(isMeasured).map((e) => e.name),
    });
  };
}

function configuredUsageSource(
  config: LoadedConfig,
  clients: SourceClients,
  onProgress?: (m: string) => void,
): UsageSource {
  const usage = config.usage;
  // the usage of shared endpoints that may be charged hour by hour is read per hour
  const hourlyEndpoints = config.sharedEndpoints.filter(isMeasured).map((e) => e.name);
  // the gateway's price estimates, beside the bill, where a gateway is configured (its events carry them)
  const gatewayEstimates = config.gateway !== undefined;
  switch (usage.type) {
    case "file":
      return async (window) =>
        (await import("./sources/file-ledger.js")).readFileLedger({
          path: usage.path,
          window,
          hourlyEndpoints,
          gatewayEstimates,
          ...(config.duckdb ? { duckdb: config.duckdb } : {}),
          ...(onProgress ? { onProgress } : {}),
        });
    case "cloudwatch":
      return async (window) =>
        (await import("./sources/cloudwatch-usage.js")).readCloudWatchUsage(await clients.cloudWatch(), {
          month: window.month,
          namespace: usage.namespace,
          candidates: { endpoints: config.sharedEndpoints.map((e) => e.name), lobs: config.lobs },
          hourlyEndpoints,
          ...(onProgress ? { onProgress } : {}),
        });
    case "firehose": {
      const table = usage.athena;
      if (table === undefined)
        throw new ConfigError(
          `Configuration ${config.configFile} cannot read usage of type firehose:`,
          ["usage.athena: required (usage delivered by Firehose is read through its Athena table)"],
          {
            hint: 'Add "athena": { "database": "…", "table": "…" } (the Glue table over the delivery bucket) to "usage".',
          },
        );
      return async (window) => {
        onProgress?.(`Athena: reading usage of ${window.month} from ${athenaTableRef(table)}`);
        const { readAthenaUsage } = await import("./sources/athena-usage.js");
        return readAthenaUsage(await clients.athena(), {
          ...athenaQueryOptions(table, onProgress),
          table: table.table,
          window,
          hourlyEndpoints,
          gatewayEstimates,
          ...(table.compactedTable !== undefined ? { compactedTable: table.compactedTable } : {}),
        });
      };
    }
  }
}

/**
 * The configured utilization source: each shared endpoint with `utilization: cloudwatch | components` read from its
 * `utilizationFile`, or else from AWS — components from the SageMaker API, then every endpoint's instance metrics and
 * component copy counts from CloudWatch in one batched pass. A component with no copy samples in the month is taken
 * at its current copy count for every hour, and a warning says so.
 */
function configuredUtilizationSource(
  config: LoadedConfig,
  clients: SourceClients,
  onProgress?: (m: string) => void,
): UtilizationSource {
  return async (window) => {
    const records: UtilizationRecord[] = [];
    const warnings: string[] = [];
    const requests: UtilizationRequest[] = [];
    const current = new Map<string, { endpoint: string; copies: number }>();
    for (const e of config.sharedEndpoints) {
      const source = e.utilization ?? "tokens";
      if (source === "tokens") continue;
      if (e.utilizationFile !== undefined) {
        const { readUtilizationFile } = await import("./sources/utilization-file.js");
        records.push(...(await readUtilizationFile(e.utilizationFile, e.name, window)));
        continue;
      }
      if (source === "cloudwatch") {
        requests.push({ endpoint: e.name, variants: e.variants ?? ["AllTraffic"], components: [] });
        continue;
      }
      onProgress?.(`SageMaker: describing the inference components of ${e.name}`);
      const { describeComponents } = await import("./sources/inference-components.js");
      const comps = await describeComponents(await clients.sageMaker(), e.name, config);
      for (const c of comps) {
        records.push(c.record);
        current.set(c.record.component, { endpoint: e.name, copies: c.currentCopies });
      }
      requests.push({ endpoint: e.name, variants: [], components: comps.map((c) => c.record.component) });
    }
    if (requests.length > 0) {
      const { readCloudWatchUtilization } = await import("./sources/cloudwatch-utilization.js");
      records.push(
        ...(await readCloudWatchUtilization(await clients.cloudWatch(), window, requests, onProgress)),
      );
    }
    const counted = new Set(records.flatMap((r) => (r.kind === "copies" ? [r.component] : [])));
    for (const [component, c] of current) {
      if (counted.has(component)) continue;
      warnings.push(
        `${c.endpoint}: inference component ${component} has no ${window.month} copy samples in CloudWatch; its current copy count (${c.copies}) was used for every hour.`,
      );
      for (let t = window.start.getTime(); t < window.end.getTime(); t += 3_600_000)
        records.push({
          kind: "copies",
          endpoint: c.endpoint,
          component,
          hour: hourOf(new Date(t)),
          copies: c.copies,
        });
    }
    return { records, warnings };
  };
}

/**
 * Runs the monthly chargeback: reads the month's costs and usage (from the configured sources unless given),
 * allocates them (docs/contracts.md#allocation-rules) and returns the report (§3.6) with its detail lines.
 *
 * @example
 * ```ts
 * import { loadConfig } from "sagemaker-chargeback/core";
 * import { runChargeback } from "sagemaker-chargeback/chargeback";
 * const config = await loadConfig("smcb.config.json");
 * const report = await runChargeback({ config, month: "2026-10" });
 * console.log(report.reconciliation);
 * // the config's AWS sources (Cost Explorer, CloudWatch, Athena) through a chosen region and profile:
 * await runChargeback({ config, month: "2026-10", awsOptions: { region: "us-east-1", profile: "finops" } });
 * ```
 * @throws {@link core!UsageError | UsageError} for a malformed or future month; {@link core!ConfigError | ConfigError} when the configuration names no
 * readable source (no `costs`, or `firehose` usage without `usage.athena`); {@link core!DataSourceError | DataSourceError} when a source
 * fails; {@link core!AwsError | AwsError} when an AWS call fails
 */
export async function runChargeback(o: RunChargebackOptions): Promise<ChargebackReport> {
  const window = monthWindow(o.month);
  const now = o.now ?? new Date();
  if (now.getTime() < window.start.getTime())
    throw new UsageError(`Month ${o.month} has not started yet (now is ${now.toISOString().slice(0, 10)}).`, {
      hint: "Pass a past month, or the current one for an estimate.",
    });
  const monthOpen = now.getTime() < window.end.getTime();
  const clients = new SourceClients(o.clients ?? {}, {
    ...o.awsOptions,
    region: o.awsOptions?.region ?? o.config.region,
  });
  const config = withBasis(o.config, o.basis);
  // Once one source fails, the others' progress is muted and their AWS calls are cut (the clients are destroyed), so
  // that the error is the last thing the user reads, never a "read … lines" that looks like success.
  let failed = false;
  const onProgress = o.onProgress && ((m: string) => (failed ? undefined : o.onProgress?.(m)));
  const costSource = o.costSource ?? configuredCostSource(config, clients, now, onProgress);
  const usageSource = o.usageSource ?? configuredUsageSource(config, clients, onProgress);
  const utilizationSource = o.utilizationSource ?? configuredUtilizationSource(config, clients, onProgress);
  let costs: CostSourceResult;
  let usage: UsageSourceResult;
  let utilization: UtilizationSourceResult;
  const reads = [costSource(window, monthOpen), usageSource(window), utilizationSource(window)] as const;
  try {
    [costs, usage, utilization] = await Promise.all(reads);
  } catch (e) {
    failed = true;
    for (const r of reads) r.catch(() => undefined); // another read's own failure, if any, is not news
    throw e;
  } finally {
    clients.destroy();
  }
  const warnings = [...(costs.warnings ?? []), ...(usage.warnings ?? []), ...(utilization.warnings ?? [])];
  return allocate({
    month: o.month,
    policy: { tagKey: o.config.tagKey, lobs: o.config.lobs },
    sharedEndpoints: o.config.sharedEndpoints,
    costs: costs.lines,
    usage: usage.usage,
    estimated: monthOpen || costs.estimated,
    currency: costs.currency,
    usageQuality: {
      malformed: usage.malformed,
      duplicates: usage.duplicates,
      ...(usage.malformedLines ? { malformedLines: usage.malformedLines } : {}),
    },
    basis: costs.basis,
    excluded: costs.excluded,
    ...(config.costs ? { adjustments: config.costs.adjustments } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
    ...(costs.provenance ? { source: costs.provenance } : {}),
    ...(usage.gatewayEstimates ? { gatewayEstimates: usage.gatewayEstimates } : {}),
    utilization: utilization.records,
  });
}

/** The configuration with `costs.basis` replaced (unchanged without a basis or a cost source). */
function withBasis(config: LoadedConfig, basis: CostBasis | undefined): LoadedConfig {
  if (basis === undefined || config.costs === undefined) return config;
  return { ...config, costs: { ...config.costs, basis } };
}
