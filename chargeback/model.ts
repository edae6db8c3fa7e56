/**
 * The data model shared by cost sources, usage sources, the allocation engine and the reports.
 * Sources produce {@link CostLine}s and {@link EndpointUsage}; the engine turns them into a {@link ChargebackReport}.
 */
import type { Decimal } from "../core/index.js";

/**
 * The services a cost line is reported under (docs/contracts.md#cost-input-the-real-bill): SageMaker (with the `MachineLearningSavingsPlans` fees of
 * SageMaker Savings Plans) and Bedrock (with the Bedrock models sold through AWS Marketplace).
 */
export type InScopeService = "AmazonSageMaker" | "AmazonBedrock";

/** The cost bases (docs/contracts.md#cost-input-the-real-bill): which cost column of each line type a chargeback counts. */
export const COST_BASES = ["net-amortized", "amortized", "net-unblended", "unblended"] as const;
/** A cost basis; `net-amortized` is the default. */
export type CostBasis = (typeof COST_BASES)[number];

/** The adjustment categories (docs/contracts.md#cost-input-the-real-bill), in report order. */
export const ADJUSTMENT_CATEGORIES = ["commitment", "discount", "credit", "refund", "tax"] as const;
/** An amount that is not a resource's usage: unused commitment, discounts a basis leaves, credits, refunds, tax. */
export type AdjustmentCategory = (typeof ADJUSTMENT_CATEGORIES)[number];
/** Every category of an in-scope amount, `usage` first. */
export const COST_CATEGORIES = ["usage", ...ADJUSTMENT_CATEGORIES] as const;
/** `usage` (a line with a resource, allocated by docs/contracts.md#allocation-rules) or an {@link AdjustmentCategory}. */
export type CostCategory = (typeof COST_CATEGORIES)[number];

/**
 * Where an adjustment category goes (`costs.adjustments`): `central` (an `unallocated` item whose reason is the
 * category), `proportional` (spread over LOBs in proportion to their allocated cost of the same service), or a LOB.
 */
export type AdjustmentPolicy = "central" | "proportional" | (string & {});

/** One in-scope cost line, as read from CUR 2.0 or FOCUS (or synthesised from a Cost Explorer group). */
export interface CostLine {
  /** `line_item_usage_start_date` (FOCUS `ChargePeriodStart`). */
  readonly usageStart: Date;
  /** The service it is reported under (a SageMaker Savings Plans fee: SageMaker; a Marketplace model: Bedrock). */
  readonly service: InScopeService;
  /** `usage`, or the adjustment it is. */
  readonly category: CostCategory;
  /** The source's own kind of line: `line_item_line_item_type` (CUR), `ChargeCategory` (FOCUS), `RECORD_TYPE` (CE). */
  readonly lineItemType: string;
  /** `line_item_product_code` as billed: `AmazonSageMaker`, `MachineLearningSavingsPlans`, `AmazonBedrock`, or a Marketplace product code. */
  readonly productCode: string;
  /** The Marketplace product name of a third-party Bedrock model, e.g. `Claude Sonnet 4.5 (Amazon Bedrock Edition)`. */
  readonly productName?: string;
  /** `line_item_usage_type`, e.g. `USE1-Host:ml.g5.2xlarge` (hosting, unit hours). */
  readonly usageType: string;
  /** `line_item_resource_id` (an ARN), or `null`. */
  readonly resourceId: string | null;
  /** `line_item_usage_amount` (hours for hosting lines). */
  readonly usageAmount: Decimal;
  /** The line's cost at the source's basis, exact. */
  readonly cost: Decimal;
  /**
   * The resource's tags as the source wrote them: CUR 2.0 `resource_tags` keys (`user_line_of_business`), the
   * `tags` column (`resourceTags/LineOfBusiness`), FOCUS `Tags` (original keys). The engine matches the LOB key in
   * every one of these forms.
   */
  readonly tags: Readonly<Record<string, string>>;
  /** `pricing_unit` when the source has it (e.g. `Hrs`, `GB-Mo`); used as the detail rows' consumed unit. */
  readonly unit?: string;
}

/** The lines of one service (product) outside the chargeback's scope, counted and summed at the basis. */
export interface ExcludedSummary {
  /** The product code (CUR), `ServiceName` (FOCUS) or `SERVICE` (Cost Explorer). */
  readonly service: string;
  readonly lines: number;
  /** Exact, at the source's basis. */
  readonly cost: Decimal;
}

/** Where a source's lines came from, for the report (an addition to §3.6). */
export interface CostProvenance {
  /** `files` (a glob), `export` (a local export folder), `s3-export`, `athena`, `cost-explorer`. */
  readonly kind: "files" | "export" | "s3-export" | "athena" | "cost-explorer";
  /** What was read: the glob, folder, `s3://` URI, table or API. */
  readonly location: string;
  /** Data files read. */
  readonly files?: number;
  /** The manifest that chose them (export folders and S3 exports). */
  readonly manifest?: string;
  /** Data files of the month's partition that the manifest does not name: counted, not read. */
  readonly ignoredFiles?: number;
}

/** What a cost source returns for one month. */
export interface CostSourceResult {
  /** In-scope lines only, at {@link basis}. */
  readonly lines: readonly CostLine[];
  /** ISO 4217 currency of every line. */
  readonly currency: string;
  /** True when the source says figures are not final (an empty invoice id, Cost Explorer `Estimated`, an open month). */
  readonly estimated: boolean;
  /** The basis the amounts are at. */
  readonly basis: CostBasis;
  /** Everything else the source held for the month, per service. */
  readonly excluded: readonly ExcludedSummary[];
  /** Things the reader wants the user to know (a missing column read by its default, ignored files …). */
  readonly warnings?: readonly string[];
  readonly provenance?: CostProvenance;
}

/** A month's usage of one shared endpoint by one LOB, duplicates by `id` removed. */
export interface EndpointUsage {
  readonly endpoint: string;
  readonly lob: string;
  readonly invocations: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /**
   * The hour the usage falls in, `YYYY-MM-DDTHH:00:00Z`, when the source keeps hours (the usage of the month is then
   * the sum of its hours). Absent: usage of the whole month.
   */
  readonly hour?: string;
}

/**
 * One record of measured utilization (docs/utilization.md), as read from CloudWatch and the SageMaker API or from a
 * local JSON Lines file (one record a line, the same shape):
 * - `metric`: an endpoint instance metric of one production variant for one hour (`/aws/sagemaker/Endpoints`,
 *   `GPUUtilization` or `CPUUtilization`, both the SUM over the instance's GPUs or cores, 0–100 each): the `Sum`
 *   and `SampleCount` statistics of the hour (one sample per instance per minute);
 * - `component`: an inference component of the endpoint, what one copy reserves, and the LOB of its tag;
 * - `copies`: the average number of copies of a component in one hour.
 */
export type UtilizationRecord =
  | {
      readonly kind: "metric";
      readonly endpoint: string;
      readonly variant: string;
      readonly metric: "GPUUtilization" | "CPUUtilization";
      /** `YYYY-MM-DDTHH:00:00Z`. */
      readonly hour: string;
      readonly sum: number;
      readonly samples: number;
    }
  | {
      readonly kind: "component";
      readonly endpoint: string;
      readonly component: string;
      /** The LOB tag's value, or `null` when the component has none. */
      readonly lob: string | null;
      /** `NumberOfAcceleratorDevicesRequired`. */
      readonly accelerators: number;
      /** `NumberOfCpuCoresRequired`. */
      readonly cpuCores: number;
      /** `MinMemoryRequiredInMb`. */
      readonly memoryMb: number;
    }
  | {
      readonly kind: "copies";
      readonly endpoint: string;
      readonly component: string;
      /** `YYYY-MM-DDTHH:00:00Z`. */
      readonly hour: string;
      readonly copies: number;
    };

/** What a utilization source returns for one endpoint and month. */
export interface UtilizationSourceResult {
  readonly records: readonly UtilizationRecord[];
  /** Things the reader wants the user to know (a copy count taken as constant …). */
  readonly warnings?: readonly string[];
}

/** What a usage source returns for one month. */
export interface UsageSourceResult {
  readonly usage: readonly EndpointUsage[];
  /** Lines of the month that could not be read as usage events; reported, never silently dropped. */
  readonly malformed: number;
  /** Events seen more than once (same `id`), counted once. */
  readonly duplicates: number;
  /** The first malformed lines in full (file ledger), in file and line order. */
  readonly malformedLines?: readonly MalformedLine[];
  /** What the reader skipped and the report should say (e.g. a link to nothing in the ledger folder). */
  readonly warnings?: readonly string[];
  /**
   * The tenant gateway's own price estimates of the month's calls per LOB (events with `price_estimate`, Bedrock
   * and SageMaker alike, duplicates by `id` counted once), when the reader was asked for them and found some.
   */
  readonly gatewayEstimates?: readonly GatewayEstimateInput[];
}

/** The gateway's estimated spend of one LOB for the month, as a usage source reads it. */
export interface GatewayEstimateInput {
  readonly lob: string;
  /** Calls with a price estimate. */
  readonly calls: number;
  /** The sum of their `price_estimate`, exact. */
  readonly estimate: Decimal;
}

/** One LOB's gateway estimate beside its billed figure (an addition to §3.6). */
export interface GatewayEstimateLob {
  readonly lob: string;
  /** Calls the gateway priced. */
  readonly calls: number;
  /** The sum of the gateway's `price_estimate` of those calls. */
  readonly estimate: string;
  /** The LOB's total in this report: the charge, from the bill (`"0.00"` for a LOB the report has no line for). */
  readonly billed: string;
  /** `billed − estimate`. */
  readonly difference: string;
}

/**
 * The tenant gateway's estimate beside the bill, per LOB (an addition to §3.6, present when the usage source has
 * gateway events with a `price_estimate`). The bill is the charge; the estimate is the gateway's, from its price
 * table, and covers only calls made through the gateway.
 */
export interface GatewayEstimateReport {
  /** The sentence every format shows with the figures. */
  readonly note: string;
  /** Every LOB with gateway calls, by name. */
  readonly lobs: readonly GatewayEstimateLob[];
  /** The sums over {@link lobs}. */
  readonly total: Omit<GatewayEstimateLob, "lob">;
}

/** A ledger line that is not a valid usage event, where it is and why. */
export interface MalformedLine {
  /** The file, relative to the ledger folder. */
  readonly file: string;
  /** Its line number (1-based). */
  readonly line: number;
  /** The first check it fails. */
  readonly reason: string;
  /** The line as written. */
  readonly text: string;
}

/** The quality of the month's usage input (an addition to §3.6). */
export interface UsageQuality {
  /** Malformed lines of the month (by their `ts`, else by their file's day folder). */
  readonly malformed: number;
  /** Duplicate events counted once. */
  readonly duplicates: number;
  /** The first malformed lines in full; present when there are some (file ledger). */
  readonly malformedLines?: readonly MalformedLine[];
}

/** One LOB's totals in the JSON report (money as two-place decimal strings). */
export interface LobTotal {
  readonly lob: string;
  readonly total: string;
  readonly dedicated: string;
  readonly shared: string;
  readonly bedrock: string;
  /** Adjustments assigned to this LOB (`proportional` or a LOB policy), all categories (an addition to §3.6). */
  readonly adjustments: string;
  /** The same per category; only categories with an amount (an addition to §3.6). */
  readonly adjustmentsByCategory?: Readonly<Partial<Record<AdjustmentCategory, string>>>;
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
  /** Measured utilization only: the instance-hours charged to this LOB as used or reserved, decimal text. */
  readonly capacityHours?: string;
  /** Components only: this LOB's components' reserved share of the capacity, weighted by instance-hours. */
  readonly reservedShare?: number;
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
  /**
   * `cost / weightedTokens × 10^6`, four places: per million **weighted** tokens, the unit of
   * {@link fullUtilizationCostPerMillionTokens}, so their ratio is exactly `1 / utilization`; `null` without tokens.
   */
  readonly effectiveCostPerMillionTokens?: string | null;
  /** `cost / capacityTokens × 10^6` (the price per million weighted tokens at full utilization), four places; `null` without capacity. */
  readonly fullUtilizationCostPerMillionTokens?: string | null;
  /** Where utilization came from: `tokens`, `cloudwatch` or `components` (docs/utilization.md). */
  readonly utilizationSource?: "tokens" | "cloudwatch" | "components";
  /** How the cost was split: `weighted-tokens`, `reserved-compute` or `hybrid`. */
  readonly allocationMethod?: "weighted-tokens" | "reserved-compute" | "hybrid";
  /** `monthly` (one split for the month), `hourly` (hourly cost lines) or `hourly-spread` (daily lines spread over their hours). */
  readonly mode?: "monthly" | "hourly" | "hourly-spread";
  /**
   * The measured share of paid capacity in use (`cloudwatch`) or reserved (`components`), weighted by instance-hours,
   * beside the token-derived {@link utilization}; `null` under `tokens`.
   */
  readonly measuredUtilization?: number | null;
  /** Hours that had cost but no measurement: counted, their cost, and the figure they were given instead. */
  readonly missingHours?: {
    readonly count: number;
    readonly cost: string;
    readonly hours: readonly string[];
  };
  /** One line saying what the idle cost is and where it went. */
  readonly idleExplanation?: string;
  /** Measured utilization per hour (`null`: no measurement), for the heat map; only when utilization is measured. */
  readonly hourly?: readonly { readonly hour: string; readonly utilization: number | null }[];
}

/** One unallocated amount. */
export interface UnallocatedItem {
  /** `untagged`, `unknown-lob:<value>`, or an adjustment category kept central (`credit`, `tax` …). */
  readonly reason: string;
  readonly service: InScopeService;
  readonly cost: string;
}

/** Where an allocated amount landed. */
export type AllocationCategory = "dedicated" | "shared" | "bedrock" | "idle" | "adjustment" | "unallocated";

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
  /**
   * How the amount was attributed: `tag`, `weighted-tokens`, `reservation`, `idle:<policy>`, `owner-fallback`,
   * `untagged`, `unknown-lob:<value>`, or for adjustments `<category>:central|proportional|lob`.
   */
  readonly method: string;
  /** `usage` or the adjustment category of the amount. */
  readonly chargeCategory: CostCategory;
  /** The CUR usage type of the amount's lines (`USE1-Host:ml.g5.2xlarge`, `USE1-…-input-tokens`); `null` for a mix. */
  readonly usageType: string | null;
  /** The Marketplace product name for a third-party Bedrock model. */
  readonly productName?: string;
  /** The quantity consumed (hours for hosting, weighted tokens for shared allocations), decimal string. */
  readonly consumedQuantity: string;
  /** The unit of `consumedQuantity`: `Hours`, `Tokens`, or the CUR's own unit. */
  readonly consumedUnit: string;
  /** The amount, two-place decimal string. */
  readonly cost: string;
}

/** `smcb chargeback --json` (docs/contracts.md#report-json-smcb-chargeback---json, schemaVersion 1). Other fields may be added. */
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
    /** The cost basis of every figure. */
    readonly basis: CostBasis;
    /** The in-scope source total per category; every category present, `"0.00"` when none. */
    readonly byCategory: Readonly<Record<CostCategory, string>>;
  };
  /** Out-of-scope lines of the source, per service, at the basis (never silently dropped). */
  readonly excluded: readonly { readonly service: string; readonly lines: number; readonly cost: string }[];
  /** Warnings of the source and the engine (a tag key that matched nothing, colliding keys …). */
  readonly warnings?: readonly string[];
  /** Where the cost lines came from. */
  readonly source?: CostProvenance;
  /** Usage lines that could not be read and duplicate events counted once (an addition to §3.6). */
  readonly usageQuality?: UsageQuality;
  /** The gateway's estimated spend beside the billed figure per LOB, when the usage has gateway events. */
  readonly gatewayEstimate?: GatewayEstimateReport;
  /** The detail rows behind the totals (an addition to the §3.6 fields). */
  readonly lines: readonly AllocationLine[];
}
