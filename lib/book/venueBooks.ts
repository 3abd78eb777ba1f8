/**
 * The consistent book of every venue, and the national best across venues. An MBP-10 record carries the
 * venue's book after its event, but a multi-record event is consistent only on its F_LAST record
 * (docs/models.md section 1), so a venue's book is the levels of its latest F_LAST record.
 * Layout: index v * levels + l. Prices in dollars (NaN = no level), sizes in shares.
 *
 * Lazy copy: `onRecord` only remembers WHICH record holds each venue's latest consistent book (its batch and
 * row); the levels are copied into the flat arrays when somebody reads them (any of the array getters, the
 * accessors below), once per venue however many F_LAST records passed since the last read. A replay that
 * reads the books at a few decisions pays one copy per read instead of 40 values per F_LAST record; what a
 * reader sees is exactly what an eager copy would show. A batch fed here must not change afterwards (the
 * readers and the simulator never write into batches).
 */
import { Flag, type Mbp10Batch } from "../mbp10/schema.ts";

export class VenueBooks {
  private readonly bidPxA: Float64Array;
  private readonly askPxA: Float64Array;
  private readonly bidSzA: Float64Array;
  private readonly askSzA: Float64Array;
  private readonly updatedNsA: BigInt64Array;
  /** 1 once the venue has had a consistent (F_LAST) book. */
  readonly valid: Uint8Array;
  /** Per venue: the batch and row of its latest consistent book when it has not been copied yet. */
  private readonly srcBatch: (Mbp10Batch | undefined)[];
  private readonly srcRow: Int32Array;
  /** The venues with a book not copied yet (first `stale` entries). */
  private readonly staleList: Uint8Array;
  private stale = 0;

  constructor(
    readonly maxVenues: number,
    readonly levels: number,
  ) {
    const n = maxVenues * levels;
    this.bidPxA = new Float64Array(n).fill(Number.NaN);
    this.askPxA = new Float64Array(n).fill(Number.NaN);
    this.bidSzA = new Float64Array(n);
    this.askSzA = new Float64Array(n);
    this.valid = new Uint8Array(maxVenues);
    this.updatedNsA = new BigInt64Array(maxVenues);
    this.srcBatch = new Array<Mbp10Batch | undefined>(maxVenues).fill(undefined);
    this.srcRow = new Int32Array(maxVenues);
    this.staleList = new Uint8Array(maxVenues);
  }

  /** Bid prices, index v * levels + l (dollars, NaN = no level). */
  get bidPx(): Float64Array {
    if (this.stale !== 0) this.sync();
    return this.bidPxA;
  }

  get askPx(): Float64Array {
    if (this.stale !== 0) this.sync();
    return this.askPxA;
  }

  /** Bid sizes, index v * levels + l (shares). */
  get bidSz(): Float64Array {
    if (this.stale !== 0) this.sync();
    return this.bidSzA;
  }

  get askSz(): Float64Array {
    if (this.stale !== 0) this.sync();
    return this.askSzA;
  }

  /** Last F_LAST ts_recv per venue (ns). */
  get updatedNs(): BigInt64Array {
    if (this.stale !== 0) this.sync();
    return this.updatedNsA;
  }

  /** Record `i` of `b` is an F_LAST record: it becomes its venue's book; returns true when the book changed. */
  onRecord(b: Mbp10Batch, i: number): boolean {
    if ((b.flags[i]! & Flag.LAST) === 0) return false;
    this.copyRow(b, i);
    return true;
  }

  /** Record `i` of `b` becomes its venue's book unconditionally (for sources without F_LAST semantics). */
  copyRow(b: Mbp10Batch, i: number): void {
    const v = b.venue[i]!;
    if (this.srcBatch[v] === undefined) this.staleList[this.stale++] = v;
    this.srcBatch[v] = b;
    this.srcRow[v] = i;
    this.valid[v] = 1;
  }

  /**
   * Copy every pending book now, so that no batch fed so far is referenced any more (a stream that hands a
   * batch's buffers back once the next batch is asked for needs this at every batch end).
   */
  settle(): void {
    if (this.stale !== 0) this.sync();
  }

  /** Copy the latest consistent book of every venue that has a newer one than the arrays show. */
  private sync(): void {
    for (let k = 0; k < this.stale; k++) {
      const v = this.staleList[k]!;
      const b = this.srcBatch[v]!;
      this.srcBatch[v] = undefined;
      this.copyLevels(b, this.srcRow[v]!, v);
    }
    this.stale = 0;
  }

  private copyLevels(b: Mbp10Batch, i: number, v: number): void {
    const base = v * this.levels;
    const n = Math.min(this.levels, b.levels);
    for (let l = 0; l < n; l++) {
      this.bidPxA[base + l] = b.bidPx[l]![i]!;
      this.askPxA[base + l] = b.askPx[l]![i]!;
      this.bidSzA[base + l] = b.bidSz[l]![i]!;
      this.askSzA[base + l] = b.askSz[l]![i]!;
    }
    for (let l = n; l < this.levels; l++) {
      this.bidPxA[base + l] = Number.NaN;
      this.askPxA[base + l] = Number.NaN;
      this.bidSzA[base + l] = 0;
      this.askSzA[base + l] = 0;
    }
    this.updatedNsA[v] = b.tsRecv[i]!;
  }

  bestBid(v: number): number {
    return this.bidPx[v * this.levels]!;
  }

  bestAsk(v: number): number {
    return this.askPx[v * this.levels]!;
  }

  bestBidSize(v: number): number {
    return this.bidSz[v * this.levels]!;
  }

  bestAskSize(v: number): number {
    return this.askSz[v * this.levels]!;
  }

  /** Highest best bid over valid venues; NaN when no venue has a bid. */
  nationalBestBid(): number {
    let best = Number.NaN;
    for (let v = 0; v < this.maxVenues; v++) {
      if (this.valid[v] === 0) continue;
      const p = this.bidPx[v * this.levels]!;
      if (!Number.isNaN(p) && !(p <= best)) best = p;
    }
    return best;
  }

  /** Lowest best ask over valid venues; NaN when no venue has an ask. */
  nationalBestAsk(): number {
    let best = Number.NaN;
    for (let v = 0; v < this.maxVenues; v++) {
      if (this.valid[v] === 0) continue;
      const p = this.askPx[v * this.levels]!;
      if (!Number.isNaN(p) && !(p >= best)) best = p;
    }
    return best;
  }

  /** National mid (dollars), NaN unless both sides exist. */
  mid(): number {
    return (this.nationalBestBid() + this.nationalBestAsk()) / 2;
  }

  /** Size displayed at the national best bid (sum over venues at that price, within half a micro-dollar). */
  sizeAtBid(price: number): number {
    let s = 0;
    for (let v = 0; v < this.maxVenues; v++) {
      if (this.valid[v] && Math.abs(this.bidPx[v * this.levels]! - price) < 5e-7)
        s += this.bidSz[v * this.levels]!;
    }
    return s;
  }

  sizeAtAsk(price: number): number {
    let s = 0;
    for (let v = 0; v < this.maxVenues; v++) {
      if (this.valid[v] && Math.abs(this.askPx[v * this.levels]! - price) < 5e-7)
        s += this.askSz[v * this.levels]!;
    }
    return s;
  }

  /** Forget a venue's book (action R, clear book). */
  clear(v: number): void {
    const base = v * this.levels;
    this.bidPx.fill(Number.NaN, base, base + this.levels);
    this.askPx.fill(Number.NaN, base, base + this.levels);
    this.bidSz.fill(0, base, base + this.levels);
    this.askSz.fill(0, base, base + this.levels);
  }
}
