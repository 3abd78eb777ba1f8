/**
 * The replay of an MBO file (docs/models.md 6.7): the MBP-10 derived from its records (deriveMbp10.ts, the same
 * rows `msor import dbn --mbp10-out` writes) as engine batches, so every L2 queue model replays the books the
 * MBO records make, and with each batch the MBO records behind its rows (MboFeed.events) for the order-level
 * queue model (lib/sim/l3Queue.ts, `sim.queue_model: l3_fifo`). Streamed: memory is bounded by one batch of
 * each and the live order book, whatever the file's size.
 */
import { DataFormatError } from "../../core/errors.ts";
import { readMboBatches } from "../../mbo/reader.ts";
import { MBO_COLUMNS, type MboBatch, type MboEvents, type MboFeed } from "../../mbo/schema.ts";
import { QualityCounters } from "../../mbp10/quality.ts";
import { engineBatch, MAX_LEVELS, type Mbp10Batch, type Mbp10FullBatch } from "../../mbp10/schema.ts";
import type { ReplayStream } from "../../mbp10/stream.ts";
import { VenueRegistry } from "../../mbp10/venues.ts";
import { openParquet } from "../../parquet/read.ts";
import type { ByteSource } from "../../ports/byteSource.ts";
import { Mbp10Deriver } from "./deriveMbp10.ts";

/** Columns that tell an MBO Parquet file from an MBP-10 one. */
const MBO_MARKERS = ["order_id", "action", "ts_recv"] as const;

/** The Parquet file of `src` is MBO (has order_id and no book levels). Leaves `src` open. */
export async function isMboParquet(src: ByteSource): Promise<boolean> {
  const pq = await openParquet(src);
  const names = new Set(pq.schema.fields.map((f) => f.name));
  return MBO_MARKERS.every((c) => names.has(c)) && !names.has("bid_px_00");
}

/** MBO records of one MBP-10 batch, growing as they come. */
class EventBuilder {
  n = 0;
  private starts: number[] = [];
  action = new Uint8Array(1024);
  side = new Uint8Array(1024);
  price = new Float64Array(1024);
  size = new Uint32Array(1024);
  orderId = new BigUint64Array(1024);

  /** The next record added starts a new row. */
  startRow(): void {
    this.starts.push(this.n);
  }

  add(m: MboBatch, r: number): void {
    if (this.n === this.action.length) this.grow(this.n * 2);
    const j = this.n++;
    this.action[j] = m.action[r]!;
    this.side[j] = m.side[r]!;
    this.price[j] = m.price[r]!;
    this.size[j] = m.size[r]!;
    this.orderId[j] = m.orderId[r]!;
  }

  build(rows: number): MboEvents {
    if (this.starts.length !== rows) {
      throw new DataFormatError(
        `MBO replay: ${this.starts.length} derived rows were counted for a batch of ${rows} (a bug in the deriver's bookkeeping)`,
      );
    }
    const rowEnd = new Int32Array(rows);
    for (let i = 0; i < rows; i++) rowEnd[i] = i + 1 < rows ? this.starts[i + 1]! : this.n;
    return {
      rows,
      rowEnd,
      action: this.action.subarray(0, this.n),
      side: this.side.subarray(0, this.n),
      price: this.price.subarray(0, this.n),
      size: this.size.subarray(0, this.n),
      orderId: this.orderId.subarray(0, this.n),
    };
  }

  private grow(n: number): void {
    const a = new Uint8Array(n);
    a.set(this.action);
    this.action = a;
    const s = new Uint8Array(n);
    s.set(this.side);
    this.side = s;
    const p = new Float64Array(n);
    p.set(this.price);
    this.price = p;
    const z = new Uint32Array(n);
    z.set(this.size);
    this.size = z;
    const o = new BigUint64Array(n);
    o.set(this.orderId);
    this.orderId = o;
  }
}

export class MboReplayStream implements ReplayStream, MboFeed {
  readonly venues = new VenueRegistry();
  readonly quality = new QualityCounters();
  readonly levels = MAX_LEVELS;
  /** The MBO records behind the batch yielded last (undefined before the first). */
  events: MboEvents | undefined;

  private constructor(
    private readonly read: () => AsyncIterable<MboBatch>,
    readonly numRows: number,
    private readonly symbol: string,
    private readonly capacity: number | undefined,
    private readonly source?: ByteSource,
  ) {}

  /** The MBO Parquet file of `source` (the stream owns it: close() closes it, as does a failed open). */
  static async open(source: ByteSource, symbol = ""): Promise<MboReplayStream> {
    try {
      const pq = await openParquet(source);
      const names = new Set(pq.schema.fields.map((f) => f.name));
      const missing = MBO_COLUMNS.filter((c) => c !== "symbol" && c !== "rtype" && !names.has(c));
      if (missing.length > 0) {
        throw new DataFormatError(
          `${source.name} lacks MBO column(s) ${missing.join(", ")}; import Databento MBO with ` +
            "`msor import dbn FILE.mbo.dbn.zst --out FILE.mbo.parquet`",
        );
      }
      return new MboReplayStream(() => readMboBatches(source, symbol), pq.numRows, symbol, undefined, source);
    } catch (e) {
      await source.close?.();
      throw e;
    }
  }

  /** MBO records from `read` (tests, synthetic MBO); `capacity` = rows per derived batch. */
  static fromBatches(
    read: () => AsyncIterable<MboBatch>,
    numRows: number,
    options: { symbol?: string; capacity?: number } = {},
  ): MboReplayStream {
    return new MboReplayStream(read, numRows, options.symbol ?? "", options.capacity);
  }

  async *batches(): AsyncGenerator<Mbp10Batch> {
    const d = new Mbp10Deriver(this.symbol, this.capacity ? { capacity: this.capacity } : {});
    let ev = new EventBuilder();
    for await (const m of this.read()) {
      for (let r = 0; r < m.length; r++) {
        const done = d.push(m, r);
        if (done) {
          yield this.hand(done, ev);
          ev = new EventBuilder();
        }
        if (d.published) ev.startRow();
        ev.add(m, r);
      }
    }
    const last = d.finish();
    if (last) yield this.hand(last, ev);
  }

  private hand(full: Mbp10FullBatch, ev: EventBuilder): Mbp10Batch {
    this.venues.mapColumn(full.publisherId, full.venue);
    const b = engineBatch(full);
    this.events = ev.build(b.length);
    this.quality.observe(b);
    return b;
  }

  async close(): Promise<void> {
    await this.source?.close?.();
  }
}
