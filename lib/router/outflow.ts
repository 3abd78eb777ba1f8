/**
 * Outflow distributions for the router (MODELS.md section 5): shares leaving a venue's best level per
 * MINUTE (trades + cancels at or ahead of our queue position), and their sum over the router horizon.
 */
import { ModelError } from "../core/errors.ts";
import type { Rng } from "../core/rng.ts";

export interface OutflowDistribution {
  /** Mean outflow per minute, shares. */
  readonly mean: number;
  /** One per-minute draw, shares (>= 0). */
  sample(rng: Rng): number;
}

/** Exponential per-minute outflow with the given mean (shares per minute). */
export function exponentialOutflow(meanPerMin: number): OutflowDistribution {
  if (!(meanPerMin > 0) || !Number.isFinite(meanPerMin)) {
    throw new ModelError(`exponential outflow mean must be a finite number of shares > 0, got ${meanPerMin}`);
  }
  return { mean: meanPerMin, sample: (rng) => rng.exponential(meanPerMin) };
}

/** Empirical per-minute outflow: resample uniformly (with replacement) from the calibrated samples, shares. */
export function empiricalOutflow(samples: Float64Array): OutflowDistribution {
  if (samples.length === 0) {
    throw new ModelError(
      "empirical outflow needs at least one per-minute sample; calibrate on a day with trades",
    );
  }
  let sum = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i]!;
    if (!(v >= 0) || !Number.isFinite(v)) {
      throw new ModelError(`empirical outflow sample ${i} is ${v}; samples must be finite shares >= 0`);
    }
    sum += v;
  }
  const copy = samples.slice();
  const n = copy.length;
  return { mean: sum / n, sample: (rng) => copy[rng.int(n)]! };
}

/**
 * Outflow over a horizon of `horizonS` seconds = sum of horizonS / 60 per-minute draws. A fractional
 * minute adds ONE more draw scaled by the fraction (so the mean is exact: mean x horizonS / 60; the
 * variance of that last piece is an approximation). A horizon under a minute is a single scaled draw.
 */
export function sampleHorizonOutflow(dist: OutflowDistribution, rng: Rng, horizonS: number): number {
  const minutes = horizonS / 60;
  const whole = Math.floor(minutes + 1e-9);
  const frac = minutes - whole;
  let sum = 0;
  for (let i = 0; i < whole; i++) sum += dist.sample(rng);
  if (frac > 1e-9) sum += frac * dist.sample(rng);
  return sum;
}
