/**
 * Own-impact overlay (docs/models.md 6.6 and the overlay oracles of section 9): a volume state Y with price
 * impact F(Y); a market block on one book pays Q F(Y) + max(0, C_own - W) however it is split; limit fills pay
 * q F(Y); the oracle values for linear (0.33109 / 0.33129 / 0.29531) and sqrt (0.66667 / 0.47445 / 0.47479).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  IMPACT_MODELS,
  type ImpactOverlay,
  linearImpact,
  noImpact,
  sqrtImpact,
} from "../../lib/sim/index.ts";

const NS = 1_000_000_000n;
const at = (s: number) => BigInt(Math.round(s * 1e9));

/** Cost of a schedule of market children on a deep book (no walk), each child on its own book. */
function deepBookCost(o: ImpactOverlay, children: readonly (readonly [number, number])[]): number {
  let cost = 0;
  children.forEach(([tS, q], k) => {
    cost += o.marketFill(at(tS), k, q, 0, true);
  });
  return cost;
}

const twap = (n: number, horizonS: number, S = 1) =>
  Array.from({ length: n }, (_, k) => [(k * horizonS) / n, S / n] as const);

/** The linear closed sum of docs/models.md 9: sum_k q_k (F_k- + lambda q_k / 2). */
const closedSum = (lambda: number, beta: number, q: readonly number[], tS: readonly number[]) => {
  let cost = 0;
  for (let k = 0; k < q.length; k++) {
    let fk = 0;
    for (let j = 0; j < k; j++) fk += lambda * q[j]! * Math.exp(-beta * (tS[k]! - tS[j]!));
    cost += q[k]! * (fk + (lambda * q[k]!) / 2);
  }
  return cost;
};

const unit = { lambdaUsd: 1, beta: Math.LN2 / 900, qRefShares: 1 };

describe("impact overlay models", () => {
  it("registers none, linear (default) and sqrt", () => {
    expect(IMPACT_MODELS.names()).toEqual(["none", "linear", "sqrt"]);
    expect(IMPACT_MODELS.default).toBe("linear");
    expect(() => IMPACT_MODELS.get("cubic")).toThrow(/none, linear, sqrt/);
  });

  it("linear oracle: continuous TWAP 0.33109, 30 children at 60 s 0.33129, OW 0.29531", () => {
    expect(deepBookCost(linearImpact(unit), twap(100_000, 1800))).toBeCloseTo(0.33109, 5);
    expect(deepBookCost(linearImpact(unit), twap(30, 1800))).toBeCloseTo(0.33129, 5);
    // OW: blocks S / (2 + beta T) at both ends, rate beta S / (2 + beta T) between (fine discretisation)
    const bT = unit.beta * 1800;
    const q0 = 1 / (2 + bT);
    const n = 100_000;
    const ow: [number, number][] = [[0, q0]];
    for (let k = 0; k < n; k++) ow.push([((k + 0.5) * 1800) / n, (unit.beta * q0 * 1800) / n]);
    ow.push([1800, q0]);
    const cost = deepBookCost(linearImpact(unit), ow);
    expect(cost).toBeCloseTo(0.29531, 5);
    expect(cost).toBeCloseTo(1 / (2 + bT), 6); // lambda_usd S^2 / (2 + beta T)
  });

  it("sqrt oracle (kappa = 1): immediate 0.66667, continuous TWAP 0.47445, 30 children at 60 s 0.47479", () => {
    expect(deepBookCost(sqrtImpact(unit), [[0, 1]])).toBeCloseTo(2 / 3, 10);
    expect(deepBookCost(sqrtImpact(unit), twap(100_000, 1800))).toBeCloseTo(0.47445, 5);
    expect(deepBookCost(sqrtImpact(unit), twap(30, 1800))).toBeCloseTo(0.47479, 5);
  });

  it("linear on a deep book: any schedule costs the closed sum; fills on one book are one block", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 600 })), {
          minLength: 1,
          maxLength: 30,
        }),
        fc.double({ min: 1e-6, max: 0.01, noNaN: true }),
        fc.double({ min: 60, max: 7200, noNaN: true }),
        (steps, lambda, halfLife) => {
          const beta = Math.LN2 / halfLife;
          const o = linearImpact({ lambdaUsd: lambda, beta, qRefShares: 100 });
          // fills at one instant share a book (one block): merge them for the closed sum
          const q: number[] = [];
          const t: number[] = [];
          let now = 0;
          let book = 0;
          let cost = 0;
          steps.forEach(([qty, gap], k) => {
            now += gap;
            if (k > 0 && gap > 0) book++;
            if (k > 0 && gap === 0) q[q.length - 1]! += qty;
            else {
              q.push(qty);
              t.push(now);
            }
            cost += o.marketFill(BigInt(now) * NS, book, qty, 0, true);
          });
          const want = closedSum(lambda, beta, q, t);
          expect(Math.abs(cost - want)).toBeLessThanOrEqual(1e-9 * want);
          const fEnd = q.reduce((a, qj, j) => a + lambda * qj * Math.exp(-beta * (now + 100 - t[j]!)), 0);
          expect(o.valueAt(BigInt(now + 100) * NS)).toBeCloseTo(fEnd, 12);
        },
      ),
    );
  });

  it("no double charge: a block pays Q F(Y) + max(0, C_own - W) however its fills are split", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("linear", "sqrt"),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 400 }), fc.double({ min: 0, max: 0.05, noNaN: true })), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.integer({ min: 0, max: 3000 }),
        (model, parts, earlier) => {
          const p = { lambdaUsd: 2e-4, beta: Math.LN2 / 600, qRefShares: 500 };
          const make = model === "linear" ? linearImpact : sqrtImpact;
          const o = make(p);
          if (earlier > 0) o.marketFill(0n, 0, earlier, 0, true);
          const y = o.volumeAt(60n * NS);
          // walk per share non-decreasing along the block (a walk goes deeper)
          const walks = parts.map(([, w]) => w).sort((a, b) => a - b);
          let charged = 0;
          let Q = 0;
          let W = 0;
          parts.forEach(([q], k) => {
            charged += o.marketFill(60n * NS, 1, q, walks[k]!, true);
            Q += q;
            W += q * walks[k]!;
          });
          const want = Q * priceOf(make(p), y) + Math.max(0, o.ownJump(y, Q) - W);
          expect(charged).toBeCloseTo(want, 9);
          // replay part beyond the best + overlay = max(W, C_own) + Q F(Y)
          expect(W + charged).toBeCloseTo(Math.max(W, o.ownJump(y, Q)) + Q * priceOf(make(p), y), 9);
          expect(o.volumeAt(60n * NS)).toBeCloseTo(y + Q, 9);
        },
      ),
    );
  });

  it("five 100-share orders reaching one book cost exactly one 500-share order; later books walk anew", () => {
    for (const make of [linearImpact, sqrtImpact]) {
      const p = { lambdaUsd: 1e-4, beta: Math.LN2 / 300, qRefShares: 1000 };
      const one = make(p).marketFill(0n, 7, 500, 0.002, true);
      const five = make(p);
      let split = 0;
      for (let k = 0; k < 5; k++) split += five.marketFill(0n, 7, 100, 0.002, true);
      expect(split).toBeCloseTo(one, 12);
      // a thin book whose walk (0.2 $/share) exceeds the own jump pays only Q F(Y) = 0 on a fresh state
      expect(make(p).marketFill(0n, 1, 500, 0.2, true)).toBe(0);
      // a deep book pays the model's own jump
      const deep = make(p);
      expect(deep.marketFill(0n, 1, 500, 0, true)).toBeCloseTo(deep.ownJump(0, 500), 12);
      // a retry on a later book pays the earlier fills' impact through Y
      const later = make(p);
      later.marketFill(0n, 1, 500, 0.2, true);
      const y = later.volumeAt(10n * NS);
      expect(later.marketFill(10n * NS, 2, 100, 0.2, true)).toBeCloseTo(100 * priceOf(make(p), y), 12);
    }
  });

  it("sqrt has no lumping reward: k equal children on later books cost strictly less than one block", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 60 }),
        fc.double({ min: 0.001, max: 600, noNaN: true }),
        (k, dt) => {
          const block = deepBookCost(sqrtImpact(unit), [[0, 1]]);
          const spread = deepBookCost(
            sqrtImpact(unit),
            Array.from({ length: k }, (_, j) => [j * dt, 1 / k] as const),
          );
          expect(spread).toBeLessThan(block);
        },
      ),
    );
  });

  it("passive fills pay q F(Y), raise Y by q and close the market block", () => {
    for (const make of [linearImpact, sqrtImpact]) {
      const o = make(unit);
      o.marketFill(0n, 0, 0.5, 0, true);
      const f = o.valueAt(30n * NS);
      expect(o.limitFill(30n * NS, 0.2, true)).toBeCloseTo(0.2 * f, 12);
      expect(o.volumeAt(30n * NS)).toBeCloseTo(
        0.5 * Math.exp(-(make === sqrtImpact ? 2 : 1) * unit.beta * 30) + 0.2,
        12,
      );
      // a quote does not book anything
      expect(o.limitFill(30n * NS, 0.1, false)).toBeCloseTo(0.1 * o.valueAt(30n * NS), 12);
      expect(o.volumeAt(30n * NS)).toBeCloseTo(
        0.5 * Math.exp(-(make === sqrtImpact ? 2 : 1) * unit.beta * 30) + 0.2,
        12,
      );
    }
  });

  it("sqrt: a block's price impact decays with the calibrated half-life", () => {
    const o = sqrtImpact(unit);
    o.marketFill(0n, 0, 1, 0, true);
    expect(o.valueAt(0n)).toBeCloseTo(1, 12);
    expect(o.valueAt(900n * NS)).toBeCloseTo(0.5, 12);
  });

  it("none charges nothing; bad parameters and fills are refused", () => {
    const o = noImpact();
    expect(o.marketFill(0n, 0, 100, 0, true)).toBe(0);
    expect(o.valueAt(10n)).toBe(0);
    expect(() => linearImpact({ lambdaUsd: -1, beta: 1, qRefShares: 1 })).toThrow(/lambda_usd/);
    expect(() => sqrtImpact({ lambdaUsd: 1, beta: 0, qRefShares: 1 })).toThrow(/beta/);
    expect(() => sqrtImpact({ lambdaUsd: 1, beta: 1, qRefShares: 0 })).toThrow(/q_ref/);
    expect(() => linearImpact(unit).marketFill(0n, 0, 0, 0, true)).toThrow(/qty > 0/);
  });
});

/** F(Y) of a fresh overlay of the same law: the price impact one block of Y leaves at once. */
function priceOf(o: ImpactOverlay, y: number): number {
  if (y <= 0) return 0;
  o.marketFill(0n, 0, y, 0, true);
  return o.valueAt(0n);
}
