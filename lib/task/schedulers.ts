/** Strategy spec -> Scheduler for one parent order (MODELS.md section 7). */
import {
  type ImpactParams,
  immediate,
  myopic,
  ow,
  pov,
  type Scheduler,
  twap,
  vwap,
} from "../schedule/index.ts";
import type { ParentOrder } from "./execution.ts";
import type { StrategySpec, TaskSpec } from "./spec.ts";

/** Default POV participation rate when the spec gives none. */
export const DEFAULT_POV_RHO = 0.1;

export function makeScheduler(
  s: StrategySpec,
  impact: ImpactParams,
  spec: TaskSpec,
  order: ParentOrder,
  forecastVolume: (aNs: bigint, bNs: bigint) => number,
): Scheduler {
  const opts = s.rho_max ? { rhoMax: s.rho_max } : {};
  switch (s.strategy) {
    case "immediate":
      return immediate(opts);
    case "twap":
      return twap(opts);
    case "vwap": {
      const dtNs = BigInt(Math.round(spec.decision_interval_s * 1e9));
      const endNs = order.startNs + BigInt(Math.round(order.horizonS * 1e9));
      const intervals = Math.max(1, Math.ceil(order.horizonS / spec.decision_interval_s - 1e-9));
      const volumes = Array.from({ length: intervals }, (_, k) => {
        const a = order.startNs + BigInt(k) * dtNs;
        return forecastVolume(a, a + dtNs < endNs ? a + dtNs : endNs);
      });
      // a prior-day profile with no volume in this window (e.g. the prior day's data ended at noon): the
      // forecast says nothing about the split, so the schedule is the flat one (twap) instead of failing the task
      if (!(volumes.reduce((x, y) => x + y, 0) > 0)) return twap(opts);
      return vwap(volumes, opts);
    }
    case "pov":
      return pov(s.rho ?? DEFAULT_POV_RHO, opts);
    case "ow":
      return ow(impact, opts);
    case "myopic":
      return myopic(impact, opts);
  }
}
