/**
 * Queue-position models for resting orders (MODELS.md 6.3), after hftbacktest
 * (`src/backtest/models/queue.rs`: RiskAdverseQueueModel, ProbQueueModel with PowerProbQueueFunc).
 */
import { InputError } from "../core/errors.ts";
import type { QueueModel } from "./types.ts";

/**
 * `risk_averse`: cancels never advance us. queue_ahead only falls through trades at our price and through the
 * cap queue_ahead <= displayed level size (applied by the simulator on every book update).
 */
export function riskAverse(): QueueModel {
  return { name: "risk_averse", advanceOnCancel: () => 0 };
}

/**
 * `prob(n)`: a cancel of c shares was behind us with probability p = behind^n / (behind^n + ahead^n), so
 * queue_ahead falls by (1 - p) c, plus the part of the "behind" share that cannot come from behind:
 * advance = (1 - p) c + max(0, p c - behind) (hftbacktest ProbQueueModel: est_front = front - (1 - p) chg +
 * min(back - p chg, 0)). With ahead = 0 there is nothing to advance (p = 1); with behind = 0, p = 0 and the
 * whole cancel was ahead of us. Computed as r = (behind/ahead)^n, p = r / (1 + r) so large n cannot overflow.
 */
export function probQueue(n: number): QueueModel {
  if (!(n > 0) || !Number.isFinite(n)) {
    throw new InputError(
      `probQueue exponent n must be a finite number > 0 (got ${n}); typical values are 1, 2 or 3`,
    );
  }
  return {
    name: `prob(${n})`,
    advanceOnCancel(ahead: number, behind: number, cancelled: number): number {
      if (!(ahead > 0) || !(cancelled > 0)) return 0;
      const r = (Math.max(0, behind) / ahead) ** n;
      const p = r === Number.POSITIVE_INFINITY ? 1 : r / (1 + r);
      return (1 - p) * cancelled + Math.max(0, p * cancelled - Math.max(0, behind));
    },
  };
}
