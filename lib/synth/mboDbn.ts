/**
 * Synthetic MBO as a Databento DBN file (version 2, uncompressed, schema mbo, one symbol): the input that
 * `msor import dbn` reads, for streamed-import tests and the bench. Layouts: lib/importers/dbn/metadata.ts
 * (metadata) and lib/importers/dbn/mbo.ts (records).
 */
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { MboBatch } from "../mbo/schema.ts";

const SYMBOL_LEN = 71;
const MBO_BYTES = 56;

/** DBN v2 prefix + metadata for an MBO file of `symbol` (instrument id 1) starting at `startNs`. */
export function mboDbnMetadata(symbol: string, startNs: bigint, dataset = "SYNTH.MBO"): Uint8Array {
  const bytes: number[] = [];
  const u8 = (v: number) => bytes.push(v & 0xff);
  const u16 = (v: number) => {
    u8(v);
    u8(v >> 8);
  };
  const u32 = (v: number) => {
    u16(v & 0xffff);
    u16(v >>> 16);
  };
  const u64 = (v: bigint) => {
    const x = BigInt.asUintN(64, v);
    u32(Number(x & 0xffffffffn));
    u32(Number(x >> 32n));
  };
  const cstr = (s: string, n: number) => {
    const b = new TextEncoder().encode(s);
    for (let i = 0; i < n; i++) u8(i < n - 1 ? (b[i] ?? 0) : 0);
  };
  cstr(dataset, 16);
  u16(0); // schema mbo
  u64(startNs);
  u64(0xffffffffffffffffn); // end: undefined
  u64(0n); // limit
  u8(1); // stype_in raw_symbol
  u8(0); // stype_out instrument_id
  u8(0); // ts_out
  u16(SYMBOL_LEN);
  for (let i = 0; i < 53; i++) u8(0);
  u32(0); // schema definition
  u32(1);
  cstr(symbol, SYMBOL_LEN);
  u32(0); // partial
  u32(0); // not_found
  u32(1); // one mapping: symbol -> instrument 1
  cstr(symbol, SYMBOL_LEN);
  u32(1);
  u32(20000101);
  u32(20991231);
  cstr("1", SYMBOL_LEN);
  const out = new Uint8Array(8 + bytes.length);
  out.set([0x44, 0x42, 0x4e, 2]);
  new DataView(out.buffer).setUint32(4, bytes.length, true);
  out.set(bytes, 8);
  return out;
}

/** The records of `b` as DBN MBO records (56 bytes each, prices fixed-point 1e-9). */
export function mboDbnRecords(b: MboBatch): Uint8Array {
  const out = new Uint8Array(b.length * MBO_BYTES);
  const v = new DataView(out.buffer);
  for (let i = 0; i < b.length; i++) {
    const at = i * MBO_BYTES;
    v.setUint8(at, MBO_BYTES / 4);
    v.setUint8(at + 1, 0xa0);
    v.setUint16(at + 2, b.publisherId[i]!, true);
    v.setUint32(at + 4, b.instrumentId[i]!, true);
    v.setBigInt64(at + 8, b.tsEvent[i]!, true);
    v.setBigUint64(at + 16, b.orderId[i]!, true);
    const px = b.price[i]!;
    v.setBigInt64(at + 24, Number.isNaN(px) ? 0x7fffffffffffffffn : BigInt(Math.round(px * 1e9)), true);
    v.setUint32(at + 32, b.size[i]!, true);
    v.setUint8(at + 36, b.flags[i]!);
    v.setUint8(at + 37, b.channelId[i]!);
    v.setUint8(at + 38, b.action[i]!);
    v.setUint8(at + 39, b.side[i]!);
    v.setBigInt64(at + 40, b.tsRecv[i]!, true);
    v.setInt32(at + 48, b.tsInDelta[i]!, true);
    v.setUint32(at + 52, b.sequence[i]!, true);
  }
  return out;
}

/** Write MBO batches to `path` as a DBN file (streamed); returns the records written. */
export async function writeMboDbn(
  path: string,
  batches: Iterable<MboBatch> | AsyncIterable<MboBatch>,
  symbol: string,
  startNs: bigint,
): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  const out = createWriteStream(path);
  const write = (chunk: Uint8Array) =>
    new Promise<void>((resolve, reject) => out.write(chunk, (e) => (e ? reject(e) : resolve())));
  let n = 0;
  try {
    await write(mboDbnMetadata(symbol, startNs));
    for await (const b of batches) {
      await write(mboDbnRecords(b));
      n += b.length;
    }
  } finally {
    await new Promise<void>((resolve) => out.end(resolve));
  }
  return n;
}
