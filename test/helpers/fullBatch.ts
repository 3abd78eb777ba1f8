/** Build small full MBP-10 batches from readable rows for tests. */
import { allocFullBatch, Flag, type Mbp10FullBatch } from "../../lib/mbp10/schema.ts";

export interface Row {
  t: bigint;
  pub?: number;
  action?: string;
  side?: string;
  depth?: number;
  price?: number;
  size?: number;
  last?: boolean;
  seq?: number;
  bids?: [number, number][];
  asks?: [number, number][];
}

export function fullBatch(rows: readonly Row[], levels = 10, symbol = "TEST"): Mbp10FullBatch {
  const b = allocFullBatch(rows.length, levels, symbol);
  rows.forEach((r, i) => {
    b.tsRecv[i] = r.t;
    b.tsEvent[i] = r.t - 1000n;
    b.publisherId[i] = r.pub ?? 2;
    b.instrumentId[i] = 1;
    b.action[i] = (r.action ?? "A").charCodeAt(0);
    b.side[i] = (r.side ?? "B").charCodeAt(0);
    b.depth[i] = r.depth ?? 0;
    b.price[i] = r.price ?? Number.NaN;
    b.size[i] = r.size ?? 0;
    b.flags[i] = r.last === false ? 0 : Flag.LAST;
    b.sequence[i] = r.seq ?? i + 1;
    (r.bids ?? []).slice(0, levels).forEach(([p, s], l) => {
      b.bidPx[l]![i] = p;
      b.bidSz[l]![i] = s;
    });
    (r.asks ?? []).slice(0, levels).forEach(([p, s], l) => {
      b.askPx[l]![i] = p;
      b.askSz[l]![i] = s;
    });
  });
  return b;
}
