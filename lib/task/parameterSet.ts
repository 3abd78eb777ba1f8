/**
 * The wiring runTask (lib/task/runTask.ts) does for one parameter set of a task (the loaded calibration after
 * one override set): the day's parent orders from the spec, the run-wide risk controls, the execution context
 * the set's parent orders read (router, fees, impact, forecasts, outflow and adverse selection of the set's
 * parameters), and its strategy instances (one per strategy of the spec and impact model of sim.impact).
 */

import type { AlphaKind, AlphaModel } from "../alpha/types.ts";
import { lambdaUsdAt, volumeForecast } from "../calibration/forecasts.ts";
import { type TaskParams, taskAdverseOf, taskOutflowOf } from "../calibration/overrides.ts";
import { adverseHorizonFor } from "../calibration/params.ts";
import { sessionClockToUtcNs, sessionOf } from "../core/calendars.ts";
import { InputError } from "../core/errors.ts";
import { EQUITY_US, feePerUnit, type Instrument } from "../core/instrument.ts";
import type { OutflowDistribution } from "../router/index.ts";
import { venueOutflow } from "../router/venues.ts";
import type { ImpactParams } from "../schedule/index.ts";
import type { ExecutionSim } from "../sim/index.ts";
import { impactModel } from "../sim/registry.ts";
import type { TaskConfig } from "./config.ts";
import type {
  ExecutionContext,
  HaltView,
  ParentOrder,
  ReplayProgress,
  RiskControls,
  StrategyInstance,
} from "./executionTypes.ts";
import { alphaOf as alphaKindOf, makeScheduler, strategyLabel } from "./strategies.ts";
import type { Tape } from "./tape.ts";
import type { TimerQueue } from "./timers.ts";

/**
 * Parent orders of the day from the spec: sizes in shares (units of the instrument) or % of ADV (prior days),
 * start times on the wall clock of the instrument's calendar (a Globex 18:30 is the evening before `date`).
 */
export function resolveParentOrders(
  spec: TaskConfig,
  date: string,
  adv: number,
  instrument: Instrument = EQUITY_US,
): ParentOrder[] {
  const cal = instrument.calendar;
  const session = sessionOf(cal, date);
  const out: ParentOrder[] = [];
  for (const o of spec.orders) {
    const qty = o.shares ?? Math.max(1, Math.round(((o.pct_adv ?? 0) / 100) * adv));
    for (const clock of o.start_times) {
      const startNs = sessionClockToUtcNs(cal, date, clock);
      const endNs = startNs + BigInt(Math.round(o.horizon_min * 60e9));
      if (startNs < session.openNs || endNs > session.closeNs) {
        const name = cal.name === "nyse" ? "regular session" : `${instrument.id} session`;
        throw new InputError(
          `parent order at ${clock} New York with a ${o.horizon_min}-minute horizon is outside the ${name} ` +
            `${cal.name === "nyse" ? "09:30-16:00" : cal.sessionText} (it could not complete on the day's data); move the start time or shorten horizon_min`,
        );
      }
      out.push({
        id: `${o.side}-${qty}-${clock}`,
        side: o.side === "buy" ? 1 : -1,
        qty,
        startNs,
        horizonS: o.horizon_min * 60,
        ...(o.limit_bps !== undefined ? { limitBps: o.limit_bps } : {}),
        ...(o.max_notional_usd !== undefined ? { maxNotionalUsd: o.max_notional_usd } : {}),
      });
    }
  }
  return out;
}

/** The per-decision risk controls of the spec (docs/models.md 7.1); undefined when none of them is on. */
export function riskControlsOf(risk: TaskConfig["risk"]): RiskControls | undefined {
  return risk &&
    (risk.max_spread_bps !== undefined ||
      risk.max_child_shares !== undefined ||
      risk.max_participation !== undefined)
    ? {
        maxSpreadBps: risk.max_spread_bps,
        maxChildShares: risk.max_child_shares,
        maxParticipation: risk.max_participation,
      }
    : undefined;
}

/** What the day shares among its parameter sets: the simulator, the clock, the tape and the market's state. */
export interface DayWiring {
  readonly spec: TaskConfig;
  readonly symbol: string;
  readonly date: string;
  readonly sim: ExecutionSim;
  readonly timers: TimerQueue;
  readonly tape: Tape;
  readonly venueNames: () => readonly string[];
  readonly riskControls: RiskControls | undefined;
  /** The halts parents suspend on (risk.suspend_on_halt); undefined = halts are ignored. */
  readonly halts: HaltView | undefined;
  /** The symbol's instrument (tick, multiplier, fee schedule); absent = the US equity default. */
  readonly instrument?: Instrument;
  /** The replay's progress (runTask's Replay writes it). */
  readonly progress?: ReplayProgress;
}

/**
 * The default venue schedule's taker fee and maker rebate in price units per unit (the router's fallbacks when a
 * venue's own is not at hand); a bps rate counts 0 there (it needs a price).
 */
function defaultFeesPerUnit(day: DayWiring): { taker: number; maker: number } {
  const { spec } = day;
  if (!day.instrument) return { taker: spec.fees.taker_fee_usd, maker: spec.fees.maker_rebate_usd };
  const { taker, maker } = day.instrument.fees.default;
  const m = day.instrument.multiplier;
  return {
    taker: taker.per === "unit" ? feePerUnit(taker, Number.NaN, m) : 0,
    maker: maker.per === "unit" ? feePerUnit(maker, Number.NaN, m) : 0,
  };
}

/**
 * The execution context of one parameter set: the spec's router, fees and timing, and the set's parameters
 * (lambda_usd at a mid, beta, the volume forecast, outflow per venue and side, adverse selection at the
 * markout horizon nearest half the router's horizon, a router half-spread override).
 */
export function executionContext(
  day: DayWiring,
  params: TaskParams,
  sessionOpenNs: bigint,
): ExecutionContext {
  const { spec, sim } = day;
  const outflowCache = new Map<string, OutflowDistribution>();
  const adverseHorizonS = adverseHorizonFor(params.adverseHorizonsS, spec.router.horizon_s);
  const fees = defaultFeesPerUnit(day);
  return {
    sim,
    ...(day.progress ? { progress: day.progress } : {}),
    timers: day.timers,
    tape: day.tape,
    decisionIntervalS: spec.decision_interval_s,
    endGraceS: spec.sim.end_grace_s,
    router: {
      takerFeeUsd: fees.taker,
      thetaUsd: spec.router.theta_usd,
      lambdaU: spec.router.lambda_u_usd,
      lambdaO: spec.router.lambda_o_usd,
      horizonS: spec.router.horizon_s,
      samples: spec.router.samples,
    },
    makerRebateUsd: fees.maker,
    tickSize: day.instrument?.tickSize ?? 0.01,
    lambdaUsdAt: (midUsd: number) => lambdaUsdAt(params, midUsd),
    beta: params.beta,
    advShares: params.adv,
    latencyNs: (tNs: bigint) => sim.latency.entryNs(tNs),
    seed: spec.seed,
    symbol: day.symbol,
    date: day.date,
    venueNames: day.venueNames,
    forecastVolume: volumeForecast(params, sessionOpenNs),
    outflow(venue: string, side: "bid" | "ask"): OutflowDistribution {
      const key = `${venue}|${side}`;
      let d = outflowCache.get(key);
      if (!d) {
        const o = taskOutflowOf(params, venue, side);
        d = venueOutflow(o.samples, o.mean);
        outflowCache.set(key, d);
      }
      return d;
    },
    adverseUsd: (venue: string, side: "bid" | "ask") => taskAdverseOf(params, venue, side, adverseHorizonS),
    ...(params.routerHalfSpreadUsd ? { routerHalfSpreadUsd: params.routerHalfSpreadUsd } : {}),
    ...(day.riskControls ? { risk: day.riskControls } : {}),
    ...(day.halts ? { halts: day.halts } : {}),
  };
}

/**
 * The strategy instances of one parameter set (`setName`, "" = none): every strategy of the spec under each
 * impact model of sim.impact. An impact grid (several models) runs every strategy under each, as owners of their
 * own, labelled .../impact=NAME; a single model leaves the labels unchanged.
 */
export function strategyInstances(
  spec: TaskConfig,
  setName: string,
  alphaOf: (kind: AlphaKind) => AlphaModel,
  forecastVolume: ExecutionContext["forecastVolume"],
): StrategyInstance[] {
  const impactGrid = spec.sim.impact.length > 1;
  // each impact model looked up once for the task, not per parent order
  return spec.sim.impact.map(impactModel).flatMap((overlay) =>
    spec.strategies.map((s) => {
      const alphaKind = alphaKindOf(s);
      const label = strategyLabel(s);
      const setLabel = setName ? `${label}/${setName}` : label;
      return {
        // an override set shows in the label (e.g. "ow/market/lambda_scale=2"), then the impact model of a
        // grid; the random stream stays the strategy's, so parameter sets and impact models are compared
        // on the same router draws
        label: impactGrid ? `${setLabel}/impact=${overlay.name}` : setLabel,
        seedLabel: label,
        name: s.strategy,
        exec: s.exec,
        params: { ...s },
        alpha: alphaOf(alphaKind),
        overlay,
        makeScheduler: (order: ParentOrder, impact: ImpactParams) =>
          makeScheduler(s, impact, spec, order, forecastVolume),
      };
    }),
  );
}
