/**
 * Passive fills of resting limit orders (docs/models.md 6.2, 6.3) and the rules that move their queue position.
 * Our orders are virtual (not in the displayed sizes), so the queue in front of an order has two parts:
 *   queue_ahead = displayed part + own part,
 * Limit orders join the back of the queue at arrival (when they start resting: QueueModel.arrive).
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
 *   has an UNKNOWN queue position, not an empty one (docs/models.md 6.2 has no displayed size to join behind).
 *   It stays unknown until the first F_LAST book of its venue that displays its price (or shows it vacated);
 *   then displayed part = lastSize = the displayed size at that moment (0 when vacated). While unknown, trades
 *   AT its price do not fill it (it is behind an unknown queue) and queueAhead() is NaN; a trade THROUGH its
 *   price still fills it, up to the trade's size, as above. Before this rule such an order started at the
 *   front (displayed part 0, kept at 0 by the cap when the level appeared): a buy at 99.99 under a level-1
 *   book bid 100.00 filled from a 100-share sell at 99.99 although the book then showed 800 at 99.99.
 * - quote cross, bounded by displayed liquidity (an addition to docs/models.md 6.3, which only fills from trades):
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
 * The displayed part's arrival, trade and size-change updates are the QueueModel's (queueModels.ts).
 */
import type { VenueBooks } from "../book/venueBooks.ts";
import { priceKey } from "../core/units.ts";
import { Side } from "../mbp10/schema.ts";
import type { ConsumedLedger } from "./consumed.ts";
import { ASK, BID, HIDDEN, type SourceDepth } from "./levels.ts";
import { type SimOrder, swapRemove } from "./order.ts";
import { takeCrossing } from "./takerWalk.ts";
import type { TradeMemory } from "./tradeMemory.ts";
import type { QueueModel } from "./types.ts";

/** What the passive-fill rules need from the simulator. */
export interface PassiveHost {
  readonly books: VenueBooks;
  readonly depth: SourceDepth;
  readonly trades: TradeMemory;
  readonly queueModel: QueueModel;
  /** Fill `qty` shares of resting order `o` as maker at its price (removes it when done). */
  /** A resting order filled; `printed` = its shares are part of a trade the data printed (not a quote cross). */
  makerFill(o: SimOrder, qty: number, ts: bigint, printed: boolean): void;
  /** An owner's consumed-liquidity ledger got entries (refreshed at later book updates). */
  noteLedger(ledger: ConsumedLedger): void;
}

export class PassiveFills {
  private readonly through: SimOrder[] = [];
  private readonly at: SimOrder[] = [];
  /** Per owner: shares of the current trade already used by its through fills. */
  private readonly used = new Map<number, number>();
  private readonly crossedScratch: SimOrder[] = [];
  /** Price keys of a side's displayed levels (one book update). */
  private readonly levelKeys: Float64Array;

  /** Resting limit orders by cell v * 2 + side (side 0 = bids = buy orders, 1 = asks = sell orders). */
  private readonly resting: SimOrder[][];
  /** Number of resting orders. */
  count = 0;
  /** Arrival counter of resting limit orders (SimOrder.seq). */
  private nextSeq = 1;

  constructor(
    private readonly host: PassiveHost,
    maxVenues: number,
    levels: number,
  ) {
    this.resting = Array.from({ length: maxVenues * 2 }, () => []);
    this.levelKeys = new Float64Array(levels);
  }

  /** `o` starts resting (its queue position already set by QueueModel.arrive): the back of its list. */
  rest(o: SimOrder): void {
    o.seq = this.nextSeq++;
    const list = this.resting[o.venue * 2 + (o.side === 1 ? BID : ASK)]!;
    o.slot = list.length;
    list.push(o);
    this.count++;
  }

  /** `o` stops resting (filled or cancelled). */
  remove(o: SimOrder): void {
    swapRemove(this.resting[o.venue * 2 + (o.side === 1 ? BID : ASK)]!, o);
    this.count--;
  }

  /** Remaining shares of o's owner's orders resting at o's (venue, side, price) that arrived before o. */
  ownAhead(o: SimOrder): number {
    const list = this.resting[o.venue * 2 + (o.side === 1 ? BID : ASK)]!;
    let n = 0;
    for (let j = 0; j < list.length; j++) {
      const e = list[j]!;
      if (e.owner === o.owner && e.pk === o.pk && e.seq < o.seq) n += e.remaining;
    }
    return n;
  }

  /** A trade record on venue `v` (aggressor side, price, size): remembered, then passive fills. */
  onTrade(v: number, aggressor: number, priceUsd: number, size: number, ts: bigint): void {
    if (Number.isNaN(priceUsd) || size <= 0) return;
    const k = priceKey(priceUsd);
    if (aggressor === Side.Ask) {
      this.host.trades.add(v, BID, k, size);
      this.trade(this.resting[v * 2 + BID]!, BID, k, size, ts, true);
    } else if (aggressor === Side.Bid) {
      this.host.trades.add(v, ASK, k, size);
      this.trade(this.resting[v * 2 + ASK]!, ASK, k, size, ts, true);
    } else {
      this.host.trades.add(v, BID, k, size);
      this.host.trades.add(v, ASK, k, size);
      this.trade(this.resting[v * 2 + BID]!, BID, k, size, ts, false);
      this.trade(this.resting[v * 2 + ASK]!, ASK, k, size, ts, false);
    }
  }

  /**
   * A trade of `size` at price key `k` against resting side `side` of venue `v` (see the header): through
   * fills first (better prices, then arrival), then the orders at `k` (when `atPrice`) per owner in arrival
   * order, with what the owner's through fills left of the trade.
   */
  trade(
    list: readonly SimOrder[],
    side: number,
    k: number,
    size: number,
    ts: bigint,
    atPrice: boolean,
  ): void {
    if (list.length === 0) return;
    const through = this.through;
    const at = this.at;
    through.length = 0;
    at.length = 0;
    for (let j = 0; j < list.length; j++) {
      const o = list[j]!;
      if (side === BID ? k < o.pk : k > o.pk) through.push(o);
      else if (atPrice && k === o.pk && o.known) at.push(o); // unknown queue: behind it, no fill
    }
    if (through.length === 0 && at.length === 0) return;
    const used = this.used;
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
        this.host.makerFill(o, q, ts, true);
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
      const q = this.host.queueModel.tradeAtPrice(o, budget, ownBefore, ownAfter);
      ownBefore += rem;
      if (q >= 1) this.host.makerFill(o, Math.floor(q + 1e-9), ts, true);
      ownAfter += o.remaining;
    }
    at.length = 0;
  }

  /**
   * Venue `v` has a new consistent book: queue advance and caps of its resting orders, then the quote cross
   * on `v`.
   */
  bookUpdate(v: number, ts: bigint): void {
    const b = this.host.books;
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
      const beyond = shown > 0 && shown >= this.host.depth.get(v, side) ? HIDDEN : 0;
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
          this.host.queueModel.arrive(o, size);
          continue;
        }
        this.host.queueModel.levelChange(o, size, this.host.trades.get(v, side, o.pk));
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
    const opp = buy ? this.host.books.bestAsk(v) : this.host.books.bestBid(v);
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
      const q = takeCrossing(this.host.books, o.ledger, v, buy, o.pk, o.remaining);
      if (q > 0) {
        this.host.noteLedger(o.ledger);
        this.host.makerFill(o, q, ts, false);
      }
    }
    hit.length = 0;
  }
}
