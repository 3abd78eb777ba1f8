/**
 * MBP-10 Parquet writer in Databento's layout (74 columns for 10 levels, timestamps as timestamp[ns, UTC],
 * prices as float64 dollars or int64 fixed-point, action/side/symbol as UTF8). Streams row group by row group.
 */
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { dirname } from "node:path";
import * as arrow from "apache-arrow";
import { usdToFixed } from "../core/units.ts";
import { type WriteOptions, writeParquetStream } from "../parquet/write.ts";
import { levelColumn, type Mbp10FullBatch } from "./schema.ts";

export interface Mbp10WriteOptions extends WriteOptions {
  /** float: float64 dollars (Databento pretty_px, the default); fixed: int64 in 1e-9 dollars. */
  priceEncoding?: "float" | "fixed";
}

/** A UTF8 vector of one-character strings from ASCII codes (action, side), without per-row strings. */
export function charVector(codes: Uint8Array): arrow.Vector<arrow.Utf8> {
  const offsets = new Int32Array(codes.length + 1);
  for (let i = 0; i <= codes.length; i++) offsets[i] = i;
  return arrow.makeVector(
    arrow.makeData({ type: new arrow.Utf8(), length: codes.length, valueOffsets: offsets, data: codes }),
  );
}

/** A UTF8 vector repeating one string `n` times. */
export function constantStringVector(text: string, n: number): arrow.Vector<arrow.Utf8> {
  const bytes = new TextEncoder().encode(text);
  const data = new Uint8Array(bytes.length * n);
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    data.set(bytes, i * bytes.length);
    offsets[i + 1] = (i + 1) * bytes.length;
  }
  return arrow.makeVector(arrow.makeData({ type: new arrow.Utf8(), length: n, valueOffsets: offsets, data }));
}

export function timestampNsVector(ts: BigInt64Array): arrow.Vector {
  return arrow.makeVector(
    arrow.makeData({ type: new arrow.TimestampNanosecond("UTC"), length: ts.length, data: ts }),
  );
}

function priceVector(px: Float64Array, encoding: "float" | "fixed"): arrow.Vector {
  if (encoding === "float") return arrow.makeVector(px);
  const out = new BigInt64Array(px.length);
  for (let i = 0; i < px.length; i++) out[i] = usdToFixed(px[i]!);
  return arrow.makeVector(out);
}

/** Convert a full batch to an arrow table in Databento's column order. */
export function mbp10Table(b: Mbp10FullBatch, encoding: "float" | "fixed" = "float"): arrow.Table {
  const cols: Record<string, arrow.Vector> = {
    ts_recv: timestampNsVector(b.tsRecv),
    ts_event: timestampNsVector(b.tsEvent),
    rtype: arrow.makeVector(b.rtype),
    publisher_id: arrow.makeVector(b.publisherId),
    instrument_id: arrow.makeVector(b.instrumentId),
    action: charVector(b.action),
    side: charVector(b.side),
    depth: arrow.makeVector(b.depth),
    price: priceVector(b.price, encoding),
    size: arrow.makeVector(b.size),
    flags: arrow.makeVector(b.flags),
    ts_in_delta: arrow.makeVector(b.tsInDelta),
    sequence: arrow.makeVector(b.sequence),
  };
  for (let l = 0; l < b.levels; l++) {
    cols[levelColumn("bid_px", l)] = priceVector(b.bidPx[l]!, encoding);
    cols[levelColumn("ask_px", l)] = priceVector(b.askPx[l]!, encoding);
    cols[levelColumn("bid_sz", l)] = arrow.makeVector(b.bidSz[l]!);
    cols[levelColumn("ask_sz", l)] = arrow.makeVector(b.askSz[l]!);
    cols[levelColumn("bid_ct", l)] = arrow.makeVector(b.bidCt[l]!);
    cols[levelColumn("ask_ct", l)] = arrow.makeVector(b.askCt[l]!);
  }
  cols.symbol = constantStringVector(b.symbol, b.length);
  return new arrow.Table(cols);
}

/**
 * Write MBP-10 batches to `path` (parent folders created). Batches are converted one at a time, so memory
 * stays bounded by the batch size whatever the day's row count.
 */
export async function writeMbp10File(
  path: string,
  batches: AsyncIterable<Mbp10FullBatch> | Iterable<Mbp10FullBatch>,
  options: Mbp10WriteOptions = {},
): Promise<{ rows: number }> {
  await mkdir(dirname(path), { recursive: true });
  const out = createWriteStream(path);
  let rows = 0;
  const encoding = options.priceEncoding ?? "float";
  // dictionary only where it pays (one-character codes, the symbol); statistics on the timestamps (pruning)
  const writeOptions: Mbp10WriteOptions = {
    dictionaryColumns: ["action", "side", "symbol", "rtype", "publisher_id", "instrument_id"],
    statisticsColumns: ["ts_recv", "ts_event"],
    ...options,
  };
  async function* tables() {
    for await (const b of batches) {
      rows += b.length;
      yield mbp10Table(b, encoding);
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
      writeOptions,
    );
  } catch (e) {
    failed = true;
    throw e;
  } finally {
    await new Promise<void>((resolve) => out.end(resolve));
    // never leave a partial file behind
    if (failed) await rm(path, { force: true });
  }
  return { rows };
}
