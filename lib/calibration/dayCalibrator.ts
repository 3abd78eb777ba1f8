/**
 * One-pass calibration of a symbol-day (docs/models.md section 2). `observe` every replay batch in order, then
 * `finish()`. Keeps the best level of every venue (updated on F_LAST records) and a few flat typed arrays
 * indexed by session second, profile bin, minute and venue x side; no per-event allocation. Statistics cover the regular session
 * [09:30, 16:00) New York; records before the open only build the books.
 *
 * Sampling conventions: the state "at" time g is the book after every record with ts_recv <= g. The mid and
 * depth are sampled on a 1-s grid g_k = open + k s, k = 0..L (L = session seconds); the 1-minute and 10-s
 * series are sub-samples of that grid. The national best is the best over venues with a consistent book;
 * the half-spread (ask - bid) / 2 is integrated over time while the national book is two-sided and not
 * crossed. Trades (T records only: volume, signed volume with 'B' = buyer-initiated +, 'A' = seller -) are
 * counted from every record; book statistics (outflow, OFI) compare a venue's consecutive F_LAST books,
 * skipping clears (R) and snapshot records.
 */

import { checkDate, checkSymbol } from "../core/ids.ts";
import { regularSession } from "../core/session.ts";
import { Action, Flag, type Mbp10Batch } from "../mbp10/schema.ts";
import { MAX_VENUES, type VenueRegistry } from "../mbp10/venues.ts";
import { aggregate, finiteMean, fitPropagator, kyleTable, realizedVol } from "./fits.ts";
import { fitOfi, VenueTops } from "./ofi.ts";
import { QueueTracker } from "./queues.ts";
import {
  type BatchObserver,
  CALIBRATION_VERSION,
  type CalibrationOptions,
  type DayCalibration,
  DEFAULT_CALIBRATION_OPTIONS,
} from "./types.ts";

export interface DayCalibratorInit {
  readonly symbol: string;
  readonly date: string;
  /** The stream's venue registry; names are read at finish(). */
  readonly venues: VenueRegistry;
  readonly options?: Partial<CalibrationOptions>;
  /**
   * The session the statistics cover (the instrument's, docs/models.md 1b: a Globex day from 18:00 the evening
   * before); default the regular session 09:30-16:00 New York of `date`.
   */
  readonly session?: { readonly openNs: bigint; readonly closeNs: bigint };
}

export class DayCalibrator implements BatchObserver {
  readonly symbol: string;
  readonly date: string;
  readonly options: CalibrationOptions;
  readonly openNs: bigint;
  readonly closeNs: bigint;
  /**
   * Level 0 of every venue's consistent (F_LAST) book and its OFI: every statistic here reads the best level
   * only, so the other nine are never copied.
   */
  private readonly tops = new VenueTops(MAX_VENUES);
  private readonly venues: VenueRegistry;
  private readonly openHi: number;
  private readonly openLo: number;
  /** 1 + the highest dense venue index seen. */
  private nVenues = 0;
  /** Session length L, seconds. */
  private readonly lenS: number;
  private readonly mid1s: Float64Array;
  private readonly depth1s: Float64Array;
  private readonly signed1s: Float64Array;
  private readonly ofi1s: Float64Array;
  private readonly volBin: Float64Array;
  private readonly spreadInt: Float64Array;
  private readonly timeInt: Float64Array;
  private readonly queues: QueueTracker;
  private nextGrid = 0;
  private lastS = 0;
  private nbb = Number.NaN;
  private nba = Number.NaN;
  private depth = 0;
  private volume = 0;
  private trades = 0;
  private events = 0;
  /** First and last record inside the session, seconds from the open (-1: none yet). */
  private firstS = -1;
  private lastRecordS = -1;

  constructor(init: DayCalibratorInit) {
    this.symbol = checkSymbol(init.symbol);
    this.date = checkDate(init.date);
    this.venues = init.venues;
    this.options = { ...DEFAULT_CALIBRATION_OPTIONS, ...init.options };
    const s = init.session ?? regularSession(this.date);
    this.openNs = s.openNs;
    this.closeNs = s.closeNs;
    this.openHi = Number(s.openNs >> 32n);
    this.openLo = Number(s.openNs & 0xffffffffn);
    this.lenS = Number((s.closeNs - s.openNs) / 1_000_000_000n);
    const L = this.lenS;
    this.mid1s = new Float64Array(L + 1).fill(Number.NaN);
    this.depth1s = new Float64Array(L + 1).fill(Number.NaN);
    this.signed1s = new Float64Array(L);
    this.ofi1s = new Float64Array(L);
    const nb = Math.ceil(L / this.options.profileBinS);
    this.volBin = new Float64Array(nb);
    this.spreadInt = new Float64Array(nb);
    this.timeInt = new Float64Array(nb);
    this.queues = new QueueTracker(Math.ceil(L / 60), this.options.adverseHorizonsS);
  }

  observe(b: Mbp10Batch): void {
    const tops = this.tops;
    const best = tops.best;
    const L = this.lenS;
    const q = this.queues;
    const bid0 = b.bidPx[0]!;
    const ask0 = b.askPx[0]!;
    const bsz0 = b.bidSz[0]!;
    const asz0 = b.askSz[0]!;
    // ts_recv read as two 32-bit halves (little-endian int64): seconds from the open without BigInt per row
    const ts = new Uint32Array(b.tsRecv.buffer, b.tsRecv.byteOffset, b.length * 2);
    const openHi = this.openHi;
    const openLo = this.openLo;
    for (let i = 0; i < b.length; i++) {
      const s = ((ts[2 * i + 1]! - openHi) * 4294967296 + (ts[2 * i]! - openLo)) / 1e9;
      const v = b.venue[i]!;
      if (v >= this.nVenues) this.nVenues = v + 1;
      // state prevailing up to this record: resolve due adverse samples, sample the grid, integrate the spread
      q.resolveDue(s, this.mid());
      if (s > 0) this.advanceTo(Math.min(s, L));
      const inSession = s >= 0 && s < L;
      if (inSession) {
        this.events++;
        if (this.firstS < 0) this.firstS = s;
        this.lastRecordS = s;
      }
      const a = b.action[i]!;
      if (a === Action.Trade && inSession) {
        const sz = b.size[i]!;
        const side = b.side[i]!;
        this.volume += sz;
        this.trades++;
        this.volBin[(s / this.options.profileBinS) | 0]! += sz;
        const sec = s | 0;
        if (side === 66) this.signed1s[sec]! += sz;
        else if (side === 65) this.signed1s[sec]! -= sz;
        if (tops.seen[v]) {
          q.onTrade(s, v, side, b.price[i]!, best[v * 4]!, best[v * 4 + 2]!, this.mid());
        }
      }
      const f = b.flags[i]!;
      if ((f & Flag.LAST) === 0) continue;
      // which sides of the venue's book exist from here on (a minute without one has no outflow sample)
      if (s < L)
        q.noteBook(
          Math.max(0, (s / 60) | 0),
          v,
          a !== Action.Clear && !Number.isNaN(bid0[i]!) && bsz0[i]! > 0,
          a !== Action.Clear && !Number.isNaN(ask0[i]!) && asz0[i]! > 0,
        );
      // outflow and OFI compare the venue's previous consistent book (tops, before the update) with this one
      const counts = inSession && tops.seen[v] === 1 && a !== Action.Clear && (f & Flag.SNAPSHOT) === 0;
      if (counts) q.onBook((s / 60) | 0, v, best, b, i);
      if (tops.update(b, i, v) && inSession) this.ofi1s[s | 0]! += tops.ofi;
      this.refreshNational();
    }
  }

  /** Current national mid, dollars (NaN without a two-sided book). */
  mid(): number {
    return (this.nbb + this.nba) / 2;
  }

  /** National best bid/ask over venues with a consistent book, and the summed level-0 depth (q_b + q_a) / 2. */
  private refreshNational(): void {
    const best = this.tops.best;
    const seen = this.tops.seen;
    let bid = Number.NaN;
    let ask = Number.NaN;
    let d = 0;
    for (let v = 0; v < this.nVenues; v++) {
      if (seen[v] === 0) continue;
      const bp = best[v * 4]!;
      const ap = best[v * 4 + 2]!;
      if (!Number.isNaN(bp)) {
        d += best[v * 4 + 1]!;
        if (!(bp <= bid)) bid = bp;
      }
      if (!Number.isNaN(ap)) {
        d += best[v * 4 + 3]!;
        if (!(ap >= ask)) ask = ap;
      }
    }
    this.nbb = bid;
    this.nba = ask;
    this.depth = d / 2;
  }

  /** Sample grid points g_k < s and integrate the half-spread over [lastS, s) (0 <= s <= L), split by bin. */
  private advanceTo(s: number): void {
    const mid = this.mid();
    while (this.nextGrid < s && this.nextGrid <= this.lenS) {
      this.mid1s[this.nextGrid] = mid;
      this.depth1s[this.nextGrid] = this.depth;
      this.nextGrid++;
    }
    const half = (this.nba - this.nbb) / 2;
    if (half >= 0 && s > this.lastS) {
      const binS = this.options.profileBinS;
      let t = this.lastS;
      while (t < s) {
        const bin = (t / binS) | 0;
        const end = Math.min(s, (bin + 1) * binS);
        this.spreadInt[bin]! += half * (end - t);
        this.timeInt[bin]! += end - t;
        t = end;
      }
    }
    if (s > this.lastS) this.lastS = s;
  }

  /** Close the day: statistics of the regular session (the book state at the last record runs to the close). */
  finish(): DayCalibration {
    const L = this.lenS;
    this.advanceTo(L);
    if (this.nextGrid <= L) {
      this.mid1s.fill(this.mid(), this.nextGrid);
      this.depth1s.fill(this.depth, this.nextGrid);
      this.nextGrid = L + 1;
    }
    this.queues.resolveAll(this.mid());
    const o = this.options;
    const V = this.volume;
    const volumeProfile = this.volBin.map((x) => (V > 0 ? x / V : 0));
    const halfSpreadProfile = this.spreadInt.map((x, k) =>
      this.timeInt[k]! > 0 ? x / this.timeInt[k]! : Number.NaN,
    );
    let si = 0;
    let ti = 0;
    for (let k = 0; k < this.spreadInt.length; k++) {
      si += this.spreadInt[k]!;
      ti += this.timeInt[k]!;
    }
    const sigmaDaily = realizedVol(this.mid1s, 60);
    const meanMidUsd = finiteMean(this.mid1s);
    const bin = o.impactBinS;
    const boundary = new Float64Array(Math.floor(L / bin) + 1);
    for (let j = 0; j < boundary.length; j++) boundary[j] = this.mid1s[j * bin]!;
    const net = aggregate(this.signed1s, bin).subarray(0, boundary.length - 1);
    const impact = fitPropagator(boundary, net, V, sigmaDaily, meanMidUsd, o.halfLivesS, bin);
    const avgDepth = finiteMean(this.depth1s);
    return {
      version: CALIBRATION_VERSION,
      symbol: this.symbol,
      date: this.date,
      sessionOpenNs: this.openNs,
      sessionCloseNs: this.closeNs,
      events: this.events,
      sessionCoverage: this.firstS < 0 ? 0 : Math.min(1, (this.lastRecordS - this.firstS) / this.lenS),
      dataStartS: this.firstS < 0 ? Number.NaN : this.firstS,
      dataEndS: this.firstS < 0 ? Number.NaN : this.lastRecordS,
      dailyVolume: V,
      tradeCount: this.trades,
      sigmaDaily,
      halfSpreadUsd: ti > 0 ? si / ti : Number.NaN,
      meanMidUsd,
      profileBinS: o.profileBinS,
      volumeProfile,
      halfSpreadProfile,
      impact,
      kyle: kyleTable(this.mid1s, this.signed1s, o.kylePeriodsS),
      ofi: fitOfi(this.mid1s, this.ofi1s, avgDepth, o.ofiWindowS, o.ofiHorizonS),
      venues: this.queues.stats(this.venues.venues.map((x) => x.name)),
      midPath: { startNs: this.openNs, stepNs: 1_000_000_000n, mids: this.mid1s },
    };
  }
}
