import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runLocalSweep } from "../../lib/pipeline/local/localSweep.ts";
import { inlineExecutor } from "../../lib/pipeline/local/pool.ts";
import { QUERY_TABLES } from "../../lib/pipeline/local/query.ts";
import { LocalObjectStore } from "../../lib/ports/localObjectStore.ts";
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
  }, 300_000);
});
