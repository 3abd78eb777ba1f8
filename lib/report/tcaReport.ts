/**
 * The report's transaction cost analysis (docs/models.md 8 and 8.1): where each basis point went per strategy (the
 * tc_* decomposition, a stacked bar, and a table of each component's paired difference to twap/market), the
 * markout curves of passive and aggressive fills, and the venue scorecard. All from the executions rows (their
 * per-parent markout aggregates) and the small venue_stats table: nothing here reads the fills.
 */
import { MARKOUT_HORIZONS_S } from "../metrics/parentMetrics.ts";
import { type ChartDef, clean, strategyColorScale, WIDTH } from "./chartKit.ts";
import { strategyLabels } from "./derive.ts";
import type { Row, RunData } from "./load.ts";
import { BASELINE_STRATEGY } from "./strategySummary.ts";
import type { Column, TableDef } from "./tables.ts";

/** The decomposition's components, in the order they stack (their sum is total_cost_bps). */
export const TC_COMPONENTS = ["spread", "walk", "impact", "timing", "fees", "opportunity"] as const;

const num = (v: unknown) => (v === null || v === undefined ? Number.NaN : Number(v));
const ok = (r: Row) => r.status !== "no_data" && Number.isFinite(num(r.total_cost_bps));
const mean = (xs: readonly number[]) => {
  const f = xs.filter(Number.isFinite);
  return f.length ? f.reduce((a, b) => a + b, 0) / f.length : Number.NaN;
};
const orderKey = (r: Row) => `${r.symbol}|${r.date}|${r.order_id}|${r.calibration_source}`;
/** The baseline of a strategy label: twap/market with the same suffix after the exec (parameter sets, impact). */
const baselineOf = (strategy: string, rows: readonly Row[]): string => {
  const suffix = strategy.split("/").slice(2).join("/");
  const cand = suffix ? `${BASELINE_STRATEGY}/${suffix}` : BASELINE_STRATEGY;
  return rows.some((r) => r.strategy === cand) ? cand : BASELINE_STRATEGY;
};

/** Per strategy: the mean of each component (bps per parent share) and of the total. */
export function decomposition(rows: readonly Row[]): Row[] {
  const out: Row[] = [];
  for (const s of strategyLabels(rows)) {
    const mine = rows.filter((r) => r.strategy === s && ok(r));
    if (mine.length === 0) continue;
    const row: Row = {
      strategy: s,
      orders: mine.length,
      total_cost_bps: mean(mine.map((r) => num(r.total_cost_bps))),
    };
    for (const c of TC_COMPONENTS) row[`${c}_bps`] = mean(mine.map((r) => num(r[`tc_${c}_bps`])));
    out.push(row);
  }
  return out;
}

/** Per strategy: each component's mean paired difference to its twap/market on the same parents. */
export function componentDifferences(rows: readonly Row[]): Row[] {
  const out: Row[] = [];
  for (const s of strategyLabels(rows)) {
    const base = baselineOf(s, rows);
    if (s === base) continue;
    const b = new Map(rows.filter((r) => r.strategy === base && ok(r)).map((r) => [orderKey(r), r]));
    const pairs = rows.filter((r) => r.strategy === s && ok(r) && b.has(orderKey(r)));
    if (pairs.length === 0) continue;
    const row: Row = { strategy: s, vs: base, orders: pairs.length };
    row.total_bps = mean(pairs.map((r) => num(r.total_cost_bps) - num(b.get(orderKey(r))!.total_cost_bps)));
    for (const c of TC_COMPONENTS)
      row[`${c}_bps`] = mean(
        pairs.map((r) => num(r[`tc_${c}_bps`]) - num(b.get(orderKey(r))![`tc_${c}_bps`])),
      );
    out.push(row);
  }
  return out;
}

/** Per strategy, kind and horizon: the mean over parents of their size-weighted markouts. */
export function markoutCurves(rows: readonly Row[]): Row[] {
  const out: Row[] = [];
  for (const s of strategyLabels(rows)) {
    const mine = rows.filter((r) => r.strategy === s && ok(r));
    for (const kind of ["passive", "aggressive"]) {
      for (const h of MARKOUT_HORIZONS_S) {
        const v = mean(mine.map((r) => num(r[`${kind}_markout_${h}s_bps`])));
        if (Number.isFinite(v)) out.push({ strategy: s, kind, horizon_s: h, markout_bps: v });
      }
    }
  }
  return out;
}

/** Per strategy and venue over the run: sums, and the rates and size-weighted means of the venue_stats rows. */
export function venueScorecard(venueStats: readonly Row[]): Row[] {
  const groups = new Map<string, Row[]>();
  for (const r of venueStats) {
    const k = `${r.strategy}\u0000${r.venue}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const sum = (g: readonly Row[], k: string) =>
    g.reduce((a, r) => a + (Number.isFinite(num(r[k])) ? num(r[k]) : 0), 0);
  const weighted = (g: readonly Row[], k: string, w: string) => {
    const ws = g.filter((r) => Number.isFinite(num(r[k])));
    const W = sum(ws, w);
    return W > 0 ? ws.reduce((a, r) => a + num(r[k]) * num(r[w]), 0) / W : Number.NaN;
  };
  return [...groups.values()]
    .map((g) => {
      const limitShares = sum(g, "limit_shares");
      const filled = sum(g, "limit_filled_shares");
      const taker = sum(g, "taker_shares");
      return {
        strategy: g[0]!.strategy,
        venue: g[0]!.venue,
        limit_orders: sum(g, "limit_orders"),
        limit_shares: limitShares,
        limit_fill_rate: limitShares > 0 ? filled / limitShares : Number.NaN,
        taker_shares: taker,
        passive_share: filled + taker > 0 ? filled / (filled + taker) : Number.NaN,
        mean_queue_wait_s: weighted(g, "mean_queue_wait_s", "limit_orders_filled"),
        passive_markout_10s_bps: weighted(g, "passive_markout_10s_bps", "limit_filled_shares"),
        passive_markout_60s_bps: weighted(g, "passive_markout_60s_bps", "limit_filled_shares"),
        fees_usd: sum(g, "fees_usd"),
        rebates_usd: sum(g, "rebates_usd"),
      } as Row;
    })
    .sort((a, b) => `${a.strategy}|${a.venue}`.localeCompare(`${b.strategy}|${b.venue}`));
}

const COMPONENT_COLORS = ["#1f77b4", "#ff7f0e", "#d62728", "#7f7f7f", "#9467bd", "#2ca02c"];

export function tcaCharts(data: RunData): ChartDef[] {
  const rows = data.executions;
  const hasTc = data.executionColumns.has("tc_spread_bps");
  const decomp = hasTc ? decomposition(rows) : [];
  const bars = decomp.flatMap((r) =>
    TC_COMPONENTS.map((c, i) => ({ strategy: r.strategy, component: c, order: i, bps: num(r[`${c}_bps`]) })),
  );
  const curves = data.executionColumns.has("passive_markout_10s_bps") ? markoutCurves(rows) : [];
  const scale = strategyColorScale(strategyLabels(rows));
  return [
    {
      id: "tca-decomposition",
      title: "Where each basis point went",
      caption:
        "Mean cost per PARENT share in bps of the arrival mid, split into spread (paid by market fills, earned by " +
        "passive fills: negative), walk (depth beyond the best), own impact (the overlay), timing (the market's " +
        "drift while the order worked), fees (net of rebates) and opportunity (the unfilled rest). The parts add up " +
        "to the total cost; parts below zero stack to the left.",
      ...(bars.length
        ? {
            spec: {
              width: WIDTH,
              height: { step: 22 },
              data: { values: clean(bars) },
              mark: { type: "bar" },
              encoding: {
                y: { field: "strategy", type: "nominal", title: null, sort: null },
                x: {
                  field: "bps",
                  type: "quantitative",
                  title: "bps of the arrival mid per parent share",
                  stack: "zero",
                },
                color: {
                  field: "component",
                  type: "nominal",
                  title: "component",
                  scale: { domain: [...TC_COMPONENTS], range: COMPONENT_COLORS },
                  sort: [...TC_COMPONENTS],
                },
                order: { field: "order", type: "quantitative" },
                tooltip: [{ field: "strategy" }, { field: "component" }, { field: "bps", format: ".2f" }],
              },
            },
          }
        : { missing: "the decomposition columns (tc_*): results written before they existed" }),
    },
    {
      id: "tca-markouts",
      title: "Markouts: passive against aggressive fills",
      caption:
        "Mean over parents of the size-weighted markout of their fills, h seconds after each fill: the price paid " +
        "against the impacted mid h later, bps of the arrival mid (positive = adverse: the price moved against the " +
        "fill). Solid = passive (limit) fills, dashed = aggressive (market) fills. Passive fills whose markout keeps " +
        "growing were picked off.",
      ...(curves.length
        ? {
            spec: {
              width: WIDTH,
              height: 260,
              data: { values: clean(curves) },
              mark: { type: "line", point: true },
              encoding: {
                x: {
                  field: "horizon_s",
                  type: "quantitative",
                  scale: { type: "log" },
                  title: "seconds after the fill",
                },
                y: { field: "markout_bps", type: "quantitative", title: "markout (bps of arrival mid)" },
                color: { field: "strategy", type: "nominal", title: "strategy", scale },
                strokeDash: {
                  field: "kind",
                  type: "nominal",
                  title: "fills",
                  sort: ["passive", "aggressive"],
                },
                detail: { field: "kind" },
                tooltip: [
                  { field: "strategy" },
                  { field: "kind" },
                  { field: "horizon_s" },
                  { field: "markout_bps", format: ".2f" },
                ],
              },
            },
          }
        : { missing: "per-parent markouts (passive_markout_*): results written before they existed" }),
    },
  ];
}

const bps = (key: string, label: string): Column => ({ key, label, format: 2 });

export function tcaTables(data: RunData): TableDef[] {
  const diffs = data.executionColumns.has("tc_spread_bps") ? componentDifferences(data.executions) : [];
  const venues = venueScorecard(data.venueStats);
  return [
    {
      id: "tca-differences",
      title: `Cost components against ${BASELINE_STRATEGY}`,
      caption:
        `Mean paired difference to ${BASELINE_STRATEGY} on the same parent orders, per component, bps per parent ` +
        'share (negative = the strategy pays less of it): "ow beats twap by 2 bps" reads as which parts it saves ' +
        "and which it pays more. The components add up to the total difference.",
      columns: [
        { key: "strategy", label: "strategy" },
        { key: "vs", label: "vs" },
        { key: "orders", label: "orders", format: "int" },
        bps("total_bps", "total"),
        ...TC_COMPONENTS.map((c) => bps(`${c}_bps`, c)),
      ],
      rows: diffs,
      ...(diffs.length ? {} : { missing: "the decomposition columns (tc_*) or a twap/market baseline" }),
    },
    {
      id: "venue-scorecard",
      title: "Venue scorecard",
      caption:
        "Per strategy and venue over the run: the limit orders posted and how they filled (fill rate, mean wait from " +
        "submission to the first fill, size-weighted 10-s and 60-s markouts of the passive fills, positive = " +
        "adverse), the shares taken there, fees paid and rebates earned ($).",
      columns: [
        { key: "strategy", label: "strategy" },
        { key: "venue", label: "venue" },
        { key: "limit_orders", label: "limit orders", format: "int" },
        { key: "limit_shares", label: "limit shares", format: "int" },
        { key: "limit_fill_rate", label: "limit fill rate", format: "pct" },
        { key: "taker_shares", label: "taken shares", format: "int" },
        { key: "passive_share", label: "passive", format: "pct" },
        { key: "mean_queue_wait_s", label: "queue wait (s)", format: 1 },
        bps("passive_markout_10s_bps", "markout 10 s (bps)"),
        bps("passive_markout_60s_bps", "markout 60 s (bps)"),
        { key: "fees_usd", label: "fees ($)", format: 2 },
        { key: "rebates_usd", label: "rebates ($)", format: 2 },
      ],
      rows: venues,
      ...(venues.length ? {} : { missing: "the venue_stats table: results written before it existed" }),
    },
  ];
}
