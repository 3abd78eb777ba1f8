/**
 * The per-strategy cost table and the routing / alpha gain table, as `msor backtest` and `msor sweep` print
 * them (rows from lib/report/strategySummary.ts: days on default parameters are summarised apart, no_data parents left
 * out, paired differences with Student t 95% intervals).
 */
import { fixed } from "../core/units.ts";
import type { GainSummary, StrategySummary } from "../report/strategySummary.ts";
import { fitTable, formatTable, TABLE_WIDTH } from "./output.ts";

export const STRATEGY_TABLE_COLUMNS = [
  "strategy",
  "calibration",
  "orders",
  "no_data",
  "fill_rate",
  "is_bps",
  "impact_bps",
  "walk_bps",
  "opportunity_bps",
  "total_cost_bps",
  "stdev_bps",
  "vs_twap_bps",
  "vs_twap_ci95",
  "win_rate",
  "passive_share",
  "overfill_shares",
  "look_ahead",
];

/**
 * The paired-difference table: one row per (effect, strategy, vs); diff_bps = cost(strategy) - cost(vs), bps
 * per parent share, negative = the strategy is cheaper (the router or the alpha saves). The one sign
 * convention of every paired difference the project prints (CLI, status, report, saved queries).
 */
export const GAIN_TABLE_COLUMNS = [
  "effect",
  "strategy",
  "vs",
  "calibration",
  "n",
  "diff_bps",
  "ci95",
  "win_rate",
];

const ci95 = (low: number, high: number) =>
  Number.isNaN(low) ? undefined : `[${fixed(low, 2)}, ${fixed(high, 2)}]`;

export function strategyTableRows(strategies: readonly StrategySummary[]): Record<string, unknown>[] {
  return strategies.map((s) => ({
    ...s,
    calibration: s.calibration_source,
    vs_twap_ci95: ci95(s.vs_twap_ci_low, s.vs_twap_ci_high),
  }));
}

export function gainTableRows(gains: readonly GainSummary[]): Record<string, unknown>[] {
  return gains.map((g) => ({
    ...g,
    effect: g.kind,
    vs: g.baseline,
    calibration: g.calibration_source,
    ci95: ci95(g.ci_low, g.ci_high),
  }));
}

export const COST_TABLE_LEGEND =
  "costs in bps of the arrival mid per parent share (positive = cost; total = executed cost + opportunity cost of the unfilled); " +
  "vs_twap_bps = strategy - twap/market and diff_bps = strategy - vs, paired over the same parent orders (negative = the strategy is cheaper: " +
  "routing = x/sor - x/market, negative = the router saves; alpha = alpha=K - alpha=none, negative = the alpha saves); no_data parents are left out";

/** The line above the paired-difference table. */
export const DIFFERENCE_TABLE_TITLE =
  "paired differences, strategy - vs (bps; negative = the strategy is cheaper: the router or the alpha saves):";

/** Columns the strategy table leaves out, in this order, to fit the console (`--wide` keeps them all). */
export const STRATEGY_DROP_ORDER = [
  "look_ahead",
  "overfill_shares",
  "passive_share",
  "no_data",
  "walk_bps",
  "impact_bps",
  "opportunity_bps",
  "is_bps",
  "vs_twap_ci95",
  "stdev_bps",
  "fill_rate",
];
const GAIN_DROP_ORDER = ["win_rate", "calibration", "ci95"];

/** Both tables, the gains only when the run has a pair; fit to 120 columns unless `wide`. */
export function formatCostTables(
  strategies: readonly StrategySummary[],
  gains: readonly GainSummary[],
  opts: { wide?: boolean } = {},
): string {
  const hidden: string[] = [];
  const table = (rows: Record<string, unknown>[], columns: string[], drop: readonly string[]) => {
    if (opts.wide) return formatTable(rows, columns, 2);
    const t = fitTable(rows, columns, 2, drop, TABLE_WIDTH);
    hidden.push(...t.hidden);
    return t.text;
  };
  const out = [table(strategyTableRows(strategies), STRATEGY_TABLE_COLUMNS, STRATEGY_DROP_ORDER)];
  if (gains.length > 0)
    out.push("", DIFFERENCE_TABLE_TITLE, table(gainTableRows(gains), GAIN_TABLE_COLUMNS, GAIN_DROP_ORDER));
  if (hidden.length > 0)
    out.push(`(left out to fit ${TABLE_WIDTH} columns: ${hidden.join(", ")}; --wide prints every column)`);
  return out.join("\n");
}

export function printCostTables(
  strategies: readonly StrategySummary[],
  gains: readonly GainSummary[],
  opts: { wide?: boolean } = {},
): void {
  process.stdout.write(`${formatCostTables(strategies, gains, opts)}\n`);
}
