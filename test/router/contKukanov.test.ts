/** Cont-Kukanov stochastic optimizer: closed-form oracle, conservation, determinism, side symmetry. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Rng } from "../../lib/core/rng.ts";
import { closedFormSingleVenue, exponentialOutflowQuantile } from "../../lib/router/closedForm.ts";
import { contKukanov, type RouterParams, routerCost, type Venue } from "../../lib/router/contKukanov.ts";
import { empiricalOutflow, exponentialOutflow, sampleHorizonOutflow } from "../../lib/router/outflow.ts";
import { exactExpectedCost, type OneVenue } from "./exactCost.ts";

const base: OneVenue = {
  x: 1000,
  q: 2000,
  m: 3000,
  h: 0.02,
  f: 0.003,
  r: 0.002,
  theta: 0.0005,
  lambdaU: 0.05,
  lambdaO: 0.05,
};

function solveOne(p: OneVenue, samples: number, seed = 1) {
  const venue: Venue = { queueAhead: p.q, rebateUsd: p.r, outflow: exponentialOutflow(p.m), atBest: true };
  const params: RouterParams = {
    halfSpreadUsd: p.h,
    takerFeeUsd: p.f,
    thetaUsd: p.theta,
    lambdaU: p.lambdaU,
    lambdaO: p.lambdaO,
    horizonS: 60,
    samples,
  };
  return contKukanov(p.x, [venue], params, new Rng(seed));
}

describe("stochastic optimizer vs the single-venue closed form (MODELS.md 9)", () => {
  // N = 10^6: with the prescribed constant step and full iterate averaging the start point (equal split)
  // biases the average; at N = 1000 the optimizer lands 100-300 shares away (see the report / MODELS.md).
  const cases: [string, OneVenue][] = [
    ["Q = 2000, h = 0.02", base],
    ["Q = 500, h = 0.01", { ...base, q: 500, h: 0.01 }],
    ["lambda_u = 0.5", { ...base, lambdaU: 0.5 }],
  ];
  it.each(cases)("%s: within 2%% of X (20 shares) of the closed form with N = 1e6", (_n, p) => {
    const cf = closedFormSingleVenue(
      p.x,
      p.q,
      { halfSpreadUsd: p.h, takerFeeUsd: p.f, rebateUsd: p.r, thetaUsd: p.theta, lambdaU: p.lambdaU },
      exponentialOutflowQuantile(p.m, 60),
    );
    const a = solveOne(p, 1_000_000);
    expect(Math.abs(a.continuous.limits[0]! - cf.limit)).toBeLessThanOrEqual(20);
    expect(Math.abs(a.limits[0]! - cf.limit)).toBeLessThanOrEqual(20);
    expect(a.market + a.limits[0]!).toBe(1000);
    // The Monte-Carlo cost estimate matches the exact expected cost of the integer allocation.
    const exact = exactExpectedCost(p, a.market, a.limits[0]!);
    expect(Math.abs(a.expectedCost - exact) / exact).toBeLessThan(0.01);
  });
});

const venueArb = fc.record({
  queueAhead: fc.integer({ min: 0, max: 20_000 }),
  rebateUsd: fc.double({ min: -0.003, max: 0.003, noNaN: true }),
  mean: fc.integer({ min: 100, max: 10_000 }),
  atBest: fc.boolean(),
});
const paramsArb = fc.record({
  halfSpreadUsd: fc.double({ min: 0.005, max: 0.05, noNaN: true }),
  takerFeeUsd: fc.double({ min: 0, max: 0.003, noNaN: true }),
  thetaUsd: fc.double({ min: 0, max: 0.002, noNaN: true }),
  lambdaU: fc.double({ min: 0.001, max: 0.5, noNaN: true }),
  lambdaO: fc.double({ min: 0.001, max: 0.5, noNaN: true }),
  horizonS: fc.integer({ min: 10, max: 600 }),
  samples: fc.integer({ min: 1, max: 300 }),
});
const toVenues = (vs: { queueAhead: number; rebateUsd: number; mean: number; atBest: boolean }[]): Venue[] =>
  vs.map((v, i) => ({
    name: `V${i}`,
    queueAhead: v.queueAhead,
    rebateUsd: v.rebateUsd,
    outflow: exponentialOutflow(v.mean),
    atBest: v.atBest,
  }));

describe("allocation properties", () => {
  it("integers >= 0, market + sum limits = X, no limit behind the best; same seed = bit-identical", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50_000 }),
        fc.array(venueArb, { maxLength: 5 }),
        paramsArb,
        fc.integer(),
        (x, vs, params, seed) => {
          const venues = toVenues(vs);
          const a = contKukanov(x, venues, params, new Rng(seed));
          expect(a.market + a.limits.reduce((s, v) => s + v, 0)).toBe(x);
          expect(a.limits).toHaveLength(venues.length);
          for (const n of [a.market, ...a.limits]) expect(Number.isInteger(n) && n >= 0).toBe(true);
          venues.forEach((v, i) => {
            if (!v.atBest) expect(a.limits[i]).toBe(0);
          });
          expect(Number.isFinite(a.expectedCost)).toBe(true);
          expect(contKukanov(x, venues, params, new Rng(seed))).toStrictEqual(a);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("no venue at the best: the whole child goes to the market", () => {
    const v: Venue = { queueAhead: 100, rebateUsd: 0.002, outflow: exponentialOutflow(1000), atBest: false };
    const p: RouterParams = {
      halfSpreadUsd: 0.01,
      takerFeeUsd: 0.003,
      thetaUsd: 0.0005,
      lambdaU: 0.05,
      lambdaO: 0.05,
      horizonS: 300,
    };
    const a = contKukanov(500, [v], p, new Rng(1));
    expect(a).toMatchObject({ market: 500, limits: [0] });
    expect(a.expectedCost).toBeCloseTo(500 * 0.0135, 12);
  });

  it("runs with an empirical (resampled) outflow distribution", () => {
    const d = empiricalOutflow(Float64Array.from([0, 1000, 2000, 5000]));
    expect(d.mean).toBe(2000);
    const v: Venue = { queueAhead: 500, rebateUsd: 0.002, outflow: d, atBest: true };
    const p: RouterParams = {
      halfSpreadUsd: 0.01,
      takerFeeUsd: 0.003,
      thetaUsd: 0.0005,
      lambdaU: 0.05,
      lambdaO: 0.05,
      horizonS: 120,
    };
    const a = contKukanov(800, [v, v], p, new Rng(7));
    expect(a.market + a.limits[0]! + a.limits[1]!).toBe(800);
  });

  it("horizon outflow: 150 s = two per-minute draws + half a draw (mean 2.5 x 3000 = 7500 shares)", () => {
    const rng = new Rng(3);
    const d = exponentialOutflow(3000);
    let s = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) s += sampleHorizonOutflow(d, rng, 150);
    expect(s / n).toBeGreaterThan(7500 * 0.99);
    expect(s / n).toBeLessThan(7500 * 1.01);
  });
});

describe("side symmetry", () => {
  /** Cost from explicit prices for side s: market orders cross the spread, limits rest at our touch. */
  function explicitCost(
    side: 1 | -1,
    x: number,
    m: number,
    l: number[],
    xi: number[],
    vs: Venue[],
    p: RouterParams,
  ): number {
    const mid = 100;
    const ask = mid + p.halfSpreadUsd;
    const bid = mid - p.halfSpreadUsd;
    const take = side === 1 ? ask : bid; // price a market order gets
    const make = side === 1 ? bid : ask; // price a resting limit order gets
    let filled = m;
    let cost = m * (side * (take - mid) + p.takerFeeUsd);
    vs.forEach((v, k) => {
      const fill = Math.max(xi[k]! - v.queueAhead, 0) - Math.max(xi[k]! - v.queueAhead - l[k]!, 0);
      filled += fill;
      cost += fill * (side * (make - mid) - v.rebateUsd);
    });
    const under = Math.max(x - filled, 0);
    return (
      cost +
      p.lambdaU * under +
      p.lambdaO * Math.max(filled - x, 0) +
      p.thetaUsd * (m + l.reduce((a, b) => a + b, 0) + under)
    );
  }

  it("a sell problem has the same cost function as the buy problem, hence the same allocation", () => {
    fc.assert(
      fc.property(
        fc.array(venueArb, { minLength: 1, maxLength: 4 }),
        paramsArb,
        fc.integer({ min: 1, max: 5000 }),
        fc.array(fc.double({ min: 0, max: 20_000, noNaN: true }), { minLength: 5, maxLength: 5 }),
        fc.array(fc.double({ min: 0, max: 5000, noNaN: true }), { minLength: 5, maxLength: 5 }),
        (vs, params, x, xi, alloc) => {
          const venues = toVenues(vs);
          const l = venues.map((_v, k) => alloc[k + 1]!);
          const m = Math.min(alloc[0]!, x);
          const v = routerCost(x, m, l, xi.slice(0, venues.length), venues, params);
          const buy = explicitCost(1, x, m, l, xi, venues, params);
          const sell = explicitCost(-1, x, m, l, xi, venues, params);
          expect(buy).toBeCloseTo(v, 6);
          expect(sell).toBeCloseTo(v, 6);
        },
      ),
      { numRuns: 300 },
    );
  });
});
