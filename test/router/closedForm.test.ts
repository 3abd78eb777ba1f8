/** Router oracles of MODELS.md section 9: exponential fills, the single-venue closed form, brute force. */
import { describe, expect, it } from "vitest";
import {
  closedFormSingleVenue,
  criticalFractile,
  expectedFillExponential,
  exponentialOutflowQuantile,
} from "../../lib/router/closedForm.ts";
import { bruteForce, type OneVenue } from "./exactCost.ts";

describe("expected fill with exponential outflow", () => {
  it("L = 1000, m = 3000 gives 850.41 / 609.34 / 312.85 for Q = 0 / 1000 / 3000", () => {
    expect(expectedFillExponential(0, 1000, 3000)).toBeCloseTo(850.41, 2);
    expect(expectedFillExponential(1000, 1000, 3000)).toBeCloseTo(609.34, 2);
    expect(expectedFillExponential(3000, 1000, 3000)).toBeCloseTo(312.85, 2);
  });
});

// X = 1000, Q = 2000, h = 0.02, f = 0.003, r = 0.002, theta = 0.0005, lambda_u = 0.05, one minute, m = 3000.
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
const cases: [string, OneVenue, number][] = [
  ["Q = 2000, h = 0.02: L* = 908.2", base, 908.2],
  ["Q = 500, h = 0.01: L* = 1000", { ...base, q: 500, h: 0.01 }, 1000],
  ["lambda_u = 0.5: L* = 0", { ...base, lambdaU: 0.5 }, 0],
];

function closedForm(p: OneVenue) {
  return closedFormSingleVenue(
    p.x,
    p.q,
    { halfSpreadUsd: p.h, takerFeeUsd: p.f, rebateUsd: p.r, thetaUsd: p.theta, lambdaU: p.lambdaU },
    exponentialOutflowQuantile(p.m, 60),
  );
}

describe("single-venue closed form", () => {
  it("critical fractile (2h + f + r)/(lambda_u + theta + h + r) = 0.045/0.0725 = 0.62069", () => {
    const p = { halfSpreadUsd: 0.02, takerFeeUsd: 0.003, rebateUsd: 0.002, thetaUsd: 0.0005, lambdaU: 0.05 };
    expect(criticalFractile(p)).toBeCloseTo(0.62069, 5);
  });

  it.each(cases)("%s, M* = X - L*, and a brute-force grid over M + L >= X agrees", (_n, p, expected) => {
    const cf = closedForm(p);
    expect(cf.limit).toBeCloseTo(expected, 1);
    expect(cf.market + cf.limit).toBe(p.x);
    const bf = bruteForce(p);
    expect(bf.market + bf.limit).toBe(p.x);
    expect(Math.abs(bf.limit - cf.limit)).toBeLessThanOrEqual(0.5);
  });

  it("M* = X - L* needs lambda_o + theta >= h + r: with lambda_o = 0 one venue oversubscribes too", () => {
    // Shares of L beyond X - M fill only as overfill; each earns h + r and costs lambda_o (+ theta sent).
    const bf = bruteForce({ ...base, lambdaO: 0 });
    expect(bf.market + bf.limit).toBeGreaterThan(base.x);
  });

  it("quantile of a sub-minute horizon scales the one-minute draw", () => {
    expect(exponentialOutflowQuantile(3000, 30)(1 - Math.exp(-1))).toBeCloseTo(1500, 9);
    expect(() => exponentialOutflowQuantile(3000, 120)).toThrow(/stochastic optimizer/);
  });
});
