import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { median } from "../../lib/metrics/index.ts";
import { SKETCH_ALPHA, SKETCH_MIN_ABS } from "../../lib/metrics/quantileSketch.ts";
import { parseCompletion } from "../../lib/pipeline/messages.ts";
import {
  type Aggregates,
  aggregateExecutions,
  gainsOfAggregates,
  mergeAggregates,
  mergeSample,
  type SampleEntry,
  sampleParents,
  samplePriority,
  summarizeAggregates,
} from "../../lib/report/strategyAggregates.ts";
import { summarizeGains, summarizeStrategies } from "../../lib/report/strategySummary.ts";
import type { CellValue } from "../../lib/results/schema.ts";

type Row = Record<string, CellValue>;

const STRATEGIES = [
  "twap/market",
  "ow/market",
  "ow/sor",
  "myopic/sor/alpha=none",
  "myopic/sor/alpha=ofi",
  "myopic/market/alpha=ofi",
  "twap/market/lambda_scale=2",
  "pov/market/rho=0.1/lambda_scale=2",
  "pov/sor/rho=0.1/lambda_scale=2",
];

/** Rows of whole symbol-days: every strategy executes the day's orders (some no_data, some without cost). */
const daysArb = fc.array(
  fc.record({
    symbol: fc.constantFrom("AAA", "BBB"),
    date: fc.constantFrom("2024-03-04", "2024-03-05", "2024-03-06", "2024-03-07"),
    source: fc.constantFrom("prior_days", "prior_days", "default", "override"),
    strategies: fc.subarray(STRATEGIES, { minLength: 1 }),
    orders: fc.array(
      fc.array(
        fc.record({
          cost: fc.oneof(
            fc.double({ min: -40, max: 120, noNaN: true, noDefaultInfinity: true }),
            fc.constant(Number.NaN),
            fc.constantFrom(0, 2.5, -1),
          ),
          noData: fc.integer({ min: 0, max: 8 }).map((k) => k === 0),
          fill: fc.double({ min: 0, max: 1, noNaN: true }),
          impact: fc.option(fc.double({ min: 0, max: 5, noNaN: true }), { nil: null }),
          overfill: fc.nat(30),
          look: fc.boolean(),
        }),
        { minLength: 9, maxLength: 9 },
      ),
      { minLength: 1, maxLength: 24 },
    ),
  }),
  { minLength: 1, maxLength: 8 },
);

type Day = typeof daysArb extends fc.Arbitrary<(infer D)[]> ? D : never;

function rowsOf(days: readonly Day[]): Row[][] {
  const seen = new Set<string>();
  const tasks: Row[][] = [];
  for (const d of days) {
    if (seen.has(`${d.symbol}|${d.date}`)) continue; // one task per symbol-day
    seen.add(`${d.symbol}|${d.date}`);
    const rows: Row[] = [];
    d.orders.forEach((perStrategy, o) => {
      for (const strategy of d.strategies) {
        const x = perStrategy[STRATEGIES.indexOf(strategy)]!;
        rows.push({
          symbol: d.symbol,
          date: d.date,
          order_id: `o${o}`,
          strategy,
          calibration_source: d.source,
          status: x.noData ? "no_data" : "ok",
          total_cost_bps: x.noData ? null : x.cost,
          fill_rate: x.fill,
          is_bps: x.cost / 2,
          impact_cost_bps: x.impact,
          walk_cost_bps: 0.25,
          opportunity_bps: Number.isFinite(x.cost) ? x.cost / 3 : null,
          passive_share: 1 - x.fill,
          overfill_shares: x.overfill,
          executed_qty: 100,
          look_ahead: strategy.includes("ofi") && x.look,
        });
      }
    });
    tasks.push(rows);
  }
  return tasks;
}

function merged(tasks: readonly Row[][], order: readonly number[]): Aggregates {
  const out: Aggregates = {};
  for (const i of order) mergeAggregates(out, aggregateExecutions(tasks[i]!));
  return out;
}

const close = (got: number, want: number) => {
  if (Number.isNaN(want)) expect(got).toBeNaN();
  else expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
};

describe("the run summary from mergeable aggregates (lib/report/strategyAggregates.ts)", () => {
  it("equals the row-based summary (medians within the sketch's bound) and gains, whatever the merge order", () => {
    fc.assert(
      fc.property(daysArb, fc.nat(), (days, seed) => {
        const tasks = rowsOf(days);
        const all = tasks.flat();
        const forward = tasks.map((_, i) => i);
        const shuffled = [...forward].sort((a, b) => ((a * 7919 + seed) % 13) - ((b * 7919 + seed) % 13));
        const a = merged(tasks, forward);
        const b = merged(tasks, [...shuffled].reverse());
        const fromAggregates = summarizeAggregates(a);
        // merge order independent, bit for bit (NaN and all)
        expect(JSON.stringify(summarizeAggregates(b), (_, v) => (Number.isNaN(v) ? "NaN" : v))).toBe(
          JSON.stringify(fromAggregates, (_, v) => (Number.isNaN(v) ? "NaN" : v)),
        );
        const fromRows = summarizeStrategies(all);
        expect(fromAggregates.map((s) => `${s.calibration_source}|${s.strategy}`).sort()).toEqual(
          fromRows.map((s) => `${s.calibration_source}|${s.strategy}`).sort(),
        );
        for (const want of fromRows) {
          const got = fromAggregates.find(
            (s) => s.strategy === want.strategy && s.calibration_source === want.calibration_source,
          )!;
          for (const k of ["orders", "no_data", "overfill_shares", "look_ahead"] as const)
            expect(got[k], k).toBe(want[k]);
          for (const k of [
            "fill_rate",
            "is_bps",
            "impact_bps",
            "walk_bps",
            "opportunity_bps",
            "total_cost_bps",
            "stdev_bps",
            "vs_twap_bps",
            "vs_twap_ci_low",
            "vs_twap_ci_high",
            "win_rate",
            "passive_share",
          ] as const)
            close(got[k], want[k]);
          // the median: within SKETCH_ALPHA of the two middle values
          const costs = all
            .filter(
              (r) =>
                r.strategy === want.strategy &&
                r.calibration_source === want.calibration_source &&
                r.status !== "no_data",
            )
            .map((r) => Number(r.total_cost_bps))
            .filter(Number.isFinite)
            .sort((x, y) => x - y);
          if (costs.length === 0) expect(got.median_cost_bps).toBeNaN();
          else {
            const h = costs.length >> 1;
            const mid = Math.max(Math.abs(costs[h]!), Math.abs(costs[Math.max(0, h - 1)]!));
            expect(Math.abs(got.median_cost_bps - median(costs))).toBeLessThanOrEqual(
              SKETCH_ALPHA * mid * (1 + 1e-12) + SKETCH_MIN_ABS,
            );
          }
        }
        // the same gains (the non-calibrated sources come in name order here, in row order there)
        const gkey = (g: { kind: string; calibration_source: string; strategy: string; baseline: string }) =>
          `${g.calibration_source === "prior_days" ? "" : g.calibration_source}|${g.strategy}|${g.kind}|${g.baseline}`;
        const gains = [...gainsOfAggregates(a)].sort((x, y) => (gkey(x) < gkey(y) ? -1 : 1));
        const gainRows = [...summarizeGains(all)].sort((x, y) => (gkey(x) < gkey(y) ? -1 : 1));
        expect(gains.map(gkey)).toEqual(gainRows.map(gkey));
        gains.forEach((g, i) => {
          expect(g.n).toBe(gainRows[i]!.n);
          for (const k of ["diff_bps", "ci_low", "ci_high", "win_rate"] as const)
            close(g[k], gainRows[i]![k]);
        });
      }),
      { numRuns: 100 },
    );
  });

  it("a worked example: twap and ow over three orders on two days (exact values)", () => {
    const row = (date: string, order_id: string, strategy: string, cost: number) => ({
      symbol: "S",
      date,
      order_id,
      strategy,
      calibration_source: "prior_days",
      status: "ok",
      total_cost_bps: cost,
      fill_rate: 1,
      executed_qty: 100,
      overfill_shares: 0,
      look_ahead: false,
    });
    const d1 = [
      row("d1", "a", "twap/market", 3),
      row("d1", "a", "ow/market", 1),
      row("d1", "b", "twap/market", 5),
    ];
    const d2 = [
      row("d2", "a", "twap/market", 10),
      row("d2", "a", "ow/market", 4),
      row("d2", "b", "ow/market", 7),
    ];
    const agg = mergeAggregates(aggregateExecutions(d2), aggregateExecutions(d1));
    const [ow, twap] = summarizeAggregates(agg);
    expect(twap).toMatchObject({ strategy: "twap/market", orders: 3, total_cost_bps: 6, median_cost_bps: 5 });
    expect(twap!.stdev_bps).toBeCloseTo(Math.sqrt(13), 12);
    expect(twap!.vs_twap_bps).toBeNaN();
    // ow paired on d1/a (1 - 3) and d2/a (4 - 10): mean -4, stdev 2 sqrt 2, t(0.975, 1) = 12.7062
    expect(ow).toMatchObject({ strategy: "ow/market", orders: 3, total_cost_bps: 4, win_rate: 1 });
    expect(ow!.median_cost_bps).toBe(4); // (exact: 64 orders or fewer)
    expect(ow!.vs_twap_bps).toBe(-4);
    expect(ow!.vs_twap_ci_high).toBeCloseTo(-4 + (12.706204736 * 2 * Math.SQRT2) / Math.SQRT2, 6);
  });

  it("beyond 64 orders the median comes from the bins: within 0.5% of the exact one", () => {
    const rows = (date: string) =>
      Array.from({ length: 50 }, (_, i) => ({
        symbol: "S",
        date,
        order_id: `o${i}`,
        strategy: "twap/market",
        calibration_source: "prior_days",
        status: "ok",
        total_cost_bps: 3 + 10 * Math.sin(i * 1.7 + date.length) + (date === "d1" ? 0.3 : 0),
      }));
    const days = ["d1", "d22", "d333", "d4444"].map(rows);
    const agg = days.map((d) => aggregateExecutions(d)).reduce((a, b) => mergeAggregates(a, b), {});
    expect(agg["twap/market"]!.cost_sketch.values).toBeNull();
    const [s] = summarizeAggregates(agg);
    const want = summarizeStrategies(days.flat())[0]!;
    expect(s!.orders).toBe(200);
    expect(s!.median_cost_bps).not.toBe(want.median_cost_bps);
    const costs = days
      .flat()
      .map((r) => r.total_cost_bps)
      .sort((x, y) => x - y);
    const mid = Math.max(Math.abs(costs[99]!), Math.abs(costs[100]!));
    expect(Math.abs(s!.median_cost_bps - want.median_cost_bps)).toBeLessThanOrEqual(SKETCH_ALPHA * mid);
    expect(s!.total_cost_bps).toBeCloseTo(want.total_cost_bps, 12);
    expect(s!.stdev_bps).toBeCloseTo(want.stdev_bps, 12);
  });

  it("the report's sample: per-task samples merged in any order are the seeded bottom-k of all parents", () => {
    fc.assert(
      fc.property(daysArb, fc.integer({ min: 1, max: 30 }), fc.nat(), (days, k, seed) => {
        const tasks = rowsOf(days);
        const perTask = tasks.map((rows) => sampleParents(rows, "run-a", "unused", k));
        const order = tasks.map((_, i) => i).sort((a, b) => ((a * 31 + seed) % 7) - ((b * 31 + seed) % 7));
        const forward = perTask.reduce((a, b) => mergeSample(a, b, k), [] as SampleEntry[]);
        const shuffled = order
          .map((i) => perTask[i]!)
          .reduce((a, b) => mergeSample(a, b, k), [] as SampleEntry[]);
        const all = sampleParents(tasks.flat(), "run-a", "unused", k);
        expect(forward).toEqual(all);
        expect(shuffled).toEqual(all);
        // the k parents of lowest seeded priority among those with an ok row
        const ok = [
          ...new Set(
            tasks
              .flat()
              .filter((r) => r.status !== "no_data")
              .map((r) => `${r.symbol}|${r.date}|${r.order_id}`),
          ),
        ];
        const want = ok
          .map((p) => samplePriority("run-a", p))
          .sort((x, y) => x - y)
          .slice(0, k);
        expect(all.map(([q]) => q)).toEqual(want);
      }),
      { numRuns: 60 },
    );
    const parents = Array.from({ length: 500 }, (_, i) => ({ symbol: "S", order_id: i, status: "ok" }));
    const a = sampleParents(parents, "run-a", "2024-03-04", 20).map(([, p]) => p);
    const b = sampleParents(parents, "run-b", "2024-03-04", 20).map(([, p]) => p);
    expect(a).toHaveLength(20);
    expect(a).toEqual(sampleParents([...parents].reverse(), "run-a", "2024-03-04", 20).map(([, p]) => p));
    expect(a).not.toEqual(b); // seeded by the run id
  });

  it("aggregates pass the completion schema (and a forged one does not)", () => {
    const rows = [
      { symbol: "S", date: "d", order_id: "a", strategy: "twap/market", status: "ok", total_cost_bps: 1.5 },
      { symbol: "S", date: "d", order_id: "a", strategy: "ow/sor", status: "ok", total_cost_bps: -0.5 },
    ];
    const aggregates = aggregateExecutions(rows);
    const body = {
      type: "completion",
      run_id: "r1",
      task_id: "backtest-20240304-S",
      outcome: "ok",
      aggregates,
    };
    expect(parseCompletion(JSON.stringify(body)).aggregates).toEqual(aggregates);
    const forged = structuredClone(body);
    (forged.aggregates["ow/sor (default parameters)"]!.cost_sketch as { n: number }).n = -1;
    expect(() => parseCompletion(JSON.stringify(forged))).toThrow(/aggregates/);
  });
});
