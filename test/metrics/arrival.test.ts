/** Arrival mid rule (MODELS.md 8): last consistent book at or before t0, else first two-sided after, else no_data. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ArrivalMidTracker, arrivalMid } from "../../lib/metrics/arrival.ts";

const S = 1_000_000_000n;
const t0 = 36_000n * S; // 10:00 in seconds-of-day units, enough for the rule
const end = t0 + 1800n * S;

function track(books: [bigint, number][]) {
  const t = new ArrivalMidTracker(t0, end);
  for (const [ts, mid] of books) t.observe(ts, mid);
  return t.result();
}

describe("arrival mid", () => {
  it("uses the last consistent book at or before t0 (including one exactly at t0)", () => {
    expect(
      track([
        [t0 - 5n * S, 100],
        [t0 - S, 100.02],
        [t0 + S, 101],
      ]),
    ).toEqual({
      status: "ok",
      midUsd: 100.02,
      source: "at_or_before",
      tsNs: t0 - S,
    });
    expect(
      track([
        [t0 - S, 100],
        [t0, 100.5],
        [t0 + S, 101],
      ]),
    ).toMatchObject({ midUsd: 100.5, source: "at_or_before" });
  });

  it("t0 before the first record of the session: first two-sided book after t0, flagged first_after", () => {
    expect(
      track([
        [t0 + 2n * S, Number.NaN],
        [t0 + 3n * S, 99.9],
        [t0 + 4n * S, 99.8],
      ]),
    ).toEqual({
      status: "ok",
      midUsd: 99.9,
      source: "first_after",
      tsNs: t0 + 3n * S,
    });
  });

  it("a one-sided book standing at t0 falls back to the first two-sided book after t0", () => {
    expect(
      track([
        [t0 - S, Number.NaN],
        [t0 + S, 100.1],
      ]),
    ).toMatchObject({ midUsd: 100.1, source: "first_after" });
  });

  it("no two-sided book in the window (e.g. 10:00 on a file starting at 12:22): no_data", () => {
    const r = track([[end + S, 100]]);
    expect(r).toEqual({ status: "no_data", midUsd: Number.NaN, source: null, tsNs: null });
    expect(track([])).toMatchObject({ status: "no_data" });
    expect(
      track([
        [t0 - S, Number.NaN],
        [t0 + S, Number.NaN],
      ]),
    ).toMatchObject({ status: "no_data" });
  });

  it("the pure rule and the tracker agree on random series", () => {
    const obs = fc.array(
      fc.record({
        dt: fc.integer({ min: -3600, max: 3600 }),
        mid: fc.oneof(fc.constant(Number.NaN), fc.double({ min: 1, max: 200, noNaN: true })),
      }),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(obs, (xs) => {
        const books = xs
          .map((x) => [t0 + BigInt(x.dt) * S, x.mid] as [bigint, number])
          .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
        const before = books.filter(([ts]) => ts <= t0).at(-1);
        const after = books.find(([ts, m]) => ts > t0 && ts <= end && Number.isFinite(m));
        const pure = arrivalMid(
          t0,
          end,
          before && { tsNs: before[0], midUsd: before[1] },
          after && { tsNs: after[0], midUsd: after[1] },
        );
        expect(track(books)).toEqual(pure);
      }),
    );
  });

  it("rejects a window that ends before it starts and books out of time order", () => {
    expect(() => new ArrivalMidTracker(t0, t0 - 1n)).toThrow(/ends .* before it starts/);
    const t = new ArrivalMidTracker(t0, end);
    t.observe(t0, 100);
    expect(() => t.observe(t0 - 1n, 100)).toThrow(/before the previous one/);
    expect(() => arrivalMid(t0, end, { tsNs: t0 + 1n, midUsd: 100 }, undefined)).toThrow(/after t0/);
  });
});
