import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runLocalSweep } from "../../lib/pipeline/local/localSweep.ts";
import { inlineExecutor } from "../../lib/pipeline/local/pool.ts";
import { QUERY_TABLES } from "../../lib/pipeline/local/query.ts";
import { mergeSample } from "../../lib/pipeline/messages.ts";
import { LocalObjectStore } from "../../lib/ports/localObjectStore.ts";
import { buildRunReport } from "../../lib/report/index.ts";
import { listResultFiles, readParquetRows, readResultRows } from "../../lib/report/load.ts";
import { summarizeStrategies } from "../../lib/report/strategySummary.ts";
import { duckdbViewStatements } from "../../lib/results/queries.ts";
import { RESULT_TABLES } from "../../lib/results/tables.ts";
import { compactedResultKey, summaryKey } from "../../lib/store/keys.ts";
import { duckQuery } from "../helpers/duckdb.ts";
import { tempDir } from "../helpers/tmp.ts";
import { DAYS, filesUnder, SYMBOLS, sweepSpec, writeInputs } from "./fixture.ts";

const dir = tempDir();
const input = join(dir, "in");
beforeAll(async () => writeInputs(input), 120_000);

describe("local sweep end to end (2 symbols x 3 days)", () => {
  it("plans two waves, accounts every task, compacts one file per table and date, writes summary and report", async () => {
    const root = join(dir, "inline");
    const r = await runLocalSweep({
      sweep: sweepSpec(input),
      root,
      executor: (completions) => inlineExecutor({ root, completions, slots: 2 }),
    });
    expect(r.plan.wave).toBe(1);
    expect(r.plan.planned).toEqual({ calibrate: 6, backtest: 6 });
    const s = r.status;
    expect(s.finished).toBe(true);
    expect(s.counts).toMatchObject({ ok: 12, failed: 0, dead_lettered: 0 });
    expect(Object.keys(s.tasks)).toHaveLength(12);
    const store = new LocalObjectStore(root);
    for (const t of RESULT_TABLES) {
      for (const d of DAYS)
        expect(await store.exists(compactedResultKey(t, "t-sweep", d)), `${t.name} ${d}`).toBe(true);
    }
    expect(await store.exists(summaryKey("t-sweep"))).toBe(true);
    expect(s.outputs?.report).toBe("runs/t-sweep/report.html");
    // DuckDB over the published tables: every (symbol, date) once, 4 strategies x 2 orders each
    // (a sweep writes no queue_check files: that view would have nothing to read)
    const views = duckdbViewStatements(
      root,
      QUERY_TABLES.filter((t) => t.name !== "queue_check"),
    ).join(";\n");
    const rows = await duckQuery(
      `${views};\nSELECT symbol, date, count(*)::INTEGER AS n FROM executions WHERE run_id = 't-sweep' GROUP BY ALL ORDER BY ALL`,
    );
    expect(rows).toEqual(
      SYMBOLS.flatMap((sym) => DAYS.map((d) => ({ symbol: sym, date: d, n: 8 }))).sort((a, b) =>
        a.symbol === b.symbol ? a.date.localeCompare(b.date) : a.symbol.localeCompare(b.symbol),
      ),
    );
    // the first day has no earlier day (default parameters): summarised apart from the calibrated days
    const sum = await duckQuery(
      `${views};\nSELECT calibration_source, count(*)::INTEGER AS n FROM summary WHERE run_id = 't-sweep' GROUP BY ALL ORDER BY ALL`,
    );
    expect(sum).toEqual([
      { calibration_source: "default", n: 4 },
      { calibration_source: "prior_days", n: 4 },
    ]);
    // aggregates in status.json agree with the rows: 2 symbols x 2 orders per strategy and day, the first
    // day's apart
    expect(s.aggregates["twap/market"]?.orders).toBe(8);
    expect(s.aggregates["twap/market (default parameters)"]?.orders).toBe(4);
    expect(filesUnder(join(root, "results")).size).toBe(RESULT_TABLES.length * DAYS.length + 1);

    // issue 23.1: summary.parquet is the merged aggregates' summary; it agrees with the published rows
    const published = await readResultRows(store, await listResultFiles(store, "executions", "t-sweep"));
    const summary = await readParquetRows("summary", await store.get(summaryKey("t-sweep")));
    const fromRows = summarizeStrategies(published);
    expect(summary.map((r) => `${r.calibration_source}|${r.strategy}`)).toEqual(
      fromRows.map((r) => `${r.calibration_source}|${r.strategy}`),
    );
    summary.forEach((got, i) => {
      const want = fromRows[i]!;
      expect(got.orders).toBe(want.orders);
      expect(got.median_cost_bps).toBe(want.median_cost_bps); // (exact: at most 64 orders)
      for (const k of ["total_cost_bps", "stdev_bps", "vs_twap_bps", "vs_twap_ci_low", "fill_rate"] as const)
        if (Number.isFinite(want[k])) expect(Math.abs(Number(got[k]) - want[k])).toBeLessThan(1e-9);
    });
    // the report's sample: every parent with an ok row (12 < SAMPLE_PARENTS), by seeded priority
    expect(s.sample?.map(([, p]) => p).sort()).toEqual(
      [...new Set(published.map((r) => `${r.symbol}|${r.date}|${r.order_id}`))].sort(),
    );
    // a report from a 3-parent sample reads no compacted file and only the staged files of their tasks
    const sample = mergeSample(s.sample!, [], 3);
    const reads: string[] = [];
    const counting = new Proxy(store, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver);
        if (typeof v !== "function") return v;
        return (...args: unknown[]) => {
          if (["get", "tryGet", "getWithEtag", "byteSource"].includes(String(prop)))
            reads.push(String(args[0]));
          return v.apply(target, args);
        };
      },
    });
    const report = await buildRunReport(counting, "t-sweep", { aggregates: s.aggregates, sample });
    expect(reads.filter((k) => k.startsWith("results/"))).toEqual([]);
    const tasks = new Set(sample.map(([, p]) => p.split("|").slice(0, 2).join("|")));
    const staged = reads.filter((k) => k.startsWith("staging/"));
    expect(staged.length).toBeGreaterThan(0);
    expect(staged.length).toBeLessThanOrEqual(tasks.size * 3 + 1); // executions, task_quality, venue_stats; child orders once
    for (const k of staged)
      expect(
        [...tasks].some((t) => k.includes(`date=${t.split("|")[1]}/${t.split("|")[0]}.parquet`)),
        k,
      ).toBe(true);
    expect(report.tables.find((t) => t.id === "strategies")?.rows).toBe(summary.length);
    expect(report.charts.find((c) => c.id === "cost-distribution")?.status).toBe("rendered");
    expect(report.html).toContain("a seeded sample of 3 of");
  }, 300_000);
});
