/**
 * Real data: the LOBSTER GOOG 2012-06-21 level-1 day (Nasdaq), imported to MBP-10 then calibrated. Checks
 * that the stated values are plausible. Skips when the LOBSTER sample is absent (docs/test-data.md).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DayCalibrator } from "../../lib/calibration/dayCalibrator.ts";
import type { DayCalibration } from "../../lib/calibration/types.ts";
import { Mbp10Stream } from "../../lib/mbp10/stream.ts";
import { fileSource } from "../../lib/ports/fileSource.ts";
import { GOOG_L1, haveSharedData, importGoogDay } from "../helpers/sharedData.ts";

const present = haveSharedData(GOOG_L1, "the GOOG calibration test");

describe.skipIf(!present)("calibration of the LOBSTER GOOG 2012-06-21 day", () => {
  let dir = "";
  let day: DayCalibration;
  let spreadRange: [number, number] = [0, 0];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "msor-calib-goog-"));
    const out = path.join(dir, "GOOG.parquet");
    await importGoogDay(out);
    const stream = await Mbp10Stream.open([await fileSource(out)]);
    const cal = new DayCalibrator({ symbol: "GOOG", date: "2012-06-21", venues: stream.venues });
    let lo = Number.POSITIVE_INFINITY;
    let hi = 0;
    for await (const b of stream.batches()) {
      cal.observe(b);
      for (let i = 0; i < b.length; i++) {
        const s = b.askPx[0]![i]! - b.bidPx[0]![i]!;
        if (s > 0) {
          lo = Math.min(lo, s);
          hi = Math.max(hi, s);
        }
      }
    }
    await stream.close();
    day = cal.finish();
    spreadRange = [lo / 2, hi / 2];
    console.info(
      JSON.stringify({
        dailyVolume: day.dailyVolume,
        trades: day.tradeCount,
        sigmaDaily: day.sigmaDaily,
        halfSpreadUsd: day.halfSpreadUsd,
        halfSpreadRange: spreadRange,
        meanMid: day.meanMidUsd,
        lambda: day.impact.lambda,
        halfLifeS: day.impact.halfLifeS,
        r2: day.impact.r2,
        lambdaUsd: day.impact.lambdaUsd,
        kyle: day.kyle.map((k) => [k.periodS, k.lambdaUsdPerShare, k.r2]),
        ofi: [day.ofi.coefUsd, day.ofi.r2, day.ofi.avgDepth],
        venues: day.venues.map((v) => [v.venue, v.side, v.outflowMean, v.adverse]),
      }),
    );
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("half-spread lies within the observed spread range", () => {
    expect(day.halfSpreadUsd).toBeGreaterThanOrEqual(spreadRange[0]);
    expect(day.halfSpreadUsd).toBeLessThanOrEqual(spreadRange[1]);
  });

  it("volume profile is higher in the first and last 30 minutes than at midday", () => {
    const p = day.volumeProfile;
    const mean = (a: number, b: number) => p.slice(a, b).reduce((x, y) => x + y, 0) / (b - a);
    const midday = mean(30, 48); // 12:00 - 13:30
    expect(mean(0, 6)).toBeGreaterThan(midday);
    expect(mean(72, 78)).toBeGreaterThan(midday);
    expect(p.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
  });

  it("volatility is positive and below 10%, volume and impact are stated", () => {
    expect(day.sigmaDaily).toBeGreaterThan(0);
    expect(day.sigmaDaily).toBeLessThan(0.1);
    expect(day.dailyVolume).toBeGreaterThan(0);
    expect(day.impact.candidates).toHaveLength(5);
    expect(Number.isFinite(day.impact.lambda)).toBe(true);
    expect(day.kyle.map((k) => k.periodS)).toEqual([1, 5, 10, 30, 60, 120, 300]);
  });
});
