/**
 * The report's charts as Vega-Lite specs (declarative; rendered to SVG by vega.ts). A chart whose data the
 * run does not have is a `missing` note naming what it waits for, never an empty frame.
 */
import type { TopLevelSpec } from "vega-lite";
import { BASELINE_STRATEGY } from "../summary.ts";
import {
  alphaGains,
  costBySize,
  differencesToTwap,
  fillAndPassive,
  type IntervalRow,
  oracleGaps,
  overfillPct,
  routerMix,
  routingGains,
  sampleOrder,
  strategyLabels,
} from "./derive.ts";
import type { RunData } from "./load.ts";

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

const WIDTH = 560;
/** NaN is not JSON and not a valid mark position: nulls are filtered by Vega-Lite. */
const clean = <T extends object>(rows: readonly T[]): T[] =>
  rows.map(
    (r) =>
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [k, typeof v === "number" && !Number.isFinite(v) ? null : v]),
      ) as T,
  );

const strategyAxis = (title = "strategy") => ({
  field: "strategy",
  type: "nominal" as const,
  title,
  sort: "ascending" as const,
  axis: { labelLimit: 260 },
});

/** Mean paired differences with 95% intervals: a dot per comparison, its interval as a bar, 0 dashed. */
function intervalSpec(rows: readonly IntervalRow[], xTitle: string, colorTitle: string): TopLevelSpec {
  const y = {
    field: "comparison",
    type: "nominal" as const,
    title: null,
    sort: null,
    axis: { labelLimit: 320 },
  };
  const palette: Record<string, string> = {
    causal: "#1f77b4",
    "look-ahead": "#d62728",
    "routing gain": "#2ca02c",
    "alpha gain": "#9467bd",
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

export function buildCharts(data: RunData): ChartDef[] {
  const rows = data.executions;
  const labels = strategyLabels(rows);
  const charts: ChartDef[] = [];

  const costs = clean(
    rows
      .filter((r) => Number.isFinite(Number(r.total_cost_bps)) && r.total_cost_bps !== null)
      .map((r) => ({ strategy: String(r.strategy), total_cost_bps: Number(r.total_cost_bps) })),
  );
  charts.push({
    id: "cost-distribution",
    title: "Cost distribution per strategy",
    caption:
      "Total cost per parent share (implementation shortfall + fees - rebates) in bps of the arrival mid; positive = cost. " +
      "Box = quartiles, whiskers = min and max, dots = parent orders.",
    ...(costs.length
      ? {
          spec: {
            width: WIDTH,
            height: { step: 34 },
            data: { values: costs },
            layer: [
              {
                mark: { type: "boxplot", extent: "min-max", size: 20, median: { color: "black" } },
                encoding: {
                  y: strategyAxis(),
                  x: {
                    field: "total_cost_bps",
                    type: "quantitative",
                    title: "total cost per parent share (bps of arrival mid)",
                  },
                  color: { field: "strategy", type: "nominal", legend: null, sort: null },
                },
              },
              {
                mark: { type: "point", size: 18, opacity: 0.45, color: "#222", filled: true },
                encoding: {
                  y: strategyAxis(),
                  x: { field: "total_cost_bps", type: "quantitative" },
                },
              },
            ],
          } as TopLevelSpec,
        }
      : { missing: "no parent order has a finite total_cost_bps in this run" }),
  });

  const diffs = differencesToTwap(rows);
  charts.push({
    id: "paired-difference",
    title: `Paired difference to ${BASELINE_STRATEGY} (95% confidence interval)`,
    caption:
      `Mean over the same parent orders of cost(strategy) - cost(${BASELINE_STRATEGY}), bps; left of 0 = cheaper. ` +
      "Student t interval over the paired orders; red = look-ahead (oracle), not achievable.",
    ...(diffs.length
      ? {
          spec: intervalSpec(
            diffs,
            `cost - ${BASELINE_STRATEGY} cost (bps, negative = cheaper)`,
            "strategy kind",
          ),
        }
      : { missing: `needs ${BASELINE_STRATEGY} and at least one other strategy on the same orders` }),
  });

  const routing = routingGains(rows);
  const alpha = alphaGains(rows);
  const gainNotes: string[] = [];
  if (!routing.length)
    gainNotes.push("routing gain not in this run: needs a strategy run with both exec=market and exec=sor");
  if (!alpha.length)
    gainNotes.push(
      "alpha gain not in this run: needs myopic with alpha=none beside the causal alphas (ofi, imbalance), same exec",
    );
  charts.push({
    id: "gains",
    title: "Routing gain and alpha gain (95% confidence interval)",
    caption:
      "Routing gain = cost(x/sor) - cost(x/market); alpha gain = cost(myopic/alpha) - cost(myopic/alpha=none); " +
      "paired over the same parent orders, bps; negative = the router / the alpha saves cost.",
    ...(routing.length + alpha.length
      ? {
          spec: intervalSpec(
            [...routing, ...alpha],
            "paired cost difference (bps, negative = saving)",
            "comparison",
          ),
        }
      : { missing: gainNotes.join("; ") }),
    ...(routing.length + alpha.length && gainNotes.length ? { notes: gainNotes } : {}),
  });

  const oracle = oracleGaps(rows);
  charts.push({
    id: "oracle-gap",
    title: "Gap of the causal alphas to the look-ahead oracle (an upper bound)",
    caption:
      "cost(myopic/alpha) - cost(myopic/alpha=oracle), bps, paired. The oracle sees the actual future mid: it is a " +
      "look-ahead UPPER BOUND on what any alpha could add, not an achievable strategy.",
    ...(oracle.length
      ? { spec: intervalSpec(oracle, "cost - oracle cost (bps; > 0 = oracle cheaper)", "comparison") }
      : { missing: "needs myopic with alpha=oracle and a causal alpha with the same exec in the spec" }),
  });

  const size = costBySize(rows, data.calibrations);
  charts.push({
    id: "cost-vs-size",
    title: "Cost against order size",
    caption:
      "Each dot is a parent order; size in % of the ADV the task used (mean daily volume of its calibration days, or the " +
      "default ADV). Lines join the strategy's mean cost per size.",
    ...(size.length
      ? {
          spec: {
            width: WIDTH,
            height: 300,
            data: { values: clean(size) },
            layer: [
              {
                mark: { type: "point", filled: true, size: 40, opacity: 0.55 },
                encoding: {
                  x: {
                    field: "pct_adv",
                    type: "quantitative",
                    title: "parent order size (% of ADV)",
                    scale: { zero: false, padding: 20 },
                    axis: { format: ".2f" },
                  },
                  y: { field: "total_cost_bps", type: "quantitative", title: "total cost (bps)" },
                  color: { field: "strategy", type: "nominal", title: "strategy", sort: labels },
                },
              },
              {
                mark: { type: "line", point: { filled: false, size: 80 }, strokeWidth: 2 },
                encoding: {
                  x: { field: "pct_adv", type: "quantitative" },
                  y: { aggregate: "mean", field: "total_cost_bps", type: "quantitative" },
                  color: { field: "strategy", type: "nominal", sort: labels },
                },
              },
            ],
          } as TopLevelSpec,
        }
      : { missing: "needs parent orders with a finite cost and the ADV of their calibration" }),
  });

  const sample = sampleOrder(data);
  const sampleName = sample
    ? `${sample.symbol} ${sample.date}, order ${sample.orderId} (${sample.parentQty.toLocaleString("en-US")} shares, ${sample.horizonMin} min)`
    : "";
  charts.push({
    id: "sample-schedule",
    title: `Sample order: schedules against the market volume${sample ? ` - ${sampleName}` : ""}`,
    caption:
      "Cumulative share of the parent order sent by each scheduler (child orders at decision times), against the " +
      "market's realized cumulative volume over the same window (from the day's calibration record).",
    ...(sample?.schedule.length
      ? {
          spec: {
            width: WIDTH,
            height: 300,
            data: { values: clean(sample.schedule) },
            encoding: {
              x: { field: "minute", type: "quantitative", title: "minutes since the parent's start" },
              y: { field: "cum_pct", type: "quantitative", title: "cumulative % of total" },
              color: { field: "series", type: "nominal", title: "schedule" },
            },
            layer: [
              {
                // child orders are sent at decision times: the schedule is a step function
                transform: [{ filter: "indexof(datum.series, 'market volume') !== 0" }],
                mark: {
                  type: "line",
                  interpolate: "step-after",
                  strokeWidth: 2,
                  point: { size: 25, filled: true },
                },
              },
              {
                // cumulative market volume at the profile's bin ends: straight lines between them
                transform: [{ filter: "indexof(datum.series, 'market volume') === 0" }],
                mark: { type: "line", strokeWidth: 2, strokeDash: [6, 4] },
              },
            ],
          } as TopLevelSpec,
        }
      : { missing: "needs child orders of a myopic strategy (the run has no myopic rows)" }),
    ...(sample && !sample.hasMarketVolume
      ? { notes: ["market volume not shown: the task day's calibration record is not in the store"] }
      : {}),
  });

  charts.push({
    id: "own-impact",
    title: `Sample order: own-impact path I(t)${sample ? ` - ${sampleName}` : ""}`,
    caption:
      "The myopic scheduler's own-impact state I(t_k) at each decision (Obizhaeva-Wang transient impact of our own " +
      "trading), in bps of the arrival mid.",
    ...(sample?.impact.length
      ? {
          spec: {
            width: WIDTH,
            height: 240,
            data: { values: clean(sample.impact) },
            mark: { type: "line", strokeWidth: 2, point: { size: 40, filled: true } },
            encoding: {
              x: { field: "minute", type: "quantitative", title: "minutes since the parent's start" },
              y: { field: "impact_bps", type: "quantitative", title: "I(t) (bps of arrival mid)" },
              color: { field: "series", type: "nominal", title: "strategy" },
            },
          } as TopLevelSpec,
        }
      : { missing: "needs impact_usd of a myopic strategy's child orders" }),
  });

  const mix = routerMix(rows);
  const hasOverfill = data.executionColumns.has("overfill_shares");
  const mixLayers: object[] = [
    {
      mark: { type: "bar" },
      encoding: {
        y: strategyAxis(),
        x: { field: "pct", type: "quantitative", title: "share of executed shares (%)", stack: "zero" },
        color: {
          field: "component",
          type: "nominal",
          title: "fills by",
          scale: {
            domain: ["market (taker)", "limit (maker)", "catch-up market"],
            range: ["#4c78a8", "#54a24b", "#e45756"],
          },
        },
        order: { field: "order", type: "quantitative" },
        tooltip: [
          { field: "strategy", type: "nominal" },
          { field: "component", type: "nominal" },
          { field: "pct", type: "quantitative", format: ".1f" },
        ],
      },
    },
  ];
  if (hasOverfill) {
    mixLayers.push({
      data: { values: clean(overfillPct(rows)) },
      mark: { type: "point", shape: "diamond", filled: true, color: "black", size: 90 },
      encoding: { y: strategyAxis(), x: { field: "pct", type: "quantitative" } },
    });
  }
  charts.push({
    id: "router-mix",
    title: "Router mix per strategy",
    caption:
      "Executed shares by how they filled, weighted by shares: market orders (taker), limit orders (maker, passive) and " +
      `catch-up market orders at the router horizon.${hasOverfill ? " Black diamonds: overfill shares, % of executed." : ""}`,
    ...(mix.length
      ? {
          spec: {
            width: WIDTH,
            height: { step: 30 },
            data: { values: clean(mix) },
            layer: mixLayers,
          } as TopLevelSpec,
        }
      : { missing: "no strategy executed any shares" }),
    ...(mix.length && !hasOverfill
      ? { notes: ["overfill shares not in this run: needs the executions column overfill_shares"] }
      : {}),
  });

  const fp = fillAndPassive(rows);
  charts.push({
    id: "fill-passive",
    title: "Fill rate and passive share per strategy",
    caption:
      "Mean over parent orders: fill rate = executed / parent shares; passive share = limit (maker) fills / executed.",
    spec: {
      width: WIDTH,
      height: { step: 16 },
      data: { values: clean(fp) },
      mark: { type: "bar" },
      encoding: {
        y: strategyAxis(),
        yOffset: { field: "measure", type: "nominal", sort: ["fill rate", "passive share"] },
        x: { field: "pct", type: "quantitative", title: "percent", scale: { domain: [0, 100] } },
        color: {
          field: "measure",
          type: "nominal",
          title: "measure",
          scale: { domain: ["fill rate", "passive share"], range: ["#4c78a8", "#54a24b"] },
        },
        tooltip: [
          { field: "strategy", type: "nominal" },
          { field: "measure", type: "nominal" },
          { field: "pct", type: "quantitative", format: ".1f" },
        ],
      },
    } as TopLevelSpec,
  });
  return charts;
}
