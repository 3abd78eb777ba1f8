/** Seeded synthetic MBP-10 market generator with a planted transient impact (see generate.ts). */
export { BATCH_ROWS } from "./engine.ts";
export { type GeneratedDay, generateDay, type PlantedTruth, planDay } from "./generate.ts";
export { fitImpact, type ImpactFit, realizedDailyVol } from "./impact.ts";
export {
  CANDIDATE_HALF_LIVES_S,
  GENERATOR_VERSION,
  type ResolvedSynthOptions,
  resolveOptions,
  type SynthOptions,
  VENUE_PUBLISHERS,
  validateWeekday,
} from "./options.ts";
export { PLANTED_KEY, type WriteSyntheticResult, writeSyntheticDay } from "./write.ts";
