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
      return vwap((k) => {
        const a = order.startNs + BigInt(k) * dtNs;
        const b = a + dtNs < endNs ? a + dtNs : endNs;
        return forecastVolume(a, b);
      }, opts);
    }
    case "pov":
      return pov(s.rho ?? DEFAULT_POV_RHO, opts);
    case "ow":
      return ow(impact, opts);
    case "myopic":
      return myopic(impact, opts);
  }
}
