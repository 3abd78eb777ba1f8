/** Calibration (docs/models.md section 2): one pass per symbol-day, records per day, parameters from prior days. */

export { DayCalibrator, type DayCalibratorInit } from "./dayCalibrator.ts";
export { aggregate, finiteMean, fitPropagator, kyleTable, ols, realizedVol } from "./fits.ts";
export { fitOfi, ofiContribution } from "./ofi.ts";
export * from "./overrides.ts";
export * from "./params.ts";
export { QueueTracker } from "./queues.ts";
export * from "./types.ts";
