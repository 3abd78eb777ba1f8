/**
 * The exchange simulator (MODELS.md section 6): the recorded book is the market, our orders are overlaid on
 * it and never change it. Feed every record in replay order to `onRecord`; submit orders between records.
 *
 * Owners: every order belongs to an owner (in the runner: one strategy instance x parent order). Owners are
 * independent (MODELS.md 6.5): one owner's fills and consumed liquidity never affect another's.
 *
 * Timing: an order submitted at tNs arrives at tNs + latencyNs. It is activated by the first record with
 * ts_recv >= arrival, against the consistent books as they were BEFORE that record. Cancels are immediate
 * (cancel latency is not modelled): they act on the state after the last record fed.
 *
 * Market orders (6.1) take liquidity across venues, cheapest price first (ties: lower taker fee, then lower
 * venue index), level by level, at most the shares still available to their owner (see consumed.ts). What the
 * visible book cannot fill stays pending and is retried after every later F_LAST book update.
 * Consumed liquidity (tightens 6.1 "until the data changes that level's size"): when a level the owner took
 * `consumed` shares from changes from `snap` to `size` shares, consumed' = max(0, consumed - max(0, snap -
 * size)) and available = max(0, size - consumed'): a decrease removes the shares we took first, an increase
 * adds only the new shares; the entry is gone when consumed' = 0. A level going 500 -> 499 -> 498 thus fills a
 * 1000-share market buy for 500 in total, not 500 + 499 + 1.
 *
 * Limit orders (6.2, 6.3) join the back of the queue at arrival (when they start resting). Our orders are
 * virtual (not in the displayed sizes), so the queue in front of an order has two parts:
 *   queue_ahead = displayed part + own part,
 * - displayed part (SimOrder.ahead): the displayed size at its price on its venue at arrival (0 when the
 *   level is vacated; unknown when the venue's source does not show the price, see "unknown queue" below),
 *   then moved by trades and book updates as below;
 * - own part: the remaining shares of the SAME owner's earlier orders (earlier arrival) still resting at the
 *   same (venue, side, price), computed on the fly (never stored). When such an order fills or is cancelled,
 *   the later ones move up by exactly those shares, never below their displayed part. Other owners' orders
 *   are never counted (owners are independent).
 * Then, on their venue only:
 * - a trade whose aggressor hits our side AT our price: each owner's orders at that price are taken in
 *   arrival order (owner, then arrival; deterministic). With Q = queue_ahead before the trade and S the part
 *   of the trade left for this owner after its through fills below (same trade), the order fills
 *   floor(S - Q) (when >= 1, at most its remaining) and queue_ahead becomes max(0, Q - S); the displayed part
 *   is what remains after the own part (clamped at 0). So an earlier own order fills first and a later one
 *   only from what is left: a 650-share sell against 500 displayed fills A = 100 then B = 50 (not 150 each);
 * - a trade strictly THROUGH our price (sell aggressor below our bid, buy aggressor above our ask; also an
 *   unknown-aggressor 'N' trade) fills us first at our price, up to the trade's size (per owner, better
 *   prices first, then arrival order): the aggressor would have met our better-priced order before printing
 *   worse, but it brought only its own size (filling our whole order from a 100-share print would be
 *   optimistic). Through fills come before at-price fills and share the same per-owner budget (the trade's
 *   size), so one trade never fills one owner for more than its size;
 * - at each F_LAST book update, a size decrease at our price minus the trade volume printed there since the
 *   venue's last non-trade book update is a cancel, handed to the QueueModel; the displayed part is then
 *   capped at the displayed size (both act on the displayed part only, never on the own part). A price no
 *   longer displayed although inside the displayed range, better than the best, or on an empty side is
 *   "vacated": displayed part = 0 (nobody displayed is in front of us), so the next trade at or through our
 *   price fills us (behind our owner's earlier orders there) up to its size. A price worse than the last
 *   displayed level of a side that shows as many levels as the venue's source has ever shown (levels.ts
 *   SourceDepth; the simulator's level count for a full book, 1 for a level-1 venue even in a merged stream
 *   whose level count is 10) is unknown (not shown by the source, not empty): the displayed part is left
 *   unchanged. A gap inside the displayed range, a price better than the best, or an empty side stay
 *   "vacated".
 * - unknown queue: an order arriving at a price its venue's source does not show (the unknown case above)
 *   has an UNKNOWN queue position, not an empty one (MODELS.md 6.2 has no displayed size to join behind).
 *   It stays unknown until the first F_LAST book of its venue that displays its price (or shows it vacated);
 *   then displayed part = lastSize = the displayed size at that moment (0 when vacated). While unknown, trades
 *   AT its price do not fill it (it is behind an unknown queue) and queueAhead() is NaN; a trade THROUGH its
 *   price still fills it, up to the trade's size, as above. Before this rule such an order started at the
 *   front (displayed part 0, kept at 0 by the cap when the level appeared): a buy at 99.99 under a level-1
 *   book bid 100.00 filled from a 100-share sell at 99.99 although the book then showed 800 at 99.99.
 * - quote cross, bounded by displayed liquidity (an addition to MODELS.md 6.3, which only fills from trades):
 *   after an F_LAST update of OUR venue, when that venue's opposite side locks or crosses our price (its best
 *   ask <= our bid for a buy, best bid >= our ask for a sell), we fill as maker, at our price, at most the
 *   shares that venue displays on the opposite side at or through our price that our owner has not consumed
 *   yet; those shares then count as consumed for the owner (consumed.ts, the ledger of 6.1), so the same
 *   displayed shares cannot fill the same owner twice (a later size change frees only what it adds or what a
 *   decrease removes beyond them: consumed' = max(0, consumed - max(0, snap - size))). The rest of
 *   the order keeps resting with its queue position. A lock or cross on ANOTHER venue (a locked/crossed
 *   national market) fills nothing: real data shows it without trades reaching our venue. Orders of one owner
 *   on one venue share its ledger in price-time priority (better price, then earlier arrival).
 *   Before this rule the whole remaining quantity filled whenever the national best touched our price, which
 *   on a real GOOG day gave passive fills of up to 65x the market volume of an interval.
 * A limit order marketable at arrival (buy price >= national best ask) first takes liquidity like a market
 * order limited to its price (taker fills), and the rest rests as above.
 * Fees: taker fills pay takerFeeUsd(venue) x qty; maker fills receive makerRebateUsd(venue) x qty (feeUsd < 0).
 * Trade volume is taken from T records only (F records would double count the same execution).
 */
import { VenueBooks } from "../book/venueBooks.ts";
import { DataFormatError, InputError } from "../core/errors.ts";
import { NS_PER_MS, priceKey } from "../core/units.ts";
import { Action, type Mbp10Batch, Side } from "../mbp10/schema.ts";
import { type ConsumedLedger, pruneVenue } from "./consumed.ts";
import { constantLatency, type LatencyModel } from "./latency.ts";
import { ASK, BID, HIDDEN, levelSize, SourceDepth } from "./levels.ts";
import { advanceQueue, DONE, LIVE, PENDING, SimOrder } from "./order.ts";
import { type TakerSink, takeCrossing, walkLiquidity } from "./takerWalk.ts";
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
  /** Resting limit orders by cell v * 2 + side (side 0 = bids = buy orders, 1 = asks = sell orders). */
  private readonly resting: SimOrder[][];
  private restingCount = 0;
  /** The owners' ledgers that hold consumed entries (pruned per venue at each of its F_LAST books). */
  private readonly withEntries = new Set<ConsumedLedger>();
  /** Scratch: resting orders crossed by one book update, in price-time priority. */
  private readonly crossedScratch: SimOrder[] = [];
  private readonly trades: TradeMemory;
  /** Scratch of hit(): orders a trade went through, and shares of that trade used per owner. */
  private readonly throughScratch: SimOrder[] = [];
  private readonly throughUsed = new Map<number, number>();
  /** Scratch of hit(): resting orders at the trade's price, sorted by owner then arrival. */
  private readonly atScratch: SimOrder[] = [];
  /** Arrival counter of resting limit orders (SimOrder.seq). */
  private nextSeq = 1;
  private readonly ptr: Int32Array;
  private readonly levelKeys: Float64Array;
  private readonly outbox: Fill[] = [];
  private taking: SimOrder | null = null;
  private takingNs = 0n;
  /** Receives the taker fills of the order being walked (one object for the simulator's lifetime). */
  private readonly sink: TakerSink = {
    takerFill: (venue, priceUsd, qty, feeUsd) =>
      this.emit(this.taking!, this.takingNs, venue, priceUsd, qty, false, feeUsd),
  };

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
    this.fees = opts.fees;
    this.onFill = opts.onFill;
    this.resting = Array.from({ length: opts.maxVenues * 2 }, () => []);
    this.trades = new TradeMemory(opts.maxVenues);
    this.ptr = new Int32Array(opts.maxVenues);
    this.levelKeys = new Float64Array(opts.levels);
  }

  /** Orders not yet finished (pending arrival, resting, or market orders waiting for liquidity). */
  get liveOrders(): number {
    return this.pending.length + this.restingCount + this.waiting.length;
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
    if (this.pending.length === 0 && this.restingCount === 0 && this.waiting.length === 0) {
      if (this.books.onRecord(b, i)) {
        this.depth.note(this.books, v);
        if (this.withEntries.size > 0) this.pruneConsumed(v);
      }
      return;
    }
    const ts = b.tsRecv[i]!;
    if (this.pending.length > 0 && ts >= this.minPendingNs) this.arrive(ts);
    const action = b.action[i]!;
    if (action === Action.Trade && this.restingCount > 0)
      this.onTrade(v, b.side[i]!, b.price[i]!, b.size[i]!, ts);
    if (this.books.onRecord(b, i)) {
      this.depth.note(this.books, v);
      if (this.withEntries.size > 0) this.pruneConsumed(v);
      if (this.restingCount > 0) this.onBookUpdate(v, ts);
      if (action !== Action.Trade && action !== Action.Fill) this.trades.clearVenue(v);
      if (this.waiting.length > 0) this.retryWaiting(ts);
    }
    this.flush();
  }

  /** Market order of `qty` shares (integer >= 0); side +1 buys (walks asks), -1 sells (walks bids). */
  submitMarket(owner: number, side: OrderSide, qty: number, tNs: bigint): number {
    return this.submit(owner, true, side, 0, Number.NaN, qty, tNs);
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

  /** Cancel immediately (no cancel latency); returns the unfilled quantity (0 for a finished order). */
  cancel(orderId: number): number {
    const o = this.lookup(orderId);
    if (o === undefined) return 0;
    if (o.state === PENDING) {
      this.pending.splice(this.pending.indexOf(o), 1);
    } else if (o.market) {
      this.removeAt(this.waiting, o);
    } else {
      this.removeResting(o);
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
      ? o.ahead + this.ownAhead(o)
      : Number.NaN;
  }

  /** Remaining shares of o's owner's orders resting at o's (venue, side, price) that arrived before o. */
  private ownAhead(o: SimOrder): number {
    const list = this.resting[o.venue * 2 + (o.side === 1 ? BID : ASK)]!;
    let n = 0;
    for (let j = 0; j < list.length; j++) {
      const e = list[j]!;
      if (e.owner === o.owner && e.pk === o.pk && e.seq < o.seq) n += e.remaining;
    }
    return n;
  }

  /**
   * Catch-up at a router horizon (MODELS.md 6.4): cancel `orderIds` and send their unfilled total as one market
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
      ? side === 1
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
    this.take(o, o.pk, o.arrivalNs);
    if (o.remaining > 0) {
      o.slot = this.waiting.length;
      this.waiting.push(o);
    } else this.finish(o);
  }

  private activateLimit(o: SimOrder): void {
    const b = this.books;
    const buy = o.side === 1;
    const opp = buy ? b.nationalBestAsk() : b.nationalBestBid();
    if (!Number.isNaN(opp) && (buy ? priceKey(opp) <= o.pk : priceKey(opp) >= o.pk))
      this.take(o, o.pk, o.arrivalNs);
    if (o.remaining === 0) {
      this.finish(o);
      return;
    }
    const side = buy ? BID : ASK;
    const s = levelSize(b, this.depth, o.venue, side, o.pk);
    o.known = s !== HIDDEN;
    o.ahead = o.lastSize = o.known ? s : 0;
    o.seq = this.nextSeq++;
    if (this.restingCount === 0) this.trades.clearAll();
    const list = this.resting[o.venue * 2 + side]!;
    o.slot = list.length;
    list.push(o);
    this.restingCount++;
  }

  /** Take liquidity for `o` within `limitPk` (see takerWalk.ts); fills are stamped `tsNs`. */
  private take(o: SimOrder, limitPk: number, tsNs: bigint): void {
    this.taking = o;
    this.takingNs = tsNs;
    o.remaining -= walkLiquidity(
      this.books,
      this.depth,
      this.fees,
      this.ptr,
      o.ledger,
      o.side === 1,
      o.remaining,
      limitPk,
      this.sink,
    );
    if (o.ledger.length > 0) this.withEntries.add(o.ledger);
  }

  /** Venue `v` has a new consistent book: update the consumed entries of its levels (consumed.ts). */
  private pruneConsumed(v: number): void {
    for (const ledger of this.withEntries) {
      pruneVenue(ledger, this.books, this.depth, v);
      if (ledger.length === 0) this.withEntries.delete(ledger);
    }
  }

  private onTrade(v: number, aggressor: number, priceUsd: number, size: number, ts: bigint): void {
    if (Number.isNaN(priceUsd) || size <= 0) return;
    const k = priceKey(priceUsd);
    if (aggressor === Side.Ask) {
      this.trades.add(v, BID, k, size);
      this.hit(v, BID, k, size, ts, true);
    } else if (aggressor === Side.Bid) {
      this.trades.add(v, ASK, k, size);
      this.hit(v, ASK, k, size, ts, true);
    } else {
      this.trades.add(v, BID, k, size);
      this.trades.add(v, ASK, k, size);
      this.hit(v, BID, k, size, ts, false);
      this.hit(v, ASK, k, size, ts, false);
    }
  }

  /**
   * A trade of `size` at price key `k` against resting side `side` of venue `v` (see the header): through
   * fills first (better prices, then arrival), then the orders at `k` (when `atPrice`) per owner in arrival
   * order, with what the owner's through fills left of the trade.
   */
  private hit(v: number, side: number, k: number, size: number, ts: bigint, atPrice: boolean): void {
    const list = this.resting[v * 2 + side]!;
    if (list.length === 0) return;
    const through = this.throughScratch;
    const at = this.atScratch;
    through.length = 0;
    at.length = 0;
    for (let j = 0; j < list.length; j++) {
      const o = list[j]!;
      if (side === BID ? k < o.pk : k > o.pk) through.push(o);
      else if (atPrice && k === o.pk && o.known) at.push(o); // unknown queue: behind it, no fill
    }
    if (through.length === 0 && at.length === 0) return;
    const used = this.throughUsed;
    used.clear();
    if (through.length > 0) {
      // The aggressor reached a worse price, so it met our (better-priced) order first: it fills us, but at
      // most its own size per owner (each owner sees the market as if alone), better prices first.
      if (through.length > 1)
        through.sort((a, c) => (side === BID ? c.pk - a.pk : a.pk - c.pk) || a.seq - c.seq);
      for (let j = 0; j < through.length; j++) {
        const o = through[j]!;
        const left = Math.floor(size - (used.get(o.owner) ?? 0) + 1e-9);
        const q = Math.min(o.remaining, left);
        if (q < 1) continue;
        used.set(o.owner, (used.get(o.owner) ?? 0) + q);
        this.makerFill(o, q, ts);
      }
      through.length = 0;
    }
    if (at.length === 0) return;
    if (at.length > 1) at.sort((a, c) => a.owner - c.owner || a.seq - c.seq);
    let owner = Number.NaN;
    let budget = 0;
    let ownBefore = 0; // remaining of the owner's earlier orders here before this trade
    let ownAfter = 0; // ... and after their fills from it
    for (let j = 0; j < at.length; j++) {
      const o = at[j]!;
      if (o.owner !== owner) {
        owner = o.owner;
        budget = size - (used.get(owner) ?? 0);
        ownBefore = ownAfter = 0;
      }
      const rem = o.remaining;
      const q = budget > 0 ? budget - (o.ahead + ownBefore) : 0;
      if (budget > 0) o.ahead = Math.max(0, o.ahead + ownBefore - budget - ownAfter);
      ownBefore += rem;
      if (q >= 1) this.makerFill(o, Math.floor(q + 1e-9), ts);
      ownAfter += o.remaining;
    }
    at.length = 0;
  }

  /** Venue `v` has a new consistent book: queue advance and caps, then the quote cross on `v`. */
  private onBookUpdate(v: number, ts: bigint): void {
    const b = this.books;
    const L = b.levels;
    const keys = this.levelKeys;
    for (let side = BID; side <= ASK; side++) {
      const list = this.resting[v * 2 + side]!;
      if (list.length === 0) continue;
      // price keys of the displayed levels, once per update (same semantics as levels.ts levelSize)
      const px = side === BID ? b.bidPx : b.askPx;
      const sz = side === BID ? b.bidSz : b.askSz;
      let shown = 0;
      while (shown < L && !Number.isNaN(px[v * L + shown]!)) {
        keys[shown] = priceKey(px[v * L + shown]!);
        shown++;
      }
      // beyond the last displayed level: unknown when the side shows the source's full depth, else vacated
      const beyond = shown > 0 && shown >= this.depth.get(v, side) ? HIDDEN : 0;
      for (let j = list.length - 1; j >= 0; j--) {
        const o = list[j]!;
        let size = beyond;
        for (let l = 0; l < shown; l++) {
          const k = keys[l]!;
          if (k === o.pk) {
            size = sz[v * L + l]!;
            break;
          }
          if (side === BID ? k < o.pk : k > o.pk) {
            size = 0;
            break;
          }
        }
        if (size === HIDDEN) continue;
        if (!o.known) {
          // first sight of the price since arrival: join behind what is displayed there now
          o.known = true;
          o.ahead = o.lastSize = size;
          continue;
        }
        advanceQueue(o, size, this.trades.get(v, side, o.pk), this.queueModel);
      }
    }
    this.crossed(v, BID, ts);
    this.crossed(v, ASK, ts);
  }

  /**
   * Quote cross on venue `v` (see the header): resting orders of `side` on `v` whose price the venue's opposite
   * best is at or through fill, at their price, at most the displayed opposite shares at or through that price
   * that their owner has not consumed yet; those shares become consumed for the owner. Orders of one owner
   * share its ledger and are served in price-time priority (better price, then earlier arrival), so at one
   * price an owner's earlier order fills first (the same queue order as for trades).
   */
  private crossed(v: number, side: number, ts: bigint): void {
    const list = this.resting[v * 2 + side]!;
    if (list.length === 0) return;
    const buy = side === BID;
    const opp = buy ? this.books.bestAsk(v) : this.books.bestBid(v);
    if (Number.isNaN(opp)) return;
    const k = priceKey(opp);
    const hit = this.crossedScratch;
    for (let j = 0; j < list.length; j++) {
      const o = list[j]!;
      if (buy ? o.pk >= k : o.pk <= k) hit.push(o);
    }
    if (hit.length === 0) return;
    if (hit.length > 1) hit.sort((a, c) => (buy ? c.pk - a.pk : a.pk - c.pk) || a.seq - c.seq);
    for (let j = 0; j < hit.length; j++) {
      const o = hit[j]!;
      const q = takeCrossing(this.books, o.ledger, v, buy, o.pk, o.remaining);
      if (q > 0) {
        this.withEntries.add(o.ledger);
        this.makerFill(o, q, ts);
      }
    }
    hit.length = 0;
  }

  private retryWaiting(ts: bigint): void {
    const w = this.waiting;
    for (let j = w.length - 1; j >= 0; j--) {
      const o = w[j]!;
      this.take(o, o.pk, ts);
      if (o.remaining === 0) {
        this.removeAt(w, o);
        this.finish(o);
      }
    }
  }

  private makerFill(o: SimOrder, qty: number, ts: bigint): void {
    const q = Math.min(qty, o.remaining);
    if (q <= 0) return;
    o.remaining -= q;
    this.emit(o, ts, o.venue, o.priceUsd, q, true, -this.fees.makerRebateUsd(o.venue) * q);
    if (o.remaining === 0) {
      this.removeResting(o);
      this.finish(o);
    }
  }

  private removeResting(o: SimOrder): void {
    const side = o.side === 1 ? BID : ASK;
    this.removeAt(this.resting[o.venue * 2 + side]!, o);
    this.restingCount--;
  }

  /** Swap-remove `o` from `list` (safe while iterating the list backwards). */
  private removeAt(list: SimOrder[], o: SimOrder): void {
    const last = list.pop()!;
    if (last !== o) {
      list[o.slot] = last;
      last.slot = o.slot;
    }
    o.slot = -1;
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
  ) {
    this.outbox.push({ orderId: o.id, owner: o.owner, tsNs, venue, priceUsd, qty, maker, feeUsd });
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
