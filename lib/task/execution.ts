/**
 * One parent order executed by one strategy instance: the decision loop (every decision interval), child
 * orders as market orders or through the Cont-Kukanov router, catch-up at the router horizon, and the
 * bookkeeping the metrics need. Each instance is one simulator "owner", so it sees the market as if alone.
 *
 * Committed shares (MODELS.md 4): a child's shares that have not filled yet are COMMITTED. At each decision
 * the remaining quantity is S - executed - committed, and a child's shares enter the scheduler's impact state
 * when it is sent (as if executed then); when a child's unfilled rest is cancelled without being re-sent, those
 * shares leave both (`ImpactState.withdraw`). Without this a resting child would be scheduled twice.
 * Oversubscription (MODELS.md 5): a router child may send M + sum L_k > X. Once its fills reach X its
 * resting orders are cancelled after the order latency; fills before that are the child's overfill (they
 * count, are reported, and reduce what later children send). The parent never has more shares working than
 * S - executed, so its fills never exceed S.
 * Own-impact overlay (MODELS.md 6.6): besides the scheduler's impact STATE (what it believes, committed shares
 * included) each execution carries the overlay of its impact model, which CHARGES every fill s (I(t-) + J/2)
 * per share on top of its replay price (FillRecord.impactUsd); the mids at the end, at the cancel and 5 minutes
 * after the end include the owner's impact (m + s I).
 */

import type { AlphaModel } from "../alpha/types.ts";
import { Rng, seedFrom } from "../core/rng.ts";
import { priceKey } from "../core/units.ts";
import { ArrivalMidTracker } from "../metrics/arrival.ts";
import type { OutflowDistribution, RouterParams } from "../router/index.ts";
import { contKukanov } from "../router/index.ts";
import { bookVenues, effectiveRebateUsd } from "../router/venues.ts";
import { type ImpactParams, ImpactState, type Scheduler } from "../schedule/index.ts";
import type { ExecutionSim, ImpactOverlay } from "../sim/index.ts";
import { IMPACT_MODELS } from "../sim/registry.ts";
import type { Fill } from "../sim/types.ts";
import type { Tape, TapeMark } from "./tape.ts";
import type { TimerQueue } from "./timers.ts";

export interface ParentOrder {
  /** e.g. "buy-2500-10:00" */
  readonly id: string;
  readonly side: 1 | -1;
  readonly qty: number;
  readonly startNs: bigint;
  readonly horizonS: number;
  /** Price limit, bps of the arrival mid (spec orders[].limit_bps); absent = none. */
  readonly limitBps?: number | undefined;
  /** Notional cap: the parent executes at most floor(maxNotionalUsd / m0) shares; absent = none. */
  readonly maxNotionalUsd?: number | undefined;
}

/** Run-wide risk controls (spec `risk`, MODELS.md 7.1); absent fields are off. */
export interface RiskControls {
  readonly maxSpreadBps?: number | undefined;
  readonly maxChildShares?: number | undefined;
  readonly maxParticipation?: number | undefined;
}

/** What a parent needs to know about halts (lib/task/halts.ts HaltTracker). */
export interface HaltView {
  halted(tNs: bigint): boolean;
  onResume(fn: (tNs: bigint) => void): void;
}

/**
 * The limit price of a parent with `limitBps` at arrival mid m0, on the cent grid on the safe side: a buy's is
 * floor(m0 (1 + bps/1e4)) to the cent, a sell's ceil(m0 (1 - bps/1e4)) to the cent.
 */
export function limitPriceUsd(side: 1 | -1, m0: number, limitBps: number): number {
  const raw = m0 * (1 + (side * limitBps) / 1e4);
  return side === 1 ? Math.floor(raw * 100 + 1e-6) / 100 : Math.ceil(raw * 100 - 1e-6) / 100;
}

export interface StrategyInstance {
  readonly label: string;
  /** Label the random stream is seeded from (default `label`): parameter sets of a strategy share draws. */
  readonly seedLabel?: string;
  readonly name: string;
  readonly exec: "market" | "sor";
  readonly params: Record<string, unknown>;
  readonly alpha: AlphaModel;
  /** Own-impact overlay model (lib/sim/registry.ts IMPACT_MODELS); absent = "none" (the pure replay). */
  readonly impactModel?: string;
  /** The schedule of one parent order, given the impact parameters in dollars at its arrival. */
  readonly makeScheduler: (order: ParentOrder, impact: ImpactParams) => Scheduler;
}

/** What the execution needs from the day's context (calibrated parameters and market state). */
export interface ExecutionContext {
  readonly sim: ExecutionSim;
  readonly timers: TimerQueue;
  readonly tape: Tape;
  readonly decisionIntervalS: number;
  /** Seconds after T before unfilled orders are cancelled (shortfall = fill_rate < 1). */
  readonly endGraceS: number;
  readonly router: Omit<RouterParams, "halfSpreadUsd">;
  readonly makerRebateUsd: number;
  /**
   * Impact in dollars per share at a reference mid: lambda_usd = lambda sigma_d P / ADV (MODELS.md 2) with P
   * the arrival mid of the parent order (causal, and the right price scale even on default parameters); a
   * NaN mid (no two-sided book at t0) falls back to the calibration's reference price. Always > 0.
   */
  lambdaUsdAt(midUsd: number): number;
  /** Impact decay, per second (ln 2 / half-life). */
  readonly beta: number;
  /** Order-entry latency of an order (or cancel) sent at tNs, ns: a complete child's rest is cancelled this late. */
  readonly latencyNs?: (tNs: bigint) => bigint;
  readonly seed: number;
  readonly symbol: string;
  readonly date: string;
  readonly venueNames: () => readonly string[];
  /** Forecast market volume (shares) over [aNs, bNs] from the prior-day profile and ADV. */
  forecastVolume(aNs: bigint, bNs: bigint): number;
  /** Outflow distribution of a venue's best level on our passive side (bid for buys). */
  outflow(venue: string, side: "bid" | "ask"): OutflowDistribution;
  /** Adverse-selection delta ($/share, negative = adverse) at a venue's best on a side. */
  adverseUsd(venue: string, side: "bid" | "ask"): number;
  /** The router's half-spread from the book's (a half-spread override); absent = the book's. */
  readonly routerHalfSpreadUsd?: (bookHalfSpreadUsd: number) => number;
  /** Run-wide risk controls; absent = all off. */
  readonly risk?: RiskControls | undefined;
  /** Halts that suspend decisions and catch-up (spec risk.suspend_on_halt); absent = halts are ignored. */
  readonly halts?: HaltView | undefined;
}

export interface ChildRecord {
  readonly index: number;
  readonly tsNs: bigint;
  /** X: the shares the scheduler asked for (what the child commits). */
  readonly qty: number;
  readonly marketQty: number;
  /** Shares sent as limit orders (sum L_k; above X - M when the router oversubscribes). */
  readonly limitQty: number;
  readonly limits: Record<string, number>;
  readonly expectedCostUsd: number;
  readonly alphaUsd: number;
  readonly impactUsd: number;
  /** Shares filled by this child's orders so far (its market, limit and catch-up orders). */
  filledQty: number;
  /** When the child's fills reached X (ns); undefined while not complete. */
  completeNs: bigint | undefined;
  /** Shares of X cancelled without being re-sent (end of the window, or no room under S). */
  cancelledQty: number;
}

/** Fills beyond X (MODELS.md 5): shares filled before the cancel of a complete child's rest took effect. */
export const overfillOf = (c: ChildRecord): number => Math.max(0, c.filledQty - c.qty);

/** Shares of a child still committed: X minus its fills and cancelled shares (0 once complete). */
const committedOf = (c: ChildRecord): number => Math.max(0, c.qty - c.filledQty - c.cancelledQty);

export interface FillRecord extends Fill {
  readonly catchUp: boolean;
  /** Own-impact overlay paid per share on top of priceUsd, side-adjusted $ (>= 0; 0 under `none`). */
  readonly impactUsd: number;
}

const MAX_DECISIONS = 100_000;

/** Limits trimmed to at most `room` shares in all, taking from the largest first (ties: later venue first). */
function trimToRoom(limits: readonly number[], room: number): number[] {
  const out = [...limits];
  let over = out.reduce((a, b) => a + b, 0) - room;
  while (over > 0) {
    let j = 0;
    for (let i = 1; i < out.length; i++) if (out[i]! >= out[j]!) j = i;
    const cut = Math.min(over, out[j]!);
    out[j] = out[j]! - cut;
    over -= cut;
  }
  return out;
}

export class ParentExecution {
  readonly children: ChildRecord[] = [];
  readonly fills: FillRecord[] = [];
  filled = 0;
  /** Arrival mid m0 by the rule of MODELS.md 8 (NaN until known; see `arrival`). */
  arrivalMid = Number.NaN;
  /**
   * m_end of the opportunity cost: the mid when the unfilled rest was cancelled, own impact included (m + s I;
   * NaN: nothing cancelled).
   */
  cancelMid = Number.NaN;
  readonly arrival: ArrivalMidTracker;
  /** Mid at t0 + T, own impact included (m + s I). */
  endMid = Number.NaN;
  /** Mid at t0 + T + 5 min, own impact included (m + s I). */
  afterMid = Number.NaN;
  startMark: TapeMark | undefined;
  endMark: TapeMark | undefined;
  maxParticipation = 0;
  /** Shares cancelled unfilled at the end of the window (+ grace). */
  cancelledQty = 0;
  /** Shares the parent may execute: S, or floor(max_notional_usd / m0) when that is smaller. */
  target: number;
  /** The notional cap in shares, floor(max_notional_usd / m0); NaN without a cap (or before m0 is known). */
  notionalCapQty = Number.NaN;
  /** The limit price from limit_bps and m0; NaN without a limit (or before m0 is known). */
  limitUsd = Number.NaN;
  /** True when the price limit bound: the touch was beyond it when an order was due, or limited shares ended unfilled. */
  limitHit = false;
  /** Decisions whose child was held because the national spread was wider than max_spread_bps. */
  spreadGuardSkips = 0;
  /** Shares held back at decisions by max_child_shares / max_participation (carried to the next decision). */
  cappedShares = 0;
  /** Decisions skipped because the market was halted. */
  haltSkips = 0;
  /** Seconds of [t0, t0 + T] the market was halted (set by runTask after the pass). */
  haltedS = 0;
  /** Shares held by a control (spread guard, caps, halt, no limit price yet) and carried to the next decision. */
  private carried = 0;

  private scheduler: Scheduler | undefined;
  private impact: ImpactState | undefined;
  /** The overlay charging our fills (built at t0 with the parent's lambda_usd). */
  private overlay: ImpactOverlay | undefined;
  private impactNs: bigint;
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
  private readonly rng: Rng;
  private prevMark: TapeMark | undefined;
  private intervalFilled = 0;
  private readonly endNs: bigint;

  constructor(
    readonly owner: number,
    readonly order: ParentOrder,
    readonly strategy: StrategyInstance,
    private readonly ctx: ExecutionContext,
  ) {
    this.impactNs = order.startNs;
    this.rng = new Rng(
      seedFrom(ctx.seed, ctx.symbol, ctx.date, strategy.seedLabel ?? strategy.label, order.id),
    );
    this.endNs = order.startNs + BigInt(Math.round(order.horizonS * 1e9));
    this.target = order.qty;
    this.arrival = new ArrivalMidTracker(order.startNs, this.endNs);
    const dtNs = BigInt(Math.round(ctx.decisionIntervalS * 1e9));
    if (ctx.risk?.maxParticipation !== undefined && order.startNs >= dtNs) {
      // the interval before t0, for the participation cap of the first decision
      ctx.timers.at(order.startNs - dtNs, () => {
        this.prevMark = ctx.tape.snapshot();
      });
    }
    ctx.timers.at(order.startNs, () => this.start());
    ctx.timers.at(this.endNs, () => {
      this.endMid = this.impactedMid(this.endNs);
      this.endMark = ctx.tape.snapshot();
      this.closeInterval(this.endMark); // the last interval (terminal block, the rest) counts too
    });
    ctx.timers.at(this.endNs + BigInt(Math.round(ctx.endGraceS * 1e9)), () => this.cancelAll());
    ctx.timers.at(this.endNs + 300_000_000_000n, () => {
      this.afterMid = this.impactedMid(this.endNs + 300_000_000_000n);
    });
  }

  /** True while the arrival mid still waits for the first two-sided book after t0 (runTask feeds books). */
  get awaitingArrival(): boolean {
    return this.impact !== undefined && !(this.arrivalMid > 0);
  }

  /** A consistent book at tsNs (>= t0) with national mid `midUsd` (NaN when one-sided). */
  observeBook(tsNs: bigint, midUsd: number): void {
    this.arrival.observe(tsNs, midUsd);
    const a = this.arrival.result();
    if (a.status === "ok") {
      this.arrivalMid = a.midUsd;
      this.applyArrivalControls();
    }
  }

  /** The controls that need m0: the limit price and the notional cap. */
  private applyArrivalControls(): void {
    const m0 = this.arrivalMid;
    if (!(m0 > 0)) return;
    const { limitBps, maxNotionalUsd } = this.order;
    if (limitBps !== undefined) this.limitUsd = limitPriceUsd(this.order.side, m0, limitBps);
    if (maxNotionalUsd !== undefined) {
      this.notionalCapQty = Math.floor(maxNotionalUsd / m0);
      this.target = Math.min(this.order.qty, this.notionalCapQty);
    }
  }

  /** Price limit of our orders, undefined without one. */
  private get orderLimit(): number | undefined {
    return this.limitUsd > 0 ? this.limitUsd : undefined;
  }

  /** True when the national touch we would take is beyond the limit price. */
  private touchBeyondLimit(): boolean {
    if (!(this.limitUsd > 0)) return false;
    const books = this.ctx.sim.books;
    const touch = this.order.side === 1 ? books.nationalBestAsk() : books.nationalBestBid();
    if (Number.isNaN(touch)) return false;
    return this.order.side === 1
      ? priceKey(touch) > priceKey(this.limitUsd)
      : priceKey(touch) < priceKey(this.limitUsd);
  }

  /** End of the window t0 + T, ns. */
  get windowEndNs(): bigint {
    return this.endNs;
  }

  private start(): void {
    // the book standing at t0 (the last consistent one before the first record at or after t0)
    this.arrival.observe(this.order.startNs, this.ctx.sim.books.mid());
    const a = this.arrival.result();
    this.arrivalMid = a.status === "ok" ? a.midUsd : Number.NaN;
    this.applyArrivalControls();
    const impact = { lambdaUsd: this.ctx.lambdaUsdAt(this.arrivalMid), beta: this.ctx.beta };
    this.impact = new ImpactState(impact);
    // q_ref of the sqrt overlay: the parent's mean child size, S / number of decisions
    const decisions = Math.min(
      MAX_DECISIONS,
      Math.max(1, Math.ceil((this.order.horizonS - 1e-9) / this.ctx.decisionIntervalS)),
    );
    this.overlay = IMPACT_MODELS.get(this.strategy.impactModel ?? "none").make({
      ...impact,
      qRefShares: this.order.qty / decisions,
    });
    this.scheduler = this.strategy.makeScheduler(this.order, impact);
    this.startMark = this.ctx.tape.snapshot();
    const before = this.prevMark; // the mark at t0 - dt (participation cap), if any
    this.prevMark = this.startMark;
    this.decide(0, this.order.startNs, before);
  }

  /** The national mid at tNs with the owner's overlay impact: m + s I(tNs) (MODELS.md 6.6). */
  private impactedMid(tNs: bigint): number {
    const m = this.ctx.sim.books.mid();
    return this.overlay ? m + this.order.side * this.overlay.valueAt(tNs) : m;
  }

  /** Side-adjusted own impact now (decayed to tNs). */
  private impactAt(tNs: bigint): number {
    if (!this.impact) return 0;
    if (tNs > this.impactNs) {
      this.impact.decay(Number(tNs - this.impactNs) / 1e9);
      this.impactNs = tNs;
    }
    return this.impact.value;
  }

  private decide(k: number, tNs: bigint, preStart?: TapeMark): void {
    const { ctx, order } = this;
    const dt = ctx.decisionIntervalS;
    const elapsedS = k * dt;
    const intervalS = Math.min(dt, order.horizonS - elapsedS);
    const mark = ctx.tape.snapshot();
    const marketVolumePrev = k === 0 ? 0 : this.closeInterval(mark);
    // realized market volume of the previous interval (before t0 at k = 0), for the hard participation cap
    const realizedPrev = k === 0 ? (preStart ? mark.volume - preStart.volume : 0) : marketVolumePrev;
    this.intervalFilled = 0;
    this.prevMark = mark;
    const remaining = Math.max(0, this.target - this.filled - this.committed());
    const forecast = this.strategy.alpha.forecast(tNs, order.horizonS - elapsedS);
    const alpha = { moveUsd: order.side * forecast.moveUsd, timescaleS: forecast.timescaleS };
    const impactUsd = this.impactAt(tNs);
    const intervalEnd = tNs + BigInt(Math.round(intervalS * 1e9));
    const qty = this.scheduler!.decide({
      k,
      elapsedS,
      horizonS: order.horizonS,
      intervalS,
      remaining,
      parentQty: order.qty,
      marketVolumePrev,
      forecastVolume: ctx.forecastVolume(tNs, intervalEnd),
      alpha,
      impactUsd,
    });
    const due = qty + this.carried;
    const send = this.applyControls(tNs, Math.min(due, remaining), realizedPrev);
    // (with every control off: carried = 0 and this is the child min(qty, remaining) of before)
    if (due > 0 && (send > 0 || this.carried === 0)) this.sendChild(k, tNs, send, alpha.moveUsd, impactUsd);
    const next = k + 1;
    if (next * dt < order.horizonS - 1e-9 && next < MAX_DECISIONS) {
      ctx.timers.at(order.startNs + BigInt(Math.round(next * dt * 1e9)), (due) => this.decide(next, due));
    }
  }

  /**
   * The risk controls at a decision (MODELS.md 7.1) on the `want` shares due now (the schedule's quantity plus
   * what earlier controls held back, at most remaining): a halt or a spread wider than max_spread_bps holds the
   * whole child, max_child_shares and max_participation x the previous interval's market volume cap it, and a
   * limit_bps parent whose m0 is not known yet waits. What is held carries to the next decision. With every
   * control off this returns `want` and carries nothing.
   */
  private applyControls(tNs: bigint, want: number, realizedPrev: number): number {
    const { ctx } = this;
    this.carried = 0;
    if (want <= 0) return 0;
    if (this.touchBeyondLimit()) this.limitHit = true;
    if (ctx.halts?.halted(tNs)) {
      this.haltSkips++;
      this.carried = want;
      return 0;
    }
    if (this.order.limitBps !== undefined && !(this.limitUsd > 0)) {
      this.carried = want; // no m0 yet: no limit price to send at
      return 0;
    }
    const risk = ctx.risk;
    if (!risk) return want;
    if (risk.maxSpreadBps !== undefined) {
      const bid = ctx.sim.books.nationalBestBid();
      const ask = ctx.sim.books.nationalBestAsk();
      const spreadBps = ((ask - bid) / ((ask + bid) / 2)) * 1e4;
      if (!(spreadBps <= risk.maxSpreadBps)) {
        this.spreadGuardSkips++;
        this.carried = want;
        return 0;
      }
    }
    let cap = want;
    if (risk.maxChildShares !== undefined) cap = Math.min(cap, risk.maxChildShares);
    if (risk.maxParticipation !== undefined)
      cap = Math.min(cap, Math.floor(risk.maxParticipation * realizedPrev));
    cap = Math.max(0, cap);
    this.cappedShares += want - cap;
    this.carried = want - cap;
    return cap;
  }

  private sendChild(k: number, tNs: bigint, qty: number, alphaUsd: number, impactUsd: number): void {
    const { ctx, order } = this;
    const horizonS = Math.min(ctx.router.horizonS, Number(this.endNs - tNs) / 1e9);
    if (this.strategy.exec === "market" || horizonS <= 0) {
      this.sendMarketChild(k, tNs, qty, alphaUsd, impactUsd);
      return;
    }
    const names = ctx.venueNames();
    const passive: "bid" | "ask" = order.side === 1 ? "bid" : "ask";
    const {
      venues,
      prices,
      halfSpreadUsd: halfSpread,
    } = bookVenues(ctx.sim.books, order.side, names, {
      ownRestingAt: (v, pk) => this.ownRestingAt(v, pk),
      rebateUsd: (name) => effectiveRebateUsd(ctx.makerRebateUsd, ctx.adverseUsd(name, passive)),
      outflow: (name) => ctx.outflow(name, passive),
    });
    if (!venues.some((v) => v.atBest) || !(halfSpread > 0)) {
      // no passive venue at the best (one-sided or crossed book): send the child as a market order
      this.sendMarketChild(k, tNs, qty, alphaUsd, impactUsd);
      return;
    }
    const routerParams = {
      ...ctx.router,
      horizonS,
      halfSpreadUsd: ctx.routerHalfSpreadUsd ? ctx.routerHalfSpreadUsd(halfSpread) : halfSpread,
    };
    const alloc = contKukanov(qty, venues, routerParams, this.rng);
    // never more shares working than S - executed (the parent's fills cannot exceed S): trim limits, largest first
    const room = this.target - this.filled - this.openQty();
    const market = Math.min(alloc.market, Math.max(0, room));
    const sendLimits = trimToRoom(alloc.limits, Math.max(0, room - market));
    const child = this.newChild(k, tNs, qty, alphaUsd, impactUsd, market, sendLimits, alloc.expectedCost);
    if (market > 0)
      this.track(child, ctx.sim.submitMarket(this.owner, order.side, market, tNs, this.orderLimit));
    const sent = market + child.limitQty;
    if (child.limitQty === 0 && sent < qty) this.deferred.set(child, qty - sent); // no catch-up timer will cover it
    const limitIds: number[] = [];
    sendLimits.forEach((l, v) => {
      if (l <= 0) return;
      const price = this.clipToLimit(prices[v]!);
      const id = ctx.sim.submitLimit(this.owner, v, order.side, price, l, tNs);
      this.track(child, id);
      limitIds.push(id);
      this.limitAt.set(id, { venue: v, pk: priceKey(price) });
      child.limits[names[v]!] = l;
    });
    if (limitIds.length > 0) {
      ctx.timers.at(tNs + BigInt(Math.round(horizonS * 1e9)), (due) => this.catchUp(child, limitIds, due));
    }
  }

  /** A limit order's price clipped to the parent's limit price (a buy at most, a sell at least the limit). */
  private clipToLimit(price: number): number {
    if (!(this.limitUsd > 0)) return price;
    return this.order.side === 1 ? Math.min(price, this.limitUsd) : Math.max(price, this.limitUsd);
  }

  /** Record a child of X = qty shares and commit them: they enter the impact state now (MODELS.md 4). */
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
    const child: ChildRecord = {
      index: k,
      tsNs: tNs,
      qty,
      marketQty,
      limitQty: limits.reduce((a, b) => a + b, 0),
      limits: {},
      expectedCostUsd,
      alphaUsd,
      impactUsd,
      filledQty: 0,
      completeNs: undefined,
      cancelledQty: 0,
    };
    this.children.push(child);
    this.ordersOf.set(child, new Set());
    this.impactAt(tNs);
    this.impact?.fill(qty);
    return child;
  }

  private track(child: ChildRecord, id: number): void {
    this.working.add(id);
    this.childOf.set(id, child);
    this.ordersOf.get(child)!.add(id);
  }

  /** Shares committed by children that are not complete (MODELS.md 4). */
  private committed(): number {
    let n = 0;
    for (const c of this.ordersOf.keys()) n += committedOf(c);
    return n;
  }

  /** Shares of all our open orders. */
  private openQty(): number {
    let n = 0;
    for (const id of this.working) n += this.ctx.sim.openQty(id);
    return n;
  }

  /** Cancel a child's open orders now; returns the shares cancelled. */
  private cancelOrdersOf(child: ChildRecord): number {
    const ids = this.ordersOf.get(child);
    if (!ids) return 0;
    let n = 0;
    for (const id of ids) {
      n += this.ctx.sim.cancel(id);
      this.forget(id);
    }
    ids.clear();
    return n;
  }

  private forget(id: number): void {
    this.working.delete(id);
    this.limitAt.delete(id);
  }

  /**
   * `shares` of a child's X will not be sent again: they leave the committed quantity and the impact state
   * (their contribution, decayed since the child was sent).
   */
  private uncommit(child: ChildRecord, shares: number, tNs: bigint): void {
    if (shares <= 0) return;
    child.cancelledQty += shares;
    this.impactAt(tNs);
    this.impact?.withdraw(shares, Number(tNs - child.tsNs) / 1e9);
  }

  /**
   * End a decision interval at `mark`: participation = our fills in it / market volume in it (fills after the
   * horizon, e.g. a catch-up order sent at T, are not in any interval). Returns the interval's market volume.
   */
  private closeInterval(mark: TapeMark): number {
    if (!this.prevMark) return 0;
    const volume = mark.volume - this.prevMark.volume;
    if (volume > 0) this.maxParticipation = Math.max(this.maxParticipation, this.intervalFilled / volume);
    return volume;
  }

  /**
   * The parent's window (plus grace) is over: cancel whatever still works (market orders the book could not
   * fill, limits) so that a shortfall is reported as such instead of filling hours later.
   */
  private cancelAll(): void {
    const t = this.endNs + BigInt(Math.round(this.ctx.endGraceS * 1e9));
    if (this.limitUsd > 0 && (this.deferred.size > 0 || this.openQty() > 0)) this.limitHit = true; // limited shares still working (or held) at the end
    this.deferred.clear();
    for (const c of this.ordersOf.keys()) {
      this.cancelOrdersOf(c);
      const rest = committedOf(c);
      this.cancelledQty += rest;
      this.uncommit(c, rest, t);
    }
    for (const id of this.working) this.ctx.sim.cancel(id);
    this.working.clear();
    this.limitAt.clear();
    if (this.filled < this.order.qty) this.cancelMid = this.impactedMid(t);
  }

  /** Shares of our resting limit orders at (venue, price key). */
  private ownRestingAt(venue: number, pk: number): number {
    let n = 0;
    for (const [id, at] of this.limitAt)
      if (at.venue === venue && at.pk === pk) n += this.ctx.sim.openQty(id);
    return n;
  }

  /** A child sent whole as one market order. */
  private sendMarketChild(k: number, tNs: bigint, qty: number, alphaUsd: number, impactUsd: number): void {
    const child = this.newChild(k, tNs, qty, alphaUsd, impactUsd, qty, [], Number.NaN);
    this.sendMarket(child, qty, tNs, false);
  }

  /** A market order of up to `qty` shares for `child` within the room S - executed - open; the rest waits. */
  private sendMarket(child: ChildRecord, qty: number, tNs: bigint, catchUp: boolean): void {
    const send = Math.min(qty, Math.max(0, this.target - this.filled - this.openQty()));
    if (send < qty) this.deferred.set(child, (this.deferred.get(child) ?? 0) + qty - send);
    if (send <= 0) return;
    if (this.touchBeyondLimit()) this.limitHit = true;
    const id = this.ctx.sim.submitMarket(this.owner, this.order.side, send, tNs, this.orderLimit);
    this.track(child, id);
    if (catchUp) this.catchUpIds.add(id);
  }

  /** Send deferred shares that now fit (after a cancel freed room), oldest child first. */
  private flushDeferred(tNs: bigint): void {
    if (this.deferred.size === 0) return;
    const due = [...this.deferred];
    this.deferred.clear();
    for (const [child, n] of due) this.sendMarket(child, n, tNs, true);
  }

  /**
   * Router horizon reached: cancel the child's unfilled limits and send its shortfall X - filled as one market
   * order (MODELS.md 6.4), within the room S - executed - open; what does not fit leaves the committed shares.
   */
  private catchUp(child: ChildRecord, limitIds: readonly number[], tNs: bigint): void {
    if (this.ctx.halts?.halted(tNs)) {
      // halted: the catch-up waits until the book is back (if that is still before the end of the grace)
      this.ctx.halts.onResume((t) => {
        if (t < this.endNs + BigInt(Math.round(this.ctx.endGraceS * 1e9))) this.catchUp(child, limitIds, t);
      });
      return;
    }
    const ids = this.ordersOf.get(child)!;
    for (const id of limitIds) {
      this.ctx.sim.cancel(id);
      this.forget(id);
      ids.delete(id);
    }
    this.flushDeferred(tNs);
    let stillOpen = 0; // e.g. the child's market order still waiting for liquidity
    for (const id of ids) stillOpen += this.ctx.sim.openQty(id);
    const shortfall = committedOf(child) - stillOpen - (this.deferred.get(child) ?? 0);
    if (shortfall > 0) this.sendMarket(child, shortfall, tNs, true);
  }

  /** Fill callback from the simulator (routed by owner). */
  onFill(f: Fill): void {
    const child = this.childOf.get(f.orderId);
    // the child is the overlay's group: a concave law sees the child's size, not the fill fragments
    const impactUsd = this.overlay ? this.overlay.fill(f.tsNs, f.qty, child?.index) : 0;
    this.fills.push({ ...f, catchUp: this.catchUpIds.has(f.orderId), impactUsd });
    this.filled += f.qty;
    this.intervalFilled += f.qty;
    // committed shares are already in the impact state; only fills beyond a child's X (overfill) add to it
    const before = child ? child.filledQty + child.cancelledQty : 0;
    const newShares = child
      ? Math.max(0, before + f.qty - child.qty) - Math.max(0, before - child.qty)
      : f.qty;
    if (newShares > 0) {
      this.impactAt(f.tsNs);
      this.impact?.fill(newShares);
    }
    if (this.ctx.sim.openQty(f.orderId) === 0) {
      this.forget(f.orderId);
      if (child) this.ordersOf.get(child)!.delete(f.orderId);
    }
    if (child) {
      child.filledQty += f.qty;
      if (child.completeNs === undefined && child.filledQty >= child.qty) {
        child.completeNs = f.tsNs;
        if (this.ordersOf.get(child)!.size > 0) {
          // X is filled: cancel the rest after the order latency; fills until then are overfill
          const at = f.tsNs + (this.ctx.latencyNs?.(f.tsNs) ?? 0n);
          this.ctx.timers.at(at, (due) => {
            this.cancelOrdersOf(child);
            this.flushDeferred(due);
          });
        }
      }
    }
  }
}
