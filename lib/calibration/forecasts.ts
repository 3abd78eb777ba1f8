/**
 * What a backtest day reads off its prior-day parameters (CalibrationParams): the impact scale in dollars at
 * a reference price and the market-volume forecast from the intraday profile. Pure.
 */
import type { CalibrationParams } from "./params.ts";

/**
 * Impact in dollars per share: lambda_usd = lambda sigma_d P / ADV, with P = `midUsd` (the arrival mid of a
 * parent order: causal, and the right price scale even on default parameters); a mid that is not > 0 (no
 * two-sided book) falls back to the calibration's reference price params.priceUsd.
 */
export function lambdaUsdAt(params: CalibrationParams, midUsd: number): number {
  return (params.lambda * params.sigmaDaily * (midUsd > 0 ? midUsd : params.priceUsd)) / params.adv;
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
