/**
 * The task's impact model from its lookback days (MODELS.md section 2): the half-life with the highest POOLED
 * R^2 = 1 - sum_days SSR_H / sum_days SST among candidates whose mean lambda_rel is positive, lambda_rel = the
 * days' mean at that H, lambda_usd = m0 lambda_rel. Hand-computed values on hand-made records.
 */
import { describe, expect, it } from "vitest";
import { fitPropagator } from "../../lib/calibration/fits.ts";
import { lambdaUsdAt } from "../../lib/calibration/forecasts.ts";
import { combineCalibrations, pooledImpact } from "../../lib/calibration/params.ts";
import type { CalibrationRecord, ImpactCandidate } from "../../lib/calibration/types.ts";
import { recordOf } from "./records.ts";

/** A candidate with the given SSR / SST (R^2 = 1 - SSR / SST) and lambda_rel. */
const cand = (halfLifeS: number, ssr: number, sst: number, lambdaRel: number): ImpactCandidate => ({
  halfLifeS,
  beta: Math.LN2 / halfLifeS,
  lambda: lambdaRel * 1e6, // any: the scale the task uses is lambda_rel
  r2: 1 - ssr / sst,
  lambdaRel,
  ssr,
  sst,
  n: 2340,
});

const day = (date: string, candidates: ImpactCandidate[]): CalibrationRecord => {
  const r = recordOf("ABC", date, 1);
  return { ...r, impact: { ...r.impact, candidates } };
};

// Day A (quiet, SST 100): H 300 fits best (R^2 0.9 vs 0.5). Day B (busy, SST 900): H 900 fits best (0.3 vs 0.2).
// H 60 has the best pooled R^2 of all but a negative mean lambda_rel: it does not qualify.
const A = day("2024-03-11", [cand(60, 5, 100, -1e-8), cand(300, 10, 100, 1e-8), cand(900, 50, 100, 3e-8)]);
const B = day("2024-03-12", [
  cand(60, 100, 900, -2e-8),
  cand(300, 720, 900, 2e-8),
  cand(900, 630, 900, 5e-8),
]);

describe("pooled R^2 selection of the half-life", () => {
  it("picks the highest pooled R^2, not the highest mean R^2", () => {
    // mean R^2:   H 300 (0.9 + 0.2) / 2 = 0.55 > H 900 (0.5 + 0.3) / 2 = 0.40
    // pooled R^2: H 300 1 - (10 + 720) / 1000 = 0.27 < H 900 1 - (50 + 630) / 1000 = 0.32
    const p = pooledImpact([A, B])!;
    expect(p.halfLifeS).toBe(900);
    expect(p.r2).toBeCloseTo(0.32, 14);
    expect(p.lambdaRel).toBeCloseTo(4e-8, 22); // (3e-8 + 5e-8) / 2
    const params = combineCalibrations([A, B]);
    expect(params.halfLifeS).toBe(900);
    expect(params.beta).toBeCloseTo(Math.LN2 / 900, 15);
    expect(params.impactR2).toBeCloseTo(0.32, 14);
    expect(params.lambdaRel).toBeCloseTo(4e-8, 22);
    // lambda_usd = m0 x lambda_rel: 4e-8 x 50 $ = 2e-6 $/share, whatever the ADV
    expect(lambdaUsdAt(params, 50)).toBeCloseTo(2e-6, 20);
    expect(lambdaUsdAt({ ...params, adv: 123 }, 50)).toBe(lambdaUsdAt(params, 50));
    expect(params.defaultsUsed).not.toContain("lambda");
  });

  it("one day alone: its own best R^2 (H 300, 0.9); H 60 (0.95) is excluded for its negative lambda_rel", () => {
    const p = pooledImpact([A])!;
    expect([p.halfLifeS, p.lambdaRel]).toEqual([300, 1e-8]);
    expect(p.r2).toBeCloseTo(0.9, 14);
  });

  it("a day without a fit at H (NaN sums) does not enter that H's pool", () => {
    const C = day("2024-03-13", [cand(300, Number.NaN, Number.NaN, Number.NaN), cand(900, 95, 100, 9e-8)]);
    // H 300: day A only: 0.9; H 900: 1 - (50 + 95) / 200 = 0.275
    const p = pooledImpact([A, C])!;
    expect(p.halfLifeS).toBe(300);
    expect(p.lambdaRel).toBe(1e-8);
  });

  it("no positive candidate: the default scale, 1 daily sigma per ADV at the task's sigma_d and ADV", () => {
    const neg = day("2024-03-11", [cand(300, 10, 100, -1e-8)]);
    expect(pooledImpact([neg])).toBeUndefined();
    const p = combineCalibrations([neg]); // recordOf: sigma_d 0.01, V_d 1,000,000 (a full day)
    expect(p.lambdaRel).toBeCloseTo((1 * 0.01) / 1_000_000, 22);
    expect(p.defaultsUsed).toEqual(expect.arrayContaining(["lambda", "halfLifeS"]));
  });

  it("the fit's SSR and SST give back its R^2, and lambda_rel = lambda sigma_d / V_d", () => {
    const net = Float64Array.from({ length: 200 }, (_, j) => Math.round(3000 * Math.sin(j * 0.7)));
    const mids = new Float64Array(201);
    mids[0] = 40;
    for (let j = 0; j < 200; j++) mids[j + 1] = mids[j]! * (1 + 1e-8 * net[j]! + 1e-5 * Math.cos(j * 2.1));
    const fit = fitPropagator(mids, net, 500_000, 0.015, 40, [60, 300], 10);
    for (const c of fit.candidates) {
      expect(1 - c.ssr / c.sst).toBeCloseTo(c.r2, 12);
      expect(c.lambdaRel).toBeCloseTo((c.lambda * 0.015) / 500_000, 20);
    }
    expect(fit.lambdaUsd).toBeCloseTo(fit.lambdaRel * 40, 18);
  });
});
