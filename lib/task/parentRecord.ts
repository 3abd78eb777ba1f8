/**
 * What the execution of one parent order (lib/task/execution.ts ParentExecution) has recorded: its fills and
 * children, the mids and tape marks the metrics need (arrival m0, the mid at the cancel, at t0 + T and 5
 * minutes later, own impact included), the participation, the shares cancelled, the target after the notional
 * cap, and the counters of the risk controls. These are the fields lib/task/rows.ts turns into result rows;
 * the execution writes them, nothing else does (but runTask's `haltedS`).
 */

import { ArrivalMidTracker } from "../metrics/arrival.ts";
import type { ChildOrders } from "./children.ts";
import type { ChildRecord, FillRecord, ParentOrder } from "./executionTypes.ts";
import type { RiskGate } from "./riskControls.ts";
import type { TapeMark } from "./tape.ts";

export abstract class ParentRecord {
  readonly fills: FillRecord[] = [];
  filled = 0;
  /** Arrival mid m0 by the rule of docs/models.md 8 (NaN until known; see `arrival`). */
  arrivalMid = Number.NaN;
  /**
   * m~_end of the opportunity cost: the impacted mid m + s F(Y) at T_last (the later of t0 + T and the last fill),
   * NaN when everything filled.
   */
  cancelMid = Number.NaN;
  readonly arrival: ArrivalMidTracker;
  /**
   * What one market block completing the unfilled rest would pay at T_last (the opportunity cost,
   * docs/models.md 8): the data's half-spread, the taker fee at the best, the walk W(U) beyond the best (total)
   * and the overlay's own jump C_own(U; Y) (total); undefined when nothing was left unfilled.
   */
  completion: { halfSpreadUsd: number; takerFeeUsd: number; walkUsd: number; ownJumpUsd: number } | undefined;
  /** Mid at t0 + T, own impact included (m + s F(Y)). */
  endMid = Number.NaN;
  /** T_last: the later of t0 + T and the last fill, ns (0 until t0 + T). */
  lastNs = 0n;
  /** The impacted mid at T_last (after the last block). */
  lastMid = Number.NaN;
  /** The impacted mid at T_last + 5 min; NaN until then. */
  afterMid = Number.NaN;
  startMark: TapeMark | undefined;
  endMark: TapeMark | undefined;
  /** The tape at T_last (participation over [t0, T_last]). */
  lastMark: TapeMark | undefined;
  /** Our fills the data's printed volume does not contain (taker fills, quote crosses): participation adds them. */
  aggressiveQty = 0;
  maxParticipation = 0;
  /** Shares cancelled unfilled at the end of the window (+ grace). */
  cancelledQty = 0;
  /** Shares the parent may execute: S, or floor(max_notional_usd / m0) when that is smaller. */
  target: number;
  /** Seconds of [t0, t0 + T] the market was halted (set by runTask after the pass). */
  haltedS = 0;
  /** End of the window t0 + T, ns. */
  protected readonly endNs: bigint;

  protected constructor(
    readonly order: ParentOrder,
    /** The risk controls of this parent and their counters (riskControls.ts). */
    protected readonly gate: RiskGate,
    /** Our child orders and their books (children.ts). */
    protected readonly orders: ChildOrders,
  ) {
    this.endNs = order.startNs + BigInt(Math.round(order.horizonS * 1e9));
    this.target = order.qty;
    this.arrival = new ArrivalMidTracker(order.startNs, this.endNs);
  }

  /** End of the window t0 + T, ns. */
  get windowEndNs(): bigint {
    return this.endNs;
  }

  /** The child orders sent so far, in order. */
  get children(): ChildRecord[] {
    return this.orders.children;
  }

  /** The notional cap in shares, floor(max_notional_usd / m0); NaN without a cap (or before m0 is known). */
  get notionalCapQty(): number {
    return this.gate.notionalCapQty;
  }

  /** The limit price from limit_bps and m0; NaN without a limit (or before m0 is known). */
  get limitUsd(): number {
    return this.gate.limitUsd;
  }

  /** True when the price limit bound: the touch was beyond it when an order was due, or limited shares ended unfilled. */
  get limitHit(): boolean {
    return this.gate.limitHit;
  }

  /** Decisions whose child was held because the national spread was wider than max_spread_bps. */
  get spreadGuardSkips(): number {
    return this.gate.spreadGuardSkips;
  }

  /** Shares held back at decisions by max_child_shares / max_participation (carried to the next decision). */
  get cappedShares(): number {
    return this.gate.cappedShares;
  }

  /** Decisions skipped because the market was halted. */
  get haltSkips(): number {
    return this.gate.haltSkips;
  }
}
