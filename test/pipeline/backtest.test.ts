import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runLocalBacktest } from "../../lib/pipeline/localBacktest.ts";
import { runStoredTask } from "../../lib/pipeline/storedTask.ts";
import { fileSource } from "../../lib/ports/fileSource.ts";
import { LocalObjectStore } from "../../lib/ports/localObjectStore.ts";
import { athenaType } from "../../lib/results/schema.ts";
import { EXECUTIONS, FILLS, RESULT_TABLES } from "../../lib/results/tables.ts";
import { parseTaskSpec } from "../../lib/specs/taskSpec.ts";
import { resultKey } from "../../lib/store/keys.ts";
import { writeSyntheticDay } from "../../lib/synth/index.ts";
import { duckQuery } from "../helpers/duckdb.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
const DAYS = ["2024-03-04", "2024-03-05"];
const spec = parseTaskSpec({
  orders: [
    { side: "buy", shares: 2000, start_times: ["10:00", "13:00"], horizon_min: 20 },
    { side: "sell", shares: 1500, start_times: ["11:00"], horizon_min: 20 },
  ],
  router: { samples: 200 },
});

async function synthDays(): Promise<string[]> {
  const files: string[] = [];
  for (const date of DAYS) {
    const p = join(dir, "in", `${date}.parquet`);
    await writeSyntheticDay(p, { symbol: "SYNT", date, venues: 2, eventsPerVenue: 60_000, seed: 3 });
    files.push(p);
  }
  return files;
}

describe("backtest of synthetic days", () => {
  it("runs every default strategy, day 2 calibrated on day 1 only, results readable by DuckDB with the intended types, deterministic", async () => {
    const files = await synthDays();
    const a = await runLocalBacktest({
      paths: files,
      spec,
      outDir: join(dir, "a"),
      runId: "t1",
      includeUncalibrated: true,
    });
    await runLocalBacktest({
      paths: [...files].reverse(),
      spec,
      outDir: join(dir, "b"),
      runId: "t1",
      includeUncalibrated: true,
    });
    expect(a.days.map((d) => [d.date, d.calibration_source, d.calibration_dates])).toEqual([
      ["2024-03-04", "default", []],
      ["2024-03-05", "prior_days", ["2024-03-04"]],
    ]);
    // determinism: byte-identical result files whatever the input order
    for (const t of RESULT_TABLES) {
      for (const date of DAYS) {
        const k = resultKey(t, "t1", date, "SYNT");
        expect(readFileSync(join(dir, "a", k)).equals(readFileSync(join(dir, "b", k))), k).toBe(true);
      }
    }
    // every strategy x order, all filled
    const n = spec.strategies.length * 3;
    expect(a.executions).toHaveLength(n * DAYS.length);
    for (const e of a.executions) {
      expect(e.fill_rate, String(e.strategy)).toBe(1);
      expect(e.executed_qty).toBe(e.parent_qty);
      expect(Number.isFinite(e.total_cost_bps)).toBe(true);
    }
    // DuckDB over the Hive-partitioned result files, column types as the schema says
    const glob = join(dir, "a", "results", "executions", "**", "*.parquet");
    const desc = await duckQuery(`describe select * from read_parquet('${glob}', hive_partitioning = true)`);
    const types = Object.fromEntries(desc.map((r) => [r.column_name, r.column_type]));
    const duckType = {
      string: "VARCHAR",
      int32: "INTEGER",
      int64: "BIGINT",
      float64: "DOUBLE",
      bool: "BOOLEAN",
      timestamp_us: "TIMESTAMP WITH TIME ZONE",
    };
    for (const c of EXECUTIONS.columns) expect([c.name, types[c.name]]).toEqual([c.name, duckType[c.type]]);
    expect(types.run_id).toBe("VARCHAR");
    expect(athenaType("int64")).toBe("bigint");
    const agg = await duckQuery(
      `select strategy, count(*)::int as n, avg(fill_rate) as fr from read_parquet('${glob}', hive_partitioning = true) where run_id = 't1' group by 1 order by 1`,
    );
    expect(agg).toHaveLength(spec.strategies.length);
    for (const r of agg) expect(r).toMatchObject({ n: 6, fr: 1 });
    // fills add up to the executed quantity per execution
    const fillGlob = join(dir, "a", "results", FILLS.name, "**", "*.parquet");
    const sums = await duckQuery(
      `select f.strategy, f.order_id, f.date, sum(f.qty)::bigint as q from read_parquet('${fillGlob}', hive_partitioning = true) f group by all`,
    );
    expect(sums).toHaveLength(n * DAYS.length);
    for (const s of sums) expect(Number(s.q)).toBe(String(s.order_id).startsWith("buy") ? 2000 : 1500);
    // MODELS.md 9 conservation: the child orders of each parent sum to the parent less the shares earlier
    // children overfilled; a child sends at least its quantity (a router child may oversubscribe) and its
    // fills are at most what it sent
    const childGlob = join(dir, "a", "results", "child_orders", "**", "*.parquet");
    const kids = await duckQuery(
      `select strategy, order_id, date, sum(qty)::bigint as q, sum(overfill_shares)::bigint as over,
         bool_and(market_qty + limit_qty >= qty and filled_qty <= greatest(qty, market_qty + limit_qty)) as split_ok,
         min(qty)::bigint as min_q
       from read_parquet('${childGlob}', hive_partitioning = true) group by all`,
    );
    expect(kids).toHaveLength(n * DAYS.length);
    for (const k of kids) {
      expect(Number(k.q) + Number(k.over), `${k.strategy} ${k.order_id}`).toBe(
        String(k.order_id).startsWith("buy") ? 2000 : 1500,
      );
      expect(k.split_ok, `${k.strategy} ${k.order_id}`).toBe(true);
      expect(Number(k.min_q)).toBeGreaterThan(0);
    }
  });

  it("the parameters used for a day do not depend on that day's data (no look-ahead)", async () => {
    const files = await synthDays();
    const store = new LocalObjectStore(join(dir, "nolook"));
    const day2 = async (path: string) =>
      runStoredTask(store, {
        symbol: "SYNT",
        date: DAYS[1]!,
        sources: [await fileSource(path)],
        spec,
      });
    await runStoredTask(store, {
      symbol: "SYNT",
      date: DAYS[0]!,
      sources: [await fileSource(files[0]!)],
      spec,
    });
    const r1 = await day2(files[1]!);
    // replace day 2's data with a different day (other seed): the parameters used must not change
    const other = join(dir, "in", "other.parquet");
    await writeSyntheticDay(other, {
      symbol: "SYNT",
      date: DAYS[1]!,
      venues: 2,
      eventsPerVenue: 60_000,
      seed: 99,
    });
    const r2 = await day2(other);
    expect(r2.params).toEqual(r1.params);
    expect(r2.calibration!.dailyVolume).not.toBe(r1.calibration!.dailyVolume);
  });
});

describe("warm-up days and the summary (MODELS.md 8)", () => {
  it("a day with no earlier calibrated day is calibrated but not backtested; later days are", async () => {
    const files = await synthDays();
    const s = parseTaskSpec({
      orders: [{ side: "buy", shares: 2000, start_times: ["10:00", "13:00"], horizon_min: 20 }],
      strategies: [
        { strategy: "ow", exec: "market" },
        { strategy: "ow", exec: "sor" },
        { strategy: "myopic", exec: "sor", alpha: "none" },
        { strategy: "myopic", exec: "sor", alpha: "imbalance" },
      ],
      router: { samples: 200 },
    });
    const r = await runLocalBacktest({ paths: files, spec: s, outDir: join(dir, "warm"), runId: "w" });
    expect(r.days.map((d) => [d.date, d.warm_up, d.calibration_source, d.calibration_dates])).toEqual([
      ["2024-03-04", true, "default", []],
      ["2024-03-05", false, "prior_days", ["2024-03-04"]],
    ]);
    expect(new Set(r.executions.map((e) => e.date))).toEqual(new Set(["2024-03-05"]));
    expect(r.days[1]!.max_gap_s).toBeGreaterThan(0);
    expect(r.days[1]!.book_levels).toBe(10);
    // every strategy summarised on calibrated days only; the two gains are paired over the same 2 orders
    expect(r.strategies.map((x) => [x.strategy, x.calibration_source, x.orders, x.no_data])).toEqual([
      ["myopic/sor/alpha=imbalance", "prior_days", 2, 0],
      ["myopic/sor/alpha=none", "prior_days", 2, 0],
      ["ow/market", "prior_days", 2, 0],
      ["ow/sor", "prior_days", 2, 0],
    ]);
    expect(r.gains.map((g) => [g.kind, g.strategy, g.baseline, g.n])).toEqual([
      ["alpha", "myopic/sor/alpha=imbalance", "myopic/sor/alpha=none", 2],
      ["routing", "ow/sor", "ow/market", 2],
    ]);
    const cost = (strategy: string) =>
      r.executions.filter((e) => e.strategy === strategy).map((e) => Number(e.total_cost_bps));
    const [sor, market] = [cost("ow/sor"), cost("ow/market")];
    expect(r.gains[1]!.diff_bps).toBeCloseTo((sor[0]! - market[0]! + sor[1]! - market[1]!) / 2, 9);
  });

  it("default-parameter days are never pooled with calibrated days; no_data rows are left out", async () => {
    const { summarizeStrategies } = await import("../../lib/report/strategySummary.ts");
    const row = (date: string, source: string, strategy: string, cost: number, status = "ok") => ({
      symbol: "S",
      date,
      order_id: "o",
      strategy,
      calibration_source: source,
      total_cost_bps: status === "ok" ? cost : Number.NaN,
      status,
    });
    const out = summarizeStrategies([
      row("d1", "default", "twap/market", 100),
      row("d2", "prior_days", "twap/market", 2),
      row("d3", "prior_days", "twap/market", 4),
      row("d4", "prior_days", "twap/market", 0, "no_data"),
    ]);
    expect(out.map((x) => [x.calibration_source, x.orders, x.no_data, x.total_cost_bps])).toEqual([
      ["prior_days", 2, 1, 3],
      ["default", 1, 0, 100],
    ]);
  });

  it("an impact grid pairs each model's strategies with that model's twap/market", async () => {
    const { summarizeStrategies } = await import("../../lib/report/strategySummary.ts");
    const row = (order: string, strategy: string, cost: number) => ({
      symbol: "S",
      date: "d",
      order_id: order,
      strategy,
      calibration_source: "prior_days",
      total_cost_bps: cost,
      status: "ok",
    });
    const rows = ["none", "sqrt"].flatMap((m, i) => [
      row("a", `twap/market/impact=${m}`, 10 + i),
      row("b", `twap/market/impact=${m}`, 20 + i),
      row("a", `ow/market/impact=${m}`, 9 + 5 * i),
      row("b", `ow/market/impact=${m}`, 23 + 5 * i),
    ]);
    const out = summarizeStrategies(rows);
    const vs = Object.fromEntries(out.map((x) => [x.strategy, x.vs_twap_bps]));
    expect(vs["ow/market/impact=none"]).toBeCloseTo((9 - 10 + 23 - 20) / 2, 12);
    expect(vs["ow/market/impact=sqrt"]).toBeCloseTo((14 - 11 + 28 - 21) / 2, 12);
    expect(Number.isNaN(vs["twap/market/impact=sqrt"])).toBe(true);
  });

  it("an override-set grid pairs each set's strategies with that set's twap/market (labels, not parameters)", async () => {
    const { summarizeStrategies, parameterSetTag } = await import("../../lib/report/strategySummary.ts");
    expect(parameterSetTag("pov/market/rho=0.1")).toBe("");
    expect(parameterSetTag("myopic/sor/alpha=ofi/lambda_scale=2")).toBe("lambda_scale=2");
    expect(parameterSetTag("ow/market/lambda=3,half_life_s=600/impact=sqrt")).toBe(
      "lambda=3,half_life_s=600/impact=sqrt",
    );
    const row = (order: string, strategy: string, cost: number) => ({
      symbol: "S",
      date: "d",
      order_id: order,
      strategy,
      calibration_source: "override",
      total_cost_bps: cost,
      status: "ok",
    });
    const rows = ["1", "2"].flatMap((k, i) => [
      row("a", `twap/market/lambda_scale=${k}`, 10 + i),
      row("b", `twap/market/lambda_scale=${k}`, 20 + i),
      row("a", `pov/market/rho=0.1/lambda_scale=${k}`, 12 + 3 * i),
      row("b", `pov/market/rho=0.1/lambda_scale=${k}`, 26 + 3 * i),
    ]);
    const vs = Object.fromEntries(summarizeStrategies(rows).map((x) => [x.strategy, x.vs_twap_bps]));
    expect(vs["pov/market/rho=0.1/lambda_scale=1"]).toBeCloseTo((2 + 6) / 2, 12);
    expect(vs["pov/market/rho=0.1/lambda_scale=2"]).toBeCloseTo((15 - 11 + 29 - 21) / 2, 12);
  });
});

describe("parent orders", () => {
  it("sizes from % of ADV, New York start times, and rejects windows outside the session", async () => {
    const { resolveParentOrders } = await import("../../lib/task/runTask.ts");
    const s = parseTaskSpec({
      orders: [{ side: "sell", pct_adv: 0.5, start_times: ["09:30", "15:30"], horizon_min: 30 }],
    });
    const orders = resolveParentOrders(s, "2024-03-04", 2_000_000);
    expect(
      orders.map((o) => [
        o.id,
        o.side,
        o.qty,
        new Date(Number(o.startNs / 1_000_000n)).toISOString(),
        o.horizonS,
      ]),
    ).toEqual([
      ["sell-10000-09:30", -1, 10_000, "2024-03-04T14:30:00.000Z", 1800],
      ["sell-10000-15:30", -1, 10_000, "2024-03-04T20:30:00.000Z", 1800],
    ]);
    const late = parseTaskSpec({ orders: [{ shares: 100, start_times: ["15:45"], horizon_min: 30 }] });
    expect(() => resolveParentOrders(late, "2024-03-04", 1)).toThrow(
      /15:45 New York with a 30-minute horizon is outside the regular session/,
    );
    const early = parseTaskSpec({ orders: [{ shares: 100, start_times: ["09:00"] }] });
    expect(() => resolveParentOrders(early, "2024-03-04", 1)).toThrow(/outside the regular session/);
  });

  it("rejects a bad spec with the field and what is expected", () => {
    expect(() => parseTaskSpec({ orders: [{ side: "hold", shares: 1 }] })).toThrow(
      /invalid spec: orders\.0\.side: Invalid option: expected one of "buy"\|"sell"/,
    );
    expect(() => parseTaskSpec({ orders: [{ shares: 1, pct_adv: 1 }] })).toThrow(
      /give exactly one of shares or pct_adv/,
    );
    expect(() => parseTaskSpec({ strategies: [{ strategy: "twap", foo: 1 }] })).toThrow(
      /invalid spec: strategies\.0/,
    );
    expect(() => parseTaskSpec({ orders: [{ shares: 1, start_times: ["25:00"] }] })).toThrow(
      /expected HH:MM/,
    );
  });
});

describe("spec parameters", () => {
  it("a strategy parameter that does not apply is refused", () => {
    expect(() => parseTaskSpec({ strategies: [{ strategy: "twap", alpha: "ofi" }] })).toThrow(
      /alpha applies to the myopic strategy only/,
    );
    expect(() => parseTaskSpec({ strategies: [{ strategy: "ow", rho: 0.1 }] })).toThrow(
      /rho applies to the pov strategy only/,
    );
  });
});
