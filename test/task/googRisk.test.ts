/**
 * The GOOG 2012-06-21 day (LOBSTER level 1, imported) with every default strategy and limit_bps: 10 on the
 * default parent orders (issue 15): no fill beyond the limit, and how many parents hit it per strategy.
 */

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NO_PRIOR } from "../../lib/calibration/params.ts";
import { fileSource } from "../../lib/ports/fileSource.ts";
import { DEFAULT_SPEC, parseTaskSpec } from "../../lib/specs/taskSpec.ts";
import { runTask } from "../../lib/task/runTask.ts";
import { GOOG_L1, haveSharedData, importGoogDay } from "../helpers/sharedData.ts";
import { tempDir } from "../helpers/tmp.ts";

const have = haveSharedData(GOOG_L1, "the GOOG 2012-06-21 limit_bps backtest");

describe.skipIf(!have)("GOOG 2012-06-21 with limit_bps: 10", () => {
  it("runs every default strategy; no fill beyond m0 (1 + 10 bps); the parents that hit the limit are counted", async () => {
    const dir = tempDir();
    const file = join(dir, "GOOG.parquet");
    await importGoogDay(file);
    const spec = parseTaskSpec({ orders: [{ pct_adv: 1, limit_bps: 10 }] });
    const r = await runTask({
      symbol: "GOOG",
      date: "2012-06-21",
      sources: [await fileSource(file)],
      spec,
      prior: NO_PRIOR,
    });
    expect(r.executions).toHaveLength(DEFAULT_SPEC.strategies.length * 3);
    const hits: Record<string, number> = {};
    for (const e of r.executions) {
      const label = `${e.strategy} ${e.order_id}`;
      const side = e.side === "buy" ? 1 : -1;
      const bound = Number(e.arrival_mid) * (1 + (side * 10) / 1e4);
      // the limit applies to the IMPACTED price: replay price + the overlay per share (docs/models.md 6.6)
      for (const f of r.fills.filter((f) => f.strategy === e.strategy && f.order_id === e.order_id)) {
        const impacted = Number(f.price) + side * Number(f.impact_usd);
        expect(side * (impacted - bound), label).toBeLessThanOrEqual(1e-9);
      }
      expect(typeof e.limit_hit, label).toBe("boolean");
      hits[String(e.strategy)] = (hits[String(e.strategy)] ?? 0) + (e.limit_hit ? 1 : 0);
      // a parent that did not hit its limit filled completely
      if (!e.limit_hit) expect(e.fill_rate, label).toBe(1);
    }
    console.log(
      "GOOG limit_bps 10, parents that hit the limit (of 3):",
      JSON.stringify(hits),
      JSON.stringify(
        r.executions.map((e) => [e.strategy, e.order_id, e.limit_hit, e.fill_rate, e.total_cost_bps]),
      ),
    );
    expect(hits).toMatchInlineSnapshot(`
      {
        "immediate/market": 0,
        "myopic/sor/alpha=imbalance": 1,
        "myopic/sor/alpha=none": 1,
        "myopic/sor/alpha=ofi": 1,
        "ow/market": 1,
        "ow/sor": 1,
        "pov/market/rho=0.1": 1,
        "twap/market": 2,
        "twap/sor": 2,
        "vwap/market": 2,
      }
    `);
  }, 600_000);
});
