/**
 * MODELS.md 9 "Oversubscription" (Cont-Kukanov's multi-venue result): two venues, Q = 2000 each, independent
 * per-minute exponential outflows with mean 3000, tau = 1 min, X = 1000, h = 0.02, f = 0.003, r = 0.002,
 * theta = 0.0005, lambda_u = lambda_o = 0.05. MODELS.md (brute force, 400k scenarios, 10-share grid):
 * optimum M = 0, L_1 = L_2 = 1000, E[v] = $7.18, E[A] = 873; the X-split (0, 500, 500) costs $16.75, E[A] 472.
 * Here the expectation is exact (exactTwoVenue): $7.1731 / 873.23 and $16.714 / 472.91, and a seeded Monte
 * Carlo check confirms the formula.
 */
import { describe, expect, it } from "vitest";
import { Rng } from "../../lib/core/rng.ts";
import { contKukanov, type RouterParams, routerCost, type Venue } from "../../lib/router/contKukanov.ts";
import { exponentialOutflow } from "../../lib/router/outflow.ts";
import { bruteForceTwo, exactTwoVenue, type TwoVenueParams } from "./exactCost.ts";

const venue = { q: 2000, m: 3000, r: 0.002 };
const oracle: TwoVenueParams = {
  x: 1000,
  h: 0.02,
  f: 0.003,
  theta: 0.0005,
  lambdaU: 0.05,
  lambdaO: 0.05,
  venues: [venue, venue],
};
const venues: Venue[] = ["A", "B"].map((name) => ({
  name,
  queueAhead: 2000,
  rebateUsd: 0.002,
  outflow: exponentialOutflow(3000),
  atBest: true,
}));
const params: RouterParams = {
  halfSpreadUsd: 0.02,
  takerFeeUsd: 0.003,
  thetaUsd: 0.0005,
  lambdaU: 0.05,
  lambdaO: 0.05,
  horizonS: 60,
};

describe("two-venue exact expected cost", () => {
  it.each([
    [0, 1000, 1000],
    [0, 500, 500],
    [200, 300, 900],
    [1000, 0, 0],
    [100, 1500, 0],
  ])("(M, L1, L2) = (%i, %i, %i) agrees with a 400k-scenario Monte Carlo within 4 standard errors", (m, l1, l2) => {
    const rng = new Rng(11);
    const n = 400_000;
    let sum = 0;
    let sumSq = 0;
    let fill = 0;
    for (let s = 0; s < n; s++) {
      const xi = [rng.exponential(3000), rng.exponential(3000)];
      const v = routerCost(1000, m, [l1, l2], xi, venues, params);
      sum += v;
      sumSq += v * v;
      fill += m + xi.reduce((a, x, k) => a + Math.min(Math.max(x - 2000, 0), [l1, l2][k]!), 0);
    }
    const mean = sum / n;
    const se = Math.sqrt((sumSq / n - mean * mean) / n);
    const exact = exactTwoVenue(oracle, m, l1, l2);
    expect(Math.abs(mean - exact.cost)).toBeLessThan(4 * se + 1e-9);
    expect(Math.abs(fill / n - exact.fill)).toBeLessThan(2);
  });

  it("MODELS.md 9 numbers: (0, 1000, 1000) $7.18 / E[A] 873; (0, 500, 500) $16.75 / 472", () => {
    const over = exactTwoVenue(oracle, 0, 1000, 1000);
    expect(over.cost).toBeCloseTo(7.1731, 4);
    expect(over.fill).toBeCloseTo(873.23, 2);
    const split = exactTwoVenue(oracle, 0, 500, 500);
    expect(split.cost).toBeCloseTo(16.7138, 4);
    expect(split.fill).toBeCloseTo(472.91, 2);
    // MODELS.md's Monte Carlo figures, within their sampling error
    expect(Math.abs(over.cost - 7.18) / 7.18).toBeLessThan(0.005);
    expect(Math.abs(split.cost - 16.75) / 16.75).toBeLessThan(0.005);
    expect(Math.abs(over.fill - 873)).toBeLessThan(1);
    expect(Math.abs(split.fill - 472)).toBeLessThan(1);
  });

  it("the 10-share grid optimum over M + L1 + L2 >= X (L_k up to 2X) is M = 0, L1 = L2 = 1000", () => {
    const best = bruteForceTwo(oracle, 10, 2000);
    expect(best.market).toBe(0);
    expect(best.limits).toEqual([1000, 1000]);
    expect(best.cost).toBeCloseTo(7.1731, 4);
  });
});

describe("the optimizer keeps the oversubscribed optimum", () => {
  const grid = 7.173108215574844; // bruteForceTwo(oracle, 10, 2000).cost, asserted above
  it.each([
    1, 2, 3, 4, 5,
  ])("seed %i: total within 5 percent of 2X, exact E[v] within 2 percent of the grid optimum", (seed) => {
    const a = contKukanov(1000, venues, params, new Rng(seed));
    expect(a.total).toBe(a.market + a.limits[0]! + a.limits[1]!);
    expect(Math.abs(a.total - 2000)).toBeLessThanOrEqual(100);
    expect(
      Math.abs(a.continuous.market + a.continuous.limits[0]! + a.continuous.limits[1]! - 2000),
    ).toBeLessThan(100);
    const exact = exactTwoVenue(oracle, a.market, a.limits[0]!, a.limits[1]!);
    expect(Math.abs(exact.cost - grid) / grid).toBeLessThan(0.02);
    // The router's reported Monte-Carlo estimate (N = 1000 fresh scenarios) agrees with the exact cost
    // within 4 standard errors: the per-scenario cost sd at (0, 1000, 1000) is ~$29.4 (400k draws).
    expect(Math.abs(a.expectedCost - exact.cost)).toBeLessThan((4 * 29.4) / Math.sqrt(1000));
  });

  it('rounding "child" scales back to M + sum L = X and pays the X-split price (~$16.7)', () => {
    const a = contKukanov(1000, venues, { ...params, rounding: "child" }, new Rng(1));
    expect(a.total).toBe(1000);
    expect(a.market + a.limits[0]! + a.limits[1]!).toBe(1000);
    const exact = exactTwoVenue(oracle, a.market, a.limits[0]!, a.limits[1]!);
    expect(exact.cost).toBeGreaterThan(16.5);
  });

  it("rejects an unknown rounding", () => {
    expect(() =>
      contKukanov(1000, venues, { ...params, rounding: "x" as unknown as "total" }, new Rng(1)),
    ).toThrow(/rounding must be "total" or "child"/);
  });
});

describe("a spread wider than lambda_o + theta does not buy unbounded overfill", () => {
  // GOOG 2012-06-21 had a ~$0.10 half-spread: h + r = 0.102 > lambda_o + theta = 0.0505, so the cost v falls
  // with every overfilled share and the unconstrained optimum posts L without bound (16x X was seen on the
  // GOOG day). Each venue is capped at X - M; the cross-venue sum stays free.
  const wide: RouterParams = { ...params, halfSpreadUsd: 0.1 };
  it.each([1, 2, 3])("seed %i: one venue rests at most X - M; two venues at most X - M each", (seed) => {
    const one = contKukanov(1000, venues.slice(0, 1), wide, new Rng(seed));
    expect(one.market + one.limits[0]!).toBe(1000);
    expect(one.continuous.limits[0]!).toBeLessThanOrEqual(1000 - one.continuous.market + 1e-9);
    const two = contKukanov(1000, venues, wide, new Rng(seed));
    for (const l of two.limits) expect(l).toBeLessThanOrEqual(1000 - two.market);
    expect(two.total).toBeGreaterThan(1000); // still oversubscribed across venues
  });
});
