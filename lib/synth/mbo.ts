/**
 * Seeded synthetic MBO (order by order) with a chosen cancel-position law, the ground truth of the queue
 * check's oracles (docs/models.md 6.7, 9). One venue, one instrument, a FIFO book of a few levels per side:
 * - limit orders (size 1..5) join the BACK of a level: at the best (rate `addRate` per side), one to four
 *   levels deeper (rate `deepAddRate`), or one tick inside a wide spread (which moves the best);
 * - cancels at the best (rate `cancelRate` per side) remove a whole order, chosen by the position of a share
 *   in the queue: u in [0, 1) from the front; `uniform`: u = U (so the cancel is behind a given point with
 *   probability back / (back + front), prob(1)'s assumption), `front`: u = U^3, `back`: u = 1 - U^3
 *   (U uniform); cancels deeper in the book (rate `deepCancelRate`) are uniform;
 * - market orders (rate `marketRate` per side, size 1 + geometric with mean `marketSize` - 1) take the
 *   opposite best queue in FIFO order, then the next level: one T record per price (side = aggressor), one F
 *   per resting order filled, then C (order gone) or M (smaller, priority kept) records removing the size.
 * - modifies at the best (rate `modifyRate`, default none) change an order's size by 1 or 2: up moves it to
 *   the back of its queue, down keeps its place.
 * Each venue event is one or more records, the last with F_LAST. A side that falls below 3 levels is
 * refilled one tick beyond its last level. Times: Poisson, exponential gaps at the total rate.
 */
import { InputError } from "../core/errors.ts";
import { Rng } from "../core/rng.ts";
import { allocMboBatch, type MboBatch, truncateMboBatch } from "../mbo/schema.ts";
import { Action, Flag, Side } from "../mbp10/schema.ts";

export type CancelLaw = "uniform" | "front" | "back";
export const CANCEL_LAWS: readonly CancelLaw[] = ["uniform", "front", "back"];

export interface SynthMboOptions {
  seed: number;
  /** Events to generate (a market order writes several records). */
  events: number;
  cancelLaw: CancelLaw;
  /** First event time, ns since the epoch. Default 2024-01-02 14:30 UTC. */
  startNs?: bigint;
  /** Start price and tick, in the instrument's unit. Defaults 100 and 0.25. */
  startPrice?: number;
  tick?: number;
  /** Event rates per second and per side. Defaults: add 1.0, deep add 0.6, cancel 0.7, deep cancel 0.4, market 0.25. */
  addRate?: number;
  deepAddRate?: number;
  cancelRate?: number;
  deepCancelRate?: number;
  marketRate?: number;
  /** Mean market order size. Default 4. */
  marketSize?: number;
  /**
   * Modifies at the best, per second and per side (default 0): an order drawn uniformly changes its size by
   * +-1 or 2 (a larger size loses its place: it moves to the back, as an iceberg refill does).
   */
  modifyRate?: number;
  /** Rows per batch. Default 65,536. */
  capacity?: number;
  symbol?: string;
}

interface Resting {
  id: number;
  size: number;
}

/** Position of a cancelled share in the queue (fraction from the front) under `law`. */
export function cancelPosition(law: CancelLaw, u: number): number {
  if (law === "front") return u * u * u;
  if (law === "back") return 1 - u * u * u;
  return u;
}

/** Generate the MBO records (batches in time order). Deterministic in the options. */
export function* generateMbo(options: SynthMboOptions): Generator<MboBatch> {
  if (!CANCEL_LAWS.includes(options.cancelLaw)) {
    throw new InputError(`cancel law must be one of ${CANCEL_LAWS.join(", ")} (got ${options.cancelLaw})`);
  }
  const rng = new Rng(options.seed);
  const tick = options.tick ?? 0.25;
  const ticks = Math.round((options.startPrice ?? 100) / tick);
  const rates = [
    options.addRate ?? 1.0,
    options.deepAddRate ?? 0.6,
    options.cancelRate ?? 0.7,
    options.deepCancelRate ?? 0.4,
    options.marketRate ?? 0.25,
  ].map((r) => 2 * r); // both sides
  // modifies only when asked for (the other laws' records stay the same)
  if ((options.modifyRate ?? 0) > 0) rates.push(2 * options.modifyRate!);
  const total = rates.reduce((a, b) => a + b, 0);
  const marketSize = options.marketSize ?? 4;
  const capacity = options.capacity ?? 65_536;
  const symbol = options.symbol ?? "SYN";
  // levels per side: price tick -> FIFO; bids keyed below asks
  const book: [Map<number, Resting[]>, Map<number, Resting[]>] = [new Map(), new Map()];
  let nextId = 1;
  let t = options.startNs ?? 1704205800000000000n;
  let batch = allocMboBatch(capacity, symbol);
  let n = 0;
  let seq = 0;
  const out: MboBatch[] = [];
  const emit = (action: number, side: number, px: number, size: number, id: number, last: boolean) => {
    if (n === capacity) {
      out.push(batch);
      batch = allocMboBatch(capacity, symbol);
      n = 0;
    }
    batch.tsRecv[n] = t;
    batch.tsEvent[n] = t;
    batch.publisherId[n] = 1;
    batch.instrumentId[n] = 1;
    batch.action[n] = action;
    batch.side[n] = side;
    batch.price[n] = px * tick;
    batch.size[n] = size;
    batch.orderId[n] = BigInt(id);
    batch.flags[n] = last ? Flag.LAST : 0;
    batch.sequence[n] = seq++;
    n++;
  };
  const sideCode = (s: number) => (s === 0 ? Side.Bid : Side.Ask);
  const best = (s: number): number => {
    let b = Number.NaN;
    for (const k of book[s]!.keys()) if (Number.isNaN(b) || (s === 0 ? k > b : k < b)) b = k;
    return b;
  };
  const worst = (s: number): number => {
    let w = Number.NaN;
    for (const k of book[s]!.keys()) if (Number.isNaN(w) || (s === 0 ? k < w : k > w)) w = k;
    return w;
  };
  const add = (s: number, k: number, size: number, last: boolean) => {
    let q = book[s]!.get(k);
    if (!q) book[s]!.set(k, (q = []));
    const id = nextId++;
    q.push({ id, size });
    emit(Action.Add, sideCode(s), k, size, id, last);
  };
  const orderSize = () => 1 + rng.int(5);
  // initial book: 5 levels of 4 orders per side around the start price
  for (let s = 0; s < 2; s++) {
    for (let l = 0; l < 5; l++) {
      for (let j = 0; j < 4; j++)
        add(s, s === 0 ? ticks - l : ticks + 1 + l, orderSize(), s === 1 && l === 4 && j === 3);
    }
  }
  const cancelIn = (s: number, k: number, u: number, last: boolean) => {
    const q = book[s]!.get(k);
    if (!q || q.length === 0) return false;
    let sum = 0;
    for (const o of q) sum += o.size;
    const at = u * sum;
    let acc = 0;
    let j = 0;
    for (; j < q.length - 1; j++) {
      acc += q[j]!.size;
      if (at < acc) break;
    }
    const o = q[j]!;
    q.splice(j, 1);
    if (q.length === 0) book[s]!.delete(k);
    emit(Action.Cancel, sideCode(s), k, o.size, o.id, last);
    return true;
  };
  for (let e = 0; e < options.events; e++) {
    t += BigInt(Math.max(1, Math.round(rng.exponential(1 / total) * 1e9)));
    const s = rng.int(2);
    let x = rng.uniform() * total;
    let kind = 0;
    while (kind < rates.length - 1 && x >= rates[kind]!) x -= rates[kind++]!;
    const b = best(s);
    const opp = best(1 - s);
    if (kind === 0) {
      // at the best, or one tick inside a spread wider than a tick
      const inside = !Number.isNaN(b) && !Number.isNaN(opp) && Math.abs(opp - b) > 1 && rng.uniform() < 0.5;
      const k = Number.isNaN(b) ? (s === 0 ? opp - 1 : opp + 1) : inside ? (s === 0 ? b + 1 : b - 1) : b;
      add(s, k, orderSize(), true);
    } else if (kind === 1) {
      if (Number.isNaN(b)) continue;
      const k = s === 0 ? b - 1 - rng.int(4) : b + 1 + rng.int(4);
      add(s, k, orderSize(), true);
    } else if (kind === 2) {
      if (!cancelIn(s, b, cancelPosition(options.cancelLaw, rng.uniform()), true)) continue;
    } else if (kind === 3) {
      const keys = [...book[s]!.keys()].filter((k) => k !== b);
      if (keys.length === 0) continue;
      cancelIn(s, keys[rng.int(keys.length)]!, rng.uniform(), true);
    } else if (kind === 5) {
      const q = book[s]!.get(b);
      if (!q || q.length === 0) continue;
      const j = rng.int(q.length);
      const o = q[j]!;
      const d = 1 + rng.int(2);
      const up = rng.uniform() < 0.5 || o.size <= d;
      o.size += up ? d : -d;
      if (up) q.push(q.splice(j, 1)[0]!);
      emit(Action.Modify, sideCode(s), b, o.size, o.id, true);
    } else if (kind === 4) {
      // market order of side s (aggressor) takes the opposite side
      let left = 1 + Math.floor(rng.exponential(Math.max(1e-9, marketSize - 1)));
      const r = 1 - s;
      const removals: { k: number; o: Resting; filled: number }[] = [];
      while (left > 0) {
        const k = best(r);
        if (Number.isNaN(k)) break;
        const q = book[r]!.get(k)!;
        let take = 0;
        for (const o of q) take += o.size;
        take = Math.min(take, left);
        emit(Action.Trade, sideCode(s), k, take, 0, false);
        let rest = take;
        while (rest > 0) {
          const o = q[0]!;
          const f = Math.min(o.size, rest);
          emit(Action.Fill, sideCode(r), k, f, o.id, false);
          removals.push({ k, o, filled: f });
          o.size -= f;
          rest -= f;
          if (o.size === 0) q.shift();
        }
        if (q.length === 0) book[r]!.delete(k);
        left -= take;
      }
      removals.forEach(({ k, o, filled }, i) => {
        const last = i === removals.length - 1;
        if (o.size === 0) emit(Action.Cancel, sideCode(r), k, filled, o.id, last);
        else emit(Action.Modify, sideCode(r), k, o.size, o.id, last);
      });
      if (removals.length === 0) continue;
    }
    // keep at least 3 levels per side
    for (let side = 0; side < 2; side++) {
      while (book[side]!.size < 3) {
        const w = worst(side);
        const k = Number.isNaN(w) ? (side === 0 ? best(1) - 1 : best(0) + 1) : side === 0 ? w - 1 : w + 1;
        add(side, k, orderSize(), true);
      }
    }
    while (out.length > 0) yield out.shift()!;
  }
  while (out.length > 0) yield out.shift()!;
  if (n > 0) yield truncateMboBatch(batch, n);
}
