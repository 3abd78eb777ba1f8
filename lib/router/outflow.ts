/**
 * Outflow distributions for the router (docs/models.md section 5): shares leaving a venue's best level per
 * MINUTE (trades + cancels at or ahead of our queue position), and their sum over the router horizon.
 */
import { ModelError } from "../core/errors.ts";
import type { Rng } from "../core/rng.ts";

export interface OutflowDistribution {
  /** Mean outflow per minute, shares. */
  readonly mean: number;
  /** One per-minute draw, shares (>= 0). */
  sample(rng: Rng): number;
  /**
   * Optional inverse CDF of the per-minute outflow, u in [0, 1) -> shares. When present the router draws its
   * scenarios by Latin hypercube sampling (`stratifiedHorizonOutflows`), which needs it.
   */
  quantile?(u: number): number;
  /**
   * Optional `quantile` over an array, in place: u[0..n) -> F^-1(u) (the same numbers as `quantile`; one
   * call per column of scenarios instead of one per draw).
   */
  quantiles?(u: Float64Array, n: number): void;
}

/** Exponential per-minute outflow with the given mean (shares per minute). */
export function exponentialOutflow(meanPerMin: number): OutflowDistribution {
  if (!(meanPerMin > 0) || !Number.isFinite(meanPerMin)) {
    throw new ModelError(`exponential outflow mean must be a finite number of shares > 0, got ${meanPerMin}`);
  }
  const quantile = (u: number) => -meanPerMin * Math.log1p(-u);
  return {
    mean: meanPerMin,
    sample: (rng) => rng.exponential(meanPerMin),
    quantile,
    quantiles: (u, n) => {
      for (let s = 0; s < n; s++) u[s] = quantile(u[s]!);
    },
  };
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
  const sorted = copy.slice().sort();
  // Resampling = drawing from the empirical CDF, whose inverse at u is the floor(u n)-th order statistic.
  const quantile = (u: number) => sorted[Math.min(n - 1, Math.max(0, Math.floor(u * n)))]!;
  return {
    mean: sum / n,
    sample: (rng) => copy[rng.int(n)]!,
    quantile,
    quantiles: (u, m) => {
      for (let s = 0; s < m; s++) u[s] = quantile(u[s]!);
    },
  };
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

const TWO_M32 = 1 / 4294967296;

/**
 * Latin hypercube version of `sampleHorizonOutflow` for n scenarios (needs `dist.quantile`): each per-minute
 * draw (and the scaled fractional one) is a column of n draws, one in each probability stratum
 * [j/n, (j+1)/n) in an independent random order, u = (perm(s) + U) / n, xi = F^-1(u). The marginal law of
 * every scenario is the same as with independent draws; the empirical CDF of the n scenarios is within 1/n
 * of the true one for a one-draw horizon (the router's critical-fractile solution then barely depends on
 * the seed). Adds the horizon outflow of scenario s to out[off + s * stride] (shares); `perm` and `u` are
 * scratch of length >= n.
 */
export function stratifiedHorizonOutflows(
  dist: OutflowDistribution,
  rng: Rng,
  horizonS: number,
  n: number,
  out: Float64Array,
  off: number,
  stride: number,
  perm: Int32Array,
  u: Float64Array = new Float64Array(n),
): void {
  const quantile = dist.quantile;
  if (!quantile) throw new ModelError("stratified outflow sampling needs the distribution's quantile");
  const minutes = horizonS / 60;
  const whole = Math.floor(minutes + 1e-9);
  const frac = minutes - whole;
  const columns = whole + (frac > 1e-9 ? 1 : 0);
  for (let c = 0; c < columns; c++) {
    const w = c < whole ? 1 : frac;
    // Fisher-Yates shuffle and in-stratum jitter from single 32-bit draws (2^-32 resolution is ample here).
    for (let s = 0; s < n; s++) perm[s] = s;
    for (let s = n - 1; s > 0; s--) {
      const j = Math.floor(rng.nextU32() * TWO_M32 * (s + 1));
      const t = perm[s]!;
      perm[s] = perm[j]!;
      perm[j] = t;
    }
    for (let s = 0; s < n; s++) u[s] = (perm[s]! + rng.nextU32() * TWO_M32) / n;
    if (dist.quantiles) dist.quantiles(u, n);
    else for (let s = 0; s < n; s++) u[s] = quantile(u[s]!);
    for (let s = 0; s < n; s++) {
      const i = off + s * stride;
      out[i] = out[i]! + w * u[s]!;
    }
  }
}
