/**
 * Alpha paths for the Obizhaeva-Wang schedule (docs/models.md sections 3 and 4).
 *
 * alpha(t) = expected change of the unperturbed price from t to the order's end T, in dollars, SIDE-ADJUSTED
 * (multiplied by s, so positive = the price is expected to move against us). t is seconds from the decision
 * time, 0 <= t <= T, and alpha(T) = 0 by definition.
 */

export interface AlphaPath {
  /** alpha(t), dollars (side-adjusted). */
  value(t: number): number;
  /** alpha'(t), dollars per second. */
  slope(t: number): number;
  /** Optional exact integral_0^t alpha(u) du, dollar-seconds; `alphaIntegral` uses Simpson's rule otherwise. */
  integral?(t: number): number;
}

/** alpha = 0 everywhere (no alpha model). */
export const zeroAlpha: AlphaPath = {
  value: () => 0,
  slope: () => 0,
  integral: () => 0,
};

/**
 * Exponential-approach signal: predicted move A dollars over time scale H seconds from now, expected
 * unperturbed price P(u) = P0 + A (1 - exp(-u / H)), hence on [0, T]
 *   alpha(t)  = A (exp(-t/H) - exp(-T/H))          (dollars, alpha(T) = 0)
 *   alpha'(t) = -(A/H) exp(-t/H)                    (dollars per second)
 *   int_0^t alpha = A (H (1 - exp(-t/H)) - t exp(-T/H))  (dollar-seconds).
 * A = 0, H <= 0 (move already happened) or H = Infinity (no move within any horizon) give alpha = 0.
 */
export function exponentialAlpha(moveUsd: number, timescaleS: number, horizonS: number): AlphaPath {
  if (moveUsd === 0 || !(timescaleS > 0) || !Number.isFinite(timescaleS)) return zeroAlpha;
  const a = moveUsd;
  const h = timescaleS;
  const eT = Math.exp(-horizonS / h);
  return {
    value: (t) => a * (Math.exp(-t / h) - eT),
    slope: (t) => (-a / h) * Math.exp(-t / h),
    integral: (t) => a * (-h * Math.expm1(-t / h) - t * eT),
  };
}

const SIMPSON_PANELS = 256;

/** int_0^t alpha(u) du in dollar-seconds: exact when the path provides it, else composite Simpson (256 panels). */
export function alphaIntegral(alpha: AlphaPath, t: number): number {
  if (alpha.integral) return alpha.integral(t);
  if (t <= 0) return 0;
  const h = t / SIMPSON_PANELS;
  let sum = alpha.value(0) + alpha.value(t);
  for (let i = 1; i < SIMPSON_PANELS; i++) sum += (i % 2 === 1 ? 4 : 2) * alpha.value(i * h);
  return (sum * h) / 3;
}
