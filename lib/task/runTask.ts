/**
 * runTask: the ONE place that composes stream -> calibrate -> schedule -> route -> simulate for one
 * symbol-day (STYLE.md). One pass over the data: (a) this day's calibration accumulates (stored for LATER
 * days), (b) the prior-day calibration parameterises the models, (c) every strategy x parent order runs at
 * the same time against the simulator, each as an independent owner, (d) result rows come back.
 * The only extra pass is for the oracle alpha (labelled look-ahead), which needs the day's mid path first.
 */
import { ALPHA_MODELS, createAlpha } from "../alpha/registry.ts";
import type { AlphaKind, AlphaModel } from "../alpha/types.ts";
import { DayCalibrator } from "../calibration/dayCalibrator.ts";
import {
  applyOverrides,
  overrideSetName,
  overrideVenues,
  type TaskParams,
} from "../calibration/overrides.ts";
import { type CalibrationParams, type PriorCalibrations, paramsFromPrior } from "../calibration/params.ts";
import type { DayCalibration, MidPath } from "../calibration/types.ts";
import { sessionOf } from "../core/calendars.ts";
import { DataFormatError, InputError } from "../core/errors.ts";
import { checkDate, checkSymbol } from "../core/ids.ts";
import { resolveInstrument } from "../core/instrument.ts";
import { paramValues } from "../core/registry.ts";
import type { DataQuality } from "../mbp10/quality.ts";
import { Flag, type Mbp10Batch } from "../mbp10/schema.ts";
import type { InputFormat, StreamInput } from "../mbp10/stream.ts";
import { MAX_VENUES } from "../mbp10/venues.ts";
import type { ByteSource } from "../ports/byteSource.ts";
import { ExecutionSim, instrumentFees } from "../sim/index.ts";
import type { QueueCheckResult } from "../sim/queueCheck.ts";
import { calibratedQueue, LATENCY_MODELS, l2QueueModelNames, QUEUE_MODELS } from "../sim/registry.ts";
import type { TaskConfig } from "./config.ts";
import {
  type ExecutionContext,
  ParentExecution,
  type ParentOrder,
  type StrategyInstance,
} from "./execution.ts";
import { ReplayProgress } from "./executionTypes.ts";
import { HaltTracker } from "./halts.ts";
import {
  type DayWiring,
  executionContext,
  resolveParentOrders,
  riskControlsOf,
  strategyInstances,
} from "./parameterSet.ts";
import { DEFAULT_QUEUE_CHECK, dayQueueCheck, type QueueCheckSettings, queueChoiceOf } from "./queueChoice.ts";
import { closeSources, openReplay } from "./replayInput.ts";
import { resultRows, type TaskRows } from "./rows.ts";
import { alphaOf as alphaKindOf } from "./strategies.ts";
import { Tape } from "./tape.ts";
import { TimerQueue } from "./timers.ts";

export type { InputFormat } from "../mbp10/stream.ts";

// resolveParentOrders lived here: re-exported for its importers
export { resolveParentOrders } from "./parameterSet.ts";

export interface TaskInput {
  readonly symbol: string;
  readonly date: string;
  /** The day's MBP-10 inputs (one per venue, or one multi-publisher file), or its one MBO file (`format`). */
  readonly sources: readonly (ByteSource | StreamInput)[];
  /**
   * mbp10 (default) or mbo: one MBO Parquet file, replayed as the MBP-10 derived from it with its records fed
   * to the queue model (l3_fifo follows the real FIFO queues; docs/models.md 6.7).
   */
  readonly format?: InputFormat;
  readonly spec: TaskConfig;
  /**
   * The calibration records of the days before this one (the caller loads them: lib/store/lookback.ts
   * loadPriorCalibrations with the spec's lookback_days and max_age_days). None: the documented defaults.
   */
  readonly prior: PriorCalibrations;
  /** Progress callback: rows replayed so far and in all. */
  readonly onProgress?: (rows: number, total: number) => void;
  /**
   * Accumulate this day's calibration in the same pass and return it (default true; the caller stores it for
   * later days). A sweep's backtest (wave 2) passes false when wave 1 already wrote the record: the pass then
   * skips the calibration statistics, about a fifth of its work, and the result has no `calibration`.
   */
  readonly calibrate?: boolean;
  /**
   * MBO input: run the queue check (docs/models.md 6.7) with these settings and return it (TaskResult.queueCheck).
   * Without it, a task that calibrates MBO input runs it with DEFAULT_QUEUE_CHECK for the record's queue choice.
   */
  readonly queueCheck?: QueueCheckSettings;
}

/** One parameter set of a task: the loaded parameters after one override set (name "" = none). */
export interface ParameterSet {
  readonly name: string;
  readonly params: TaskParams;
}

export interface TaskResult extends TaskRows {
  /** This day's calibration, for the caller to store (undefined when the input said `calibrate: false`). */
  readonly calibration: DayCalibration | undefined;
  /** The parameters of the first (usually the only) parameter set. */
  readonly params: TaskParams;
  /** Every parameter set the strategies ran with (spec calibration.overrides; one when there is none). */
  readonly parameterSets: readonly ParameterSet[];
  readonly quality: DataQuality;
  readonly venues: readonly string[];
  /** The queue model the simulator used; for `calibrated`, the model chosen and why. */
  readonly queueModel: { readonly name: string; readonly reason?: string };
  /** The day's queue check (MBO input that calibrates or asks for one; undefined otherwise). */
  readonly queueCheck: QueueCheckResult | undefined;
}

/** The same inputs without their close(): the look-ahead pre-pass must leave them open for the main pass. */
function keepOpen(sources: TaskInput["sources"]): (ByteSource | StreamInput)[] {
  return sources.map((s) => {
    const src = "source" in s ? s.source : s;
    const open: ByteSource = { name: src.name, size: src.size, read: src.read.bind(src) };
    return "source" in s ? { ...s, source: open } : open;
  });
}

async function recordMidPath(input: TaskInput): Promise<MidPath> {
  const { stream } = await openReplay(keepOpen(input.sources), { ...input, releaseBatches: false });
  try {
    const instrument = resolveInstrument(input.spec.instruments, input.symbol, input.spec.fees);
    const cal = new DayCalibrator({
      symbol: input.symbol,
      date: input.date,
      venues: stream.venues,
      session: sessionOf(instrument.calendar, input.date),
    });
    for await (const b of stream.batches()) cal.observe(b);
    return cal.finish().midPath;
  } finally {
    await stream.close();
  }
}

/**
 * The parents of `list` still waiting for their arrival mid at t (t inside their window), in order. A plain
 * function rather than a closure over the record loop's t: a closure would put t in a context allocated per
 * record (with its BigInt boxed).
 */
function stillAwaiting(list: readonly ParentExecution[], t: bigint): ParentExecution[] {
  const out: ParentExecution[] = [];
  for (const e of list) if (e.awaitingArrival && t <= e.windowEndNs) out.push(e);
  return out;
}

/**
 * The per-record loop of the one pass (a class of its own so that the hot loop is a small function V8
 * optimises once, not an on-stack replacement of the whole of runTask at every task). Per record: timers due,
 * halts, the simulator, arrival mids of parents still waiting for one, the tape, the alpha models; and
 * `max_gap_s`: the longest stretch of the session without a record (from the open, to the close), in ns from
 * the open as a double (exact: a session is far below 2^53 ns), with ts_recv read as two 32-bit halves
 * (little-endian int64) so that no BigInt is computed per record.
 */
class Replay {
  readonly closeRel: number;
  private lastInSession = 0;
  private maxGapNs = 0;
  readonly openHi: number;
  readonly openLo: number;
  /** parents whose t0 saw no two-sided book: their arrival mid is the first two-sided book after t0 (models 8) */
  private awaiting: ParentExecution[] = [];

  constructor(
    session: { readonly openNs: bigint; readonly closeNs: bigint },
    readonly timers: TimerQueue,
    readonly sim: ExecutionSim,
    readonly halts: HaltTracker,
    readonly tape: Tape,
    readonly alphas: readonly AlphaModel[],
    private readonly executions: readonly ParentExecution[],
    readonly progress: ReplayProgress,
  ) {
    this.openHi = Number(session.openNs >> 32n);
    this.openLo = Number(session.openNs & 0xffffffffn);
    this.closeRel = Number(session.closeNs - session.openNs);
  }

  batch(b: Mbp10Batch): void {
    const { timers, sim, halts, tape, alphas, openHi, openLo, closeRel, progress } = this;
    const ts = b.tsRecv;
    const halves = new Uint32Array(ts.buffer, ts.byteOffset, b.length * 2);
    let lastInSession = this.lastInSession;
    let maxGapNs = this.maxGapNs;
    for (let i = 0; i < b.length; i++) {
      // rel: ns from the open, exact in a double; BigInt ts_recv is read only where a bigint is needed
      const rel = (halves[2 * i + 1]! - openHi) * 4294967296 + (halves[2 * i]! - openLo);
      if (rel >= 0 && rel <= closeRel) {
        if (rel - lastInSession > maxGapNs) maxGapNs = rel - lastInSession;
        lastInSession = rel;
      }
      if (rel >= timers.nextRel) {
        const t = ts[i]!;
        timers.fireUntil(t);
        this.awaiting = stillAwaiting(this.executions, t);
      }
      if (halts.tracksGaps) halts.beforeRecord(ts[i]!);
      sim.onRecord(b, i);
      progress.lastRel = rel;
      halts.afterRecord(b, i, sim.books);
      if (this.awaiting.length > 0 && (b.flags[i]! & Flag.LAST) !== 0) this.arrivals(ts[i]!);
      tape.onRecord(b, i);
      for (let a = 0; a < alphas.length; a++) alphas[a]!.onRecord(b, i, sim.books);
    }
    this.lastInSession = lastInSession;
    this.maxGapNs = maxGapNs;
  }

  /** max_gap_s once every record is replayed: the longest stretch without a record, the close included. */
  maxGapS(): number {
    return Math.max(this.maxGapNs, this.closeRel - this.lastInSession) / 1e9;
  }

  private arrivals(t: bigint): void {
    const mid = this.sim.books.mid();
    for (const e of this.awaiting) e.observeBook(t, mid);
    this.awaiting = stillAwaiting(this.awaiting, t);
  }
}

/** Sample the national mid into the tape once a second over [fromNs, toNs] (a chain of timers). */
function sampleMids(timers: TimerQueue, tape: Tape, sim: ExecutionSim, fromNs: bigint, toNs: bigint): void {
  const step = 1_000_000_000n;
  const at = (t: bigint): void => {
    if (t > toNs) return;
    timers.at(t, () => {
      tape.sampleMid(sim.books.mid());
      at(t + step);
    });
  };
  at(fromNs);
}

/** Close the task's inputs (an error before the stream that owns them was opened). */

export async function runTask(input: TaskInput): Promise<TaskResult> {
  const { spec } = input;
  // the symbol's instrument (docs/models.md 1b): session, tick, multiplier, fee schedule; US equity by default
  const instrument = resolveInstrument(spec.instruments, input.symbol, spec.fees);
  let loaded: CalibrationParams;
  let parameterSets: ParameterSet[];
  let oraclePath: MidPath | undefined;
  let dayCheck: QueueCheckResult | undefined;
  try {
    checkSymbol(input.symbol);
    checkDate(input.date);
    loaded = paramsFromPrior(input.prior);
    // overrides (lib/calibration/overrides.ts) apply right after the lookback loader, so every model sees them;
    // each override set is a parameter set whose strategies are owners of their own in the same pass
    // ADV in the instrument's unit: with no calibrated ADV, the instrument's default (1M shares for equities)
    const base =
      loaded.advSource === "default" && loaded.adv !== instrument.defaultAdv
        ? { ...loaded, adv: instrument.defaultAdv }
        : loaded;
    parameterSets = (spec.calibration.overrides ?? [{}]).map((o) => ({
      name: overrideSetName(o),
      params: applyOverrides(base, o),
    }));
    const needsMidPath = spec.strategies.some((s) => ALPHA_MODELS.get(alphaKindOf(s)).needsMidPath);
    oraclePath = needsMidPath ? await recordMidPath(input) : undefined;
    if (input.format === "mbo" && (input.calibrate !== false || input.queueCheck)) {
      const [src] = keepOpen(input.sources.slice(0, 1));
      dayCheck = await dayQueueCheck(
        "source" in src! ? src.source : src!,
        input.symbol,
        input.queueCheck ?? DEFAULT_QUEUE_CHECK,
      );
    }
  } catch (e) {
    await closeSources(input.sources);
    throw e;
  }

  const queueEntry = QUEUE_MODELS.get(spec.sim.queue_model);
  if (queueEntry.needsMbo && input.format !== "mbo") {
    await closeSources(input.sources);
    throw new InputError(
      `${input.symbol} ${input.date}: sim.queue_model ${spec.sim.queue_model} needs MBO input (order-level data) but ` +
        "this task's input is MBP-10; backtest an MBO Parquet file (`msor import dbn FILE.mbo.dbn.zst --out " +
        `FILE.mbo.parquet\`) or choose an L2 queue model (${l2QueueModelNames().join(", ")})`,
    );
  }
  const { stream, mbo } = await openReplay(input.sources, { ...input, releaseBatches: true });
  // calibrated: the prior days' queue check choice (never this day's), else the default model
  const queue =
    spec.sim.queue_model === "calibrated"
      ? { name: "calibrated", ...calibratedQueue(loaded.queue) }
      : {
          name: spec.sim.queue_model,
          model: queueEntry.make({ mbo, params: paramValues(queueEntry.params, spec.sim.queue_params) }),
          reason: undefined,
        };
  try {
    const session = sessionOf(instrument.calendar, input.date);
    const timers = new TimerQueue(session.openNs);
    const tape = new Tape();
    const executions: ParentExecution[] = [];
    const sim = new ExecutionSim({
      maxVenues: MAX_VENUES,
      levels: stream.levels,
      latency: LATENCY_MODELS.get(spec.sim.latency_model).make({ latencyMs: spec.sim.latency_ms }),
      queueModel: queue.model,
      fees: instrumentFees(instrument.fees, instrument.multiplier, (v) => stream.venues.venues[v]?.name),
      onFill: (f) => executions[f.owner]!.onFill(f),
    });
    const risk = spec.risk;
    // halts in the data (clear records, gaps > risk.max_gap_s): always measured (halted_s), they suspend
    // decisions and catch-up only with risk.suspend_on_halt
    const halts = new HaltTracker(
      risk?.max_gap_s !== undefined ? BigInt(Math.round(risk.max_gap_s * 1e9)) : undefined,
    );
    const calibrator =
      input.calibrate === false
        ? undefined
        : new DayCalibrator({ symbol: input.symbol, date: input.date, venues: stream.venues, session });
    const venueNames = () => stream.venues.venues.map((v) => v.name);
    for (const o of spec.calibration.overrides ?? []) {
      for (const venue of overrideVenues(o)) {
        if (!venueNames().includes(venue))
          throw new InputError(
            `calibration.overrides names venue ${venue}, which ${input.symbol} ${input.date} does not have (venues: ${venueNames().join(", ")}); fix the venue name`,
          );
      }
    }
    const progress = new ReplayProgress(session.openNs);
    const day: DayWiring = {
      spec,
      symbol: input.symbol,
      date: input.date,
      sim,
      timers,
      tape,
      venueNames,
      riskControls: riskControlsOf(risk),
      halts: risk?.suspend_on_halt ? halts : undefined,
      instrument,
      progress,
    };
    const alphaModels = new Map<string, AlphaModel>();
    const instances: StrategyInstance[] = [];
    const setOfLabel = new Map<string, TaskParams>();
    const ordersBySet: { orders: ParentOrder[]; instances: StrategyInstance[]; ctx: ExecutionContext }[] = [];
    for (const [setIndex, { name: setName, params }] of parameterSets.entries()) {
      const alphaOf = (kind: AlphaKind): AlphaModel => {
        const key = `${setIndex}|${kind}`;
        let a = alphaModels.get(key);
        if (!a) {
          a = createAlpha(kind, params, { midPath: oraclePath });
          alphaModels.set(key, a);
        }
        return a;
      };
      const ctx = executionContext(day, params, session.openNs);
      const orders = resolveParentOrders(spec, input.date, params.adv, instrument);
      const setInstances = strategyInstances(spec, setName, alphaOf, ctx.forecastVolume);
      for (const inst of setInstances) setOfLabel.set(inst.label, params);
      instances.push(...setInstances);
      ordersBySet.push({ orders, instances: setInstances, ctx });
    }
    const labels = new Set<string>();
    for (const inst of instances) {
      if (labels.has(inst.label))
        throw new InputError(
          `spec lists strategy ${inst.label} twice; give each instance different parameters`,
        );
      labels.add(inst.label);
    }
    for (const { orders, instances: setInstances, ctx } of ordersBySet) {
      for (const order of orders) {
        for (const inst of setInstances)
          executions.push(new ParentExecution(executions.length, order, inst, ctx));
      }
    }
    // benchmarks: the mid once a second across the parents' windows (interval TWAP), and at the close
    sampleMids(
      timers,
      tape,
      sim,
      executions.reduce((a, e) => (e.order.startNs < a ? e.order.startNs : a), session.closeNs),
      executions.reduce((a, e) => (e.windowEndNs > a ? e.windowEndNs : a), 0n),
    );
    let closeMid = Number.NaN;
    timers.at(session.closeNs, () => {
      closeMid = sim.books.mid();
    });
    const alphaList = [...alphaModels.values()];
    let done = 0;
    const replay = new Replay(session, timers, sim, halts, tape, alphaList, executions, progress);
    for await (const b of stream.batches()) {
      replay.batch(b);
      calibrator?.observe(b);
      sim.books.settle();
      done += b.length;
      input.onProgress?.(done, stream.numRows);
    }
    timers.drain();
    // a halt the data never ends (no book back) lasts to the close
    for (const e of executions) e.haltedS = halts.haltedSIn(e.order.startNs, e.windowEndNs, session.closeNs);
    const q = stream.quality.q;
    if (q.rows > 0 && q.fLastRecords === 0) {
      // the book of an MBP-10 record is consistent only at F_LAST: without any, nothing can be simulated
      throw new DataFormatError(
        `${input.symbol} ${input.date}: none of the ${q.rows} records carries F_LAST (flags 0x80), so no book is ever consistent; ` +
          "re-export the data with Databento's flags (or `msor import`, which sets them)",
      );
    }
    const choice = dayCheck && queueChoiceOf(dayCheck);
    const finished = calibrator?.finish();
    const calibration = finished && choice ? { ...finished, queue: choice } : finished;
    const venues = venueNames();
    const overridden = [...new Set(parameterSets.flatMap((p) => p.params.overridden))];
    const rows = resultRows({
      symbol: input.symbol,
      date: input.date,
      executions,
      // the task's row: override when any parameter set overrides something, with the union of the names
      params: overridden.length
        ? { ...loaded, source: "override", overridden }
        : { ...loaded, overridden: [] as string[] },
      paramsOf: (e) => setOfLabel.get(e.strategy.label)!,
      venues,
      quality: stream.quality.q,
      bookLevels: stream.levels,
      maxGapS: replay.maxGapS(),
      closeMidUsd: closeMid,
      instrument,
    });
    return {
      ...rows,
      calibration,
      params: parameterSets[0]!.params,
      parameterSets,
      quality: stream.quality.q,
      venues,
      queueModel: {
        name: queue.name === "calibrated" ? `calibrated: ${queue.model.name}` : queue.name,
        ...(queue.reason !== undefined ? { reason: queue.reason } : {}),
      },
      queueCheck: dayCheck,
    };
  } finally {
    await stream.close();
  }
}
