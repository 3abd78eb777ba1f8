/** What a day reads off its prior-day parameters: lambda in dollars and the profile's volume forecast. */
import { describe, expect, it } from "vitest";
import { lambdaUsdAt, volumeForecast } from "../../lib/calibration/forecasts.ts";
import { combineCalibrations } from "../../lib/calibration/params.ts";

describe("forecasts from prior-day parameters", () => {
  it("lambda_usd = lambda sigma_d P / ADV at the arrival mid, the reference price without one", () => {
    const p = { ...combineCalibrations([]), lambda: 2, sigmaDaily: 0.02, adv: 1_000_000, priceUsd: 50 };
    expect(lambdaUsdAt(p, 100)).toBeCloseTo((2 * 0.02 * 100) / 1e6, 18);
    expect(lambdaUsdAt(p, Number.NaN)).toBeCloseTo((2 * 0.02 * 50) / 1e6, 18);
  });

  it("integrates the profile over an interval, pro rata inside a bin, times ADV", () => {
    const p = {
      ...combineCalibrations([]),
      adv: 1000,
      profileBinS: 60,
      profile: Float64Array.from([0.5, 0.25, 0.25]),
    };
    const f = volumeForecast(p, 0n);
    const s = (x: number) => BigInt(x * 1e9);
    expect(f(s(0), s(60))).toBeCloseTo(500, 9);
    expect(f(s(30), s(90))).toBeCloseTo(250 + 125, 9);
    expect(f(s(150), s(600))).toBeCloseTo(125, 9);
    expect(f(s(200), s(300))).toBe(0);
  });
});
