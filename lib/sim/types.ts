/**
 * Contracts of the exchange simulator (docs/models.md section 6). One interface per modelling assumption
 * (STYLE.md habit 2): the queue model and the fee schedule are passed in, never module singletons.
 * Units: prices dollars, quantities shares, fees dollars, timestamps int64 ns since the epoch (UTC).
 */

import type { Mbp10Batch } from "../mbp10/schema.ts";
import type { LatencyModel } from "./latency.ts";

/** The queue state of a resting order a QueueModel works on (SimOrder has it). */
export interface QueueOrder {
  /** DISPLAYED shares in front of us (the owner's own earlier orders are not in it). */
  ahead: number;
  /** Displayed size at our price when last seen. */
  lastSize: number;
}

/**
 * The queue life of a resting order (docs/models.md 6.3), after hftbacktest's QueueModel: arrival behind the
 * displayed size, trades at our price, displayed size changes (cancels), and the fill that follows.
 * Implementations: lib/sim/queueModels.ts (queueModel() builds one from its cancel rule).
 */
export interface QueueModel {
  readonly name: string;
  /** The order starts resting behind `displayed` shares (0 when the level is vacated). */
  arrive(o: QueueOrder, displayed: number): void;
  /**
   * A trade at our price leaves `budget` shares for our owner (after its through fills); `ownBefore` /
   * `ownAfter` are the remaining shares of the owner's earlier orders at the price before / after their
   * own fills from this trade. Updates the queue in front and returns the shares this order may fill (the
   * simulator fills floor of it when >= 1).
   */
  tradeAtPrice(o: QueueOrder, budget: number, ownBefore: number, ownAfter: number): number;
  /**
   * A consistent book shows `size` shares at our price (0 = vacated); `traded` shares printed there since
   * the venue's last book update. Cancels move us by the model's rule; then queue_ahead <= size.
   */
  levelChange(o: QueueOrder, size: number, traded: number): void;
  /**
   * Shares by which queue_ahead decreases when `cancelled` shares leave a level where `ahead` shares are in
   * front of us and `behind` shares behind us (both before the cancel). The simulator clamps the result to
   * [0, min(ahead, cancelled)] and afterwards caps queue_ahead at the new displayed level size. `ahead` is
   * the DISPLAYED part of queue_ahead only (the owner's own earlier orders at the level are not displayed).
   */
  advanceOnCancel(ahead: number, behind: number, cancelled: number): number;
  /**
   * Called by the simulator for every record it is fed, after the orders due have arrived and before the
   * record's trade and book are applied (l3_fifo follows the MBO records behind the derived rows here). L2
   * models leave it out.
   */
  onRecord?(b: Mbp10Batch, i: number): void;
}

/**
 * Per-venue fees in price units per unit of quantity ($/share for a stock; an instrument's currency fee divided
 * by its multiplier, docs/models.md 1b); positive numbers = paid (taker) / received (maker). `priceUsd` is the
 * execution price (a fee in bps of notional depends on it).
 */
export interface FeeSchedule {
  /** Fee paid per unit when we take liquidity on `venue` at `priceUsd` (>= 0 normally). */
  takerFeeUsd(venue: number, priceUsd: number): number;
  /** Rebate received per unit when our resting order is filled on `venue` at `priceUsd` (< 0 = a maker fee). */
  makerRebateUsd(venue: number, priceUsd: number): number;
}

/** One execution of one of our orders at one price on one venue. */
export interface Fill {
  readonly orderId: number;
  readonly owner: number;
  /** Time of the execution (ns): arrival time for a taker fill at arrival, else the record's ts_recv. */
  readonly tsNs: bigint;
  readonly venue: number;
  readonly priceUsd: number;
  /** Shares, integer > 0. */
  readonly qty: number;
  /**
   * true for a resting (limit) order filled passively, false for liquidity we took. Passive fills come from
   * trades (docs/models.md 6.3) or from a quote cross on the order's own venue, bounded by the opposite size that
   * venue displays at or through our price and not yet consumed by our owner (see executionSim.ts).
   */
  readonly maker: boolean;
  /**
   * true when the fill's shares are part of a trade the data printed (a passive fill carved out of a trade,
   * docs/models.md 6.3): the market volume already counts them. false for taker fills and quote-cross fills,
   * which the data's volume does not contain (participation adds them, docs/models.md 8).
   */
  readonly printed: boolean;
  /** Total fee of this fill in dollars: + paid (taker fee), - received (maker rebate). */
  readonly feeUsd: number;
  /**
   * Own-impact overlay charged per share on top of priceUsd (docs/models.md 6.6), side-adjusted price units
   * (the effective price is priceUsd + s impactUsd); 0 for an owner without an overlay. Each fill of a market
   * block pays the increase of the block's charge it causes, so a fill deep in the book may carry a negative
   * value (its walk repays own jump charged to the shallower fills); a block's total is never negative.
   */
  readonly impactUsd: number;
  /**
   * The data's national best on the side the fill takes (the ask for a buy) in the consistent book it executed
   * against (for a limit fill the last one at or before it); NaN when that side is empty.
   */
  readonly bestUsd: number;
  /** The data's national mid of that book; NaN when one-sided. */
  readonly midUsd: number;
}

/** Buy (+1) or sell (-1). */
export type OrderSide = 1 | -1;

export interface ExecutionSimOptions {
  /** Number of dense venue indices the stream can carry (Mbp10Batch.venue < maxVenues). */
  readonly maxVenues: number;
  /** Book levels kept per venue (1..10). */
  readonly levels: number;
  /** Order entry latency (submit to arrival at the venue), ns, when no `latency` model is given. @default 1_000_000n (1 ms) */
  readonly latencyNs?: bigint;
  /** Latency model (lib/sim/latency.ts); overrides latencyNs. */
  readonly latency?: LatencyModel;
  readonly queueModel: QueueModel;
  readonly fees: FeeSchedule;
  /**
   * Called for every fill. Fills of one record are delivered after the record has been fully applied, so the
   * callback may call submit / cancel / openQty on the simulator safely.
   */
  onFill(f: Fill): void;
}
