/** What a day reads off its prior-day parameters: lambda in dollars and the profile's volume forecast. */
import { describe, expect, it } from "vitest";
import { lambdaUsdAt, volumeForecast } from "../../lib/calibration/forecasts.ts";
import { combineCalibrations } from "../../lib/calibration/params.ts";

describe("forecasts from prior-day parameters", () => {
  it("lambda_usd = m0 lambda_rel at the arrival mid m0, the reference price without one; ADV does not enter", () => {
    const p = { ...combineCalibrations([]), lambdaRel: 4e-8, adv: 1_000_000, priceUsd: 50 };
    expect(lambdaUsdAt(p, 100)).toBeCloseTo(4e-6, 18);
    expect(lambdaUsdAt(p, Number.NaN)).toBeCloseTo(2e-6, 18);
    expect(lambdaUsdAt({ ...p, adv: 500_000 }, 100)).toBe(lambdaUsdAt(p, 100));
  });

  it("defaults keep the documented scale: 1 daily sigma per ADV = 0.02 / 1M per share, 2e-6 $/share at 100 $", () => {
    const p = combineCalibrations([]);
    expect(p.advSource).toBe("default");
    expect(p.lambdaRel).toBeCloseTo(2e-8, 20);
    expect(lambdaUsdAt(p, 100)).toBeCloseTo((1 * 0.02 * 100) / 1e6, 18);
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
