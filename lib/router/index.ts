/** Smart order router: Cont-Kukanov optimizer, single-venue closed form, integer rounding (docs/models.md 5). */
export {
  closedFormSingleVenue,
  criticalFractile,
  expectedFillExponential,
  exponentialOutflowQuantile,
  type SingleVenueParams,
} from "./closedForm.ts";
export {
  contKukanov,
  type RouterAllocation,
  type RouterParams,
  routerCost,
  type Venue,
} from "./contKukanov.ts";
export {
  empiricalOutflow,
  exponentialOutflow,
  type OutflowDistribution,
  sampleHorizonOutflow,
} from "./outflow.ts";
export { type ProjectionScratch, projectInPlace, projectionScratch } from "./projection.ts";
export { largestRemainder, roundAllocation } from "./rounding.ts";
