/**
 * One parent order executed by one strategy instance: the decision loop (every decision interval), child
 * orders as market orders or through the Cont-Kukanov router, catch-up at the router horizon, and the
 * bookkeeping the metrics need. Each instance is one simulator "owner", so it sees the market as if alone.
 */

import type { AlphaModel } from "../alpha/types.ts";
import { Rng, seedFrom } from "../core/rng.ts";
import { priceKey } from "../core/units.ts";
import type { OutflowDistribution, RouterParams } from "../router/index.ts";
import { contKukanov } from "../router/index.ts";
import { bookVenues, effectiveRebateUsd } from "../router/venues.ts";
import { type ImpactParams, ImpactState, type Scheduler } from "../schedule/index.ts";
import type { ExecutionSim } from "../sim/index.ts";
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
}

export interface StrategyInstance {
  readonly label: string;
  /** Label the random stream is seeded from (default `label`): parameter sets of a strategy share draws. */
  readonly seedLabel?: string;
  readonly name: string;
  readonly exec: "market" | "sor";
  readonly params: Record<string, unknown>;
  readonly alpha: AlphaModel;
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
}

export interface ChildRecord {
  readonly index: number;
  readonly tsNs: bigint;
  readonly qty: number;
  readonly marketQty: number;
  readonly limitQty: number;
  readonly limits: Record<string, number>;
  readonly expectedCostUsd: number;
  readonly alphaUsd: number;
  readonly impactUsd: number;
}

export interface FillRecord extends Fill {
  readonly catchUp: boolean;
}

const MAX_DECISIONS = 100_000;

export class ParentExecution {
  readonly children: ChildRecord[] = [];
  readonly fills: FillRecord[] = [];
  filled = 0;
  arrivalMid = Number.NaN;
  endMid = Number.NaN;
  afterMid = Number.NaN;
  startMark: TapeMark | undefined;
  endMark: TapeMark | undefined;
  maxParticipation = 0;
  /** Shares cancelled unfilled at the end of the window (+ grace). */
  cancelledQty = 0;

  private scheduler: Scheduler | undefined;
  private impact: ImpactState | undefined;
  private impactNs: bigint;
  private readonly working = new Set<number>();
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
    ctx.timers.at(order.startNs, () => this.start());
    ctx.timers.at(this.endNs, () => {
      this.endMid = ctx.sim.books.mid();
      this.endMark = ctx.tape.snapshot();
      this.closeInterval(this.endMark); // the last interval (terminal block, the rest) counts too
    });
    ctx.timers.at(this.endNs + BigInt(Math.round(ctx.endGraceS * 1e9)), () => this.cancelAll());
    ctx.timers.at(this.endNs + 300_000_000_000n, () => {
      this.afterMid = ctx.sim.books.mid();
    });
  }

  private start(): void {
    this.arrivalMid = this.ctx.sim.books.mid();
    const impact = { lambdaUsd: this.ctx.lambdaUsdAt(this.arrivalMid), beta: this.ctx.beta };
    this.impact = new ImpactState(impact);
    this.scheduler = this.strategy.makeScheduler(this.order, impact);
    this.startMark = this.ctx.tape.snapshot();
    this.prevMark = this.startMark;
    this.decide(0, this.order.startNs);
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

  private decide(k: number, tNs: bigint): void {
    const { ctx, order } = this;
    const dt = ctx.decisionIntervalS;
    const elapsedS = k * dt;
    const intervalS = Math.min(dt, order.horizonS - elapsedS);
    const mark = ctx.tape.snapshot();
    const marketVolumePrev = k === 0 ? 0 : this.closeInterval(mark);
    this.intervalFilled = 0;
    this.prevMark = mark;
    let workingQty = 0;
    for (const id of this.working) workingQty += ctx.sim.openQty(id);
    const remaining = Math.max(0, order.qty - this.filled - workingQty);
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
    if (qty > 0) this.sendChild(k, tNs, Math.min(qty, remaining), alpha.moveUsd, impactUsd);
    const next = k + 1;
    if (next * dt < order.horizonS - 1e-9 && next < MAX_DECISIONS) {
      ctx.timers.at(order.startNs + BigInt(Math.round(next * dt * 1e9)), (due) => this.decide(next, due));
    }
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
    // rounding "child" (M + sum L = X) until the simulator cancels a child's rest once X is filled (issue 9):
    // the catch-up below resends every unfilled limit share, which would overfill an oversubscribed child.
    const routerParams = {
      ...ctx.router,
      horizonS,
      halfSpreadUsd: ctx.routerHalfSpreadUsd ? ctx.routerHalfSpreadUsd(halfSpread) : halfSpread,
      rounding: "child" as const,
    };
    const alloc = contKukanov(qty, venues, routerParams, this.rng);
    const limitIds: number[] = [];
    const limits: Record<string, number> = {};
    if (alloc.market > 0) this.working.add(ctx.sim.submitMarket(this.owner, order.side, alloc.market, tNs));
    alloc.limits.forEach((l, v) => {
      if (l <= 0) return;
      const id = ctx.sim.submitLimit(this.owner, v, order.side, prices[v]!, l, tNs);
      this.working.add(id);
      limitIds.push(id);
      this.limitAt.set(id, { venue: v, pk: priceKey(prices[v]!) });
      limits[names[v]!] = l;
    });
    const limitQty = qty - alloc.market;
    this.children.push({
      index: k,
      tsNs: tNs,
      qty,
      marketQty: alloc.market,
      limitQty,
      limits,
      expectedCostUsd: alloc.expectedCost,
      alphaUsd,
      impactUsd,
    });
    if (limitIds.length > 0) {
      ctx.timers.at(tNs + BigInt(Math.round(horizonS * 1e9)), (due) => this.catchUp(limitIds, due));
    }
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
    for (const id of this.working) this.cancelledQty += this.ctx.sim.cancel(id);
    this.working.clear();
    this.limitAt.clear();
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
    this.working.add(this.ctx.sim.submitMarket(this.owner, this.order.side, qty, tNs));
    this.children.push({
      index: k,
      tsNs: tNs,
      qty,
      marketQty: qty,
      limitQty: 0,
      limits: {},
      expectedCostUsd: Number.NaN,
      alphaUsd,
      impactUsd,
    });
  }

  /** Router horizon reached: cancel unfilled limits, send the shortfall as a market order (MODELS.md 6.4). */
  private catchUp(limitIds: readonly number[], tNs: bigint): void {
    const id = this.ctx.sim.cancelAndCatchUp(this.owner, limitIds, this.order.side, tNs);
    for (const l of limitIds) {
      this.working.delete(l);
      this.limitAt.delete(l);
    }
    if (id > 0) {
      this.working.add(id);
      this.catchUpIds.add(id);
    }
  }

  /** Fill callback from the simulator (routed by owner). */
  onFill(f: Fill): void {
    this.fills.push({ ...f, catchUp: this.catchUpIds.has(f.orderId) });
    this.filled += f.qty;
    this.intervalFilled += f.qty;
    this.impactAt(f.tsNs);
    this.impact?.fill(f.qty);
    if (this.ctx.sim.openQty(f.orderId) === 0) {
      this.working.delete(f.orderId);
      this.limitAt.delete(f.orderId);
    }
  }
}
