/**
 * Run summary table (DESIGN.md storage layout): results/summary/run_id={R}/summary.parquet, one row per
 * strategy instance, the columns of lib/sweep/summary.ts StrategySummary (MODELS.md section 8, run level).
 * The run_id partition lives in the key, not in the file.
 */
import type { TableSchema } from "./schema.ts";

export const SUMMARY: TableSchema = {
  name: "summary",
  partitions: [{ name: "run_id", type: "string" }],
  columns: [
    { name: "strategy", type: "string", doc: "strategy instance label, e.g. myopic/sor/alpha=ofi" },
    { name: "orders", type: "int64", doc: "parent orders executed by the strategy" },
    { name: "fill_rate", type: "float64", doc: "mean executed / parent" },
    { name: "is_bps", type: "float64", doc: "mean implementation shortfall, bps of the arrival mid" },
    { name: "total_cost_bps", type: "float64", doc: "mean is_bps + fee_bps - rebate_bps, bps" },
    { name: "median_cost_bps", type: "float64", doc: "median total_cost_bps, bps" },
    { name: "stdev_bps", type: "float64", doc: "sample standard deviation of total_cost_bps, bps" },
    {
      name: "vs_twap_bps",
      type: "float64",
      doc: "mean paired difference of total_cost_bps to twap/market on the same orders, bps (< 0 cheaper)",
    },
    { name: "vs_twap_ci_low", type: "float64", doc: "95% CI lower bound of vs_twap_bps (Student t), bps" },
    { name: "vs_twap_ci_high", type: "float64", doc: "95% CI upper bound of vs_twap_bps (Student t), bps" },
    { name: "win_rate", type: "float64", doc: "share of paired orders cheaper than twap/market" },
    { name: "passive_share", type: "float64", doc: "mean limit (maker) fills / executed" },
    {
      name: "look_ahead",
      type: "bool",
      doc: "true when the strategy used future data (oracle alpha): not achievable",
    },
  ],
};
