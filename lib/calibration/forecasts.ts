/**
 * What a backtest day reads off its prior-day parameters (CalibrationParams): the impact scale in dollars at
 * the arrival price and the market-volume forecast from the intraday profile. Pure.
 */
import type { CalibrationParams } from "./params.ts";

/**
 * Impact in price units per share (dollars for equities): lambda_usd = m0 lambda_rel, with lambda_rel the
 * lookback mean of the days' lambda_H sigma_d / V_d at the chosen half-life (relative move per share) and
 * m0 = `midUsd` (the arrival mid of a parent order: causal, and the right price scale even on default
 * parameters); a mid that is not > 0 (no two-sided book) falls back to the reference price params.priceUsd.
 * ADV does not enter: each day's lambda stays tied to the volume it was fitted with, so a half day keeps the
 * right scale.
 */
export function lambdaUsdAt(params: CalibrationParams, midUsd: number): number {
  return params.lambdaRel * (midUsd > 0 ? midUsd : params.priceUsd);
}

/**
 * Forecast market volume (shares) over [aNs, bNs]: the prior-day profile (share of daily volume per bin of
 * params.profileBinS seconds from the session open `openNs`) integrated over the interval, times ADV. A bin
 * partly inside the interval counts pro rata; time outside the profile's bins counts 0.
 */
export function volumeForecast(
  params: CalibrationParams,
  openNs: bigint,
): (aNs: bigint, bNs: bigint) => number {
  const profileBinNs = BigInt(Math.round(params.profileBinS * 1e9));
  return (aNs, bNs) => {
    let v = 0;
    for (let j = 0; j < params.profile.length; j++) {
      const lo = openNs + BigInt(j) * profileBinNs;
      const hi = lo + profileBinNs;
      const ov = Number((bNs < hi ? bNs : hi) - (aNs > lo ? aNs : lo));
      if (ov > 0) v += (params.profile[j]! * ov) / Number(profileBinNs);
    }
    return v * params.adv;
  };
}
