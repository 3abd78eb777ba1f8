/**
 * Issue 25 "done when": a futures sweep of synthetic ES days (evening and day-session orders) runs end to end
 * locally: parents fill, every limit price is on the 0.25 grid, dollar figures use x50, fees come from the
 * spec's per-venue schedule, and the range's non-trading days are left out and listed.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ES } from "../../lib/core/instrument.ts";
import { runLocalSweep } from "../../lib/pipeline/local/localSweep.ts";
import { inlineExecutor } from "../../lib/pipeline/local/pool.ts";
import { resolveSweepSpec } from "../../lib/specs/sweepSpec.ts";
import { inputKey, SYNTH_VENUE_FOLDER } from "../../lib/store/keys.ts";
import { writeSyntheticFuturesDay } from "../../lib/synth/futures.ts";
import { duckQuery } from "../helpers/duckdb.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
const input = join(dir, "in");
const DAYS = ["2024-03-04", "2024-03-05", "2024-03-06"];

beforeAll(async () => {
  for (const date of DAYS) {
    const path = join(input, ...inputKey(SYNTH_VENUE_FOLDER, "ESH4", date).split("/"));
    if (!existsSync(path))
      // two venues: GLBX.MDP3 and a second (synthetic) one, so that each venue's fee schedule is seen
      await writeSyntheticFuturesDay(
        path,
        { symbol: "ESH4", date, venues: 2, eventsPerVenue: 30_000, seed: 7 },
        ES,
      );
  }
}, 120_000);

/** Taker fee and maker rebate per contract, $, by venue (the spec's schedule). */
const FEES = {
  "GLBX.MDP3": { taker: 1.1, maker: -0.2 }, // the default: a maker FEE of $0.20
  "XNAS.ITCH": { taker: 0.5, maker: 0.3 },
};

function spec() {
  return resolveSweepSpec({
    run_id: "t-es",
    symbols: [
      {
        symbol: "ESH4",
        instrument: {
          preset: "ES",
          fees: {
            taker_fee_usd: 1.1,
            maker_rebate_usd: -0.2,
            venues: { "XNAS.ITCH": { taker_fee_usd: 0.5, maker_rebate_usd: 0.3 } },
          },
        },
      },
    ],
    dates: { from: "2024-03-02", to: "2024-03-06" },
    input: { root: input, key_template: "mbp10/SYNTH/{symbol}/{date}.parquet" },
    calibration: { lookback_days: 1 },
    backtest: {
      seed: 5,
      orders: [
        { side: "buy", shares: 120, start_times: ["18:30", "10:30"], horizon_min: 15, limit_bps: 40 },
        { side: "sell", shares: 120, start_times: ["19:00", "13:00"], horizon_min: 15, limit_bps: 40 },
      ],
      strategies: [
        { strategy: "twap", exec: "market" },
        { strategy: "twap", exec: "sor" },
      ],
      // penalties in index points per contract: large enough against the 0.125-point half-spread for limits
      router: { samples: 100, lambda_u_usd: 0.5, lambda_o_usd: 0.5 },
    },
  });
}

const q = (sql: string) =>
  duckQuery(
    sql.replaceAll(
      /\b(executions|fills|venue_stats)\b(?!_)/g,
      (t) => `read_parquet('${join(dir, "root", "results", t)}/**/*.parquet', hive_partitioning = true)`,
    ),
  );

describe("futures sweep (issue 25)", () => {
  it("plans on the Globex calendar: the weekend of the range is left out and listed", () => {
    const s = spec();
    expect(s.dates).toEqual(["2024-03-04", "2024-03-05", "2024-03-06"]);
    expect(s.skipped_dates).toEqual([
      { date: "2024-03-02", reason: "Saturday" },
      { date: "2024-03-03", reason: "Sunday" },
    ]);
    expect(s.backtest.instruments?.[0]).toMatchObject({ match: "ESH4", preset: "ES" });
  });

  it("runs end to end: parents fill, limits on the 0.25 grid, x50 dollars, fees from the spec per venue", async () => {
    const root = join(dir, "root");
    const r = await runLocalSweep({
      sweep: spec(),
      root,
      executor: (completions) => inlineExecutor({ root, completions, slots: 2 }),
    });
    // 3 calibrations and 3 backtests (the lookback day 2024-03-01 has no input: the first day runs on defaults)
    expect(r.status.counts).toMatchObject({ ok: 6, failed: 0, dead_lettered: 0 });
    const ex = await q(
      "SELECT date::VARCHAR AS date, strategy, side, start_ns, parent_qty, executed_qty, status, arrival_mid, limit_price, instrument, tick_size, multiplier, notional_usd FROM executions ORDER BY ALL",
    );
    // 3 days x 4 parents x 2 strategies
    expect(ex).toHaveLength(24);
    for (const e of ex) {
      expect(e).toMatchObject({ instrument: "ES", tick_size: 0.25, multiplier: 50, status: "ok" });
      expect(Number(e.executed_qty)).toBeGreaterThan(0);
      const lp = e.limit_price as number;
      expect(Math.abs(lp * 4 - Math.round(lp * 4))).toBeLessThan(1e-9);
      expect(e.notional_usd as number).toBeCloseTo(Number(e.parent_qty) * (e.arrival_mid as number) * 50, 6);
    }
    // the evening orders start on the calendar day before the trading day (18:30 EST = 23:30 UTC)
    const starts = new Set(
      ex.map((e) => new Date(Number(BigInt(e.start_ns as bigint) / 1_000_000n)).toISOString()),
    );
    expect(starts.has("2024-03-04T23:30:00.000Z")).toBe(true); // 18:30 of trading day 03-05
    expect(starts.has("2024-03-05T15:30:00.000Z")).toBe(true); // 10:30 of 03-05
    // every fill's fee from its venue's schedule, in $ (contracts x $/contract)
    const fills = await q("SELECT venue, maker, qty, fee_usd, price FROM fills");
    expect(fills.length).toBeGreaterThan(0);
    const seen = new Set<string>();
    for (const f of fills) {
      const s = FEES[f.venue as keyof typeof FEES];
      expect(s, `venue ${f.venue}`).toBeDefined();
      const want = (f.maker ? -s.maker : s.taker) * Number(f.qty);
      expect(f.fee_usd as number).toBeCloseTo(want, 9);
      const px = f.price as number;
      expect(Math.abs(px * 4 - Math.round(px * 4))).toBeLessThan(1e-9);
      seen.add(`${f.venue}/${f.maker ? "maker" : "taker"}`);
    }
    expect(seen.has("GLBX.MDP3/taker")).toBe(true);
    expect([...seen].some((k) => k.endsWith("/maker"))).toBe(true);
    // the venue scorecard in $ agrees with the fills
    const vs = await q(
      "SELECT venue, sum(fees_usd) AS fees, sum(rebates_usd) AS rebates FROM venue_stats GROUP BY ALL",
    );
    const fq = await q(
      "SELECT venue, sum(CASE WHEN maker THEN 0 ELSE fee_usd END) AS fees, sum(CASE WHEN maker THEN -fee_usd ELSE 0 END) AS rebates FROM fills GROUP BY ALL",
    );
    for (const v of vs) {
      const f = fq.find((x) => x.venue === v.venue)!;
      expect(v.fees as number).toBeCloseTo(f.fees as number, 6);
      expect(v.rebates as number).toBeCloseTo(f.rebates as number, 6);
    }
    // the report's provenance names the instrument and each venue's fee schedule
    expect(r.status.outputs?.report).toBe("runs/t-es/report.html");
    const html = readFileSync(join(root, "runs", "t-es", "report.html"), "utf8");
    expect(html).toContain("ES (tick 0.25, multiplier 50)");
    expect(html).toContain("ES on GLBX.MDP3: taker $1.10 per contract, maker fee $0.20 per contract");
    expect(html).toContain("ES on XNAS.ITCH: taker $0.50 per contract, maker rebate $0.30 per contract");
  }, 300_000);
});
