/**
 * `l3_fifo` (docs/models.md 6.7): the exact queue position of a resting order in the real FIFO queue of an MBO
 * input, instead of an L2 guess. The replay runs on the MBP-10 derived from the MBO records
 * (lib/importers/mbo/replayStream.ts), so the simulator, its books and every other rule are the ones of the L2
 * models; this QueueModel is fed the MBO records behind each derived row (MboFeed) through `onRecord`, keeps the
 * order-level book (FifoTracker) and answers the one question a queue model answers differently:
 * - arrive: the order takes a FIFO priority at its price: behind every order resting there now;
 * - a trade at our price (tradeAtPrice) fills it with the shares of the trade's resting fills (its F records)
 *   that reach it (fifoQueue.ts fillReaches: orders behind it at its price), less the owner's earlier orders at
 *   the price (they are ahead of it), within the trade's budget for the owner. Orders ahead of it filled or
 *   cancelled move it up exactly; cancels behind it never do;
 * - queue_ahead (SimOrder.ahead) is the exact size resting ahead of it, refreshed at each consistent book.
 * Trades through our price and quote crosses fill it by the simulator's shared rules (passiveFills.ts).
 */
import { InputError } from "../core/errors.ts";
import type { MboEvents, MboFeed } from "../mbo/schema.ts";
import type { Mbp10Batch } from "../mbp10/schema.ts";
import { ASK, BID, FifoTracker } from "./fifoQueue.ts";
import type { QueueModel, QueueOrder } from "./types.ts";

/** The simulator's resting orders (SimOrder) as l3_fifo sees them. */
interface L3Order extends QueueOrder {
  /** Price key (lib/core/units priceKey). */
  readonly pk: number;
  /** +1 buy (rests on the bids), -1 sell. */
  readonly side: number;
  /** FIFO priority taken on arrival (NaN before). */
  prio: number;
}

/** The l3_fifo queue model over the MBO records of `feed` (the replay stream of an MBO input). */
export function l3FifoQueue(feed: MboFeed): QueueModel {
  const fifo = new FifoTracker();
  let batch: Mbp10Batch | undefined;
  let events: MboEvents | undefined;
  let next = 0;
  const sideOf = (o: L3Order) => (o.side === 1 ? BID : ASK);
  const refresh = (o: L3Order) => {
    o.ahead = fifo.sizeAhead(sideOf(o), o.pk, o.prio);
  };
  return {
    name: "l3_fifo",
    onRecord(b: Mbp10Batch, i: number): void {
      if (b !== batch) {
        batch = b;
        events = feed.events;
        next = 0;
        if (events === undefined || events.rows !== b.length) {
          throw new InputError(
            "sim.queue_model l3_fifo replays MBO input only: the batch has no MBO records behind it; " +
              "give the task an MBO Parquet file (`msor import dbn FILE.mbo.dbn.zst`)",
          );
        }
      }
      const ev = events!;
      const end = ev.rowEnd[i]!;
      for (; next < end; next++) {
        fifo.apply(ev.action[next]!, ev.side[next]!, ev.price[next]!, ev.size[next]!, ev.orderId[next]!);
      }
    },
    arrive(q: QueueOrder, displayed: number): void {
      const o = q as L3Order;
      // the simulator calls arrive again when an order first seen at an unshown price becomes shown: it keeps
      // the place it took on arrival
      if (Number.isNaN(o.prio)) o.prio = fifo.book.takePriority();
      o.lastSize = displayed;
      refresh(o);
    },
    tradeAtPrice(q: QueueOrder, budget: number, ownBefore: number, _ownAfter: number): number {
      const o = q as L3Order;
      if (!(budget > 0)) return 0;
      const reached = fifo.reachedShares(sideOf(o), o.pk, o.prio);
      refresh(o);
      return Math.min(reached, budget) - ownBefore;
    },
    levelChange(q: QueueOrder, size: number, _traded: number): void {
      const o = q as L3Order;
      o.lastSize = size;
      refresh(o);
    },
    // the order-level book says which order left; nothing is split by a rule
    advanceOnCancel: () => 0,
  };
}

/** The registry's factory: l3_fifo needs the MBO feed of the task's input. */
export function requireMboFeed(feed: MboFeed | undefined): MboFeed {
  if (feed === undefined) {
    throw new InputError(
      "sim.queue_model l3_fifo needs MBO input (order-level data): this task's input is MBP-10. Import " +
        "Databento MBO with `msor import dbn FILE.mbo.dbn.zst --out FILE.mbo.parquet` and backtest that file, " +
        "or choose an L2 queue model (risk_averse, prob1, prob2, prob3, log_prob)",
    );
  }
  return feed;
}
