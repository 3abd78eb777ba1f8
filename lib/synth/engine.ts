/**
 * The event loop of the generator: replays the planned day (event times, venues, trades) against the venues'
 * books, which track the latent mid, and writes Databento-style MBP-10 records (the venue's book AFTER each
 * record) into 65,536-row batches.
 *
 * Per event of venue v:
 * - a planned trade walks the opposite side from the top: per level touched one T record (side = aggressor,
 *   book unchanged) then one C record at depth 0 of the hit side (book after the execution); F_LAST on the
 *   last record. The traded volume is exactly the planned size (the latent impact used that size). Right
 *   after it, every venue whose best is off target around the post-trade latent mid re-quotes (extra events at
 *   the same ts_recv), so the book does not lag the impact (a lag would attenuate the measured lambda).
 * - otherwise, when v's best bid/ask differs from its target around the latent mid (spread of 1-3 ticks, a
 *   per-venue regime), usually a fixing event: cancel a stale best level, or add a new best level. New best
 *   prices never lock or cross another venue's best, so the national book is never crossed.
 * - else a noise event: join / cancel at a depth drawn with weights 0.8^d, mean-reverting level sizes, and
 *   occasionally a new level inside a gap of the book.
 *
 * The loop is deterministic given its seed and runs twice: a dry pass that only measures the national mid at
 * bin ends (for sigma_d of the final file), then the emitting pass.
 */
import { Rng } from "../core/rng.ts";
import {
  Action,
  allocFullBatch,
  Flag,
  type Mbp10FullBatch,
  Side,
  truncateFullBatch,
} from "../mbp10/schema.ts";
import {
  ASK,
  BID,
  type BookSide,
  drawLevelSize,
  drawOrderSize,
  LEVELS,
  meanLevelSize,
  SynthVenueBooks,
} from "./book.ts";
import { IMPACT_BINS, IMPACT_DT_S } from "./flow.ts";
import type { ResolvedSynthOptions } from "./options.ts";
import {
  type DayPlan,
  DEPTH_CDF,
  drawSpreadTicks,
  type EngineStats,
  NOT_A_PRICE,
  writeRecord,
} from "./records.ts";

export type { DayPlan, EngineStats };

/** Rows per batch = rows per Parquet row group (Databento's layout). */
export const BATCH_ROWS = 65_536;
const BIN_NS = IMPACT_DT_S * 1e9;

export class SynthEngine {
  private books!: SynthVenueBooks;
  private rng!: Rng;
  private emitting = false;
  private batch: Mbp10FullBatch | undefined;
  private r = 0;
  private readonly ready: Mbp10FullBatch[] = [];
  private stats!: EngineStats;
  private readonly nVenues: number;
  private readonly tpd: number;
  private readonly seq: Uint32Array;
  private readonly spread: Int32Array;
  private readonly latencyNs: Int32Array;
  // per-event record fields shared by the records of one event
  private tsRecv = 0n;
  private tsEvent = 0n;
  private tsInDelta = 0;

  constructor(
    private readonly opts: ResolvedSynthOptions,
    private readonly openNs: bigint,
    private readonly day: DayPlan,
    private readonly seed: number,
  ) {
    this.nVenues = opts.venues.length;
    this.tpd = opts.ticksPerDollar;
    this.seq = new Uint32Array(this.nVenues);
    this.spread = new Int32Array(this.nVenues);
    this.latencyNs = new Int32Array(this.nVenues);
  }

  /** Replay the day; yields full batches when `emit`, and returns the statistics. */
  *run(emit: boolean): Generator<Mbp10FullBatch, EngineStats, void> {
    this.reset(emit);
    const { timesNs, venue, trades, latent, betaPerS } = this.day;
    const { z, a, b, lnP0 } = latent;
    const decay = Math.exp(-betaPerS * IMPACT_DT_S);
    const volume = trades.dailyVolume;
    let curBin = 0;
    let jPrev = 0;
    let xCum = 0;
    this.tsRecv = this.openNs;
    this.tsEvent = this.openNs;
    this.snapshot(Math.exp(lnP0) * this.tpd);
    this.stats.midOpenTicks = this.books.nationalMid();
    for (let i = 0; i < timesNs.length; i++) {
      const tNs = timesNs[i]!;
      const bin = Math.min(IMPACT_BINS - 1, Math.floor(tNs / BIN_NS));
      while (curBin < bin) {
        this.stats.midBinEndTicks[curBin] = this.books.nationalMid();
        jPrev = decay * jPrev + xCum;
        xCum = 0;
        curBin++;
      }
      const v = venue[i]!;
      const lat = this.latencyNs[v]! + this.rng.int(2000);
      if (emit) {
        this.tsRecv = this.openNs + BigInt(tNs);
        this.tsEvent = this.tsRecv - BigInt(lat);
        this.tsInDelta = lat - 150;
      }
      this.seq[v]!++;
      const sign = trades.sign[i]!;
      const tS = tNs / 1e9;
      const k = Math.floor(tS);
      const zt = z[k]! + (tS - k) * (z[k + 1]! - z[k]!);
      const decayInBin = Math.exp((-betaPerS * (tNs - curBin * BIN_NS)) / 1e9);
      if (sign !== 0) {
        const q = trades.size[i]!;
        this.trade(v, sign, q);
        xCum += (sign * q) / volume;
        this.afterTrade(v, Math.exp(lnP0 + a * (jPrev * decayInBin + xCum) + b * zt) * this.tpd);
      } else {
        const mid = Math.exp(lnP0 + a * (jPrev * decayInBin + xCum) + b * zt) * this.tpd;
        if (!this.quoteUpdate(v, mid, false)) this.noise(v);
      }
      this.stats.events++;
      if (this.ready.length > 0) {
        for (const out of this.ready) yield out;
        this.ready.length = 0;
      }
    }
    for (; curBin < IMPACT_BINS; curBin++) this.stats.midBinEndTicks[curBin] = this.books.nationalMid();
    for (const out of this.ready) yield out;
    this.ready.length = 0;
    if (this.batch && this.r > 0) yield truncateFullBatch(this.batch, this.r);
    this.batch = undefined;
    return this.stats;
  }

  private reset(emit: boolean): void {
    this.rng = new Rng(this.seed);
    this.books = new SynthVenueBooks(this.nVenues);
    this.emitting = emit;
    this.batch = emit ? allocFullBatch(BATCH_ROWS, LEVELS, this.opts.symbol) : undefined;
    this.r = 0;
    this.ready.length = 0;
    this.stats = {
      rows: 0,
      events: 0,
      sweeps: 0,
      midOpenTicks: 0,
      midBinEndTicks: new Float64Array(IMPACT_BINS),
    };
    for (let v = 0; v < this.nVenues; v++) {
      this.seq[v] = 1_000 + this.rng.int(1_000_000);
      this.spread[v] = drawSpreadTicks(this.rng);
      this.latencyNs[v] = 2_000 + this.rng.int(10_000);
    }
  }

  /** Opening snapshot per venue: R (clear) then 20 adds, alternating bid/ask from the top, F_LAST on the last. */
  private snapshot(midTicks: number): void {
    for (let v = 0; v < this.nVenues; v++) {
      const s = this.spread[v]!;
      const bidTop = Math.floor(midTicks - s / 2 + 0.5);
      this.row(v, Action.Clear, Side.None, 0, NOT_A_PRICE, 0, Flag.SNAPSHOT);
      let bidPx = bidTop;
      let askPx = bidTop + s;
      for (let d = 0; d < LEVELS; d++) {
        for (const side of [BID, ASK] as const) {
          const size = drawLevelSize(d, this.rng);
          const px = side === BID ? bidPx : askPx;
          this.books.insert(this.books.base(v, side), d, px, size);
          const last = d === LEVELS - 1 && side === ASK;
          const flags = Flag.SNAPSHOT | (last ? Flag.LAST : 0);
          this.row(v, Action.Add, side === BID ? Side.Bid : Side.Ask, d, px, size, flags);
        }
        const gap = () => (this.rng.uniform() < 0.85 ? 1 : 2);
        bidPx -= gap();
        askPx += gap();
      }
    }
  }

  /** A planned trade: buyer (sign +1) lifts asks, seller hits bids; walks levels until `qty` is filled. */
  private trade(v: number, sign: number, qty: number): void {
    const hit: BookSide = sign > 0 ? ASK : BID;
    const dir = hit === ASK ? 1 : -1;
    const base = this.books.base(v, hit);
    const aggressor = sign > 0 ? Side.Bid : Side.Ask;
    const hitSide = hit === ASK ? Side.Ask : Side.Bid;
    let left = qty;
    let levels = 0;
    while (left > 0) {
      const px = this.books.px[base]!;
      const fill = Math.min(left, this.books.sz[base]!);
      this.row(v, Action.Trade, aggressor, 0, px, fill, 0);
      this.books.reduce(base, 0, fill, dir, this.rng);
      left -= fill;
      this.row(v, Action.Cancel, hitSide, 0, px, fill, left === 0 ? Flag.LAST : 0);
      levels++;
    }
    if (levels > 1) this.stats.sweeps++;
  }

  /**
   * Quote updates right after a trade, traded venue first: every venue whose best is off its target around the
   * post-trade latent mid re-quotes (up to 4 events each, same ts_recv). Impact moves the latent mid exactly at
   * trades, so this keeps the book from lagging the impact (a lag would attenuate the measured lambda).
   */
  private afterTrade(v: number, midTicks: number): void {
    for (let k = 0; k < this.nVenues; k++) {
      const u = (v + k) % this.nVenues;
      if (this.emitting) this.tsEvent = this.tsRecv - BigInt(this.latencyNs[u]!);
      for (let step = 0; step < 4; step++) {
        this.seq[u]!++;
        if (!this.quoteUpdate(u, midTicks, true)) {
          this.seq[u]!--;
          break;
        }
        this.stats.events++;
      }
    }
  }

  /**
   * One quote-update event of venue v toward its targets around the latent mid (ticks), if v's best is off
   * target: always when `force`, the spread is wide or a best is 2+ ticks off, else with probability 0.85.
   * Returns false when no record was written.
   */
  private quoteUpdate(v: number, midTicks: number, force: boolean): boolean {
    const rng = this.rng;
    if (rng.uniform() < 1 / 3000) this.spread[v] = drawSpreadTicks(rng);
    const s = this.spread[v]!;
    const bidTarget = Math.floor(midTicks - s / 2 + 0.5);
    const askTarget = bidTarget + s;
    const bid0 = this.books.best(v, BID);
    const ask0 = this.books.best(v, ASK);
    const devB = bid0 - bidTarget;
    const devA = ask0 - askTarget;
    const urgency = Math.max(Math.abs(devB), Math.abs(devA));
    if (urgency === 0 || !(force || ask0 - bid0 > 3 || urgency >= 2 || rng.uniform() < 0.85)) return false;
    // first the side that is too passive (an add jumps straight to its target and narrows the spread)
    const first: BookSide =
      devB === 0 ? ASK : devA === 0 ? BID : devB < 0 ? BID : devA > 0 ? ASK : rng.uniform() < 0.5 ? BID : ASK;
    if (this.fix(v, first, first === BID ? bidTarget : askTarget)) return true;
    const second: BookSide = first === BID ? ASK : BID;
    return (
      (second === BID ? devB : devA) !== 0 && this.fix(v, second, second === BID ? bidTarget : askTarget)
    );
  }

  /** Move venue v's best on `side` toward `target` by one event; false when the move is not allowed. */
  private fix(v: number, side: BookSide, target: number): boolean {
    const dir = side === BID ? -1 : 1;
    const base = this.books.base(v, side);
    const best = this.books.px[base]!;
    const code = side === BID ? Side.Bid : Side.Ask;
    if ((best - target) * dir < 0) {
      // best is too aggressive: the whole level is cancelled
      const size = this.books.sz[base]!;
      this.books.remove(base, 0, dir, this.rng);
      this.row(v, Action.Cancel, code, 0, best, size, Flag.LAST);
      return true;
    }
    // best is too passive: a new best level, never locking/crossing this or another venue's opposite best
    const limit =
      side === BID
        ? Math.min(this.books.otherBest(v, ASK), this.books.best(v, ASK)) - 1
        : Math.max(this.books.otherBest(v, BID), this.books.best(v, BID)) + 1;
    const px = side === BID ? Math.min(target, limit) : Math.max(target, limit);
    if ((px - best) * dir >= 0) return false;
    const size = drawLevelSize(0, this.rng);
    this.books.insert(base, 0, px, size);
    this.row(v, Action.Add, code, 0, px, size, Flag.LAST);
    return true;
  }

  /** Noise: join or cancel at a random depth (sizes revert to meanLevelSize), sometimes fill a gap. */
  private noise(v: number): void {
    const rng = this.rng;
    const side: BookSide = rng.uniform() < 0.5 ? BID : ASK;
    const dir = side === BID ? -1 : 1;
    const code = side === BID ? Side.Bid : Side.Ask;
    const base = this.books.base(v, side);
    const u = rng.uniform();
    let d = 0;
    while (d < LEVELS - 1 && u > DEPTH_CDF[d]!) d++;
    const size = this.books.sz[base + d]!;
    const mean = meanLevelSize(d);
    const q = drawOrderSize(rng);
    if (rng.uniform() * (mean + size) < mean) {
      const gapPx = d > 0 ? this.books.px[base + d - 1]! + dir : 0;
      if (d > 0 && gapPx !== this.books.px[base + d] && rng.uniform() < 0.3) {
        this.books.insert(base, d, gapPx, q);
        this.row(v, Action.Add, code, d, gapPx, q, Flag.LAST);
      } else {
        this.books.join(base, d, q);
        this.row(v, Action.Add, code, d, this.books.px[base + d]!, q, Flag.LAST);
      }
      return;
    }
    const px = this.books.px[base + d]!;
    const cut = Math.min(size, q);
    this.books.reduce(base, d, cut, dir, rng);
    this.row(v, Action.Cancel, code, d, px, cut, Flag.LAST);
  }

  /** Append one record: the event fields plus venue v's book as it is now (i.e. AFTER the record's change). */
  private row(
    v: number,
    action: number,
    side: number,
    depth: number,
    priceTicks: number,
    size: number,
    flags: number,
  ) {
    this.stats.rows++;
    const b = this.batch;
    if (!this.emitting || !b) return;
    writeRecord(b, this.r, this.books, this.tpd, v, {
      tsRecv: this.tsRecv,
      tsEvent: this.tsEvent,
      tsInDelta: this.tsInDelta,
      sequence: this.seq[v]!,
      publisherId: this.opts.venues[v]!.publisherId,
      instrumentId: this.opts.instrumentId,
      action,
      side,
      depth,
      priceTicks,
      size,
      flags,
    });
    if (++this.r === BATCH_ROWS) {
      this.ready.push(b);
      this.batch = allocFullBatch(BATCH_ROWS, LEVELS, this.opts.symbol);
      this.r = 0;
    }
  }
}
