/**
 * The data model shared by cost sources, usage sources, the allocation engine and the reports.
 * Sources produce {@link CostLine}s and {@link EndpointUsage}; the engine turns them into a {@link ChargebackReport}.
 */
import type { Decimal } from "../core/money.js";

/** The AWS services in scope (DESIGN §3.4). */
export type InScopeService = "AmazonSageMaker" | "AmazonBedrock";

/** One in-scope cost line, as read from CUR 2.0 (or synthesised from a Cost Explorer group). */
export interface CostLine {
  /** `line_item_usage_start_date`. */
  readonly usageStart: Date;
  /** `line_item_product_code`. */
  readonly service: InScopeService;
  /** `line_item_usage_type`, e.g. `USE1-Host:ml.g5.2xlarge` (hosting, unit hours). */
  readonly usageType: string;
  /** `line_item_resource_id` (an ARN), or `null`. */
  readonly resourceId: string | null;
  /** `line_item_usage_amount` (hours for hosting lines). */
  readonly usageAmount: Decimal;
  /** `line_item_unblended_cost`, exact. */
  readonly cost: Decimal;
  /** `resource_tags` as given: keys such as `user_LineOfBusiness` (matched case-insensitively by the engine). */
  readonly tags: Readonly<Record<string, string>>;
  /** `pricing_unit` when the source has it (e.g. `Hrs`, `GB-Mo`); used as the detail rows' consumed unit. */
  readonly unit?: string;
}

/** What a cost source returns for one month. */
export interface CostSourceResult {
  /** In-scope lines only. */
  readonly lines: readonly CostLine[];
  /** ISO 4217 currency of every line. */
  readonly currency: string;
  /** True when the source says figures are not final (Cost Explorer `Estimated`, or the month has not ended). */
  readonly estimated: boolean;
}

/** A month's usage of one shared endpoint by one LOB, duplicates by `id` removed. */
export interface EndpointUsage {
  readonly endpoint: string;
  readonly lob: string;
  readonly invocations: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** What a usage source returns for one month. */
export interface UsageSourceResult {
  readonly usage: readonly EndpointUsage[];
  /** Lines that could not be read as usage events (file ledger); reported, never silently dropped. */
  readonly malformed: number;
  /** Events seen more than once (same `id`), counted once. */
  readonly duplicates: number;
}

/** One LOB's totals in the JSON report (money as two-place decimal strings). */
export interface LobTotal {
  readonly lob: string;
  readonly total: string;
  readonly dedicated: string;
  readonly shared: string;
  readonly bedrock: string;
}

/** One LOB's share of a shared endpoint. */
export interface SharedAllocation {
  readonly lob: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly weightedTokens: number;
  readonly cost: string;
  /** Calls counted (an addition to §3.6). */
  readonly invocations?: number;
  /** `a_l = max(reservation × capacity, weightedTokens)` (an addition to §3.6). */
  readonly chargedTokens?: number;
  /** The part of `cost` for capacity used or reserved (an addition to §3.6). */
  readonly usedCost?: string;
  /** The part of `cost` that is this LOB's share of idle capacity (an addition to §3.6). */
  readonly idleCost?: string;
}

/** One shared endpoint in the JSON report. */
export interface SharedEndpointReport {
  readonly endpoint: string;
  readonly cost: string;
  readonly instanceHours: string;
  readonly utilization: number;
  readonly allocations: readonly SharedAllocation[];
  /** The endpoint's `__idle__` line (idle policy `separate`); `"0.00"` under the other policies. */
  readonly idle: string;
  // The fields below are additions to §3.6; the engine always sets them.
  /** The LOB that owns the endpoint (gets idle under `owner`, everything when nobody used it). */
  readonly owner?: string;
  /** `proportional | even | owner | separate`. */
  readonly idlePolicy?: string;
  /** Capacity in weighted tokens for the month (`K`), decimal string. */
  readonly capacityTokens?: string;
  /** Input plus output tokens of all LOBs (unweighted). */
  readonly totalTokens?: number;
  /** Weighted tokens of all LOBs (`Σ w_l`). */
  readonly weightedTokens?: number;
  /** Calls counted. */
  readonly invocations?: number;
  /** Cost of the capacity nobody used or reserved, whatever the idle policy did with it. */
  readonly unusedCost?: string;
  /** `cost / totalTokens × 10^6`, four places; `null` without tokens. */
  readonly effectiveCostPerMillionTokens?: string | null;
  /** `cost / capacityTokens × 10^6` (the price at full utilization), four places; `null` without capacity. */
  readonly fullUtilizationCostPerMillionTokens?: string | null;
}

/** One unallocated amount. */
export interface UnallocatedItem {
  /** `untagged` or `unknown-lob:<value>`. */
  readonly reason: string;
  readonly service: InScopeService;
  readonly cost: string;
}

/** Where an allocated amount landed. */
export type AllocationCategory = "dedicated" | "shared" | "bedrock" | "idle" | "unallocated";

/**
 * One detail row of the chargeback: an amount, in cents, that landed on one LOB (or `__idle__`, or unallocated)
 * from one resource. The rows of a report add up exactly to its `reconciliation.reportTotal`, and per LOB to
 * that LOB's `total`. The CSV and FOCUS reports are made from these rows.
 */
export interface AllocationLine {
  /** The LOB charged; `"__idle__"` for a separate idle line; `null` when unallocated. */
  readonly lob: string | null;
  readonly category: AllocationCategory;
  readonly service: InScopeService;
  /** The resource's ARN when known (CUR), else its name. */
  readonly resourceId: string | null;
  /** The shared endpoint's name, for `shared` and `idle` rows. */
  readonly endpoint: string | null;
  /** How the amount was attributed: `tag`, `weighted-tokens`, `reservation`, `idle:<policy>`, `owner-fallback`, `untagged`, `unknown-lob:<value>`. */
  readonly method: string;
  /** The quantity consumed (hours for hosting, weighted tokens for shared allocations), decimal string. */
  readonly consumedQuantity: string;
  /** The unit of `consumedQuantity`: `Hours`, `Tokens`, or the CUR's own unit. */
  readonly consumedUnit: string;
  /** The amount, two-place decimal string. */
  readonly cost: string;
}

/** `smcb chargeback --json` (DESIGN §3.6, schemaVersion 1). Other fields may be added. */
export interface ChargebackReport {
  readonly schemaVersion: 1;
  readonly month: string;
  readonly currency: string;
  readonly lobs: readonly LobTotal[];
  readonly sharedEndpoints: readonly SharedEndpointReport[];
  readonly unallocated: { readonly total: string; readonly items: readonly UnallocatedItem[] };
  readonly reconciliation: {
    readonly sourceTotal: string;
    readonly reportTotal: string;
    readonly difference: string;
    readonly estimated: boolean;
  };
  /** Usage lines that could not be read and duplicate events counted once (an addition to §3.6). */
  readonly usageQuality?: { readonly malformed: number; readonly duplicates: number };
  /** The detail rows behind the totals (an addition to the §3.6 fields). */
  readonly lines: readonly AllocationLine[];
}
