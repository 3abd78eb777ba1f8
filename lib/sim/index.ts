/** The exchange simulator (docs/models.md section 6). */
export { ExecutionSim } from "./executionSim.ts";
export { flatFees, instrumentFees, venueFees } from "./fees.ts";
export {
  type ImpactOverlay,
  type ImpactOverlayParams,
  linearImpact,
  noImpact,
  sqrtImpact,
  VolumeOverlay,
} from "./impactOverlay.ts";
export { constantLatency, type LatencyModel } from "./latency.ts";
export { OwnerPricing } from "./ownerPricing.ts";
export {
  logProb,
  logProbQueue,
  powerProb,
  probQueue,
  probQueueWith,
  type QueueProbFunction,
  queueModel,
  riskAverse,
} from "./queueModels.ts";
export {
  IMPACT_MODELS,
  type ImpactModelEntry,
  LATENCY_MODELS,
  type LatencyParams,
  QUEUE_MODELS,
} from "./registry.ts";
export type { ExecutionSimOptions, FeeSchedule, Fill, OrderSide, QueueModel } from "./types.ts";
