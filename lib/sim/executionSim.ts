/**
 * The exchange simulator (docs/models.md section 6): the recorded book is the market, our orders are overlaid on
 * it and never change it. Feed every record in replay order to `onRecord`; submit orders between records.
 *
 * Owners: every order belongs to an owner (in the runner: one strategy instance x parent order). Owners are
 * independent (docs/models.md 6.5): one owner's fills and consumed liquidity never affect another's.
 *
 * Timing: an order submitted at tNs arrives at tNs + latencyNs. It is activated by the first record with
 * ts_recv >= arrival, against the consistent books as they were BEFORE that record. Cancels are immediate
 * (cancel latency is not modelled): they act on the state after the last record fed.
 *
 * Market orders (6.1) walk the displayed liquidity (takerWalk.ts, consumed.ts); what the visible book cannot
 * fill stays pending and is retried after every later F_LAST book update, oldest first.
 *
 * Limit orders (6.2, 6.3) rest in per-(venue, side) lists; the rules that fill them (trades at and through
 * their price, queue advance at book updates, quote crosses) are in passiveFills.ts, the queue position itself
 * is the QueueModel's (queueModels.ts).
 * A limit order marketable at arrival (buy price >= national best ask) first takes liquidity like a market
 * order limited to its price (taker fills), and the rest rests as above.
 * Fees: taker fills pay takerFeeUsd(venue) x qty; maker fills receive makerRebateUsd(venue) x qty (feeUsd < 0).
 * Trade volume is taken from T records only (F records would double count the same execution).
 */
import { VenueBooks } from "../book/venueBooks.ts";
import { DataFormatError, InputError } from "../core/errors.ts";
import { NS_PER_MS, priceKey } from "../core/units.ts";
import { Action, type Mbp10Batch } from "../mbp10/schema.ts";
import type { ConsumedLedger } from "./consumed.ts";
import { constantLatency, type LatencyModel } from "./latency.ts";
import { ASK, BID, HIDDEN, levelSize, SourceDepth } from "./levels.ts";
import { DONE, LIVE, PENDING, SimOrder } from "./order.ts";
import type { OwnerPricing } from "./ownerPricing.ts";
import { PassiveFills } from "./passiveFills.ts";
import { Taker } from "./takerWalk.ts";
import { TradeMemory } from "./tradeMemory.ts";
import type { ExecutionSimOptions, FeeSchedule, Fill, OrderSide, QueueModel } from "./types.ts";

const NEVER = 0x7fffffffffffffffn;

export class ExecutionSim {
  /** The consistent per-venue books, maintained by the simulator (copied at F_LAST records). */
  readonly books: VenueBooks;
  /** Deepest level count each venue has displayed per side (what its source shows; levels.ts). */
  private readonly depth: SourceDepth;
  readonly latency: LatencyModel;
  readonly queueModel: QueueModel;
  /** The queue model's per-record hook (QueueModel.onRecord; l3_fifo), bound once. */
  private readonly queueFeed: ((b: Mbp10Batch, i: number) => void) | undefined;
  readonly fees: FeeSchedule;
  private readonly onFill: (f: Fill) => void;
  private nextId = 1;
  private readonly orders = new Map<number, SimOrder>();
  private readonly ledgers = new Map<number, ConsumedLedger>();
  /** Submitted, not yet arrived (market and limit). */
  private readonly pending: SimOrder[] = [];
  private minPendingNs = NEVER;
  /** Arrived market orders with shares left. */
  private readonly waiting: SimOrder[] = [];
  /** retryWaiting's copy of `waiting` (kept to allocate nothing per record). */
  private readonly retrying: SimOrder[] = [];
  private readonly trades: TradeMemory;
  private readonly passive: PassiveFills;
  private readonly outbox: Fill[] = [];
  private readonly taker: Taker;
  /** Owners' pricing (impact overlay and limit on the impacted price); absent = the pure replay. */
  private readonly pricing = new Map<number, OwnerPricing>();
  /** Number of the current consistent book (any venue's F_LAST record starts the next): a market block's key. */
  private bookSeq = 0;

  constructor(opts: ExecutionSimOptions) {
    if (!Number.isInteger(opts.maxVenues) || opts.maxVenues < 1 || opts.maxVenues > 256) {
      throw new InputError(`maxVenues must be an integer in 1..256 (got ${opts.maxVenues})`);
    }
    if (!Number.isInteger(opts.levels) || opts.levels < 1 || opts.levels > 10) {
      throw new InputError(`levels must be an integer in 1..10 (got ${opts.levels})`);
    }
    this.latency = opts.latency ?? constantLatency(opts.latencyNs ?? NS_PER_MS);
    this.books = new VenueBooks(opts.maxVenues, opts.levels);
    this.depth = new SourceDepth(opts.maxVenues);
    this.queueModel = opts.queueModel;
    this.queueFeed = opts.queueModel.onRecord?.bind(opts.queueModel);
    this.fees = opts.fees;
    this.onFill = opts.onFill;
    this.trades = new TradeMemory(opts.maxVenues);
    this.taker = new Taker(
      this.books,
      this.depth,
      this.fees,
      opts.maxVenues,
      (o, ts, venue, px, qty, fee) => this.emit(o, ts, venue, px, qty, false, fee, false),
      (o, ts, _venue, px, qty) => {
        const p = this.pricing.get(o.owner);
        return p === undefined ? qty : p.acceptMarket(ts, this.bookSeq, px, this.bestFor(o.side), qty);
      },
    );
    this.passive = new PassiveFills(
      {
        books: this.books,
        depth: this.depth,
        trades: this.trades,
        queueModel: this.queueModel,
        makerFill: (o, qty, ts, printed) => this.makerFill(o, qty, ts, printed),
        noteLedger: (ledger) => this.taker.noteLedger(ledger),
      },
      opts.maxVenues,
      opts.levels,
    );
  }

  /** Orders not yet finished (pending arrival, resting, or market orders waiting for liquidity). */
  get liveOrders(): number {
    return this.pending.length + this.passive.count + this.waiting.length;
  }

  /**
   * Feed record `i` of `b` (every record, in replay order). Activates orders that have arrived by this
   * record's ts_recv against the books before it, then applies the record: trades (queue depletion, fills),
   * the venue's book at F_LAST records (consumed-entry refresh, queue advance, quote cross on that venue),
   * retries of waiting market orders. Costs only a book copy (plus the refresh of any consumed entries) when
   * no order is live.
   */
  onRecord(b: Mbp10Batch, i: number): void {
    const v = b.venue[i]!;
    if (v >= this.books.maxVenues) {
      throw new DataFormatError(
        `record ${i} has venue index ${v} but the simulator was built with maxVenues = ${this.books.maxVenues}; pass the stream's venue count`,
      );
    }
    const feed = this.queueFeed;
    if (this.pending.length === 0 && this.passive.count === 0 && this.waiting.length === 0) {
      if (feed !== undefined) feed(b, i);
      if (this.books.onRecord(b, i)) {
        this.bookSeq++;
        this.depth.note(b, i, v, this.books.levels);
        if (this.taker.hasConsumed) this.taker.prune(v);
      }
      return;
    }
    const ts = b.tsRecv[i]!;
    if (this.pending.length > 0 && ts >= this.minPendingNs) this.arrive(ts);
    if (feed !== undefined) feed(b, i);
    const action = b.action[i]!;
    if (action === Action.Trade && this.passive.count > 0)
      this.passive.onTrade(v, b.side[i]!, b.price[i]!, b.size[i]!, ts);
    if (this.books.onRecord(b, i)) {
      this.bookSeq++;
      this.depth.note(b, i, v, this.books.levels);
      if (this.taker.hasConsumed) this.taker.prune(v);
      if (this.passive.count > 0) this.passive.bookUpdate(v, ts);
      if (action !== Action.Trade && action !== Action.Fill) this.trades.clearVenue(v);
      if (this.waiting.length > 0) this.retryWaiting(ts);
    }
    this.flush();
  }

  /**
   * Market order of `qty` shares (integer >= 0); side +1 buys (walks asks), -1 sells (walks bids). With
   * `limitUsd` (a price limit, e.g. a parent's limit_bps) it walks only levels at or better than the limit and
   * waits for later books for the rest, like any market order.
   */
  submitMarket(owner: number, side: OrderSide, qty: number, tNs: bigint, limitUsd?: number): number {
    if (limitUsd !== undefined && (!(limitUsd > 0) || !Number.isFinite(limitUsd)))
      throw new InputError(`market order price limit must be a positive number of dollars (got ${limitUsd})`);
    return this.submit(owner, true, side, 0, Number.NaN, qty, tNs, limitUsd);
  }

  /** Limit order resting at `priceUsd` on `venue`, joining the back of the queue on arrival (tNs + latency). */
  submitLimit(
    owner: number,
    venue: number,
    side: OrderSide,
    priceUsd: number,
    qty: number,
    tNs: bigint,
  ): number {
    if (!Number.isInteger(venue) || venue < 0 || venue >= this.books.maxVenues) {
      throw new InputError(`limit order venue ${venue} is outside 0..${this.books.maxVenues - 1}`);
    }
    if (!(priceUsd > 0) || !Number.isFinite(priceUsd)) {
      throw new InputError(`limit price must be a positive number of dollars (got ${priceUsd})`);
    }
    return this.submit(owner, false, side, venue, priceUsd, qty, tNs);
  }

  /**
   * Price `owner`'s fills with `pricing` from now on (docs/models.md 6.6): its own-impact overlay charges every fill
   * (Fill.impactUsd), its limit applies to the impacted price, and its taken liquidity lasts one consistent book
   * per venue (the overlay carries the persistence of its trading, 6.1).
   */
  setPricing(owner: number, pricing: OwnerPricing): void {
    this.pricing.set(owner, pricing);
    let ledger = this.ledgers.get(owner);
    if (ledger === undefined) this.ledgers.set(owner, (ledger = []));
    this.taker.consumeForOneBook(ledger);
  }

  /** Cancel immediately (no cancel latency); returns the unfilled quantity (0 for a finished order). */
  cancel(orderId: number): number {
    const o = this.lookup(orderId);
    if (o === undefined) return 0;
    if (o.state === PENDING) {
      this.pending.splice(this.pending.indexOf(o), 1);
    } else if (o.market) {
      // order-preserving (submission order is the retry priority)
      this.waiting.splice(this.waiting.indexOf(o), 1);
    } else {
      this.passive.remove(o);
    }
    const left = o.remaining;
    this.finish(o);
    return left;
  }

  /** Shares of the order not yet filled (0 once filled or cancelled). */
  openQty(orderId: number): number {
    return this.lookup(orderId)?.remaining ?? 0;
  }

  /**
   * Shares in front of a resting limit order: the displayed part plus the remaining shares of its owner's
   * earlier orders resting at the same (venue, side, price); NaN when the order is not resting or its queue
   * position is still unknown (its price not shown by the venue's source since it arrived).
   */
  queueAhead(orderId: number): number {
    const o = this.lookup(orderId);
    return o !== undefined && !o.market && o.state === LIVE && o.known
      ? o.ahead + this.passive.ownAhead(o)
      : Number.NaN;
  }

  /**
   * Catch-up at a router horizon (docs/models.md 6.4): cancel `orderIds` and send their unfilled total as one market
   * order of `side` at tNs. Returns the market order's id, or 0 when nothing was left (no order sent).
   */
  cancelAndCatchUp(owner: number, orderIds: readonly number[], side: OrderSide, tNs: bigint): number {
    let left = 0;
    for (const id of orderIds) left += this.cancel(id);
    return left > 0 ? this.submitMarket(owner, side, left, tNs) : 0;
  }

  private submit(
    owner: number,
    market: boolean,
    side: OrderSide,
    venue: number,
    priceUsd: number,
    qty: number,
    tNs: bigint,
    marketLimitUsd?: number,
  ): number {
    if (side !== 1 && side !== -1)
      throw new InputError(`order side must be +1 (buy) or -1 (sell), got ${side}`);
    if (!Number.isInteger(qty) || qty < 0)
      throw new InputError(`order quantity must be whole shares >= 0 (got ${qty})`);
    const id = this.nextId++;
    if (qty === 0) return id;
    let ledger = this.ledgers.get(owner);
    if (ledger === undefined) this.ledgers.set(owner, (ledger = []));
    const pk = market
      ? marketLimitUsd !== undefined
        ? priceKey(marketLimitUsd)
        : side === 1
          ? Number.POSITIVE_INFINITY
          : Number.NEGATIVE_INFINITY
      : priceKey(priceUsd);
    const o = new SimOrder(
      id,
      owner,
      market,
      side,
      venue,
      priceUsd,
      pk,
      qty,
      tNs + this.latency.entryNs(tNs),
      ledger,
    );
    this.orders.set(id, o);
    this.pending.push(o);
    if (o.arrivalNs < this.minPendingNs) this.minPendingNs = o.arrivalNs;
    return id;
  }

  private lookup(orderId: number): SimOrder | undefined {
    if (!Number.isInteger(orderId) || orderId < 1 || orderId >= this.nextId) {
      throw new InputError(`unknown order id ${orderId}: ids are returned by submitMarket / submitLimit`);
    }
    return this.orders.get(orderId);
  }

  /** Activate pending orders with arrivalNs <= ts, in submission order, against the current books. */
  private arrive(ts: bigint): void {
    const p = this.pending;
    let w = 0;
    let min = NEVER;
    for (let r = 0; r < p.length; r++) {
      const o = p[r]!;
      if (o.arrivalNs <= ts) {
        o.state = LIVE;
        if (o.market) this.activateMarket(o);
        else this.activateLimit(o);
      } else {
        p[w++] = o;
        if (o.arrivalNs < min) min = o.arrivalNs;
      }
    }
    p.length = w;
    this.minPendingNs = min;
  }

  private activateMarket(o: SimOrder): void {
    this.taker.take(o, o.pk, o.arrivalNs);
    if (o.remaining > 0) this.waiting.push(o);
    else this.finish(o);
  }

  private activateLimit(o: SimOrder): void {
    const b = this.books;
    const buy = o.side === 1;
    const opp = buy ? b.nationalBestAsk() : b.nationalBestBid();
    if (!Number.isNaN(opp) && (buy ? priceKey(opp) <= o.pk : priceKey(opp) >= o.pk))
      this.taker.take(o, o.pk, o.arrivalNs);
    if (o.remaining === 0) {
      this.finish(o);
      return;
    }
    const side = buy ? BID : ASK;
    const s = levelSize(b, this.depth, o.venue, side, o.pk);
    o.known = s !== HIDDEN;
    this.queueModel.arrive(o, o.known ? s : 0);
    if (this.passive.count === 0) this.trades.clearAll();
    this.passive.rest(o);
  }

  /**
   * Retry the waiting market orders oldest first (time priority among an owner's own orders), keeping their
   * order: which of an owner's orders gets scarce liquidity never depends on another owner's orders finishing.
   */
  private retryWaiting(ts: bigint): void {
    const w = this.waiting;
    // a fill may make its owner cancel other orders (state DONE): visit a copy (a reused array: this runs at every
    // F_LAST record while orders wait), then keep the rest in order
    const visit = this.retrying;
    for (const o of w) visit.push(o);
    for (const o of visit) {
      if (o.state === DONE) continue;
      this.taker.take(o, o.pk, ts);
      if (o.remaining === 0) this.finish(o);
    }
    visit.length = 0;
    let k = 0;
    for (const o of w) if (o.state !== DONE) w[k++] = o;
    w.length = k;
  }

  private makerFill(o: SimOrder, qty: number, ts: bigint, printed: boolean): void {
    let q = Math.min(qty, o.remaining);
    const pricing = this.pricing.get(o.owner);
    if (pricing !== undefined && q > 0) q = pricing.acceptLimit(ts, o.priceUsd, q);
    if (q <= 0) return;
    o.remaining -= q;
    this.emit(
      o,
      ts,
      o.venue,
      o.priceUsd,
      q,
      true,
      -this.fees.makerRebateUsd(o.venue, o.priceUsd) * q,
      printed,
    );
    if (o.remaining === 0) {
      this.passive.remove(o);
      this.finish(o);
    }
  }

  private finish(o: SimOrder): void {
    o.state = DONE;
    this.orders.delete(o.id);
  }

  private emit(
    o: SimOrder,
    tsNs: bigint,
    venue: number,
    priceUsd: number,
    qty: number,
    maker: boolean,
    feeUsd: number,
    printed: boolean,
  ) {
    // one scan of each side serves the best the fill takes and the mid
    const bid = this.books.nationalBestBid();
    const ask = this.books.nationalBestAsk();
    const bestUsd = o.side === 1 ? ask : bid;
    const midUsd = (bid + ask) / 2;
    const pricing = this.pricing.get(o.owner);
    const impactUsd =
      pricing === undefined
        ? 0
        : (maker
            ? pricing.chargeLimit(tsNs, qty)
            : pricing.chargeMarket(tsNs, this.bookSeq, priceUsd, bestUsd, qty)) / qty;
    this.outbox.push({
      orderId: o.id,
      owner: o.owner,
      tsNs,
      venue,
      priceUsd,
      qty,
      maker,
      printed,
      feeUsd,
      impactUsd,
      bestUsd,
      midUsd,
    });
  }

  /** The data's national best on the side an order of `side` takes (the ask for a buy); NaN when none. */
  private bestFor(side: OrderSide): number {
    return side === 1 ? this.books.nationalBestAsk() : this.books.nationalBestBid();
  }

  private flush(): void {
    const box = this.outbox;
    if (box.length === 0) return;
    try {
      for (let j = 0; j < box.length; j++) this.onFill(box[j]!);
    } finally {
      box.length = 0;
    }
  }
}
