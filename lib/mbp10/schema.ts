/**
 * Databento MBP-10 as written by Databento's tools (DBNStore.to_parquet): 74 columns. One record = one book
 * event plus the venue's 10-level book AFTER the event (docs/models.md section 1).
 */

export const MAX_LEVELS = 10;

/** Record-level columns, in Databento's order. */
export const RECORD_COLUMNS = [
  "ts_recv",
  "ts_event",
  "rtype",
  "publisher_id",
  "instrument_id",
  "action",
  "side",
  "depth",
  "price",
  "size",
  "flags",
  "ts_in_delta",
  "sequence",
] as const;

export const LEVEL_FIELDS = ["bid_px", "ask_px", "bid_sz", "ask_sz", "bid_ct", "ask_ct"] as const;
export type LevelField = (typeof LEVEL_FIELDS)[number];

/** Column name of a level field, e.g. levelColumn("bid_px", 0) = "bid_px_00". */
export function levelColumn(field: LevelField, level: number): string {
  return `${field}_${String(level).padStart(2, "0")}`;
}

/** All 74 columns in Databento's order for a file with `levels` levels (13 + 6 x levels + symbol). */
export function mbp10Columns(levels = MAX_LEVELS): string[] {
  const cols: string[] = [...RECORD_COLUMNS];
  for (let l = 0; l < levels; l++) for (const f of LEVEL_FIELDS) cols.push(levelColumn(f, l));
  cols.push("symbol");
  return cols;
}

/** Columns the replay engine needs (everything but ts_event, rtype, instrument_id, ts_in_delta, counts, symbol). */
export function engineColumns(levels = MAX_LEVELS): string[] {
  const cols = ["ts_recv", "publisher_id", "action", "side", "depth", "price", "size", "flags", "sequence"];
  for (let l = 0; l < levels; l++) {
    cols.push(
      levelColumn("bid_px", l),
      levelColumn("ask_px", l),
      levelColumn("bid_sz", l),
      levelColumn("ask_sz", l),
    );
  }
  return cols;
}

/** Action codes (ASCII). T and F do not change the book; the C/M records after them do. */
export const Action = {
  Add: 65, // 'A'
  Cancel: 67, // 'C'
  Modify: 77, // 'M'
  Clear: 82, // 'R'
  Trade: 84, // 'T'
  Fill: 70, // 'F'
  None: 78, // 'N'
} as const;

/** Side codes (ASCII). On T records side is the AGGRESSOR: 'A' seller hit the bid, 'B' buyer lifted the ask. */
export const Side = {
  Ask: 65, // 'A'
  Bid: 66, // 'B'
  None: 78, // 'N'
} as const;

/** Record flags (Databento). */
export const Flag = {
  LAST: 0x80,
  TOB: 0x40,
  SNAPSHOT: 0x20,
  MBP: 0x10,
  BAD_TS_RECV: 0x08,
  MAYBE_BAD_BOOK: 0x04,
} as const;

/** Record type of MBP-10 in DBN. */
export const RTYPE_MBP10 = 10;

/**
 * The engine's view of a batch of MBP-10 records: one typed array per column, no per-row objects.
 * Prices are dollars (NaN = no level), sizes shares, timestamps int64 ns since the epoch (UTC).
 * `venue` is a dense index into the stream's venue list (publisher ids or one venue per file).
 */
export interface Mbp10Batch {
  readonly length: number;
  /** Number of book levels present (1..10). Missing levels are "no level". */
  readonly levels: number;
  readonly tsRecv: BigInt64Array;
  readonly venue: Uint8Array;
  readonly action: Uint8Array;
  readonly side: Uint8Array;
  readonly depth: Uint8Array;
  readonly price: Float64Array;
  readonly size: Uint32Array;
  readonly flags: Uint8Array;
  readonly sequence: Uint32Array;
  readonly bidPx: readonly Float64Array[];
  readonly askPx: readonly Float64Array[];
  readonly bidSz: readonly Uint32Array[];
  readonly askSz: readonly Uint32Array[];
}

/** An engine batch before venue mapping: `publisher` (Databento publisher ids) instead of `venue`. */
export interface RawEngineBatch extends Omit<Mbp10Batch, "venue"> {
  readonly publisher: Uint16Array;
}

/**
 * An engine batch in the one object shape every producer uses (the replay's hot loops read its fields for
 * every record: each further shape seen there deoptimised them, and V8 compiled them again, per task).
 */
export function engineBatch(b: Mbp10Batch): Mbp10Batch {
  return {
    length: b.length,
    levels: b.levels,
    tsRecv: b.tsRecv,
    venue: b.venue,
    action: b.action,
    side: b.side,
    depth: b.depth,
    price: b.price,
    size: b.size,
    flags: b.flags,
    sequence: b.sequence,
    bidPx: b.bidPx,
    askPx: b.askPx,
    bidSz: b.bidSz,
    askSz: b.askSz,
  };
}

/** Every column of the file format (what writers need and full reads return). */
export interface Mbp10FullBatch extends Mbp10Batch {
  readonly tsEvent: BigInt64Array;
  readonly rtype: Uint8Array;
  readonly publisherId: Uint16Array;
  readonly instrumentId: Uint32Array;
  readonly tsInDelta: Int32Array;
  readonly bidCt: readonly Uint32Array[];
  readonly askCt: readonly Uint32Array[];
  /** One symbol for the whole batch. */
  readonly symbol: string;
}

export interface VenueInfo {
  /** Databento publisher_id (or a synthetic id for one-file-per-venue inputs). */
  readonly publisherId: number;
  /** Human name, e.g. the file's venue folder ("XNAS") or "publisher 2". */
  readonly name: string;
}

/** Allocate an empty full batch of `n` rows with `levels` levels (prices NaN, sizes 0). */
export function allocFullBatch(n: number, levels: number, symbol: string): Mbp10FullBatch {
  const px = () => Array.from({ length: levels }, () => new Float64Array(n).fill(Number.NaN));
  const u32 = () => Array.from({ length: levels }, () => new Uint32Array(n));
  return {
    length: n,
    levels,
    tsRecv: new BigInt64Array(n),
    tsEvent: new BigInt64Array(n),
    rtype: new Uint8Array(n).fill(RTYPE_MBP10),
    publisherId: new Uint16Array(n),
    instrumentId: new Uint32Array(n),
    venue: new Uint8Array(n),
    action: new Uint8Array(n),
    side: new Uint8Array(n),
    depth: new Uint8Array(n),
    price: new Float64Array(n).fill(Number.NaN),
    size: new Uint32Array(n),
    flags: new Uint8Array(n),
    tsInDelta: new Int32Array(n),
    sequence: new Uint32Array(n),
    bidPx: px(),
    askPx: px(),
    bidSz: u32(),
    askSz: u32(),
    bidCt: u32(),
    askCt: u32(),
    symbol,
  };
}

/** A view of the first `n` rows of a full batch (no copy). */
export function truncateFullBatch(b: Mbp10FullBatch, n: number): Mbp10FullBatch {
  const cut = <T extends { subarray(a: number, b: number): T }>(a: T) => a.subarray(0, n);
  return {
    length: n,
    levels: b.levels,
    tsRecv: cut(b.tsRecv),
    tsEvent: cut(b.tsEvent),
    rtype: cut(b.rtype),
    publisherId: cut(b.publisherId),
    instrumentId: cut(b.instrumentId),
    venue: cut(b.venue),
    action: cut(b.action),
    side: cut(b.side),
    depth: cut(b.depth),
    price: cut(b.price),
    size: cut(b.size),
    flags: cut(b.flags),
    tsInDelta: cut(b.tsInDelta),
    sequence: cut(b.sequence),
    bidPx: b.bidPx.map(cut),
    askPx: b.askPx.map(cut),
    bidSz: b.bidSz.map(cut),
    askSz: b.askSz.map(cut),
    bidCt: b.bidCt.map(cut),
    askCt: b.askCt.map(cut),
    symbol: b.symbol,
  };
}
