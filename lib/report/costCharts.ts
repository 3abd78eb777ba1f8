/**
 * The report's cost charts as Vega-Lite specs (declarative; rendered to SVG by vega.ts): distribution, paired
 * differences, routing/alpha gains, oracle gap, cost against size. A chart whose data the run does not have is a
 * `missing` note naming what it waits for, never an empty frame.
 */
import type { TopLevelSpec } from "vega-lite";
import { type ChartDef, clean, intervalSpec, strategyAxis, strategyColorScale, WIDTH } from "./chartKit.ts";
import {
  ALPHA_KIND,
  alphaGains,
  costBySize,
  differencesToTwap,
  oracleGaps,
  ROUTING_KIND,
  routingGains,
  strategyLabels,
} from "./derive.ts";
import type { RunData } from "./load.ts";
import { costQuartiles, differencesOfAggregates, gainRowsOfAggregates } from "./strategyAggregates.ts";
import { BASELINE_STRATEGY } from "./strategySummary.ts";

/** The sample's note on a chart or table drawn from its rows (a sweep's report). */
export function sampleNote(data: RunData): string[] {
  const s = data.sample;
  if (!s) return [];
  return [
    `drawn from a seeded sample of ${s.parents.toLocaleString("en-US")} of the run's ${s.runParents.toLocaleString("en-US")} parent orders (${s.tasks.toLocaleString("en-US")} symbol-days), not from every order`,
  ];
}

/** Box = quartiles, whiskers = min and max of each strategy's sketch (exact extremes), dots = the sample. */
function sketchedDistribution(data: RunData, scale: ReturnType<typeof strategyColorScale>): ChartDef {
  const boxes = clean(costQuartiles(data.aggregates!));
  const dots = clean(
    data.executions
      .filter((r) => Number.isFinite(Number(r.total_cost_bps)) && r.total_cost_bps !== null)
      .map((r) => ({ strategy: String(r.strategy), total_cost_bps: Number(r.total_cost_bps) })),
  );
  const x = { type: "quantitative" as const, title: "total cost per parent share (bps of arrival mid)" };
  return {
    id: "cost-distribution",
    title: "Cost distribution per strategy",
    caption:
      "Total cost per PARENT share in bps of the arrival mid (positive = cost): the executed shares' cost (implementation " +
      "shortfall incl. own impact + fees - rebates) x fill rate + the opportunity cost of the unfilled shares. " +
      "Box = quartiles and line = median of ALL the run's parent orders (from the summary's quantile sketch: exact up to " +
      "64 orders, else within 0.5%), whiskers = min and max, dots = a seeded sample of parent orders.",
    ...(boxes.length
      ? {
          spec: {
            width: WIDTH,
            height: { step: 34 },
            layer: [
              {
                data: { values: boxes },
                mark: { type: "rule" },
                encoding: { y: strategyAxis(), x: { field: "min", ...x }, x2: { field: "max" } },
              },
              {
                data: { values: boxes },
                mark: { type: "bar", size: 20 },
                encoding: {
                  y: strategyAxis(),
                  x: { field: "q1", ...x },
                  x2: { field: "q3" },
                  color: { field: "strategy", type: "nominal", legend: null, scale },
                },
              },
              {
                data: { values: boxes },
                mark: { type: "tick", color: "black", size: 20, thickness: 2 },
                encoding: { y: strategyAxis(), x: { field: "median", ...x } },
              },
              {
                data: { values: dots },
                mark: { type: "point", size: 18, opacity: 0.45, color: "#222", filled: true },
                encoding: { y: strategyAxis(), x: { field: "total_cost_bps", type: "quantitative" } },
              },
            ],
          } as TopLevelSpec,
        }
      : { missing: "no parent order has a finite total_cost_bps in this run" }),
  };
}

export function costCharts(data: RunData): ChartDef[] {
  const rows = data.executions;
  const labels = data.aggregates
    ? [...new Set(Object.values(data.aggregates).map((a) => a.strategy))].sort()
    : strategyLabels(rows);
  const scale = strategyColorScale(labels);
  const charts: ChartDef[] = [];

  // a sweep's report (data.aggregates): the boxes from the run's sketches, the dots from the seeded sample
  if (data.aggregates) charts.push(sketchedDistribution(data, scale));
  else {
    const costs = clean(
      rows
        .filter((r) => Number.isFinite(Number(r.total_cost_bps)) && r.total_cost_bps !== null)
        .map((r) => ({ strategy: String(r.strategy), total_cost_bps: Number(r.total_cost_bps) })),
    );
    charts.push({
      id: "cost-distribution",
      title: "Cost distribution per strategy",
      caption:
        "Total cost per PARENT share in bps of the arrival mid (positive = cost): the executed shares' cost (implementation " +
        "shortfall incl. own impact + fees - rebates) x fill rate + the opportunity cost of the unfilled shares. " +
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
                    color: { field: "strategy", type: "nominal", legend: null, scale },
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
  }

  const diffs = data.aggregates ? differencesOfAggregates(data.aggregates) : differencesToTwap(rows);
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

  const gainRows = data.aggregates
    ? gainRowsOfAggregates(data.aggregates, ROUTING_KIND, ALPHA_KIND)
    : [...routingGains(rows), ...alphaGains(rows)];
  const routing = gainRows.filter((g) => g.kind === ROUTING_KIND);
  const alpha = gainRows.filter((g) => g.kind === ALPHA_KIND);
  const gainNotes: string[] = [];
  if (!routing.length)
    gainNotes.push(
      "routing (sor - market) not in this run: needs a strategy run with both exec=market and exec=sor",
    );
  if (!alpha.length)
    gainNotes.push(
      "alpha (alpha - none) not in this run: needs myopic with alpha=none beside the causal alphas (ofi, imbalance), same exec",
    );
  charts.push({
    id: "gains",
    title: "Routing and alpha: paired cost differences (95% confidence interval; negative = saves)",
    caption:
      "routing: sor - market = cost(x/sor) - cost(x/market); alpha: alpha - none = cost(myopic/alpha) - cost(myopic/alpha=none); " +
      "paired over the same parent orders, bps; negative (left of 0) = the router / the alpha saves cost, positive = it costs more.",
    ...(routing.length + alpha.length
      ? {
          spec: intervalSpec(
            [...routing, ...alpha],
            "paired cost difference, candidate - baseline (bps; negative = saves)",
            "comparison",
          ),
        }
      : { missing: gainNotes.join("; ") }),
    ...(routing.length + alpha.length && gainNotes.length ? { notes: gainNotes } : {}),
  });

  const oracle = oracleGaps(rows);
  // the oracle is opt-in (a look-ahead bound, not a strategy): without it the section is left out, and the
  // paired-difference chart says how to get it instead of an empty placeholder in every run
  const oracleHow =
    "the gap of the causal alphas to the look-ahead oracle (an upper bound on what an alpha can add) is shown when the spec runs myopic with alpha=oracle beside a causal alpha, e.g. alpha: [none, ofi, oracle]";
  const gains = charts[charts.length - 1]!;
  if (!oracle.length) charts[charts.length - 1] = { ...gains, notes: [...(gains.notes ?? []), oracleHow] };
  if (oracle.length)
    charts.push({
      id: "oracle-gap",
      title: "Gap of the causal alphas to the look-ahead oracle (an upper bound)",
      caption:
        "cost(myopic/alpha) - cost(myopic/alpha=oracle), bps, paired. The oracle sees the actual future mid: it is a " +
        "look-ahead UPPER BOUND on what any alpha could add, not an achievable strategy.",
      spec: intervalSpec(oracle, "cost - oracle cost (bps; > 0 = oracle cheaper)", "comparison"),
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
                  color: { field: "strategy", type: "nominal", title: "strategy", scale },
                },
              },
              {
                mark: { type: "line", point: { filled: false, size: 80 }, strokeWidth: 2 },
                encoding: {
                  x: { field: "pct_adv", type: "quantitative" },
                  y: { aggregate: "mean", field: "total_cost_bps", type: "quantitative" },
                  color: { field: "strategy", type: "nominal", scale },
                },
              },
            ],
          } as TopLevelSpec,
        }
      : { missing: "needs parent orders with a finite cost and the ADV of their calibration" }),
  });
  return charts;
}
