/**
 * The exact FIFO fill times of the queue check (l3_fifo) against an independent, naive replay: per-price
 * arrays of orders (no priorities), and for each hypothetical order the SET of order ids in front of it when it
 * joined (an order leaves the set when it loses its place: a modify up or to another price). Same fill rule
 * (docs/models.md 6.7), separate bookkeeping.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { priceKey } from "../../lib/core/units.ts";
import { DbnReader } from "../../lib/importers/dbn/decoder.ts";
import type { MboBatch } from "../../lib/mbo/schema.ts";
import { type PlacedOrder, queueCheck } from "../../lib/sim/queueCheck.ts";
import { generateMbo } from "../../lib/synth/mbo.ts";
import { haveSharedData, SHARED_DATA } from "../helpers/sharedData.ts";

const ESH4 = path.join(
  SHARED_DATA,
  "databento",
  "GLBX.MDP3",
  "esh4-glbx-mdp3-20231225-to-2330utc.mbo.dbn.zst",
);

interface Naive {
  o: PlacedOrder;
  ahead: Set<bigint>;
  placed: boolean;
  fill: bigint | null;
  done: boolean;
}

async function naiveFills(
  batches: AsyncIterable<MboBatch> | Iterable<MboBatch>,
  orders: readonly PlacedOrder[],
  tauNs: bigint,
): Promise<(bigint | null)[]> {
  // per side: price key -> orders in arrival order (empty levels deleted)
  const sides = [
    new Map<number, { id: bigint; size: number }[]>(),
    new Map<number, { id: bigint; size: number }[]>(),
  ];
  const where = new Map<bigint, { side: number; pk: number }>();
  const queueAt = (side: number, pk: number) => {
    let q = sides[side]!.get(pk);
    if (!q) sides[side]!.set(pk, (q = []));
    return q;
  };
  const best = (side: number) => {
    let b = Number.NaN;
    for (const p of sides[side]!.keys()) if (Number.isNaN(b) || (side === 0 ? p > b : p < b)) b = p;
    return b;
  };
  const state: Naive[] = orders.map((o) => ({ o, ahead: new Set(), placed: false, fill: null, done: false }));
  let aggressor = -1n;
  const remove = (id: bigint) => {
    const w = where.get(id)!;
    const q = sides[w.side]!.get(w.pk)!;
    q.splice(
      q.findIndex((x) => x.id === id),
      1,
    );
    if (q.length === 0) sides[w.side]!.delete(w.pk);
    where.delete(id);
    for (const s of state) s.ahead.delete(id);
  };
  for await (const b of batches) {
    for (let r = 0; r < b.length; r++) {
      const ts = b.tsRecv[r]!;
      const a = String.fromCharCode(b.action[r]!);
      const id = b.orderId[r]!;
      const side = b.side[r] === 66 ? 0 : b.side[r] === 65 ? 1 : -1;
      const pk = Number.isNaN(b.price[r]!) ? Number.NaN : priceKey(b.price[r]!);
      const live = state.filter((s) => s.placed && !s.done);
      for (const s of live) if (ts > s.o.placedNs + tauNs) s.done = true;
      const fill = (s: Naive) => {
        if (!s.done && s.fill === null) {
          s.fill = ts;
          s.done = true;
        }
      };
      if (a === "T") {
        aggressor = id;
        const hit = side === 1 ? 0 : side === 0 ? 1 : -1; // aggressor sell hits bids
        for (const s of live) {
          if (hit !== -1 && s.o.side !== hit) continue;
          if (s.o.side === 0 ? pk < s.o.pk : pk > s.o.pk) fill(s);
        }
      } else if (a === "F") {
        const w = where.get(id);
        if (id !== aggressor && w) {
          for (const s of live) {
            if (s.o.side !== w.side) continue;
            const through = w.side === 0 ? w.pk < s.o.pk : w.pk > s.o.pk;
            if (through || (w.pk === s.o.pk && !s.ahead.has(id))) fill(s);
          }
        }
      } else if (a === "A") {
        where.set(id, { side, pk });
        queueAt(side, pk).push({ id, size: b.size[r]! });
      } else if (a === "C") {
        const w = where.get(id);
        if (w) {
          const e = sides[w.side]!.get(w.pk)!.find((x) => x.id === id)!;
          e.size -= b.size[r]!;
          if (e.size <= 0) remove(id);
        }
      } else if (a === "M") {
        const w = where.get(id);
        if (w) {
          const e = sides[w.side]!.get(w.pk)!.find((x) => x.id === id)!;
          if (pk === w.pk && b.size[r]! <= e.size) e.size = b.size[r]!;
          else {
            remove(id);
            where.set(id, { side: w.side, pk });
            queueAt(w.side, pk).push({ id, size: b.size[r]! });
          }
        }
      } else if (a === "R") {
        sides[0]!.clear();
        sides[1]!.clear();
        where.clear();
      }
      if ((b.flags[r]! & 0x80) === 0) continue;
      if (live.length === 0 && !state.some((x) => !x.placed && x.o.placedNs === ts)) continue;
      const bb = best(0);
      const ba = best(1);
      for (const s of state) {
        if (s.placed || s.o.placedNs !== ts) continue;
        if (bb >= ba || (s.o.side === 0 ? bb : ba) !== s.o.pk) continue;
        s.placed = true;
        const q = sides[s.o.side]!.get(s.o.pk) ?? [];
        for (const e of q) s.ahead.add(e.id);
        expect(q.reduce((n, e) => n + e.size, 0)).toBe(s.o.queueAhead);
      }
      for (const s of state.filter((x) => x.placed && !x.done && x.o.placedNs !== ts)) {
        const opp = best(1 - s.o.side);
        if (!Number.isNaN(opp) && (s.o.side === 0 ? opp <= s.o.pk : opp >= s.o.pk)) fill(s);
      }
    }
  }
  expect(state.every((s) => s.placed)).toBe(true);
  return state.map((s) => s.fill);
}

describe("l3_fifo fill times = an independent naive FIFO replay", () => {
  it("on synthetic MBO (front-biased cancels, modifies that keep or lose the order's place)", async () => {
    const gen = () => generateMbo({ seed: 11, events: 30_000, cancelLaw: "front", modifyRate: 0.5 });
    const open = () =>
      (async function* () {
        yield* gen();
      })();
    const r = await queueCheck(open, { orders: 120, tauS: 30, seed: 2, powers: [1], keepOrders: true });
    const naive = await naiveFills(gen(), r.orders!, 30_000_000_000n);
    expect(naive).toEqual(r.orders!.map((o) => o.exactNs));
    expect(naive.filter((x) => x !== null).length).toBeGreaterThan(20);
  }, 120_000);

  it.skipIf(!haveSharedData(path.dirname(ESH4), "l3_fifo check on real CME ESH4 MBO"))(
    "on the real ESH4 MBO",
    async () => {
      const open = () =>
        (async function* () {
          const d = await DbnReader.open(ESH4);
          yield* d.mboBatches("ESH4");
        })();
      const r = await queueCheck(open, { orders: 300, tauS: 60, seed: 5, powers: [1], keepOrders: true });
      const naive = await naiveFills(open(), r.orders!, 60_000_000_000n);
      expect(naive).toEqual(r.orders!.map((o) => o.exactNs));
      expect(naive.filter((x) => x !== null).length).toBeGreaterThan(30);
    },
    300_000,
  );
});
