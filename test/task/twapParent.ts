/**
 * One TWAP parent order driven as runTask drives it (timers, halts, the simulator, the tape) on hand-built
 * books of one venue: the harness of the ParentExecution and risk-control tests.
 */

import { exponentialOutflow } from "../../lib/router/outflow.ts";
import type { ImpactParams } from "../../lib/schedule/types.ts";
import { ExecutionSim } from "../../lib/sim/executionSim.ts";
import { flatFees } from "../../lib/sim/fees.ts";
import { riskAverse } from "../../lib/sim/queueModels.ts";
import { impactModel } from "../../lib/sim/registry.ts";
import {
  type ExecutionContext,
  ParentExecution,
  type ParentOrder,
  type RiskControls,
} from "../../lib/task/execution.ts";
import { HaltTracker } from "../../lib/task/halts.ts";
import { makeScheduler } from "../../lib/task/strategies.ts";
import { Tape } from "../../lib/task/tape.ts";
import { TimerQueue } from "../../lib/task/timers.ts";
import { batch, type Level, ms, type Row } from "../sim/helpers.ts";

/** Taker fee of the harness's venue, $ per share. */
const TAKER = 0.003;

/** Quotes every 100 ms over [fromMs, untilMs] (one venue), `asks` possibly empty. */
export function quotes(
  fromMs: number,
  untilMs: number,
  bids: readonly Level[],
  asks: readonly Level[],
): Row[] {
  const rows: Row[] = [];
  for (let t = fromMs; t <= untilMs; t += 100) rows.push({ t, action: "A", side: "B", bids, asks });
  return rows;
}

export interface TwapRun {
  pe: ParentExecution;
  halts: HaltTracker;
}

export interface TwapRunOptions {
  routerHorizonS?: number;
  endGraceS?: number;
  risk?: RiskControls;
  /** the parent suspends during halts (risk.suspend_on_halt) */
  suspend?: boolean;
  maxGapS?: number;
  /** ADV, shares (the sqrt overlay reference is 1% of it) */
  advShares?: number;
}

/** Run a twap/`exec` parent `order` over `rows`; decisions every second, router horizon 0.5 s by default. */
export function runTwapParent(
  exec: "market" | "sor",
  rows: Row[],
  order: ParentOrder,
  opts: TwapRunOptions = {},
): TwapRun {
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
  const halts = new HaltTracker(opts.maxGapS !== undefined ? ms(opts.maxGapS * 1000) : undefined);
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
    advShares: opts.advShares ?? 1_000_000,
    seed: 1,
    symbol: "T",
    date: "2024-03-04",
    venueNames: () => ["V0"],
    forecastVolume: () => 1000,
    outflow: () => exponentialOutflow(100_000),
    adverseUsd: () => 0,
    ...(opts.risk ? { risk: opts.risk } : {}),
    ...(opts.suspend ? { halts } : {}),
  };
  const strategy = {
    label: `twap/${exec}`,
    name: "twap",
    exec,
    params: {},
    alpha: { kind: "none", lookAhead: false, onRecord() {}, forecast: () => ({ moveUsd: 0, timescaleS: 0 }) },
    overlay: impactModel("none"),
    makeScheduler: (o: ParentOrder, impact: ImpactParams) =>
      makeScheduler({ strategy: "twap", exec }, impact, { decision_interval_s: 1 }, o, () => 1000),
  };
  const pe = new ParentExecution(0, order, strategy, ctx);
  const b = batch(rows);
  for (let i = 0; i < b.length; i++) {
    if (b.tsRecv[i]! >= timers.nextNs) timers.fireUntil(b.tsRecv[i]!);
    halts.beforeRecord(b.tsRecv[i]!);
    sim.onRecord(b, i);
    halts.afterRecord(b, i, sim.books);
    tape.onRecord(b, i);
  }
  timers.drain();
  pe.haltedS = halts.haltedSIn(order.startNs, pe.windowEndNs, ms(1e9));
  return { pe, halts };
}
