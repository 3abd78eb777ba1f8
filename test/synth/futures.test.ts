/**
 * A synthetic futures day (lib/synth/futures.ts) is one price path: the day session opens at the evening's
 * last national mid (no jump over the night), the evening is thinner and quieter, the planted impact is sized
 * per contract (IMPACT_BPS_PER_PCT_VOLUME for 1% of the expected day volume), and `msor.planted` holds what a
 * calibration over the Globex day finds: its sigma_daily and the fit table of the whole day's 10-s grid.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { calibrateFile } from "../../lib/cli/commands/calibrate.ts";
import { sessionOf } from "../../lib/core/calendars.ts";
import { ES } from "../../lib/core/instrument.ts";
import {
  EVENING_EVENT_SHARE,
  type FuturesPlanted,
  IMPACT_BPS_PER_PCT_VOLUME,
  writeSyntheticFuturesDay,
} from "../../lib/synth/futures.ts";
import { readBack, tempDir } from "./helpers.ts";

const dir = tempDir();
const DATE = "2024-03-05";
const path = join(dir, "ESH4.parquet");
let planted: FuturesPlanted;

beforeAll(async () => {
  ({ planted } = await writeSyntheticFuturesDay(
    path,
    { symbol: "ESH4", date: DATE, venues: 1, eventsPerVenue: 40_000, seed: 3 },
    ES,
  ));
}, 120_000);

describe("synthetic ES day", () => {
  it("the day session opens at the evening's close: no jump over the night, small 1-minute moves", async () => {
    const session = sessionOf(ES.calendar, DATE);
    const [evening, day] = planted.segments as [FuturesPlanted["segments"][0], FuturesPlanted["segments"][0]];
    let bid = Number.NaN;
    let ask = Number.NaN;
    let lastEvening = Number.NaN;
    let firstDay = Number.NaN;
    let minuteEnd = session.openNs + 60_000_000_000n;
    let prevMinuteMid = Number.NaN;
    let maxMinuteMove = 0;
    await readBack(path, (b) => {
      for (let i = 0; i < b.length; i++) {
        const t = b.tsRecv[i]!;
        const mid = (bid + ask) / 2;
        while (t >= minuteEnd) {
          if (Number.isFinite(mid)) {
            if (Number.isFinite(prevMinuteMid))
              maxMinuteMove = Math.max(maxMinuteMove, Math.abs(Math.log(mid / prevMinuteMid)));
            prevMinuteMid = mid;
          }
          minuteEnd += 60_000_000_000n;
        }
        if (t < session.regular.openNs && b.flags[i]! & 0x80) {
          bid = b.bidPx[0]![i]!;
          ask = b.askPx[0]![i]!;
          lastEvening = (bid + ask) / 2;
        } else if (t >= session.regular.openNs && b.flags[i]! & 0x80) {
          bid = b.bidPx[0]![i]!;
          ask = b.askPx[0]![i]!;
          if (Number.isNaN(firstDay)) firstDay = (bid + ask) / 2;
        }
      }
    });
    // one venue: its book is the national book; the day's opening snapshot sits on the evening's last mid
    expect(day.start_price).toBe(lastEvening);
    expect(Math.abs(firstDay - lastEvening)).toBeLessThanOrEqual(ES.tickSize);
    expect(Math.abs(planted.night_return)).toBeLessThan(ES.tickSize / lastEvening + 1e-12);
    // before: the day reopened at the symbol's start price, up to 2.9% away from the evening's close
    expect(maxMinuteMove).toBeLessThan(0.004);
    expect(evening.start_price).toBe(planted.start_price);
  });

  it("the evening is thinner and quieter than the day session", () => {
    const [evening, day] = planted.segments as [FuturesPlanted["segments"][0], FuturesPlanted["segments"][0]];
    expect(evening.events_per_venue).toBe(Math.round(40_000 * EVENING_EVENT_SHARE));
    expect(day.events_per_venue).toBe(40_000 - evening.events_per_venue);
    expect(planted.evening_volume_share).toBeCloseTo(evening.daily_volume / day.daily_volume, 12);
    expect(planted.evening_volume_share).toBeGreaterThan(0.18);
    expect(planted.evening_volume_share).toBeLessThan(0.34);
    expect(planted.daily_volume).toBe(evening.daily_volume + day.daily_volume);
    expect(evening.sigma_daily).toBeLessThan(0.75 * day.sigma_daily);
  });

  it("one impact per contract, IMPACT_BPS_PER_PCT_VOLUME bps for 1% of the expected volume at once", () => {
    const [evening, day] = planted.segments as [FuturesPlanted["segments"][0], FuturesPlanted["segments"][0]];
    expect(planted.impact_bps_per_pct_adv).toBeCloseTo(IMPACT_BPS_PER_PCT_VOLUME, 3);
    // a = lambda_latent x sigma target = impact per contract x the segment's volume, in both segments
    for (const s of [evening, day]) {
      expect((s.lambda_latent * s.sigma_daily_target) / s.daily_volume).toBeCloseTo(
        planted.impact_per_contract!,
        15,
      );
    }
  });

  it("msor calibrate --instrument ES finds the planted whole-day sigma and fit table", async () => {
    const { record } = await calibrateFile(path, { instrument: "ES" });
    const sigmaTargets = Math.hypot(...planted.segments.map((s) => s.sigma_daily_target));
    expect(planted.sigma_daily_target).toBeCloseTo(sigmaTargets, 12);
    expect(planted.sigma_daily / planted.sigma_daily_target).toBeGreaterThan(0.8);
    expect(planted.sigma_daily / planted.sigma_daily_target).toBeLessThan(1.2);
    expect(Math.abs(record.sigmaDaily / planted.sigma_daily - 1)).toBeLessThan(0.005);
    expect(record.dailyVolume).toBe(planted.daily_volume);
    const fit = planted.fit.find((f) => f.half_life_s === record.impact.halfLifeS)!;
    expect(Math.abs(record.impact.lambda - fit.lambda)).toBeLessThan(0.05 * Math.abs(fit.lambda) + 0.05);
  }, 60_000);
});
