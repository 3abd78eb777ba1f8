/** OW oracles of MODELS.md section 9 (alpha = 0 blocks/rate, smooth alpha vs the discrete QP) and clipping. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AlphaPath, alphaIntegral, exponentialAlpha, zeroAlpha } from "../../lib/schedule/alphaPath.ts";
import { cumulativeOnGrid, owAnalytic, solveOw, timeGrid } from "../../lib/schedule/ow.ts";
import {
  discreteOwCost,
  solveDiscreteOwKkt,
  solveDiscreteOwNonNegative,
} from "../../lib/schedule/owDiscrete.ts";

// beta T = 3.6, so S / (2 + beta T) = 10000 / 5.6 = 1785.714 shares and beta S / (2 + beta T) = 3.5714 shares/s.
const base = { lambdaUsd: 1e-5, beta: 0.002, shares: 10_000, horizonS: 1800, impactUsd: 0 };

function maxCumulativeGap(alpha: AlphaPath, n: number, extra: Partial<typeof base> = {}): number {
  const problem = { ...base, ...extra, alpha };
  const times = timeGrid(problem.horizonS, problem.horizonS / n);
  const q = solveDiscreteOwKkt({ ...problem, times });
  const cont = cumulativeOnGrid(owAnalytic(problem), times);
  let cum = 0;
  let gap = 0;
  for (let k = 0; k < times.length; k++) {
    cum += q[k]!;
    gap = Math.max(gap, Math.abs(cum - cont[k]!));
  }
  return gap;
}

describe("OW with alpha = 0 (classic schedule)", () => {
  it("has blocks S/(2 + beta T) = 1785.714 at both ends and rate beta S/(2 + beta T) = 3.5714 shares/s", () => {
    const plan = solveOw({ ...base, alpha: zeroAlpha });
    expect(plan.clipped).toBe(false);
    expect(plan.initialBlock).toBeCloseTo(1785.714, 3);
    expect(plan.terminalBlock).toBeCloseTo(1785.714, 3);
    expect((plan.cumulative(900) - plan.cumulative(300)) / 600).toBeCloseTo(3.5714, 4);
    expect(plan.cumulative(0)).toBeCloseTo(1785.714, 3);
    expect(plan.tradedBefore(60)).toBeCloseTo(1785.714 + 60 * 3.5714286, 3);
    expect(plan.cumulative(1800)).toBe(10_000);
    expect(plan.kUsd).toBeCloseTo(0.01785714, 8); // K = lambda S / (2 + beta T) dollars
  });

  it("starting impact I0 lowers the initial block: q0 = (K - I0)/lambda with K = (lambda S + I0)/(2 + beta T)", () => {
    const plan = solveOw({ ...base, impactUsd: 0.005, alpha: zeroAlpha });
    const k = (1e-5 * 10_000 + 0.005) / 5.6; // 0.01875 $
    expect(plan.initialBlock).toBeCloseTo((k - 0.005) / 1e-5, 6); // 1375 shares
    expect(plan.initialBlock).toBeCloseTo(1375, 6);
    expect(plan.terminalBlock).toBeCloseTo(1875, 6);
  });

  it("matches the discrete QP (KKT oracle) on a fine grid to 0.1% of S", () => {
    // The gap is half a grid cell of trading (rate x dt / 2 = 3.57 x 3 s / 2 = 5.4 shares at n = 600).
    expect(maxCumulativeGap(zeroAlpha, 600)).toBeLessThan(0.001 * base.shares);
  });
});

describe("OW with a smooth alpha vs the discrete quadratic program (within 1% of S)", () => {
  const cases: [string, AlphaPath][] = [
    ["exponential A = +5 cents, H = 10 min", exponentialAlpha(0.05, 600, base.horizonS)],
    ["exponential A = +2 cents, H = 15 min", exponentialAlpha(0.02, 900, base.horizonS)],
    ["exponential A = -1 cent, H = 15 min", exponentialAlpha(-0.01, 900, base.horizonS)],
    [
      "linear decay without an analytic integral (Simpson)",
      { value: (t) => 0.03 * (1 - t / 1800), slope: () => -0.03 / 1800 },
    ],
  ];
  it.each(cases)("%s", (_name, alpha) => {
    const plan = solveOw({ ...base, alpha });
    expect(plan.clipped).toBe(false);
    expect(maxCumulativeGap(alpha, 300)).toBeLessThan(0.01 * base.shares);
  });

  it("front-loads when the price is expected to move against us", () => {
    const up = solveOw({ ...base, alpha: exponentialAlpha(0.05, 600, base.horizonS) });
    expect(up.initialBlock).toBeGreaterThan(2 * 1785.714);
    const plan = owAnalytic({ ...base, alpha: exponentialAlpha(0.05, 600, base.horizonS) });
    expect(plan.cumulative(base.horizonS)).toBe(base.shares);
  });

  it("exponentialAlpha: alpha(T) = 0 and its analytic integral equals Simpson's rule", () => {
    const a = exponentialAlpha(0.05, 600, 1800);
    expect(a.value(1800)).toBeCloseTo(0, 15);
    expect(a.value(0)).toBeCloseTo(0.05 * (1 - Math.exp(-3)), 12);
    const { integral: _exact, ...noIntegral } = a;
    expect(alphaIntegral(noIntegral, 1234)).toBeCloseTo(alphaIntegral(a, 1234), 6);
  });
});

describe("no trading against the side (clip + re-solve)", () => {
  const favourable = exponentialAlpha(-0.05, 600, base.horizonS); // analytic q0 < 0
  const times = timeGrid(base.horizonS, base.horizonS / 200);
  const problem = { ...base, alpha: favourable, times };

  it("detects the negative analytic block and returns a non-negative plan summing to S", () => {
    expect(owAnalytic({ ...base, alpha: favourable }).initialBlock).toBeLessThan(-1000);
    const plan = solveOw({ ...base, alpha: favourable });
    expect(plan.clipped).toBe(true);
    expect(plan.initialBlock).toBe(0);
    expect(plan.cumulative(base.horizonS)).toBe(base.shares);
    let prev = 0;
    for (const t of times) {
      expect(plan.cumulative(t)).toBeGreaterThanOrEqual(prev - 1e-9);
      prev = plan.cumulative(t);
    }
  });

  it("equals the KKT oracle solved on its own support (the optimum restricted to the trading times)", () => {
    const q = solveDiscreteOwNonNegative(problem);
    const support = times.filter((_t, k) => q[k]! > 0);
    const onSupport = solveDiscreteOwKkt({ ...problem, times: Float64Array.from(support) });
    const qSupport = Array.from(q).filter((v) => v > 0);
    for (let j = 0; j < qSupport.length; j++)
      expect(Math.abs(qSupport[j]! - onSupport[j]!)).toBeLessThan(1e-6);
  });

  it("equals the KKT oracle when no constraint binds", () => {
    const p2 = { ...base, alpha: zeroAlpha, times };
    const a = solveDiscreteOwNonNegative(p2);
    const b = solveDiscreteOwKkt(p2);
    for (let k = 0; k < times.length; k++) expect(Math.abs(a[k]! - b[k]!)).toBeLessThan(1e-6);
  });

  it("no random feasible (q >= 0, sum = S) schedule is cheaper", () => {
    const small = { ...problem, times: timeGrid(base.horizonS, base.horizonS / 20) };
    const best = discreteOwCost(small, solveDiscreteOwNonNegative(small));
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 21, maxLength: 21 }),
        (w) => {
          const total = w.reduce((a, b) => a + b, 0);
          fc.pre(total > 0);
          const q = w.map((v) => (v * base.shares) / total);
          return discreteOwCost(small, q) >= best - 1e-9;
        },
      ),
      { numRuns: 300 },
    );
  });

  it("waits for a large starting impact to decay instead of selling", () => {
    const plan = solveOw({ ...base, impactUsd: 0.5, alpha: zeroAlpha });
    expect(plan.clipped).toBe(true);
    expect(plan.tradedBefore(60)).toBe(0);
    expect(plan.cumulative(base.horizonS)).toBe(base.shares);
  });
});
