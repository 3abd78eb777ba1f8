/**
 * Per venue and side statistics of the best queue (docs/models.md section 2):
 * - outflow xi per minute: shares that left the BEST level, measured from consecutive consistent books of the
 *   venue at depth 0: same best price -> max(0, q_old - q_new); best price worse (level gone: bid down / ask
 *   up, or side empty) -> q_old (the whole level left); best price better -> 0 (a new level, nothing left).
 *   Trade records do not change the book, so a T record followed by the C record for the same shares is
 *   counted once (from the book decrease), never from the T record. A minute in which the venue had no book
 *   on that side at all is missing (NaN), not 0: nothing could leave a queue that did not exist.
 * - adverse selection: for each passive fill (trade record whose aggressor hits that side: 'A' seller ->
 *   BID queue, 'B' buyer -> ASK queue, at or through the venue's pre-trade best), the sample
 *   s_rest (mid(tau + h) - mid(tau-)) with s_rest = +1 for the bid, -1 for the ask: negative = adverse, at
 *   every horizon h (default 10, 60, 300 s; the router reads the one nearest half its own horizon).
 * Index of a (venue v, side) pair: v * 2 + (0 bid | 1 ask).
 */

import { askKey, bidKey, priceKey } from "../core/units.ts";
import type { Mbp10Batch } from "../mbp10/schema.ts";
import { MAX_VENUES } from "../mbp10/venues.ts";
import type { AdverseMarkout, VenueSideStats } from "./types.ts";

const SIDE_A = 65; // seller aggressor: fills resting bids
const SIDE_B = 66; // buyer aggressor: fills resting asks

/**
 * Pending markouts of passive fills at one horizon h: a FIFO of (due time, mid before the fill, venue x side)
 * (due times increase because fills arrive in time order), and the per venue x side sums of the resolved
 * samples s_rest (mid(due) - mid0), dollars.
 */
class Markouts {
  readonly sum = new Float64Array(MAX_VENUES * 2);
  readonly n = new Float64Array(MAX_VENUES * 2);
  private due = new Float64Array(1024);
  private mid0 = new Float64Array(1024);
  private key = new Int32Array(1024);
  private head = 0;
  private tail = 0;

  constructor(readonly horizonS: number) {}

  push(s: number, mid: number, k: number): void {
    if (this.tail === this.due.length) this.grow();
    this.due[this.tail] = s + this.horizonS;
    this.mid0[this.tail] = mid;
    this.key[this.tail] = k;
    this.tail++;
  }

  /** Resolve every pending sample whose due time is before s with `mid` (the state prevailing then). */
  resolveDue(s: number, mid: number): void {
    while (this.head < this.tail && this.due[this.head]! < s) this.resolveHead(mid);
  }

  /** Resolve everything still pending with the last mid (end of data). */
  resolveAll(mid: number): void {
    while (this.head < this.tail) this.resolveHead(mid);
  }

  private resolveHead(mid: number): void {
    const h = this.head++;
    if (!(mid > 0)) return;
    const k = this.key[h]!;
    const d = mid - this.mid0[h]!;
    this.sum[k]! += (k & 1) === 0 ? d : -d;
    this.n[k]!++;
  }

  private grow(): void {
    const live = this.tail - this.head;
    const cap = live * 2 > this.due.length ? this.due.length * 2 : this.due.length;
    const move = <T extends Float64Array | Int32Array>(a: T, mk: (n: number) => T): T => {
      const out = cap === a.length ? a : mk(cap);
      out.set(a.subarray(this.head, this.tail), 0);
      return out;
    };
    this.due = move(this.due, (n) => new Float64Array(n));
    this.mid0 = move(this.mid0, (n) => new Float64Array(n));
    this.key = move(this.key, (n) => new Int32Array(n));
    this.tail = live;
    this.head = 0;
  }
}

export class QueueTracker {
  private readonly outflow: Float64Array;
  /** Per (venue, side, minute): a book update happened in the minute / the side existed in it / after it. */
  private readonly touched: Uint8Array;
  private readonly anyBook: Uint8Array;
  private readonly endBook: Uint8Array;
  private readonly markouts: readonly Markouts[];

  constructor(
    readonly minutes: number,
    horizonsS: readonly number[],
  ) {
    this.markouts = horizonsS.map((h) => new Markouts(h));
    this.outflow = new Float64Array(MAX_VENUES * 2 * minutes);
    this.touched = new Uint8Array(MAX_VENUES * 2 * minutes);
    this.anyBook = new Uint8Array(MAX_VENUES * 2 * minutes);
    this.endBook = new Uint8Array(MAX_VENUES * 2 * minutes);
  }

  /**
   * Venue v's consistent book in session minute m (clamped to the session; before the open counts as minute
   * 0) has a bid / an ask (from here until its next book).
   */
  noteBook(m: number, v: number, hasBid: boolean, hasAsk: boolean): void {
    const mm = Math.min(this.minutes - 1, m);
    const base = (v * 2 * this.minutes) | 0;
    this.note(base + mm, hasBid);
    this.note(base + this.minutes + mm, hasAsk);
  }

  private note(i: number, has: boolean): void {
    // the state before this book in the same minute: the carried state, or an earlier book of the minute
    this.touched[i] = 1;
    if (has) this.anyBook[i] = 1;
    this.endBook[i] = has ? 1 : 0;
  }

  /**
   * Book change of venue v in session minute m: old best bid/ask and sizes in `best` (index v * 4 + 0..3:
   * bid px, bid size, ask px, ask size), the new ones in record i of b (level 0). Integer and array arguments
   * only: called per book change, it must not box numbers when it is not inlined.
   */
  onBook(m: number, v: number, best: Float64Array, b: Mbp10Batch, i: number): void {
    const base = (v * 2 * this.minutes) | 0;
    const o = v * 4;
    const oldBid = best[o]!;
    const oldBidSz = best[o + 1]!;
    const oldAsk = best[o + 2]!;
    const oldAskSz = best[o + 3]!;
    if (!Number.isNaN(oldBid) && oldBidSz > 0) {
      const ok = priceKey(oldBid);
      const nk = bidKey(b.bidPx[0]![i]!);
      const out = nk === ok ? oldBidSz - b.bidSz[0]![i]! : nk < ok ? oldBidSz : 0;
      if (out > 0) this.outflow[base + m]! += out;
    }
    if (!Number.isNaN(oldAsk) && oldAskSz > 0) {
      const ok = priceKey(oldAsk);
      const nk = askKey(b.askPx[0]![i]!);
      const out = nk === ok ? oldAskSz - b.askSz[0]![i]! : nk > ok ? oldAskSz : 0;
      if (out > 0) this.outflow[base + this.minutes + m]! += out;
    }
  }

  /** A trade record at second s on venue v (aggressor `side`), venue best bid/ask and national mid before it. */
  onTrade(s: number, v: number, side: number, price: number, bid: number, ask: number, mid: number): void {
    if (!(mid > 0)) return;
    const pk = priceKey(price);
    let k: number;
    if (side === SIDE_A && !Number.isNaN(bid) && pk <= priceKey(bid)) k = v * 2;
    else if (side === SIDE_B && !Number.isNaN(ask) && pk >= priceKey(ask)) k = v * 2 + 1;
    else return;
    for (const m of this.markouts) m.push(s, mid, k);
  }

  /** Resolve every pending sample whose due time is before s with `mid` (the state prevailing then). */
  resolveDue(s: number, mid: number): void {
    const ms = this.markouts;
    for (let i = 0; i < ms.length; i++) ms[i]!.resolveDue(s, mid);
  }

  /** Resolve everything still pending with the last mid (end of data). */
  resolveAll(mid: number): void {
    for (const m of this.markouts) m.resolveAll(mid);
  }

  /** Per venue (names in dense-index order) and side: outflow samples and mean, adverse-selection means. */
  stats(venueNames: readonly string[]): VenueSideStats[] {
    const out: VenueSideStats[] = [];
    venueNames.forEach((venue, v) => {
      for (const sideIdx of [0, 1]) {
        const base = (v * 2 + sideIdx) * this.minutes;
        const outflowSamples = this.outflow.slice(base, base + this.minutes);
        let sum = 0;
        let n0 = 0;
        let book = false; // the side's state carried from the last update before the minute
        for (let m = 0; m < outflowSamples.length; m++) {
          const i = base + m;
          const had = this.touched[i] ? this.anyBook[i] === 1 || book : book;
          if (this.touched[i]) book = this.endBook[i] === 1;
          if (!had) {
            outflowSamples[m] = Number.NaN;
            continue;
          }
          sum += outflowSamples[m]!;
          n0++;
        }
        const k = v * 2 + sideIdx;
        const adverse: AdverseMarkout[] = this.markouts.map((mk) => {
          const n = mk.n[k]!;
          return { horizonS: mk.horizonS, usd: n > 0 ? mk.sum[k]! / n : Number.NaN, n };
        });
        out.push({
          venue,
          side: sideIdx === 0 ? "bid" : "ask",
          outflowSamples,
          outflowMean: n0 > 0 ? sum / n0 : Number.NaN,
          adverse,
        });
      }
    });
    return out;
  }
}
