/**
 * One parent order executed by ParentExecution against the real simulator on hand-made books: the decision
 * loop (one child per decision interval), market children, router children with catch-up at the router
 * horizon, fills routed back, and the cancel of what is left after the window and its grace.
 */
import { describe, expect, it } from "vitest";
import type { ParentExecution, ParentOrder } from "../../lib/task/execution.ts";
import { type Level, ms, type Row } from "../sim/helpers.ts";
import { quotes as quotesBetween, runTwapParent } from "./twapParent.ts";

/** Quotes every 100 ms from 0 to `untilMs` (one venue), `asks` possibly empty. */
const quotes = (untilMs: number, bids: readonly Level[], asks: readonly Level[]) =>
  quotesBetween(0, untilMs, bids, asks);

const run = (
  exec: "market" | "sor",
  rows: Row[],
  order: ParentOrder,
  opts: { routerHorizonS?: number; endGraceS?: number } = {},
): ParentExecution => runTwapParent(exec, rows, order, opts).pe;

const order = (qty: number): ParentOrder => ({ id: "buy", side: 1, qty, startNs: ms(50), horizonS: 3 });

describe("ParentExecution", () => {
  it("decides once per interval and sends each child as a market order that fills at the ask", () => {
    const pe = run("market", quotes(6000, [[100, 500]], [[100.01, 1000]]), order(300));
    expect(pe.children.map((c) => [c.index, c.tsNs, c.qty, c.marketQty, c.limitQty])).toEqual([
      [0, ms(50), 100, 100, 0],
      [1, ms(1050), 100, 100, 0],
      [2, ms(2050), 100, 100, 0],
    ]);
    // each child arrives 1 ms later and fills on the next record (every 100 ms)
    expect(pe.fills.map((f) => [f.tsNs, f.priceUsd, f.qty, f.maker, f.catchUp])).toEqual([
      [ms(51), 100.01, 100, false, false],
      [ms(1051), 100.01, 100, false, false],
      [ms(2051), 100.01, 100, false, false],
    ]);
    expect(pe.filled).toBe(300);
    expect(pe.cancelledQty).toBe(0);
    expect(pe.arrivalMid).toBeCloseTo(100.005, 10);
  });

  it("router children rest as limits; at the router horizon the unfilled rest is sent as a catch-up market order", () => {
    // nobody trades, so the limits at the bid never fill: every share is caught up
    const pe = run("sor", quotes(6000, [[100, 10]], [[100.01, 1000]]), order(300));
    expect(pe.children).toHaveLength(3);
    for (const c of pe.children) expect(c.marketQty + c.limitQty).toBe(c.qty);
    const limits = pe.children.reduce((s, c) => s + c.limitQty, 0);
    expect(limits).toBeGreaterThan(0);
    const caught = pe.fills.filter((f) => f.catchUp);
    expect(caught.reduce((s, f) => s + f.qty, 0)).toBe(limits);
    // a catch-up is sent 0.5 s after its child and fills at the ask (taker)
    for (const f of caught) expect([f.maker, f.priceUsd]).toEqual([false, 100.01]);
    expect(pe.filled).toBe(300);
  });

  it("what cannot fill by the end of the window plus grace is cancelled (fill rate < 1)", () => {
    // 50 shares offered and never refilled (the pure replay keeps them consumed): the rest waits for
    // liquidity that never comes
    const pe = run("market", quotes(8000, [[100, 500]], [[100.01, 50]]), order(300), { endGraceS: 1 });
    expect(pe.children.map((c) => c.qty)).toEqual([100, 100, 100]);
    expect(pe.filled).toBe(50);
    expect(pe.cancelledQty).toBe(250);
  });

  it("no child is sent while the book is one-sided (docs/models.md 8): nothing is queued for later", () => {
    const pe = run("market", quotes(8000, [[100, 500]], []), order(300), { endGraceS: 1 });
    expect(pe.children).toEqual([]);
    expect(pe.fills).toEqual([]);
    expect(pe.filled).toBe(0);
  });

  it("fills update the parent's own impact state and the interval participation", () => {
    const rows = quotes(6000, [[100, 500]], [[100.01, 1000]]);
    // market volume: a 1000-share trade in each interval
    for (const t of [500, 1500, 2500]) rows.push({ t, action: "T", side: "A", price: 100, size: 1000 });
    rows.sort((a, b) => a.t - b.t);
    const pe = run("market", rows, order(300));
    expect(pe.filled).toBe(300);
    // 100 shares of ours per interval against 1000 traded: our market fills are not in the data's volume,
    // so participation = 100 / (1000 + 100)
    expect(pe.maxParticipation).toBeCloseTo(100 / 1100, 12);
    // the impact state grew with each child: the later children saw a positive own impact
    expect(pe.children[0]!.impactUsd).toBe(0);
    expect(pe.children[1]!.impactUsd).toBeGreaterThan(0);
  });

  it("markouts on a book whose mid never moves: + half-spread for a market fill at the touch, - for a passive fill at the best", () => {
    // bid 100 x 10 (a short queue: the router posts there), ask 100.01; sellers hit the bid every 100 ms
    const rows = quotes(6000, [[100, 10]], [[100.01, 1000]]);
    for (let t = 20; t < 6000; t += 100)
      rows.push({ t, action: "T", side: "A", price: 100, size: 40, flags: 0 });
    rows.sort((a, b) => a.t - b.t);
    const pe = run("sor", rows, order(300));
    const mid = 100.005;
    const passive = pe.fills.findIndex((f) => f.maker);
    const market = pe.fills.findIndex((f) => !f.maker);
    expect(passive).toBeGreaterThanOrEqual(0);
    // the 1-s markout of each (the data ends at 6 s; impact none: m~ = m)
    const bps = (i: number) => ((pe.fills[i]!.priceUsd - pe.markouts.midAt(i, 0)) / mid) * 1e4;
    expect(pe.markouts.midAt(passive, 0)).toBeCloseTo(mid, 12);
    expect(bps(passive)).toBeCloseTo((-0.005 / mid) * 1e4, 9);
    if (market >= 0) expect(bps(market)).toBeCloseTo((0.005 / mid) * 1e4, 9);
  });
});
