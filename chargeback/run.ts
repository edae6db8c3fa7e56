/**
 * `runChargeback`: the monthly job as a library call — sources chosen from the configuration, then the engine.
 */
import type { LoadedConfig } from "../core/config.js";
import { ConfigError, UsageError } from "../core/errors.js";
import { allocate } from "./engine/allocate.js";
import { type MonthWindow, monthWindow } from "./engine/month.js";
import type { ChargebackReport, CostSourceResult, UsageSourceResult } from "./model.js";
import { readCurFiles } from "./sources/cur-files.js";
import { readFileLedger } from "./sources/file-ledger.js";

/** Reads a month of in-scope costs. `estimated` is the caller's view (the month has not ended). */
export type CostSource = (window: MonthWindow, estimated: boolean) => Promise<CostSourceResult>;
/** Reads a month of shared-endpoint usage. */
export type UsageSource = (window: MonthWindow) => Promise<UsageSourceResult>;

/** Options of {@link runChargeback}. */
export interface RunChargebackOptions {
  /** The validated configuration (paths resolved). */
  readonly config: LoadedConfig;
  /** `YYYY-MM`. */
  readonly month: string;
  /** Overrides the cost source of the configuration (e.g. Cost Explorer with an injected client). */
  readonly costSource?: CostSource;
  /** Overrides the usage source of the configuration. */
  readonly usageSource?: UsageSource;
  /** The current time. @default new Date() */
  readonly now?: Date;
  /** Progress messages. */
  readonly onProgress?: (message: string) => void;
}

function configuredCostSource(config: LoadedConfig, onProgress?: (m: string) => void): CostSource {
  const costs = config.costs;
  if (costs === undefined)
    throw new ConfigError(`Configuration ${config.configFile} has no "costs" source.`, [], {
      hint: 'Add "costs": { "type": "cur", "path": "costs/*.csv" } (or "cost-explorer").',
    });
  if (costs.type === "cur" && costs.path !== undefined) {
    const glob = costs.path;
    return (window, estimated) => readCurFiles({ path: glob, window, estimated, onProgress });
  }
  const kind = costs.type === "cur" ? "cur (Athena table)" : costs.type;
  throw new UsageError(`The "${kind}" cost source is not available in this build yet.`, {
    hint: "Use local CUR files (costs.type cur with a path), or pass costSource to runChargeback.",
  });
}

function configuredUsageSource(config: LoadedConfig, onProgress?: (m: string) => void): UsageSource {
  const usage = config.usage;
  if (usage.type === "file") return (window) => readFileLedger({ path: usage.path, window, onProgress });
  throw new UsageError(`The "${usage.type}" usage source is not available in this build yet.`, {
    hint: "Use the file ledger (usage.type file), or pass usageSource to runChargeback.",
  });
}

/**
 * Runs the monthly chargeback: reads the month's costs and usage (from the configured sources unless given),
 * allocates them (DESIGN §3.5) and returns the report (§3.6) with its detail lines.
 *
 * @example
 * ```ts
 * import { loadConfig } from "sagemaker-chargeback/core";
 * import { runChargeback } from "sagemaker-chargeback/chargeback";
 * const report = await runChargeback({ config: await loadConfig("smcb.config.json"), month: "2026-10" });
 * console.log(report.reconciliation);
 * ```
 * @throws {@link UsageError} for a malformed or future month; {@link DataSourceError} when a source fails
 */
export async function runChargeback(o: RunChargebackOptions): Promise<ChargebackReport> {
  const window = monthWindow(o.month);
  const now = o.now ?? new Date();
  if (now.getTime() < window.start.getTime())
    throw new UsageError(`Month ${o.month} has not started yet (now is ${now.toISOString().slice(0, 10)}).`, {
      hint: "Pass a past month, or the current one for an estimate.",
    });
  const monthOpen = now.getTime() < window.end.getTime();
  const costSource = o.costSource ?? configuredCostSource(o.config, o.onProgress);
  const usageSource = o.usageSource ?? configuredUsageSource(o.config, o.onProgress);
  const [costs, usage] = await Promise.all([costSource(window, monthOpen), usageSource(window)]);
  return allocate({
    month: o.month,
    policy: { tagKey: o.config.tagKey, lobs: o.config.lobs },
    sharedEndpoints: o.config.sharedEndpoints,
    costs: costs.lines,
    usage: usage.usage,
    estimated: monthOpen || costs.estimated,
    currency: costs.currency,
    usageQuality: { malformed: usage.malformed, duplicates: usage.duplicates },
  });
}
