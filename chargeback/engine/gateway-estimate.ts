/**
 * The tenant gateway's estimate beside the bill, per LOB (docs/gateway.md, docs/contracts.md#report-json-smcb-chargeback---json).
 */
import { type Decimal, dec, formatMoney, sum, ZERO } from "../../core/index.js";
import type { GatewayEstimateInput, GatewayEstimateReport, LobTotal } from "../model.js";

/** The sentence every report format shows with the gateway's estimate. */
export const GATEWAY_ESTIMATE_NOTE =
  "The billed figure is the charge: this report's total for the LOB, from the bill. The estimate is the tenant gateway's own, priced from its price table when each call was made; it covers only calls made through the gateway and is not a charge.";

/**
 * Each LOB with gateway calls: the gateway's estimate, the LOB's billed total in the report (`"0.00"` when the
 * report has none), and `billed − estimate`, with their sums; `undefined` when there is no estimate.
 *
 * @example
 * ```ts
 * gatewayEstimateOf([{ lob: "retail", calls: 3, estimate: dec("1.5") }], report.lobs);
 * // { note, lobs: [{ lob: "retail", calls: 3, estimate: "1.50", billed: "431.20", difference: "429.70" }], total }
 * ```
 */
export function gatewayEstimateOf(
  estimates: readonly GatewayEstimateInput[],
  lobs: readonly LobTotal[],
): GatewayEstimateReport | undefined {
  if (estimates.length === 0) return undefined;
  const perLob = new Map<string, { calls: number; estimate: Decimal }>();
  for (const e of estimates) {
    const p = perLob.get(e.lob) ?? { calls: 0, estimate: ZERO };
    perLob.set(e.lob, { calls: p.calls + e.calls, estimate: p.estimate.plus(e.estimate) });
  }
  const billedOf = new Map(lobs.map((l) => [l.lob, dec(l.total)]));
  const rows = [...perLob]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([lob, p]) => {
      const billed = billedOf.get(lob) ?? ZERO;
      return { lob, calls: p.calls, estimate: p.estimate, billed };
    });
  const view = (r: { calls: number; estimate: Decimal; billed: Decimal }) => ({
    calls: r.calls,
    estimate: formatMoney(r.estimate),
    billed: formatMoney(r.billed),
    difference: formatMoney(r.billed.minus(r.estimate)),
  });
  return {
    note: GATEWAY_ESTIMATE_NOTE,
    lobs: rows.map((r) => ({ lob: r.lob, ...view(r) })),
    total: view({
      calls: rows.reduce((t, r) => t + r.calls, 0),
      estimate: sum(rows.map((r) => r.estimate)),
      billed: sum(rows.map((r) => r.billed)),
    }),
  };
}
