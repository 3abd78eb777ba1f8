import { describe, expect, it } from "vitest";
import { Rng } from "../../lib/core/rng.ts";
import {
  isWin,
  meanConfidenceInterval,
  type StrategyCostRow,
  strategyStats,
  TIE_BPS,
} from "../../lib/metrics/strategyStats.ts";
import { studentTCdf, studentTQuantile } from "../../lib/metrics/studentT.ts";

describe("Student t", () => {
  it("quantiles match the tables (Abramowitz & Stegun 26.10; R qt(0.975, df))", () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.7062047, 6);
    expect(studentTQuantile(0.975, 4)).toBeCloseTo(2.7764451, 6);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.2281389, 6);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.0422725, 6);
    expect(studentTQuantile(0.995, 5)).toBeCloseTo(4.032143, 6);
    expect(studentTQuantile(0.025, 4)).toBeCloseTo(-2.7764451, 6);
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.959966, 5);
    expect(studentTCdf(0, 7)).toBeCloseTo(0.5, 12);
    expect(studentTCdf(1, 1)).toBeCloseTo(0.75, 10); // Cauchy
  });
});

describe("strategyStats (MODELS.md section 8, run level)", () => {
  const rows = (strategy: string, costs: number[]): StrategyCostRow[] =>
    costs.map((c, i) => ({ strategy, orderKey: `o${i}`, totalCostBps: c }));

  it("paired difference to twap with a hand-computed 95% CI and win rate", () => {
    // d = 1, 2, 3, 4, 5: mean 3, sd sqrt(2.5), t(0.975, 4) = 2.7764451 -> half width 1.9632432
    const stats = strategyStats([
      ...rows("twap", [10, 20, 30, 40, 50]),
      ...rows("myopic", [11, 22, 33, 44, 55]),
    ]);
    const my = stats.find((s) => s.strategy === "myopic")!;
    expect(my.n).toBe(5);
    expect(my.meanBps).toBe(33);
    expect(my.medianBps).toBe(33);
    expect(my.stdevBps).toBeCloseTo(Math.sqrt(302.5), 10);
    expect(my.vsBaseline!.n).toBe(5);
    expect(my.vsBaseline!.meanDiffBps).toBe(3);
    expect(my.vsBaseline!.ciLowBps).toBeCloseTo(3 - 1.9632432, 6);
    expect(my.vsBaseline!.ciHighBps).toBeCloseTo(3 + 1.9632432, 6);
    expect(my.vsBaseline!.winRate).toBe(0);
    const twap = stats.find((s) => s.strategy === "twap")!;
    expect(twap.vsBaseline!.meanDiffBps).toBe(0);
    expect(twap.vsBaseline!.winRate).toBe(0);
  });

  it("floating-point noise is a tie, not a win (equal executions priced along two code paths)", () => {
    // a real GOOG sell run: alpha=ofi with a zero coefficient vs alpha=none, per order
    expect(isWin(10.170014800311717, 10.170014800313693)).toBe(false);
    expect(isWin(10.17, 10.17 + 2 * TIE_BPS)).toBe(true);
    const stats = strategyStats([
      ...rows("twap", [10.170014800313693, 20, 30]),
      ...rows("ofi", [10.170014800311717, 20, 30 - 1e-13]),
    ]);
    const ofi = stats.find((s) => s.strategy === "ofi")!;
    expect(ofi.vsBaseline!.winRate).toBe(0);
    expect(Math.abs(ofi.vsBaseline!.meanDiffBps)).toBeLessThan(1e-11);
  });

  it("pairs by order key, skips unmatched or NaN-cost orders, counts strict wins", () => {
    const stats = strategyStats([
      { strategy: "twap", orderKey: "a", totalCostBps: 5 },
      { strategy: "twap", orderKey: "b", totalCostBps: 5 },
      { strategy: "twap", orderKey: "c", totalCostBps: Number.NaN },
      { strategy: "pov", orderKey: "b", totalCostBps: 5 },
      { strategy: "pov", orderKey: "a", totalCostBps: 2 },
      { strategy: "pov", orderKey: "c", totalCostBps: 1 },
      { strategy: "pov", orderKey: "z", totalCostBps: 0 },
    ]);
    const pov = stats[0]!;
    expect(pov.strategy).toBe("pov");
    expect(pov.n).toBe(4);
    expect(pov.vsBaseline!.n).toBe(2);
    expect(pov.vsBaseline!.meanDiffBps).toBe(-1.5);
    expect(pov.vsBaseline!.winRate).toBe(0.5);
    expect(stats[1]!.n).toBe(2);
  });

  it("the CI contains the true mean difference on a constructed example", () => {
    // strategy = twap - 2 + symmetric deterministic noise: the true mean difference is exactly -2
    const twap = [12, 7, 30, 18, 25, 9, 14, 21];
    const noise = [0.5, -0.5, 1.5, -1.5, 0.25, -0.25, 1, -1];
    const my = strategyStats([
      ...rows("twap", twap),
      ...rows(
        "myopic",
        twap.map((c, i) => c - 2 + noise[i]!),
      ),
    ]).find((s) => s.strategy === "myopic");
    expect(my!.vsBaseline!.meanDiffBps).toBeCloseTo(-2, 12);
    expect(my!.vsBaseline!.ciLowBps).toBeLessThan(-2);
    expect(my!.vsBaseline!.ciHighBps).toBeGreaterThan(-2);
  });

  it("small-sample coverage of the 95% interval is ~95% (n = 4, normal differences, seeded)", () => {
    const rng = new Rng(20240611);
    let covered = 0;
    const trials = 4000;
    for (let k = 0; k < trials; k++) {
      const d = Array.from({ length: 4 }, () => -1 + 3 * rng.normal());
      const ci = meanConfidenceInterval(d);
      if (ci.low <= -1 && -1 <= ci.high) covered++;
    }
    // binomial sd at 4000 trials ~ 0.0034; a normal (z) interval would cover only ~0.86 here
    expect(covered / trials).toBeGreaterThan(0.935);
    expect(covered / trials).toBeLessThan(0.965);
  });

  it("duplicate rows for one strategy and order are rejected with a message", () => {
    expect(() => strategyStats([...rows("twap", [1]), ...rows("twap", [2])])).toThrow(
      /two rows for order "o0"/,
    );
  });

  it("one paired order: mean difference but no interval", () => {
    const my = strategyStats([...rows("twap", [1]), ...rows("x", [3])]).find((s) => s.strategy === "x");
    expect(my!.vsBaseline!.meanDiffBps).toBe(2);
    expect(my!.vsBaseline!.ciLowBps).toBeNaN();
    expect(my!.stdevBps).toBeNaN();
  });
});
