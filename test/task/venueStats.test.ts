/**
 * The venue scorecard (venue_stats, docs/models.md 8) on a synthetic two-venue day: every row agrees with the
 * fills and child orders it summarises (shares per venue, passive share, fees and rebates, size-weighted
 * passive markouts), and market strategies post no limit orders.
 */

import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { NO_PRIOR } from "../../lib/calibration/params.ts";
import { fileSource } from "../../lib/ports/fileSource.ts";
import { parseTaskSpec } from "../../lib/specs/taskSpec.ts";
import { writeSyntheticDay } from "../../lib/synth/index.ts";
import { runTask, type TaskResult } from "../../lib/task/runTask.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir("msor-venues-");
let r: TaskResult;

beforeAll(async () => {
  const input = join(dir, "day.parquet");
  await writeSyntheticDay(input, {
    symbol: "SYNV",
    date: "2024-03-04",
    venues: 2,
    eventsPerVenue: 20_000,
    seed: 3,
  });
  r = await runTask({
    symbol: "SYNV",
    date: "2024-03-04",
    sources: [await fileSource(input)],
    spec: parseTaskSpec({
      orders: [{ side: "buy", shares: 2000, start_times: ["10:00", "13:00"], horizon_min: 20 }],
      strategies: [
        { strategy: "twap", exec: "sor" },
        { strategy: "twap", exec: "market" },
      ],
      router: { samples: 200 },
    }),
    prior: NO_PRIOR,
  });
}, 120_000);

describe("venue scorecard", () => {
  it("agrees with the fills per strategy and venue; market strategies post nothing", () => {
    expect(r.venueStats.length).toBeGreaterThan(0);
    for (const v of r.venueStats) {
      const fills = r.fills.filter((f) => f.strategy === v.strategy && f.venue === v.venue);
      const sum = (xs: typeof fills, k: string) => xs.reduce((a, f) => a + Number(f[k]), 0);
      const passive = fills.filter((f) => f.maker === true);
      const taker = fills.filter((f) => f.maker !== true);
      expect(v.limit_filled_shares, `${v.strategy} ${v.venue}`).toBe(sum(passive, "qty"));
      expect(v.taker_shares).toBe(sum(taker, "qty"));
      expect(Number(v.fees_usd)).toBeCloseTo(sum(taker, "fee_usd"), 9);
      expect(Number(v.rebates_usd)).toBeCloseTo(-sum(passive, "fee_usd"), 9);
      expect(Number(v.limit_filled_shares)).toBeLessThanOrEqual(Number(v.limit_shares));
      const withMk = passive.filter((f) => f.markout_10s_bps !== null);
      if (withMk.length > 0) {
        const w =
          withMk.reduce((a, f) => a + Number(f.qty) * Number(f.markout_10s_bps), 0) / sum(withMk, "qty");
        expect(Number(v.passive_markout_10s_bps)).toBeCloseTo(w, 9);
      }
      if (String(v.strategy).startsWith("twap/market")) {
        expect(v.limit_orders).toBe(0);
        expect(v.passive_share).toBe(0);
      }
    }
    // the router posted on both venues and got passive fills
    const sor = r.venueStats.filter((v) => String(v.strategy).startsWith("twap/sor"));
    expect(sor.map((v) => v.venue).sort()).toHaveLength(2);
    expect(sor.some((v) => Number(v.limit_filled_shares) > 0)).toBe(true);
    expect(sor.every((v) => Number(v.limit_orders) > 0)).toBe(true);
    for (const v of sor.filter((x) => Number(x.limit_filled_shares) > 0))
      expect(Number(v.mean_queue_wait_s)).toBeGreaterThan(0);
  });
});
