/**
 * DBN record layout (identical in DBN v1-v3 for MBP-10). Every record starts with a 16-byte RecordHeader:
 *
 *   length u8 (in 4-byte units, includes the header and any ts_out suffix), rtype u8, publisher_id u16,
 *   instrument_id u32, ts_event u64
 *
 * MBP-10 body (rtype 0x0A, 368 bytes in all): price i64 @16, size u32 @24, action char @28, side char @29,
 * flags u8 @30, depth u8 @31, ts_recv u64 @32, ts_in_delta i32 @40, sequence u32 @44, then 10 BidAskPair of
 * 32 bytes @48: bid_px i64 +0, ask_px i64 +8, bid_sz u32 +16, ask_sz u32 +20, bid_ct u32 +24, ask_ct u32 +28.
 * Offsets verified against Databento's MBP-10 fixtures and their decoded CSV.
 */
import { MAX_LEVELS, type Mbp10FullBatch } from "../../mbp10/schema.ts";

export const RECORD_HEADER_BYTES = 16;
export const LENGTH_MULTIPLIER = 4;
export const RTYPE_MBP10 = 0x0a;
export const MBP10_RECORD_BYTES = 48 + MAX_LEVELS * 32;

const TWO_32 = 4294967296;

/** Fixed-point int64 (1e-9 $) at `at` as dollars, NaN for UNDEF_PRICE; the same arithmetic as the reader. */
export function fixedPriceAt(view: DataView, at: number): number {
  const lo = view.getUint32(at, true);
  const hi = view.getInt32(at + 4, true);
  if (hi === 0x7fffffff && lo === 0xffffffff) return Number.NaN;
  return (hi * TWO_32 + lo) / 1e9;
}

/** Decode the MBP-10 record at byte `at` of `view` into row `r` of `b` (all levels of `b`, up to 10). */
export function decodeMbp10Record(view: DataView, at: number, b: Mbp10FullBatch, r: number): void {
  b.rtype[r] = view.getUint8(at + 1);
  b.publisherId[r] = view.getUint16(at + 2, true);
  b.instrumentId[r] = view.getUint32(at + 4, true);
  b.tsEvent[r] = view.getBigInt64(at + 8, true);
  b.price[r] = fixedPriceAt(view, at + 16);
  b.size[r] = view.getUint32(at + 24, true);
  b.action[r] = view.getUint8(at + 28);
  b.side[r] = view.getUint8(at + 29);
  b.flags[r] = view.getUint8(at + 30);
  b.depth[r] = view.getUint8(at + 31);
  b.tsRecv[r] = view.getBigInt64(at + 32, true);
  b.tsInDelta[r] = view.getInt32(at + 40, true);
  b.sequence[r] = view.getUint32(at + 44, true);
  for (let l = 0; l < b.levels; l++) {
    const p = at + 48 + 32 * l;
    b.bidPx[l]![r] = fixedPriceAt(view, p);
    b.askPx[l]![r] = fixedPriceAt(view, p + 8);
    b.bidSz[l]![r] = view.getUint32(p + 16, true);
    b.askSz[l]![r] = view.getUint32(p + 20, true);
    b.bidCt[l]![r] = view.getUint32(p + 24, true);
    b.askCt[l]![r] = view.getUint32(p + 28, true);
  }
}
