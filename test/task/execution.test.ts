/**
 * One parent order executed by ParentExecution against the real simulator on hand-made books: the decision
 * loop (one child per decision interval), market children, router children with catch-up at the router
 * horizon, fills routed back, and the cancel of what is left after the window and its grace.
 */
import { describe, expect, it } from "vitest";
import { exponentialOutflow } from "../../lib/router/outflow.ts";
import type { ImpactParams } from "../../lib/schedule/types.ts";
import { ExecutionSim } from "../../lib/sim/executionSim.ts";
import { flatFees } from "../../lib/sim/fees.ts";
import { riskAverse } from "../../lib/sim/queueModels.ts";
import { type ExecutionContext, ParentExecution, type ParentOrder } from "../../lib/task/execution.ts";
import { makeScheduler } from "../../lib/task/strategies.ts";
import { Tape } from "../../lib/task/tape.ts";
import { TimerQueue } from "../../lib/task/timers.ts";
import { batch, type Level, ms, type Row } from "../sim/helpers.ts";

const TAKER = 0.003;

/** Quotes every 100 ms from 0 to `untilMs` (one venue), `asks` possibly empty. */
function quotes(untilMs: number, bids: readonly Level[], asks: readonly Level[]): Row[] {
  const rows: Row[] = [];
  for (let t = 0; t <= untilMs; t += 100) rows.push({ t, action: "A", side: "B", bids, asks });
  return rows;
}

function run(
  exec: "market" | "sor",
  rows: Row[],
  order: ParentOrder,
  opts: { routerHorizonS?: number; endGraceS?: number } = {},
): ParentExecution {
  const sim = new ExecutionSim({
    maxVenues: 1,
    levels: 3,
    latencyNs: 1_000_000n,
    queueModel: riskAverse(),
    fees: flatFees(TAKER, 0.002),
    onFill: (f) => pe.onFill(f),
  });
  const timers = new TimerQueue();
  const tape = new Tape();
  const ctx: ExecutionContext = {
    sim,
    timers,
    tape,
    decisionIntervalS: 1,
    endGraceS: opts.endGraceS ?? 1,
    router: {
      takerFeeUsd: TAKER,
      thetaUsd: 0.0005,
      lambdaU: 0.05,
      lambdaO: 0.05,
      horizonS: opts.routerHorizonS ?? 0.5,
      samples: 200,
    },
    makerRebateUsd: 0.002,
    lambdaUsdAt: () => 1e-6,
    beta: Math.LN2 / 60,
    seed: 1,
    symbol: "T",
    date: "2024-03-04",
    venueNames: () => ["V0"],
    forecastVolume: () => 1000,
    outflow: () => exponentialOutflow(100_000),
    adverseUsd: () => 0,
  };
  const strategy = {
    label: `twap/${exec}`,
    name: "twap",
    exec,
    params: {},
    alpha: { kind: "none", lookAhead: false, onRecord() {}, forecast: () => ({ moveUsd: 0, timescaleS: 0 }) },
    makeScheduler: (o: ParentOrder, impact: ImpactParams) =>
      makeScheduler({ strategy: "twap", exec }, impact, { decision_interval_s: 1 }, o, () => 1000),
  };
  const pe = new ParentExecution(0, order, strategy, ctx);
  const b = batch(rows);
  for (let i = 0; i < b.length; i++) {
    if (b.tsRecv[i]! >= timers.nextNs) timers.fireUntil(b.tsRecv[i]!);
    sim.onRecord(b, i);
    tape.onRecord(b, i);
  }
  timers.drain();
  return pe;
}

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
    // no ask at all: the market children wait for liquidity that never comes
    const pe = run("market", quotes(8000, [[100, 500]], []), order(300), { endGraceS: 1 });
    expect(pe.children.map((c) => c.qty)).toEqual([100, 100, 100]);
    expect(pe.fills).toEqual([]);
    expect(pe.filled).toBe(0);
    expect(pe.cancelledQty).toBe(300);
  });

  it("fills update the parent's own impact state and the interval participation", () => {
    const rows = quotes(6000, [[100, 500]], [[100.01, 1000]]);
    // market volume: a 1000-share trade in each interval
    for (const t of [500, 1500, 2500]) rows.push({ t, action: "T", side: "A", price: 100, size: 1000 });
    rows.sort((a, b) => a.t - b.t);
    const pe = run("market", rows, order(300));
    expect(pe.filled).toBe(300);
    // 100 shares of ours per interval against 1000 traded
    expect(pe.maxParticipation).toBeCloseTo(0.1, 12);
    // the impact state grew with each child: the later children saw a positive own impact
    expect(pe.children[0]!.impactUsd).toBe(0);
    expect(pe.children[1]!.impactUsd).toBeGreaterThan(0);
  });
});
