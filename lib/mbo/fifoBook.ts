/**
 * A per-order limit order book in price-time (FIFO) priority, rebuilt from MBO events (docs/models.md 1c):
 * - A add: the order joins the BACK of the queue at its price;
 * - C cancel: removes `size` shares of the order (the whole order when nothing is left);
 * - M modify: a size decrease at the same price keeps the order's place; a size increase or a price change
 *   loses it (the order moves to the back of the queue at its new price; CME and Databento's convention);
 * - R clear: empties the book; T trade and F fill do not change it (the C/M records after them do).
 * Every order carries a priority number `prio` (increasing in the order of joining a queue), so "is order X
 * ahead of a hypothetical order that joined at priority j" is `prio(X) <= j` at the same price.
 *
 * Storage: orders and price levels live in growable typed-array pools indexed by slot; the one Map per kind
 * (order id -> slot, price key -> level slot) is the unavoidable id lookup of an order book. Levels keep
 * their orders in a doubly-linked FIFO list and their total size and order count; each side keeps its price
 * keys sorted for the top-N view.
 */
import { priceKey } from "../core/units.ts";
import { Action, Side } from "../mbp10/schema.ts";

export const BID = 0;
export const ASK = 1;

/** Book side (BID/ASK) of an A/C/M record's side code, -1 for 'N'. */
export function bookSide(sideCode: number): number {
  return sideCode === Side.Bid ? BID : sideCode === Side.Ask ? ASK : -1;
}

/** What one applied record did to the book (reused, overwritten by the next apply). */
export interface BookChange {
  /** True when the record changed the book (A, C, M, R that matched an order or a non-empty book). */
  changed: boolean;
  /** Side and price key of the level the record touched (for M: the NEW level); -1 / NaN when none. */
  side: number;
  pk: number;
  /** For M with a price change: the old price key (NaN otherwise). */
  oldPk: number;
  /** Records whose order was unknown (C/M of an order never added), or that could not be applied. */
  unknown: boolean;
}

function growF64(a: Float64Array, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}
function growI32(a: Int32Array, n: number, fill = 0): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n).fill(fill);
  b.set(a);
  return b;
}

export class FifoBook {
  // orders by slot
  private oKey = new Float64Array(1024);
  private oSize = new Float64Array(1024);
  private oPrio = new Float64Array(1024);
  private oLevel = new Int32Array(1024);
  private oNext = new Int32Array(1024);
  private oPrev = new Int32Array(1024);
  private readonly slotOf = new Map<bigint, number>();
  private freeOrders: number[] = [];
  private nOrders = 0;
  // levels by slot
  private lHead = new Int32Array(256);
  private lTail = new Int32Array(256);
  private lSize = new Float64Array(256);
  private lCount = new Int32Array(256);
  private lSide = new Int32Array(256);
  private lKey = new Float64Array(256);
  private readonly levelOf: [Map<number, number>, Map<number, number>] = [new Map(), new Map()];
  private freeLevels: number[] = [];
  private nLevels = 0;
  /** Price keys per side, ascending (bids: best last; asks: best first). */
  private readonly keys: [number[], number[]] = [[], []];
  private nextPrio = 1;
  readonly change: BookChange = {
    changed: false,
    side: -1,
    pk: Number.NaN,
    oldPk: Number.NaN,
    unknown: false,
  };

  /** Take a priority number (for a hypothetical order joining the back of a queue now). */
  takePriority(): number {
    return this.nextPrio++;
  }

  /** Number of resting orders. */
  get orderCount(): number {
    return this.slotOf.size;
  }

  /**
   * Apply one MBO record (action and side ASCII codes, price in the instrument's unit, size, order id).
   * Returns `this.change`.
   */
  apply(action: number, sideCode: number, price: number, size: number, orderId: bigint): BookChange {
    const c = this.change;
    c.changed = false;
    c.side = -1;
    c.pk = Number.NaN;
    c.oldPk = Number.NaN;
    c.unknown = false;
    if (action === Action.Clear) {
      c.changed = this.slotOf.size > 0;
      this.clear();
      return c;
    }
    if (action !== Action.Add && action !== Action.Cancel && action !== Action.Modify) return c;
    const side = bookSide(sideCode);
    const slot = this.slotOf.get(orderId);
    if (action === Action.Add) {
      if (side < 0 || Number.isNaN(price) || slot !== undefined) {
        c.unknown = true;
        return c;
      }
      const pk = priceKey(price);
      this.insert(this.newOrder(orderId), side, pk, size);
      c.changed = true;
      c.side = side;
      c.pk = pk;
      return c;
    }
    if (slot === undefined) {
      // a modify of an unknown order adds it (Databento: a modify may arrive for an order first seen then)
      if (action === Action.Modify && side >= 0 && !Number.isNaN(price) && size > 0) {
        const pk = priceKey(price);
        this.insert(this.newOrder(orderId), side, pk, size);
        c.changed = true;
        c.side = side;
        c.pk = pk;
      }
      c.unknown = true;
      return c;
    }
    const lv = this.oLevel[slot]!;
    const oldSide = this.lSide[lv]!;
    const oldPk = this.lKey[lv]!;
    c.changed = true;
    if (action === Action.Cancel) {
      c.side = oldSide;
      c.pk = oldPk;
      const left = this.oSize[slot]! - size;
      if (left > 0) {
        this.oSize[slot] = left;
        this.lSize[lv]! -= size;
      } else {
        this.unlink(slot);
        this.freeOrder(orderId, slot);
      }
      return c;
    }
    // modify
    const newSide = side >= 0 ? side : oldSide;
    const pk = Number.isNaN(price) ? oldPk : priceKey(price);
    c.side = newSide;
    c.pk = pk;
    if (size <= 0) {
      this.unlink(slot);
      this.freeOrder(orderId, slot);
      return c;
    }
    if (pk === oldPk && newSide === oldSide && size <= this.oSize[slot]!) {
      this.lSize[lv]! -= this.oSize[slot]! - size;
      this.oSize[slot] = size;
      return c;
    }
    if (pk !== oldPk) c.oldPk = oldPk;
    this.unlink(slot);
    this.insert(slot, newSide, pk, size);
    return c;
  }

  /** Empty the book. */
  clear(): void {
    this.slotOf.clear();
    this.levelOf[0].clear();
    this.levelOf[1].clear();
    this.keys[0].length = 0;
    this.keys[1].length = 0;
    this.freeOrders = [];
    this.freeLevels = [];
    this.nOrders = 0;
    this.nLevels = 0;
  }

  /** Total size at (side, pk); 0 when no order rests there. */
  levelSize(side: number, pk: number): number {
    const lv = this.levelOf[side]!.get(pk);
    return lv === undefined ? 0 : this.lSize[lv]!;
  }

  /** Number of orders at (side, pk). */
  levelCount(side: number, pk: number): number {
    const lv = this.levelOf[side]!.get(pk);
    return lv === undefined ? 0 : this.lCount[lv]!;
  }

  /** Number of price levels on `side`. */
  depth(side: number): number {
    return this.keys[side]!.length;
  }

  /** Price key of the level `i` from the best (0 = best) on `side`; NaN when there is none. */
  levelKey(side: number, i: number): number {
    const k = this.keys[side]!;
    if (i >= k.length) return Number.NaN;
    return side === BID ? k[k.length - 1 - i]! : k[i]!;
  }

  /** Level index (0 = best) of price key `pk` on `side`; -1 when not present. */
  levelIndex(side: number, pk: number): number {
    const k = this.keys[side]!;
    const j = lowerBound(k, pk);
    if (j >= k.length || k[j] !== pk) return -1;
    return side === BID ? k.length - 1 - j : j;
  }

  /** Priority of a resting order, NaN when it is not in the book. */
  priorityOf(orderId: bigint): number {
    const s = this.slotOf.get(orderId);
    return s === undefined ? Number.NaN : this.oPrio[s]!;
  }

  /** Book side of a resting order, -1 when it is not in the book. */
  sideOf(orderId: bigint): number {
    const s = this.slotOf.get(orderId);
    return s === undefined ? -1 : this.lSide[this.oLevel[s]!]!;
  }

  /** Price key of a resting order, NaN when it is not in the book. */
  keyOf(orderId: bigint): number {
    const s = this.slotOf.get(orderId);
    return s === undefined ? Number.NaN : this.oKey[s]!;
  }

  /** Remaining size of a resting order, 0 when it is not in the book. */
  sizeOf(orderId: bigint): number {
    const s = this.slotOf.get(orderId);
    return s === undefined ? 0 : this.oSize[s]!;
  }

  /** Shares at (side, pk) of orders with priority <= `prio` (the queue in front of a hypothetical order). */
  sizeAhead(side: number, pk: number, prio: number): number {
    const lv = this.levelOf[side]!.get(pk);
    if (lv === undefined) return 0;
    let n = 0;
    for (let s = this.lHead[lv]!; s >= 0 && this.oPrio[s]! <= prio; s = this.oNext[s]!) n += this.oSize[s]!;
    return n;
  }

  /** Sizes of the orders at (side, pk) in queue order (tests and diagnostics). */
  queue(side: number, pk: number): number[] {
    const lv = this.levelOf[side]!.get(pk);
    const out: number[] = [];
    if (lv === undefined) return out;
    for (let s = this.lHead[lv]!; s >= 0; s = this.oNext[s]!) out.push(this.oSize[s]!);
    return out;
  }

  private newOrder(orderId: bigint): number {
    let s = this.freeOrders.pop();
    if (s === undefined) {
      s = this.nOrders++;
      if (s >= this.oKey.length) {
        const n = this.oKey.length * 2;
        this.oKey = growF64(this.oKey, n);
        this.oSize = growF64(this.oSize, n);
        this.oPrio = growF64(this.oPrio, n);
        this.oLevel = growI32(this.oLevel, n);
        this.oNext = growI32(this.oNext, n);
        this.oPrev = growI32(this.oPrev, n);
      }
    }
    this.slotOf.set(orderId, s);
    return s;
  }

  private freeOrder(orderId: bigint, slot: number): void {
    this.slotOf.delete(orderId);
    this.freeOrders.push(slot);
  }

  /** Append order `slot` at the back of (side, pk) with a new priority. */
  private insert(slot: number, side: number, pk: number, size: number): void {
    let lv = this.levelOf[side]!.get(pk);
    if (lv === undefined) lv = this.newLevel(side, pk);
    this.oKey[slot] = pk;
    this.oSize[slot] = size;
    this.oPrio[slot] = this.nextPrio++;
    this.oLevel[slot] = lv;
    const tail = this.lTail[lv]!;
    this.oPrev[slot] = tail;
    this.oNext[slot] = -1;
    if (tail >= 0) this.oNext[tail] = slot;
    else this.lHead[lv] = slot;
    this.lTail[lv] = slot;
    this.lSize[lv]! += size;
    this.lCount[lv]!++;
  }

  /** Take order `slot` out of its level (the level goes when empty). */
  private unlink(slot: number): void {
    const lv = this.oLevel[slot]!;
    const prev = this.oPrev[slot]!;
    const next = this.oNext[slot]!;
    if (prev >= 0) this.oNext[prev] = next;
    else this.lHead[lv] = next;
    if (next >= 0) this.oPrev[next] = prev;
    else this.lTail[lv] = prev;
    this.lSize[lv]! -= this.oSize[slot]!;
    if (--this.lCount[lv]! === 0) this.dropLevel(lv);
  }

  private newLevel(side: number, pk: number): number {
    let lv = this.freeLevels.pop();
    if (lv === undefined) {
      lv = this.nLevels++;
      if (lv >= this.lHead.length) {
        const n = this.lHead.length * 2;
        this.lHead = growI32(this.lHead, n);
        this.lTail = growI32(this.lTail, n);
        this.lSize = growF64(this.lSize, n);
        this.lCount = growI32(this.lCount, n);
        this.lSide = growI32(this.lSide, n);
        this.lKey = growF64(this.lKey, n);
      }
    }
    this.lHead[lv] = -1;
    this.lTail[lv] = -1;
    this.lSize[lv] = 0;
    this.lCount[lv] = 0;
    this.lSide[lv] = side;
    this.lKey[lv] = pk;
    this.levelOf[side]!.set(pk, lv);
    const k = this.keys[side]!;
    k.splice(lowerBound(k, pk), 0, pk);
    return lv;
  }

  private dropLevel(lv: number): void {
    const side = this.lSide[lv]!;
    const pk = this.lKey[lv]!;
    this.levelOf[side]!.delete(pk);
    const k = this.keys[side]!;
    k.splice(lowerBound(k, pk), 1);
    this.freeLevels.push(lv);
  }
}

/** First index of ascending `a` whose value is >= x. */
function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
