/**
 * The HTML report's charts: vega-lite specs compiled to vega and rendered, without a browser or a canvas, to
 * SVG text by a headless vega View. Text is measured by vega's estimate (no canvas package), so the SVG is
 * the same on every machine for the same report.
 */
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { type Decimal, dec, formatMoney, sum } from "../../core/money.js";
import type { ChargebackReport, LobTotal, SharedEndpointReport } from "../model.js";
import {
  count,
  grouped,
  IDLE_LABEL,
  idleTotal,
  isEmptyReport,
  money,
  percent,
  UNALLOCATED_LABEL,
  unallocatedParts,
} from "./tables.js";

/** The costliest {@link CHART_TOP_ENDPOINTS} shared endpoints, in report order. */
function chartEndpoints(r: ChargebackReport): readonly SharedEndpointReport[] {
  if (r.sharedEndpoints.length <= CHART_TOP_ENDPOINTS) return r.sharedEndpoints;
  const keep = new Set(
    [...r.sharedEndpoints]
      .sort((a, b) => dec(b.cost).comparedTo(dec(a.cost)) || (a.endpoint < b.endpoint ? -1 : 1))
      .slice(0, CHART_TOP_ENDPOINTS),
  );
  return r.sharedEndpoints.filter((e) => keep.has(e));
}

const FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif";
const CONFIG = {
  font: FONT,
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 220 },
  legend: { labelFontSize: 11, titleFontSize: 12, orient: "bottom", labelLimit: 300 },
} as const;

// vega measures text with the optional `canvas` package when it is installed, and estimates otherwise; always
// estimating keeps the SVG identical on every machine. `textMetrics` is exported by vega but not typed.
(vega as unknown as { textMetrics: { canvas(use: boolean): void } }).textMetrics.canvas(false);

/** Renders a vega-lite spec to an SVG string with a headless vega View (`renderer: "none"`). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** How many LOBs the cost chart draws one by one; the rest are summed into one "others" bar. */
export const CHART_TOP_LOBS = 20;

/** How many shared endpoints the endpoint charts draw (the costliest); the tables list every one. */
export const CHART_TOP_ENDPOINTS = 30;

const LOB_CATEGORIES = ["dedicated", "shared", "Bedrock", "adjustments", "idle", "unallocated"] as const;
const LOB_COLORS = ["#4c78a8", "#f58518", "#54a24b", "#b279a2", "#bab0ac", "#9d755d"] as const;

/** One bar of the cost chart: a LOB, the "others" sum, `__idle__` or unallocated. */
interface Bar {
  readonly key: string;
  readonly parts: Readonly<Partial<Record<(typeof LOB_CATEGORIES)[number], Decimal>>>;
}

/**
 * The bars of the cost chart: the {@link CHART_TOP_LOBS} LOBs with the largest totals (by size, then name), one
 * "others (n LOBs)" bar summing the rest exactly, then `__idle__` and unallocated (drawn in their own colours).
 */
export function lobBars(r: ChargebackReport): Bar[] {
  const byTotal = [...r.lobs].sort(
    (a, b) =>
      dec(b.total).abs().comparedTo(dec(a.total).abs()) || (a.lob < b.lob ? -1 : a.lob > b.lob ? 1 : 0),
  );
  const split = byTotal.length > CHART_TOP_LOBS + 1 ? CHART_TOP_LOBS : byTotal.length;
  const parts = (l: LobTotal) => ({
    dedicated: dec(l.dedicated),
    shared: dec(l.shared),
    Bedrock: dec(l.bedrock),
    adjustments: dec(l.adjustments ?? "0"),
  });
  const bars: Bar[] = byTotal.slice(0, split).map((l) => ({ key: l.lob, parts: parts(l) }));
  const rest = byTotal.slice(split);
  if (rest.length > 0) {
    const ps = rest.map(parts);
    const add = (k: keyof ReturnType<typeof parts>) => sum(ps.map((p) => p[k]));
    bars.push({
      key: `others (${count(rest.length)} LOBs)`,
      parts: {
        dedicated: add("dedicated"),
        shared: add("shared"),
        Bedrock: add("Bedrock"),
        adjustments: add("adjustments"),
      },
    });
  }
  const idle = dec(idleTotal(r));
  if (!idle.isZero()) bars.push({ key: IDLE_LABEL, parts: { idle } });
  const un = unallocatedParts(r);
  if (!dec(un.total).isZero())
    bars.push({
      key: UNALLOCATED_LABEL,
      parts: { unallocated: dec(un.total).minus(dec(un.adjustments)), adjustments: dec(un.adjustments) },
    });
  return bars;
}

/**
 * Cost per LOB, stacked dedicated / shared / Bedrock / adjustments (horizontal bars), the top
 * {@link CHART_TOP_LOBS} LOBs and "others", then the `__idle__` and unallocated bars in their own colours: every
 * line of the reconciled total is drawn.
 */
export function lobCostSpec(r: ChargebackReport): TopLevelSpec {
  const values = lobBars(r).flatMap((b, bar) =>
    LOB_CATEGORIES.flatMap((category, rank) => {
      const v = b.parts[category];
      if (v === undefined || v.isZero()) return [];
      return [
        {
          lob: b.key,
          bar,
          category,
          rank,
          cost: v.toNumber(),
          label: `${b.key}, ${category}: ${money(formatMoney(v))} ${r.currency}`,
        },
      ];
    }),
  );
  return {
    width: 560,
    height: { step: 22 },
    data: { values },
    mark: { type: "bar" },
    encoding: {
      // Bars in lobBars' order, by their index: a sort list of the LOB names would put data into vega's
      // parameter objects, where a LOB named `toString` or `constructor` reads a built-in (issue 13).
      y: {
        field: "lob",
        type: "nominal",
        title: "LOB",
        sort: { field: "bar", op: "min", order: "ascending" },
      },
      x: { field: "cost", type: "quantitative", aggregate: "sum", title: `Cost (${r.currency})` },
      color: {
        field: "category",
        type: "nominal",
        title: "Category",
        scale: { domain: [...LOB_CATEGORIES], range: [...LOB_COLORS] },
      },
      order: { field: "rank", type: "quantitative" },
      description: { field: "label", type: "nominal" },
    },
    config: CONFIG,
  } as TopLevelSpec;
}

/** Each shared endpoint's capacity: the used (or reserved-and-used) share against the idle share, in percent. */
export function utilizationSpec(r: ChargebackReport): TopLevelSpec {
  const values = chartEndpoints(r).flatMap((e) => {
    // a measured endpoint shows what was measured (docs/utilization.md), the others their token-derived figure
    const used = Math.min(1, Math.max(0, e.measuredUtilization ?? e.utilization));
    return [
      {
        endpoint: e.endpoint,
        part: "used",
        share: used * 100,
        label: `${e.endpoint}: ${percent(used)} used`,
      },
      {
        endpoint: e.endpoint,
        part: "idle",
        share: (1 - used) * 100,
        label: `${e.endpoint}: ${percent(1 - used)} idle`,
      },
    ];
  });
  return {
    width: 560,
    height: { step: 22 },
    data: { values },
    mark: { type: "bar" },
    encoding: {
      y: { field: "endpoint", type: "nominal", title: "Shared endpoint", sort: null },
      x: {
        field: "share",
        type: "quantitative",
        title: "Share of capacity (%)",
        scale: { domain: [0, 100] },
      },
      color: {
        field: "part",
        type: "nominal",
        title: "Capacity",
        scale: { domain: ["used", "idle"], range: ["#4c78a8", "#bab0ac"] },
      },
      order: { field: "part", type: "ordinal", sort: "descending" },
      description: { field: "label", type: "nominal" },
    },
    config: CONFIG,
  } as TopLevelSpec;
}

/** Effective cost per million weighted tokens beside the cost at full utilization, per shared endpoint (grouped bars). */
export function pricePerTokenSpec(r: ChargebackReport): TopLevelSpec {
  const values = chartEndpoints(r).flatMap((e) => [
    ...(e.effectiveCostPerMillionTokens == null
      ? []
      : [
          {
            endpoint: e.endpoint,
            measure: "effective",
            price: Number(e.effectiveCostPerMillionTokens),
            label: `${e.endpoint}, effective: ${grouped(e.effectiveCostPerMillionTokens)} ${r.currency} per million weighted tokens`,
          },
        ]),
    ...(e.fullUtilizationCostPerMillionTokens == null
      ? []
      : [
          {
            endpoint: e.endpoint,
            measure: "at full utilization",
            price: Number(e.fullUtilizationCostPerMillionTokens),
            label: `${e.endpoint}, at full utilization: ${grouped(e.fullUtilizationCostPerMillionTokens)} ${r.currency} per million weighted tokens`,
          },
        ]),
  ]);
  return {
    width: 560,
    height: { step: 16 },
    data: { values },
    mark: { type: "bar" },
    encoding: {
      y: { field: "endpoint", type: "nominal", title: "Shared endpoint", sort: null },
      yOffset: { field: "measure", type: "nominal", sort: ["effective", "at full utilization"] },
      x: { field: "price", type: "quantitative", title: `Cost per million weighted tokens (${r.currency})` },
      color: {
        field: "measure",
        type: "nominal",
        title: "Price",
        scale: { domain: ["effective", "at full utilization"], range: ["#e45756", "#72b7b2"] },
      },
      description: { field: "label", type: "nominal" },
    },
    config: CONFIG,
  } as TopLevelSpec;
}

/**
 * The hourly utilization of one shared endpoint as a heat map: hour of day (UTC) across, day of the month down, the
 * measured share of capacity in use (or reserved) as the colour; hours with cost but no measurement in grey.
 */
export function hourlyHeatmapSpec(e: SharedEndpointReport): TopLevelSpec {
  const values = (e.hourly ?? []).map((h) => ({
    day: Number(h.hour.slice(8, 10)),
    hour: Number(h.hour.slice(11, 13)),
    util: h.utilization === null ? null : h.utilization * 100,
    label: `${e.endpoint}, ${h.hour.slice(0, 10)} ${h.hour.slice(11, 16)} UTC: ${
      h.utilization === null ? "no measurement" : percent(h.utilization)
    }`,
  }));
  const encoding = {
    x: {
      field: "hour",
      type: "ordinal",
      title: "Hour of day (UTC)",
      scale: { domain: [...Array(24).keys()] },
    },
    y: { field: "day", type: "ordinal", title: "Day of month" },
    description: { field: "label", type: "nominal" },
  };
  return {
    width: 560,
    height: { step: 14 },
    data: { values },
    layer: [
      {
        transform: [{ filter: "datum.util === null" }],
        mark: { type: "rect", color: "#d0d0d0" },
        encoding,
      },
      {
        transform: [{ filter: "datum.util !== null" }],
        mark: { type: "rect" },
        encoding: {
          ...encoding,
          color: {
            field: "util",
            type: "quantitative",
            title: e.utilizationSource === "components" ? "Reserved (%)" : "In use (%)",
            scale: { domain: [0, 100], scheme: "blues" },
          },
        },
      },
    ],
    config: CONFIG,
  } as TopLevelSpec;
}

/** A chart of the HTML report. */
export interface Chart {
  readonly id: string;
  readonly title: string;
  /** The SVG markup, or `undefined` when the report has nothing to plot. */
  readonly svg: string | undefined;
}

/** Renders every chart of the report (charts without data are left out, with `svg: undefined`). */
export async function renderCharts(r: ChargebackReport): Promise<Chart[]> {
  if (isEmptyReport(r)) return [];
  const hasPrices = r.sharedEndpoints.some(
    (e) => e.effectiveCostPerMillionTokens != null || e.fullUtilizationCostPerMillionTokens != null,
  );
  const charts: Array<{ id: string; title: string; spec: TopLevelSpec | undefined }> = [
    { id: "chart-lob-cost", title: "Cost per LOB", spec: lobBars(r).length > 0 ? lobCostSpec(r) : undefined },
    {
      id: "chart-utilization",
      title: "Shared endpoint utilization and idle capacity",
      spec: r.sharedEndpoints.length > 0 ? utilizationSpec(r) : undefined,
    },
    {
      id: "chart-price-per-token",
      title: "Effective cost per million weighted tokens vs. at full utilization",
      spec: hasPrices ? pricePerTokenSpec(r) : undefined,
    },
    ...chartEndpoints(r)
      .filter((e) => (e.hourly ?? []).length > 0)
      .map((e) => ({
        id: `chart-hourly-${e.endpoint}`,
        title: `Hourly utilization of ${e.endpoint} (${e.mode === "monthly" ? "measured; allocated for the month" : "allocated hour by hour"})`,
        spec: hourlyHeatmapSpec(e),
      })),
  ];
  return Promise.all(
    charts.map(async (c) => ({
      id: c.id,
      title: c.title,
      svg: c.spec ? await renderSvg(c.spec) : undefined,
    })),
  );
}
