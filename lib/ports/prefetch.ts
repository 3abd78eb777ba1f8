/**
 * Coalesced, prefetched range reads for remote byte sources (S3): the Parquet reader knows the byte ranges
 * of the projected column chunks of a row group before it decodes it, and announces them with `prefetch`;
 * the source fetches them in as few requests as possible (adjacent or near ranges merged) and serves the
 * decoder's reads from those blocks. Announcing row group k+1 while k is replayed overlaps the network with
 * the replay. Reads outside any announced block fall through to the underlying source, so a wrong or
 * missing announcement costs requests, never correctness.
 */
import type { ByteSource } from "./byteSource.ts";

export interface ByteRange {
  readonly offset: number;
  readonly length: number;
}

export interface PrefetchingByteSource extends ByteSource {
  /** Start fetching these ranges (non-blocking); later reads inside them are served from memory. */
  prefetch(ranges: readonly ByteRange[]): void;
}

export function canPrefetch(src: ByteSource): src is PrefetchingByteSource {
  return typeof (src as Partial<PrefetchingByteSource>).prefetch === "function";
}

/**
 * Sort and merge ranges that overlap, touch, or are at most `maxGap` bytes apart (reading a small gap is
 * cheaper than another request). Zero-length ranges are dropped.
 */
export function coalesceRanges(ranges: readonly ByteRange[], maxGap = 0): ByteRange[] {
  const sorted = ranges.filter((r) => r.length > 0).sort((a, b) => a.offset - b.offset);
  const out: { offset: number; end: number }[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.offset <= last.end + maxGap) last.end = Math.max(last.end, r.offset + r.length);
    else out.push({ offset: r.offset, end: r.offset + r.length });
  }
  return out.map((r) => ({ offset: r.offset, length: r.end - r.offset }));
}

/**
 * Default gap (bytes) up to which announced ranges are merged into one request. Keep it >= 1 KiB: parquet-wasm
 * itself reads column chunks separated by a small gap as one range (measured: a 118 B gap merged, an 8,656 B
 * gap not), and a read that spans two blocks falls through to the source as an extra request.
 */
export const PREFETCH_GAP_BYTES = 64 * 1024;

export interface PrefetchOptions {
  /** Merge announced ranges at most this many bytes apart (default PREFETCH_GAP_BYTES, 64 KiB; keep >= 1 KiB). */
  maxGapBytes?: number;
  /** Keep the blocks of this many most recent announcements (default 2: the current and the next row group). */
  keepAnnouncements?: number;
}

interface Block {
  readonly offset: number;
  readonly length: number;
  readonly bytes: Promise<Uint8Array>;
  readonly generation: number;
}

/** Wrap `src` (whose read() is one request) with prefetch(): coalesced blocks, kept for recent announcements. */
export function prefetchingSource(src: ByteSource, options: PrefetchOptions = {}): PrefetchingByteSource {
  const maxGap = options.maxGapBytes ?? PREFETCH_GAP_BYTES;
  const keep = options.keepAnnouncements ?? 2;
  let blocks: Block[] = [];
  let generation = 0;
  const covering = (offset: number, length: number) =>
    blocks.find((b) => b.offset <= offset && offset + length <= b.offset + b.length);
  return {
    name: src.name,
    size: src.size,
    prefetch(ranges) {
      const missing = ranges.filter(
        (r) =>
          r.length > 0 && r.offset >= 0 && r.offset + r.length <= src.size && !covering(r.offset, r.length),
      );
      if (missing.length === 0) return;
      generation++;
      blocks = blocks.filter((b) => b.generation > generation - keep);
      for (const r of coalesceRanges(missing, maxGap)) {
        const bytes = src.read(r.offset, r.length);
        bytes.catch(() => undefined); // reported to the reader that asks for these bytes, not as unhandled
        blocks.push({ ...r, bytes, generation });
      }
    },
    async read(offset, length) {
      const b = covering(offset, length);
      if (!b) return src.read(offset, length);
      const bytes = await b.bytes;
      return bytes.subarray(offset - b.offset, offset - b.offset + length);
    },
    close: async () => {
      blocks = [];
      await src.close?.();
    },
  };
}
