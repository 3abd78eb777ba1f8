/**
 * Each saved Athena query (lib/results/queries.ts) runs UNCHANGED in DuckDB over real result files of a
 * small backtest (views named like the Glue tables over read_parquet(..., hive_partitioning = true)), and
 * its numbers equal the same statistics computed in TypeScript from the execution rows (the run summary's
 * strategyStats for the twap comparison; explicit pairing for the routing and alpha gains).
 */
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BacktestSummary, runLocalBacktest } from "../../lib/pipeline/localBacktest.ts";
import {
  ALPHA_GAIN,
  COST_BY_ORDER_SIZE,
  duckdbViewStatements,
  PER_SYMBOL,
  ROUTING_GAIN,
  SAVED_QUERIES,
  STRATEGY_COMPARISON,
} from "../../lib/results/queries.ts";
import type { CellValue } from "../../lib/results/schema.ts";
import {
  MARKOUT_CURVE,
  TCA_DECOMPOSITION,
  TCA_IDENTITY_CHECK,
  VENUE_SCORECARD,
} from "../../lib/results/tcaQueries.ts";
import { parseTaskSpec } from "../../lib/specs/taskSpec.ts";
import { writeSyntheticDay } from "../../lib/synth/index.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
const RUN = "q1";
const spec = parseTaskSpec({
  orders: [
    { side: "buy", shares: 2000, start_times: ["10:00", "13:00"], horizon_min: 20 },
    { side: "sell", shares: 20000, start_times: ["11:00"], horizon_min: 20 },
  ],
  strategies: [
    { strategy: "twap", exec: "market" },
    { strategy: "ow", exec: "market" },
    { strategy: "ow", exec: "sor" },
    { strategy: "myopic", exec: "market" },
    { strategy: "myopic", exec: "sor" },
    { strategy: "myopic", exec: "sor", alpha: "ofi" },
    { strategy: "myopic", exec: "market", alpha: "imbalance" },
  ],
  router: { samples: 200 },
});

type Row = Record<string, unknown>;
let result: BacktestSummary;
let inst: DuckDBInstance;
const out: Record<string, Row[]> = {};

async function query(sql: string, runId: string): Promise<Row[]> {
  const con = await inst.connect();
  try {
    return (await con.runAndReadAll(sql, [runId])).getRowObjectsJS() as Row[];
  } finally {
    con.closeSync();
  }
}

beforeAll(async () => {
  const files: string[] = [];
  for (const symbol of ["SYNA", "SYNB"]) {
    // the first day is a warm-up (calibrated, not backtested): two backtested days per symbol
    for (const date of ["2024-03-01", "2024-03-04", "2024-03-05"]) {
      const p = join(dir, "in", symbol, `${date}.parquet`);
      await writeSyntheticDay(p, { symbol, date, venues: 2, eventsPerVenue: 20_000, seed: 5 });
      files.push(p);
    }
  }
  result = await runLocalBacktest({ paths: files, spec, outDir: join(dir, "out"), runId: RUN });
  inst = await DuckDBInstance.create(":memory:");
  const con = await inst.connect();
  for (const s of duckdbViewStatements(join(dir, "out"))) await con.run(s);
  con.closeSync();
  for (const q of SAVED_QUERIES) out[q.name] = await query(q.sql, RUN);
});
afterAll(() => inst?.closeSync());

const num = (v: unknown) => Number(v);
const key = (r: Record<string, CellValue>) => `${r.symbol}|${r.date}|${r.order_id}`;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Mean of (candidate - baseline) over orders both strategies executed (negative = the candidate is cheaper,
 * the sign `msor backtest` prints gains with), and the share where the candidate is strictly cheaper.
 */
function paired(worse: string, better: string): { n: number; gain: number; win: number } {
  const rows = result.executions;
  const w = new Map(rows.filter((r) => r.strategy === worse).map((r) => [key(r), Number(r.total_cost_bps)]));
  const d: number[] = [];
  for (const r of rows.filter((x) => x.strategy === better)) {
    const wv = w.get(key(r));
    if (wv !== undefined) d.push(wv - Number(r.total_cost_bps));
  }
  return { n: d.length, gain: -mean(d), win: d.filter((x) => x > 0).length / d.length };
}

describe("saved queries in DuckDB over backtest results", () => {
  it("every query runs, returns rows, and pins the run: another run_id returns none", async () => {
    for (const q of SAVED_QUERIES) {
      // the identity check returns a row only for a parent whose decomposition does not add up
      if (q.name === TCA_IDENTITY_CHECK.name) expect(out[q.name]).toEqual([]);
      else expect(out[q.name]!.length, q.name).toBeGreaterThan(0);
      expect(q.sql.split("?").length - 1, q.name).toBe(1);
      expect(await query(q.sql, "no-such-run"), q.name).toEqual([]);
    }
  });

  it("strategy comparison equals the run summary (strategyStats): means, paired difference to twap, win rate", () => {
    const rows = out[STRATEGY_COMPARISON.name]!;
    expect(rows.map((r) => r.strategy)).toEqual(result.strategies.map((s) => s.strategy).sort());
    for (const s of result.strategies) {
      const r = rows.find((x) => x.strategy === s.strategy)!;
      expect(num(r.orders)).toBe(s.orders);
      expect(num(r.total_cost_bps)).toBeCloseTo(s.total_cost_bps, 9);
      expect(num(r.stdev_bps)).toBeCloseTo(s.stdev_bps, 9);
      if (s.strategy === "twap/market") {
        expect(num(r.vs_twap_bps)).toBe(0);
        continue;
      }
      expect(num(r.vs_twap_bps)).toBeCloseTo(s.vs_twap_bps, 9);
      expect(num(r.win_rate)).toBeCloseTo(s.win_rate, 12);
      expect(num(r.vs_twap_ci_low)).toBeLessThanOrEqual(num(r.vs_twap_bps));
      expect(num(r.vs_twap_ci_high)).toBeGreaterThanOrEqual(num(r.vs_twap_bps));
    }
  });

  it("routing gain pairs ow/sor with ow/market and myopic/sor with myopic/market on the same orders", () => {
    const rows = out[ROUTING_GAIN.name]!;
    expect(rows.map((r) => [r.sor_strategy, r.market_strategy])).toEqual([
      ["myopic/sor/alpha=none", "myopic/market/alpha=none"],
      ["ow/sor", "ow/market"],
    ]);
    for (const r of rows) {
      const p = paired(String(r.market_strategy), String(r.sor_strategy));
      expect(num(r.orders)).toBe(p.n);
      expect(p.n).toBe(12);
      expect(num(r.sor_minus_market_bps)).toBeCloseTo(p.gain, 9);
      expect(num(r.win_rate)).toBeCloseTo(p.win, 12);
      // the same number, with the same sign, as the gains msor backtest / msor sweep print
      const g = result.gains.find((x) => x.kind === "routing" && x.strategy === r.sor_strategy)!;
      expect(num(r.sor_minus_market_bps)).toBeCloseTo(g.diff_bps, 9);
    }
  });

  it("alpha gain pairs each myopic alpha with myopic without alpha, same execution", () => {
    const rows = out[ALPHA_GAIN.name]!;
    expect(rows.map((r) => [r.alpha_strategy, r.no_alpha_strategy, r.look_ahead])).toEqual([
      ["myopic/market/alpha=imbalance", "myopic/market/alpha=none", false],
      ["myopic/sor/alpha=ofi", "myopic/sor/alpha=none", false],
    ]);
    for (const r of rows) {
      const p = paired(String(r.no_alpha_strategy), String(r.alpha_strategy));
      expect(num(r.orders)).toBe(p.n);
      expect(num(r.alpha_minus_none_bps)).toBeCloseTo(p.gain, 9);
      const g = result.gains.find((x) => x.kind === "alpha" && x.strategy === r.alpha_strategy);
      if (g) expect(num(r.alpha_minus_none_bps)).toBeCloseTo(g.diff_bps, 9);
    }
  });

  it("cost by order size splits each strategy's orders by parent size", () => {
    const rows = out[COST_BY_ORDER_SIZE.name]!;
    for (const s of result.strategies) {
      const mine = result.executions.filter((e) => e.strategy === s.strategy);
      const got = rows.filter((r) => r.strategy === s.strategy);
      expect(got.reduce((a, r) => a + num(r.orders), 0)).toBe(mine.length);
      for (const r of got) {
        const inBucket = mine.filter((e) => {
          const q = Number(e.parent_qty);
          const b = q < 1000 ? 1 : q < 10_000 ? 2 : q < 100_000 ? 3 : 4;
          return b === num(r.size_bucket);
        });
        expect(num(r.orders)).toBe(inBucket.length);
        expect(num(r.total_cost_bps)).toBeCloseTo(mean(inBucket.map((e) => Number(e.total_cost_bps))), 9);
      }
    }
    expect(new Set(rows.map((r) => num(r.size_bucket))).size).toBeGreaterThan(1);
  });

  it("per-symbol table: both symbols, two days each, every strategy", () => {
    const rows = out[PER_SYMBOL.name]!;
    expect(rows).toHaveLength(2 * spec.strategies.length);
    for (const r of rows) {
      expect(num(r.days)).toBe(2);
      expect(num(r.orders)).toBe(6);
      const mine = result.executions.filter((e) => e.symbol === r.symbol && e.strategy === r.strategy);
      expect(num(r.total_cost_bps)).toBeCloseTo(mean(mine.map((e) => Number(e.total_cost_bps))), 9);
    }
  });

  it("the calibration view reads only calibration.parquet files, partitions as strings", async () => {
    const con = await inst.connect();
    const rows = (
      await con.runAndReadAll(
        'SELECT DISTINCT v, symbol, "date", typeof("date") AS t FROM calibration ORDER BY 2, 3',
      )
    ).getRowObjectsJS();
    con.closeSync();
    // v = CALIBRATION_VERSION (2 since the record keeps lambda_rel, SSR/SST per half-life and markouts per horizon)
    expect(rows).toEqual([
      { v: "2", symbol: "SYNA", date: "2024-03-01", t: "VARCHAR" },
      { v: "2", symbol: "SYNA", date: "2024-03-04", t: "VARCHAR" },
      { v: "2", symbol: "SYNA", date: "2024-03-05", t: "VARCHAR" },
      { v: "2", symbol: "SYNB", date: "2024-03-01", t: "VARCHAR" },
      { v: "2", symbol: "SYNB", date: "2024-03-04", t: "VARCHAR" },
      { v: "2", symbol: "SYNB", date: "2024-03-05", t: "VARCHAR" },
    ]);
  });
});

describe("TCA saved queries", () => {
  const TC = ["spread", "walk", "impact", "timing", "fees", "opportunity"];

  it("tca_decomposition: the components' means add up to the mean total; twap's differences to itself are 0", () => {
    const rows = out[TCA_DECOMPOSITION.name]!;
    expect(rows.length).toBe(result.strategies.length);
    for (const r of rows) {
      const sum = TC.reduce((a, c) => a + num(r[`${c}_bps`]), 0);
      expect(sum, String(r.strategy)).toBeCloseTo(num(r.total_cost_bps), 9);
      const mine = result.executions.filter((e) => e.strategy === r.strategy && e.status === "ok");
      expect(num(r.spread_bps)).toBeCloseTo(mean(mine.map((e) => Number(e.tc_spread_bps))), 9);
      if (r.strategy === "twap/market") for (const c of TC) expect(num(r[`${c}_vs_twap_bps`])).toBe(0);
    }
  });

  it("markout_curve: size-weighted means of the fills' markouts, passive and aggressive apart", async () => {
    const fills = await query(
      "SELECT strategy, maker, qty, markout_10s_bps FROM fills WHERE run_id = ?",
      RUN,
    );
    for (const r of out[MARKOUT_CURVE.name]!) {
      const mine = fills.filter(
        (f) =>
          f.strategy === r.strategy &&
          (f.maker === true) === (r.kind === "passive") &&
          f.markout_10s_bps !== null,
      );
      const w = mine.reduce((a, f) => a + num(f.qty), 0);
      const v = mine.reduce((a, f) => a + num(f.qty) * num(f.markout_10s_bps), 0) / w;
      expect(num(r.markout_10s_bps), `${r.strategy} ${r.kind}`).toBeCloseTo(v, 9);
    }
    // the market-order strategies have aggressive fills only
    expect(out[MARKOUT_CURVE.name]!.filter((r) => r.strategy === "twap/market").map((r) => r.kind)).toEqual([
      "aggressive",
    ]);
  });

  it("venue_scorecard: passive and taken shares per strategy and venue equal the fills'", async () => {
    const fills = await query("SELECT strategy, venue, maker, qty FROM fills WHERE run_id = ?", RUN);
    for (const r of out[VENUE_SCORECARD.name]!) {
      const mine = fills.filter((f) => f.strategy === r.strategy && f.venue === r.venue);
      const shares = (maker: boolean) =>
        mine.filter((f) => (f.maker === true) === maker).reduce((a, f) => a + num(f.qty), 0);
      expect(num(r.limit_filled_shares), `${r.strategy} ${r.venue}`).toBe(shares(true));
      expect(num(r.taker_shares)).toBe(shares(false));
    }
  });
});
