/**
 * The types of one parent order's execution (lib/task/execution.ts): the parent order and its strategy
 * instance, the day's context an execution reads (calibrated parameters, market state, risk controls, halts),
 * and the records it keeps (a child order, a fill). Also the two quantities of a child that the committed-share
 * rule (docs/models.md 4) and the overfill (docs/models.md 5) are defined by.
 */

import type { AlphaModel } from "../alpha/types.ts";
import type { OutflowDistribution, RouterParams } from "../router/index.ts";
import type { ImpactParams, Scheduler } from "../schedule/index.ts";
import type { ExecutionSim } from "../sim/index.ts";
import type { ImpactModel } from "../sim/registry.ts";
import type { Fill } from "../sim/types.ts";
import type { Tape } from "./tape.ts";
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

/** Run-wide risk controls (spec `risk`, docs/models.md 7.1); absent fields are off. */
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

export interface StrategyInstance {
  readonly label: string;
  /** Label the random stream is seeded from (default `label`): parameter sets of a strategy share draws. */
  readonly seedLabel?: string;
  readonly name: string;
  readonly exec: "market" | "sor";
  readonly params: Record<string, unknown>;
  readonly alpha: AlphaModel;
  /** Own-impact overlay model (lib/sim/registry.ts IMPACT_MODELS, resolved once per task); "none" = the pure replay. */
  readonly overlay: ImpactModel;
  /** The schedule of one parent order, given the impact parameters in dollars at its arrival. */
  readonly makeScheduler: (order: ParentOrder, impact: ImpactParams) => Scheduler;
}

/** What the execution needs from the day's context (calibrated parameters and market state). */
/**
 * How far the replay has got: the time of the last record applied to the books, in ns from the session open (a
 * double, exact within a session), -Infinity before the first. Timers due at t fire before the record that
 * reaches t is applied, so a timer reads the last record BEFORE its time.
 */
export class ReplayProgress {
  lastRel = Number.NEGATIVE_INFINITY;

  constructor(readonly openNs: bigint) {}

  /** Did any record at or after tNs reach the books yet? */
  sawRecordSince(tNs: bigint): boolean {
    return this.lastRel >= Number(tNs - this.openNs);
  }
}

export interface ExecutionContext {
  readonly sim: ExecutionSim;
  /** The replay's progress (a parent whose window saw no record is no_data); absent = always live (unit tests). */
  readonly progress?: ReplayProgress;
  readonly timers: TimerQueue;
  readonly tape: Tape;
  readonly decisionIntervalS: number;
  /** Seconds after T before unfilled orders are cancelled (shortfall = fill_rate < 1). */
  readonly endGraceS: number;
  /**
   * The router's parameters; its taker fee f is the fallback when no venue shows the opposite best (a child
   * routed on a book takes f and each r_k from the venues' fee schedules, sim.fees: lib/task/routeChild.ts).
   */
  readonly router: Omit<RouterParams, "halfSpreadUsd">;
  /** The maker rebate when a venue's schedule is not known (price units per unit). */
  readonly makerRebateUsd: number;
  /** The instrument's tick (limit prices round to it); absent = 0.01. */
  readonly tickSize?: number;
  /**
   * Impact in dollars per share at a reference mid: lambda_usd = lambda sigma_d P / ADV (docs/models.md 2) with P
   * the arrival mid of the parent order (causal, and the right price scale even on default parameters); a
   * NaN mid (no two-sided book at t0) falls back to the calibration's reference price. Always > 0.
   */
  lambdaUsdAt(midUsd: number): number;
  /** Impact decay, per second (ln 2 / half-life). */
  readonly beta: number;
  /** ADV of the parameter set, shares (the sqrt overlay's q_ref is 1% of it). */
  readonly advShares: number;
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

/** Fills beyond X (docs/models.md 5): shares filled before the cancel of a complete child's rest took effect. */
/** Fills beyond X (docs/models.md 5): shares filled before the cancel of a complete child's rest took effect. */
export const overfillOf = (c: ChildRecord): number => Math.max(0, c.filledQty - c.qty);

/** Shares of a child still committed: X minus its fills and cancelled shares (0 once complete). */
export const committedOf = (c: ChildRecord): number => Math.max(0, c.qty - c.filledQty - c.cancelledQty);

/** One limit order a parent posted (the venue scorecard). */
export interface LimitOrderRecord {
  readonly venue: number;
  readonly qty: number;
  readonly sentNs: bigint;
  /** Time of its first fill; undefined while (or if never) filled. */
  firstFillNs: bigint | undefined;
}

export interface FillRecord extends Fill {
  readonly catchUp: boolean;
}
