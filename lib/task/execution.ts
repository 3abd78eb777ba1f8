/**
 * One parent order executed by one strategy instance: the decision loop (every decision interval), child
 * orders as market orders or through the Cont-Kukanov router, catch-up at the router horizon, and the
 * bookkeeping the metrics need. Each instance is one simulator "owner", so it sees the market as if alone.
 *
 * Committed shares (docs/models.md 4): a child's shares that have not filled yet are COMMITTED. At each decision
 * the remaining quantity is S - executed - committed, and a child's shares enter the scheduler's impact state
 * when it is sent (as if executed then); when a child's unfilled rest is cancelled without being re-sent, those
 * shares leave both (`ImpactState.withdraw`). Without this a resting child would be scheduled twice.
 * Oversubscription (docs/models.md 5): a router child may send M + sum L_k > X. Once its fills reach X its
 * resting orders are cancelled after the order latency; fills before that are the child's overfill (they
 * count, are reported, and reduce what later children send). The parent never has more shares working than
 * S - executed, so its fills never exceed S.
 * Own-impact overlay (docs/models.md 6.6): besides the scheduler's impact STATE (what it believes, committed shares
 * included) each execution carries the overlay of its impact model, which the simulator applies to its fills
 * (a market block pays Q F(Y) + max(0, C_own - W), a limit fill q F(Y): Fill.impactUsd); the mids at T_last and
 * 5 minutes after it include the owner's impact (m + s F(Y)).
 * This class is the coordinator; the parts live beside it: the types and the context (executionTypes.ts), the
 * child-order bookkeeping (children.ts), the risk controls (riskControls.ts) and the two impacts (ownImpact.ts).
 */

import { Rng, seedFrom } from "../core/rng.ts";
import { priceKey } from "../core/units.ts";
import { REVERSION_DELAY_NS } from "../metrics/parentMetrics.ts";
import type { Scheduler } from "../schedule/index.ts";
import { completionCost } from "../sim/completion.ts";
import type { Fill } from "../sim/types.ts";
import { ChildOrders, overfillShares } from "./children.ts";
import {
  type ChildRecord,
  committedOf,
  type ExecutionContext,
  type LimitOrderRecord,
  type ParentOrder,
  type StrategyInstance,
} from "./executionTypes.ts";
import { Markouts } from "./markouts.ts";
import { ParentImpact } from "./ownImpact.ts";
import { ParentRecord } from "./parentRecord.ts";
import { RiskGate, trimToRoom } from "./riskControls.ts";
import { routeChild } from "./routeChild.ts";
import type { TapeMark } from "./tape.ts";

// the types and the limit price were defined here: re-exported for the importers of this module
export type {
  ChildRecord,
  ExecutionContext,
  FillRecord,
  HaltView,
  ParentOrder,
  RiskControls,
  StrategyInstance,
} from "./executionTypes.ts";
export { overfillOf } from "./executionTypes.ts";
export { limitPriceUsd } from "./riskControls.ts";

const MAX_DECISIONS = 100_000;
/** The sqrt overlay's reference size q_ref as a share of ADV (docs/models.md 6.6). */
const SQRT_REF_ADV_SHARE = 0.01;

export class ParentExecution extends ParentRecord {
  /** The scheduler's impact state and the own-impact overlay (ownImpact.ts). */
  private readonly impact: ParentImpact;
  private scheduler: Scheduler | undefined;
  private readonly rng: Rng;
  private prevMark: TapeMark | undefined;
  private intervalFilled = 0;
  /** Our fills in the current interval that the data's volume does not contain (participation, docs/models.md 8). */
  private intervalAggressive = 0;
  /** True from t0 while no two-sided book has been seen (the schedule starts at the first one). */
  private waitingForBook = false;
  /** The last two-sided national book a decision or a fill saw (the opportunity cost's fallback). */
  private lastTwoSided: { midUsd: number; halfSpreadUsd: number } | undefined;
  /** Start and length of the schedule: t0 and T, or the first two-sided book after t0 and what is left of T. */
  private schedStartNs: bigint;
  private schedHorizonS: number;
  /** The impacted mid 1, 10, 60 and 300 s after each fill (markouts, docs/models.md 8). */
  readonly markouts: Markouts;
  /** Our limit orders: venue, shares, when sent and first filled (the venue scorecard, lib/task/venueStats.ts). */
  readonly limitOrders: LimitOrderRecord[] = [];
  private readonly limitOrderById = new Map<number, LimitOrderRecord>();

  constructor(
    readonly owner: number,
    order: ParentOrder,
    readonly strategy: StrategyInstance,
    private readonly ctx: ExecutionContext,
  ) {
    super(order, new RiskGate(order, ctx), new ChildOrders(ctx.sim));
    this.impact = new ParentImpact(order.startNs);
    this.schedStartNs = order.startNs;
    this.schedHorizonS = order.horizonS;
    this.markouts = new Markouts(ctx.timers, (t) => this.impactedMid(t));
    this.rng = new Rng(
      seedFrom(ctx.seed, ctx.symbol, ctx.date, strategy.seedLabel ?? strategy.label, order.id),
    );
    const dtNs = BigInt(Math.round(ctx.decisionIntervalS * 1e9));
    if (ctx.risk?.maxParticipation !== undefined && order.startNs >= dtNs) {
      // the interval before t0, for the participation cap of the first decision
      ctx.timers.at(order.startNs - dtNs, () => {
        this.prevMark = ctx.tape.snapshot();
      });
    }
    ctx.timers.at(order.startNs, () => this.start());
    ctx.timers.at(this.endNs, () => {
      // no record in [t0, t0 + T] (the data ended before t0, or a gap covers the window): nothing could trade
      if (ctx.progress && !ctx.progress.sawRecordSince(order.startNs)) this.arrival.noRecordInWindow();
      this.endMid = this.impactedMid(this.endNs);
      this.endMark = ctx.tape.snapshot();
      this.lastMark = this.endMark;
      this.closeInterval(this.endMark); // the last interval (terminal block, the rest) counts too
      this.lastMid = this.endMid; // T_last = t0 + T unless a fill comes later
      this.probeAfter(this.endNs);
      this.completeAt(this.endNs);
    });
    ctx.timers.at(this.endNs + BigInt(Math.round(ctx.endGraceS * 1e9)), () => this.cancelAll());
  }

  /** True while the schedule waits for the first two-sided book after t0 (runTask feeds books). */
  get awaitingArrival(): boolean {
    return this.waitingForBook;
  }

  /** A consistent book at tsNs (>= t0) with national mid `midUsd` (NaN when one-sided). */
  observeBook(tsNs: bigint, midUsd: number): void {
    this.arrival.observe(tsNs, midUsd);
    const a = this.arrival.result();
    if (a.status === "ok" && this.waitingForBook) {
      this.waitingForBook = false;
      if (tsNs < this.endNs) this.begin(tsNs, a.midUsd);
    }
  }

  /**
   * Reversion (docs/models.md 8): the impacted mid 5 minutes after T_last = the later of t0 + T and the last
   * fill. Each fill after T moves T_last, so the probe whose time is still T_last + 5 min when it fires counts.
   */
  private probeAfter(tLastNs: bigint): void {
    this.lastNs = tLastNs;
    const due = tLastNs + REVERSION_DELAY_NS;
    this.ctx.timers.at(due, () => {
      if (this.lastNs === tLastNs) this.afterMid = this.impactedMid(due);
    });
  }

  /** The controls that need m0: the limit price and the notional cap (the target min(S, cap)). */
  private applyArrivalControls(): void {
    const cap = this.gate.arrive(this.arrivalMid);
    if (cap !== undefined) this.target = Math.min(this.order.qty, cap);
  }

  /** The limit bound: the touch was beyond it when an order was due, limited shares ended unfilled, or it cut a fill. */
  override get limitHit(): boolean {
    return this.gate.limitHit || this.impact.limitHeld;
  }

  private start(): void {
    // the book standing at t0 (the last consistent one before the first record at or after t0)
    this.arrival.observe(this.order.startNs, this.ctx.sim.books.mid());
    const a = this.arrival.result();
    if (a.status === "ok") this.begin(this.order.startNs, a.midUsd);
    else this.waitingForBook = true; // no two-sided book yet: nothing is decided, queued or sent before one
  }

  /**
   * The schedule starts at tNs with arrival mid m0 (docs/models.md 8): at t0, or at the first two-sided book
   * after t0 with what is left of the window, t0 + T - tNs.
   */
  private begin(tNs: bigint, m0: number): void {
    this.arrivalMid = m0;
    this.schedStartNs = tNs;
    this.schedHorizonS = Number(this.endNs - tNs) / 1e9;
    this.applyArrivalControls();
    const impact = { lambdaUsd: this.ctx.lambdaUsdAt(this.arrivalMid), beta: this.ctx.beta };
    // q_ref of the sqrt overlay: 1% of ADV (docs/models.md 6.6), the same for every parent and strategy
    this.impact.start(
      impact,
      this.strategy.overlay,
      SQRT_REF_ADV_SHARE * this.ctx.advShares,
      this.ctx.sim,
      this.owner,
      this.order.side,
    );
    this.impact.setLimit(this.gate.limitUsd);
    const schedOrder =
      tNs === this.order.startNs ? this.order : { ...this.order, startNs: tNs, horizonS: this.schedHorizonS };
    this.scheduler = this.strategy.makeScheduler(schedOrder, impact);
    this.startMark = this.ctx.tape.snapshot();
    const before = this.prevMark; // the mark at t0 - dt (participation cap), if any
    this.prevMark = this.startMark;
    this.decide(0, tNs, before);
  }

  /** The national mid at tNs with the owner's overlay impact: m + s I(tNs) (docs/models.md 6.6). */
  private impactedMid(tNs: bigint): number {
    return this.impact.mid(this.ctx.sim.books.mid(), tNs, this.order.side);
  }

  private decide(k: number, tNs: bigint, preStart?: TapeMark): void {
    const { ctx, order } = this;
    const dt = ctx.decisionIntervalS;
    const horizonS = this.schedHorizonS;
    const elapsedS = k * dt;
    const intervalS = Math.min(dt, horizonS - elapsedS);
    const mark = ctx.tape.snapshot();
    const marketVolumePrev = k === 0 ? 0 : this.closeInterval(mark);
    // realized market volume of the previous interval (before t0 at k = 0), for the hard participation cap
    const realizedPrev = k === 0 ? (preStart ? mark.volume - preStart.volume : 0) : marketVolumePrev;
    this.intervalFilled = 0;
    this.intervalAggressive = 0;
    this.prevMark = mark;
    const remaining = Math.max(0, this.target - this.filled - this.orders.committed());
    const bid = ctx.sim.books.nationalBestBid();
    const ask = ctx.sim.books.nationalBestAsk();
    this.noteBook((bid + ask) / 2, (ask - bid) / 2);
    const forecast = this.strategy.alpha.forecast(tNs, horizonS - elapsedS);
    const alpha = { moveUsd: order.side * forecast.moveUsd, timescaleS: forecast.timescaleS };
    const impactUsd = this.impact.at(tNs);
    const intervalEnd = tNs + BigInt(Math.round(intervalS * 1e9));
    const qty = this.scheduler!.decide({
      k,
      elapsedS,
      horizonS,
      intervalS,
      remaining,
      parentQty: order.qty,
      marketVolumePrev,
      forecastVolume: ctx.forecastVolume(tNs, intervalEnd),
      alpha,
      impactUsd,
    });
    const due = qty + this.gate.carried;
    const send = this.gate.apply(tNs, Math.min(due, remaining), realizedPrev);
    // (with every control off: carried = 0 and this is the child min(qty, remaining) of before)
    if (due > 0 && (send > 0 || this.gate.carried === 0))
      this.sendChild(k, tNs, send, alpha.moveUsd, impactUsd);
    const next = k + 1;
    if (next * dt < horizonS - 1e-9 && next < MAX_DECISIONS) {
      ctx.timers.at(this.schedStartNs + BigInt(Math.round(next * dt * 1e9)), (due) => this.decide(next, due));
    }
  }

  private sendChild(k: number, tNs: bigint, qty: number, alphaUsd: number, impactUsd: number): void {
    const { ctx, order } = this;
    const horizonS = Math.min(ctx.router.horizonS, Number(this.endNs - tNs) / 1e9);
    if (this.strategy.exec === "market" || horizonS <= 0) {
      this.sendMarketChild(k, tNs, qty, alphaUsd, impactUsd);
      return;
    }
    const route = routeChild(
      ctx,
      order.side,
      qty,
      horizonS,
      (v, pk) => this.orders.ownRestingAt(v, pk),
      this.rng,
    );
    if (!route) {
      // no passive venue at the best (one-sided or crossed book): send the child as a market order
      this.sendMarketChild(k, tNs, qty, alphaUsd, impactUsd);
      return;
    }
    const { alloc, prices, names } = route;
    // never more shares working than S - executed (the parent's fills cannot exceed S): trim limits, largest first
    const room = this.target - this.filled - this.orders.openQty();
    const market = Math.min(alloc.market, Math.max(0, room));
    const sendLimits = trimToRoom(alloc.limits, Math.max(0, room - market));
    const child = this.newChild(k, tNs, qty, alphaUsd, impactUsd, market, sendLimits, alloc.expectedCost);
    if (market > 0)
      this.orders.track(
        child,
        ctx.sim.submitMarket(this.owner, order.side, market, tNs, this.gate.orderLimit),
      );
    const sent = market + child.limitQty;
    if (child.limitQty === 0 && sent < qty) this.orders.defer(child, qty - sent); // no catch-up timer will cover it
    const limitIds: number[] = [];
    sendLimits.forEach((l, v) => {
      if (l <= 0) return;
      const price = this.gate.clip(prices[v]!);
      const id = ctx.sim.submitLimit(this.owner, v, order.side, price, l, tNs);
      this.orders.trackLimit(child, id, v, priceKey(price));
      const lo: LimitOrderRecord = { venue: v, qty: l, sentNs: tNs, firstFillNs: undefined };
      this.limitOrders.push(lo);
      this.limitOrderById.set(id, lo);
      limitIds.push(id);
      child.limits[names[v]!] = l;
    });
    if (limitIds.length > 0) {
      ctx.timers.at(tNs + BigInt(Math.round(horizonS * 1e9)), (due) => this.catchUp(child, limitIds, due));
    }
  }

  /** Record a child of X = qty shares and commit them: they enter the impact state now (docs/models.md 4). */
  private newChild(
    k: number,
    tNs: bigint,
    qty: number,
    alphaUsd: number,
    impactUsd: number,
    marketQty: number,
    limits: readonly number[],
    expectedCostUsd: number,
  ): ChildRecord {
    const child = this.orders.add(
      { index: k, tsNs: tNs, qty, marketQty, expectedCostUsd, alphaUsd, impactUsd },
      limits,
    );
    this.impact.add(tNs, qty);
    return child;
  }

  /**
   * `shares` of a child's X will not be sent again: they leave the committed quantity and the impact state
   * (their contribution, decayed since the child was sent).
   */
  private uncommit(child: ChildRecord, shares: number, tNs: bigint): void {
    if (shares <= 0) return;
    child.cancelledQty += shares;
    this.impact.withdraw(tNs, shares, Number(tNs - child.tsNs) / 1e9);
  }

  /**
   * End a decision interval at `mark`: participation = our fills in it / market volume in it (fills after the
   * horizon, e.g. a catch-up order sent at T, are not in any interval). Returns the interval's market volume.
   */
  private closeInterval(mark: TapeMark): number {
    if (!this.prevMark) return 0;
    const volume = mark.volume - this.prevMark.volume;
    // our passive fills are carved out of the data's trades (already in `volume`), our market fills are not
    const denom = volume + this.intervalAggressive;
    if (denom > 0) this.maxParticipation = Math.max(this.maxParticipation, this.intervalFilled / denom);
    return volume;
  }

  /**
   * The parent's window (plus grace) is over: cancel whatever still works (market orders the book could not
   * fill, limits) so that a shortfall is reported as such instead of filling hours later.
   */
  private cancelAll(): void {
    const t = this.endNs + BigInt(Math.round(this.ctx.endGraceS * 1e9));
    // limited shares still working (or held) at the end
    if (this.gate.limitUsd > 0 && (this.orders.hasDeferred || this.orders.openQty() > 0))
      this.gate.limitHit = true;
    this.orders.cancelAll((c) => {
      const rest = committedOf(c);
      this.cancelledQty += rest;
      this.uncommit(c, rest, t);
    });
    const unfilled = this.order.qty - this.filled;
    if (unfilled > 0 && !(this.cancelMid > 0)) {
      // the book at T_last was one-sided: the book now, else the last two-sided one a decision or a fill saw
      // (its mid and half-spread, no walk)
      this.completeAt(t);
      const last = this.lastTwoSided;
      if (!(this.cancelMid > 0) && last !== undefined) {
        this.cancelMid = this.impact.mid(last.midUsd, t, this.order.side);
        this.completion = {
          halfSpreadUsd: last.halfSpreadUsd,
          takerFeeUsd: this.ctx.router.takerFeeUsd,
          walkUsd: 0,
          ownJumpUsd: this.impact.ownJumpAt(t, unfilled),
        };
      }
    }
  }

  /**
   * The opportunity cost's end state at tNs (docs/models.md 8): what one market block completing the rest U would pay
   * on the book now (impacted mid, half-spread, taker fee, walk, own jump). Taken at t0 + T and again after each
   * later fill, so that it is the state at T_last; nothing when U = 0 or the book is not two-sided.
   */
  private completeAt(tNs: bigint): void {
    const unfilled = this.order.qty - this.filled;
    if (unfilled <= 0) {
      this.cancelMid = Number.NaN;
      this.completion = undefined;
      return;
    }
    const c = completionCost(this.ctx.sim.books, this.ctx.sim.fees, this.order.side, unfilled);
    if (!(c.midUsd > 0)) return;
    this.cancelMid = this.impactedMid(tNs);
    this.completion = {
      halfSpreadUsd: c.halfSpreadUsd,
      takerFeeUsd: c.takerFeeUsd,
      walkUsd: c.walkUsd,
      ownJumpUsd: this.impact.ownJumpAt(tNs, unfilled),
    };
  }

  /** Remember the national book's mid and half-spread when it is two-sided (the opportunity cost's fallback). */
  private noteBook(midUsd: number, halfSpreadUsd: number): void {
    if (midUsd > 0 && halfSpreadUsd >= 0) this.lastTwoSided = { midUsd, halfSpreadUsd };
  }

  /** A child sent whole as one market order. */
  private sendMarketChild(k: number, tNs: bigint, qty: number, alphaUsd: number, impactUsd: number): void {
    const child = this.newChild(k, tNs, qty, alphaUsd, impactUsd, qty, [], Number.NaN);
    this.sendMarket(child, qty, tNs, false);
  }

  /** A market order of up to `qty` shares for `child` within the room S - executed - open; the rest waits. */
  private sendMarket(child: ChildRecord, qty: number, tNs: bigint, catchUp: boolean): void {
    const send = Math.min(qty, Math.max(0, this.target - this.filled - this.orders.openQty()));
    if (send < qty) this.orders.defer(child, qty - send);
    if (send <= 0) return;
    this.gate.noteTouch();
    const id = this.ctx.sim.submitMarket(this.owner, this.order.side, send, tNs, this.gate.orderLimit);
    this.orders.track(child, id, catchUp);
  }

  /** Send deferred shares that now fit (after a cancel freed room), oldest child first. */
  private flushDeferred(tNs: bigint): void {
    if (!this.orders.hasDeferred) return;
    for (const [child, n] of this.orders.takeDeferred()) this.sendMarket(child, n, tNs, true);
  }

  /**
   * Router horizon reached: cancel the child's unfilled limits and send its shortfall X - filled as one market
   * order (docs/models.md 6.4), within the room S - executed - open; what does not fit leaves the committed shares.
   */
  private catchUp(child: ChildRecord, limitIds: readonly number[], tNs: bigint): void {
    if (this.ctx.halts?.halted(tNs)) {
      // halted: the catch-up waits until the book is back (if that is still before the end of the grace)
      this.ctx.halts.onResume((t) => {
        if (t < this.endNs + BigInt(Math.round(this.ctx.endGraceS * 1e9))) this.catchUp(child, limitIds, t);
      });
      return;
    }
    this.orders.cancelOrders(child, limitIds);
    this.flushDeferred(tNs);
    const stillOpen = this.orders.openQtyOf(child); // e.g. the child's market order still waiting for liquidity
    const shortfall = committedOf(child) - stillOpen - this.orders.deferredOf(child);
    if (shortfall > 0) this.sendMarket(child, shortfall, tNs, true);
  }

  /** Fill callback from the simulator (routed by owner). */
  onFill(f: Fill): void {
    const child = this.orders.childOfOrder(f.orderId);
    this.fills.push({ ...f, catchUp: this.orders.isCatchUp(f.orderId) });
    this.markouts.add(f.tsNs);
    if (f.maker) {
      const lo = this.limitOrderById.get(f.orderId);
      if (lo && lo.firstFillNs === undefined) lo.firstFillNs = f.tsNs;
    }
    this.filled += f.qty;
    this.intervalFilled += f.qty;
    if (!f.printed) {
      // not in the data's trade volume (market fills, quote crosses): participation adds them
      this.intervalAggressive += f.qty;
      this.aggressiveQty += f.qty;
    }
    this.noteBook(f.midUsd, Math.abs(f.bestUsd - f.midUsd));
    if (this.lastNs > 0n && f.tsNs >= this.endNs) {
      // a fill at or after T once the window closed (catch-up, retry, a limit in the grace) moves T_last:
      // reversion, participation and the opportunity cost's end state follow it
      this.lastMid = this.impact.mid(f.midUsd, f.tsNs, this.order.side);
      this.lastMark = this.ctx.tape.snapshot();
      if (f.tsNs > this.lastNs) this.probeAfter(f.tsNs);
      this.completeAt(f.tsNs);
    }
    // committed shares are already in the impact state; only fills beyond a child's X (overfill) add to it
    const newShares = overfillShares(child, f.qty);
    if (newShares > 0) this.impact.add(f.tsNs, newShares);
    if (this.orders.onFill(child, f.orderId, f.qty, f.tsNs)) {
      // X is filled: cancel the rest after the order latency; fills until then are overfill
      const at = f.tsNs + (this.ctx.latencyNs?.(f.tsNs) ?? 0n);
      this.ctx.timers.at(at, (due) => {
        this.orders.cancelOrdersOf(child!);
        this.flushDeferred(due);
      });
    }
  }
}
