/** Per-order and run-level execution metrics (docs/models.md section 8). */
export {
  type ArrivalMid,
  ArrivalMidTracker,
  type ArrivalSource,
  arrivalMid,
  type MidObservation,
} from "./arrival.ts";
export {
  type ExecutionMetrics,
  type MetricsFill,
  type OrderMetricsInput,
  orderMetrics,
} from "./orderMetrics.ts";
export {
  type ParentMetrics,
  type ParentMetricsInput,
  parentMetrics,
  REVERSION_DELAY_NS,
  reversionBps,
} from "./parentMetrics.ts";
export {
  isWin,
  mean,
  meanConfidenceInterval,
  median,
  type PairedDifference,
  type StrategyCostRow,
  type StrategyStats,
  stdev,
  strategyStats,
  TIE_BPS,
} from "./strategyStats.ts";
export { studentTCdf, studentTQuantile } from "./studentT.ts";
