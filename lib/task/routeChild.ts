/**
 * The Cont-Kukanov split of one child order of a parent (lib/task/execution.ts) at the book standing now: the
 * venues the router sees (lib/router/venues.ts bookVenues: price, queue ahead including our own resting shares,
 * effective rebate net of adverse selection, outflow), the router's half-spread (the book's, or the override's)
 * and its horizon, then `contKukanov` on the parent's random stream. Undefined when no venue is at the best on
 * our passive side or the book has no positive half-spread (one-sided or crossed): the child goes as a market
 * order.
 */

import type { Rng } from "../core/rng.ts";
import { contKukanov, type RouterAllocation } from "../router/index.ts";
import { bookVenues, effectiveRebateUsd, takerFeeAtBest } from "../router/venues.ts";
import type { ExecutionContext } from "./executionTypes.ts";

export interface ChildRoute {
  /** The router's allocation of the child's X shares (market shares, limit shares per venue index). */
  readonly alloc: RouterAllocation;
  /** The passive price at each venue index (our best bid for a buy, best ask for a sell). */
  readonly prices: readonly number[];
  /** The venue names, by venue index. */
  readonly names: readonly string[];
}

export function routeChild(
  ctx: ExecutionContext,
  side: 1 | -1,
  qty: number,
  horizonS: number,
  ownRestingAt: (venue: number, pk: number) => number,
  rng: Rng,
): ChildRoute | undefined {
  const names = ctx.venueNames();
  const passive: "bid" | "ask" = side === 1 ? "bid" : "ask";
  const {
    venues,
    prices,
    halfSpreadUsd: halfSpread,
  } = bookVenues(ctx.sim.books, side, names, {
    ownRestingAt,
    // r_k from venue k's fee schedule at our passive price there (docs/models.md 5, 1b)
    rebateUsd: (name, v, px) =>
      effectiveRebateUsd(
        Number.isNaN(px) ? ctx.makerRebateUsd : ctx.sim.fees.makerRebateUsd(v, px),
        ctx.adverseUsd(name, passive),
      ),
    outflow: (name) => ctx.outflow(name, passive),
  });
  if (!venues.some((v) => v.atBest) || !(halfSpread > 0)) return undefined;
  const routerParams = {
    ...ctx.router,
    // f: the taker fee of the venues at the opposite best (the market order's venue), from their schedules
    takerFeeUsd: takerFeeAtBest(
      ctx.sim.books,
      side,
      names.length,
      (v, px) => ctx.sim.fees.takerFeeUsd(v, px),
      ctx.router.takerFeeUsd,
    ),
    horizonS,
    halfSpreadUsd: ctx.routerHalfSpreadUsd ? ctx.routerHalfSpreadUsd(halfSpread) : halfSpread,
  };
  return { alloc: contKukanov(qty, venues, routerParams, rng), prices, names };
}
