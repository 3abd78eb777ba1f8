/**
 * The child-order bookkeeping of one parent order (lib/task/execution.ts): which simulator orders are ours and
 * whose child each belongs to, the committed shares (docs/models.md 4: X minus fills and cancelled shares of every
 * child), the shares of our open orders (the room S - executed - open), our own resting shares at a price (the
 * queue ahead of a new child), the deferred market shares that wait for room, the cancel of a child's orders,
 * and the fill accounting of a child (its fills, when it completed, the part of a fill that is overfill,
 * docs/models.md 5). It holds no impact and no controls: the execution decides, this keeps the books.
 */

import type { ExecutionSim } from "../sim/index.ts";
import { type ChildRecord, committedOf } from "./executionTypes.ts";

/** The fields of a new child record (its fill accounting starts at zero). */
export type NewChild = Omit<ChildRecord, "filledQty" | "completeNs" | "cancelledQty" | "limitQty" | "limits">;

/**
 * Shares of a fill of `qty` on `child` that are beyond its X (overfill), given what the child had filled or
 * cancelled before it: its committed shares are already in the impact state, only these add to it. Without a
 * child (an order we do not know) the whole fill.
 */
export function overfillShares(child: ChildRecord | undefined, qty: number): number {
  if (!child) return qty;
  const before = child.filledQty + child.cancelledQty;
  return Math.max(0, before + qty - child.qty) - Math.max(0, before - child.qty);
}

export class ChildOrders {
  readonly children: ChildRecord[] = [];
  private readonly working = new Set<number>();
  /** Order id -> the child it belongs to. */
  private readonly childOf = new Map<number, ChildRecord>();
  /** Open orders of each child (market, limits, catch-up). */
  private readonly ordersOf = new Map<ChildRecord, Set<number>>();
  /**
   * Market shares of a child that did not fit under S - executed - open when they were due (other children's
   * oversubscribed limits were still working): sent as soon as a cancel makes room.
   */
  private readonly deferred = new Map<ChildRecord, number>();
  private readonly catchUpIds = new Set<number>();
  /** Our resting limit orders: id -> (venue, price key), to count our own shares ahead of a new child. */
  private readonly limitAt = new Map<number, { venue: number; pk: number }>();

  constructor(private readonly sim: Pick<ExecutionSim, "openQty" | "cancel">) {}

  /** Record a child of X = `c.qty` shares with `limits` (shares per venue index) sent as limit orders. */
  add(c: NewChild, limits: readonly number[]): ChildRecord {
    const child: ChildRecord = {
      index: c.index,
      tsNs: c.tsNs,
      qty: c.qty,
      marketQty: c.marketQty,
      limitQty: limits.reduce((a, b) => a + b, 0),
      limits: {},
      expectedCostUsd: c.expectedCostUsd,
      alphaUsd: c.alphaUsd,
      impactUsd: c.impactUsd,
      filledQty: 0,
      completeNs: undefined,
      cancelledQty: 0,
    };
    this.children.push(child);
    this.ordersOf.set(child, new Set());
    return child;
  }

  /** Order `id` belongs to `child` (a catch-up order when `catchUp`). */
  track(child: ChildRecord, id: number, catchUp = false): void {
    this.working.add(id);
    this.childOf.set(id, child);
    this.ordersOf.get(child)!.add(id);
    if (catchUp) this.catchUpIds.add(id);
  }

  /** A resting limit order of `child` at (venue index, price key). */
  trackLimit(child: ChildRecord, id: number, venue: number, pk: number): void {
    this.track(child, id);
    this.limitAt.set(id, { venue, pk });
  }

  /** The child an order belongs to (undefined: not ours). */
  childOfOrder(id: number): ChildRecord | undefined {
    return this.childOf.get(id);
  }

  /** Was the order a catch-up market order? */
  isCatchUp(id: number): boolean {
    return this.catchUpIds.has(id);
  }

  /** Shares committed by children that are not complete (docs/models.md 4). */
  committed(): number {
    let n = 0;
    for (const c of this.ordersOf.keys()) n += committedOf(c);
    return n;
  }

  /** Shares of all our open orders. */
  openQty(): number {
    let n = 0;
    for (const id of this.working) n += this.sim.openQty(id);
    return n;
  }

  /** Shares of a child's orders still open (e.g. its market order waiting for liquidity). */
  openQtyOf(child: ChildRecord): number {
    let n = 0;
    for (const id of this.ordersOf.get(child)!) n += this.sim.openQty(id);
    return n;
  }

  /** Shares of our resting limit orders at (venue, price key). */
  ownRestingAt(venue: number, pk: number): number {
    let n = 0;
    for (const [id, at] of this.limitAt) if (at.venue === venue && at.pk === pk) n += this.sim.openQty(id);
    return n;
  }

  /** Cancel a child's open orders now; returns the shares cancelled. */
  cancelOrdersOf(child: ChildRecord): number {
    const ids = this.ordersOf.get(child);
    if (!ids) return 0;
    let n = 0;
    for (const id of ids) {
      n += this.sim.cancel(id);
      this.forget(id);
    }
    ids.clear();
    return n;
  }

  /** Cancel some of a child's orders now (its limits at the router horizon). */
  cancelOrders(child: ChildRecord, orderIds: readonly number[]): void {
    const ids = this.ordersOf.get(child)!;
    for (const id of orderIds) {
      this.sim.cancel(id);
      this.forget(id);
      ids.delete(id);
    }
  }

  /**
   * Cancel everything (the end of the window): each child's orders, then `onRest(child)` for each child in the
   * order they were sent (its committed rest is cancelled), then any order left; deferred shares are dropped.
   */
  cancelAll(onRest: (child: ChildRecord) => void): void {
    this.deferred.clear();
    for (const c of this.ordersOf.keys()) {
      this.cancelOrdersOf(c);
      onRest(c);
    }
    for (const id of this.working) this.sim.cancel(id);
    this.working.clear();
    this.limitAt.clear();
  }

  /** Deferred market shares of a child (0: none). */
  deferredOf(child: ChildRecord): number {
    return this.deferred.get(child) ?? 0;
  }

  /** `shares` more of a child's market shares wait for room. */
  defer(child: ChildRecord, shares: number): void {
    this.deferred.set(child, this.deferredOf(child) + shares);
  }

  /** Any deferred shares? */
  get hasDeferred(): boolean {
    return this.deferred.size > 0;
  }

  /** The deferred shares, oldest child first, removed from the books (the caller re-sends what fits). */
  takeDeferred(): [ChildRecord, number][] {
    const due = [...this.deferred];
    this.deferred.clear();
    return due;
  }

  /**
   * A fill of `qty` on order `id` of `child` at tsNs: the order leaves the books when it has nothing open, the
   * child's fills grow, and the child completes when they reach X. Returns true when the child has just
   * completed with orders still open (their cancel is due after the order latency; fills until then are
   * overfill).
   */
  onFill(child: ChildRecord | undefined, id: number, qty: number, tsNs: bigint): boolean {
    if (this.sim.openQty(id) === 0) {
      this.forget(id);
      if (child) this.ordersOf.get(child)!.delete(id);
    }
    if (!child) return false;
    child.filledQty += qty;
    if (child.completeNs !== undefined || child.filledQty < child.qty) return false;
    child.completeNs = tsNs;
    return this.ordersOf.get(child)!.size > 0;
  }

  private forget(id: number): void {
    this.working.delete(id);
    this.limitAt.delete(id);
  }
}
