/**
 * runs/{R}/status.json: the fan-in state of a run (DESIGN.md "Fan-in"). Pure functions over a plain JSON
 * object, so that the compare-and-swap loop (lib/pipeline/fanIn.ts) can re-apply them to a fresh copy after a
 * lost race. Each planned task is counted once: `tasks` maps a task id to its outcome, and a task id that is
 * already there is not counted again (a dead_lettered entry may still be upgraded by a late ok / failed
 * completion, which carries more information, until the run is finished).
 */
import { DataFormatError } from "../core/errors.ts";
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
  /** set by the one summary writer when summary, compaction and report are written */
  finished: boolean;
  outputs?: { summary: string; report: string; compacted: number };
  /** why the last finish attempt failed (cleared when the run finishes; retried by the next tick) */
  finish_error?: string;
  finish_attempts?: number;
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
}

const kindOf = (taskId: string) => (taskId.startsWith("calibrate-") ? "calibrate" : "backtest");

/**
 * Apply outcomes to a status (in place). Returns the number of changes (0 = nothing new: the caller skips
 * the write). `planned` decides which task ids count at all.
 */
export function applyOutcomes(
  s: RunStatus,
  items: readonly Accounting[],
  planned: (taskId: string) => boolean,
): number {
  let changed = 0;
  for (const it of items) {
    if (!planned(it.task_id)) continue;
    const prev = s.tasks[it.task_id];
    const upgrade = prev?.outcome === "dead_lettered" && it.outcome !== "dead_lettered" && !s.finished;
    if (prev && !upgrade) continue;
    const kind = kindOf(it.task_id);
    if (prev) s.counts[prev.outcome]--;
    else s.counts[`${kind}_accounted`]++;
    s.counts[it.outcome]++;
    s.tasks[it.task_id] = { outcome: it.outcome, ...(it.reason ? { reason: it.reason } : {}) };
    if (it.outcome === "ok" && kind === "backtest" && it.aggregates)
      mergeAggregates(s.aggregates, it.aggregates);
    if (it.outcome === "ok" && kind === "backtest" && it.sample)
      s.sample = mergeSample(s.sample ?? [], it.sample);
    changed++;
  }
  return changed;
}

export const wave1Done = (s: RunStatus) => s.counts.calibrate_accounted >= s.planned.calibrate;
export const allAccounted = (s: RunStatus) =>
  wave1Done(s) && s.wave2_started && s.counts.backtest_accounted >= s.planned.backtest;

export function encodeStatus(s: RunStatus): string {
  return `${JSON.stringify(s)}\n`;
}

/** Progress numbers for the CLI: done / failed / dead-lettered / remaining. */
export function progressOf(s: RunStatus): {
  planned: number;
  ok: number;
  failed: number;
  dead_lettered: number;
  remaining: number;
  finished: boolean;
} {
  const planned = s.planned.calibrate + s.planned.backtest;
  const accounted = s.counts.calibrate_accounted + s.counts.backtest_accounted;
  return {
    planned,
    ok: s.counts.ok,
    failed: s.counts.failed,
    dead_lettered: s.counts.dead_lettered,
    remaining: planned - accounted,
    finished: s.finished,
  };
}
