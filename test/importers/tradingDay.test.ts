/** The trading day of an imported file on its instrument's calendar, and the import's warnings (issue 25.3). */
import { describe, expect, it } from "vitest";
import { CALENDARS } from "../../lib/core/calendars.ts";
import { checkTradingDay, dateInName, isoToNs } from "../../lib/importers/tradingDay.ts";

const globex = CALENDARS["cme-globex-equity"]!;
const nyse = CALENDARS.nyse!;
// the span of the real CME fixture (ESH4, a 00:00 UTC snapshot, then the session opening 18:00 on 2023-12-25)
const FIXTURE = {
  firstNs: isoToNs("2023-12-25T00:00:00.000000000Z"),
  lastNs: isoToNs("2023-12-25T23:29:59.181939892Z"),
  inputPath: "/data/esh4-glbx-mdp3-20231225-to-2330utc.mbo.dbn.zst",
};

describe("import trading day checks", () => {
  it("ISO spans to ns and dates in file names", () => {
    expect(isoToNs("2023-12-25T23:29:59.181939892Z")).toBe(1703546999181939892n);
    expect(isoToNs("2023-12-25T00:00:00Z")).toBe(1703462400000000000n);
    expect(dateInName("esh4-glbx-mdp3-20231225-to-2330utc.mbo.dbn.zst")).toBe("2023-12-25");
    expect(dateInName("AAPL_2012-06-21_34200000_57600000_message_10.csv")).toBe("2012-06-21");
    expect(dateInName("test_data.mbp-10.dbn.zst")).toBeUndefined();
  });

  it("the CME fixture is trading day 2023-12-26 on the Globex calendar; --date 2023-12-25 warns twice", () => {
    const ok = checkTradingDay({ instrument: "ES", calendar: globex, ...FIXTURE });
    expect(ok).toEqual({ instrument: "ES", calendar: "cme-globex-equity", date: "2023-12-26", warnings: [] });
    const bad = checkTradingDay({ instrument: "ES", calendar: globex, ...FIXTURE, date: "2023-12-25" });
    expect(bad.warnings).toHaveLength(2);
    expect(bad.warnings[0]).toMatch(
      /--date 2023-12-25 disagrees with the data.*trading day 2023-12-26.*use --date 2023-12-26/,
    );
    expect(bad.warnings[1]).toMatch(/--date 2023-12-25 is not a trading day .*Christmas Day/);
    // the right --date still differs from the UTC date in the file's name: said, with why
    const named = checkTradingDay({ instrument: "ES", calendar: globex, ...FIXTURE, date: "2023-12-26" });
    expect(named.warnings).toEqual([
      expect.stringMatching(/file name's date 2023-12-25 .*starts the evening before/),
    ]);
  });

  it("read as an NYSE stock the same data is a Sunday; an equity day on a holiday says so", () => {
    const asStock = checkTradingDay({ instrument: "equity-us", calendar: nyse, ...FIXTURE });
    expect(asStock.date).toBe("2023-12-24");
    expect(asStock.not_trading_day).toBe("Sunday");
    const goodFriday = checkTradingDay({
      instrument: "equity-us",
      calendar: nyse,
      firstNs: isoToNs("2024-03-29T13:30:00Z"),
      lastNs: isoToNs("2024-03-29T20:00:00Z"),
      inputPath: "x.dbn",
    });
    expect(goodFriday.warnings).toEqual([
      expect.stringMatching(/2024-03-29 is not a trading day .*Good Friday/),
    ]);
  });

  it("a span over two Globex trading days asks for a split", () => {
    const two = checkTradingDay({
      instrument: "ES",
      calendar: globex,
      firstNs: isoToNs("2024-01-08T15:00:00Z"), // 10:00 of trading day 01-08
      lastNs: isoToNs("2024-01-09T15:00:00Z"), // 10:00 of trading day 01-09
      inputPath: "es.dbn",
    });
    expect(two.date).toBe("2024-01-09");
    expect(two.warnings[0]).toMatch(/span two trading days .*2024-01-08 and 2024-01-09.*split/);
  });
});
