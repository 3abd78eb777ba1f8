/**
 * Byte ranges of the column chunks of one row group, for prefetching (lib/ports/prefetch.ts).
 *
 * parquet-wasm's metadata gives each column chunk's compressed size but not its offset (file_offset is 0 in
 * files written by parquet-rs), so the offsets are derived from the layout every mainstream writer uses
 * (parquet-rs, parquet-cpp / pyarrow, parquet-mr): "PAR1", then the row groups in order, each one's column
 * chunks contiguous in schema order, then indexes and the footer. The derived layout is checked against the
 * file size; when it does not fit, no ranges are returned and the reader falls back to plain reads. A wrong
 * range can only cost extra requests: reads outside announced ranges go to the source as before.
 */
import type { ByteRange } from "../ports/prefetch.ts";
import type { OpenedParquet } from "./read.ts";

export interface ChunkLayout {
  /** Per row group, per column (schema order): [offset, length] of the column chunk. */
  readonly chunks: readonly (readonly { name: string; offset: number; length: number }[])[];
}

/** Derive the chunk layout of `pq`, or undefined when the contiguous layout does not fit the file. */
export function chunkLayout(pq: OpenedParquet, fileSize: number): ChunkLayout | undefined {
  let offset = 4; // after the leading "PAR1"
  const chunks: { name: string; offset: number; length: number }[][] = [];
  for (const rg of pq.file.metadata().rowGroups()) {
    const cols: { name: string; offset: number; length: number }[] = [];
    for (const c of rg.columns()) {
      const length = c.compressedSize();
      if (!(length >= 0)) return undefined;
      cols.push({ name: c.columnPath().join("."), offset, length });
      offset += length;
    }
    chunks.push(cols);
  }
  // the footer (at least its 8-byte length + magic) must follow the data
  return offset + 8 <= fileSize ? { chunks } : undefined;
}

/** Ranges of the chunks of `columns` (all when omitted) in row group `rowGroup`; [] when unknown. */
export function rowGroupRanges(
  layout: ChunkLayout | undefined,
  rowGroup: number,
  columns?: readonly string[],
): ByteRange[] {
  const cols = layout?.chunks[rowGroup];
  if (!cols) return [];
  const want = columns ? new Set(columns) : undefined;
  return cols.filter((c) => !want || want.has(c.name)).map((c) => ({ offset: c.offset, length: c.length }));
}
