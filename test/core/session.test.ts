import { describe, expect, it } from "vitest";
import {
  newYorkClockToUtcNs,
  newYorkDate,
  nextTradingDays,
  parseClock,
  regularSession,
} from "../../lib/core/session.ts";
import { decimalSecondsToNs } from "../../lib/core/units.ts";

const iso = (ns: bigint) => new Date(Number(ns / 1_000_000n)).toISOString();

describe("New York session calendar (tz database, DST-aware)", () => {
  it("09:30 New York is 13:30 UTC in summer and 14:30 UTC in winter", () => {
    expect(iso(regularSession("2012-06-21").openNs)).toBe("2012-06-21T13:30:00.000Z");
    expect(iso(regularSession("2012-06-21").closeNs)).toBe("2012-06-21T20:00:00.000Z");
    expect(iso(regularSession("2024-01-10").openNs)).toBe("2024-01-10T14:30:00.000Z");
  });

  it("handles the DST switch days", () => {
    // 2024-03-10: clocks spring forward at 02:00; 2024-11-03: fall back at 02:00
    expect(iso(newYorkClockToUtcNs("2024-03-10", "09:30"))).toBe("2024-03-10T13:30:00.000Z");
    expect(iso(newYorkClockToUtcNs("2024-03-08", "09:30"))).toBe("2024-03-08T14:30:00.000Z");
    expect(iso(newYorkClockToUtcNs("2024-11-04", "09:30"))).toBe("2024-11-04T14:30:00.000Z");
    expect(iso(newYorkClockToUtcNs("2024-11-01", "09:30"))).toBe("2024-11-01T13:30:00.000Z");
  });

  it("keeps nanoseconds exact", () => {
    const t = regularSession("2012-06-21").openNs + decimalSecondsToNs("0.004241176");
    expect(t % 1_000_000_000n).toBe(4_241_176n);
    expect(newYorkDate(t)).toBe("2012-06-21");
  });

  it("parses clocks and rejects bad ones with a reason", () => {
    expect(parseClock("10:00")).toBe(36_000_000_000_000n);
    expect(() => parseClock("25:00")).toThrow(/invalid time of day "25:00"/);
    expect(() => regularSession("2024-02-30")).toThrow(/invalid date "2024-02-30"/);
  });

  it("lists the next NYSE trading days: weekends and holidays skipped", () => {
    expect(nextTradingDays("2024-01-05", 3)).toEqual(["2024-01-08", "2024-01-09", "2024-01-10"]);
    // Juneteenth (Wed 2024-06-19) and Independence Day (Thu 2024-07-04) are not trading days
    expect(nextTradingDays("2024-06-18", 3)).toEqual(["2024-06-20", "2024-06-21", "2024-06-24"]);
    expect(nextTradingDays("2024-07-03", 2)).toEqual(["2024-07-05", "2024-07-08"]);
  });
});
