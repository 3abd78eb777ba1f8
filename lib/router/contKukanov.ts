/**
 * Cont & Kukanov (2017) smart order router, docs/models.md section 5. Child order of X shares: market order M and
 * limit orders L_k at the best price of each venue AT the national best. Side-symmetric (no side argument).
 *
 *   fill_k = (xi_k - Q_k)^+ - (xi_k - Q_k - L_k)^+,   A = M + sum_k fill_k                     (shares)
 *   v = (h + f) M - sum_k (h + r_k) fill_k + lambda_u (X - A)^+ + lambda_o (A - X)^+
 *       + theta (M + sum_k L_k + (X - A)^+)                                                      (dollars)
 *
 * min E[v] by projected stochastic gradient with iterate averaging (paper section 4):
 *   dM   = (h + f) + theta - (lambda_u + theta) 1[A < X] + lambda_o 1[A > X]
 *   dL_k = theta + 1[xi_k > Q_k + L_k] (-(h + r_k) - (lambda_u + theta) 1[A < X] + lambda_o 1[A > X])
 *   gamma = sqrt(K) X / sqrt(N [(h+f+theta+lambda_u+lambda_o)^2 + sum_k (h+r_k+theta+lambda_u+lambda_o)^2])
 * with comparisons made within 1e-9 X.
 *
 * One pass of docs/models.md (`passes: 1, start: "equal", stratified: false`): start from an equal split of X over
 * the market order and the K limit orders, run the N iterates, report their average. That is too slow at
 * N = 1000: the expected cost is very flat in the allocation (curvature (h + r + lambda_u + theta) f_xi per
 * share) while each step moves ~gamma (h + lambda_u) ~ 5 shares, so the average keeps ~half of the start
 * point's bias (100-300 shares on the docs/models.md 9 oracle), and with i.i.d. scenarios even the exact
 * optimum of the N sampled scenarios scatters ~+-100 shares around the closed form. Defaults refine this,
 * keeping the gradient, the exact projection, the step formula and iterate averaging as the core:
 * - `stratified` (default true): the N scenarios are a Latin hypercube sample (`stratifiedHorizonOutflows`):
 *   same marginal law, empirical CDF within 1/N of the true one, so the sampled problem's optimum is close to
 *   the true one (needs `outflow.quantile`; a venue without it is sampled i.i.d.).
 * - `start` (default "closedForm"): each venue's single-venue closed form on the sampled scenarios,
 *   L_k = clip(F_N,k^-1(p_k) - Q_k, 0, X) with p_k = (2h + f + r_k) / (lambda_u + theta + h + r_k), scaled
 *   down so that sum L_k <= X, and M = X - sum L_k (for one venue this is the sampled problem's optimum).
 * - `passes` P (default 4): P passes over the same N scenarios, pass p = 1..P with step
 *   gamma_p = gamma(P N) / p = gamma / (sqrt(P) p), gamma(P N) being the docs/models.md step re-derived for the
 *   P N iterations. Each pass starts from the previous pass's LAST iterate (a full pass sums the N sampled
 *   gradients, so it carries no ordering bias) and only the last pass's N iterates are averaged
 *   (Polyak-Ruppert tail averaging). P = 1 is exactly the docs/models.md step and average.
 *
 * Before rounding, each L_k is capped at X - M (the part beyond X - M fills only as overfill: a scenario-wise
 * dominance when lambda_o + theta >= h + r_k, and a guard against the unbounded overfill the cost rewards
 * when the half-spread exceeds lambda_o + theta; see the code).
 *
 * Integer allocation (`roundAllocation`): largest remainder that keeps the averaged iterate's total
 * M + sum L_k, so an oversubscribed optimum (two venues of the docs/models.md 9 oracle: M = 0, L_1 = L_2 = X)
 * survives rounding; `rounding: "child"` scales to M + sum L_k = X instead.
 */
import { ModelError } from "../core/errors.ts";
import type { Rng } from "../core/rng.ts";
import { projectionScratch, projectScratchInPlace } from "./projection.ts";
import { largestRemainder, roundAllocation } from "./rounding.ts";
import { closedFormStart, drawScenarios, scenarioCost } from "./scenarios.ts";
import type { RouterParams, Venue } from "./types.ts";

export { routerCost } from "./scenarios.ts";

export type { RouterParams, Venue } from "./types.ts";

export interface RouterAllocation {
  /** Integer market order, shares. */
  readonly market: number;
  /** Integer limit order per input venue (0 for venues behind the best), shares. */
  readonly limits: number[];
  /**
   * Shares sent, market + sum limits: >= X; above X when the optimum oversubscribes (rounding "total"),
   * exactly X with rounding "child".
   */
  readonly total: number;
  /** Monte-Carlo mean cost E[v] of the integer allocation on N fresh scenarios, dollars. */
  readonly expectedCost: number;
  /**
   * The averaged stochastic-gradient iterate after the dominance cap, before rounding (may oversubscribe:
   * M + sum L >= X).
   */
  readonly continuous: { readonly market: number; readonly limits: number[] };
}

function validate(x: number, venues: readonly Venue[], p: RouterParams, n: number, passes: number): void {
  if (!Number.isInteger(x) || x < 0)
    throw new ModelError(`router order size X must be an integer >= 0 shares, got ${x}`);
  for (const [key, v] of Object.entries(p)) {
    if (typeof v === "number" && !Number.isFinite(v))
      throw new ModelError(`router parameter ${key} is ${v}; give a finite number`);
  }
  if (p.halfSpreadUsd < 0 || p.takerFeeUsd < 0 || p.thetaUsd < 0 || p.lambdaU < 0 || p.lambdaO < 0) {
    throw new ModelError(
      "router half-spread, taker fee, theta, lambda_u and lambda_o must be >= 0 dollars per share",
    );
  }
  if (!(p.horizonS > 0)) throw new ModelError(`router horizon must be > 0 seconds, got ${p.horizonS}`);
  if (!Number.isInteger(n) || n < 1) throw new ModelError(`router samples must be an integer >= 1, got ${n}`);
  if (!Number.isInteger(passes) || passes < 1)
    throw new ModelError(`router passes must be an integer >= 1, got ${passes}`);
  if (p.rounding !== undefined && p.rounding !== "total" && p.rounding !== "child")
    throw new ModelError(`router rounding must be "total" or "child", got ${String(p.rounding)}`);
  if (p.start !== undefined && p.start !== "closedForm" && p.start !== "equal")
    throw new ModelError(`router start must be "closedForm" or "equal", got ${String(p.start)}`);
  venues.forEach((v, i) => {
    if (!(v.queueAhead >= 0) || !Number.isFinite(v.rebateUsd)) {
      throw new ModelError(`venue ${v.name ?? i}: queueAhead must be >= 0 shares and rebateUsd finite`);
    }
  });
}

/**
 * The same parameters in one object shape whatever the caller built (spreads, optional fields present or
 * not): the solver and its scenario cost read them millions of times per run, and every new shape seen there
 * deoptimised them (then V8 compiled them again, on every worker thread).
 */
function fixedShape(p: RouterParams): RouterParams {
  return {
    halfSpreadUsd: p.halfSpreadUsd,
    takerFeeUsd: p.takerFeeUsd,
    thetaUsd: p.thetaUsd,
    lambdaU: p.lambdaU,
    lambdaO: p.lambdaO,
    horizonS: p.horizonS,
    samples: p.samples,
    passes: p.passes,
    start: p.start,
    stratified: p.stratified,
    rounding: p.rounding,
  };
}

/**
 * Solve the Cont-Kukanov allocation for a child order of x shares (see module doc). Randomness only from
 * `rng` (N scenarios for the optimizer, then N fresh ones for the cost estimate): same seed, same result.
 */
export function contKukanov(
  x: number,
  venues: readonly Venue[],
  params: RouterParams,
  rng: Rng,
): RouterAllocation {
  const p = fixedShape(params);
  const n = p.samples ?? 1000;
  const passes = p.passes ?? 4;
  const stratified = p.stratified ?? true;
  validate(x, venues, p, n, passes);
  const activeIdx = venues.flatMap((v, i) => (v.atBest ? [i] : []));
  const active = activeIdx.map((i) => venues[i]!);
  const k = active.length;
  const zeros = venues.map(() => 0);
  if (x === 0) {
    const continuous = { market: 0, limits: zeros.slice() };
    return { market: 0, limits: zeros, total: 0, expectedCost: 0, continuous };
  }
  if (k === 0) {
    const cost = (p.halfSpreadUsd + p.takerFeeUsd + p.thetaUsd) * x;
    const continuous = { market: x, limits: zeros.slice() };
    return { market: x, limits: zeros, total: x, expectedCost: cost, continuous };
  }
  const q = Float64Array.from(active, (v) => v.queueAhead);
  const hr = Float64Array.from(active, (v) => p.halfSpreadUsd + v.rebateUsd);
  const { halfSpreadUsd: h, takerFeeUsd: f, thetaUsd: theta, lambdaU: lu, lambdaO: lo } = p;
  let sumSq = (h + f + theta + lu + lo) ** 2;
  for (let i = 0; i < k; i++) sumSq += (hr[i]! + theta + lu + lo) ** 2;
  // docs/models.md step re-derived for the passes x N iterations; pass p uses gammaAll / p.
  const gammaAll = (Math.sqrt(k) * x) / Math.sqrt(passes * n * sumSq);
  const tol = 1e-9 * x;

  const xi = drawScenarios(active, n, p.horizonS, rng, stratified);
  const l = new Float64Array(k).fill(x / (k + 1));
  let m = x / (k + 1);
  if ((p.start ?? "closedForm") === "closedForm") m = closedFormStart(xi, n, k, q, hr, x, p, l);
  const lSum = new Float64Array(k);
  let mSum = 0;
  const scratch = projectionScratch(k);
  for (let pass = 1; pass <= passes; pass++) {
    const gamma = gammaAll / pass;
    // Only the last pass is averaged; earlier passes hand over their last iterate.
    const averaging = pass === passes;
    for (let s = 0; s < n; s++) {
      const off = s * k;
      let a = m;
      for (let i = 0; i < k; i++) {
        const avail = xi[off + i]! - q[i]!;
        if (avail > 0) a += Math.min(avail, l[i]!);
      }
      const short = a < x - tol ? lu + theta : 0;
      const over = a > x + tol ? lo : 0;
      const gM = h + f + theta - short + over;
      for (let i = 0; i < k; i++) {
        const filledAll = xi[off + i]! - q[i]! - l[i]! > tol;
        l[i] = l[i]! - gamma * (theta + (filledAll ? -hr[i]! - short + over : 0));
      }
      scratch.m = m - gamma * gM;
      projectScratchInPlace(l, k, x, scratch);
      m = scratch.m;
      if (averaging) {
        mSum += m;
        for (let i = 0; i < k; i++) lSum[i] = lSum[i]! + l[i]!;
      }
    }
  }
  const mBar = Math.min(mSum / n, x);
  // Venue cap L_k <= X - M. Shares of L_k beyond X - M fill only when A > X (overfill); cutting them saves theta
  // per share sent and changes the scenario cost by (h + r_k - lambda_o) per overfilled share, so when
  // lambda_o + theta >= h + r_k the cut never costs more in ANY scenario (it removes the averaged iterate's
  // noise above X: the closed form's M* + L* = X for one venue). When h + r_k > lambda_o + theta (a wide
  // spread, e.g. $0.10 on a $570 stock against lambda_o = $0.05) the cost v rewards unbounded overfill, as if
  // each overfilled share captured the spread; it does not (it is a share of the parent bought ahead of its
  // schedule), so the cap holds there too. Cross-venue oversubscription, the model's point, is kept: each
  // L_k <= X - M, the sum up to K (X - M).
  // (a Float64Array, not an array: an array of numbers holds small integers apart from other numbers, and each
  // solve whose values happened to be all integers or not deoptimised this function)
  const lBar = Float64Array.from(lSum, (v) => Math.min(v / n, x - mBar));
  let market: number;
  let limitsActive: Float64Array;
  if ((p.rounding ?? "total") === "total") {
    const r = roundAllocation(mBar, lBar, x);
    market = r.market;
    limitsActive = Float64Array.from(r.limits);
  } else {
    const ints = largestRemainder([mBar, ...lBar], x);
    market = ints[0]!;
    limitsActive = Float64Array.from(ints.slice(1));
  }

  const fresh = drawScenarios(active, n, p.horizonS, rng, stratified);
  let total = 0;
  for (let s = 0; s < n; s++) total += scenarioCost(market, limitsActive, fresh, s * k, q, hr, k, x, p);

  const limits = zeros.slice();
  const contLimits = zeros.slice();
  for (let j = 0; j < k; j++) {
    const vi = activeIdx[j]!;
    limits[vi] = limitsActive[j]!;
    contLimits[vi] = lBar[j]!;
  }
  return {
    market,
    limits,
    total: market + limitsActive.reduce((a, b) => a + b, 0),
    expectedCost: total / n,
    continuous: { market: mBar, limits: contLimits },
  };
}
