/**
 * A minimal DBN metadata encoder for tests, written from the layout of the dbn crate's MetadataEncoder
 * (v1: record_count after limit, no symbol_cstr_len, 47 reserved bytes, 22-byte symbols; v2+: 53 reserved
 * bytes, symbol_cstr_len from the header; v3 pads the metadata to a multiple of 8 bytes). Re-encoding the
 * real v2/v3 fixtures byte for byte checks it; it then builds the v1 file that Databento's fixtures lack.
 */
import type { DbnMetadata } from "../../lib/importers/dbn/metadata.ts";

/** The 8-byte prefix plus the metadata of `md` in DBN `version`. */
export function encodeDbnMetadata(md: DbnMetadata, version: number): Uint8Array {
  const symLen = version === 1 ? 22 : md.symbolCstrLen;
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
    for (let i = 0; i < n; i++) u8(b[i] ?? 0);
  };
  const list = (xs: readonly string[]) => {
    u32(xs.length);
    for (const x of xs) cstr(x, symLen);
  };
  cstr(md.dataset, 16);
  u16(md.schema ?? 0xffff);
  u64(md.startNs);
  u64(md.endNs ?? 0xffffffffffffffffn);
  u64(md.limit);
  if (version === 1) u64(0n);
  u8(md.stypeIn ?? 0xff);
  u8(md.stypeOut);
  u8(md.tsOut ? 1 : 0);
  if (version > 1) u16(symLen);
  for (let i = 0; i < (version === 1 ? 47 : 53); i++) u8(0);
  u32(0);
  list(md.symbols);
  list(md.partial);
  list(md.notFound);
  u32(md.mappings.length);
  for (const m of md.mappings) {
    cstr(m.rawSymbol, symLen);
    u32(m.intervals.length);
    for (const i of m.intervals) {
      u32(i.startDate);
      u32(i.endDate);
      cstr(i.symbol, symLen);
    }
  }
  if (version >= 3) while ((bytes.length + 8) % 8 !== 0) u8(0);
  const prefix = [0x44, 0x42, 0x4e, version, 0, 0, 0, 0];
  const out = new Uint8Array(8 + bytes.length);
  out.set(prefix);
  new DataView(out.buffer).setUint32(4, bytes.length, true);
  out.set(bytes, 8);
  return out;
}
