/** Per-order and run-level execution metrics (MODELS.md section 8). */
export {
  type ExecutionMetrics,
  type MetricsFill,
  type OrderMetricsInput,
  orderMetrics,
} from "./orderMetrics.ts";
export {
  mean,
  meanConfidenceInterval,
  median,
  type PairedDifference,
  type StrategyCostRow,
  type StrategyStats,
  stdev,
  strategyStats,
} from "./strategyStats.ts";
export { studentTCdf, studentTQuantile } from "./studentT.ts";
