/**
 * The docs/models.md section 2 measurements the generator plants against, applied to a mid path sampled at the
 * 10-second bin ends: daily volatility sigma_d and the propagator regression (lambda, R^2) per half-life.
 * The generator uses them on its own output to record what a correct calibration must find. This is
 * deliberately an implementation independent of lib/calibration/fits.ts: the synthetic acceptance test of the
 * calibration compares against it, which would be circular if both used the same code.
 */
import { IMPACT_DT_S, propagatorPath } from "./flow.ts";

const BINS_PER_MINUTE = 60 / IMPACT_DT_S;

/**
 * sigma_d: sqrt of the sum of squared 1-minute log mid returns over the session (unitless, per day).
 * `midOpen` is the mid at the open, `midBinEnd[j]` the mid at the end of bin j (any price unit).
 */
export function realizedDailyVol(midOpen: number, midBinEnd: Float64Array): number {
  let sum = 0;
  let prev = midOpen;
  for (let j = BINS_PER_MINUTE - 1; j < midBinEnd.length; j += BINS_PER_MINUTE) {
    const r = Math.log(midBinEnd[j]! / prev);
    sum += r * r;
    prev = midBinEnd[j]!;
  }
  return Math.sqrt(sum);
}

export interface ImpactFit {
  readonly halfLifeS: number;
  /** lambda_H = sum(r dJ) / sum(dJ^2), sigma-units per fraction of the flow normalizer. */
  readonly lambda: number;
  /** Uncentered R^2 of the no-intercept regression: 1 - SSR / sum(r^2). */
  readonly r2: number;
}

/**
 * Regress r_j = (mid_j - mid_{j-1}) / (mid_{j-1} sigma_d) on dJ_j = J_j - J_{j-1} (no intercept) for each
 * candidate half-life, with J built from the binned signed flow x (docs/models.md section 2; J_{-1} = 0,
 * mid_{-1} = midOpen).
 */
export function fitImpact(
  x: Float64Array,
  midOpen: number,
  midBinEnd: Float64Array,
  sigmaDaily: number,
  halfLivesS: readonly number[],
): ImpactFit[] {
  const r = new Float64Array(x.length);
  let prev = midOpen;
  let syy = 0;
  for (let j = 0; j < x.length; j++) {
    r[j] = (midBinEnd[j]! - prev) / (prev * sigmaDaily);
    syy += r[j]! * r[j]!;
    prev = midBinEnd[j]!;
  }
  return halfLivesS.map((h) => {
    const jPath = propagatorPath(x, h);
    let sxy = 0;
    let sxx = 0;
    let jPrev = 0;
    for (let k = 0; k < x.length; k++) {
      const dj = jPath[k]! - jPrev;
      jPrev = jPath[k]!;
      sxy += r[k]! * dj;
      sxx += dj * dj;
    }
    const lambda = sxy / sxx;
    return { halfLifeS: h, lambda, r2: (lambda * lambda * sxx) / syy };
  });
}
