/**
 * `runChargeback`: the monthly job as a library call — sources chosen from the configuration, then the engine.
 */

import path from "node:path";
import { AthenaClient } from "@aws-sdk/client-athena";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CostExplorerClient } from "@aws-sdk/client-cost-explorer";
import { S3Client } from "@aws-sdk/client-s3";
import type { LoadedConfig } from "../core/index.js";
import { type AwsOptions, type ClientConfig, ConfigError, makeClient, UsageError } from "../core/index.js";
import { allocate, type MonthWindow, monthWindow } from "./engine/index.js";
import type { ChargebackReport, CostBasis, CostSourceResult, UsageSourceResult } from "./model.js";
import type { AthenaQueryOptions } from "./sources/index.js";
import {
  readAthenaCurCosts,
  readAthenaUsage,
  readCloudWatchUsage,
  readCostExplorerCosts,
  readCurFiles,
  readFileLedger,
  readFocusFiles,
  resolveDelivery,
} from "./sources/index.js";

/** Reads a month of in-scope costs. `estimated` is the caller's view (the month has not ended). */
export type CostSource = (window: MonthWindow, estimated: boolean) => Promise<CostSourceResult>;
/** Reads a month of shared-endpoint usage. */
export type UsageSource = (window: MonthWindow) => Promise<UsageSourceResult>;

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
 */
class SourceClients {
  private readonly made: { destroy(): void }[] = [];
  private athenaClient: AthenaClient | undefined;

  constructor(
    private readonly given: ChargebackClients,
    private readonly options: AwsOptions,
  ) {}

  get region(): string | undefined {
    return this.options.region;
  }

  costExplorer(): CostExplorerClient {
    return this.given.costExplorer ?? this.make(CostExplorerClient);
  }

  cloudWatch(): CloudWatchClient {
    return this.given.cloudWatch ?? this.make(CloudWatchClient);
  }

  s3(): S3Client {
    // path-style addressing when an endpoint is given (moto, a VPC endpoint), as the S3 API accepts everywhere
    const endpoint = this.options.endpointUrl ?? process.env.AWS_ENDPOINT_URL;
    return this.given.s3 ?? this.make(S3Client, { forcePathStyle: endpoint !== undefined });
  }

  athena(): AthenaClient {
    this.athenaClient ??= this.given.athena ?? this.make(AthenaClient);
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
      return readCostExplorerCosts(clients.costExplorer(), {
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
    const read = costs.type === "focus" ? readFocusFiles : readCurFiles;
    return async (window, estimated) => {
      const delivery = await resolveDelivery({
        path: where,
        month: window.month,
        cacheDir,
        ...(/^s3:\/\//i.test(where) ? { s3: clients.s3() } : {}),
        ...(onProgress ? { onProgress } : {}),
      });
      const result = await read({
        files: delivery.files,
        format: delivery.format,
        window,
        basis: costs.basis,
        estimated,
        ...(onProgress ? { onProgress } : {}),
      });
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
  return (window, estimated) => {
    onProgress?.(`Athena: reading CUR lines of ${window.month} from ${athenaTableRef(table)}`);
    return readAthenaCurCosts(clients.athena(), {
      ...athenaQueryOptions(table, onProgress),
      table: table.table,
      window,
      basis: costs.basis,
      estimated,
    });
  };
}

function configuredUsageSource(
  config: LoadedConfig,
  clients: SourceClients,
  onProgress?: (m: string) => void,
): UsageSource {
  const usage = config.usage;
  switch (usage.type) {
    case "file":
      return (window) =>
        readFileLedger({
          path: usage.path,
          window,
          ...(config.duckdb ? { duckdb: config.duckdb } : {}),
          ...(onProgress ? { onProgress } : {}),
        });
    case "cloudwatch":
      return (window) =>
        readCloudWatchUsage(clients.cloudWatch(), {
          month: window.month,
          namespace: usage.namespace,
          candidates: { endpoints: config.sharedEndpoints.map((e) => e.name), lobs: config.lobs },
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
      return (window) => {
        onProgress?.(`Athena: reading usage of ${window.month} from ${athenaTableRef(table)}`);
        return readAthenaUsage(clients.athena(), {
          ...athenaQueryOptions(table, onProgress),
          table: table.table,
          window,
        });
      };
    }
  }
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
 * @throws {@link UsageError} for a malformed or future month; {@link ConfigError} when the configuration names no
 * readable source (no `costs`, or `firehose` usage without `usage.athena`); {@link DataSourceError} when a source
 * fails; {@link AwsError} when an AWS call fails
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
  const costSource = o.costSource ?? configuredCostSource(config, clients, now, o.onProgress);
  const usageSource = o.usageSource ?? configuredUsageSource(config, clients, o.onProgress);
  let costs: CostSourceResult;
  let usage: UsageSourceResult;
  try {
    [costs, usage] = await Promise.all([costSource(window, monthOpen), usageSource(window)]);
  } finally {
    clients.destroy();
  }
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
    ...(costs.warnings || usage.warnings
      ? { warnings: [...(costs.warnings ?? []), ...(usage.warnings ?? [])] }
      : {}),
    ...(costs.provenance ? { source: costs.provenance } : {}),
  });
}

/** The configuration with `costs.basis` replaced (unchanged without a basis or a cost source). */
function withBasis(config: LoadedConfig, basis: CostBasis | undefined): LoadedConfig {
  if (basis === undefined || config.costs === undefined) return config;
  return { ...config, costs: { ...config.costs, basis } };
}
