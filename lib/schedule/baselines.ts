/** Benchmark schedules (docs/models.md section 7): immediate, twap, vwap, pov. All constrained (constraints.ts). */
import { ModelError } from "../core/errors.ts";
import { type ConstraintOptions, constrained, intervalsLeft } from "./constraints.ts";
import type { Scheduler } from "./types.ts";

/** `immediate`: the whole parent at k = 0 (one market order at t0). */
export function immediate(options: ConstraintOptions = {}): Scheduler {
  return constrained({ name: "immediate", target: (d) => (d.k === 0 ? d.parentQty : 0) }, options);
}

/** `twap`: parentQty x intervalS / horizonS shares per interval (equal children; open loop). */
export function twap(options: ConstraintOptions = {}): Scheduler {
  return constrained({ name: "twap", target: (d) => (d.parentQty * d.intervalS) / d.horizonS }, options);
}

/** Forecast market volume (shares) of decision interval k, from the prior days' profile x ADV. */
export type VolumeProfile = readonly number[] | ((k: number) => number);

/**
 * `vwap`: child k = parentQty x v_k / sum_j v_j over the parent's N decision intervals (open loop),
 * v_k = forecast volume of interval k (shares).
 */
export function vwap(profile: VolumeProfile, options: ConstraintOptions = {}): Scheduler {
  const volume = (k: number): number => {
    const v = typeof profile === "function" ? profile(k) : profile[k];
    if (v === undefined || !(v >= 0) || !Number.isFinite(v)) {
      throw new ModelError(
        `vwap profile has no finite volume >= 0 for interval ${k} (got ${v}); give one per interval`,
      );
    }
    return v;
  };
  return constrained(
    {
      name: "vwap",
      target: (d) => {
        const n = d.k + intervalsLeft(d);
        let total = 0;
        for (let j = 0; j < n; j++) total += volume(j);
        if (!(total > 0))
          throw new ModelError("vwap profile sums to 0 over the parent's intervals; use twap instead");
        return (d.parentQty * volume(d.k)) / total;
      },
    },
    options,
  );
}

/**
 * `vwap` of one parent order from a market-volume forecast: v_k = forecastVolume over decision interval k of
 * [startNs, startNs + horizonS] (intervals of intervalS seconds, the last one cut at the end). A forecast
 * with no volume in the window (e.g. the prior day's data ended at noon) says nothing about the split, so
 * the schedule is the flat one (twap) instead of failing.
 */
export function vwapFromForecast(
  startNs: bigint,
  horizonS: number,
  intervalS: number,
  forecastVolume: (aNs: bigint, bNs: bigint) => number,
  options: ConstraintOptions = {},
): Scheduler {
  const dtNs = BigInt(Math.round(intervalS * 1e9));
  const endNs = startNs + BigInt(Math.round(horizonS * 1e9));
  const intervals = Math.max(1, Math.ceil(horizonS / intervalS - 1e-9));
  const volumes = Array.from({ length: intervals }, (_, k) => {
    const a = startNs + BigInt(k) * dtNs;
    return forecastVolume(a, a + dtNs < endNs ? a + dtNs : endNs);
  });
  if (!(volumes.reduce((x, y) => x + y, 0) > 0)) return twap(options);
  return vwap(volumes, options);
}

/**
 * `pov`: rho x market volume of the previous interval (shares); at k = 0 (nothing observed yet)
 * rho x forecast volume of this interval.
 */
export function pov(rho: number, options: ConstraintOptions = {}): Scheduler {
  if (!(rho > 0) || !(rho <= 1)) throw new ModelError(`pov participation rho must be in (0, 1], got ${rho}`);
  return constrained(
    { name: "pov", target: (d) => rho * (d.k === 0 ? d.forecastVolume : d.marketVolumePrev) },
    options,
  );
}
