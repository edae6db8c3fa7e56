/**
 * A FOCUS-aligned CSV of the chargeback: the FinOps Open Cost and Usage Specification 1.2 column names for the
 * columns it has, plus `x_`-prefixed extensions for the allocation. It is aligned with FOCUS 1.2, not conformant:
 * it carries only the columns below, one row per allocated amount rather than per provider charge.
 */
import { stringify } from "csv-stringify/sync";
import { DEFAULT_TAG_KEY } from "../../core/tags.js";
import { isoSeconds, monthWindow } from "../engine/month.js";
import type { AllocationLine, ChargebackReport, InScopeService } from "../model.js";

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
] as const;

/** FOCUS `ServiceName` of each in-scope service (the names AWS gives these services). */
const SERVICE_NAME: Readonly<Record<InScopeService, string>> = {
  AmazonSageMaker: "Amazon SageMaker",
  AmazonBedrock: "Amazon Bedrock",
};

function description(l: AllocationLine): string {
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
 * Renders the report's detail rows as a FOCUS-1.2-aligned CSV.
 *
 * - `BilledCost` and `EffectiveCost` are both the allocated amount (the source's unblended cost; no amortization
 *   is applied), in `BillingCurrency`.
 * - `BillingPeriod*` and `ChargePeriod*` are the report's month, `[start, end)` in UTC.
 * - `ChargeCategory` is `Usage`; `ServiceCategory` is `AI and Machine Learning`.
 * - `Tags` is a JSON object with the LOB tag (`{"LineOfBusiness":"retail"}`) on rows allocated by that tag
 *   (dedicated, Bedrock), `{}` on the others: a shared endpoint's own tag names its owner, not the LOB charged.
 * - `x_Lob` (the LOB, `__idle__`, or empty), `x_Category` (`dedicated|shared|bedrock|idle|unallocated`),
 *   `x_AllocationMethod`, `x_SharedEndpoint` and `x_Estimated` describe the allocation.
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
  const rows = report.lines.map((l) => {
    // Tags are the resource's own tags (FOCUS): only dedicated and Bedrock rows were allocated by their LOB tag.
    const tagged = l.lob !== null && (l.category === "dedicated" || l.category === "bedrock");
    return [
      l.cost,
      l.cost,
      report.currency,
      start,
      end,
      start,
      end,
      "Usage",
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
    ];
  });
  return stringify(rows, { header: true, columns: [...FOCUS_COLUMNS], record_delimiter: "unix" });
}
