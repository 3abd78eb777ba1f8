/** Instruments in the backtest and sweep specs (docs/models.md 1b, issue 25): presets, patterns, calendars. */
import { describe, expect, it } from "vitest";
import { resolveInstrument } from "../../lib/core/instrument.ts";
import { resolveSweepSpec } from "../../lib/specs/sweepSpec.ts";
import { DEFAULT_SPEC, parseTaskSpec } from "../../lib/specs/taskSpec.ts";
import { resolveParentOrders } from "../../lib/task/parameterSet.ts";

const iso = (ns: bigint) => new Date(Number(ns / 1_000_000n)).toISOString();

describe("backtest spec instruments", () => {
  it("the default spec names no instrument: every symbol is the US equity of today", () => {
    expect("instruments" in DEFAULT_SPEC).toBe(false);
    expect("instrument" in DEFAULT_SPEC).toBe(false);
    const i = resolveInstrument(DEFAULT_SPEC.instruments, "AAPL", DEFAULT_SPEC.fees);
    expect([i.id, i.tickSize, i.multiplier, i.unit, i.calendar.name]).toEqual([
      "equity-us",
      0.01,
      1,
      "shares",
      "nyse",
    ]);
    expect(i.fees.default).toEqual({
      taker: { amount: 0.003, per: "unit" },
      maker: { amount: 0.002, per: "unit" },
    });
  });

  it("instrument: ES is the catch-all entry; instruments match by symbol or pattern, first match wins", () => {
    const s = parseTaskSpec({ instrument: "ES" });
    expect(s.instruments).toEqual([{ match: "*", preset: "ES" }]);
    expect(resolveInstrument(s.instruments, "ESH4", s.fees).multiplier).toBe(50);
    const t = parseTaskSpec({
      fees: { taker_fee_usd: 0.001, venues: { XNAS: { maker_rebate_bps: 0.2 } } },
      instruments: [
        { match: "ESH4", preset: "ES", tick_size: 0.5, fees: { taker_fee_usd: 2 } },
        { match: "ES*", preset: "ES", fees: { taker_fee_bps: 0.1 } },
      ],
    });
    const h4 = resolveInstrument(t.instruments, "ESH4", t.fees);
    expect([h4.id, h4.tickSize, h4.fees.default.taker]).toEqual(["ES", 0.5, { amount: 2, per: "unit" }]);
    // ES's own default maker: none (no fees are assumed for a futures preset)
    expect(h4.fees.default.maker).toEqual({ amount: 0, per: "unit" });
    expect(resolveInstrument(t.instruments, "ESM4", t.fees).fees.default.taker).toEqual({
      amount: 0.1,
      per: "bps",
    });
    // a symbol matching no entry is the equity default with the top-level fees
    const aapl = resolveInstrument(t.instruments, "AAPL", t.fees);
    expect(aapl.id).toBe("equity-us");
    expect(aapl.fees.default.taker).toEqual({ amount: 0.001, per: "unit" });
    expect(aapl.fees.venues.XNAS).toEqual({
      taker: { amount: 0.001, per: "unit" },
      maker: { amount: 0.2, per: "bps" },
    });
    // re-parsing the parsed spec gives the same spec (the sweep manifest round trip)
    expect(parseTaskSpec(JSON.parse(JSON.stringify(t)))).toEqual(t);
  });

  it("refuses what cannot be an instrument, naming the field", () => {
    expect(() => parseTaskSpec({ instrument: "NQ" })).toThrow(/instrument/);
    expect(() => parseTaskSpec({ instrument: "ES", instruments: [{ match: "X", preset: "ES" }] })).toThrow(
      /give instrument .* or instruments .*, not both/,
    );
    expect(() =>
      parseTaskSpec({ instrument: { preset: "ES", fees: { taker_fee_usd: 1, taker_fee_bps: 1 } } }),
    ).toThrow(/taker_fee_usd or taker_fee_bps, not both/);
    expect(() =>
      parseTaskSpec({ instrument: { preset: "ES", holidays: ["2024-01-15"], open_days: ["2024-01-15"] } }),
    ).toThrow(/instruments\[0\] \(\*\): calendar date 2024-01-15 is in both holidays and open_days/);
    expect(() => parseTaskSpec({ instrument: { preset: "ES", holidays: ["2024-02-30"] } })).toThrow(
      /invalid date "2024-02-30"/,
    );
    expect(() => parseTaskSpec({ instruments: [{ match: "ES/x", preset: "ES" }] })).toThrow(
      /pattern such as ES\*/,
    );
  });

  it("parent windows on the Globex clock: 18:30 is the evening before, the halt and a window past 17:00 are refused", () => {
    const spec = parseTaskSpec({
      instrument: "ES",
      orders: [{ shares: 10, start_times: ["18:30", "10:00", "16:30"], horizon_min: 30 }],
    });
    const es = resolveInstrument(spec.instruments, "ESH4", spec.fees);
    const orders = resolveParentOrders(spec, "2024-01-09", 1000, es);
    expect(orders.map((o) => iso(o.startNs))).toEqual([
      "2024-01-08T23:30:00.000Z",
      "2024-01-09T15:00:00.000Z",
      "2024-01-09T21:30:00.000Z",
    ]);
    const late = parseTaskSpec({
      instrument: "ES",
      orders: [{ shares: 10, start_times: ["16:45"], horizon_min: 30 }],
    });
    expect(() => resolveParentOrders(late, "2024-01-09", 1000, es)).toThrow(
      /outside the ES session 18:00 New York on D-1/,
    );
    const halt = parseTaskSpec({ instrument: "ES", orders: [{ shares: 10, start_times: ["17:30"] }] });
    expect(() => resolveParentOrders(halt, "2024-01-09", 1000, es)).toThrow(/17:00-18:00 halt/);
    // the equity default keeps its message
    expect(() =>
      resolveParentOrders(
        parseTaskSpec({ orders: [{ shares: 10, start_times: ["18:30"] }] }),
        "2024-01-09",
        1000,
      ),
    ).toThrow(/outside the regular session 09:30-16:00/);
  });
});

describe("sweep spec instruments", () => {
  const base = {
    input: { root: "in", key_template: "mbp10/SYNTH/{symbol}/{date}.parquet" },
    calibration: { lookback_days: 2 },
    backtest: { orders: [{ shares: 10, start_times: ["18:30", "10:00"] }] },
  };

  it("{symbol, instrument} on a symbol: the run's days, lookbacks and backtest spec follow its calendar", () => {
    const s = resolveSweepSpec({
      ...base,
      symbols: [{ symbol: "ESH4", instrument: { preset: "ES", open_days: ["2024-01-15"] } }, "ESM4"],
      instruments: [{ match: "ES*", preset: "ES", open_days: ["2024-01-15"], fees: { taker_fee_usd: 1.1 } }],
      dates: { from: "2024-01-12", to: "2024-01-16" },
    });
    // MLK day 2024-01-15 is opened by the user's calendar; the weekend is left out and listed
    expect(s.dates).toEqual(["2024-01-12", "2024-01-15", "2024-01-16"]);
    expect(s.skipped_dates?.map((d) => d.date)).toEqual(["2024-01-13", "2024-01-14"]);
    expect(s.lookback["2024-01-12"]).toEqual(["2024-01-10", "2024-01-11"]);
    expect(s.backtest.instruments?.map((e) => e.match)).toEqual(["ESH4", "ES*"]);
    // the manifest round trip keeps the instruments
    expect(parseTaskSpec(JSON.parse(JSON.stringify(s.backtest))).instruments).toEqual(s.backtest.instruments);
  });

  it("a date that is no trading day of the instrument's calendar is refused with the reason; calendars do not mix", () => {
    expect(() =>
      resolveSweepSpec({
        ...base,
        symbols: [{ symbol: "ESH4", instrument: "ES" }],
        dates: ["2023-12-25", "2023-12-26"],
      }),
    ).toThrow(
      /dates\[0\] 2023-12-25 is not a trading day of the cme-globex-equity calendar \(NYSE holiday Christmas Day/,
    );
    expect(() =>
      resolveSweepSpec({
        ...base,
        symbols: [{ symbol: "ESH4", instrument: "ES" }, "AAPL"],
        dates: ["2023-12-26"],
      }),
    ).toThrow(/the run mixes calendars \(cme-globex-equity: ESH4; nyse: AAPL\)/);
    expect(() =>
      resolveSweepSpec({ ...base, symbols: [{ symbol: "ESH4", instrument: "NQ" }], dates: ["2023-12-26"] }),
    ).toThrow(/symbols\[0\]\.instrument/);
    // an equity sweep is planned as before (a range lists its weekend as skipped)
    const eq = resolveSweepSpec({
      ...base,
      symbols: ["AAPL"],
      dates: { from: "2024-03-01", to: "2024-03-04" },
    });
    expect(eq.dates).toEqual(["2024-03-01", "2024-03-04"]);
    expect("instruments" in eq.backtest).toBe(false);
    expect(eq.skipped_dates).toEqual([
      { date: "2024-03-02", reason: "Saturday" },
      { date: "2024-03-03", reason: "Sunday" },
    ]);
  });
});
