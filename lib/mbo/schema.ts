/**
 * Databento MBO (market by order) in columnar form: one record = one order event (add, cancel, modify, clear,
 * trade, fill) with the order's id, so the book can be rebuilt order by order in FIFO priority
 * (docs/models.md 1c). Column order follows Databento's MBO Parquet (DBNStore.to_parquet) with ts_recv first,
 * as in our MBP-10 files.
 */

/** Columns of an MBO Parquet file, in order. */
export const MBO_COLUMNS = [
  "ts_recv",
  "ts_event",
  "rtype",
  "publisher_id",
  "instrument_id",
  "action",
  "side",
  "price",
  "size",
  "channel_id",
  "order_id",
  "flags",
  "ts_in_delta",
  "sequence",
  "symbol",
] as const;

/** Record type of MBO in DBN. */
export const RTYPE_MBO = 0xa0;

/**
 * A batch of MBO records: one typed array per column, prices in the instrument's unit (NaN = undefined
 * price, e.g. on a clear), sizes in shares/contracts, timestamps int64 ns since the epoch (UTC).
 */
export interface MboBatch {
  readonly length: number;
  readonly tsRecv: BigInt64Array;
  readonly tsEvent: BigInt64Array;
  readonly publisherId: Uint16Array;
  readonly instrumentId: Uint32Array;
  /** ASCII action: A add, C cancel, M modify, R clear, T trade, F fill, N none. */
  readonly action: Uint8Array;
  /** ASCII side: B bid, A ask, N none; on T/F the AGGRESSOR side (as in MBP-10). */
  readonly side: Uint8Array;
  readonly price: Float64Array;
  readonly size: Uint32Array;
  readonly channelId: Uint8Array;
  readonly orderId: BigUint64Array;
  readonly flags: Uint8Array;
  readonly tsInDelta: Int32Array;
  readonly sequence: Uint32Array;
  /** One symbol for the whole batch. */
  readonly symbol: string;
}

/** An empty batch of `n` rows (prices NaN). */
export function allocMboBatch(n: number, symbol: string): MboBatch {
  return {
    length: n,
    tsRecv: new BigInt64Array(n),
    tsEvent: new BigInt64Array(n),
    publisherId: new Uint16Array(n),
    instrumentId: new Uint32Array(n),
    action: new Uint8Array(n),
    side: new Uint8Array(n),
    price: new Float64Array(n).fill(Number.NaN),
    size: new Uint32Array(n),
    channelId: new Uint8Array(n),
    orderId: new BigUint64Array(n),
    flags: new Uint8Array(n),
    tsInDelta: new Int32Array(n),
    sequence: new Uint32Array(n),
    symbol,
  };
}

/** A view of the first `n` rows of `b` (no copy). */
export function truncateMboBatch(b: MboBatch, n: number): MboBatch {
  return {
    length: n,
    tsRecv: b.tsRecv.subarray(0, n),
    tsEvent: b.tsEvent.subarray(0, n),
    publisherId: b.publisherId.subarray(0, n),
    instrumentId: b.instrumentId.subarray(0, n),
    action: b.action.subarray(0, n),
    side: b.side.subarray(0, n),
    price: b.price.subarray(0, n),
    size: b.size.subarray(0, n),
    channelId: b.channelId.subarray(0, n),
    orderId: b.orderId.subarray(0, n),
    flags: b.flags.subarray(0, n),
    tsInDelta: b.tsInDelta.subarray(0, n),
    sequence: b.sequence.subarray(0, n),
    symbol: b.symbol,
  };
}

/**
 * Fills MBO batches record by record (fixed capacity, so memory stays bounded whatever the input size):
 * `const done = sink.start(); if (done) yield done;` then fill row `sink.row` of `sink.batch`; at the end
 * `const rest = sink.finish(); if (rest) yield rest;`.
 */
export class MboSink {
  batch: MboBatch;
  row = -1;
  records = 0;
  private n = 0;

  constructor(
    private readonly symbol: string,
    private readonly capacity = 65_536,
  ) {
    this.batch = allocMboBatch(capacity, symbol);
  }

  start(): MboBatch | undefined {
    let done: MboBatch | undefined;
    if (this.n === this.capacity) {
      done = this.batch;
      this.batch = allocMboBatch(this.capacity, this.symbol);
      this.n = 0;
    }
    this.row = this.n++;
    this.records++;
    return done;
  }

  finish(): MboBatch | undefined {
    if (this.n === 0) return undefined;
    const done = this.n === this.capacity ? this.batch : truncateMboBatch(this.batch, this.n);
    this.n = 0;
    return done;
  }
}

/**
 * The MBO records behind one batch of MBP-10 rows derived from them (lib/importers/mbo/replayStream.ts), so an
 * order-level model can follow the real queues between the derived books: row i's records are
 * [rowEnd[i - 1], rowEnd[i]) (0 for i = 0): the record that made the row and the unpublished ones after it (fills,
 * changes below the 10th level) up to the next row's record; row 0's also holds the unpublished records before it.
 */
export interface MboEvents {
  /** Number of MBP-10 rows (rowEnd.length). */
  readonly rows: number;
  readonly rowEnd: Int32Array;
  readonly action: Uint8Array;
  readonly side: Uint8Array;
  readonly price: Float64Array;
  readonly size: Uint32Array;
  readonly orderId: BigUint64Array;
}

/** A replay stream of MBP-10 derived from MBO: the MBO records behind the batch it yielded last. */
export interface MboFeed {
  readonly events: MboEvents | undefined;
}
