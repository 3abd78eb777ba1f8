/** One simulated order and the queue-position update of a resting limit order (MODELS.md 6.2, 6.3). */
import type { ConsumedLedger } from "./consumed.ts";
import type { OrderSide, QueueModel } from "./types.ts";

export const PENDING = 0;
export const LIVE = 1;
export const DONE = 2;

export class SimOrder {
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
  /** Index in its resting or waiting list. */
  slot = -1;
  constructor(
    readonly id: number,
    readonly owner: number,
    readonly market: boolean,
    readonly side: OrderSide,
    readonly venue: number,
    readonly priceUsd: number,
    /** priceKey(priceUsd) for limits; +Infinity (buy) / -Infinity (sell) for market orders. */
    readonly pk: number,
    qty: number,
    readonly arrivalNs: bigint,
    /** The owner's consumed-liquidity ledger (shared by all orders of the owner). */
    readonly ledger: ConsumedLedger,
  ) {
    this.remaining = qty;
  }
}

/**
 * A new consistent book shows `size` shares at o's price (0 = vacated). A decrease d = lastSize - size is
 * first explained by `traded` shares printed there since the venue's last book update (already applied to
 * queue_ahead at the trade); the rest c = d - min(d, traded) is a cancel: queue_ahead -= clamp(model(ahead,
 * behind, c), 0, min(ahead, c)) with behind = lastSize - min(d, traded) - ahead. Finally queue_ahead <= size. Acts on the DISPLAYED part of
 * queue_ahead only (o.ahead); the owner's earlier orders in front of us are not in the displayed sizes.
 * Note: hftbacktest uses behind = lastSize - ahead (it still counts the traded shares as behind us).
 */
export function advanceQueue(o: SimOrder, size: number, traded: number, model: QueueModel): void {
  const dec = o.lastSize - size;
  if (dec > 0 && o.ahead > 0) {
    const explained = Math.min(dec, traded);
    const cancelled = dec - explained;
    if (cancelled > 0) {
      const behind = Math.max(0, o.lastSize - explained - o.ahead);
      const adv = model.advanceOnCancel(o.ahead, behind, cancelled);
      if (adv > 0) o.ahead -= Math.min(adv, o.ahead, cancelled);
    }
  }
  if (o.ahead > size) o.ahead = size;
  o.lastSize = size;
}
