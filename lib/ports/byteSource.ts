/**
 * The byte contract every reader sits on (STYLE habit 1: a pure core behind "read bytes at offset"): a
 * ByteSource, a buffer adapter and a counting wrapper. Adapters for files and object stores live beside
 * their stores (lib/ports/fileSource.ts, the ObjectStore's byteSource()).
 */

/** Random-access bytes: a local file, an S3 object (ranged GETs), a buffer. */
export interface ByteSource {
  /** For messages: a path or s3:// URL. */
  readonly name: string;
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
  close?(): Promise<void>;
  /**
   * true when every read() returns a new buffer of its own that the source keeps no reference to (a file
   * read): a reader may then transfer it to another thread without a copy. Absent: reads may be views of
   * memory the source keeps (a buffer, a prefetched block).
   */
  readonly freshReads?: boolean;
}

/**
 * Whether `b` views the whole of an ArrayBuffer of its own (not part of a larger block, not shared memory):
 * such bytes can be handed over as their ArrayBuffer, or transferred, without a copy.
 */
export function ownsBuffer(b: Uint8Array): b is Uint8Array<ArrayBuffer> {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer;
}

/** Counters of what a source was asked for (tests keep range reads honest with these). */
export interface ReadStats {
  reads: number;
  bytes: number;
}

export function bufferSource(name: string, bytes: Uint8Array): ByteSource {
  return {
    name,
    size: bytes.byteLength,
    read: async (offset, length) => bytes.subarray(offset, offset + length),
  };
}

/** Wrap a source so that every read is counted in `stats`. */
export function countingSource(src: ByteSource, stats: ReadStats): ByteSource {
  return {
    name: src.name,
    size: src.size,
    async read(offset, length) {
      stats.reads++;
      stats.bytes += length;
      return src.read(offset, length);
    },
    close: src.close?.bind(src),
  };
}
