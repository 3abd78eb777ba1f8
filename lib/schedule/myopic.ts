/**
 * `ow` (open loop, alpha = 0) and `myopic` (receding horizon with alpha), docs/models.md sections 4 and 7.
 * Side-adjusted: quantities are positive shares in the parent's direction, alpha and impact are multiplied by
 * the side s (positive = against us).
 */
import { exponentialAlpha, zeroAlpha } from "./alphaPath.ts";
import { type ConstraintOptions, constrained, intervalsLeft } from "./constraints.ts";
import { solveOw } from "./ow.ts";
import type { DecisionInput, ImpactParams, RawStrategy, Scheduler } from "./types.ts";

/**
 * Grid cells per decision interval for the no-selling check / clipped re-solve. Only the first interval's
 * quantity is used: over 96 clipped problems (S 1k-20k shares, T 5-30 min, alpha +-1 to 20 cents) it moved by
 * less than 5e-6 S between 20 and 5 cells, while 5 cells solve ~16x faster (the active set is O(n^2)).
 */
const CELLS_PER_INTERVAL = 5;
/** Upper bound on grid points per re-solve. */
const MAX_GRID = 2000;

function gridStep(d: DecisionInput, remainingHorizonS: number): number {
  const cells = Math.max(1, Math.min(CELLS_PER_INTERVAL, Math.floor(MAX_GRID / intervalsLeft(d))));
  return Math.min(d.intervalS, remainingHorizonS) / cells;
}

/**
 * Raw open-loop OW: the plan made at t0 for the whole parent (S = parentQty, I0 = 0, alpha = 0), child k =
 * Q(t_{k+1}-) - Q(t_k-) shares, i.e. the block S/(2 + beta T) in the first child, then the rate
 * beta S/(2 + beta T) shares per second, and the terminal block in the last child.
 */
export function owRaw(params: ImpactParams): RawStrategy {
  return {
    name: "ow",
    target: (d) => {
      const plan = solveOw({
        ...params,
        shares: d.parentQty,
        horizonS: d.horizonS,
        impactUsd: 0,
        alpha: zeroAlpha,
      });
      return plan.tradedBefore(d.elapsedS + d.intervalS) - plan.tradedBefore(d.elapsedS);
    },
  };
}

/**
 * Raw myopic: re-solve OW at t_k with S = remaining, T = horizonS - elapsedS, I0 = impactUsd and the latest
 * alpha (exponential approach, alpha(t) = A (exp(-t/H) - exp(-T/H))), and return the first interval's
 * planned quantity q0 + int_0^dt rate (shares).
 */
export function myopicRaw(params: ImpactParams): RawStrategy {
  return {
    name: "myopic",
    closedLoop: true,
    target: (d) => {
      const horizonS = d.horizonS - d.elapsedS;
      const alpha = exponentialAlpha(d.alpha.moveUsd, d.alpha.timescaleS, horizonS);
      const plan = solveOw(
        { ...params, shares: d.remaining, horizonS, impactUsd: d.impactUsd, alpha },
        { gridStepS: gridStep(d, horizonS) },
      );
      return plan.tradedBefore(d.intervalS);
    },
  };
}

/** `ow` strategy: open-loop OW with alpha = 0 under the common constraints. */
export function ow(params: ImpactParams, options: ConstraintOptions = {}): Scheduler {
  return constrained(owRaw(params), options);
}

/** `myopic` strategy: receding-horizon OW with alpha under the common constraints. */
export function myopic(params: ImpactParams, options: ConstraintOptions = {}): Scheduler {
  return constrained(myopicRaw(params), options);
}
