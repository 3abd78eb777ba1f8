/** Hand-made calibration records for store / loader tests; every value depends on `k` so days differ. */
import { CALIBRATION_VERSION, type CalibrationRecord } from "../../lib/calibration/types.ts";
import { regularSession } from "../../lib/core/session.ts";

export function recordOf(symbol: string, date: string, k: number): CalibrationRecord {
  const s = regularSession(date);
  const profile = new Float64Array(78).map((_, i) => (i < 6 || i >= 72 ? 2 : 1));
  const total = profile.reduce((a, b) => a + b, 0);
  const outflow = (m: number) => new Float64Array(390).map((_, i) => m + ((i * 7) % 13));
  return {
    version: CALIBRATION_VERSION,
    symbol,
    date,
    sessionOpenNs: s.openNs,
    sessionCloseNs: s.closeNs,
    events: 1000 * k,
    sessionCoverage: 1,
    dataStartS: 0,
    dataEndS: 23_400,
    dailyVolume: 1_000_000 * k,
    tradeCount: 5000 + k,
    sigmaDaily: 0.01 * k,
    halfSpreadUsd: 0.005 * k,
    meanMidUsd: 100 + k,
    profileBinS: 300,
    volumeProfile: profile.map((x) => x / total),
    halfSpreadProfile: new Float64Array(78).fill(0.005 * k),
    impact: {
      binS: 10,
      candidates: [60, 300, 900, 1800, 3600].map((h, i) => ({
        halfLifeS: h,
        beta: Math.LN2 / h,
        lambda: k * (i + 1),
        r2: i === k % 5 ? 0.5 : 0.1 + 0.01 * i,
        // lambda_rel = lambda sigma_d / V_d; SST = 100 and SSR = SST (1 - R^2) on every day
        lambdaRel: (k * (i + 1) * 0.01 * k) / (1_000_000 * k),
        ssr: 100 * (1 - (i === k % 5 ? 0.5 : 0.1 + 0.01 * i)),
        sst: 100,
        n: 2340,
      })),
      lambda: k * ((k % 5) + 1),
      halfLifeS: [60, 300, 900, 1800, 3600][k % 5]!,
      beta: Math.LN2 / [60, 300, 900, 1800, 3600][k % 5]!,
      r2: 0.5,
      lambdaRel: 1e-8 * k,
      lambdaUsd: 1e-6 * k,
    },
    kyle: [1, 5, 10, 30, 60, 120, 300].map((p) => ({
      periodS: p,
      lambdaUsdPerShare: 1e-5 * k,
      interceptUsd: 1e-4,
      r2: 0.2,
      n: Math.floor(23_400 / p),
    })),
    ofi: {
      windowS: 10,
      horizonS: 60,
      coefUsd: 0.01 * k,
      r2: 0.1,
      n: 2334,
      avgDepth: 500 * k,
      sxx: 100,
      sxy: k,
      syy: 1,
    },
    venues: [
      {
        venue: "XNAS.ITCH",
        side: "bid",
        outflowSamples: outflow(1000 * k),
        outflowMean: 1000 * k + 6,
        adverse: [
          { horizonS: 10, usd: -0.001 * k, n: 10 },
          { horizonS: 60, usd: -0.002 * k, n: 10 },
          { horizonS: 300, usd: -0.005 * k, n: 10 },
        ],
      },
      {
        venue: "XNAS.ITCH",
        side: "ask",
        outflowSamples: outflow(2000 * k),
        outflowMean: 2000 * k + 6,
        adverse: [10, 60, 300].map((horizonS) => ({ horizonS, usd: Number.NaN, n: 0 })),
      },
    ],
  };
}
