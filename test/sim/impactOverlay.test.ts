/**
 * Own-impact overlay (MODELS.md 6.6 and the "Impact overlay (linear)" oracle of section 9): the cost of a
 * schedule q_1..q_n at t_1..t_n is sum_k q_k (I_k- + lambda_usd q_k / 2) with
 * I_k- = sum_{j<k} lambda_usd q_j exp(-beta (t_k - t_j)); fills at one instant are one block; sqrt is
 * linear at q = q_ref; none charges nothing.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IMPACT_MODELS, linearImpact, noImpact, sqrtImpact } from "../../lib/sim/index.ts";

const NS = 1_000_000_000n;
const closedSum = (lambda: number, beta: number, q: readonly number[], tS: readonly number[]) => {
  let cost = 0;
  for (let k = 0; k < q.length; k++) {
    let ik = 0;
    for (let j = 0; j < k; j++) ik += lambda * q[j]! * Math.exp(-beta * (tS[k]! - tS[j]!));
    cost += q[k]! * (ik + (lambda * q[k]!) / 2);
  }
  return cost;
};

describe("impact overlay models", () => {
  it("registers none, linear (default) and sqrt", () => {
    expect(IMPACT_MODELS.names()).toEqual(["none", "linear", "sqrt"]);
    expect(IMPACT_MODELS.default).toBe("linear");
    expect(() => IMPACT_MODELS.get("cubic")).toThrow(/none, linear, sqrt/);
  });

  it("linear: the cost of any schedule is the closed sum of MODELS.md 9", () => {
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
          const q: number[] = [];
          const t: number[] = [];
          let now = 0;
          let cost = 0;
          for (const [qty, gap] of steps) {
            now += gap; // gap 0: several fills at one instant (one block)
            q.push(qty);
            t.push(now);
            cost += qty * o.fill(BigInt(now) * NS, qty);
          }
          const want = closedSum(lambda, beta, q, t);
          expect(Math.abs(cost - want)).toBeLessThanOrEqual(1e-9 * want);
          // the state after the last fill, 100 s later
          const iEnd = q.reduce((a, qj, j) => a + lambda * qj * Math.exp(-beta * (now + 100 - t[j]!)), 0);
          expect(o.valueAt(BigInt(now + 100) * NS)).toBeCloseTo(iEnd, 12);
        },
      ),
    );
  });

  it("a hand-computed two-fill schedule", () => {
    // lambda 0.001 $/share, half-life 900 s; 100 shares at 0, 300 shares at 900 s
    const o = linearImpact({ lambdaUsd: 0.001, beta: Math.LN2 / 900, qRefShares: 200 });
    expect(o.fill(0n, 100)).toBeCloseTo(0.05, 15); // I- = 0, jump 0.1: pays 0.05 $/share
    expect(o.valueAt(900n * NS)).toBeCloseTo(0.05, 15); // 0.1 halved
    expect(o.fill(900n * NS, 300)).toBeCloseTo(0.05 + 0.15, 15);
    expect(o.valueAt(900n * NS)).toBeCloseTo(0.35, 15);
  });

  it("sqrt: a block of Q pays Q (I- + J(Q)/2) however it is split at one instant; J(q_ref) = linear", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 2000 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 5000 }),
        (parts, first) => {
          const p = { lambdaUsd: 0.002, beta: Math.LN2 / 600, qRefShares: 250 };
          const o = sqrtImpact(p);
          o.fill(0n, first);
          const t = 120n * NS;
          const iMinus = o.valueAt(t);
          let cost = 0;
          for (const q of parts) cost += q * o.fill(t, q);
          const total = parts.reduce((a, b) => a + b, 0);
          const jump = p.lambdaUsd * Math.sqrt(total * p.qRefShares);
          expect(cost).toBeCloseTo(total * (iMinus + jump / 2), 9);
          expect(o.valueAt(t)).toBeCloseTo(iMinus + jump, 12);
        },
      ),
    );
    const p = { lambdaUsd: 0.002, beta: 0.001, qRefShares: 250 };
    expect(sqrtImpact(p).fill(0n, 250)).toBeCloseTo(linearImpact(p).fill(0n, 250), 15);
    // concave: a block 4x q_ref jumps 2x, not 4x
    const s = sqrtImpact(p);
    s.fill(0n, 1000);
    expect(s.valueAt(0n)).toBeCloseTo(0.002 * 500, 12);
  });

  it("a child filled in fragments moves a concave impact by J(child size): jumps are increments of J over the child", () => {
    const p = { lambdaUsd: 0.002, beta: Math.LN2 / 600, qRefShares: 400 };
    const J = (q: number) => p.lambdaUsd * Math.sqrt(q * p.qRefShares);
    const o = sqrtImpact(p);
    expect(o.fill(0n, 100, 0)).toBeCloseTo(J(100) / 2, 15);
    const d = Math.exp(-p.beta * 30);
    // 30 s later the same child fills 300 more: jump J(400) - J(100), paid at its midpoint
    expect(o.fill(30n * NS, 300, 0)).toBeCloseTo(J(100) * d + (J(400) - J(100)) / 2, 15);
    expect(o.valueAt(30n * NS)).toBeCloseTo(J(100) * d + J(400) - J(100), 15);
    // another child starts its own concave curve
    const before = o.valueAt(40n * NS);
    expect(o.fill(40n * NS, 400, 1)).toBeCloseTo(before + J(400) / 2, 15);
    // without decay a child's fragments add up to one fill of its size: J(X)
    const f = sqrtImpact({ ...p, beta: 1e-12 });
    for (let i = 0; i < 10; i++) f.fill(BigInt(i) * NS, 40, 7);
    expect(f.valueAt(10n * NS)).toBeCloseTo(J(400), 9);
  });

  it("linear: grouping by child changes nothing", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 1, max: 900 }),
            fc.integer({ min: 0, max: 60 }),
            fc.integer({ min: 0, max: 3 }),
          ),
          {
            minLength: 1,
            maxLength: 25,
          },
        ),
        (steps) => {
          const p = { lambdaUsd: 0.001, beta: Math.LN2 / 900, qRefShares: 100 };
          const a = linearImpact(p);
          const b = linearImpact(p);
          let now = 0;
          for (const [q, gap, g] of steps) {
            now += gap;
            const t = BigInt(now) * NS;
            expect(b.fill(t, q, g)).toBeCloseTo(a.fill(t, q), 12);
          }
          expect(b.valueAt(BigInt(now + 1) * NS)).toBeCloseTo(a.valueAt(BigInt(now + 1) * NS), 12);
        },
      ),
    );
  });

  it("none charges nothing; bad parameters are refused", () => {
    const o = noImpact();
    expect(o.fill(5n, 1000)).toBe(0);
    expect(o.valueAt(10n)).toBe(0);
    expect(() => linearImpact({ lambdaUsd: -1, beta: 1, qRefShares: 1 })).toThrow(/lambda_usd/);
    expect(() => sqrtImpact({ lambdaUsd: 1, beta: 0, qRefShares: 1 })).toThrow(/beta/);
    expect(() => sqrtImpact({ lambdaUsd: 1, beta: 1, qRefShares: 0 })).toThrow(/reference child size/);
    expect(() => linearImpact({ lambdaUsd: 1, beta: 1, qRefShares: 1 }).fill(0n, 0)).toThrow(/qty > 0/);
  });
});
