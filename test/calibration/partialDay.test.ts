/**
 * Issue 21, point 4 (reproduction): a lookback day whose data covers 0.557 of the session was left out of ADV,
 * ADV fell back to the default 1,000,000 (2.2x the day's whole observed volume) while lambda had been fitted
 * per fraction of that half day's volume, so lambda_usd = lambda sigma_d P / ADV understated own impact ~2.2x.
 * Fixed (MODELS.md section 2): ADV is the partial day's volume over the share of the volume profile its data
 * covers (adv_source = extrapolated), and lambda_usd = m0 lambda_rel with lambda_rel = lambda sigma_d / V_d of
 * the day itself: ADV does not enter.
 */
import { describe, expect, it } from "vitest";
import { DayCalibrator } from "../../lib/calibration/dayCalibrator.ts";
import { lambdaUsdAt } from "../../lib/calibration/forecasts.ts";
import { applyOverrides } from "../../lib/calibration/overrides.ts";
import { combineCalibrations, profileShareCovered } from "../../lib/calibration/params.ts";
import type { CalibrationRecord } from "../../lib/calibration/types.ts";
import { batchOf, DATE, registry } from "./fixtures.ts";
import { recordOf } from "./records.ts";

const SESSION_S = 23_400;
const SIGMA = 0.02;
const H = 900;

/** A day of the same market: volume V_d, data over [0, endS), the propagator's lambda at H (per V_d fraction). */
function dayOf(date: string, volume: number, endS: number, lambda: number): CalibrationRecord {
  const r = recordOf("ABC", date, 1);
  return {
    ...r,
    sessionCoverage: endS / SESSION_S,
    dataStartS: 0,
    dataEndS: endS,
    dailyVolume: volume,
    sigmaDaily: SIGMA,
    impact: {
      ...r.impact,
      candidates: [
        {
          halfLifeS: H,
          beta: Math.LN2 / H,
          lambda,
          r2: 0.3,
          lambdaRel: (lambda * SIGMA) / volume,
          ssr: 70,
          sst: 100,
          n: 1300,
        },
      ],
    },
  };
}

// The same price response per share on both days: 8.889e-8 of the price per share traded. The half day saw
// 450,000 shares in its 0.557 of the session; lambda per fraction of ITS volume is 2.
const HALF_V = 450_000;
const HALF_END_S = 0.557 * SESSION_S; // 13,033.8 s: 09:30 to 13:07
const REL = (2 * SIGMA) / HALF_V; // 8.8889e-8 per share
const half = dayOf("2024-03-11", HALF_V, HALF_END_S, 2);

describe("a partial lookback day (issue 21 point 4)", () => {
  it("its ADV is extrapolated by the profile share it covers, not the 1,000,000 default", () => {
    const p = combineCalibrations([half]);
    // no full day in the lookback: the profile is flat, the day covers 13,033.8 / 23,400 = 0.557 of it
    expect(p.advSource).toBe("extrapolated");
    expect(p.adv).toBeCloseTo(HALF_V / 0.557, 6); // 807,899.5 shares
    expect(p.defaultsUsed).not.toContain("adv");
  });

  it("lambda_usd = m0 lambda_rel of the day, 2.22x what ADV = 1,000,000 gave", () => {
    const p = combineCalibrations([half]);
    expect(p.lambdaRel).toBeCloseTo(REL, 20);
    expect(lambdaUsdAt(p, 100)).toBeCloseTo(REL * 100, 18); // 8.889e-6 $/share at m0 = 100 $
    const before = (2 * SIGMA * 100) / 1_000_000; // the old lambda sigma_d m0 / default ADV: 4e-6 $/share
    expect(lambdaUsdAt(p, 100) / before).toBeCloseTo(1_000_000 / HALF_V, 12); // 2.222
  });

  it("the same market on a full day gives the same lambda_usd: ADV does not enter", () => {
    // a full day of 807,899.5 shares with the same response per share: lambda per fraction of ITS volume is
    // 2 x 807,899.5 / 450,000 = 3.5907
    const fullV = HALF_V / 0.557;
    const full = dayOf("2024-03-11", fullV, SESSION_S, (2 * fullV) / HALF_V);
    const pf = combineCalibrations([full]);
    const ph = combineCalibrations([half]);
    expect(pf.advSource).toBe("calibrated");
    expect(lambdaUsdAt(pf, 100)).toBeCloseTo(lambdaUsdAt(ph, 100), 18);
    expect(pf.adv).toBeCloseTo(ph.adv, 6);
    // an ADV override (order sizing) leaves the impact scale alone
    expect(lambdaUsdAt(applyOverrides(ph, { adv: 5_000_000 }), 100)).toBe(lambdaUsdAt(ph, 100));
  });

  it("a U-shaped prior profile: the covered share is the profile's mass over the data's span", () => {
    const profile = Float64Array.from([0.4, 0.1, 0.1, 0.4]); // 4 bins of 100 s
    const r = { dataStartS: 50, dataEndS: 200, sessionCoverage: 0.375 };
    expect(profileShareCovered(profile, 100, r)).toBeCloseTo(0.4 / 2 + 0.1, 15);
    // without the span (older record): the session coverage, as on a flat profile
    expect(profileShareCovered(profile, 100, { ...r, dataStartS: Number.NaN })).toBe(0.375);
  });

  it("the calibrator records the span of the data inside the session", () => {
    const c = new DayCalibrator({ symbol: "TEST", date: DATE, venues: registry(1) });
    const book = { bid: 100, bidSz: 500, ask: 100.02, askSz: 400 };
    c.observe(
      batchOf([
        { t: -30, action: "Add", side: "Bid", ...book }, // pre-open: builds the book only
        { t: 12, action: "Add", side: "Ask", ...book },
        { t: 4_000, action: "Trade", side: "Ask", price: 100, size: 100, ...book },
      ]),
    );
    const d = c.finish();
    expect([d.dataStartS, d.dataEndS]).toEqual([12, 4_000]);
    expect(d.sessionCoverage).toBeCloseTo((4_000 - 12) / SESSION_S, 15);
  });
});

describe("overrides of lambda keep their meaning (sigma units per ADV fraction)", () => {
  it("a fixed lambda becomes lambda_rel = lambda sigma_d / ADV; lambda_scale and sigma_d scale lambda_rel", () => {
    const p = combineCalibrations([half]);
    const fixed = applyOverrides(p, { lambda: 1, adv: 2_000_000, sigma_d: 0.03 });
    expect(fixed.lambdaRel).toBeCloseTo(0.03 / 2_000_000, 22);
    expect(lambdaUsdAt(fixed, 50)).toBeCloseTo((1 * 0.03 * 50) / 2_000_000, 18);
    expect(applyOverrides(p, { lambda_scale: 2 }).lambdaRel).toBeCloseTo(2 * REL, 20);
    expect(applyOverrides(p, { sigma_d_scale: 1.5 }).lambdaRel).toBeCloseTo(1.5 * REL, 20);
  });
});
