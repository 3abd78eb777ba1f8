/**
 * Data-quality counters of a stream (docs/models.md section 1: measured, not assumed). Reported per task; the
 * replay skips what would corrupt state but never hides it.
 */
import { priceKey } from "../core/units.ts";
import { Action, Flag, type Mbp10Batch } from "./schema.ts";
import { MAX_VENUES } from "./venues.ts";

export interface DataQuality {
  rows: number;
  /** first / last ts_recv (ns since epoch), as decimal strings in JSON */
  firstTsNs: bigint;
  lastTsNs: bigint;
  fLastRecords: number;
  trades: number;
  /** F_LAST records whose venue book has best bid > best ask. */
  crossedBooks: number;
  /** F_LAST records whose venue book has best bid == best ask. */
  lockedBooks: number;
  /** records out of time order: ts_recv lower than the highest ts_recv seen before them. */
  nonMonotoneTs: number;
  /** sequence lower than the venue's previous record (a restart or reordering). */
  sequenceRegressions: number;
  /** sequence jumps > 1 within a venue. Normal for channel-wide sequences (other instruments share them). */
  sequenceGaps: number;
  /** records flagged F_MAYBE_BAD_BOOK. */
  maybeBadBook: number;
  /** add/cancel/modify/trade records whose price is undefined. */
  undefinedPrices: number;
  /** book clears (action R). */
  clears: number;
}

export function emptyQuality(): DataQuality {
  return {
    rows: 0,
    firstTsNs: 0n,
    lastTsNs: 0n,
    fLastRecords: 0,
    trades: 0,
    crossedBooks: 0,
    lockedBooks: 0,
    nonMonotoneTs: 0,
    sequenceRegressions: 0,
    sequenceGaps: 0,
    maybeBadBook: 0,
    undefinedPrices: 0,
    clears: 0,
  };
}

/** Accumulates DataQuality over batches in replay order. */
export class QualityCounters {
  readonly q: DataQuality = emptyQuality();
  private prevTs = -(2n ** 63n);
  /** prevTs as two 32-bit halves (high signed, low unsigned): compared without a BigInt per row. */
  private prevHi = -(2 ** 31);
  private prevLo = 0;
  private readonly prevSeq = new Float64Array(MAX_VENUES).fill(-1);

  observe(b: Mbp10Batch): void {
    const q = this.q;
    if (b.length === 0) return;
    if (q.rows === 0) q.firstTsNs = b.tsRecv[0]!;
    q.rows += b.length;
    let prevHi = this.prevHi;
    let prevLo = this.prevLo;
    let prevAt = -1;
    const bid0 = b.bidPx[0]!;
    const ask0 = b.askPx[0]!;
    // ts_recv (little-endian int64) read as its two 32-bit halves: no BigInt per row
    const tsHi = new Int32Array(b.tsRecv.buffer, b.tsRecv.byteOffset, b.length * 2);
    const tsLo = new Uint32Array(b.tsRecv.buffer, b.tsRecv.byteOffset, b.length * 2);
    for (let i = 0; i < b.length; i++) {
      const hi = tsHi[2 * i + 1]!;
      const lo = tsLo[2 * i]!;
      if (hi < prevHi || (hi === prevHi && lo < prevLo)) q.nonMonotoneTs++;
      else {
        prevHi = hi;
        prevLo = lo;
        prevAt = i;
      }
      const a = b.action[i]!;
      const f = b.flags[i]!;
      const v = b.venue[i]!;
      const seq = b.sequence[i]!;
      const ps = this.prevSeq[v]!;
      if (ps >= 0) {
        if (seq < ps) q.sequenceRegressions++;
        else if (seq > ps + 1) q.sequenceGaps++;
      }
      this.prevSeq[v] = seq;
      if (f & Flag.MAYBE_BAD_BOOK) q.maybeBadBook++;
      if (a === Action.Trade) q.trades++;
      else if (a === Action.Clear) q.clears++;
      if (
        (a === Action.Add || a === Action.Cancel || a === Action.Modify || a === Action.Trade) &&
        Number.isNaN(b.price[i]!)
      ) {
        q.undefinedPrices++;
      }
      if (f & Flag.LAST) {
        q.fLastRecords++;
        const bp = bid0[i]!;
        const ap = ask0[i]!;
        if (!Number.isNaN(bp) && !Number.isNaN(ap)) {
          const d = priceKey(bp) - priceKey(ap);
          if (d > 0) q.crossedBooks++;
          else if (d === 0) q.lockedBooks++;
        }
      }
    }
    if (prevAt >= 0) this.prevTs = b.tsRecv[prevAt]!;
    this.prevHi = prevHi;
    this.prevLo = prevLo;
    q.lastTsNs = this.prevTs;
  }
}

/** JSON-friendly copy (bigints as strings, plus ISO times). */
export function qualityToJson(q: DataQuality): Record<string, number | string> {
  const iso = (ns: bigint) => (q.rows ? new Date(Number(ns / 1_000_000n)).toISOString() : "");
  return {
    ...Object.fromEntries(Object.entries(q).filter(([, v]) => typeof v === "number")),
    first_ts: iso(q.firstTsNs),
    last_ts: iso(q.lastTsNs),
    first_ts_ns: q.firstTsNs.toString(),
    last_ts_ns: q.lastTsNs.toString(),
  };
}
