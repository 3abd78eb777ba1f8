/**
 * The exact FIFO fill rule of a passive order in an order-level (MBO) book (docs/models.md 6.7), shared by the
 * queue check (queueCheck.ts) and the `l3_fifo` queue model of the simulator (l3Queue.ts): ONE implementation.
 *
 * Our order takes a FIFO priority when it joins the back of the queue at its price (FifoBook.takePriority):
 * every order resting there then is ahead of it, every order joining later (or losing its place through a
 * modify up or to another price) is behind it. Cancels of orders ahead advance it, cancels behind do not (the
 * priorities say which is which, nothing is guessed). It is REACHED by a trade when the trade fills a resting
 * order behind it: an F (fill) record of a resting order on its side at its price with a later priority, or at
 * a price worse than its own (the aggressor went through its price). The aggressor's own F record (same order
 * id as the trade's T record) is not a resting fill. Trades through our price and quote crosses are filled by
 * the rules every queue model shares (passiveFills.ts; queueCheck.ts applies the same two).
 */
import { ASK, BID, FifoBook } from "../mbo/fifoBook.ts";
import { Action } from "../mbp10/schema.ts";

/**
 * Does a resting fill on book side `fillSide` (BID/ASK) at price key `fillPk` of an order with priority
 * `fillPrio` reach our order resting on `side` at `pk` with priority `prio`? Same side, and a worse price than
 * ours (through) or our price with a later priority (behind us).
 */
export function fillReaches(
  fillSide: number,
  fillPk: number,
  fillPrio: number,
  side: number,
  pk: number,
  prio: number,
): boolean {
  if (fillSide !== side) return false;
  const through = side === BID ? fillPk < pk : fillPk > pk;
  return through || (fillPk === pk && fillPrio > prio);
}

/**
 * An order-level book fed MBO records one at a time, remembering the resting fills of the current trade (the F
 * records since the last T record): which of them reach a hypothetical order of a given priority.
 */
export class FifoTracker {
  readonly book = new FifoBook();
  private aggressor = -1n;
  /** Resting fills of the current trade: side, price key, priority, size. */
  private fSide = new Int32Array(16);
  private fPk = new Float64Array(16);
  private fPrio = new Float64Array(16);
  private fSize = new Float64Array(16);
  /** Number of resting fills of the current trade. */
  fills = 0;

  /**
   * Apply one MBO record (ASCII action and side codes, price, size, order id). Returns true when it is a
   * resting fill (an F record of a resting order other than the trade's aggressor); its side, price key,
   * priority and size are then the last entry (lastFill*).
   */
  apply(action: number, sideCode: number, price: number, size: number, orderId: bigint): boolean {
    if (action === Action.Trade) {
      this.aggressor = orderId;
      this.fills = 0;
      return false;
    }
    if (action === Action.Fill) {
      if (orderId === this.aggressor) return false;
      const side = this.book.sideOf(orderId);
      if (side < 0) return false;
      this.push(side, this.book.keyOf(orderId), this.book.priorityOf(orderId), size);
      return true;
    }
    this.book.apply(action, sideCode, price, size, orderId);
    return false;
  }

  /** Side, price key and priority of the last resting fill (after apply returned true). */
  get lastFillSide(): number {
    return this.fSide[this.fills - 1]!;
  }
  get lastFillPk(): number {
    return this.fPk[this.fills - 1]!;
  }
  get lastFillPrio(): number {
    return this.fPrio[this.fills - 1]!;
  }

  /**
   * Shares of the current trade's resting fills that reach an order on `side` at `pk` with priority `prio`
   * (fillReaches): the part of the aggressor that would have met our order before the orders it filled.
   */
  reachedShares(side: number, pk: number, prio: number): number {
    let n = 0;
    for (let j = 0; j < this.fills; j++) {
      if (fillReaches(this.fSide[j]!, this.fPk[j]!, this.fPrio[j]!, side, pk, prio)) n += this.fSize[j]!;
    }
    return n;
  }

  /** Shares resting ahead of an order at (side, pk) with priority `prio`. */
  sizeAhead(side: number, pk: number, prio: number): number {
    return this.book.sizeAhead(side, pk, prio);
  }

  private push(side: number, pk: number, prio: number, size: number): void {
    if (this.fills === this.fSide.length) {
      const n = this.fills * 2;
      const i = new Int32Array(n);
      i.set(this.fSide);
      this.fSide = i;
      for (const k of ["fPk", "fPrio", "fSize"] as const) {
        const f = new Float64Array(n);
        f.set(this[k]);
        this[k] = f;
      }
    }
    const j = this.fills++;
    this.fSide[j] = side;
    this.fPk[j] = pk;
    this.fPrio[j] = prio;
    this.fSize[j] = size;
  }
}

export { ASK, BID };
