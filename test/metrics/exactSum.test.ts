import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addExact,
  addExactSquare,
  exactSquaredDeviations,
  exactValue,
  mergeExact,
  twoProduct,
} from "../../lib/metrics/exactSum.ts";
import {
  emptySketch,
  SKETCH_ALPHA,
  SKETCH_MIN_ABS,
  sketchAdd,
  sketchMedian,
  sketchMerge,
  sketchQuantile,
  sketchValueAtRank,
} from "../../lib/metrics/quantileSketch.ts";
import { median } from "../../lib/metrics/strategyStats.ts";

/** The exact sum of doubles as a rational p / 2^1074 (BigInt), rounded to a double by BigInt -> string. */
function exactOracle(xs: readonly number[]): number {
  const SCALE = 1074n;
  let acc = 0n;
  for (const x of xs) {
    // x = m * 2^e exactly, with integer m
    if (x === 0) continue;
    let m = x;
    let e = 0;
    while (!Number.isInteger(m)) {
      m *= 2;
      e--;
    }
    acc += BigInt(m) << (SCALE + BigInt(e));
  }
  // round acc / 2^1074 to the nearest double (half even) by shifting to 53 significant bits
  const neg = acc < 0n;
  let a = neg ? -acc : acc;
  if (a === 0n) return 0;
  const bits = a.toString(2).length;
  let shift = BigInt(bits - 53);
  if (shift < 0n) shift = 0n;
  if (shift > 0n) {
    const rem = a & ((1n << shift) - 1n);
    const half = 1n << (shift - 1n);
    a >>= shift;
    if (rem > half || (rem === half && (a & 1n) === 1n)) a += 1n;
  }
  const v = Number(a) * 2 ** (Number(shift) - 1074);
  return neg ? -v : v;
}

const sumOf = (xs: readonly number[]) => exactValue(xs.reduce((p, x) => addExact(p, x), [] as number[]));

describe("exact sums (lib/metrics/exactSum.ts)", () => {
  it("sums exactly where the naive loop does not", () => {
    expect(sumOf(Array(10).fill(0.1))).toBe(1);
    expect(
      Array(10)
        .fill(0.1)
        .reduce((a, b) => a + b, 0),
    ).not.toBe(1);
    expect(sumOf([1e16, 1, -1e16])).toBe(1);
    expect(sumOf([1e100, 1, -1e100, 1e-100])).toBe(1);
    expect(sumOf([])).toBe(0);
  });

  it("is the correctly rounded exact sum, whatever the order and the grouping of the merges", () => {
    const value = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
    fc.assert(
      fc.property(fc.array(value, { maxLength: 60 }), fc.nat(), (xs, cut) => {
        const whole = sumOf(xs);
        expect(whole).toBe(exactOracle(xs));
        const k = xs.length > 0 ? cut % xs.length : 0;
        const a = xs.slice(0, k).reduce((p, x) => addExact(p, x), [] as number[]);
        const b = xs.slice(k).reduce((p, x) => addExact(p, x), [] as number[]);
        expect(exactValue(mergeExact([...b], a))).toBe(whole);
        expect(exactValue(mergeExact([...a], b))).toBe(whole);
        expect(sumOf([...xs].reverse())).toBe(whole);
      }),
      { numRuns: 300 },
    );
  });

  it("products and squared deviations are exact", () => {
    const [p, e] = twoProduct(0.1, 0.1);
    expect(p + e).toBe(p); // e below p's last bit
    expect(exactOracle([p, e, -exactOracle([p])])).toBe(e);
    // squared deviations of 1e8 + {1, 2, 3}: 2; the naive sum of squares minus n m^2 loses it entirely
    const xs = [1e8 + 1, 1e8 + 2, 1e8 + 3];
    const s = xs.reduce((q, x) => addExact(q, x), [] as number[]);
    const q = xs.reduce((a, x) => addExactSquare(a, x), [] as number[]);
    expect(exactSquaredDeviations(3, s, q)).toBe(2);
  });
});

describe("quantile sketch (lib/metrics/quantileSketch.ts)", () => {
  const sketchOf = (xs: readonly number[]) => xs.reduce((s, x) => sketchAdd(s, x), emptySketch());

  it("every rank's value is within SKETCH_ALPHA of the exact one (SKETCH_MIN_ABS near zero)", () => {
    const value = fc.oneof(
      fc.double({ min: -500, max: 500, noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom(0, -0, 1e-9, -3, 3),
    );
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 80 }), (xs) => {
        const s = sketchOf(xs);
        const sorted = [...xs].sort((a, b) => a - b);
        for (let r = 0; r < xs.length; r++) {
          const x = sorted[r]!;
          const err = Math.abs(sketchValueAtRank(s, r) - x);
          expect(err).toBeLessThanOrEqual(SKETCH_ALPHA * Math.abs(x) * (1 + 1e-12) + SKETCH_MIN_ABS);
        }
        const h = xs.length >> 1;
        const bound =
          SKETCH_ALPHA * Math.max(Math.abs(sorted[h]!), Math.abs(sorted[Math.max(0, h - 1)]!)) * (1 + 1e-12) +
          SKETCH_MIN_ABS;
        expect(Math.abs(sketchMedian(s) - median(xs))).toBeLessThanOrEqual(bound);
        // (=== : the extremes are exact, and -0 is 0)
        expect(sketchQuantile(s, 0) === sorted[0]).toBe(true);
        expect(sketchQuantile(s, 1) === sorted[xs.length - 1]).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("merging is order independent: the merged sketch is the sketch of all values, bit for bit", () => {
    const value = fc.double({ min: -1e4, max: 1e4, noNaN: true, noDefaultInfinity: true });
    fc.assert(
      fc.property(fc.array(fc.array(value, { maxLength: 20 }), { maxLength: 8 }), (parts) => {
        const all = sketchOf(parts.flat());
        const forward = parts.map(sketchOf).reduce((a, b) => sketchMerge(a, b), emptySketch());
        const backward = [...parts]
          .reverse()
          .map(sketchOf)
          .reduce((a, b) => sketchMerge(a, b), emptySketch());
        expect(JSON.stringify(forward)).toBe(JSON.stringify(all));
        expect(JSON.stringify(backward)).toBe(JSON.stringify(all));
      }),
      { numRuns: 200 },
    );
  });

  it("the exact extremes make one and two values exact; an empty sketch has no median", () => {
    expect(sketchMedian(sketchOf([3.1234]))).toBe(3.1234);
    expect(sketchMedian(sketchOf([3.1234, -7.77]))).toBe((3.1234 - 7.77) / 2);
    expect(Number.isNaN(sketchMedian(emptySketch()))).toBe(true);
    // 1,000 values: the median is within 0.5% of the exact one
    const xs = Array.from({ length: 1000 }, (_, i) => 2 + Math.sin(i) * 7);
    expect(Math.abs(sketchMedian(sketchOf(xs)) - median(xs))).toBeLessThanOrEqual(
      SKETCH_ALPHA * Math.abs(median(xs)) * 1.01 + SKETCH_MIN_ABS,
    );
  });
});
