/**
 * The own-impact overlay on three synthetic days with planted impact (MODELS.md 9, "Impact overlay"): with the
 * planted lambda and half-life (calibration overrides, so each day prices impact with the truth) and alpha = 0,
 * OW's impact cost is below TWAP's for every parent order, buys and sells; with `none` every impact cost is 0.
 */

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NO_PRIOR } from "../../lib/calibration/params.ts";
import { fileSource } from "../../lib/ports/fileSource.ts";
import { parseTaskSpec } from "../../lib/specs/taskSpec.ts";
import { writeSyntheticDay } from "../../lib/synth/index.ts";
import { runTask } from "../../lib/task/runTask.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
const DATES = ["2024-03-04", "2024-03-05", "2024-03-06"];

describe("impact overlay on synthetic days with planted impact", () => {
  it("ow/market pays less overlay than twap/market on every parent (alpha = 0); none pays nothing", async () => {
    let parents = 0;
    for (const date of DATES) {
      const file = join(dir, `${date}.parquet`);
      const day = await writeSyntheticDay(file, {
        symbol: "IMP",
        date,
        venues: 2,
        eventsPerVenue: 30_000,
        seed: 11,
      });
      const p = day.planted;
      const spec = parseTaskSpec({
        orders: [
          { side: "buy", pct_adv: 1, start_times: ["10:00", "11:30", "14:00"], horizon_min: 30 },
          { side: "sell", pct_adv: 1, start_times: ["10:30", "13:00"], horizon_min: 30 },
        ],
        strategies: [
          { strategy: "twap", exec: "market" },
          { strategy: "ow", exec: "market" },
        ],
        sim: { impact: ["none", "linear"] },
        calibration: {
          overrides: {
            lambda: p.lambda,
            half_life_s: p.half_life_s,
            sigma_d: p.sigma_daily,
            adv: p.daily_volume,
          },
        },
      });
      const r = await runTask({
        symbol: "IMP",
        date,
        sources: [await fileSource(file)],
        spec,
        prior: NO_PRIOR,
      });
      const cost = (strategy: string, model: string, orderId: string) => {
        const e = r.executions.find(
          (x) =>
            String(x.strategy).startsWith(`${strategy}/`) &&
            x.impact_model === model &&
            x.order_id === orderId,
        )!;
        expect(e.status).toBe("ok");
        return Number(e.impact_cost_bps);
      };
      const orderIds = [...new Set(r.executions.map((e) => String(e.order_id)))];
      expect(orderIds).toHaveLength(5);
      for (const id of orderIds) {
        expect(cost("ow", "none", id)).toBe(0);
        expect(cost("twap", "none", id)).toBe(0);
        const ow = cost("ow", "linear", id);
        const twap = cost("twap", "linear", id);
        expect(ow).toBeGreaterThan(0);
        expect(ow, `${date} ${id}: ow ${ow} vs twap ${twap}`).toBeLessThan(twap);
        parents++;
      }
      expect(
        r.fills.filter((f) => String(f.strategy).endsWith("impact=none")).every((f) => f.impact_usd === 0),
      ).toBe(true);
    }
    expect(parents).toBe(15);
  });
});
