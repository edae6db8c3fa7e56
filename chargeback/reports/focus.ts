/**
 * A FOCUS-aligned CSV of the chargeback: the FinOps Open Cost and Usage Specification 1.2 column names for the
 * columns it has, plus `x_`-prefixed extensions for the allocation. It is aligned with FOCUS 1.2, not conformant:
 * it carries only the columns below, one row per allocated amount rather than per provider charge.
 */
import { DEFAULT_TAG_KEY } from "../../core/index.js";
import { isoSeconds, monthWindow } from "../engine/index.js";
import type { AllocationLine, ChargebackReport, CostBasis, CostCategory, InScopeService } from "../model.js";
import { safeCsv } from "./csv.js";

/** Options of {@link renderFocus}. */
export interface FocusOptions {
  /** The LOB tag key written into the `Tags` column. @default "LineOfBusiness" */
  readonly tagKey?: string;
}

/** The columns, in order: FOCUS 1.2 names first, then the `x_` extensions. */
export const FOCUS_COLUMNS = [
  "BilledCost",
  "EffectiveCost",
  "BillingCurrency",
  "BillingPeriodStart",
  "BillingPeriodEnd",
  "ChargePeriodStart",
  "ChargePeriodEnd",
  "ChargeCategory",
  "ChargeDescription",
  "ServiceName",
  "ServiceCategory",
  "ResourceId",
  "Tags",
  "ConsumedQuantity",
  "ConsumedUnit",
  "x_Lob",
  "x_Category",
  "x_AllocationMethod",
  "x_SharedEndpoint",
  "x_Estimated",
  "x_CostBasis",
  "x_ChargeCategory",
  "x_UsageType",
  "x_ProductName",
] as const;

/** The FOCUS 1.2 `ChargeCategory` values (FOCUS 1.2, column ChargeCategory, "Allowed values"). */
export type FocusChargeCategory = "Usage" | "Purchase" | "Tax" | "Credit" | "Adjustment";

/** True for the amortized bases, whose amounts are FOCUS `EffectiveCost`; the unblended ones are `BilledCost`. */
export function isAmortizedBasis(basis: CostBasis): boolean {
  return basis === "net-amortized" || basis === "amortized";
}

/**
 * The FOCUS 1.2 `ChargeCategory` of an amount of our {@link CostCategory}:
 * - `usage` → `Usage`; `tax` → `Tax`; `credit` → `Credit` (promotional credits: "charges granted by the provider").
 * - `commitment` → under an amortized basis the unused part of a commitment, which FOCUS counts as `Usage` (the
 *   EffectiveCost rules sum "Usage" rows whose CommitmentDiscountStatus is "Unused", and a "Purchase" row's
 *   EffectiveCost must be 0); under an unblended basis the commitment fees as billed → `Purchase`.
 * - `refund` → `Adjustment`: the refunded charge is not known per allocation line, and the FOCUS supporting content
 *   maps AWS CUR `Refund` lines to `Adjustment`.
 * - `discount` → `Adjustment` (a discount line a basis leaves: "charges the provider applies that do not fall into
 *   other category values").
 */
export function focusChargeCategory(category: CostCategory, basis: CostBasis): FocusChargeCategory {
  switch (category) {
    case "usage":
      return "Usage";
    case "tax":
      return "Tax";
    case "credit":
      return "Credit";
    case "commitment":
      return isAmortizedBasis(basis) ? "Usage" : "Purchase";
    default:
      return "Adjustment";
  }
}

/** FOCUS `ServiceName` of each in-scope service (the names AWS gives these services). */
const SERVICE_NAME: Readonly<Record<InScopeService, string>> = {
  AmazonSageMaker: "Amazon SageMaker",
  AmazonBedrock: "Amazon Bedrock",
};

function description(l: AllocationLine): string {
  if (l.chargeCategory !== "usage" || l.category === "adjustment") {
    const policy = l.method.split(":")[1] ?? (l.lob === null ? "central" : "lob");
    const where =
      policy === "proportional"
        ? "spread over the LOBs in proportion to cost"
        : l.lob === null
          ? "kept central (unallocated)"
          : `charged to ${l.lob}`;
    return `Adjustment ${l.chargeCategory}, ${where} (${l.method})`;
  }
  switch (l.category) {
    case "shared":
      return `Share of shared endpoint ${l.endpoint ?? ""} (${l.method})`;
    case "idle":
      return `Idle capacity of shared endpoint ${l.endpoint ?? ""}`;
    case "unallocated":
      return `Unallocated (${l.method})`;
    default:
      return `${l.category === "bedrock" ? "Bedrock" : "Dedicated"} cost by ${l.method}`;
  }
}

/**
 * Renders the report's detail rows as a FOCUS-1.2-aligned CSV (one row per allocated amount; every cell neutralized
 * against formula injection, see {@link neutralizeCell}).
 *
 * - **Cost columns true to the basis.** FOCUS 1.2 `EffectiveCost` is amortized, `BilledCost` is what was invoiced
 *   (unamortized). Under `net-amortized`/`amortized` the allocated amount is `EffectiveCost`; under
 *   `net-unblended`/`unblended` it is `BilledCost`. The other column cannot be derived per allocation line (a
 *   shared endpoint's pool mixes covered hours, fees and on-demand hours), so it is left **empty** — except on
 *   `Credit` rows, where FOCUS 1.2 says EffectiveCost "MUST match the BilledCost" for a charge unrelated to other
 *   charges, so both hold the amount. `x_CostBasis` names the basis.
 * - `ChargeCategory` follows {@link focusChargeCategory}; `x_ChargeCategory` is ours (`usage`, `commitment` …).
 * - `BillingPeriod*` and `ChargePeriod*` are the report's month, `[start, end)` in UTC.
 * - `ServiceName` is `Amazon SageMaker` or `Amazon Bedrock` (the Bedrock models sold through AWS Marketplace too,
 *   with the model in `x_ProductName`); `ServiceCategory` is `AI and Machine Learning`.
 * - `Tags` is a JSON object with the LOB tag (`{"LineOfBusiness":"retail"}`) on rows allocated by that tag
 *   (dedicated, Bedrock), `{}` on the others: a shared endpoint's own tag names its owner, not the LOB charged.
 * - `x_Lob` (the LOB, `__idle__`, or empty), `x_Category` (`dedicated|shared|bedrock|idle|adjustment|unallocated`),
 *   `x_AllocationMethod`, `x_SharedEndpoint`, `x_Estimated` and `x_UsageType` (the CUR usage type) describe the
 *   allocation.
 * - The excluded (out-of-scope) services are not rows, so the cost column still adds up to the report total; they
 *   are in the JSON report's `excluded` and in the excluded section of the table, Markdown and HTML reports.
 *
 * @example
 * ```ts
 * await writeFile("out/chargeback-2026-10.focus.csv", renderFocus(report, { tagKey: cfg.tagKey }));
 * ```
 */
export function renderFocus(report: ChargebackReport, options: FocusOptions = {}): string {
  const tagKey = options.tagKey ?? DEFAULT_TAG_KEY;
  const bounds = monthWindow(report.month);
  const start = isoSeconds(bounds.start);
  const end = isoSeconds(bounds.end);
  const estimated = String(report.reconciliation.estimated);
  const basis = report.reconciliation.basis;
  const amortized = isAmortizedBasis(basis);
  const rows = report.lines.map((l) => {
    // Tags are the resource's own tags (FOCUS): only dedicated and Bedrock rows were allocated by their LOB tag.
    const tagged = l.lob !== null && (l.category === "dedicated" || l.category === "bedrock");
    const chargeCategory = focusChargeCategory(l.chargeCategory, basis);
    const both = chargeCategory === "Credit";
    return [
      amortized && !both ? "" : l.cost,
      amortized || both ? l.cost : "",
      report.currency,
      start,
      end,
      start,
      end,
      chargeCategory,
      description(l),
      SERVICE_NAME[l.service],
      "AI and Machine Learning",
      l.resourceId ?? "",
      JSON.stringify(tagged ? { [tagKey]: l.lob } : {}),
      l.consumedQuantity,
      l.consumedUnit,
      l.lob ?? "",
      l.category,
      l.method,
      l.endpoint ?? "",
      estimated,
      basis,
      l.chargeCategory,
      l.usageType ?? "",
      l.productName ?? "",
    ];
  });
  return safeCsv(FOCUS_COLUMNS, rows);
}
