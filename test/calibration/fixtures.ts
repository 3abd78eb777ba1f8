/** Hand-built MBP-10 batches for unit tests: one level, rows given in seconds after the 09:30 open. */
import { regularSession } from "../../lib/core/session.ts";
import { Action, allocFullBatch, Flag, type Mbp10FullBatch, Side } from "../../lib/mbp10/schema.ts";
import { VenueRegistry } from "../../lib/mbp10/venues.ts";

export const DATE = "2024-03-12";
export const OPEN_NS = regularSession(DATE).openNs;

export interface Row {
  /** Seconds after the open (may be negative: pre-open). */
  t: number;
  v?: number;
  action: keyof typeof Action;
  side?: keyof typeof Side;
  price?: number;
  size?: number;
  /** default true */
  last?: boolean;
  bid: number;
  bidSz: number;
  ask: number;
  askSz: number;
}

export function nsAt(t: number): bigint {
  return OPEN_NS + BigInt(Math.round(t * 1e9));
}

export function batchOf(rows: readonly Row[]): Mbp10FullBatch {
  const b = allocFullBatch(rows.length, 1, "TEST");
  rows.forEach((r, i) => {
    (b.tsRecv as BigInt64Array)[i] = nsAt(r.t);
    b.venue[i] = r.v ?? 0;
    b.action[i] = Action[r.action];
    b.side[i] = Side[r.side ?? "None"];
    b.price[i] = r.price ?? Number.NaN;
    b.size[i] = r.size ?? 0;
    b.flags[i] = r.last === false ? 0 : Flag.LAST;
    b.bidPx[0]![i] = r.bid;
    b.bidSz[0]![i] = r.bidSz;
    b.askPx[0]![i] = r.ask;
    b.askSz[0]![i] = r.askSz;
  });
  return b;
}

/** A registry with `n` venues named V0, V1, ... */
export function registry(n: number): VenueRegistry {
  const r = new VenueRegistry();
  for (let v = 0; v < n; v++) r.index(100 + v, `V${v}`);
  return r;
}
