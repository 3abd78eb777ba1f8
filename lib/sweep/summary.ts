/**
 * Per-strategy summary of execution rows (MODELS.md section 8, run level): mean / median / stdev of
 * total_cost_bps and the paired difference to the twap baseline (95% CI, win rate), with the mean fill rate,
 * implementation shortfall and passive share beside them.
 */
import { mean, strategyStats } from "../metrics/index.ts";
import type { CellValue } from "../results/schema.ts";

/** The baseline every strategy is paired against. */
export const BASELINE_STRATEGY = "twap/market";

export interface StrategySummary {
  readonly strategy: string;
  readonly orders: number;
  readonly fill_rate: number;
  readonly is_bps: number;
  readonly total_cost_bps: number;
  readonly median_cost_bps: number;
  readonly stdev_bps: number;
  readonly vs_twap_bps: number;
  readonly vs_twap_ci_low: number;
  readonly vs_twap_ci_high: number;
  readonly win_rate: number;
  readonly passive_share: number;
  readonly look_ahead: boolean;
}

type Row = Record<string, CellValue>;

export function summarizeStrategies(rows: readonly Row[], baseline = BASELINE_STRATEGY): StrategySummary[] {
  const stats = strategyStats(
    rows.map((r) => ({
      strategy: String(r.strategy),
      orderKey: `${r.symbol}|${r.date}|${r.order_id}`,
      totalCostBps: Number(r.total_cost_bps),
    })),
    { baseline },
  );
  return stats.map((s) => {
    const mine = rows.filter((r) => r.strategy === s.strategy);
    const col = (k: string) => mean(mine.map((r) => Number(r[k])).filter(Number.isFinite));
    const vs = s.strategy === baseline ? null : s.vsBaseline;
    return {
      strategy: s.strategy,
      orders: mine.length,
      fill_rate: col("fill_rate"),
      is_bps: col("is_bps"),
      total_cost_bps: s.meanBps,
      median_cost_bps: s.medianBps,
      stdev_bps: s.stdevBps,
      vs_twap_bps: vs?.meanDiffBps ?? Number.NaN,
      vs_twap_ci_low: vs?.ciLowBps ?? Number.NaN,
      vs_twap_ci_high: vs?.ciHighBps ?? Number.NaN,
      win_rate: vs?.winRate ?? Number.NaN,
      passive_share: col("passive_share"),
      look_ahead: mine.some((r) => r.look_ahead === true),
    };
  });
}
