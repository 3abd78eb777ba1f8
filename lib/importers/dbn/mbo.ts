/**
 * DBN MBO record (rtype 0xA0, 56 bytes, identical in DBN v1-v3): the 16-byte RecordHeader (see mbp10.ts), then
 * order_id u64 @16, price i64 @24, size u32 @32, flags u8 @36, channel_id u8 @37, action char @38,
 * side char @39, ts_recv u64 @40, ts_in_delta i32 @48, sequence u32 @52 (Databento's MboMsg).
 */
import type { MboBatch } from "../../mbo/schema.ts";
import { fixedPriceAt } from "./mbp10.ts";

export const MBO_RECORD_BYTES = 56;

/** Decode the MBO record at byte `at` of `view` into row `r` of `b`. */
export function decodeMboRecord(view: DataView, at: number, b: MboBatch, r: number): void {
  b.publisherId[r] = view.getUint16(at + 2, true);
  b.instrumentId[r] = view.getUint32(at + 4, true);
  b.tsEvent[r] = view.getBigInt64(at + 8, true);
  b.orderId[r] = view.getBigUint64(at + 16, true);
  b.price[r] = fixedPriceAt(view, at + 24);
  b.size[r] = view.getUint32(at + 32, true);
  b.flags[r] = view.getUint8(at + 36);
  b.channelId[r] = view.getUint8(at + 37);
  b.action[r] = view.getUint8(at + 38);
  b.side[r] = view.getUint8(at + 39);
  b.tsRecv[r] = view.getBigInt64(at + 40, true);
  b.tsInDelta[r] = view.getInt32(at + 48, true);
  b.sequence[r] = view.getUint32(at + 52, true);
}
