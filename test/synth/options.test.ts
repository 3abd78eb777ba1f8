/** Option validation (one-line InputErrors) and per-symbol defaults. */
import { describe, expect, it } from "vitest";
import { InputError } from "../../lib/core/errors.ts";
import { generateDay } from "../../lib/synth/generate.ts";
import { CANDIDATE_HALF_LIVES_S, resolveOptions } from "../../lib/synth/options.ts";

const ok = { symbol: "OPT", date: "2024-03-15" };

describe("synth options", () => {
  it.each([
    [{ ...ok, date: "2024-03-16" }, /Saturday/],
    [{ ...ok, date: "2024-03-17" }, /Sunday/],
    [{ ...ok, date: "2024-02-30" }, /invalid date/],
    [{ ...ok, symbol: "../x" }, /invalid symbol/],
    [{ ...ok, venues: 0 }, /venues must be an integer in 1..4/],
    [{ ...ok, venues: 5 }, /venues must be an integer in 1..4/],
    [{ ...ok, eventsPerVenue: 0 }, /eventsPerVenue/],
    [{ ...ok, eventsPerVenue: 1.5 }, /eventsPerVenue/],
    [{ ...ok, seed: -1 }, /seed/],
    [{ ...ok, tick: 0.03 }, /tick/],
    [{ ...ok, plantedLambda: 0 }, /plantedLambda/],
    [{ ...ok, plantedHalfLifeS: -5 }, /plantedHalfLifeS/],
  ])("rejects %o", (o, msg) => {
    expect(() => resolveOptions(o)).toThrow(InputError);
    expect(() => resolveOptions(o)).toThrow(msg);
  });

  it("rejects a lambda that would explain more than the whole return variance, saying what to use", () => {
    expect(() => generateDay({ ...ok, eventsPerVenue: 5_000, plantedLambda: 1e6 })).toThrow(
      /too large.*use at most/,
    );
  });

  it("derives stable per-symbol defaults", () => {
    const a = resolveOptions(ok);
    const b = resolveOptions({ ...ok, date: "2024-03-14", seed: 5 });
    expect(a.plantedHalfLifeS).toBe(b.plantedHalfLifeS);
    expect(CANDIDATE_HALF_LIVES_S).toContain(a.plantedHalfLifeS);
    expect(a.startPrice).toBe(b.startPrice);
    expect(a.startPrice).toBeGreaterThan(30);
    expect(a.startPrice).toBeLessThan(310);
    expect(a.dailyVol).toBeGreaterThanOrEqual(0.015);
    expect(a.dailyVol).toBeLessThanOrEqual(0.02);
    expect(a.venues.map((v) => v.publisherId)).toEqual([2, 9]);
    expect(a.eventsPerVenue).toBe(1_000_000);
    // different symbols get different half-lives / prices somewhere among a handful of names
    const names = ["AAPL", "MSFT", "AMZN", "NVDA", "META", "TSLA", "JPM", "XOM"];
    expect(
      new Set(names.map((s) => resolveOptions({ ...ok, symbol: s }).plantedHalfLifeS)).size,
    ).toBeGreaterThan(2);
  });
});
