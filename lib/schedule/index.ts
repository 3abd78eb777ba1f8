/** Schedules: parent order -> child-order quantities (docs/models.md sections 4 and 7). */
export { type AlphaPath, alphaIntegral, exponentialAlpha, zeroAlpha } from "./alphaPath.ts";
export { immediate, pov, twap, type VolumeProfile, vwap, vwapFromForecast } from "./baselines.ts";
export { type ConstraintOptions, constrained, intervalsLeft, isLastInterval } from "./constraints.ts";
export { ImpactState } from "./impact.ts";
export { myopic, myopicRaw, ow, owRaw } from "./myopic.ts";
export {
  cumulativeOnGrid,
  type OwOptions,
  type OwPlan,
  type OwProblem,
  owAnalytic,
  solveOw,
  timeGrid,
} from "./ow.ts";
export {
  type DiscreteOwProblem,
  discreteOwCost,
  discreteOwLinearCost,
  solveDiscreteOwKkt,
  solveDiscreteOwNonNegative,
} from "./owDiscrete.ts";
export * from "./types.ts";
