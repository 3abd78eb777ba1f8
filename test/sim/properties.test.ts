/**
 * Properties of the simulator over random books and event sequences (MODELS.md section 9, conservation):
 * fills never exceed an order; taker fill prices were displayed on their venue (before or after the record
 * they happened at); maker fills happen at the order's own price and venue; maker fills at a book record (no
 * trade: a quote cross) never exceed, per owner, venue and side, the opposite size that venue displays at or
 * through the filled price; maker fills from one trade never exceed, per owner and side, the trade's size (one
 * owner's orders queue behind each other); owners are independent; an immediate market order equals a direct
 * walk of the book at t0.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { VenueBooks } from "../../lib/book/venueBooks.ts";
import { priceKey } from "../../lib/core/units.ts";
import { probQueue, riskAverse } from "../../lib/sim/queueModels.ts";
import type { Fill } from "../../lib/sim/types.ts";
import { batch, harness, type Level, ms, type Row } from "./helpers.ts";

const TICK = 0.01;
const px = (ticks: number) => Math.round((100 + ticks * TICK) * 100) / 100;

const levelsArb = fc.array(fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 400 })), {
  minLength: 0,
  maxLength: 3,
});

/** A venue book around a mid (in ticks): bids below, asks above, gaps of 1-2 ticks. */
const bookArb = fc
  .record({ mid: fc.integer({ min: -3, max: 3 }), bids: levelsArb, asks: levelsArb })
  .map(({ mid, bids, asks }) => {
    const side = (lv: [number, number][], dir: 1 | -1): Level[] => {
      let t = mid;
      return lv.map(([gap, size]) => {
        t += dir * gap;
        return [px(t), size] as const;
      });
    };
    return { bids: side(bids, -1), asks: side(asks, 1) };
  });

const rowArb: fc.Arbitrary<Omit<Row, "t">> = fc.oneof(
  fc
    .record({ v: fc.integer({ min: 0, max: 1 }), book: bookArb, last: fc.boolean() })
    .map(({ v, book, last }) => ({
      v,
      action: "M" as const,
      side: "B" as const,
      flags: last ? 0x80 : 0,
      ...book,
    })),
  fc
    .record({
      v: fc.integer({ min: 0, max: 1 }),
      side: fc.constantFrom("A" as const, "B" as const, "N" as const),
      ticks: fc.integer({ min: -6, max: 6 }),
      size: fc.integer({ min: 1, max: 600 }),
    })
    .map(({ v, side, ticks, size }) => ({ v, action: "T" as const, side, price: px(ticks), size, flags: 0 })),
);

const orderArb = fc.record({
  at: fc.integer({ min: 0, max: 39 }),
  owner: fc.integer({ min: 0, max: 2 }),
  market: fc.boolean(),
  side: fc.constantFrom(1 as const, -1 as const),
  venue: fc.integer({ min: 0, max: 1 }),
  ticks: fc.integer({ min: -5, max: 5 }),
  qty: fc.integer({ min: 1, max: 900 }),
  cancelAfter: fc.option(fc.integer({ min: 1, max: 20 })),
});
type OrderSpec = typeof orderArb extends fc.Arbitrary<infer T> ? T : never;

const scenarioArb = fc.record({
  rows: fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), rowArb), { minLength: 5, maxLength: 40 }),
  orders: fc.array(orderArb, { minLength: 1, maxLength: 12 }),
  prob: fc.boolean(),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

interface Outcome {
  fills: Fill[];
  ids: Map<number, OrderSpec>;
  open: Map<number, number>;
  cancelled: Map<number, number>;
  violations: string[];
}

/** Replay a scenario; orders whose owner fails `keep` are not sent. */
function replay(s: Scenario, keep = (_o: number) => true): Outcome {
  let t = 0;
  const rows: Row[] = [
    { t: 0, v: 0, action: "A", bids: [[px(-1), 300]], asks: [[px(1), 300]] },
    { t: 0, v: 1, action: "A", bids: [[px(-1), 200]], asks: [[px(2), 200]] },
    ...s.rows.map(([dt, r]) => ({ ...r, t: (t += dt * 0.5) })),
  ];
  const b = batch(rows);
  const h = harness({ queueModel: s.prob ? probQueue(2) : riskAverse() });
  const out: Outcome = {
    fills: h.fills,
    ids: new Map(),
    open: new Map(),
    cancelled: new Map(),
    violations: [],
  };
  const cancels = new Map<number, number[]>();
  for (let i = 0; i < b.length; i++) {
    for (const o of s.orders) {
      if (o.at !== i || !keep(o.owner)) continue;
      const tNs = b.tsRecv[i]!;
      const id = o.market
        ? h.sim.submitMarket(o.owner, o.side, o.qty, tNs)
        : h.sim.submitLimit(o.owner, o.venue, o.side, px(o.ticks), o.qty, tNs);
      out.ids.set(id, o);
      if (o.cancelAfter !== null) {
        const at = i + o.cancelAfter;
        cancels.set(at, [...(cancels.get(at) ?? []), id]);
      }
    }
    for (const id of cancels.get(i) ?? []) out.cancelled.set(id, h.sim.cancel(id));
    const before = displayed(h.sim.books);
    const n0 = h.fills.length;
    h.sim.onRecord(b, i);
    const after = displayed(h.sim.books);
    const crossQty = new Map<string, { qty: number; pk: number; buy: boolean; v: number }>();
    const tradeQty = new Map<string, number>();
    for (const f of h.fills.slice(n0)) {
      const o = out.ids.get(f.orderId)!;
      if (!Number.isInteger(f.qty) || f.qty <= 0) out.violations.push(`bad qty ${f.qty}`);
      if (f.maker) {
        if (o.market || f.venue !== o.venue || priceKey(f.priceUsd) !== priceKey(px(o.ticks))) {
          out.violations.push(`maker fill away from the order's price/venue ${JSON.stringify(f)}`);
        }
        if (b.action[i] === "T".charCodeAt(0)) {
          const key = `${f.owner}:${o.side}`;
          const q = (tradeQty.get(key) ?? 0) + f.qty;
          tradeQty.set(key, q);
          if (q > b.size[i]!) out.violations.push(`trade of ${b.size[i]} filled owner/side ${key} for ${q}`);
        } else {
          const key = `${f.owner}:${f.venue}:${o.side}`;
          const c = crossQty.get(key) ?? { qty: 0, pk: priceKey(f.priceUsd), buy: o.side === 1, v: f.venue };
          c.qty += f.qty;
          c.pk = c.buy ? Math.min(c.pk, priceKey(f.priceUsd)) : Math.max(c.pk, priceKey(f.priceUsd));
          crossQty.set(key, c);
        }
      } else {
        const key = `${f.venue}:${o.side === 1 ? "A" : "B"}:${priceKey(f.priceUsd)}`;
        if (!before.has(key) && !after.has(key)) out.violations.push(`taker price not displayed: ${key}`);
        if (!o.market && (o.side === 1 ? f.priceUsd > px(o.ticks) + 1e-9 : f.priceUsd < px(o.ticks) - 1e-9)) {
          out.violations.push(`limit order filled beyond its price ${JSON.stringify(f)}`);
        }
      }
    }
    for (const [key, c] of crossQty) {
      const shown = oppositeAtOrThrough(h.sim.books, c.v, c.buy, c.pk);
      if (c.qty > shown) out.violations.push(`quote cross ${key} filled ${c.qty} > displayed ${shown}`);
    }
  }
  for (const id of out.ids.keys()) out.open.set(id, h.sim.openQty(id));
  return out;
}

/** Opposite shares venue `v` displays at or through price key `pk` (asks <= pk for a buy, bids >= pk for a sell). */
function oppositeAtOrThrough(books: VenueBooks, v: number, buy: boolean, pk: number): number {
  let n = 0;
  for (let l = 0; l < books.levels; l++) {
    const i = v * books.levels + l;
    const p = buy ? books.askPx[i]! : books.bidPx[i]!;
    if (Number.isNaN(p)) break;
    if (buy ? priceKey(p) <= pk : priceKey(p) >= pk) n += buy ? books.askSz[i]! : books.bidSz[i]!;
  }
  return n;
}

function displayed(books: VenueBooks): Set<string> {
  const s = new Set<string>();
  for (let v = 0; v < books.maxVenues; v++) {
    for (let l = 0; l < books.levels; l++) {
      const i = v * books.levels + l;
      if (books.bidSz[i]! > 0) s.add(`${v}:B:${priceKey(books.bidPx[i]!)}`);
      if (books.askSz[i]! > 0) s.add(`${v}:A:${priceKey(books.askPx[i]!)}`);
    }
  }
  return s;
}

const OWNERS_COUNTEREXAMPLE: Scenario = {
  rows: [
    [0, { v: 0, action: "M", side: "B", flags: 0, bids: [], asks: [] }],
    [2, { v: 0, action: "M", side: "B", flags: 128, bids: [[100, 1]], asks: [] }],
    [0, { v: 0, action: "M", side: "B", flags: 0, bids: [], asks: [] }],
    [0, { v: 0, action: "M", side: "B", flags: 128, bids: [], asks: [[100.01, 1]] }],
    [0, { v: 0, action: "T", side: "A", price: 100, size: 1, flags: 0 }],
  ],
  orders: [
    { at: 1, owner: 0, market: true, side: 1, venue: 0, ticks: 0, qty: 1, cancelAfter: null },
    { at: 0, owner: 1, market: true, side: -1, venue: 0, ticks: 0, qty: 501, cancelAfter: null },
    { at: 0, owner: 0, market: true, side: 1, venue: 0, ticks: 0, qty: 501, cancelAfter: null },
    { at: 0, owner: 0, market: false, side: 1, venue: 0, ticks: 0, qty: 1, cancelAfter: null },
  ],
  prob: false,
};

describe("simulator properties", () => {
  const stats = { maker: 0, taker: 0 };
  it("conservation: fills never exceed an order; prices existed; filled + open + cancelled = qty", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const r = replay(s);
        stats.maker += r.fills.filter((f) => f.maker).length;
        stats.taker += r.fills.filter((f) => !f.maker).length;
        expect(r.violations).toEqual([]);
        const filled = new Map<number, number>();
        for (const f of r.fills) filled.set(f.orderId, (filled.get(f.orderId) ?? 0) + f.qty);
        for (const [id, o] of r.ids) {
          const got = filled.get(id) ?? 0;
          expect(got).toBeLessThanOrEqual(o.qty);
          expect(got + r.open.get(id)! + (r.cancelled.get(id) ?? 0)).toBe(o.qty);
        }
      }),
      { numRuns: 300 },
    );
    // the generator must exercise both kinds of fills
    expect(stats.maker).toBeGreaterThan(50);
    expect(stats.taker).toBeGreaterThan(50);
  });

  it("owners are independent: an owner's fills do not depend on the other owners' orders", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const all = replay(s);
        const alone = replay(s, (o) => o === 0);
        const mine = (r: Outcome) =>
          r.fills
            .filter((f) => f.owner === 0)
            .map((f) => [r.ids.get(f.orderId), f.venue, f.priceUsd, f.qty, f.maker]);
        expect(mine(alone)).toEqual(mine(all));
      }),
      {
        numRuns: 200,
        // found by this property (1 in a few thousand runs): a market order's remainder that had to wait for
        // liquidity got it before or after the owner's later one depending on whether ANOTHER owner's waiting
        // order finished first (retries ran newest first over a swap-removed list)
        examples: [[OWNERS_COUNTEREXAMPLE]],
      },
    );
  });

  it("an immediate market order equals a direct walk of the book at t0", () => {
    fc.assert(
      fc.property(
        bookArb,
        bookArb,
        fc.constantFrom(1 as const, -1 as const),
        fc.integer({ min: 1, max: 2000 }),
        (b0, b1, side, qty) => {
          const b = batch([
            { t: 0, v: 0, action: "A", ...b0 },
            { t: 0, v: 1, action: "A", ...b1 },
            { t: 5, v: 0, action: "N", flags: 0 },
          ]);
          const h = harness();
          h.feed(b, 0, 2);
          const id = h.sim.submitMarket(1, side, qty, ms(1));
          h.feed(b, 2);
          const levels = [
            ...(side === 1 ? b0.asks : b0.bids).map(([p, s]) => ({ v: 0, p, s })),
            ...(side === 1 ? b1.asks : b1.bids).map(([p, s]) => ({ v: 1, p, s })),
          ].sort((x, y) => side * (priceKey(x.p) - priceKey(y.p)) || x.v - y.v);
          const expected: (number | boolean)[][] = [];
          let left = qty;
          for (const { v, p, s } of levels) {
            if (left === 0) break;
            const q = Math.min(left, s);
            expected.push([id, v, p, q, false]);
            left -= q;
          }
          expect(h.fills.map((f) => [f.orderId, f.venue, f.priceUsd, f.qty, f.maker])).toEqual(expected);
          expect(h.sim.openQty(id)).toBe(left);
        },
      ),
      { numRuns: 300 },
    );
  });
});
