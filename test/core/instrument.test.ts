import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CALENDARS,
  checkTradingDayOn,
  sessionClockToUtcNs,
  sessionOf,
  splitDays,
  tradingDayOf,
  tradingDaysBeforeOn,
  userCalendar,
} from "../../lib/core/calendars.ts";
import {
  EQUITY_US,
  ES,
  feePerUnit,
  instrumentFor,
  onTickGrid,
  roundToTick,
  symbolMatches,
} from "../../lib/core/instrument.ts";
import { regularSession } from "../../lib/core/session.ts";

const iso = (ns: bigint) => new Date(Number(ns / 1_000_000n)).toISOString();
const globex = CALENDARS["cme-globex-equity"]!;
const nyse = CALENDARS.nyse!;

describe("calendars (docs/models.md 1b)", () => {
  it("NYSE sessions are today's regular session", () => {
    for (const d of ["2024-03-08", "2024-03-11", "2024-07-03", "2024-11-04"]) {
      const s = sessionOf(nyse, d);
      const r = regularSession(d);
      expect([s.openNs, s.closeNs]).toEqual([r.openNs, r.closeNs]);
    }
  });

  it("a Globex day runs from 18:00 New York the evening before to 17:00, across DST", () => {
    // Tuesday after Christmas 2023 (EST): opens Monday 25th 18:00 EST = 23:00 UTC
    const s = sessionOf(globex, "2023-12-26");
    expect(iso(s.openNs)).toBe("2023-12-25T23:00:00.000Z");
    expect(iso(s.closeNs)).toBe("2023-12-26T22:00:00.000Z");
    expect(iso(s.regular.openNs)).toBe("2023-12-26T14:30:00.000Z");
    // Monday 2024-03-11: opens Sunday 10th 18:00 EDT (DST began 02:00 that day) = 22:00 UTC, closes 21:00 UTC
    const m = sessionOf(globex, "2024-03-11");
    expect(iso(m.openNs)).toBe("2024-03-10T22:00:00.000Z");
    expect(iso(m.closeNs)).toBe("2024-03-11T21:00:00.000Z");
  });

  it("start times: evening clocks are on the day before, the halt is refused", () => {
    expect(iso(sessionClockToUtcNs(globex, "2024-01-08", "18:30"))).toBe("2024-01-07T23:30:00.000Z");
    expect(iso(sessionClockToUtcNs(globex, "2024-01-08", "10:00"))).toBe("2024-01-08T15:00:00.000Z");
    expect(iso(sessionClockToUtcNs(globex, "2024-01-08", "00:15"))).toBe("2024-01-08T05:15:00.000Z");
    expect(() => sessionClockToUtcNs(globex, "2024-01-08", "17:30")).toThrow(/17:00-18:00 halt/);
    expect(iso(sessionClockToUtcNs(nyse, "2024-01-08", "10:00"))).toBe("2024-01-08T15:00:00.000Z");
  });

  it("Globex trading days: weekdays without NYSE full-day holidays; a user calendar opens or closes days", () => {
    expect(globex.nonTradingReason("2023-12-25")).toMatch(/NYSE holiday Christmas Day/);
    expect(globex.nonTradingReason("2024-01-06")).toBe("Saturday");
    expect(globex.nonTradingReason("2024-01-15")).toMatch(/Martin Luther King/);
    expect(() => checkTradingDayOn(globex, "2023-12-25")).toThrow(/not a trading day.*e\.g\. 2023-12-26/);
    const user = userCalendar(globex, ["2024-01-10"], ["2024-01-15"]);
    expect(user.nonTradingReason("2024-01-15")).toBeUndefined();
    expect(user.nonTradingReason("2024-01-10")).toBe("holiday of the user's calendar");
    expect(tradingDaysBeforeOn(user, "2024-01-17", 3)).toEqual(["2024-01-12", "2024-01-15", "2024-01-16"]);
    expect(() => userCalendar(globex, ["2024-01-10"], ["2024-01-10"])).toThrow(/both/);
  });

  it("splitDays lists what a sweep leaves out, with reasons", () => {
    const { days, skipped } = splitDays(globex, "2023-12-22", "2023-12-27");
    expect(days).toEqual(["2023-12-22", "2023-12-26", "2023-12-27"]);
    expect(skipped.map((s) => s.date)).toEqual(["2023-12-23", "2023-12-24", "2023-12-25"]);
    expect(skipped[2]!.reason).toMatch(/Christmas/);
  });

  it("tradingDayOf maps an evening timestamp to the next day's session and the halt to none", () => {
    const evening = sessionClockToUtcNs(globex, "2024-01-09", "19:00"); // Monday 8th 19:00
    expect(tradingDayOf(globex, evening)).toBe("2024-01-09");
    const halt = sessionOf(globex, "2024-01-09").closeNs + 1_800_000_000_000n;
    expect(tradingDayOf(globex, halt)).toBeUndefined();
    expect(tradingDayOf(nyse, sessionClockToUtcNs(nyse, "2024-01-09", "12:00"))).toBe("2024-01-09");
  });
});

describe("instruments", () => {
  it("limit prices on the tick grid on the safe side", () => {
    expect(roundToTick(4500.37, 0.25, 1)).toBe(4500.25);
    expect(roundToTick(4500.37, 0.25, -1)).toBe(4500.5);
    expect(roundToTick(4500.5, 0.25, 1)).toBe(4500.5);
    expect(roundToTick(100.129, 0.01, 1)).toBe(100.12);
    expect(roundToTick(100.121, 0.01, -1)).toBe(100.13);
  });

  it("the 0.01 tick rounds exactly as the cent rounding of the equity default (byte-identical limits)", () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 5000, noNaN: true }), fc.constantFrom(1, -1), (p, side) => {
        const old = side === 1 ? Math.floor(p * 100 + 1e-6) / 100 : Math.ceil(p * 100 - 1e-6) / 100;
        expect(roundToTick(p, 0.01, side as 1 | -1)).toBe(old);
      }),
    );
  });

  it("rounded prices are on the grid and never on the wrong side", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 100, max: 10000, noNaN: true }),
        fc.constantFrom(0.25, 0.01, 0.05, 0.1),
        (p, tick) => {
          const buy = roundToTick(p, tick, 1);
          const sell = roundToTick(p, tick, -1);
          expect(onTickGrid(buy, tick) && onTickGrid(sell, tick)).toBe(true);
          expect(buy).toBeLessThanOrEqual(p + 1e-6 * tick);
          expect(sell).toBeGreaterThanOrEqual(p - 1e-6 * tick);
        },
      ),
    );
  });

  it("fees: currency per unit over the multiplier, bps of notional at the price", () => {
    expect(feePerUnit({ amount: 1.1, per: "unit" }, 4500, 50)).toBeCloseTo(0.022, 15);
    expect(feePerUnit({ amount: 0.5, per: "bps" }, 4500, 50)).toBeCloseTo(0.225, 12);
    expect(feePerUnit({ amount: 0.003, per: "unit" }, 100, 1)).toBe(0.003);
  });

  it("symbols and patterns", () => {
    expect(symbolMatches("ES*", "ESH4")).toBe(true);
    expect(symbolMatches("ES*", "AES")).toBe(false);
    expect(symbolMatches("ES.c.0", "ES.c.0")).toBe(true);
    expect(symbolMatches("ES.c.0", "ESxcx0")).toBe(false);
    const entries = [{ match: "ES*", instrument: ES }];
    expect(instrumentFor("ESZ3", entries)).toBe(ES);
    expect(instrumentFor("AAPL", entries)).toBe(EQUITY_US);
    expect([ES.tickSize, ES.multiplier, ES.unit]).toEqual([0.25, 50, "contracts"]);
  });
});
