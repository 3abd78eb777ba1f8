/**
 * The latent (efficient) mid that every venue's book tracks:
 *
 *   ln m(t) = ln P0 + a J(t) + b Z(t)
 *
 * J(t) is the propagator state of docs/models.md section 2 evaluated inside a bin (J(t) = exp(-beta (t - t_{j-1}))
 * J_{j-1} + signed volume so far in bin j / V), so at bin ends it equals J_j exactly; Z is a random walk on a
 * one-second grid (linear in between) with a U-shaped volatility profile. Hence the 10-second relative mid
 * return is a dJ_j + b dZ_j: regressing r_j = (mid_j - mid_{j-1}) / (mid_{j-1} sigma_d) on dJ_j recovers
 * lambda = a / sigma_d.
 *
 * a and b are solved so that the latent path's realized volatility of 1-minute log returns equals the target
 * sigma and a = lambda sigma: with A = sum dJ_m^2, B = sum dJ_m dZ_m, C = sum dZ_m^2 over the 390 minutes,
 * 1 = lambda^2 A + 2 lambda b' B + b'^2 C (b = b' sigma). lambda^2 A is the share of the 1-minute return
 * variance explained by impact; it must stay below 1.
 */
import { InputError } from "../core/errors.ts";
import type { Rng } from "../core/rng.ts";
import { IMPACT_BINS, IMPACT_DT_S } from "./flow.ts";
import { activityShape, SESSION_S } from "./profile.ts";

const MINUTES = SESSION_S / 60;
const BINS_PER_MINUTE = 60 / IMPACT_DT_S;
/** Largest accepted impact share of the 1-minute variance (the noise must stay visible). */
export const MAX_IMPACT_SHARE = 0.9;

export interface LatentMid {
  /** ln of the price at the open (dollars). */
  readonly lnP0: number;
  /** Coefficient of J in the log mid (a = lambda sigma). */
  readonly a: number;
  /** Coefficient of the noise walk Z in the log mid. */
  readonly b: number;
  /** Noise walk on the one-second grid, SESSION_S + 1 points, Z[0] = 0, unit variance per second at midday. */
  readonly z: Float64Array;
  /** Requested / defaulted lambda (docs/models.md units). */
  readonly lambda: number;
  /** Share of the latent 1-minute return variance explained by impact (lambda^2 A). */
  readonly impactShare: number;
}

/** Random walk with U-shaped volatility (variance proportional to activity), unit variance per second at midday. */
export function noiseWalk(rng: Rng): Float64Array {
  const z = new Float64Array(SESSION_S + 1);
  for (let k = 0; k < SESSION_S; k++) {
    z[k + 1] = z[k]! + Math.sqrt(activityShape((k + 0.5) / SESSION_S)) * rng.normal();
  }
  return z;
}

/** Solve the coefficients a, b of the latent log mid (see the module comment). */
export function solveLatentMid(
  jPath: Float64Array,
  z: Float64Array,
  options: { lambda: number | undefined; impactShare: number; dailyVol: number; startPrice: number },
): LatentMid {
  if (jPath.length !== IMPACT_BINS)
    throw new Error(`J path has ${jPath.length} bins, expected ${IMPACT_BINS}`);
  let A = 0;
  let B = 0;
  let C = 0;
  let jPrev = 0;
  for (let m = 0; m < MINUTES; m++) {
    const jEnd = jPath[(m + 1) * BINS_PER_MINUTE - 1]!;
    const dj = jEnd - jPrev;
    const dz = z[(m + 1) * 60]! - z[m * 60]!;
    A += dj * dj;
    B += dj * dz;
    C += dz * dz;
    jPrev = jEnd;
  }
  const lambda = options.lambda ?? Math.sqrt(options.impactShare / A);
  const share = lambda * lambda * A;
  if (!(share < MAX_IMPACT_SHARE)) {
    const max = Math.sqrt(MAX_IMPACT_SHARE / A);
    throw new InputError(
      `planted lambda ${lambda} is too large for this day's order flow: impact alone would explain ` +
        `${(100 * share).toFixed(0)}% of the return variance; use at most ${max.toPrecision(3)}`,
    );
  }
  const bPrime = (-lambda * B + Math.sqrt(lambda * lambda * B * B + C * (1 - share))) / C;
  return {
    lnP0: Math.log(options.startPrice),
    a: lambda * options.dailyVol,
    b: bPrime * options.dailyVol,
    z,
    lambda,
    impactShare: share,
  };
}
