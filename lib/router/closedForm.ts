/**
 * Single-venue closed form of the Cont-Kukanov router (docs/models.md sections 5 and 9), the oracle for the
 * stochastic optimizer. With M + L = X the expected cost is
 *   E[v] = (h+f)(X-L) + (lambda_u+theta) L - (h+r+lambda_u+theta) E[min((xi-Q)^+, L)] + theta X,
 * whose derivative in L vanishes where F(Q + L) = (2h + f + r) / (lambda_u + theta + h + r), F the CDF of
 * the outflow xi over the horizon.
 *
 * M + L = X is optimal (the cost has no lambda_o term) when lambda_o + theta >= h + r: the part of L beyond
 * X - M fills only as overfill, earning h + r and costing lambda_o plus theta per share sent. With a smaller
 * lambda_o one venue oversubscribes as well and this closed form does not apply.
 */
import { ModelError } from "../core/errors.ts";

export interface SingleVenueParams {
  /** h, dollars per share. */
  readonly halfSpreadUsd: number;
  /** f, dollars per share. */
  readonly takerFeeUsd: number;
  /** r, effective rebate, dollars per share. */
  readonly rebateUsd: number;
  /** theta, dollars per share. */
  readonly thetaUsd: number;
  /** lambda_u, dollars per share. */
  readonly lambdaU: number;
}

/** The critical fractile p = (2h + f + r) / (lambda_u + theta + h + r) (dimensionless). */
export function criticalFractile(p: SingleVenueParams): number {
  const den = p.lambdaU + p.thetaUsd + p.halfSpreadUsd + p.rebateUsd;
  if (!(den > 0)) throw new ModelError(`lambda_u + theta + h + r must be > 0 $/share, got ${den}`);
  return (2 * p.halfSpreadUsd + p.takerFeeUsd + p.rebateUsd) / den;
}

/**
 * L* = clip(F^-1(p) - Q, 0, X), M* = X - L* (shares), p the critical fractile; `quantile` is F^-1 of the
 * horizon outflow (shares). p >= 1 means limit orders always win: L* = X; p <= 0: L* = 0.
 */
export function closedFormSingleVenue(
  x: number,
  queueAhead: number,
  p: SingleVenueParams,
  quantile: (prob: number) => number,
): { market: number; limit: number; fractile: number } {
  const fractile = criticalFractile(p);
  const level = fractile >= 1 ? Number.POSITIVE_INFINITY : fractile <= 0 ? 0 : quantile(fractile);
  const limit = Math.min(Math.max(level - queueAhead, 0), x);
  return { market: x - limit, limit, fractile };
}

/**
 * Quantile of the horizon outflow when per-minute outflow is exponential with mean m (shares) and the horizon
 * is at most one minute: xi = (tau/60) Exp(m), F^-1(p) = -(tau/60) m ln(1 - p) (shares).
 */
export function exponentialOutflowQuantile(meanPerMin: number, horizonS: number): (prob: number) => number {
  if (!(meanPerMin > 0))
    throw new ModelError(`outflow mean must be > 0 shares per minute, got ${meanPerMin}`);
  if (!(horizonS > 0 && horizonS <= 60)) {
    throw new ModelError(
      `the exponential closed form covers horizons in (0, 60] s (one draw), got ${horizonS}; use the stochastic optimizer`,
    );
  }
  const scale = (meanPerMin * horizonS) / 60;
  return (prob) => -scale * Math.log1p(-prob);
}

/**
 * Expected fill of a limit order of L shares behind Q shares when the outflow is exponential with mean m:
 * E[min((xi - Q)^+, L)] = m (exp(-Q/m) - exp(-(Q + L)/m)) shares.
 */
export function expectedFillExponential(queueAhead: number, limit: number, mean: number): number {
  return mean * (Math.exp(-queueAhead / mean) - Math.exp(-(queueAhead + limit) / mean));
}
