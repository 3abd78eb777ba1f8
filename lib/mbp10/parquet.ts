/**
 * parquet-wasm + apache-arrow plumbing: wasm initialisation, the byte-source interface the reader sits on
 * (STYLE habit 1: a pure core behind "read bytes at offset"), and a streaming writer.
 *
 * parquet-wasm's node build is CommonJS inside an ESM package, so we load its ESM build and initialise the
 * wasm module synchronously from the packaged .wasm file.
 */
import { existsSync, readFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import * as arrow from "apache-arrow";
import * as pw from "parquet-wasm/esm";
import { DataFormatError, errorMessage, NotFoundError } from "../core/errors.ts";

const WASM_FILE = "parquet_wasm_bg.wasm";

/** A bundle (the Lambda asset) ships the .wasm beside itself; from source it comes from node_modules. */
function wasmPath(): string {
  const beside = fileURLToPath(new URL(WASM_FILE, import.meta.url));
  if (existsSync(beside)) return beside;
  return createRequire(import.meta.url).resolve(`parquet-wasm/esm/${WASM_FILE}`);
}

let initialised = false;
/** parquet-wasm module, initialised on first use. */
export function parquetWasm(): typeof pw {
  if (!initialised) {
    pw.initSync({ module: readFileSync(wasmPath()) });
    initialised = true;
  }
  return pw;
}

/** Random-access bytes: a local file, an S3 object (ranged GETs), a buffer. */
export interface ByteSource {
  /** For messages: a path or s3:// URL. */
  readonly name: string;
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
  close?(): Promise<void>;
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

export async function fileSource(path: string): Promise<ByteSource> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, "r");
  } catch (e) {
    throw new NotFoundError(`cannot open ${path}: ${errorMessage(e)}; check the path`);
  }
  const { size } = await fh.stat();
  return {
    name: path,
    size,
    async read(offset, length) {
      const buf = new Uint8Array(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return got === length ? buf : buf.subarray(0, got);
    },
    close: () => fh.close(),
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
    file = await pw.ParquetFile.fromFile(blobOf(src));
  } catch (e) {
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
 * with one chunk per column. Per-batch IPC is used because the table-level IPC of a projected read is broken.
 */
export async function readRowGroup(
  src: ByteSource,
  pq: OpenedParquet,
  rowGroup: number,
  columns?: readonly string[],
): Promise<arrow.Table> {
  const rows = pq.rowGroupRows[rowGroup] ?? 0;
  let t: pw.Table;
  try {
    t = await pq.file.read({
      rowGroups: [rowGroup],
      batchSize: Math.max(1, rows),
      ...(columns ? { columns: [...columns] } : {}),
    });
  } catch (e) {
    throw new DataFormatError(`${src.name}: cannot decode row group ${rowGroup}: ${errorMessage(e)}`, {
      cause: e,
    });
  }
  const batches: arrow.RecordBatch[] = [];
  for (const rb of t.recordBatches()) batches.push(...arrow.tableFromIPC(rb.intoIPCStream()).batches);
  return new arrow.Table(batches);
}

export interface WriteOptions {
  /** Rows per row group (default 65,536, Databento's layout). */
  rowGroupSize?: number;
  compression?: "snappy" | "zstd";
  keyValue?: ReadonlyMap<string, string>;
  /**
   * When given, dictionary encoding only for these columns (parquet-wasm's default dictionary-encodes every
   * column, which costs ~10x the write time on wide numeric tables such as MBP-10).
   */
  dictionaryColumns?: readonly string[];
  /** When given, min/max statistics only for these columns (e.g. the timestamps used for pruning). */
  statisticsColumns?: readonly string[];
}

/**
 * Stream arrow record batches into Parquet bytes, one row group at a time. `sink` receives the bytes in
 * order (a file write stream, an S3 multipart upload, a buffer).
 */
export async function writeParquetStream(
  batches: AsyncIterable<arrow.Table> | Iterable<arrow.Table>,
  sink: (chunk: Uint8Array) => void | Promise<void>,
  options: WriteOptions = {},
): Promise<void> {
  const p = parquetWasm();
  let builder = new p.WriterPropertiesBuilder()
    .setCompression(options.compression === "zstd" ? p.Compression.ZSTD : p.Compression.SNAPPY)
    .setMaxRowGroupSize(options.rowGroupSize ?? 65_536);
  if (options.keyValue) builder = builder.setKeyValueMetadata(new Map(options.keyValue));
  if (options.dictionaryColumns) {
    builder = builder.setDictionaryEnabled(false);
    for (const c of options.dictionaryColumns) builder = builder.setColumnDictionaryEnabled(c, true);
  }
  if (options.statisticsColumns) {
    builder = builder.setStatisticsEnabled(p.EnabledStatistics.None);
    for (const c of options.statisticsColumns)
      builder = builder.setColumnStatisticsEnabled(c, p.EnabledStatistics.Chunk);
  }
  const props = builder.build();
  const it = (
    Symbol.asyncIterator in batches ? batches[Symbol.asyncIterator]() : batches[Symbol.iterator]()
  ) as AsyncIterator<arrow.Table> | Iterator<arrow.Table>;
  let schema: arrow.Schema | undefined;
  /** The next input table as parquet-wasm record batches; undefined at the end. */
  const next = async (): Promise<pw.RecordBatch[] | undefined> => {
    const n = await it.next();
    if (n.done) return undefined;
    schema = n.value.schema;
    return p.Table.fromIPCStream(arrow.tableToIPC(n.value, "stream")).recordBatches();
  };
  // parquet-wasm needs a first batch to start a file: zero rows still write the schema (one empty batch)
  let first: pw.RecordBatch[] | undefined = [];
  while (first && first.length === 0) first = await next();
  if (!first) {
    if (!schema) throw new DataFormatError("nothing to write: the input had no batches (and no schema)");
    first = p.Table.fromIPCStream(arrow.tableToIPC(emptyTable(schema), "stream")).recordBatches();
  }
  const queue = [...first];
  // parquet-wasm ends the file quietly when its input stream errors, so input errors are kept here and
  // re-thrown after the writer returns: a failing input never leaves a valid-looking truncated file.
  let inputError: unknown;
  const stream = new ReadableStream({
    async pull(controller) {
      try {
        while (queue.length === 0) {
          const more = await next();
          if (!more) {
            controller.close();
            return;
          }
          queue.push(...more);
        }
        controller.enqueue(queue.shift());
      } catch (e) {
        inputError = e;
        controller.close();
      }
    },
  });
  const out = (await p.transformParquetStream(stream, props)) as unknown as AsyncIterable<Uint8Array>;
  for await (const chunk of out) {
    if (inputError === undefined) await sink(chunk);
  }
  if (inputError !== undefined) throw inputError;
}

/** A zero-row table with `schema` carried by one empty record batch. */
function emptyTable(schema: arrow.Schema): arrow.Table {
  const data = arrow.makeData({
    type: new arrow.Struct(schema.fields),
    length: 0,
    nullCount: 0,
    children: schema.fields.map((f) => arrow.makeData({ type: f.type, length: 0 })),
  });
  return new arrow.Table([new arrow.RecordBatch(schema, data)]);
}

/** Write a whole arrow table to Parquet bytes in memory (small result files). */
export async function parquetBytes(table: arrow.Table, options: WriteOptions = {}): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  await writeParquetStream(
    [table],
    (c) => {
      parts.push(c.slice());
    },
    options,
  );
  return Buffer.concat(parts);
}
