/**
 * The HTML report's charts: vega-lite specs compiled to vega and rendered, without a browser or a canvas, to
 * SVG text by a headless vega View. Text is measured by vega's estimate (no canvas package), so the SVG is
 * the same on every machine for the same report.
 */
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { ChargebackReport } from "../model.js";
import { percent } from "./tables.js";

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

/** Cost per LOB, stacked dedicated / shared / Bedrock (horizontal bars). */
export function lobCostSpec(r: ChargebackReport): TopLevelSpec {
  const values = r.lobs.flatMap((l) => [
    {
      lob: l.lob,
      category: "dedicated",
      rank: 0,
      cost: Number(l.dedicated),
      label: `${l.lob}, dedicated: ${l.dedicated} ${r.currency}`,
    },
    {
      lob: l.lob,
      category: "shared",
      rank: 1,
      cost: Number(l.shared),
      label: `${l.lob}, shared: ${l.shared} ${r.currency}`,
    },
    {
      lob: l.lob,
      category: "Bedrock",
      rank: 2,
      cost: Number(l.bedrock),
      label: `${l.lob}, Bedrock: ${l.bedrock} ${r.currency}`,
    },
  ]);
  return {
    width: 560,
    height: { step: 22 },
    data: { values },
    mark: { type: "bar" },
    encoding: {
      y: { field: "lob", type: "nominal", title: "LOB", sort: r.lobs.map((l) => l.lob) },
      x: { field: "cost", type: "quantitative", aggregate: "sum", title: `Cost (${r.currency})` },
      color: {
        field: "category",
        type: "nominal",
        title: "Category",
        scale: { domain: ["dedicated", "shared", "Bedrock"], range: ["#4c78a8", "#f58518", "#54a24b"] },
      },
      order: { field: "rank", type: "quantitative" },
      description: { field: "label", type: "nominal" },
    },
    config: CONFIG,
  } as TopLevelSpec;
}

/** Each shared endpoint's capacity: the used (or reserved-and-used) share against the idle share, in percent. */
export function utilizationSpec(r: ChargebackReport): TopLevelSpec {
  const values = r.sharedEndpoints.flatMap((e) => {
    const used = Math.min(1, Math.max(0, e.utilization));
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

/** Effective cost per million tokens beside the cost at full utilization, per shared endpoint (grouped bars). */
export function pricePerTokenSpec(r: ChargebackReport): TopLevelSpec {
  const values = r.sharedEndpoints.flatMap((e) => [
    ...(e.effectiveCostPerMillionTokens == null
      ? []
      : [
          {
            endpoint: e.endpoint,
            measure: "effective",
            price: Number(e.effectiveCostPerMillionTokens),
            label: `${e.endpoint}, effective: ${e.effectiveCostPerMillionTokens} ${r.currency} per million tokens`,
          },
        ]),
    ...(e.fullUtilizationCostPerMillionTokens == null
      ? []
      : [
          {
            endpoint: e.endpoint,
            measure: "at full utilization",
            price: Number(e.fullUtilizationCostPerMillionTokens),
            label: `${e.endpoint}, at full utilization: ${e.fullUtilizationCostPerMillionTokens} ${r.currency} per million tokens`,
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
      x: { field: "price", type: "quantitative", title: `Cost per million tokens (${r.currency})` },
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

/** A chart of the HTML report. */
export interface Chart {
  readonly id: string;
  readonly title: string;
  /** The SVG markup, or `undefined` when the report has nothing to plot. */
  readonly svg: string | undefined;
}

/** Renders every chart of the report (charts without data are left out, with `svg: undefined`). */
export async function renderCharts(r: ChargebackReport): Promise<Chart[]> {
  const hasPrices = r.sharedEndpoints.some(
    (e) => e.effectiveCostPerMillionTokens != null || e.fullUtilizationCostPerMillionTokens != null,
  );
  const charts: Array<{ id: string; title: string; spec: TopLevelSpec | undefined }> = [
    { id: "chart-lob-cost", title: "Cost per LOB", spec: r.lobs.length > 0 ? lobCostSpec(r) : undefined },
    {
      id: "chart-utilization",
      title: "Shared endpoint utilization and idle capacity",
      spec: r.sharedEndpoints.length > 0 ? utilizationSpec(r) : undefined,
    },
    {
      id: "chart-price-per-token",
      title: "Effective cost per million tokens vs. at full utilization",
      spec: hasPrices ? pricePerTokenSpec(r) : undefined,
    },
  ];
  return Promise.all(
    charts.map(async (c) => ({
      id: c.id,
      title: c.title,
      svg: c.spec ? await renderSvg(c.spec) : undefined,
    })),
  );
}
