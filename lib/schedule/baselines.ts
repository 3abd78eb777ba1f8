/** Benchmark schedules (MODELS.md section 7): immediate, twap, vwap, pov. All constrained (constraints.ts). */
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
