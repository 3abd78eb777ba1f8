/**
 * The report's execution charts (sample order schedules and impact path, router mix, fill rate and passive
 * share) as Vega-Lite specs; see costCharts.ts.
 */
import type { TopLevelSpec } from "vega-lite";
import { type ChartDef, clean, strategyAxis, strategyColorScale, WIDTH } from "./chartKit.ts";
import { fillAndPassive, overfillPct, routerMix, sampleOrder, strategyLabels } from "./derive.ts";
import type { RunData } from "./load.ts";

export function executionCharts(data: RunData): ChartDef[] {
  const rows = data.executions;
  const labels = strategyLabels(rows);
  const charts: ChartDef[] = [];
  const sample = sampleOrder(data);
  const sampleName = sample
    ? `${sample.symbol} ${sample.date}, order ${sample.orderId} (${sample.parentQty.toLocaleString("en-US")} shares, ${sample.horizonMin} min)`
    : "";
  const scheduleSeries = [
    ...new Set((sample?.schedule ?? []).map((p) => p.series).filter((s) => !s.startsWith("market volume"))),
  ];
  charts.push({
    id: "sample-schedule",
    title: `Sample order: schedules against the market volume${sample ? ` - ${sampleName}` : ""}`,
    caption:
      "Cumulative share of the parent order sent by each scheduler (child orders at decision times), against the " +
      "market's realized cumulative volume over the same window (from the day's calibration record). Schedulers that " +
      "send the same quantities draw the same steps: the wider line underneath is the one drawn first in the legend.",
    ...(sample?.schedule.length
      ? {
          spec: {
            width: WIDTH,
            height: 300,
            data: { values: clean(sample.schedule) },
            encoding: {
              x: { field: "minute", type: "quantitative", title: "minutes since the parent's start" },
              y: { field: "cum_pct", type: "quantitative", title: "cumulative % of total" },
              color: {
                field: "series",
                type: "nominal",
                title: "schedule",
                scale: strategyColorScale(
                  labels,
                  sample.schedule.some((p) => !labels.includes(p.series)) ? ["market volume (realized)"] : [],
                ),
                // the legend lists the series drawn, not every strategy of the shared scale
                legend: { values: [...new Set(sample.schedule.map((p) => p.series))] },
              },
            },
            layer: [
              // child orders are sent at decision times: the schedule is a step function. Schedulers that
              // send the same quantities (twap and vwap on a flat profile) draw the same steps: one layer
              // per series, the first drawn widest, so a line under another still shows at its edges
              ...scheduleSeries.map((series, i) => ({
                transform: [{ filter: { field: "series", equal: series } }],
                mark: {
                  type: "line",
                  interpolate: "step-after",
                  strokeWidth: 2 + 2.5 * (scheduleSeries.length - 1 - i),
                  opacity: 0.9,
                  point: { size: 25 + 30 * (scheduleSeries.length - 1 - i), filled: true },
                },
              })),
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
      "trading), in bps of the arrival mid. It is known at the decisions only (dots); the steps hold it until the next " +
      "decision for reading, while in the model it jumps with each fill and decays between decisions (its half-life).",
    ...(sample?.impact.length
      ? {
          spec: {
            width: WIDTH,
            height: 240,
            data: { values: clean(sample.impact) },
            // decisions are sparse: steps between them, not straight lines that would suggest a gradual path
            mark: {
              type: "line",
              interpolate: "step-after",
              strokeWidth: 2,
              point: { size: 40, filled: true },
            },
            encoding: {
              x: { field: "minute", type: "quantitative", title: "minutes since the parent's start" },
              y: { field: "impact_bps", type: "quantitative", title: "I(t) (bps of arrival mid)" },
              color: {
                field: "series",
                type: "nominal",
                title: "strategy",
                scale: strategyColorScale(labels),
                legend: { values: [...new Set(sample.impact.map((p) => p.series))] },
              },
            },
          } as TopLevelSpec,
        }
      : { missing: "needs impact_usd of a myopic strategy's child orders" }),
  });

  const mix = routerMix(rows);
  const hasOverfill = data.executionColumns.has("overfill_shares");
  const mixMax = Math.max(100, ...(hasOverfill ? overfillPct(rows).map((o) => Math.ceil(o.pct)) : []));
  const mixLayers: object[] = [
    {
      mark: { type: "bar" },
      encoding: {
        y: strategyAxis(),
        x: {
          field: "pct",
          type: "quantitative",
          title: "share of executed shares (%)",
          stack: "zero",
          // shares of a whole: the axis ends at 100% (not a "nice" 110%), or at the largest overfill diamond
          scale: { domain: [0, mixMax], nice: false },
        },
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
