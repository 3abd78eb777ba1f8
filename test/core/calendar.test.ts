import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CALENDAR_FIRST_YEAR,
  CALENDAR_LAST_YEAR,
  easterSunday,
  isTradingDay,
  nextTradingDay,
  nonTradingReason,
  nyseHolidays,
  previousTradingDay,
  SPECIAL_CLOSURES,
  tradingDaysBefore,
  tradingDaysBetween,
} from "../../lib/core/calendar.ts";

const DAY_MS = 86_400_000;
const iso = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const dayOf = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
// two months into the first year: room for a 30-day lookback and the walk before the first date
const firstDay = dayOf(`${CALENDAR_FIRST_YEAR}-03-01`);
const lastDay = dayOf(`${CALENDAR_LAST_YEAR}-12-15`);
const anyDate = fc.integer({ min: firstDay, max: lastDay }).map(iso);

describe("NYSE calendar: published holiday schedules", () => {
  // NYSE "Holidays and Trading Hours" pages (nyse.com/markets/hours-calendars) for each year
  const published: Record<number, string[]> = {
    2021: [
      "2021-01-01",
      "2021-01-18",
      "2021-02-15",
      "2021-04-02",
      "2021-05-31",
      "2021-07-05",
      "2021-09-06",
      "2021-11-25",
      "2021-12-24",
    ],
    2022: [
      "2022-01-17",
      "2022-02-21",
      "2022-04-15",
      "2022-05-30",
      "2022-06-20",
      "2022-07-04",
      "2022-09-05",
      "2022-11-24",
      "2022-12-26",
    ],
    2023: [
      "2023-01-02",
      "2023-01-16",
      "2023-02-20",
      "2023-04-07",
      "2023-05-29",
      "2023-06-19",
      "2023-07-04",
      "2023-09-04",
      "2023-11-23",
      "2023-12-25",
    ],
    2024: [
      "2024-01-01",
      "2024-01-15",
      "2024-02-19",
      "2024-03-29",
      "2024-05-27",
      "2024-06-19",
      "2024-07-04",
      "2024-09-02",
      "2024-11-28",
      "2024-12-25",
    ],
    2026: [
      "2026-01-01",
      "2026-01-19",
      "2026-02-16",
      "2026-04-03",
      "2026-05-25",
      "2026-06-19",
      "2026-07-03",
      "2026-09-07",
      "2026-11-26",
      "2026-12-25",
    ],
    2027: [
      "2027-01-01",
      "2027-01-18",
      "2027-02-15",
      "2027-03-26",
      "2027-05-31",
      "2027-06-18",
      "2027-07-05",
      "2027-09-06",
      "2027-11-25",
      "2027-12-24",
    ],
  };
  for (const [year, dates] of Object.entries(published)) {
    it(`${year} holidays match the NYSE schedule`, () => {
      expect(nyseHolidays(Number(year)).map((h) => h.date)).toEqual(dates);
    });
  }

  it("counts trading days per year (2024: 252, 2023: 250, 2022: 251, ...)", () => {
    const expected: Record<number, number> = {
      2012: 250, // Hurricane Sandy closed Oct 29-30
      2018: 251, // day of mourning Dec 5
      2019: 252,
      2020: 253,
      2021: 252,
      2022: 251,
      2023: 250,
      2024: 252,
      2025: 250, // day of mourning Jan 9
    };
    for (const [year, n] of Object.entries(expected)) {
      expect(tradingDaysBetween(`${year}-01-01`, `${year}-12-31`), year).toHaveLength(n);
    }
  });

  it("names why a day is closed", () => {
    expect(nonTradingReason("2024-03-29")).toBe("Good Friday");
    expect(nonTradingReason("2022-06-20")).toBe("Juneteenth");
    expect(nonTradingReason("2021-06-18")).toBeUndefined(); // Juneteenth only from 2022
    expect(nonTradingReason("2027-06-18")).toBe("Juneteenth"); // Saturday June 19 -> Friday
    expect(nonTradingReason("2021-12-24")).toBe("Christmas Day"); // Saturday Dec 25 -> Friday
    expect(nonTradingReason("2020-07-03")).toBe("Independence Day"); // Saturday July 4 -> Friday
    expect(nonTradingReason("2017-01-02")).toBe("New Year's Day"); // Sunday Jan 1 -> Monday
    expect(nonTradingReason("2024-01-13")).toBe("Saturday");
    expect(nonTradingReason("2024-01-14")).toBe("Sunday");
    expect(nonTradingReason("2025-01-09")).toMatch(/Carter/);
    expect(nonTradingReason("2012-10-30")).toMatch(/Sandy/);
    expect(nonTradingReason("2018-12-05")).toMatch(/Bush/);
    expect(nonTradingReason("2024-03-28")).toBeUndefined();
  });

  it("does not observe a Saturday New Year's Day on the Friday before", () => {
    expect(isTradingDay("2021-12-31")).toBe(true);
    expect(isTradingDay("2010-12-31")).toBe(true);
    expect(isTradingDay("2022-01-03")).toBe(true);
    expect(nyseHolidays(2022).some((h) => h.name === "New Year's Day")).toBe(false);
  });

  it("computes Easter (computus) on known dates", () => {
    const known = {
      2008: "2008-03-23",
      2011: "2011-04-24",
      2019: "2019-04-21",
      2023: "2023-04-09",
      2024: "2024-03-31",
      2025: "2025-04-20",
      2038: "2038-04-25",
    };
    for (const [y, d] of Object.entries(known)) expect(easterSunday(Number(y))).toBe(d);
  });

  it("walks trading days around holidays", () => {
    expect(previousTradingDay("2024-04-01")).toBe("2024-03-28"); // over Good Friday + weekend
    expect(nextTradingDay("2024-03-28")).toBe("2024-04-01");
    expect(previousTradingDay("2025-01-10")).toBe("2025-01-08");
    expect(tradingDaysBefore("2024-01-02", 3)).toEqual(["2023-12-27", "2023-12-28", "2023-12-29"]);
    expect(tradingDaysBefore("2024-01-02", 0)).toEqual([]);
    expect(tradingDaysBetween("2024-03-28", "2024-04-02")).toEqual([
      "2024-03-28",
      "2024-04-01",
      "2024-04-02",
    ]);
    expect(tradingDaysBetween("2024-03-30", "2024-03-31")).toEqual([]);
  });

  it("rejects bad input with a reason", () => {
    expect(() => tradingDaysBetween("2024-02-01", "2024-01-01")).toThrow(/'from' is after 'to'/);
    expect(() => isTradingDay("2024-02-30")).toThrow(/invalid date "2024-02-30"/);
    expect(() => isTradingDay("1999-12-31")).toThrow(/outside the NYSE calendar's range 2000-2099/);
    expect(() => previousTradingDay("2000-01-03")).toThrow(/outside/);
    expect(() => tradingDaysBefore("2024-01-02", -1)).toThrow(/invalid lookback/);
  });
});

describe("NYSE calendar properties", () => {
  it("every scheduled holiday is a distinct weekday in its own year", () => {
    for (let y = CALENDAR_FIRST_YEAR; y <= CALENDAR_LAST_YEAR; y++) {
      const hs = nyseHolidays(y);
      expect(new Set(hs.map((h) => h.date)).size).toBe(hs.length);
      for (const h of hs) {
        expect(h.date.slice(0, 4)).toBe(String(y));
        const wd = new Date(`${h.date}T00:00:00Z`).getUTCDay();
        expect(wd >= 1 && wd <= 5, h.date).toBe(true);
        expect(isTradingDay(h.date)).toBe(false);
      }
      const gf = hs.find((h) => h.name === "Good Friday")!;
      expect(new Date(`${gf.date}T00:00:00Z`).getUTCDay()).toBe(5);
      expect(["03", "04"]).toContain(gf.date.slice(5, 7));
      // a year has between 8 and 10 weekday holidays, so 250..254 trading days minus special closures
      const specials = Object.keys(SPECIAL_CLOSURES).filter((d) => d.startsWith(`${y}-`)).length;
      const n = tradingDaysBetween(`${y}-01-01`, `${y}-12-31`).length + specials;
      expect(n >= 250 && n <= 254, `${y}: ${n}`).toBe(true);
    }
  });

  it("tradingDaysBetween = the weekdays of the range that are not closures, chained by nextTradingDay", () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 0, max: 40 }), (from, len) => {
        const to = iso(dayOf(from) + len);
        fc.pre(dayOf(to) <= lastDay);
        const days = tradingDaysBetween(from, to);
        let expected = 0;
        for (let d = dayOf(from); d <= dayOf(to); d++) if (isTradingDay(iso(d))) expected++;
        expect(days).toHaveLength(expected);
        for (let i = 1; i < days.length; i++) {
          expect(nextTradingDay(days[i - 1]!)).toBe(days[i]);
          expect(previousTradingDay(days[i]!)).toBe(days[i - 1]);
        }
      }),
    );
  });

  it("tradingDaysBefore(d, n): n ascending trading days ending at previousTradingDay(d)", () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 1, max: 30 }), (date, n) => {
        const days = tradingDaysBefore(date, n);
        expect(days).toHaveLength(n);
        expect(days[n - 1]).toBe(previousTradingDay(date));
        expect(tradingDaysBetween(days[0]!, days[n - 1]!)).toEqual(days);
        expect(days.every((d) => d < date && isTradingDay(d))).toBe(true);
      }),
    );
  });

  it("next and previous trading day invert each other on trading days", () => {
    fc.assert(
      fc.property(anyDate, (date) => {
        const t = nextTradingDay(date);
        expect(previousTradingDay(t) <= date || !isTradingDay(date)).toBe(true);
        if (isTradingDay(date)) expect(previousTradingDay(nextTradingDay(date))).toBe(date);
        expect(nextTradingDay(previousTradingDay(date)) >= date).toBe(true);
      }),
    );
  });
});
