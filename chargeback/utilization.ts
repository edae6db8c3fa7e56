/**
 * `measureUtilization`: one shared endpoint's measured utilization for a month, hour by hour, and — for a `tokens`
 * endpoint — the capacity in weighted tokens per instance-hour that the measurement implies, to calibrate
 * `capacityTokensPerInstanceHour` (docs/utilization.md).
 */
import { UsageError } from "../core/index.js";
import { type RunChargebackOptions, runChargeback } from "./run.js";

/** What {@link measureUtilization} finds. */
export interface UtilizationReport {
  readonly endpoint: string;
  readonly month: string;
  /** `cloudwatch` or `components` (a `tokens` endpoint is measured with `cloudwatch`). */
  readonly source: "cloudwatch" | "components";
  /** The endpoint's configured source. */
  readonly configuredSource: "tokens" | "cloudwatch" | "components";
  readonly mode: "monthly" | "hourly" | "hourly-spread";
  readonly instanceHours: string;
  readonly weightedTokens: number;
  /** Measured share of capacity in use (or reserved), weighted by instance-hours. */
  readonly measuredUtilization: number | null;
  /** Weighted tokens over the configured capacity, as the `tokens` source computes it. */
  readonly tokenUtilization: number;
  readonly capacityTokensPerInstanceHour: number | null;
  /** `weightedTokens / (instanceHours × measuredUtilization)`: the capacity the measurement implies; `null` without use. */
  readonly impliedCapacityTokensPerInstanceHour: number | null;
  readonly missingHours: { readonly count: number; readonly cost: string; readonly hours: readonly string[] };
  readonly hourly: readonly { readonly hour: string; readonly utilization: number | null }[];
  readonly warnings: readonly string[];
}

/**
 * Measures one shared endpoint's utilization for a month from the configured sources (a `tokens` endpoint is read
 * as `cloudwatch`, or from its `utilizationFile`), hour by hour.
 *
 * @example
 * ```ts
 * const u = await measureUtilization({ config, month: "2026-10" }, "shared-llm");
 * console.log(u.measuredUtilization, u.impliedCapacityTokensPerInstanceHour);
 * ```
 * @throws {@link core!UsageError | UsageError} when the endpoint is not a configured shared endpoint; else as {@link runChargeback}
 */
export async function measureUtilization(
  options: RunChargebackOptions,
  name: string,
): Promise<UtilizationReport> {
  const e = options.config.sharedEndpoints.find((x) => x.name.toLowerCase() === name.toLowerCase());
  if (e === undefined)
    throw new UsageError(`${name} is not a shared endpoint of ${options.config.configFile}.`, {
      hint: `Configured: ${options.config.sharedEndpoints.map((x) => x.name).join(", ") || "none"}.`,
    });
  const configuredSource = e.utilization ?? "tokens";
  const source = configuredSource === "tokens" ? "cloudwatch" : configuredSource;
  const measured = { ...e, utilization: source } as const;
  const report = await runChargeback({
    ...options,
    config: { ...options.config, sharedEndpoints: [measured] },
  });
  const r = report.sharedEndpoints[0];
  if (r === undefined) throw new UsageError(`${name}: no report entry.`);
  const u = r.measuredUtilization ?? null;
  const H = Number(r.instanceHours);
  const W = r.weightedTokens ?? 0;
  return {
    endpoint: e.name,
    month: report.month,
    source,
    configuredSource,
    mode: r.mode ?? "monthly",
    instanceHours: r.instanceHours,
    weightedTokens: W,
    measuredUtilization: u,
    tokenUtilization: r.utilization,
    capacityTokensPerInstanceHour: e.capacityTokensPerInstanceHour ?? null,
    impliedCapacityTokensPerInstanceHour: u === null || u === 0 || H === 0 ? null : Math.round(W / (H * u)),
    missingHours: r.missingHours ?? { count: 0, cost: "0.00", hours: [] },
    hourly: r.hourly ?? [],
    warnings: report.warnings ?? [],
  };
}
