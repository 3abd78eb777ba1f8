/** Hand-built MBO records for tests. */
import { allocMboBatch, type MboBatch } from "../../lib/mbo/schema.ts";

export interface MboRow {
  /** ts_recv, ns (also ts_event). */
  t: number;
  /** Action letter: A C M R T F. */
  a: string;
  /** Side letter: B A N. */
  s: string;
  px?: number;
  sz?: number;
  id?: number;
  /** Flags (default F_LAST = 0x80). */
  f?: number;
}

/** One MBO batch holding `rows` (symbol "X", publisher 1). */
export function mboBatch(rows: readonly MboRow[]): MboBatch {
  const b = allocMboBatch(rows.length, "X");
  rows.forEach((r, i) => {
    b.tsRecv[i] = BigInt(r.t);
    b.tsEvent[i] = BigInt(r.t);
    b.publisherId[i] = 1;
    b.action[i] = r.a.charCodeAt(0);
    b.side[i] = r.s.charCodeAt(0);
    b.price[i] = r.px ?? Number.NaN;
    b.size[i] = r.sz ?? 0;
    b.orderId[i] = BigInt(r.id ?? 0);
    b.flags[i] = r.f ?? 0x80;
    b.sequence[i] = i;
  });
  return b;
}

export async function* once<T>(x: T): AsyncGenerator<T> {
  yield x;
}
