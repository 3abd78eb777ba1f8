/**
 * MBP-10 derived from MBO (docs/models.md 1c): the per-order FIFO book is rebuilt record by record and every
 * record that changes the top 10 levels, and every trade, becomes one MBP-10 record carrying the book AFTER it,
 * in the layout the L2 replay reads (Databento's MBP-10 semantics):
 * - A/C/M/R: action, side, price and size of the MBO record; depth = level of its price (after the change;
 *   before it when the change removed the level); a change below the 10th level is not published;
 * - T: the trade (side = aggressor), book unchanged, depth = the level of its price on the resting side (0 when
 *   not shown); F (fill) records are not published (the C/M records after them remove the size);
 * - flags copied from the MBO record; when the record ending a venue event (F_LAST) is not published, F_LAST
 *   moves to the last published record of that event, so decisions still see a consistent book at it.
 * Counts (bid_ct/ask_ct) are the numbers of orders at each level.
 */
import { priceKey } from "../../core/units.ts";
import { ASK, BID, bookSide, FifoBook } from "../../mbo/fifoBook.ts";
import type { MboBatch } from "../../mbo/schema.ts";
import { Action, Flag, MAX_LEVELS, type Mbp10FullBatch, Side } from "../../mbp10/schema.ts";
import { RecordSink } from "../sink.ts";

export interface DeriveOptions {
  /** Rows per output batch (default 65,536). */
  capacity?: number;
}

/** Derives MBP-10 rows from MBO records pushed one at a time; `book` is the FIFO book after the last record. */
export class Mbp10Deriver {
  readonly book = new FifoBook();
  private readonly sink: RecordSink;
  /** The last published row has no F_LAST yet (its event is still open). */
  private open = false;
  /** MBO records that changed the book below the 10th level (not published). */
  deepChanges = 0;
  /** C/M records of orders the book did not know. */
  unknownOrders = 0;
  /** The last pushed record became an MBP-10 row (the last row of the sink's current batch). */
  published = false;

  constructor(symbol: string, options: DeriveOptions = {}) {
    this.sink = new RecordSink(MAX_LEVELS, symbol, options.capacity ? { capacity: options.capacity } : {});
  }

  /** Apply row `r` of `m`; returns a completed MBP-10 batch to hand on, if one was completed. */
  push(m: MboBatch, r: number): Mbp10FullBatch | undefined {
    const action = m.action[r]!;
    const book = this.book;
    let publish = false;
    let depth = 0;
    if (action === Action.Trade) {
      publish = true;
      const resting = m.side[r] === Side.Ask ? BID : m.side[r] === Side.Bid ? ASK : -1;
      if (resting >= 0 && !Number.isNaN(m.price[r]!)) {
        depth = Math.max(0, book.levelIndex(resting, priceKey(m.price[r]!)));
      }
    } else if (action === Action.Clear) {
      book.apply(action, m.side[r]!, m.price[r]!, m.size[r]!, m.orderId[r]!);
      publish = true;
    } else if (action === Action.Add || action === Action.Cancel || action === Action.Modify) {
      // the level the record touches before the change (cancel/modify: the order's own level)
      const id = m.orderId[r]!;
      const known = action !== Action.Add && book.sideOf(id) >= 0;
      const oldSide = known ? book.sideOf(id) : bookSide(m.side[r]!);
      const oldPk = known ? book.keyOf(id) : Number.NaN;
      const before = known ? book.levelIndex(oldSide, oldPk) : -1;
      const c = book.apply(action, m.side[r]!, m.price[r]!, m.size[r]!, id);
      if (c.unknown) this.unknownOrders++;
      if (c.changed) {
        const after = book.levelIndex(c.side, c.pk);
        depth = after >= 0 ? after : before;
        const oldMoved = !Number.isNaN(c.oldPk) || (known && oldSide !== c.side);
        publish = (depth >= 0 && depth < MAX_LEVELS) || (oldMoved && before >= 0 && before < MAX_LEVELS);
        if (depth < 0 || depth >= MAX_LEVELS) depth = Math.max(0, before);
        if (!publish) this.deepChanges++;
      }
    }
    const flags = m.flags[r]!;
    this.published = publish;
    if (!publish) {
      if (flags & Flag.LAST && this.open) {
        this.sink.batch.flags[this.sink.row]! |= Flag.LAST;
        this.open = false;
      }
      return undefined;
    }
    const done = this.sink.start(m.tsRecv[r]!);
    const b = this.sink.batch;
    const i = this.sink.row;
    b.tsRecv[i] = m.tsRecv[r]!;
    b.tsEvent[i] = m.tsEvent[r]!;
    b.publisherId[i] = m.publisherId[r]!;
    b.instrumentId[i] = m.instrumentId[r]!;
    b.action[i] = action;
    b.side[i] = m.side[r]!;
    b.depth[i] = depth;
    b.price[i] = m.price[r]!;
    b.size[i] = m.size[r]!;
    b.flags[i] = flags;
    b.tsInDelta[i] = m.tsInDelta[r]!;
    b.sequence[i] = m.sequence[r]!;
    this.open = (flags & Flag.LAST) === 0;
    writeLevels(book, b, i);
    return done;
  }

  /** The last, partial batch (undefined when empty). */
  finish(): Mbp10FullBatch | undefined {
    return this.sink.finish();
  }
}

/** Write the top MAX_LEVELS levels of `book` into row `i` of `b` (missing levels: NaN price, 0 size). */
export function writeLevels(book: FifoBook, b: Mbp10FullBatch, i: number): void {
  for (let l = 0; l < b.levels; l++) {
    const bk = book.levelKey(BID, l);
    const ak = book.levelKey(ASK, l);
    b.bidPx[l]![i] = Number.isNaN(bk) ? Number.NaN : bk / 1e6;
    b.askPx[l]![i] = Number.isNaN(ak) ? Number.NaN : ak / 1e6;
    b.bidSz[l]![i] = Number.isNaN(bk) ? 0 : book.levelSize(BID, bk);
    b.askSz[l]![i] = Number.isNaN(ak) ? 0 : book.levelSize(ASK, ak);
    b.bidCt[l]![i] = Number.isNaN(bk) ? 0 : book.levelCount(BID, bk);
    b.askCt[l]![i] = Number.isNaN(ak) ? 0 : book.levelCount(ASK, ak);
  }
}

/** MBP-10 batches derived from MBO batches (streamed: memory bounded by the book and one batch). */
export async function* deriveMbp10(
  mbo: AsyncIterable<MboBatch> | Iterable<MboBatch>,
  symbol: string,
  options: DeriveOptions = {},
): AsyncGenerator<Mbp10FullBatch> {
  const d = new Mbp10Deriver(symbol, options);
  for await (const m of mbo) {
    for (let r = 0; r < m.length; r++) {
      const done = d.push(m, r);
      if (done) yield done;
    }
  }
  const last = d.finish();
  if (last) yield last;
}
