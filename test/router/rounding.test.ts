import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { largestRemainder } from "../../lib/router/rounding.ts";

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
