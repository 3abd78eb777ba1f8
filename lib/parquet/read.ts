/**
 * Generic Parquet reading over a ByteSource (parquet-wasm + apache-arrow): open a file (magic bytes and
 * footer checked first so that "not Parquet" and "truncated" say so) and read one row group at a time.
 */
import * as arrow from "apache-arrow";
import { parseRecordBatch } from "arrow-js-ffi";
import * as pw from "parquet-wasm/esm";
import { DataFormatError, errorMessage, RetryableError } from "../core/errors.ts";
import { type ByteSource, ownsBuffer } from "../ports/byteSource.ts";
import { guarded, parquetWasm } from "./wasm.ts";

/** A Blob look-alike over a ByteSource: parquet-wasm only calls size, slice() and arrayBuffer(). */
function blobOf(src: ByteSource, start = 0, end = src.size): Blob {
  const view = {
    size: end - start,
    type: "",
    slice(s = 0, e = end - start) {
      return blobOf(src, start + s, start + Math.min(e, end - start));
    },
    async arrayBuffer() {
      const bytes = await src.read(start, end - start);
      // a read that owns its whole buffer (a file read) is handed over as is; a view is copied out
      if (ownsBuffer(bytes)) return bytes.buffer;
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
  };
  return view as unknown as Blob;
}

export interface OpenedParquet {
  readonly file: pw.ParquetFile;
  readonly schema: arrow.Schema;
  readonly rowGroupRows: readonly number[];
  readonly numRows: number;
  readonly keyValue: ReadonlyMap<string, string>;
}

const MAGIC = [0x50, 0x41, 0x52, 0x31]; // "PAR1"

/** Open a Parquet source: checks the magic bytes first so that "not Parquet" and "truncated" say so. */
export async function openParquet(src: ByteSource): Promise<OpenedParquet> {
  parquetWasm();
  if (src.size < 12) {
    throw new DataFormatError(
      `${src.name} is not a Parquet file: only ${src.size} bytes (empty or truncated)`,
    );
  }
  const head = await src.read(0, 4);
  const tail = await src.read(src.size - 4, 4);
  const isMagic = (b: Uint8Array) => MAGIC.every((m, i) => b[i] === m);
  if (!isMagic(head)) {
    throw new DataFormatError(
      `${src.name} is not a Parquet file (no PAR1 magic at the start); for DBN or CSV input use \`msor import\``,
    );
  }
  if (!isMagic(tail)) {
    throw new DataFormatError(
      `${src.name} is truncated: Parquet footer missing (no PAR1 magic at the end); re-download or re-write it`,
    );
  }
  let file: pw.ParquetFile;
  try {
    file = await guarded(() => pw.ParquetFile.fromFile(blobOf(src)));
  } catch (e) {
    if (e instanceof RetryableError) throw e;
    throw new DataFormatError(`${src.name} has a corrupt Parquet footer: ${errorMessage(e)}`, { cause: e });
  }
  const md = file.metadata();
  const rowGroupRows = md.rowGroups().map((rg) => rg.numRows());
  const schema = arrow.tableFromIPC(file.schema().intoIPCStream()).schema;
  const kv = md.fileMetadata().keyValueMetadata();
  return {
    file,
    schema,
    rowGroupRows,
    numRows: rowGroupRows.reduce((a, b) => a + b, 0),
    keyValue: new Map([...kv].filter(([k]) => k !== "ARROW:schema")),
  };
}

/**
 * Read one row group, projecting `columns` (file order is kept by parquet-wasm). Returns an arrow Table
 * with one chunk per column, copied out of parquet-wasm's memory through the Arrow C data interface
 * (arrow-js-ffi): one copy per buffer, where an Arrow IPC export serialises the columns inside wasm memory
 * and copies them twice. Measured on a 2M-row MBP-10 day (49 engine columns): decode ~10% faster, and
 * parquet-wasm's memory (which grows to its largest read and never shrinks) holds each column once, so a
 * row group is read at once (reads split into <= 16 columns, needed with IPC to keep the worker's peak RSS
 * down, now save ~35 MB for ~10% more time).
 */
export function readRowGroup(
  src: ByteSource,
  pq: OpenedParquet,
  rowGroup: number,
  columns?: readonly string[],
): Promise<arrow.Table> {
  return withRowGroup(src, pq, rowGroup, columns, true, (t) => t);
}

/**
 * Read one row group like readRowGroup, but hand `use` a table whose buffers are VIEWS of parquet-wasm's
 * memory (nothing copied): valid only during the call, which must be synchronous and must not call
 * parquet-wasm (its memory may grow, detaching the views). The row group's memory is freed when `use`
 * returns or throws. For a reader that copies what it keeps into buffers of its own (lib/mbp10/slab.ts).
 */
export function viewRowGroup<R>(
  src: ByteSource,
  pq: OpenedParquet,
  rowGroup: number,
  columns: readonly string[] | undefined,
  use: (t: arrow.Table) => R,
): Promise<R> {
  return withRowGroup(src, pq, rowGroup, columns, false, use);
}

async function withRowGroup<R>(
  src: ByteSource,
  pq: OpenedParquet,
  rowGroup: number,
  columns: readonly string[] | undefined,
  copy: boolean,
  use: (t: arrow.Table) => R,
): Promise<R> {
  const rows = pq.rowGroupRows[rowGroup] ?? 0;
  let decoded: pw.Table;
  try {
    decoded = await guarded(() =>
      pq.file.read({
        rowGroups: [rowGroup],
        batchSize: Math.max(1, rows),
        ...(columns ? { columns: [...columns] } : {}),
      }),
    );
  } catch (e) {
    if (e instanceof RetryableError) throw e;
    const why =
      e instanceof WebAssembly.RuntimeError
        ? `parquet-wasm stopped (${e.message}); the file is probably corrupt, re-download or re-write it`
        : errorMessage(e);
    throw new DataFormatError(`${src.name}: cannot decode row group ${rowGroup}: ${why}`, { cause: e });
  }
  const exported = decoded.intoFFI();
  try {
    const memory = parquetWasm().wasmMemory().buffer;
    const batches: arrow.RecordBatch[] = [];
    for (let i = 0; i < exported.numArrays(); i++) {
      const array = exported.arrayAddr(i);
      requireZeroOffsets(new DataView(memory), array, src.name);
      batches.push(parseRecordBatch(memory, array, exported.schemaAddr(), copy));
    }
    return use(new arrow.Table(batches));
  } finally {
    exported.free();
  }
}

/**
 * arrow-js-ffi (0.4) reads an exported array's buffers from their start, ignoring the C data interface's
 * `offset` of a sliced array: such an array would be read as other rows. parquet-wasm (0.8) exports the arrays
 * of a decoded row group unsliced (offset 0, checked here for the batch, its columns and their dictionaries),
 * so a future version that slices fails loudly instead of misreading. ArrowArray (wasm32): int64 length,
 * null_count, offset, n_buffers, n_children, then pointers buffers, children, dictionary.
 */
export function requireZeroOffsets(view: DataView, array: number, name: string): void {
  const offset = view.getBigInt64(array + 16, true);
  if (offset !== 0n) {
    throw new Error(
      `${name}: parquet-wasm exported a sliced Arrow array (offset ${offset}), which this reader cannot read; ` +
        "pin parquet-wasm to the version in package-lock.json",
    );
  }
  const children = Number(view.getBigInt64(array + 32, true));
  const childPointers = view.getUint32(array + 44, true);
  for (let c = 0; c < children; c++)
    requireZeroOffsets(view, view.getUint32(childPointers + 4 * c, true), name);
  const dictionary = view.getUint32(array + 48, true);
  if (dictionary !== 0) requireZeroOffsets(view, dictionary, name);
}
