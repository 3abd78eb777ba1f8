/**
 * MBP-10 Parquet reader: validates the file up front (clear errors for not-Parquet, truncated, missing
 * columns, wrong types, zero rows), then streams row group by row group with column projection. Memory is
 * bounded by one row group, not the file (DESIGN.md performance targets).
 */
import type * as arrow from "apache-arrow";
import { DataFormatError, InputError } from "../core/errors.ts";
import { chunkLayout, rowGroupRanges } from "../parquet/chunkRanges.ts";
import { type OpenedParquet, openParquet, readRowGroup, viewRowGroup } from "../parquet/read.ts";
import type { ByteSource } from "../ports/byteSource.ts";
import { type ByteRange, canPrefetch, coalesceRanges } from "../ports/prefetch.ts";
import {
  type ColumnKind,
  checkColumnType,
  requireChild,
  toCharCodes,
  toIntArray,
  toPriceUsd,
  toTimestampNs,
} from "./columns.ts";
import { decodeThreadAvailable, decodeThreadByDefault, threadedRawBatches } from "./decodeThread.ts";
import {
  engineBatch,
  engineColumns,
  LEVEL_FIELDS,
  levelColumn,
  MAX_LEVELS,
  type Mbp10Batch,
  type Mbp10FullBatch,
  mbp10Columns,
  type RawEngineBatch,
} from "./schema.ts";
import { packBatch, SlabPool, slabOf } from "./slab.ts";
import { VenueRegistry } from "./venues.ts";

const KIND: Readonly<Record<string, ColumnKind>> = {
  ts_recv: "timestamp",
  ts_event: "timestamp",
  rtype: "integer",
  publisher_id: "integer",
  instrument_id: "integer",
  action: "char",
  side: "char",
  depth: "integer",
  price: "price",
  size: "integer",
  flags: "integer",
  ts_in_delta: "integer",
  sequence: "integer",
  symbol: "string",
};

function kindOf(column: string): ColumnKind {
  const k = KIND[column];
  if (k) return k;
  return column.includes("_px_") ? "price" : "integer";
}

/** A guess at what a non-MBP-10 file is, from its columns (for error messages). */
function guessFileKind(names: ReadonlySet<string>): string {
  if (names.has("strategy") || names.has("f_last_records"))
    return "a msor result file (results/executions, child_orders, fills or task_quality), not an input";
  if (names.has("order_id")) return "an MBO (market-by-order) file";
  if (names.has("open") && names.has("close")) return "an OHLCV bars file";
  if (names.has("bid_px_00") && !names.has("action")) return "a BBO / quote file";
  if (names.has("price") && names.has("size") && !names.has("bid_px_00")) return "a trades file";
  if (names.has("bid_px") || names.has("bid_price")) return "a top-of-book file in another layout";
  return "not Databento MBP-10";
}

export interface Mbp10FileInfo {
  readonly name: string;
  readonly numRows: number;
  readonly rowGroupRows: readonly number[];
  readonly levels: number;
  readonly priceEncoding: "float" | "fixed";
  readonly timestampType: string;
  readonly columns: readonly string[];
  readonly keyValue: ReadonlyMap<string, string>;
}

export interface Mbp10OpenOptions {
  /** Name every venue of this file with this name (one file per venue, e.g. "XNAS"). */
  venueName?: string;
  /**
   * Decode row groups in a second thread (lib/mbp10/decodeThread.ts) while the consumer replays: true, false,
   * or (undefined) the thread's default, `decodeThreadByDefault()`: on when the machine has a core to spare.
   * Used only when the file has several row groups and the thread's entry file exists (not in a single-file
   * bundle). Same batches either way. It costs a second core and a second parquet-wasm instance (~65 MB more
   * peak RSS on a 2M-row day: `npm run bench`).
   */
  decodeThread?: boolean;
  /**
   * Read at most this many book levels (1..10; default all the file has): a calibration pass needs level 0
   * only, and every level not read is 4 column chunks not fetched or decoded. Batches then have
   * `levels` = min(this, the file's levels).
   */
  maxLevels?: number;
  /**
   * The consumer keeps no reference into a batch (its typed arrays) once it asks for the next one, so the
   * batch's slab (lib/mbp10/slab.ts) is reused for a later row group: handed back to the decode thread
   * (detached here: reading it afterwards sees empty arrays), or in this thread decoded into again. Saves
   * allocating and collecting the hundreds of MB of decoded columns of a day. Default false.
   */
  releaseBatches?: boolean;
}

export class Mbp10File implements Mbp10FileInfo {
  readonly name: string;
  readonly numRows: number;
  readonly rowGroupRows: readonly number[];
  readonly levels: number;
  readonly priceEncoding: "float" | "fixed";
  readonly timestampType: string;
  readonly columns: readonly string[];
  readonly keyValue: ReadonlyMap<string, string>;
  /** Levels the batches carry: the file's, capped by the option `maxLevels`. */
  readonly readLevels: number;

  private constructor(
    readonly source: ByteSource,
    private readonly pq: OpenedParquet,
    levels: number,
    private readonly options: Mbp10OpenOptions,
  ) {
    this.name = source.name;
    this.numRows = pq.numRows;
    this.rowGroupRows = pq.rowGroupRows;
    this.levels = levels;
    this.readLevels = Math.min(levels, options.maxLevels ?? levels);
    this.columns = pq.schema.fields.map((f) => f.name);
    this.keyValue = pq.keyValue;
    const px = pq.schema.fields.find((f) => f.name === "bid_px_00")!;
    this.priceEncoding = px.type.typeId === 2 /* Int */ ? "fixed" : "float";
    this.timestampType = String(pq.schema.fields.find((f) => f.name === "ts_recv")!.type);
  }

  /** Open and validate an MBP-10 Parquet source; the source is closed when it is not valid. */
  static async open(source: ByteSource, options: Mbp10OpenOptions = {}): Promise<Mbp10File> {
    try {
      return await Mbp10File.validate(source, options);
    } catch (e) {
      await source.close?.();
      throw e;
    }
  }

  private static async validate(source: ByteSource, options: Mbp10OpenOptions): Promise<Mbp10File> {
    const ml = options.maxLevels;
    if (ml !== undefined && !(Number.isInteger(ml) && ml >= 1 && ml <= MAX_LEVELS))
      throw new InputError(`maxLevels must be an integer in 1..${MAX_LEVELS}, got ${ml}`);
    const pq = await openParquet(source);
    const fields = new Map(pq.schema.fields.map((f) => [f.name, f] as const));
    const names = new Set(fields.keys());
    let levels = 0;
    while (levels < MAX_LEVELS && LEVEL_FIELDS.slice(0, 4).every((f) => names.has(levelColumn(f, levels))))
      levels++;
    const required = engineColumns(Math.max(levels, 1));
    const missing = required.filter((c) => !names.has(c));
    if (missing.length > 0) {
      const expected = mbp10Columns();
      const found = expected.filter((c) => names.has(c)).length;
      const shown =
        missing.slice(0, 6).join(", ") + (missing.length > 6 ? `, ... (${missing.length} in all)` : "");
      throw new DataFormatError(
        `mbp10 file ${source.name} lacks column${missing.length > 1 ? "s" : ""} ${shown} ` +
          `(found ${found} of ${expected.length} expected columns); is this ${guessFileKind(names)}? ` +
          "Expected Databento MBP-10 Parquet (DBNStore.to_parquet) or the output of `msor import`.",
      );
    }
    const wrong: string[] = [];
    for (const c of [...required, "ts_event", "symbol"]) {
      const f = fields.get(c);
      if (!f) continue;
      const expected = checkColumnType(f.type, kindOf(c));
      if (expected) wrong.push(`${c} is ${String(f.type)} (expected ${expected})`);
    }
    if (wrong.length > 0) {
      throw new DataFormatError(`mbp10 file ${source.name} has wrong column types: ${wrong.join("; ")}`);
    }
    if (pq.numRows === 0) {
      throw new DataFormatError(
        `mbp10 file ${source.name} has zero rows; nothing to replay (was the day a holiday?)`,
      );
    }
    return new Mbp10File(source, pq, levels, options);
  }

  /** Symbol (first row's symbol column, if any) and first ts_recv (ns) of the file. */
  async identity(): Promise<{ symbol: string | undefined; firstTsNs: bigint }> {
    const cols = this.columns.includes("symbol") ? ["ts_recv", "symbol"] : ["ts_recv"];
    const t = await readRowGroup(this.source, this.pq, 0, cols);
    const sym = t.getChild("symbol");
    return {
      symbol: sym && sym.length > 0 ? String(sym.get(0)) : undefined,
      firstTsNs: toTimestampNs(requireChild(t, "ts_recv", this.name))[0]!,
    };
  }

  /** The last ts_recv (ns) of the file (its last row group's last row). */
  async lastTsNs(): Promise<bigint> {
    const t = await readRowGroup(this.source, this.pq, this.rowGroupRows.length - 1, ["ts_recv"]);
    const ts = toTimestampNs(requireChild(t, "ts_recv", this.name));
    return ts[ts.length - 1]!;
  }

  /** Compressed bytes of the column chunks of `column` (all columns when omitted), summed over row groups. */
  compressedBytes(column?: string): number {
    let total = 0;
    for (const rg of this.pq.file.metadata().rowGroups()) {
      for (const c of rg.columns()) {
        if (column === undefined || c.columnPath().join(".") === column) total += c.compressedSize();
      }
    }
    return total;
  }

  /**
   * Per row group, the byte ranges of the engine columns' chunks, merged across gaps of at most `maxGap`
   * bytes (what a reader of `batches()` will read; [] per row group when the file's layout is not the usual
   * contiguous one, lib/parquet/chunkRanges.ts).
   */
  engineByteRanges(maxGap = 0): ByteRange[][] {
    const layout = chunkLayout(this.pq, this.source.size);
    const columns = engineColumns(this.readLevels);
    return this.rowGroupRows.map((_, rg) => coalesceRanges(rowGroupRanges(layout, rg, columns), maxGap));
  }

  /** Release the underlying source (file handle). */
  async close(): Promise<void> {
    await this.source.close?.();
  }

  /** The `msor.planted` (or any) key-value metadata entry parsed as JSON, if present. */
  metadataJson(key: string): unknown {
    const v = this.keyValue.get(key);
    return v === undefined ? undefined : JSON.parse(v);
  }

  /**
   * Raw projected row groups as arrow tables (inspection, checksums, benchmarks). On a source that can
   * prefetch (S3), the projected column chunks of row group k are announced before it is decoded and those
   * of k + 1 while k is being consumed, so the network overlaps the replay.
   */
  async *rowGroups(columns?: readonly string[]): AsyncGenerator<arrow.Table> {
    const announce = this.announcer(columns);
    for (let rg = 0; rg < this.rowGroupRows.length; rg++) {
      announce(rg);
      yield readRowGroup(this.source, this.pq, rg, columns);
    }
  }

  /**
   * On a source that can prefetch (S3): a function that announces the projected column chunks of row group
   * k and k + 1 before k is decoded, so the network overlaps the replay. Elsewhere it does nothing.
   */
  private announcer(columns?: readonly string[]): (rg: number) => void {
    const src = this.source;
    const layout = canPrefetch(src) ? chunkLayout(this.pq, src.size) : undefined;
    if (!layout || !canPrefetch(src)) return () => undefined;
    return (rg) => {
      src.prefetch(rowGroupRanges(layout, rg, columns));
      if (rg + 1 < this.rowGroupRows.length) src.prefetch(rowGroupRanges(layout, rg + 1, columns));
    };
  }

  /**
   * Engine batches (one per row group) with venues mapped through `venues`. With the option `decodeThread`,
   * a file of several row groups is decoded in the decode thread (lib/mbp10/decodeThread.ts), one row group
   * ahead of the consumer; the batches are the same either way.
   */
  async *batches(venues: VenueRegistry = new VenueRegistry()): AsyncGenerator<Mbp10Batch> {
    const threaded = this.options.decodeThread ?? decodeThreadByDefault();
    if (threaded && this.rowGroupRows.length > 1 && decodeThreadAvailable()) {
      for await (const raw of threadedRawBatches(
        this.source,
        this.readLevels,
        this.options.releaseBatches === true,
      ))
        yield withVenues(raw, venues, this.options.venueName);
      return;
    }
    // in this thread: a consumer that releases its batches gets each batch's slab back for the next one
    const pool = new SlabPool();
    const release = this.options.releaseBatches === true;
    for await (const raw of this.rawBatches(pool)) {
      yield withVenues(raw, venues, this.options.venueName);
      if (release) pool.give(slabOf(raw));
    }
  }

  /** Every column (for re-writing or exporting). */
  async *fullBatches(venues: VenueRegistry = new VenueRegistry()): AsyncGenerator<Mbp10FullBatch> {
    const cols = mbp10Columns(this.readLevels).filter((c) => this.columns.includes(c));
    for await (const t of this.rowGroups(cols)) {
      const b = this.toBatch(t, venues);
      const n = b.length;
      const opt = <T>(name: string, f: (v: arrow.Vector) => T, dflt: () => T): T => {
        const v = t.getChild(name);
        return v ? f(v as arrow.Vector) : dflt();
      };
      const sym = t.getChild("symbol");
      yield {
        ...b,
        tsEvent: opt("ts_event", toTimestampNs, () => b.tsRecv),
        rtype: opt(
          "rtype",
          (v) => toIntArray(v, Uint8Array),
          () => new Uint8Array(n).fill(10),
        ),
        publisherId: toIntArray(requireChild(t, "publisher_id", this.name), Uint16Array),
        instrumentId: opt(
          "instrument_id",
          (v) => toIntArray(v, Uint32Array),
          () => new Uint32Array(n),
        ),
        tsInDelta: opt(
          "ts_in_delta",
          (v) => toIntArray(v, Int32Array),
          () => new Int32Array(n),
        ),
        bidCt: this.levelArrays(t, "bid_ct", n),
        askCt: this.levelArrays(t, "ask_ct", n),
        symbol: sym && sym.length > 0 ? String(sym.get(0)) : "",
      };
    }
  }

  private levelArrays(t: arrow.Table, field: "bid_ct" | "ask_ct", n: number): Uint32Array[] {
    return Array.from({ length: this.readLevels }, (_, l) => {
      const v = t.getChild(levelColumn(field, l));
      return v ? toIntArray(v as arrow.Vector, Uint32Array) : new Uint32Array(n);
    });
  }

  /**
   * Engine batches without the venue mapping: publisher ids instead of dense venue indices. What the decode
   * thread (lib/mbp10/decodeThread.ts) produces; `withVenues` finishes them on the replaying thread.
   */
  async *rawBatches(pool = new SlabPool()): AsyncGenerator<RawEngineBatch> {
    const columns = engineColumns(this.readLevels);
    const announce = this.announcer(columns);
    for (let rg = 0; rg < this.rowGroupRows.length; rg++) {
      announce(rg);
      yield await viewRowGroup(this.source, this.pq, rg, columns, (t) =>
        packBatch(rawEngineBatch(t, this.readLevels, this.name), pool),
      );
    }
  }

  private toBatch(t: arrow.Table, venues: VenueRegistry): Mbp10Batch {
    return withVenues(rawEngineBatch(t, this.readLevels, this.name), venues, this.options.venueName);
  }
}

/** The engine columns of one decoded row group as typed arrays (zero-copy where the types match). */
export function rawEngineBatch(t: arrow.Table, levels: number, name: string): RawEngineBatch {
  const col = (c: string) => requireChild(t, c, name);
  const lv = (field: "bid_px" | "ask_px") =>
    Array.from({ length: levels }, (_, l) => toPriceUsd(col(levelColumn(field, l))));
  const lz = (field: "bid_sz" | "ask_sz") =>
    Array.from({ length: levels }, (_, l) => toIntArray(col(levelColumn(field, l)), Uint32Array));
  return {
    length: t.numRows,
    levels,
    tsRecv: toTimestampNs(col("ts_recv")),
    publisher: toIntArray(col("publisher_id"), Uint16Array),
    action: toCharCodes(col("action")),
    side: toCharCodes(col("side")),
    depth: toIntArray(col("depth"), Uint8Array),
    price: toPriceUsd(col("price")),
    size: toIntArray(col("size"), Uint32Array),
    flags: toIntArray(col("flags"), Uint8Array),
    sequence: toIntArray(col("sequence"), Uint32Array),
    bidPx: lv("bid_px"),
    askPx: lv("ask_px"),
    bidSz: lz("bid_sz"),
    askSz: lz("ask_sz"),
  };
}

/** Map a raw batch's publisher ids to dense venue indices through `venues` (in replay order). */
export function withVenues(raw: RawEngineBatch, venues: VenueRegistry, venueName?: string): Mbp10Batch {
  const venue = new Uint8Array(raw.length);
  venues.mapColumn(raw.publisher, venue, venueName);
  return engineBatch({ ...raw, venue });
}
