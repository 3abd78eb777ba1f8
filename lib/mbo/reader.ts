/** Reading MBO Parquet (written by writer.ts or Databento's to_parquet) one row group at a time. */
import type * as arrow from "apache-arrow";
import { DataFormatError } from "../core/errors.ts";
import { openParquet, readRowGroup } from "../parquet/read.ts";
import type { ByteSource } from "../ports/byteSource.ts";
import { allocMboBatch, MBO_COLUMNS, type MboBatch } from "./schema.ts";

/** The columns the reader needs (symbol and rtype are not read). */
const READ_COLUMNS = MBO_COLUMNS.filter((c) => c !== "symbol" && c !== "rtype");

function charCodes(v: arrow.Vector | null, n: number, out: Uint8Array): void {
  if (!v) return;
  for (let i = 0; i < n; i++) {
    const s = v.get(i) as string | null;
    out[i] = s ? s.charCodeAt(0) : 78;
  }
}

function copyNumbers(v: arrow.Vector | null, out: { [i: number]: number | bigint; length: number }): void {
  if (!v) return;
  let at = 0;
  for (const d of v.data) {
    const vals = d.values as ArrayLike<number | bigint>;
    for (let i = 0; i < d.length; i++) out[at + i] = vals[i]!;
    at += d.length;
  }
}

/** The MBO records of `src` in file order, one batch per row group, labelled `symbol`. */
export async function* readMboBatches(src: ByteSource, symbol = ""): AsyncGenerator<MboBatch> {
  const pq = await openParquet(src);
  const names = new Set(pq.schema.fields.map((f) => f.name));
  const missing = READ_COLUMNS.filter((c) => !names.has(c));
  if (missing.length > 0) {
    throw new DataFormatError(
      `${src.name} lacks MBO column(s) ${missing.join(", ")} (found ${names.size} columns); is it an MBP-10 ` +
        "file? Import Databento MBO with `msor import dbn FILE.mbo.dbn.zst --out FILE.mbo.parquet`",
    );
  }
  for (let g = 0; g < pq.rowGroupRows.length; g++) {
    const t = await readRowGroup(src, pq, g, READ_COLUMNS);
    const n = t.numRows;
    const b = allocMboBatch(n, symbol);
    copyNumbers(t.getChild("ts_recv"), b.tsRecv);
    copyNumbers(t.getChild("ts_event"), b.tsEvent);
    copyNumbers(t.getChild("publisher_id"), b.publisherId);
    copyNumbers(t.getChild("instrument_id"), b.instrumentId);
    charCodes(t.getChild("action"), n, b.action);
    charCodes(t.getChild("side"), n, b.side);
    copyNumbers(t.getChild("price"), b.price);
    copyNumbers(t.getChild("size"), b.size);
    copyNumbers(t.getChild("channel_id"), b.channelId);
    copyNumbers(t.getChild("order_id"), b.orderId);
    copyNumbers(t.getChild("flags"), b.flags);
    copyNumbers(t.getChild("ts_in_delta"), b.tsInDelta);
    copyNumbers(t.getChild("sequence"), b.sequence);
    yield b;
  }
}

/** The symbol (first value of the symbol column, "" when none), first and last ts_recv of an MBO Parquet file. */
export async function mboIdentity(
  src: ByteSource,
): Promise<{ symbol: string; firstTsNs: bigint; lastTsNs: bigint }> {
  const pq = await openParquet(src);
  const names = new Set(pq.schema.fields.map((f) => f.name));
  if (pq.rowGroupRows.length === 0 || !names.has("ts_recv")) {
    throw new DataFormatError(`${src.name} has no MBO records (no row group or no ts_recv column)`);
  }
  const t = await readRowGroup(src, pq, 0, names.has("symbol") ? ["ts_recv", "symbol"] : ["ts_recv"]);
  const sym = t.getChild("symbol")?.get(0);
  // the raw int64 (a timestamp vector's get() gives milliseconds)
  const ts = t.getChild("ts_recv")!.data[0]!.values as ArrayLike<bigint>;
  const lastGroup = pq.rowGroupRows.length - 1;
  const tl = lastGroup === 0 ? t : await readRowGroup(src, pq, lastGroup, ["ts_recv"]);
  const lastTs = tl.getChild("ts_recv")!.data;
  const lastChunk = lastTs[lastTs.length - 1]!;
  const lastTsNs = BigInt((lastChunk.values as ArrayLike<bigint>)[lastChunk.length - 1]!);
  return { symbol: sym ? String(sym) : "", firstTsNs: BigInt(ts[0]!), lastTsNs };
}
