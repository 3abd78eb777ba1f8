/**
 * Fills MBP-10 batches record by record for the importers: fixed-size chunks (65,536 rows) so memory stays
 * bounded whatever the file size, and optional F_LAST marking for sources that have no flags (LOBSTER).
 */
import { allocFullBatch, Flag, type Mbp10FullBatch, truncateFullBatch } from "../mbp10/schema.ts";

/** Rows per batch handed to the Parquet writer (also Databento's row-group size). */
export const IMPORT_BATCH_ROWS = 65_536;

export interface RecordSinkOptions {
  /** Set F_LAST on the last record of every run of equal ts_recv (sources without flags). */
  markLast?: boolean;
  /** Rows per batch (tests use small values to cross batch boundaries). */
  capacity?: number;
}

/**
 * Usage: `const done = sink.start(ts); if (done) yield done;` then fill row `sink.row` of `sink.batch`;
 * at the end `const rest = sink.finish(); if (rest) yield rest;`. A full batch is handed out only when the
 * next record starts, so the F_LAST flag of its last row is known before it leaves.
 */
export class RecordSink {
  /** The batch being filled. */
  batch: Mbp10FullBatch;
  /** Row of `batch` to fill for the current record. */
  row = -1;
  /** Records started so far. */
  records = 0;
  /** ts_recv of the first and last records (undefined before the first). */
  firstTsNs: bigint | undefined;
  lastTsNs: bigint | undefined;
  private n = 0;
  private readonly capacity: number;
  private readonly markLast: boolean;

  constructor(
    readonly levels: number,
    private symbol: string,
    options: RecordSinkOptions = {},
  ) {
    this.capacity = options.capacity ?? IMPORT_BATCH_ROWS;
    this.markLast = options.markLast ?? false;
    this.batch = allocFullBatch(this.capacity, levels, symbol);
  }

  /** Begin a record at `tsNs`; returns a completed batch that the caller must yield before filling. */
  start(tsNs: bigint): Mbp10FullBatch | undefined {
    let done: Mbp10FullBatch | undefined;
    if (this.n > 0) {
      if (this.markLast && tsNs !== this.lastTsNs) this.batch.flags[this.n - 1]! |= Flag.LAST;
      if (this.n === this.capacity) {
        done = this.batch;
        this.batch = allocFullBatch(this.capacity, this.levels, this.symbol);
        this.n = 0;
      }
    }
    if (this.firstTsNs === undefined) this.firstTsNs = tsNs;
    this.lastTsNs = tsNs;
    this.row = this.n++;
    this.records++;
    return done;
  }

  /** Label the following records with another symbol; returns the records so far (to yield) if any. */
  switchSymbol(symbol: string): Mbp10FullBatch | undefined {
    if (symbol === this.symbol) return undefined;
    this.symbol = symbol;
    const done = this.n > 0 ? truncateFullBatch(this.batch, this.n) : undefined;
    this.batch = allocFullBatch(this.capacity, this.levels, symbol);
    this.n = 0;
    return done;
  }

  /** The last, partial batch (F_LAST set on its last record when marking), or undefined when empty. */
  finish(): Mbp10FullBatch | undefined {
    if (this.n === 0) return undefined;
    if (this.markLast) this.batch.flags[this.n - 1]! |= Flag.LAST;
    const done = this.n === this.capacity ? this.batch : truncateFullBatch(this.batch, this.n);
    this.n = 0;
    return done;
  }
}
