/**
 * Queue-position models for resting orders (docs/models.md 6.3), shaped like hftbacktest's
 * (`src/backtest/models/queue.rs`): a QueueModel owns the life of an order's place in its queue — it arrives
 * behind the displayed size, trades at its price eat the queue in front of it and then fill it, size
 * decreases that are not trades are cancels split between in front and behind, and the queue in front never
 * exceeds what is displayed. The split of a cancel is the one pluggable rule: risk_averse (never in front),
 * or ProbQueueModel with a probability function prob(ahead, behind) — power (hftbacktest PowerProbQueueFunc)
 * or log (LogProbQueueFunc).
 *
 * Every function acts on the DISPLAYED part of queue_ahead (QueueOrder.ahead); the same owner's earlier
 * orders at the price (the own part) are handed in by the simulator where a rule needs them.
 */
import { InputError } from "../core/errors.ts";
import type { QueueModel, QueueOrder } from "./types.ts";

/** Probability that a cancel at our level came from behind us, given the shares ahead (> 0) and behind. */
export type QueueProbFunction = (ahead: number, behind: number) => number;

/**
 * power n: p = behind^n / (behind^n + ahead^n), computed as r = (behind/ahead)^n, p = r / (1 + r) so that a
 * large n cannot overflow.
 */
export function powerProb(n: number): QueueProbFunction {
  if (!(n > 0) || !Number.isFinite(n)) {
    throw new InputError(
      `probQueue exponent n must be a finite number > 0 (got ${n}); typical values are 1, 2 or 3`,
    );
  }
  return (ahead, behind) => {
    const r = (Math.max(0, behind) / ahead) ** n;
    return r === Number.POSITIVE_INFINITY ? 1 : r / (1 + r);
  };
}

/** log: p = ln(1 + behind) / (ln(1 + behind) + ln(1 + ahead)). */
export function logProb(): QueueProbFunction {
  return (ahead, behind) => {
    const b = Math.log1p(Math.max(0, behind));
    return b / (b + Math.log1p(ahead));
  };
}

/**
 * A QueueModel from its cancel rule: `advanceOnCancel(ahead, behind, cancelled)` = shares by which the
 * displayed queue in front falls when `cancelled` shares leave the level; the rest of the queue life is the
 * same for every model.
 */
export function queueModel(
  name: string,
  advanceOnCancel: (ahead: number, behind: number, cancelled: number) => number,
): QueueModel {
  return {
    name,
    advanceOnCancel,
    arrive(o: QueueOrder, displayed: number): void {
      o.ahead = o.lastSize = displayed;
    },
    tradeAtPrice(o: QueueOrder, budget: number, ownBefore: number, ownAfter: number): number {
      // Q = displayed + own part in front before the trade; the order fills S - Q, the queue falls by S
      const q = budget > 0 ? budget - (o.ahead + ownBefore) : 0;
      if (budget > 0) o.ahead = Math.max(0, o.ahead + ownBefore - budget - ownAfter);
      return q;
    },
    levelChange(o: QueueOrder, size: number, traded: number): void {
      // a decrease is first explained by `traded` shares printed at the price since the venue's last book
      // update (already taken off at the trade); the rest is a cancel, split by the model. Note:
      // hftbacktest uses behind = lastSize - ahead (it still counts the traded shares as behind us).
      const dec = o.lastSize - size;
      if (dec > 0 && o.ahead > 0) {
        const explained = Math.min(dec, traded);
        const cancelled = dec - explained;
        if (cancelled > 0) {
          const behind = Math.max(0, o.lastSize - explained - o.ahead);
          const adv = advanceOnCancel(o.ahead, behind, cancelled);
          if (adv > 0) o.ahead -= Math.min(adv, o.ahead, cancelled);
        }
      }
      if (o.ahead > size) o.ahead = size;
      o.lastSize = size;
    },
  };
}

/**
 * `risk_averse`: cancels never advance us. queue_ahead only falls through trades at our price and through the
 * cap queue_ahead <= displayed level size.
 */
export function riskAverse(): QueueModel {
  return queueModel("risk_averse", () => 0);
}

/**
 * ProbQueueModel: a cancel of c shares was behind us with probability p = prob(ahead, behind), so
 * queue_ahead falls by (1 - p) c, plus the part of the "behind" share that cannot come from behind:
 * advance = (1 - p) c + max(0, p c - behind) (hftbacktest: est_front = front - (1 - p) chg +
 * min(back - p chg, 0)). With ahead = 0 there is nothing to advance; with behind = 0 and a power or log
 * function, p = 0 and the whole cancel was ahead of us.
 */
export function probQueueWith(name: string, prob: QueueProbFunction): QueueModel {
  return queueModel(name, (ahead, behind, cancelled) => {
    if (!(ahead > 0) || !(cancelled > 0)) return 0;
    const p = prob(ahead, behind);
    return (1 - p) * cancelled + Math.max(0, p * cancelled - Math.max(0, behind));
  });
}

/** `prob(n)`: ProbQueueModel with the power function of exponent n. */
export function probQueue(n: number): QueueModel {
  return probQueueWith(`prob(${n})`, powerProb(n));
}

/** `log_prob`: ProbQueueModel with the log function. */
export function logProbQueue(): QueueModel {
  return probQueueWith("log_prob", logProb());
}
