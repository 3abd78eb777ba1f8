/**
 * The constraints every schedule obeys (docs/models.md section 4), implemented once around a RawStrategy:
 *  1. never negative (no trading against the parent side);
 *  2. participation cap: at most rhoMax x forecastVolume shares (optional);
 *  3. integer shares, the fractional remainder (< 1 share) carried to the next decision (open-loop strategies
 *     only: a closed-loop one re-plans from `remaining`, which already holds the unsent fraction);
 *  4. never more than `remaining`;
 *  5. the LAST interval (elapsedS + intervalS >= horizonS - 1e-9) takes everything left, cap or not.
 * Shares removed by the cap are not carried: closed-loop strategies (myopic, pov) re-plan from `remaining`,
 * open-loop ones leave them to the last interval.
 */
import { ModelError } from "../core/errors.ts";
import type { DecisionInput, RawStrategy, Scheduler } from "./types.ts";

export interface ConstraintOptions {
  /** Participation cap as a fraction of the interval's forecast volume (e.g. 0.1); none when undefined. */
  readonly rhoMax?: number;
}

/** True for the last decision of the parent: elapsedS + intervalS >= horizonS - 1e-9 (seconds). */
export function isLastInterval(input: DecisionInput): boolean {
  return input.elapsedS + input.intervalS >= input.horizonS - 1e-9;
}

/** Number of decisions left including this one: ceil((horizonS - elapsedS) / intervalS - 1e-9), >= 1. */
export function intervalsLeft(input: DecisionInput): number {
  return Math.max(1, Math.ceil((input.horizonS - input.elapsedS) / input.intervalS - 1e-9));
}

/** Wrap a raw strategy into a Scheduler that applies the constraints above (stateful: the carry). */
export function constrained(strategy: RawStrategy, options: ConstraintOptions = {}): Scheduler {
  const rhoMax = options.rhoMax;
  if (rhoMax !== undefined && !(rhoMax > 0)) {
    throw new ModelError(
      `participation cap rhoMax must be > 0 (a fraction of forecast volume), got ${rhoMax}`,
    );
  }
  let carry = 0;
  return {
    name: strategy.name,
    decide(input: DecisionInput): number {
      if (input.k === 0) carry = 0;
      const remaining = Math.max(0, Math.round(input.remaining));
      if (remaining === 0) return 0;
      if (isLastInterval(input)) {
        carry = 0;
        return remaining;
      }
      const raw = strategy.target(input);
      if (!Number.isFinite(raw)) {
        throw new ModelError(
          `strategy ${strategy.name} returned ${raw} shares at decision ${input.k}; check its inputs`,
        );
      }
      let want = Math.max(0, raw) + (strategy.closedLoop ? 0 : carry);
      if (rhoMax !== undefined) want = Math.min(want, rhoMax * Math.max(0, input.forecastVolume));
      const n = Math.min(Math.floor(want + 1e-9), remaining);
      carry = n < remaining ? Math.max(0, want - n) : 0;
      return n;
    },
  };
}
