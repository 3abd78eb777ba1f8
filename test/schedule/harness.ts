/** Drive a Scheduler through one parent order whose children fill completely (test helper). */
import { ImpactState } from "../../lib/schedule/impact.ts";
import {
  type AlphaForecast,
  type DecisionInput,
  NO_ALPHA,
  type Scheduler,
} from "../../lib/schedule/types.ts";

export interface ParentSpec {
  readonly parentQty: number;
  readonly horizonS: number;
  readonly intervalS: number;
  /** Forecast volume of interval k (shares); default 10 x parent / intervals. */
  readonly forecast?: (k: number) => number;
  /** Realized market volume of interval k (shares); default = forecast. */
  readonly market?: (k: number) => number;
  readonly alpha?: (k: number) => AlphaForecast;
  /** Impact model for the ImpactState fed back to the scheduler (children fill uniformly over the interval). */
  readonly impact?: { lambdaUsd: number; beta: number };
}

export interface RunResult {
  readonly children: number[];
  readonly inputs: DecisionInput[];
}

export function runParent(scheduler: Scheduler, spec: ParentSpec): RunResult {
  const n = Math.max(1, Math.ceil(spec.horizonS / spec.intervalS - 1e-9));
  const forecast = spec.forecast ?? (() => (10 * spec.parentQty) / n);
  const market = spec.market ?? forecast;
  const state = new ImpactState(spec.impact ?? { lambdaUsd: 0, beta: 1 });
  const children: number[] = [];
  const inputs: DecisionInput[] = [];
  let remaining = spec.parentQty;
  for (let k = 0; k < n; k++) {
    const elapsedS = k * spec.intervalS;
    const intervalS = Math.min(spec.intervalS, spec.horizonS - elapsedS);
    const input: DecisionInput = {
      k,
      elapsedS,
      horizonS: spec.horizonS,
      intervalS,
      remaining,
      parentQty: spec.parentQty,
      marketVolumePrev: k === 0 ? 0 : market(k - 1),
      forecastVolume: forecast(k),
      alpha: spec.alpha?.(k) ?? NO_ALPHA,
      impactUsd: state.value,
    };
    const child = scheduler.decide(input);
    inputs.push(input);
    children.push(child);
    remaining -= child;
    state.fillUniform(child, intervalS);
  }
  return { children, inputs };
}
