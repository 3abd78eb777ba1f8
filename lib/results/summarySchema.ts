/**
 * Run summary table (DESIGN.md storage layout): results/summary/run_id={R}/summary.parquet, one row per
 * strategy instance, the columns of lib/report/strategySummary.ts StrategySummary (docs/models.md section 8, run level).
 * The run_id partition lives in the key, not in the file.
 */
import type { TableSchema } from "./schema.ts";

export const SUMMARY: TableSchema = {
  name: "summary",
  partitions: [{ name: "run_id", type: "string" }],
  columns: [
    { name: "strategy", type: "string", doc: "strategy instance label, e.g. myopic/sor/alpha=ofi" },
    {
      name: "calibration_source",
      type: "string",
      doc: "prior_days, override or default: days on default parameters are summarised apart (one row each)",
    },
    { name: "orders", type: "int64", doc: "parent orders with status ok executed by the strategy" },
    {
      name: "no_data",
      type: "int64",
      doc: "parent orders with status no_data (left out of every statistic)",
    },
    { name: "fill_rate", type: "float64", doc: "mean executed / parent" },
    { name: "is_bps", type: "float64", doc: "mean implementation shortfall, bps of the arrival mid" },
    {
      name: "impact_bps",
      type: "float64",
      doc: "mean own-impact overlay cost (impact_cost_bps), bps of the arrival mid per parent share",
    },
    {
      name: "walk_bps",
      type: "float64",
      doc: "mean replay walk beyond the data's best (walk_cost_bps), bps of the arrival mid per parent share",
    },
    {
      name: "opportunity_bps",
      type: "float64",
      doc: "mean opportunity cost of the unfilled shares, bps of the arrival mid per parent share",
    },
    {
      name: "total_cost_bps",
      type: "float64",
      doc: "mean cost per parent share: (E/S)(is_bps + fee_bps) + opportunity_bps, bps",
    },
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
      name: "overfill_shares",
      type: "int64",
      doc: "shares filled beyond child orders' quantities, all orders",
    },
    {
      name: "look_ahead",
      type: "bool",
      doc: "true when the strategy used future data (oracle alpha): not achievable",
    },
  ],
};
