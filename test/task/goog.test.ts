import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NO_PRIOR } from "../../lib/calibration/params.ts";
import { fileSource } from "../../lib/ports/fileSource.ts";
import { DEFAULT_SPEC } from "../../lib/specs/taskSpec.ts";
import { runTask } from "../../lib/task/runTask.ts";
import { GOOG_L1, haveSharedData, importGoogDay } from "../helpers/sharedData.ts";
import { tempDir } from "../helpers/tmp.ts";

const have = haveSharedData(GOOG_L1, "the GOOG 2012-06-21 backtest");

describe.skipIf(!have)("backtest of the real GOOG 2012-06-21 day (LOBSTER level 1, imported)", () => {
  it("runs every default strategy to completion with plausible costs", async () => {
    const dir = tempDir();
    const file = join(dir, "GOOG.parquet");
    await importGoogDay(file);
    const r = await runTask({
      symbol: "GOOG",
      date: "2012-06-21",
      sources: [await fileSource(file)],
      spec: DEFAULT_SPEC,
      prior: NO_PRIOR,
    });
    // one day only: no earlier calibration, the documented defaults are used and said so
    expect(r.params.source).toBe("default");
    expect(r.executions).toHaveLength(DEFAULT_SPEC.strategies.length * 3);
    for (const e of r.executions) {
      const label = `${e.strategy} ${e.order_id}`;
      expect(e.fill_rate, label).toBe(1);
      expect(e.calibration_source).toBe("default");
      // 1% of the default ADV = 10,000 shares (about 1.4% of GOOG's Nasdaq volume that day, 706k shares) of a
      // ~$570 stock with a ~27-cent spread (~2.4 bps half-spread), over 30 minutes of a ~1% daily-vol day
      // (sigma over 30 min ~ 28 bps): costs within +-50 bps
      expect(Math.abs(Number(e.total_cost_bps)), label).toBeLessThan(50);
      if (e.strategy === "immediate/market") {
        // one market order; on a level-1 book it sweeps the refreshed best quote, taker fills only
        expect(e.child_count, label).toBe(1);
        expect(e.passive_share, label).toBe(0);
      }
    }
    // this day's calibration (stored for later days): 706,125 shares traded on Nasdaq (LOBSTER visible + hidden)
    expect(r.calibration!.dailyVolume).toBe(706_125);
    expect(r.quality.crossedBooks).toBe(0);
  });
});
