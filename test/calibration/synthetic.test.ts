/**
 * Acceptance (MODELS.md section 9): calibration recovers the impact planted by lib/synth — lambda within 10%,
 * half-life bucket exact — and the daily volume / volume profile the generator drew.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DayCalibrator } from "../../lib/calibration/dayCalibrator.ts";
import type { DayCalibration } from "../../lib/calibration/types.ts";
import { Mbp10Stream } from "../../lib/mbp10/stream.ts";
import { fileSource } from "../../lib/ports/fileSource.ts";
import { type PlantedTruth, writeSyntheticDay } from "../../lib/synth/index.ts";
import { activityShape } from "../../lib/synth/profile.ts";

const DATE = "2024-03-12";
let dir = "";

async function calibrateFile(
  file: string,
  symbol: string,
): Promise<{ day: DayCalibration; seconds: number; rows: number }> {
  const stream = await Mbp10Stream.open([await fileSource(file)]);
  const cal = new DayCalibrator({ symbol, date: DATE, venues: stream.venues });
  let seconds = 0;
  let rows = 0;
  for await (const b of stream.batches()) {
    const t0 = performance.now();
    cal.observe(b);
    seconds += (performance.now() - t0) / 1000;
    rows += b.length;
  }
  await stream.close();
  return { day: cal.finish(), seconds, rows };
}

/** Expected share of the session's events in each profile bin from the generator's intensity. */
function expectedProfile(bins: number, binS: number): Float64Array {
  const out = new Float64Array(bins);
  for (let s = 0; s < 23_400; s++) out[Math.floor(s / binS)]! += activityShape((s + 0.5) / 23_400);
  const total = out.reduce((a, b) => a + b, 0);
  return out.map((x) => x / total);
}

const CASES = [
  { symbol: "SYNA", plantedHalfLifeS: 300, venues: 2 },
  { symbol: "SYNB", plantedHalfLifeS: 1800, venues: 3 },
] as const;

describe("calibration on synthetic days with planted impact", () => {
  const results = new Map<
    string,
    { day: DayCalibration; planted: PlantedTruth; seconds: number; rows: number }
  >();

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "msor-calib-synth-"));
    for (const c of CASES) {
      const file = path.join(dir, `${c.symbol}.parquet`);
      const { planted } = await writeSyntheticDay(file, {
        symbol: c.symbol,
        date: DATE,
        venues: c.venues,
        eventsPerVenue: 150_000,
        seed: 11,
        plantedHalfLifeS: c.plantedHalfLifeS,
      });
      results.set(c.symbol, { ...(await calibrateFile(file, c.symbol)), planted });
    }
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const c of CASES) {
    it(`${c.symbol}: lambda within 10% of planted and the planted half-life bucket (${c.plantedHalfLifeS} s)`, () => {
      const { day, planted } = results.get(c.symbol)!;
      expect(day.impact.halfLifeS).toBe(planted.half_life_s);
      expect(Math.abs(day.impact.lambda / planted.lambda - 1)).toBeLessThan(0.1);
      expect(day.sigmaDaily / planted.sigma_daily).toBeCloseTo(1, 2);
      expect(day.impact.lambdaUsd).toBeCloseTo(
        (day.impact.lambda * day.sigmaDaily * day.meanMidUsd) / day.dailyVolume,
        15,
      );
      console.info(
        `${c.symbol}: lambda fit ${day.impact.lambda.toFixed(3)} vs planted ${planted.lambda.toFixed(3)}, ` +
          `(generator's own regression at that half-life: ${planted.fit.find((f) => f.half_life_s === day.impact.halfLifeS)?.lambda.toFixed(3)}), ` +
          `half-life ${day.impact.halfLifeS} s vs ${planted.half_life_s} s, R2 ${day.impact.r2.toFixed(3)}`,
      );
    });

    it(`${c.symbol}: daily volume equals the generator's, profile follows its U-shaped intensity`, () => {
      const { day, planted, seconds, rows } = results.get(c.symbol)!;
      expect(day.dailyVolume).toBe(planted.daily_volume);
      expect(day.tradeCount).toBeGreaterThan(0);
      const sum = day.volumeProfile.reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(1, 12);
      const want = expectedProfile(day.volumeProfile.length, day.profileBinS);
      let l1 = 0;
      for (let k = 0; k < want.length; k++) l1 += Math.abs(day.volumeProfile[k]! - want[k]!);
      expect(l1).toBeLessThan(0.15);
      // first and last half hour busier than midday
      const share = (from: number, to: number) =>
        day.volumeProfile.slice(from / 300, to / 300).reduce((a, b) => a + b, 0) / ((to - from) / 300);
      expect(share(0, 1800)).toBeGreaterThan(1.3 * share(9000, 14_400));
      expect(share(21_600, 23_400)).toBeGreaterThan(1.1 * share(9000, 14_400));
      // every venue and side has outflow; passive fills are adverse on average
      expect(day.venues.length).toBe(2 * c.venues);
      for (const v of day.venues) {
        expect(v.outflowMean).toBeGreaterThan(0);
        for (const a of v.adverse) expect(a.n).toBeGreaterThan(0);
        expect(v.adverse.map((a) => a.horizonS)).toEqual([10, 60, 300]);
      }
      console.info(
        `${c.symbol}: calibration pass ${rows} rows in ${seconds.toFixed(3)} s (excluding decoding)`,
      );
    });
  }
});
