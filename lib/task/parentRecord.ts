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
