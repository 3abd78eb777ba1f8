/**
 * The per-strategy cost table and the routing / alpha gain table, as `msor backtest` and `msor sweep` print
 * them (rows from lib/sweep/summary.ts: days on default parameters are summarised apart, no_data parents left
 * out, paired differences with Student t 95% intervals).
 */
import { fixed } from "../core/units.ts";
import type { GainSummary, StrategySummary } from "../sweep/summary.ts";
import { printTable } from "./output.ts";

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

export const GAIN_TABLE_COLUMNS = [
  "gain",
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
    gain: g.kind,
    vs: g.baseline,
    calibration: g.calibration_source,
    ci95: ci95(g.ci_low, g.ci_high),
  }));
}

export const COST_TABLE_LEGEND =
  "costs in bps of the arrival mid per parent share (positive = cost; total = executed cost + opportunity cost of the unfilled); " +
  "vs_twap = paired mean difference to twap/market; gains: routing = x/sor - x/market, alpha = alpha=K - alpha=none " +
  "(negative = cheaper); no_data parents are left out";

/** Both tables, the gains only when the run has a pair. */
export function printCostTables(strategies: readonly StrategySummary[], gains: readonly GainSummary[]): void {
  printTable(strategyTableRows(strategies), STRATEGY_TABLE_COLUMNS, 2);
  if (gains.length > 0) {
    process.stdout.write("\n");
    printTable(gainTableRows(gains), GAIN_TABLE_COLUMNS, 2);
  }
}
