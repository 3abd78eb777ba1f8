/**
 * One replay stream of a symbol-day: one or several MBP-10 files (one per venue, or one multi-publisher file)
 * merged by ts_recv (ties keep input order, then file order), venues mapped to dense indices, data quality
 * counted on the way. This is what the task runner and the CLI consume.
 */
import { InputError } from "../core/errors.ts";
import type { ByteSource } from "../ports/byteSource.ts";
import { QualityCounters } from "./quality.ts";
import { Mbp10File, type Mbp10OpenOptions } from "./reader.ts";
import { engineBatch, type Mbp10Batch } from "./schema.ts";
import { VenueRegistry } from "./venues.ts";

export interface StreamInput extends Mbp10OpenOptions {
  readonly source: ByteSource;
}

interface Builder {
  n: number;
  readonly b: {
    tsRecv: BigInt64Array;
    venue: Uint8Array;
    action: Uint8Array;
    side: Uint8Array;
    depth: Uint8Array;
    price: Float64Array;
    size: Uint32Array;
    flags: Uint8Array;
    sequence: Uint32Array;
    bidPx: Float64Array[];
    askPx: Float64Array[];
    bidSz: Uint32Array[];
    askSz: Uint32Array[];
  };
}

function newBuilder(cap: number, levels: number): Builder {
  const px = () => Array.from({ length: levels }, () => new Float64Array(cap).fill(Number.NaN));
  const sz = () => Array.from({ length: levels }, () => new Uint32Array(cap));
  return {
    n: 0,
    b: {
      tsRecv: new BigInt64Array(cap),
      venue: new Uint8Array(cap),
      action: new Uint8Array(cap),
      side: new Uint8Array(cap),
      depth: new Uint8Array(cap),
      price: new Float64Array(cap),
      size: new Uint32Array(cap),
      flags: new Uint8Array(cap),
      sequence: new Uint32Array(cap),
      bidPx: px(),
      askPx: px(),
      bidSz: sz(),
      askSz: sz(),
    },
  };
}

function copyRows(dst: Builder, src: Mbp10Batch, from: number, to: number): void {
  const at = dst.n;
  const d = dst.b;
  d.tsRecv.set(src.tsRecv.subarray(from, to), at);
  d.venue.set(src.venue.subarray(from, to), at);
  d.action.set(src.action.subarray(from, to), at);
  d.side.set(src.side.subarray(from, to), at);
  d.depth.set(src.depth.subarray(from, to), at);
  d.price.set(src.price.subarray(from, to), at);
  d.size.set(src.size.subarray(from, to), at);
  d.flags.set(src.flags.subarray(from, to), at);
  d.sequence.set(src.sequence.subarray(from, to), at);
  for (let l = 0; l < src.levels && l < d.bidPx.length; l++) {
    d.bidPx[l]!.set(src.bidPx[l]!.subarray(from, to), at);
    d.askPx[l]!.set(src.askPx[l]!.subarray(from, to), at);
    d.bidSz[l]!.set(src.bidSz[l]!.subarray(from, to), at);
    d.askSz[l]!.set(src.askSz[l]!.subarray(from, to), at);
  }
  dst.n += to - from;
}

function view(bl: Builder, levels: number): Mbp10Batch {
  const n = bl.n;
  const s = bl.b;
  return engineBatch({
    length: n,
    levels,
    tsRecv: s.tsRecv.subarray(0, n),
    venue: s.venue.subarray(0, n),
    action: s.action.subarray(0, n),
    side: s.side.subarray(0, n),
    depth: s.depth.subarray(0, n),
    price: s.price.subarray(0, n),
    size: s.size.subarray(0, n),
    flags: s.flags.subarray(0, n),
    sequence: s.sequence.subarray(0, n),
    bidPx: s.bidPx.map((a) => a.subarray(0, n)),
    askPx: s.askPx.map((a) => a.subarray(0, n)),
    bidSz: s.bidSz.map((a) => a.subarray(0, n)),
    askSz: s.askSz.map((a) => a.subarray(0, n)),
  });
}

interface Cursor {
  readonly it: AsyncIterator<Mbp10Batch>;
  batch: Mbp10Batch | undefined;
  pos: number;
}

/**
 * k-way merge of batch streams by ts_recv; stable (ties go to the earlier input). Output batches of at most
 * `chunk` rows with `levels` levels (inputs with fewer levels leave the rest undefined).
 */
export async function* mergeByTsRecv(
  inputs: readonly AsyncIterable<Mbp10Batch>[],
  levels: number,
  chunk = 65_536,
): AsyncGenerator<Mbp10Batch> {
  const cursors: Cursor[] = inputs.map((s) => ({ it: s[Symbol.asyncIterator](), batch: undefined, pos: 0 }));
  try {
    yield* mergeCursors(cursors, levels, chunk);
  } finally {
    // a stop before the end (the consumer returned or threw, an input failed) ends every input too, so that
    // their own clean-up runs (e.g. a decode thread's session is closed)
    await Promise.allSettled(cursors.map((c) => c.it.return?.(undefined)));
  }
}

async function* mergeCursors(cursors: Cursor[], levels: number, chunk: number): AsyncGenerator<Mbp10Batch> {
  const advance = async (c: Cursor) => {
    while (c.batch === undefined || c.pos >= c.batch.length) {
      const r = await c.it.next();
      if (r.done) {
        c.batch = undefined;
        return;
      }
      c.batch = r.value;
      c.pos = 0;
    }
  };
  for (const c of cursors) await advance(c);
  let out = newBuilder(chunk, levels);
  for (;;) {
    let ci = -1;
    let minTs = 0n;
    for (let k = 0; k < cursors.length; k++) {
      const c = cursors[k]!;
      if (!c.batch) continue;
      const t = c.batch.tsRecv[c.pos]!;
      if (ci < 0 || t < minTs) {
        ci = k;
        minTs = t;
      }
    }
    if (ci < 0) break;
    // the limit: the smallest head among the other inputs (ties go to the lower input index)
    let lim = 0n;
    let limIdx = -1;
    for (let k = 0; k < cursors.length; k++) {
      const c = cursors[k]!;
      if (k === ci || !c.batch) continue;
      const t = c.batch.tsRecv[c.pos]!;
      if (limIdx < 0 || t < lim) {
        lim = t;
        limIdx = k;
      }
    }
    const c = cursors[ci]!;
    const b = c.batch!;
    let end = c.pos + 1;
    const maxEnd = Math.min(b.length, c.pos + (chunk - out.n));
    while (end < maxEnd) {
      const t = b.tsRecv[end]!;
      if (limIdx >= 0 && (t > lim || (t === lim && ci > limIdx))) break;
      end++;
    }
    copyRows(out, b, c.pos, end);
    c.pos = end;
    if (out.n === chunk) {
      yield view(out, levels);
      out = newBuilder(chunk, levels);
    }
    if (c.pos >= b.length) await advance(c);
  }
  if (out.n > 0) yield view(out, levels);
}

/** The kind of a symbol-day's input files: MBP-10 (one per venue, or one multi-publisher file) or one MBO file. */
export type InputFormat = "mbp10" | "mbo";

/**
 * What a replay reads: engine batches in replay order, with the venues met, the data-quality counters and the
 * level count. Implemented by Mbp10Stream (MBP-10 files) and by the MBP-10 derived from an MBO file
 * (lib/importers/mbo/replayStream.ts).
 */
export interface ReplayStream {
  readonly venues: VenueRegistry;
  readonly quality: QualityCounters;
  readonly levels: number;
  /** Rows in all (for progress; an MBO input counts its MBO records). */
  readonly numRows: number;
  batches(): AsyncGenerator<Mbp10Batch>;
  close(): Promise<void>;
}

export class Mbp10Stream implements ReplayStream {
  readonly venues = new VenueRegistry();
  readonly quality = new QualityCounters();
  readonly levels: number;
  readonly numRows: number;

  private constructor(readonly files: readonly Mbp10File[]) {
    this.levels = Math.max(...files.map((f) => f.readLevels));
    this.numRows = files.reduce((a, f) => a + f.numRows, 0);
  }

  /** Open and validate every input up front (fail before replaying anything). */
  static async open(inputs: readonly (ByteSource | StreamInput)[]): Promise<Mbp10Stream> {
    const files: Mbp10File[] = [];
    const names = inputs.map((inp) => ("source" in inp ? inp.source : inp).name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    const sourceOf = (inp: ByteSource | StreamInput) => ("source" in inp ? inp.source : inp);
    if (dup !== undefined) {
      await Promise.all(inputs.map((inp) => sourceOf(inp).close?.()));
      throw new InputError(`${dup} is given twice: each venue file of a symbol-day must appear once`);
    }
    let tried = 0;
    try {
      for (const inp of inputs) {
        const si: StreamInput = "source" in inp ? inp : { source: inp };
        tried++;
        files.push(await Mbp10File.open(si.source, si)); // closes its source when it fails
      }
    } catch (e) {
      // the stream owns its inputs: close the opened files and the sources not reached
      await Promise.all([
        ...files.map((f) => f.close()),
        ...inputs.slice(tried).map((inp) => sourceOf(inp).close?.()),
      ]);
      throw e;
    }
    return new Mbp10Stream(files);
  }

  /** Engine batches in replay order (ts_recv, then file order). Quality is counted as they pass. */
  async *batches(): AsyncGenerator<Mbp10Batch> {
    const src =
      this.files.length === 1
        ? this.files[0]!.batches(this.venues)
        : mergeByTsRecv(
            this.files.map((f) => f.batches(this.venues)),
            this.levels,
          );
    for await (const b of src) {
      this.quality.observe(b);
      yield b;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.files.map((f) => f.close()));
  }
}
