/**
 * Streaming DBN decoder: metadata first, then fixed-size records read chunk by chunk from the (possibly
 * zstd-compressed) file. MBP-10 (or MBO) records land in columnar batches; other record types are counted and
 * skipped.
 */
import { DataFormatError } from "../../core/errors.ts";
import { type MboBatch, MboSink, RTYPE_MBO } from "../../mbo/schema.ts";
import { MAX_LEVELS, type Mbp10FullBatch } from "../../mbp10/schema.ts";
import { concatBytes, readBytes } from "../input.ts";
import { RecordSink } from "../sink.ts";
import { decodeMboRecord, MBO_RECORD_BYTES } from "./mbo.ts";
import {
  decodeMbp10Record,
  LENGTH_MULTIPLIER,
  MBP10_RECORD_BYTES,
  RECORD_HEADER_BYTES,
  RTYPE_MBP10,
} from "./mbp10.ts";
import { DBN_PREFIX_BYTES, type DbnMetadata, parseDbnMetadata, parseDbnPrefix } from "./metadata.ts";

/** What `DbnReader.batches()` read, complete when the generator is done. */
export interface DbnRecordCounts {
  /** Records read (all types). */
  records: number;
  /** MBP-10 records decoded. */
  mbp10: number;
  /** MBO records decoded. */
  mbo: number;
  /** Records skipped because they are not MBP-10, by rtype ("0x01": n). */
  otherRtypes: Record<string, number>;
  /** MBP-10 records skipped because their instrument is not the selected symbol's. */
  otherInstruments: number;
}

export interface DbnBatchOptions {
  /** Keep only records of these instrument ids (all when undefined). */
  instrumentIds?: ReadonlySet<number>;
  /** Rows per batch (default 65,536). */
  capacity?: number;
}

/** A DBN file opened for reading: metadata parsed, records streamed by `batches()`. */
export class DbnReader {
  readonly counts: DbnRecordCounts = { records: 0, mbp10: 0, mbo: 0, otherRtypes: {}, otherInstruments: 0 };

  private constructor(
    readonly name: string,
    readonly metadata: DbnMetadata,
    private readonly chunks: AsyncGenerator<Uint8Array>,
    private leftover: Uint8Array,
    private offset: number,
  ) {}

  /** Open `path` (.dbn or .dbn.zst, detected by content) and parse its metadata. */
  static async open(path: string): Promise<DbnReader> {
    const chunks = readBytes(path);
    let buf: Uint8Array = new Uint8Array(0);
    const fill = async (n: number): Promise<boolean> => {
      while (buf.length < n) {
        const r = await chunks.next();
        if (r.done) return false;
        buf = buf.length === 0 ? r.value : concatBytes(buf, r.value);
      }
      return true;
    };
    try {
      await fill(DBN_PREFIX_BYTES);
      const { version, length } = parseDbnPrefix(buf, path);
      const end = DBN_PREFIX_BYTES + length;
      if (!(await fill(end))) {
        throw new DataFormatError(
          `${path} is truncated: its DBN metadata declares ${length} bytes but the file ends after ` +
            `${buf.length - DBN_PREFIX_BYTES}; re-download the file`,
        );
      }
      const metadata = parseDbnMetadata(buf.subarray(DBN_PREFIX_BYTES, end), version, path);
      return new DbnReader(path, metadata, chunks, buf.subarray(end), end);
    } catch (e) {
      await chunks.return(undefined);
      throw e;
    }
  }

  /** Stop reading (closes the file). */
  async close(): Promise<void> {
    await this.chunks.return(undefined);
  }

  /**
   * The file's MBP-10 records as 10-level batches labelled `symbol`, in file order. Reads the file once;
   * `counts` is complete when the generator is done.
   */
  async *batches(symbol: string, options: DbnBatchOptions = {}): AsyncGenerator<Mbp10FullBatch> {
    const sink = new RecordSink(MAX_LEVELS, symbol, options.capacity ? { capacity: options.capacity } : {});
    const ids = options.instrumentIds;
    const counts = this.counts;
    for await (const { buf, view, end } of this.recordBuffers()) {
      for (let pos = 0; pos < end; pos += buf[pos]! * LENGTH_MULTIPLIER) {
        const length = buf[pos]! * LENGTH_MULTIPLIER;
        const rtype = buf[pos + 1]!;
        counts.records++;
        if (rtype !== RTYPE_MBP10) {
          this.countOther(rtype);
        } else if (length < MBP10_RECORD_BYTES) {
          throw this.corrupt(pos, `is an MBP-10 record of ${length} bytes (expected ${MBP10_RECORD_BYTES})`);
        } else if (ids && !ids.has(view.getUint32(pos + 4, true))) {
          counts.otherInstruments++;
        } else {
          counts.mbp10++;
          const done = sink.start(view.getBigInt64(pos + 32, true));
          if (done) yield done;
          decodeMbp10Record(view, pos, sink.batch, sink.row);
        }
      }
    }
    const last = sink.finish();
    if (last) yield last;
  }

  /**
   * The file's MBO records (rtype 0xA0) as batches labelled `symbol`, in file order; other record types are
   * counted and skipped. Streams: memory is bounded by the batch capacity whatever the file size.
   */
  async *mboBatches(symbol: string, options: DbnBatchOptions = {}): AsyncGenerator<MboBatch> {
    const sink = new MboSink(symbol, options.capacity);
    const ids = options.instrumentIds;
    const counts = this.counts;
    for await (const { buf, view, end } of this.recordBuffers()) {
      for (let pos = 0; pos < end; pos += buf[pos]! * LENGTH_MULTIPLIER) {
        const length = buf[pos]! * LENGTH_MULTIPLIER;
        const rtype = buf[pos + 1]!;
        counts.records++;
        if (rtype !== RTYPE_MBO) {
          this.countOther(rtype);
        } else if (length < MBO_RECORD_BYTES) {
          throw this.corrupt(pos, `is an MBO record of ${length} bytes (expected ${MBO_RECORD_BYTES})`);
        } else if (ids && !ids.has(view.getUint32(pos + 4, true))) {
          counts.otherInstruments++;
        } else {
          counts.mbo++;
          const done = sink.start();
          if (done) yield done;
          decodeMboRecord(view, pos, sink.batch, sink.row);
        }
      }
    }
    const last = sink.finish();
    if (last) yield last;
  }

  /**
   * The decoded stream cut at record boundaries: each buffer holds whole records in [0, end) (their lengths
   * checked); `counts.records` and the byte offset advance as buffers are handed out.
   */
  private async *recordBuffers(): AsyncGenerator<{ buf: Uint8Array; view: DataView; end: number }> {
    const counts = this.counts;
    let buf = this.leftover;
    for (;;) {
      let pos = 0;
      let k = 0; // records of this buffer (the consumer counts them in counts.records)
      while (pos < buf.length) {
        const length = buf[pos]! * LENGTH_MULTIPLIER;
        if (length < RECORD_HEADER_BYTES) throw this.corrupt(pos, `declares a length of ${length} bytes`, k);
        if (pos + length > buf.length) break;
        k++;
        pos += length;
      }
      if (pos > 0) yield { buf, view: new DataView(buf.buffer, buf.byteOffset, buf.byteLength), end: pos };
      const rest = buf.subarray(pos);
      this.offset += pos;
      const next = await this.chunks.next();
      if (next.done) {
        if (rest.length > 0) {
          throw new DataFormatError(
            `${this.name} is truncated: record ${counts.records + 1} at decoded byte ${this.offset} has ` +
              `${rest.length} of its ${rest[0]! * LENGTH_MULTIPLIER} bytes (${counts.records} complete records ` +
              "before it); re-download the file",
          );
        }
        break;
      }
      buf = rest.length > 0 ? concatBytes(rest, next.value) : next.value;
    }
  }

  private countOther(rtype: number): void {
    const key = `0x${rtype.toString(16).padStart(2, "0")}`;
    this.counts.otherRtypes[key] = (this.counts.otherRtypes[key] ?? 0) + 1;
  }

  /** `before`: records of the current buffer not yet counted in counts.records. */
  private corrupt(pos: number, what: string, before = 0): DataFormatError {
    return new DataFormatError(
      `${this.name} is corrupt: record ${this.counts.records + before + 1} at decoded byte ${this.offset + pos} ${what}; ` +
        "re-download the file",
    );
  }
}
