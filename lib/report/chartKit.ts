/** Shared pieces of the report's Vega-Lite charts: the chart record, sizes, NaN cleaning, axes, interval plots. */
import type { TopLevelSpec } from "vega-lite";
import type { IntervalRow } from "./derive.ts";

export interface ChartDef {
  readonly id: string;
  readonly title: string;
  /** One or two sentences under the title: how to read the chart. */
  readonly caption: string;
  readonly spec?: TopLevelSpec;
  /** Set when the chart cannot be drawn from this run: what is missing. */
  readonly missing?: string;
  /** Parts of the chart that are waiting for data (drawn anyway from what exists). */
  readonly notes?: readonly string[];
}

export const WIDTH = 560;
/** NaN is not JSON and not a valid mark position: nulls are filtered by Vega-Lite. */
export const clean = <T extends object>(rows: readonly T[]): T[] =>
  rows.map(
    (r) =>
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [k, typeof v === "number" && !Number.isFinite(v) ? null : v]),
      ) as T,
  );

/** 20 distinguishable colours (Vega's category20 without the pale halves first, then the pale halves). */
const STRATEGY_PALETTE = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
  "#aec7e8",
  "#ffbb78",
  "#98df8a",
  "#ff9896",
  "#c5b0d5",
  "#c49c94",
  "#f7b6d2",
  "#c7c7c7",
  "#dbdb8d",
  "#9edae5",
];

/** Colour of series that are not strategies (the market's realized volume). */
export const OTHER_SERIES_COLOR = "#333333";

/**
 * One colour scale for strategies, the same in every chart of a report: the domain is ALL the run's strategy
 * labels (sorted), so a strategy keeps its colour whichever strategies a chart shows. `extra` series (not
 * strategies) are appended in dark grey.
 */
export function strategyColorScale(labels: readonly string[], extra: readonly string[] = []) {
  const domain = [...labels, ...extra];
  const range = [
    ...labels.map((_, i) => STRATEGY_PALETTE[i % STRATEGY_PALETTE.length]!),
    ...extra.map(() => OTHER_SERIES_COLOR),
  ];
  return { domain, range };
}

export const strategyAxis = (title = "strategy") => ({
  field: "strategy",
  type: "nominal" as const,
  title,
  sort: "ascending" as const,
  axis: { labelLimit: 260 },
});

/** Mean paired differences with 95% intervals: a dot per comparison, its interval as a bar, 0 dashed. */
export function intervalSpec(rows: readonly IntervalRow[], xTitle: string, colorTitle: string): TopLevelSpec {
  const y = {
    field: "comparison",
    type: "nominal" as const,
    title: null,
    sort: null,
    // the comparison labels are long (myopic/sor/alpha=imbalance - alpha=none): never cut them
    axis: { labelLimit: 600 },
  };
  const palette: Record<string, string> = {
    causal: "#1f77b4",
    "look-ahead": "#d62728",
    "routing: sor - market": "#2ca02c",
    "alpha: alpha - none": "#9467bd",
    "gap to look-ahead oracle": "#d62728",
  };
  const kinds = Object.keys(palette).filter((k) => rows.some((r) => r.kind === k));
  const color = {
    field: "kind",
    type: "nominal" as const,
    title: colorTitle,
    scale: { domain: kinds, range: kinds.map((k) => palette[k]!) },
  };
  const tooltip = [
    { field: "comparison", type: "nominal" as const },
    { field: "n", type: "quantitative" as const, title: "paired orders" },
    { field: "mean_bps", type: "quantitative" as const, format: ".2f" },
    { field: "ci_low_bps", type: "quantitative" as const, format: ".2f" },
    { field: "ci_high_bps", type: "quantitative" as const, format: ".2f" },
  ];
  return {
    width: WIDTH,
    height: { step: 30 },
    data: { values: clean(rows) },
    layer: [
      { mark: { type: "rule", color: "#777", strokeDash: [4, 4] }, encoding: { x: { datum: 0 } } },
      {
        mark: { type: "rule", strokeWidth: 3, opacity: 0.7 },
        encoding: {
          y,
          x: { field: "ci_low_bps", type: "quantitative", title: xTitle },
          x2: { field: "ci_high_bps" },
          color,
        },
      },
      {
        mark: { type: "point", filled: true, size: 90, opacity: 1 },
        encoding: { y, x: { field: "mean_bps", type: "quantitative", title: xTitle }, color, tooltip },
      },
    ],
  } as TopLevelSpec;
}
