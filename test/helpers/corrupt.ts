/** Byte sources that misbehave the way real inputs do (tests of error paths). */
import type { ByteSource } from "../../lib/ports/byteSource.ts";

/**
 * `src` with its pages garbled: every read that lies wholly between the first KB and the last 100 KB (where a
 * Parquet file keeps its column chunks, not its footer) comes back as 0xAB bytes. The file still opens;
 * decoding a row group fails, or traps parquet-wasm.
 */
export function garbledPages(src: ByteSource): ByteSource {
  return {
    name: src.name,
    size: src.size,
    async read(offset, length) {
      const b = await src.read(offset, length);
      if (offset > 1000 && offset + length < src.size - 100_000) return new Uint8Array(b.length).fill(0xab);
      return b;
    },
    close: () => src.close?.() ?? Promise.resolve(),
  };
}
