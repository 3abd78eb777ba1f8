/** One simulated order and the queue-position update of a resting limit order (docs/models.md 6.2, 6.3). */
import type { ConsumedLedger } from "./consumed.ts";
import type { OrderSide, QueueOrder } from "./types.ts";

export const PENDING = 0;
export const LIVE = 1;
export const DONE = 2;

export class SimOrder implements QueueOrder {
  remaining: number;
  state = PENDING;
  /**
   * DISPLAYED shares in front of us (limit orders). The full queue_ahead also counts the remaining shares of
   * the same owner's earlier orders resting at the same (venue, side, price); that part is computed on the fly
   * (executionSim.ts) and never stored, so book-update caps and the QueueModel only ever see this part.
   */
  ahead = 0;
  /** Order in which resting limit orders started resting (arrival order; queue order within an owner). */
  seq = 0;
  /** Displayed size at our price when last seen (limit orders). */
  lastSize = 0;
  /**
   * False while the queue in front of a resting limit order is unknown: it arrived at a price its venue's
   * source does not show (beyond its displayed depth, levels.ts HIDDEN). Set (with ahead = lastSize = the
   * displayed size) at the first book update where the price is displayed or known to be vacated.
   */
  known = true;
  /** FIFO priority in the order-level book (l3_fifo, lib/sim/l3Queue.ts); NaN for the L2 queue models. */
  prio = Number.NaN;
  /** Index in its resting list (passiveFills.ts; swapRemove). */
  slot = -1;
  constructor(
    readonly id: number,
    readonly owner: number,
    readonly market: boolean,
    readonly side: OrderSide,
    readonly venue: number,
    readonly priceUsd: number,
    /** priceKey(priceUsd) for limits; +Infinity (buy) / -Infinity (sell) for market orders (or their price limit). */
    readonly pk: number,
    qty: number,
    readonly arrivalNs: bigint,
    /** The owner's consumed-liquidity ledger (shared by all orders of the owner). */
    readonly ledger: ConsumedLedger,
  ) {
    this.remaining = qty;
  }
}

/** Swap-remove `o` from `list` using o.slot (safe while iterating the list backwards). */
export function swapRemove(list: SimOrder[], o: SimOrder): void {
  const last = list.pop()!;
  if (last !== o) {
    list[o.slot] = last;
    last.slot = o.slot;
  }
  o.slot = -1;
}
