/**
 * The queue_check table (docs/models.md 6.7): per symbol-day and queue model, how far its passive fill times
 * are from the exact FIFO ones of MBO data. Stored like the backtest results:
 * results/queue_check/run_id={R}/date={D}/{S}.parquet (keys: lib/store/keys.ts resultKey).
 */
import type { TableSchema } from "./schema.ts";

export const QUEUE_CHECK: TableSchema = {
  name: "queue_check",
  partitions: [
    { name: "run_id", type: "string" },
    { name: "date", type: "string" },
  ],
  columns: [
    { name: "symbol", type: "string", doc: "instrument symbol" },
    {
      name: "model",
      type: "string",
      doc: "l3_fifo (the exact FIFO queue: the reference, its own score) | risk_averse | log_prob | prob(n)",
    },
    { name: "power", type: "float64", doc: "n of prob(n); NULL for the other models" },
    {
      name: "best_power",
      type: "bool",
      doc: "true on the prob(n) row with the smallest |mean signed error|",
    },
    {
      name: "best_model",
      type: "bool",
      doc: "true on the L2 model row (risk_averse, log_prob or a prob(n)) with the smallest |mean signed error|",
    },
    { name: "orders", type: "int32", doc: "hypothetical 1-lot orders placed at the best (both sides)" },
    { name: "seed", type: "int64", doc: "seed of the placement times" },
    { name: "tau_s", type: "float64", doc: "horizon tau, seconds; fill times are censored at tau" },
    { name: "mean_queue_ahead", type: "float64", doc: "mean displayed size joined at arrival, shares" },
    {
      name: "exact_fill_rate",
      type: "float64",
      doc: "share of orders the exact FIFO queue fills within tau",
    },
    { name: "fill_rate", type: "float64", doc: "share of orders the model fills within tau" },
    {
      name: "accuracy",
      type: "float64",
      doc: "share of orders whose filled-within-tau agrees with the exact FIFO queue",
    },
    {
      name: "mean_signed_error_s",
      type: "float64",
      doc: "mean(min(t_model, tau) - min(t_exact, tau)), seconds; > 0 = the model fills late",
    },
    {
      name: "mean_abs_error_s",
      type: "float64",
      doc: "mean |min(t_model, tau) - min(t_exact, tau)|, seconds",
    },
    {
      name: "brier",
      type: "float64",
      doc: "mean (p - y)^2: y = exact fill within tau, p = the model's fill rate in the order's arrival-queue quintile",
    },
  ],
};
