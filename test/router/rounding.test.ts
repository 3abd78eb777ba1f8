import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { largestRemainder, roundAllocation } from "../../lib/router/rounding.ts";

describe("largest-remainder rounding", () => {
  it("known cases", () => {
    expect(largestRemainder([91.8, 908.2], 1000)).toEqual([92, 908]);
    expect(largestRemainder([1, 1, 1], 1000)).toEqual([334, 333, 333]); // ties: lower index first
    expect(largestRemainder([300, 400, 500], 1000)).toEqual([250, 333, 417]); // oversubscribed: scaled to X
    expect(largestRemainder([0, 0], 7)).toEqual([7, 0]);
    expect(largestRemainder([], 0)).toEqual([]);
  });

  it("gives non-negative integers summing to the total, each within 1 of its proportional share", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (values, total) => {
          const out = largestRemainder(values, total);
          expect(out.reduce((a, b) => a + b, 0)).toBe(total);
          const s = values.reduce((a, b) => a + b, 0);
          out.forEach((n, i) => {
            expect(Number.isInteger(n) && n >= 0).toBe(true);
            if (s > 0) expect(Math.abs(n - (values[i]! * total) / s)).toBeLessThan(1 + 1e-9);
          });
        },
      ),
    );
  });
});

describe("roundAllocation keeps the optimizer's total (MODELS.md 5)", () => {
  it("known cases", () => {
    // the two-venue oversubscription oracle: (1.13, 998.0, 998.1) -> total round(1997.2) = 1997
    expect(roundAllocation(1.13, [998.0, 998.1], 1000)).toEqual({
      market: 1,
      limits: [998, 998],
      total: 1997,
    });
    expect(roundAllocation(91.8, [908.2], 1000)).toEqual({ market: 92, limits: [908], total: 1000 });
    expect(roundAllocation(0, [600.5, 600.5], 1000)).toEqual({ market: 0, limits: [601, 600], total: 1201 });
    expect(roundAllocation(1000, [0, 0], 1000)).toEqual({ market: 1000, limits: [0, 0], total: 1000 });
    expect(roundAllocation(0, [], 0)).toEqual({ market: 0, limits: [], total: 0 });
    expect(() => roundAllocation(1001, [0], 1000)).toThrow(/exceeds the child order size/);
    expect(() => roundAllocation(1, [Number.NaN], 10)).toThrow(/finite/);
  });

  it("total = max(X, round(sum)), each integer within 1 share of its value, 0 <= M <= X", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(fc.double({ min: 0, max: 2, noNaN: true }), { maxLength: 6 }),
        (x, mFrac, lFracs) => {
          const m = mFrac * x;
          // feasible input: scale the limits so that M + sum L >= X (as the projection guarantees)
          const raw = lFracs.map((f) => f * x);
          const rawSum = raw.reduce((a, b) => a + b, 0);
          const need = x - m;
          const limits =
            rawSum >= need ? raw : rawSum > 0 ? raw.map((v) => (v * need) / rawSum) : raw.map(() => 0);
          const market = limits.length === 0 || rawSum === 0 ? x : m;
          const r = roundAllocation(market, limits, x);
          const sum = market + limits.reduce((a, b) => a + b, 0);
          expect(r.total).toBe(Math.max(x, Math.round(sum)));
          expect(r.market + r.limits.reduce((a, b) => a + b, 0)).toBe(r.total);
          expect(r.market).toBeLessThanOrEqual(x);
          expect(Math.abs(r.market - market)).toBeLessThan(1 + 1e-9);
          r.limits.forEach((n, i) => {
            expect(Number.isInteger(n) && n >= 0).toBe(true);
            expect(Math.abs(n - limits[i]!)).toBeLessThan(1 + 1e-9);
          });
        },
      ),
    );
  });
});
