/** Estimators of MODELS.md section 2 on exact, noise-free series. */
import { describe, expect, it } from "vitest";
import { fitPropagator, kyleTable, ols, realizedVol } from "../../lib/calibration/fits.ts";
import { fitOfi } from "../../lib/calibration/ofi.ts";

describe("propagator fit", () => {
  it("recovers lambda exactly at the planted half-life, with R^2 = 1 and the best R^2", () => {
    const bins = 2340;
    const V = 1e6;
    const sigma = 0.02;
    const lambda = 3;
    const H = 900;
    const decay = Math.exp((-Math.LN2 / H) * 10);
    const net = Float64Array.from({ length: bins }, (_, j) =>
      Math.round(5000 * Math.sin(j * 0.37) + 800 * Math.cos(j * 1.3)),
    );
    const mids = new Float64Array(bins + 1);
    mids[0] = 50;
    let J = 0;
    for (let j = 0; j < bins; j++) {
      const prev = J;
      J = decay * J + net[j]! / V;
      mids[j + 1] = mids[j]! * (1 + lambda * sigma * (J - prev));
    }
    const fit = fitPropagator(mids, net, V, sigma, 50, [60, 300, 900, 1800, 3600], 10);
    expect(fit.halfLifeS).toBe(H);
    expect(fit.lambda).toBeCloseTo(lambda, 10);
    expect(fit.r2).toBeCloseTo(1, 10);
    expect(fit.beta).toBeCloseTo(Math.LN2 / 900, 15);
    expect(fit.lambdaUsd).toBeCloseTo((lambda * sigma * 50) / V, 15);
    for (const c of fit.candidates) if (c.halfLifeS !== H) expect(c.r2).toBeLessThan(fit.r2);
  });
});

describe("other estimators", () => {
  it("realized vol, OLS and the Kyle table", () => {
    expect(realizedVol(Float64Array.of(100, 101, 100), 1)).toBeCloseTo(Math.sqrt(2) * Math.log(1.01), 12);
    const f = ols(Float64Array.of(1, 2, 3, 4), Float64Array.of(3, 5, 7, 9));
    expect([f.slope, f.intercept, f.r2, f.n]).toEqual([2, 1, 1, 4]);
    // mid moves 1e-4 $ per share of signed volume
    const signed = Float64Array.from({ length: 600 }, (_, s) => ((s * 37) % 11) - 5);
    const mids = new Float64Array(601);
    mids[0] = 20;
    for (let s = 0; s < 600; s++) mids[s + 1] = mids[s]! + 1e-4 * signed[s]!;
    const k = kyleTable(mids, signed, [1, 5, 60]);
    expect(k.map((r) => r.n)).toEqual([600, 120, 10]);
    for (const r of k)
      if (Number.isFinite(r.lambdaUsdPerShare)) expect(r.lambdaUsdPerShare).toBeCloseTo(1e-4, 10);
  });

  it("OFI fit recovers a planted coefficient", () => {
    const mids = new Float64Array(601).fill(Number.NaN);
    const ofi = new Float64Array(600);
    for (let s = 0; s < 600; s++) ofi[s] = ((s * 13) % 7) - 3;
    // mid(t + 60) - mid(t) = 0.05 * OFI over the previous 10 s / 200, realized by a running construction
    mids.fill(10);
    for (let t = 10; t + 60 <= 600; t += 10) {
      let o = 0;
      for (let s = t - 10; s < t; s++) o += ofi[s]!;
      mids[t + 60] = mids[t]! + (0.05 * o) / 200;
    }
    const f = fitOfi(mids, ofi, 200, 10, 60);
    expect(f.coefUsd).toBeCloseTo(0.05, 10);
    expect(f.r2).toBeCloseTo(1, 10);
  });
});
