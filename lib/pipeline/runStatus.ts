/**
 * runs/{R}/status.json: the fan-in state of a run (DESIGN.md "Fan-in"). Pure functions over a plain JSON
 * object, so that the compare-and-swap loop (lib/pipeline/fanIn.ts) can re-apply them to a fresh copy after a
 * lost race. Each planned task is counted once: `tasks` maps a task id to its outcome, and a task id that is
 * already there is not counted again (a dead_lettered entry may still be upgraded by a late ok / failed
 * completion, which carries more information, until the run is finished).
 */
import { DataFormatError } from "../core/errors.ts";
import { isCompactTaskId } from "../specs/taskId.ts";
import {
  mergeAggregates,
  mergeSample,
  type Outcome,
  type SampleEntry,
  type StrategyAggregate,
} from "./messages.ts";

export interface TaskOutcome {
  readonly outcome: Outcome;
  readonly reason?: string;
}

export interface RunStatus {
  version: 1;
  run_id: string;
  planned: { calibrate: number; backtest: number };
  /** set once wave 2 has been enqueued (by the planner when wave 1 is empty, else by the fan-in) */
  wave2_started: boolean;
  tasks: Record<string, TaskOutcome>;
  counts: Record<Outcome, number> & { calibrate_accounted: number; backtest_accounted: number };
  /** merged per-strategy aggregates of the ok backtest tasks */
  aggregates: Record<string, StrategyAggregate>;
  /** the report's sample of parents: the bottom-k of the ok backtest tasks' samples (absent in older runs) */
  sample?: SampleEntry[];
  /**
   * wave 3 (compaction.ts), set when every backtest task is accounted for: from then on the set of ok backtest
   * tasks is frozen (no late upgrade), so that the compacted files, the summary and the report agree
   */
  compaction?: CompactionStatus;
  /** set by the one summary writer when compaction is accounted for and the summary and report are written */
  finished: boolean;
  outputs?: { summary: string; report: string; compacted: number };
  /** why the last finish attempt failed (cleared when the run finishes; retried by the next tick) */
  finish_error?: string;
  finish_attempts?: number;
}

/** The accounting of wave 3: each compaction task counted once, like the tasks of waves 1 and 2. */
export interface CompactionStatus {
  planned: number;
  tasks: Record<string, TaskOutcome>;
  counts: Record<Outcome, number>;
  /** published files written by the ok compaction tasks */
  files: number;
  /** dead-lettered compaction tasks sent again (task id -> times), up to COMPACTION_REDRIVES each */
  redriven?: Record<string, number>;
}

/**
 * Times a dead-lettered compaction task is sent again before it counts as dead_lettered. A compaction task is
 * idempotent (the same bytes at every attempt) and its failures are mostly transient (S3 throttling under a
 * whole fleet's reads, a timeout): a run should not finish without a part for want of a retry.
 */
export const COMPACTION_REDRIVES = 2;

export function newCompactionStatus(planned: number): CompactionStatus {
  return { planned, tasks: {}, counts: { ok: 0, failed: 0, dead_lettered: 0 }, files: 0 };
}

export function newRunStatus(runId: string, planned: RunStatus["planned"], wave2Started: boolean): RunStatus {
  return {
    version: 1,
    run_id: runId,
    planned,
    wave2_started: wave2Started,
    tasks: {},
    counts: { ok: 0, failed: 0, dead_lettered: 0, calibrate_accounted: 0, backtest_accounted: 0 },
    aggregates: {},
    sample: [],
    finished: false,
  };
}

export function parseRunStatus(bytes: Uint8Array, where: string): RunStatus {
  try {
    const s = JSON.parse(new TextDecoder().decode(bytes)) as RunStatus;
    if (s.version !== 1 || typeof s.tasks !== "object") throw new Error("not a version 1 run status");
    return s;
  } catch (e) {
    throw new DataFormatError(`${where} is not a run status: ${(e as Error).message}`);
  }
}

export interface Accounting {
  readonly task_id: string;
  readonly outcome: Outcome;
  readonly reason?: string | undefined;
  readonly aggregates?: Record<string, StrategyAggregate> | undefined;
  readonly sample?: SampleEntry[] | undefined;
  /** (a compaction task) published files written */
  readonly files?: number | undefined;
  /** (a dead letter) the message as it was sent, to send again (a compaction task's redrive) */
  readonly body?: string | undefined;
}

const kindOf = (taskId: string) => (taskId.startsWith("calibrate-") ? "calibrate" : "backtest");

/**
 * Apply outcomes to a status (in place). Returns the number of changes (0 = nothing new: the caller skips
 * the write). `planned` decides which task ids count at all. A dead_lettered task may be upgraded by a late
 * ok / failed completion until its wave's results are used: a backtest until wave 3 starts, a compaction task
 * until the run is finished.
 */
export function applyOutcomes(
  s: RunStatus,
  items: readonly Accounting[],
  planned: (taskId: string) => boolean,
  redrive?: (it: Accounting) => void,
): number {
  let changed = 0;
  for (const it of items) {
    if (!planned(it.task_id)) continue;
    if (isCompactTaskId(it.task_id)) {
      if (s.compaction && applyCompaction(s.compaction, it, s.finished, redrive)) changed++;
      continue;
    }
    const recorded = record(s.tasks, s.counts, it, !s.finished && !s.compaction);
    if (!recorded) continue;
    const kind = kindOf(it.task_id);
    if (recorded === "new") s.counts[`${kind}_accounted`]++;
    if (it.outcome === "ok" && kind === "backtest" && it.aggregates)
      mergeAggregates(s.aggregates, it.aggregates);
    if (it.outcome === "ok" && kind === "backtest" && it.sample)
      s.sample = mergeSample(s.sample ?? [], it.sample);
    changed++;
  }
  return changed;
}

/**
 * Record an outcome in a wave's `tasks` and `counts`: a task id counts once ("new"), except that a dead_lettered
 * one is upgraded by a later ok / failed outcome while `upgradable`. undefined = nothing changed.
 */
function record(
  tasks: Record<string, TaskOutcome>,
  counts: Record<Outcome, number>,
  it: Accounting,
  upgradable: boolean,
): "new" | "upgraded" | undefined {
  const prev = tasks[it.task_id];
  const upgrade = prev?.outcome === "dead_lettered" && it.outcome !== "dead_lettered" && upgradable;
  if (prev && !upgrade) return undefined;
  if (prev) counts[prev.outcome]--;
  counts[it.outcome]++;
  tasks[it.task_id] = { outcome: it.outcome, ...(it.reason ? { reason: it.reason } : {}) };
  return prev ? "upgraded" : "new";
}

/**
 * One compaction outcome. A dead letter of a task not yet accounted for is first sent again (`redrive`, up to
 * COMPACTION_REDRIVES times, counted here so that a lost race re-applies the same decision) when its message
 * is at hand.
 */
function applyCompaction(
  c: CompactionStatus,
  it: Accounting,
  finished: boolean,
  redrive?: (it: Accounting) => void,
): boolean {
  const prev = c.tasks[it.task_id];
  const times = c.redriven?.[it.task_id] ?? 0;
  if (
    it.outcome === "dead_lettered" &&
    !prev &&
    !finished &&
    redrive &&
    it.body &&
    times < COMPACTION_REDRIVES
  ) {
    c.redriven = { ...c.redriven, [it.task_id]: times + 1 };
    redrive(it);
    return true;
  }
  if (!record(c.tasks, c.counts, it, !finished)) return false;
  if (it.outcome === "ok") c.files += it.files ?? 0;
  return true;
}

export const wave1Done = (s: RunStatus) => s.counts.calibrate_accounted >= s.planned.calibrate;
/** Every backtest task accounted for: wave 3 (compaction) is due. */
export const backtestsDone = (s: RunStatus) =>
  wave1Done(s) && s.wave2_started && s.counts.backtest_accounted >= s.planned.backtest;
export const compactionAccounted = (c: CompactionStatus) =>
  c.counts.ok + c.counts.failed + c.counts.dead_lettered;
/** Every task of every wave accounted for: the summary and report are due. */
export const allAccounted = (s: RunStatus) =>
  backtestsDone(s) && !!s.compaction && compactionAccounted(s.compaction) >= s.compaction.planned;

export function encodeStatus(s: RunStatus): string {
  return `${JSON.stringify(s)}\n`;
}

/** The tasks of every wave (compaction included) that did not end ok, with their outcome and reason. */
export function unsuccessfulTasks(s: RunStatus): [string, TaskOutcome][] {
  return Object.entries({ ...s.tasks, ...s.compaction?.tasks }).filter(([, t]) => t.outcome !== "ok");
}

/** Progress numbers for the CLI: done / failed / dead-lettered / remaining. */
export function progressOf(s: RunStatus): {
  planned: number;
  ok: number;
  failed: number;
  dead_lettered: number;
  remaining: number;
  finished: boolean;
  /** wave 3, once started: compaction tasks planned and accounted for, and those that did not end ok */
  compaction?: { planned: number; accounted: number; failed: number };
} {
  const planned = s.planned.calibrate + s.planned.backtest;
  const accounted = s.counts.calibrate_accounted + s.counts.backtest_accounted;
  const c = s.compaction;
  return {
    planned,
    ok: s.counts.ok,
    failed: s.counts.failed,
    dead_lettered: s.counts.dead_lettered,
    remaining: planned - accounted,
    finished: s.finished,
    ...(c
      ? {
          compaction: {
            planned: c.planned,
            accounted: compactionAccounted(c),
            failed: c.counts.failed + c.counts.dead_lettered,
          },
        }
      : {}),
  };
}
