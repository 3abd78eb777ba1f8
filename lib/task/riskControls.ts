/**
 * The risk controls of one parent order (docs/models.md 7.1), as its execution (lib/task/execution.ts) applies them:
 * the price limit (limit_bps: the limit price from the arrival mid, the touch beyond it, limit orders clipped
 * to it), the notional cap (max_notional_usd: the parent's target in shares), and at each decision the gate on
 * the shares due (halt, spread guard max_spread_bps, caps max_child_shares and max_participation), whose held
 * shares carry to the next decision. Also the trim of a router allocation to the room S - executed - open.
 * The counters kept here are the risk columns of the executions table (lib/task/rows.ts).
 */

import { roundToTick } from "../core/instrument.ts";
import { priceKey } from "../core/units.ts";
import type { ExecutionContext, ParentOrder } from "./executionTypes.ts";

/**
 * The limit price of a parent with `limitBps` at arrival mid m0, on the instrument's tick grid on the safe side
 * (docs/models.md 1b): a buy's is floor(m0 (1 + bps/1e4)) to the tick, a sell's ceil(m0 (1 - bps/1e4)) to the
 * tick (the cent for equities, 0.25 points for ES).
 */
export function limitPriceUsd(side: 1 | -1, m0: number, limitBps: number, tickSize = 0.01): number {
  return roundToTick(m0 * (1 + (side * limitBps) / 1e4), tickSize, side);
}

/** Limits trimmed to at most `room` shares in all, taking from the largest first (ties: later venue first). */
export function trimToRoom(limits: readonly number[], room: number): number[] {
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

/** The controls of one parent and what they did (the executions table's risk columns). */
export class RiskGate {
  /** The notional cap in shares, floor(max_notional_usd / m0); NaN without a cap (or before m0 is known). */
  notionalCapQty = Number.NaN;
  /** The limit price from limit_bps and m0; NaN without a limit (or before m0 is known). */
  limitUsd = Number.NaN;
  /** True when the price limit bound: the touch was beyond it when an order was due, or limited shares ended unfilled. */
  limitHit = false;
  /** Decisions whose child was held because the national spread was wider than max_spread_bps. */
  spreadGuardSkips = 0;
  /** The largest number of shares max_child_shares / max_participation held back at one decision. */
  cappedShares = 0;
  /** Decisions skipped because the national book was not two-sided (nothing is sent without one). */
  noBookSkips = 0;
  /** Decisions skipped because the market was halted. */
  haltSkips = 0;
  /** Shares held by a control (spread guard, caps, halt, no limit price yet) and carried to the next decision. */
  carried = 0;

  constructor(
    private readonly order: ParentOrder,
    private readonly ctx: Pick<ExecutionContext, "sim" | "risk" | "halts" | "tickSize">,
  ) {}

  /**
   * The controls that need the arrival mid m0: the limit price and the notional cap. Returns the notional cap
   * in shares when there is one (the parent's target is min(S, cap)), undefined otherwise or while m0 > 0 is
   * not known.
   */
  arrive(m0: number): number | undefined {
    if (!(m0 > 0)) return undefined;
    const { limitBps, maxNotionalUsd } = this.order;
    if (limitBps !== undefined)
      this.limitUsd = limitPriceUsd(this.order.side, m0, limitBps, this.ctx.tickSize ?? 0.01);
    if (maxNotionalUsd === undefined) return undefined;
    this.notionalCapQty = Math.floor(maxNotionalUsd / m0);
    return this.notionalCapQty;
  }

  /** Price limit of our orders, undefined without one. */
  get orderLimit(): number | undefined {
    return this.limitUsd > 0 ? this.limitUsd : undefined;
  }

  /** True when the national touch we would take is beyond the limit price. */
  touchBeyondLimit(): boolean {
    if (!(this.limitUsd > 0)) return false;
    const books = this.ctx.sim.books;
    const touch = this.order.side === 1 ? books.nationalBestAsk() : books.nationalBestBid();
    if (Number.isNaN(touch)) return false;
    return this.order.side === 1
      ? priceKey(touch) > priceKey(this.limitUsd)
      : priceKey(touch) < priceKey(this.limitUsd);
  }

  /** An order is due: the limit bound if the touch is beyond it. */
  noteTouch(): void {
    if (this.touchBeyondLimit()) this.limitHit = true;
  }

  /** A limit order's price clipped to the parent's limit price (a buy at most, a sell at least the limit). */
  clip(price: number): number {
    if (!(this.limitUsd > 0)) return price;
    return this.order.side === 1 ? Math.min(price, this.limitUsd) : Math.max(price, this.limitUsd);
  }

  /**
   * The risk controls at a decision (docs/models.md 7.1) on the `want` shares due now (the schedule's quantity plus
   * what earlier controls held back, at most remaining): a halt or a spread wider than max_spread_bps holds the
   * whole child, max_child_shares and max_participation x the previous interval's market volume cap it, and a
   * limit_bps parent whose m0 is not known yet waits. What is held carries to the next decision (`carried`).
   * With every control off this returns `want` and carries nothing.
   */
  apply(tNs: bigint, want: number, realizedPrev: number): number {
    const { ctx } = this;
    this.carried = 0;
    if (want <= 0) return 0;
    this.noteTouch();
    if (ctx.halts?.halted(tNs)) {
      this.haltSkips++;
      this.carried = want;
      return 0;
    }
    if (!(ctx.sim.books.mid() > 0)) {
      // no two-sided book: no decision is sent; its shares carry to the next (docs/models.md 8)
      this.noBookSkips++;
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
    this.cappedShares = Math.max(this.cappedShares, want - cap);
    this.carried = want - cap;
    return cap;
  }
}
