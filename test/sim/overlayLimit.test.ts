/**
 * A parent's limit price applies to the IMPACTED price under an overlay (docs/models.md 6.6 and the "Limit under
 * the overlay" oracle of section 9): no fill's replay price + overlay per share passes the limit, for random
 * books, trades, orders and impact models; a market order is cut to the largest quantity within the limit
 * (hand-computed), and the owner's walk is per book under an overlay (6.1).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { linearImpact, OwnerPricing, sqrtImpact } from "../../lib/sim/index.ts";
import { probQueue } from "../../lib/sim/queueModels.ts";
import type { Fill } from "../../lib/sim/types.ts";
import { batch, harness, type Level, ms, type Row } from "./helpers.ts";

const px = (ticks: number) => Math.round((100 + ticks * 0.01) * 100) / 100;

const levelsArb = fc.array(fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 3000 })), {
  minLength: 1,
  maxLength: 3,
});

const rowArb: fc.Arbitrary<Omit<Row, "t">> = fc.oneof(
  fc
    .record({
      v: fc.integer({ min: 0, max: 1 }),
      mid: fc.integer({ min: -3, max: 3 }),
      b: levelsArb,
      a: levelsArb,
    })
    .map(({ v, mid, b, a }) => {
      const side = (lv: [number, number][], dir: 1 | -1): Level[] => {
        let t = mid;
        return lv.map(([gap, size]) => [px((t += dir * gap)), size] as const);
      };
      return { v, action: "M" as const, bids: side(b, -1), asks: side(a, 1) };
    }),
  fc
    .record({
      v: fc.integer({ min: 0, max: 1 }),
      side: fc.constantFrom("A" as const, "B" as const),
      ticks: fc.integer({ min: -5, max: 5 }),
      size: fc.integer({ min: 1, max: 2000 }),
    })
    .map(({ v, side, ticks, size }) => ({ v, action: "T" as const, side, price: px(ticks), size, flags: 0 })),
);

const ownerArb = fc.record({
  model: fc.constantFrom("linear", "sqrt"),
  lambda: fc.double({ min: 1e-7, max: 1e-4, noNaN: true }),
  side: fc.constantFrom(1 as const, -1 as const),
  limitTicks: fc.integer({ min: 0, max: 6 }),
  orders: fc.array(
    fc.record({
      at: fc.integer({ min: 0, max: 29 }),
      market: fc.boolean(),
      venue: fc.integer({ min: 0, max: 1 }),
      ticks: fc.integer({ min: -3, max: 3 }),
      qty: fc.integer({ min: 1, max: 5000 }),
    }),
    { minLength: 1, maxLength: 6 },
  ),
});

describe("limit on the impacted price (docs/models.md 6.6)", () => {
  it("no fill's replay price + overlay per share passes the owner's limit (random books, orders, models)", () => {
    let fills = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), rowArb), { minLength: 5, maxLength: 30 }),
        fc.array(ownerArb, { minLength: 1, maxLength: 3 }),
        (rowSpecs, owners) => {
          let t = 0;
          const rows: Row[] = [
            { t: 0, v: 0, action: "A", bids: [[px(-1), 3000]], asks: [[px(1), 3000]] },
            { t: 0, v: 1, action: "A", bids: [[px(-1), 2000]], asks: [[px(2), 2000]] },
            ...rowSpecs.map(([dt, r]) => ({ ...r, t: (t += 500 * dt) })),
          ];
          const b = batch(rows);
          const h = harness({ queueModel: probQueue(2) });
          const limits = owners.map((o, k) => {
            const make = o.model === "linear" ? linearImpact : sqrtImpact;
            const pricing = new OwnerPricing(
              make({ lambdaUsd: o.lambda, beta: Math.LN2 / 300, qRefShares: 1000 }),
              o.side,
            );
            // the limit: limitTicks beyond the initial touch on the side the owner takes
            pricing.limitUsd = o.side === 1 ? px(1 + o.limitTicks) : px(-1 - o.limitTicks);
            h.sim.setPricing(k, pricing);
            return pricing.limitUsd;
          });
          for (let i = 0; i < b.length; i++) {
            owners.forEach((o, k) => {
              for (const spec of o.orders) {
                if (spec.at !== i) continue;
                const tNs = b.tsRecv[i]!;
                const lim = limits[k]!;
                if (spec.market) h.sim.submitMarket(k, o.side, spec.qty, tNs, lim);
                else {
                  const p = px(spec.ticks);
                  const price = o.side === 1 ? Math.min(p, lim) : Math.max(p, lim);
                  h.sim.submitLimit(k, spec.venue, o.side, price, spec.qty, tNs);
                }
              }
            });
            h.sim.onRecord(b, i);
          }
          const paid = owners.map(() => 0);
          for (const f of h.fills) {
            const side = owners[f.owner]!.side;
            const impacted = f.priceUsd + side * f.impactUsd;
            expect(side * (impacted - limits[f.owner]!)).toBeLessThanOrEqual(1e-9);
            paid[f.owner]! += f.qty * f.impactUsd;
          }
          // a deep fill may carry a negative overlay (its walk repays own jump charged to the block's shallower
          // fills), but an owner's overlay in all is Q F(Y) + max(0, C_own - W) per block: never negative
          for (const v of paid) expect(v).toBeGreaterThanOrEqual(-1e-9);
          fills += h.fills.length;
        },
      ),
      { numRuns: 200 },
    );
    expect(fills).toBeGreaterThan(200); // the property was exercised on real fills
  });

  it("a market buy is cut where its last share reaches the limit: 100.01 + lambda (2n - 1) / 2 <= 100.02 -> n = 1000", () => {
    const rows: Row[] = [
      { t: 0, asks: [[100.01, 100_000]], bids: [[99.99, 100_000]] },
      { t: 10, asks: [[100.01, 100_000]], bids: [[99.99, 100_000]] },
      { t: 20, asks: [[100.01, 100_000]], bids: [[99.99, 100_000]] },
    ];
    const b = batch(rows);
    const h = harness({ maxVenues: 1 });
    const lambda = 1e-5;
    const pricing = new OwnerPricing(linearImpact({ lambdaUsd: lambda, beta: 1e-9, qRefShares: 1 }), 1);
    pricing.limitUsd = 100.02;
    h.sim.setPricing(0, pricing);
    h.sim.submitMarket(0, 1, 5000, 0n, 100.02);
    h.feed(b);
    const first = h.fills[0] as Fill;
    // the 1000th share's own jump lambda (2 x 1000 - 1) / 2 = 0.009995 keeps it within 100.02; the 1001st not
    expect(first.qty).toBe(1000);
    expect(first.priceUsd + first.impactUsd).toBeCloseTo(100.01 + (1e-5 * 1000) / 2, 9);
    expect(pricing.held).toBe(true);
    // the next book: Y = 1000 costs lambda x 1000 = 0.01 per share, at the limit already: nothing more fills
    expect(h.fills).toHaveLength(1);
    expect(h.sim.openQty(1)).toBe(4000);
  });

  it("what a limit admits does not depend on how a block is split into orders", () => {
    const book = {
      asks: [[100.01, 100_000]] as [number, number][],
      bids: [[99.99, 100_000]] as [number, number][],
    };
    const admitted = (orders: number[]) => {
      const h = harness({ maxVenues: 1 });
      const pricing = new OwnerPricing(linearImpact({ lambdaUsd: 1e-5, beta: 1e-9, qRefShares: 1 }), 1);
      pricing.limitUsd = 100.02;
      h.sim.setPricing(0, pricing);
      for (const q of orders) h.sim.submitMarket(0, 1, q, 0n, 100.02);
      h.feed(
        batch([
          { t: 0, ...book },
          { t: 10, ...book },
        ]),
      );
      return h.fills.reduce((a, f) => a + f.qty, 0);
    };
    expect(admitted([5000])).toBe(1000);
    expect(admitted([1000, 1000, 1000, 1000, 1000])).toBe(1000);
    expect(admitted([300, 300, 300, 300, 300])).toBe(1000);
  });

  it("without a limit the same order fills whole on the first book and pays the own jump lambda Q^2 / 2", () => {
    const b = batch([{ t: 0, asks: [[100.01, 100_000]], bids: [[99.99, 100_000]] }, { t: 10 }]);
    const h = harness({ maxVenues: 1 });
    const pricing = new OwnerPricing(linearImpact({ lambdaUsd: 1e-5, beta: 1e-9, qRefShares: 1 }), 1);
    h.sim.setPricing(0, pricing);
    h.sim.submitMarket(0, 1, 5000, 0n);
    h.feed(b);
    expect(h.fills.map((f) => f.qty)).toEqual([5000]);
    expect(h.fills[0]!.impactUsd * 5000).toBeCloseTo((1e-5 * 5000 * 5000) / 2, 9);
    expect(h.fills[0]!.bestUsd).toBe(100.01);
    expect(h.fills[0]!.midUsd).toBeCloseTo(100, 12);
  });

  it("under an overlay the owner walks each new book as displayed; under none consumed shares stay consumed", () => {
    const rows: Row[] = [
      { t: 0, asks: [[100.01, 300]], bids: [[99.99, 300]] },
      { t: 10, asks: [[100.01, 300]], bids: [[99.99, 300]] },
      { t: 20, asks: [[100.01, 300]], bids: [[99.99, 300]] },
    ];
    const withOverlay = harness({ maxVenues: 1 });
    withOverlay.sim.setPricing(
      0,
      new OwnerPricing(linearImpact({ lambdaUsd: 1e-6, beta: 0.01, qRefShares: 1 }), 1),
    );
    withOverlay.sim.submitMarket(0, 1, 800, ms(-1));
    withOverlay.feed(batch(rows));
    // 300 on each of the three books (book 1 at arrival, books 2 and 3 as displayed)
    expect(withOverlay.fills.map((f) => f.qty)).toEqual([300, 300, 200]);
    const pure = harness({ maxVenues: 1 });
    pure.sim.submitMarket(0, 1, 800, ms(-1));
    pure.feed(batch(rows));
    // the unchanged level stays consumed: only the first 300
    expect(pure.fills.map((f) => f.qty)).toEqual([300]);
  });

  it("two venues: another venue's new book starts a new block, and the next block walks the national book as displayed", () => {
    // venue 0 shows 100 shares at 100.00 then 10,000 at 100.10; venue 1 is far away and only updates
    const rows: Row[] = [
      {
        t: 0,
        v: 0,
        asks: [
          [100, 100],
          [100.1, 10_000],
        ],
        bids: [[99.9, 1000]],
      },
      { t: 0, v: 1, asks: [[101, 1000]], bids: [[99, 1000]] },
      { t: 10, v: 1 },
      { t: 20, v: 1 },
    ];
    const b = batch(rows);
    const h = harness({ maxVenues: 2 });
    const lambda = 1e-5;
    h.sim.setPricing(0, new OwnerPricing(linearImpact({ lambdaUsd: lambda, beta: 1e-9, qRefShares: 1 }), 1));
    h.sim.submitMarket(0, 1, 100, 0n);
    h.feed(b, 0, 3); // the order takes venue 0's 100 shares at 100.00; venue 1's book at t = 10 is a new book
    h.sim.submitMarket(0, 1, 100, ms(10));
    h.feed(b, 3, 4);
    expect(h.fills.map((f) => [f.priceUsd, f.qty])).toEqual([
      [100, 100],
      [100, 100],
    ]);
    // the second block: Q F(Y) with Y = 100 from the first, plus its own jump (no walk beyond the best)
    expect(h.fills[1]!.impactUsd * 100).toBeCloseTo(100 * lambda * 100 + (lambda * 100 * 100) / 2, 9);
  });

  it("an own limit fill between two market orders on one book does not split their block", () => {
    // one venue: ask 100.00 x 300 then 100.04 x 10,000; our resting buy at 99.99 is hit between the two market
    // orders; no F_LAST record in between, so both orders and the limit fill meet the same book
    const book = {
      asks: [
        [100, 300],
        [100.04, 10_000],
      ] as [number, number][],
      bids: [[99.99, 500]] as [number, number][],
    };
    const rows: Row[] = [
      { t: -10, ...book },
      { t: 1, action: "T", side: "A", price: 99.99, size: 600, flags: 0 },
      { t: 2, action: "N", flags: 0 },
    ];
    const priced = (withLimit: boolean) => {
      const h = harness({ maxVenues: 1 });
      h.sim.setPricing(0, new OwnerPricing(linearImpact({ lambdaUsd: 1e-6, beta: 1e-9, qRefShares: 1 }), 1));
      const b = batch(rows);
      h.feed(b, 0, 1);
      if (withLimit) h.sim.submitLimit(0, 0, 1, 99.99, 10, ms(-9));
      h.sim.submitMarket(0, 1, 300, ms(0));
      h.feed(b, 1, 2);
      h.sim.submitMarket(0, 1, 300, ms(1));
      h.feed(b, 2, 3);
      expect(h.fills.filter((f) => f.maker).length).toBe(withLimit ? 1 : 0);
      const market = h.fills.filter((f) => !f.maker);
      expect(market.reduce((a, f) => a + f.qty, 0)).toBe(600);
      return market.reduce((a, f) => a + f.qty * f.impactUsd, 0);
    };
    // the two market orders are one block of 600 either way: its own jump lambda 600^2 / 2 = 0.18 is below its
    // walk (300 x 0.04 = 12), so the block pays Q F(Y) = 0 from a fresh state; the limit fill's volume joins Y
    // after the block and does not restart its own jump
    expect(priced(false)).toBeCloseTo(0, 12);
    expect(priced(true)).toBeCloseTo(0, 12);
  });
});
