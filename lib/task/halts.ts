/**
 * Halts seen in the replayed data (docs/models.md 7.1): a clear record (action R: a Databento clear, or a LOBSTER
 * trading halt, which the importer writes as one) halts the market until the cleared venue shows a two-sided
 * consistent book again; a stretch of more than `max_gap_s` without any record is a halt from last record +
 * max_gap_s until the next record. Causal: a timer due at t sees the halt as it was known at t.
 * runTask feeds every record (`beforeRecord` before the simulator, `afterRecord` after it); parents read
 * `halted(t)`, register `onResume` callbacks, and get the halted seconds of their window from `haltedSIn`.
 */
import type { VenueBooks } from "../book/venueBooks.ts";
import { Action, Flag, type Mbp10Batch } from "../mbp10/schema.ts";

export class HaltTracker {
  /** Halt intervals [start, end) in ns; an open halt has end = undefined until the book is back. */
  readonly intervals: { startNs: bigint; endNs: bigint | undefined }[] = [];
  private lastNs: bigint | undefined;
  private readonly cleared = new Set<number>();
  private resume: ((tNs: bigint) => void)[] = [];

  constructor(private readonly maxGapNs?: bigint) {
    this.tracksGaps = maxGapNs !== undefined;
  }

  /** Whether gaps are tracked (max_gap_s given): only then does `beforeRecord` need each record's time. */
  readonly tracksGaps: boolean;

  /** Is the market halted at tNs (a clear not yet restored, or no record for more than max_gap_s)? */
  halted(tNs: bigint): boolean {
    if (this.cleared.size > 0) return true;
    return this.maxGapNs !== undefined && this.lastNs !== undefined && tNs - this.lastNs > this.maxGapNs;
  }

  /** Call `fn` once, at the record that ends the current halt. */
  onResume(fn: (tNs: bigint) => void): void {
    this.resume.push(fn);
  }

  /** A record at tNs is about to be applied (timers up to tNs have fired): a gap before it ends here. */
  beforeRecord(tNs: bigint): void {
    // without max_gap_s the last record's time is never read (halted() and the gap check need it)
    if (this.maxGapNs === undefined) return;
    if (this.lastNs !== undefined && tNs - this.lastNs > this.maxGapNs) {
      const startNs = this.lastNs + this.maxGapNs;
      const open = this.cleared.size > 0;
      // a gap inside a clear-halt is part of that halt
      if (!open) this.intervals.push({ startNs, endNs: tNs });
    }
    this.lastNs = tNs;
  }

  /** Record i of b has been applied to `books`. Returns true when it ended a halt (resume callbacks ran). */
  afterRecord(b: Mbp10Batch, i: number, books: VenueBooks): boolean {
    const v = b.venue[i]!;
    if (b.action[i] === Action.Clear) {
      if (this.cleared.size === 0) this.intervals.push({ startNs: b.tsRecv[i]!, endNs: undefined });
      this.cleared.add(v);
      return false;
    }
    if (this.cleared.size > 0 && this.cleared.has(v) && (b.flags[i]! & Flag.LAST) !== 0) {
      const L = books.levels;
      const twoSided = !Number.isNaN(books.bidPx[v * L]!) && !Number.isNaN(books.askPx[v * L]!);
      if (twoSided) {
        this.cleared.delete(v);
        if (this.cleared.size === 0) {
          const t = b.tsRecv[i]!;
          this.intervals[this.intervals.length - 1]!.endNs = t;
          this.fireResume(t);
          return true;
        }
      }
    } else if (this.cleared.size === 0 && this.resume.length > 0) {
      // the first record after a gap: the book is back
      this.fireResume(b.tsRecv[i]!);
      return true;
    }
    return false;
  }

  private fireResume(t: bigint): void {
    const fns = this.resume;
    this.resume = [];
    for (const fn of fns) fn(t);
  }

  /** Seconds of [aNs, bNs] the market was halted (an open halt runs to `untilNs`). */
  haltedSIn(aNs: bigint, bNs: bigint, untilNs: bigint): number {
    let ns = 0n;
    for (const h of this.intervals) {
      const s = h.startNs > aNs ? h.startNs : aNs;
      const end = h.endNs ?? untilNs;
      const e = end < bNs ? end : bNs;
      if (e > s) ns += e - s;
    }
    return Number(ns) / 1e9;
  }
}
