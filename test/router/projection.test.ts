/** Exact projection onto {0 <= M <= X, L_k >= 0, M + sum L_k >= X}: feasibility and optimality properties. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { projectInPlace, projectionScratch } from "../../lib/router/projection.ts";

function project(m: number, l: number[], x: number): number[] {
  const buf = Float64Array.from(l);
  const pm = projectInPlace(m, buf, l.length, x, projectionScratch(l.length));
  return [pm, ...buf];
}

function feasible(p: number[], x: number, tol: number): boolean {
  const [m, ...l] = p;
  return (
    m! >= -tol && m! <= x + tol && l.every((v) => v >= -tol) && m! + l.reduce((a, b) => a + b, 0) >= x - tol
  );
}

const dist2 = (a: number[], b: number[]) => a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0);

describe("projection onto the router's feasible set", () => {
  it("known cases", () => {
    expect(project(0, [0], 1000)).toEqual([500, 500]); // equal split of the shortfall
    // mu solves (mu - 100) + (mu - 50) + (mu + 300) = 1000: mu = 850/3
    const q = project(-100, [-50, 300], 1000);
    for (const [i, v] of [550 / 3, 700 / 3, 1750 / 3].entries()) expect(q[i]).toBeCloseTo(v, 9);
    expect(project(1500, [-10, 20], 1000)).toEqual([1000, 0, 20]); // already feasible after clipping
    expect(project(200, [], 1000)).toEqual([1000]); // no venue: market order takes all
    const p = project(100, [100, 100], 1000); // mu = 700/3 each
    for (const v of p) expect(v).toBeCloseTo(1000 / 3, 9);
  });

  const point = fc.tuple(
    fc.double({ min: -3000, max: 3000, noNaN: true }),
    fc.array(fc.double({ min: -3000, max: 3000, noNaN: true }), { minLength: 0, maxLength: 6 }),
    fc.integer({ min: 1, max: 5000 }),
  );

  it("output is feasible and satisfies the variational inequality (y - p).(z - p) <= 0 for feasible z", () => {
    fc.assert(
      fc.property(
        point,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 7, maxLength: 7 }),
        ([m, l, x], w) => {
          const y = [m, ...l];
          const p = project(m, l, x);
          expect(feasible(p, x, 1e-9 * x)).toBe(true);
          // A random feasible z: M in [0, X], limits scaled so that the sum reaches X.
          const z = [w[0]! * x, ...l.map((_v, i) => w[i + 1]! * x)];
          const s = z.reduce((a, b) => a + b, 0);
          if (s < x) {
            if (l.length === 0) z[0] = x;
            else z[1] = z[1]! + (x - s);
          }
          expect(feasible(z, x, 1e-9)).toBe(true);
          const inner = y.reduce((acc, yi, i) => acc + (yi - p[i]!) * (z[i]! - p[i]!), 0);
          expect(inner).toBeLessThanOrEqual(1e-6 * x * x);
          expect(dist2(y, p)).toBeLessThanOrEqual(dist2(y, z) + 1e-6 * x);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("is the identity on feasible points and idempotent", () => {
    fc.assert(
      fc.property(point, ([m, l, x]) => {
        const p = project(m, l, x);
        const pp = project(p[0]!, p.slice(1), x);
        for (const [i, v] of pp.entries()) expect(v).toBeCloseTo(p[i]!, 6);
      }),
      { numRuns: 1000 },
    );
  });
});
