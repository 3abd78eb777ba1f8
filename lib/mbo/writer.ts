/**
 * MBO Parquet writer (columns of schema.ts MBO_COLUMNS: timestamps as timestamp[ns, UTC], prices float64 in the
 * instrument's unit, order_id uint64, action/side/symbol UTF8). Streams batch by batch.
 */
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import * as arrow from "apache-arrow";
import { charVector, constantStringVector, timestampNsVector } from "../mbp10/writer.ts";
import { type WriteOptions, writeParquetStream } from "../parquet/write.ts";
import type { MboBatch } from "./schema.ts";

/** An arrow table of one MBO batch, columns in MBO_COLUMNS order. */
export function mboTable(b: MboBatch): arrow.Table {
  return new arrow.Table({
    ts_recv: timestampNsVector(b.tsRecv),
    ts_event: timestampNsVector(b.tsEvent),
    rtype: arrow.makeVector(new Uint8Array(b.length).fill(0xa0)),
    publisher_id: arrow.makeVector(b.publisherId),
    instrument_id: arrow.makeVector(b.instrumentId),
    action: charVector(b.action),
    side: charVector(b.side),
    price: arrow.makeVector(b.price),
    size: arrow.makeVector(b.size),
    channel_id: arrow.makeVector(b.channelId),
    order_id: arrow.makeVector(b.orderId),
    flags: arrow.makeVector(b.flags),
    ts_in_delta: arrow.makeVector(b.tsInDelta),
    sequence: arrow.makeVector(b.sequence),
    symbol: constantStringVector(b.symbol, b.length),
  });
}

/**
 * Write MBO batches to `path` through `<path>.partial` (renamed when the input was read to its end, so a
 * failed write leaves no plausible-looking file). Returns the rows written.
 */
export async function writeMboFile(
  path: string,
  batches: AsyncIterable<MboBatch> | Iterable<MboBatch>,
  options: WriteOptions = {},
): Promise<{ rows: number }> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.partial`;
  const out = createWriteStream(tmp);
  let rows = 0;
  async function* tables() {
    for await (const b of batches) {
      rows += b.length;
      yield mboTable(b);
    }
  }
  let failed = false;
  try {
    await writeParquetStream(
      tables(),
      (chunk) =>
        new Promise<void>((resolve, reject) => {
          out.write(chunk, (err) => (err ? reject(err) : resolve()));
        }),
      {
        dictionaryColumns: ["action", "side", "symbol", "rtype", "publisher_id", "instrument_id"],
        statisticsColumns: ["ts_recv", "ts_event"],
        ...options,
      },
    );
  } catch (e) {
    failed = true;
    throw e;
  } finally {
    await new Promise<void>((resolve) => out.end(resolve));
    if (failed) await rm(tmp, { force: true });
  }
  await rename(tmp, path);
  return { rows };
}
