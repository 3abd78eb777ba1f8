/** Generic Parquet writing (parquet-wasm + apache-arrow): a streaming writer, one row group at a time. */
import * as arrow from "apache-arrow";
import type * as pw from "parquet-wasm/esm";
import { DataFormatError } from "../core/errors.ts";
import { parquetWasm, refuseIfStopped } from "./wasm.ts";

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
  refuseIfStopped();
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
