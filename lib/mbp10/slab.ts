/**
 * Engine batches packed into one buffer each ("slab"), recycled. A 2M-row day decodes ~550 MB of engine
 * columns; allocated fresh per row group, they cost the decoding thread a garbage collection every few row
 * groups (external memory pressure). Packed into one ArrayBuffer, a batch is one transfer to the replaying
 * thread and one buffer back to reuse (Mbp10OpenOptions.releaseBatches), so a replay allocates a few slabs in
 * all. The columns are copied straight from parquet-wasm's memory into the slab (lib/parquet/read.ts
 * viewRowGroup): one copy per column between the decoder and the engine.
 */
import type { RawEngineBatch } from "./schema.ts";

type Column = BigInt64Array | Float64Array | Uint32Array | Uint16Array | Uint8Array;

/** Free slabs by byte length (a file's row groups are all the same size but the last). */
export class SlabPool {
  private readonly free = new Map<number, ArrayBuffer[]>();
  private held = 0;

  /** `maxBytes`: slabs kept for reuse at most (more given back are left to the garbage collector). */
  constructor(private readonly maxBytes = 128 * 2 ** 20) {}

  take(bytes: number): ArrayBuffer {
    const b = this.free.get(bytes)?.pop();
    if (!b) return new ArrayBuffer(bytes);
    this.held -= bytes;
    return b;
  }

  give(b: ArrayBuffer): void {
    if (b.byteLength === 0 || this.held + b.byteLength > this.maxBytes) return; // detached, or over the cap
    const list = this.free.get(b.byteLength);
    if (list) list.push(b);
    else this.free.set(b.byteLength, [b]);
    this.held += b.byteLength;
  }

  /** Bytes of the slabs kept. */
  get heldBytes(): number {
    return this.held;
  }

  clear(): void {
    this.free.clear();
    this.held = 0;
  }
}

const align8 = (n: number) => (n + 7) & ~7;

/** `b` with `f` applied to each of its columns (one place that lists them). */
function mapColumns(b: RawEngineBatch, f: <T extends Column>(c: T) => T): RawEngineBatch {
  return {
    length: b.length,
    levels: b.levels,
    tsRecv: f(b.tsRecv),
    publisher: f(b.publisher),
    action: f(b.action),
    side: f(b.side),
    depth: f(b.depth),
    price: f(b.price),
    size: f(b.size),
    flags: f(b.flags),
    sequence: f(b.sequence),
    bidPx: b.bidPx.map(f),
    askPx: b.askPx.map(f),
    bidSz: b.bidSz.map(f),
    askSz: b.askSz.map(f),
  };
}

/**
 * A copy of `b` whose typed arrays all lie in one slab from `pool` (each 8-byte aligned). Call it while `b`'s
 * arrays are still valid (views of parquet-wasm's memory are, during viewRowGroup's callback).
 */
export function packBatch(b: RawEngineBatch, pool: SlabPool): RawEngineBatch {
  let bytes = 0;
  mapColumns(b, (c) => {
    bytes += align8(c.byteLength);
    return c;
  });
  const slab = pool.take(bytes);
  let at = 0;
  return mapColumns(b, (c) => {
    const out = new (c.constructor as new (buf: ArrayBuffer, off: number, len: number) => typeof c)(
      slab,
      at,
      c.length,
    );
    (out as unknown as { set(a: typeof c): void }).set(c);
    at += align8(c.byteLength);
    return out;
  });
}

/** The slab under a packed batch. */
export function slabOf(b: RawEngineBatch): ArrayBuffer {
  return b.tsRecv.buffer as ArrayBuffer;
}
