/**
 * The planner (DESIGN.md "Data flow"): resolve the sweep, name the run, write runs/{R}/manifest.json and the
 * initial runs/{R}/status.json, and enqueue wave 1 (a calibrate task per (symbol, day) whose calibration
 * record is missing, run days and lookback days) or, when none is missing, wave 2 (a backtest task per
 * (symbol, run day)) directly.
 *
 * Planning is idempotent: the run id is the spec's, or derived from a hash of the resolved spec (no clock),
 * so planning the same spec twice finds the same run. A second plan of an unfinished run RESUMES it: it
 * re-enqueues the tasks of the current wave that are not yet accounted for (duplicates are harmless: the
 * task marker and the fan-in count each task once). A different spec under an existing run id is refused.
 */
import { createHash } from "node:crypto";
import { InputError } from "../core/errors.ts";
import { systemClock } from "../ports/clock.ts";
import type { ObjectStore } from "../ports/objectStore.ts";
import { putIfAbsent } from "../ports/objectStore.ts";
import type { Queue } from "../ports/queue.ts";
import { calibrationTasks, inputKeys, type ResolvedInput, type ResolvedSweep } from "../specs/sweepSpec.ts";
import type { SweepTask } from "../specs/taskId.ts";
import { listCalibrationDates } from "../store/calibration.ts";
import { activeRunKey, manifestKey, statusKey } from "../store/keys.ts";
import { compactTasks } from "./compaction.ts";
import { enqueueCompaction, enqueueWave } from "./enqueue.ts";
import { encodeStatus, newRunStatus, parseRunStatus, type RunStatus } from "./runStatus.ts";

/** runs/{R}/manifest.json */
export interface Manifest extends ResolvedSweep {
  readonly run_id: string;
  /** hash of the resolved spec (without run_id): a re-plan with another spec under this id is refused */
  readonly spec_hash: string;
  /** wave 1: the calibrate tasks of this run (records missing at planning time, input present) */
  readonly calibrate_tasks: readonly SweepTask[];
  /** lookback or run days left out of wave 1 because their input is absent (the backtest reports it) */
  readonly no_input: readonly SweepTask[];
}

export interface PlannerDeps {
  /** results store: calibration records, runs/ */
  readonly store: ObjectStore;
  readonly taskQueue: Queue;
  /** the store holding the spec's input (its root or bucket) */
  readonly inputStore: (input: ResolvedInput) => ObjectStore;
  /** wall clock, ms: when tasks were sent (enqueue.ts); default the system clock */
  readonly now?: () => number;
}

/**
 * Most strategy instances a sweep may have: runs/{R}/status.json carries a mergeable aggregate per instance
 * (twice: calibrated and default-parameter days, ~1 KB each, a few KB once its cost sketch has bins) and is
 * rewritten by compare-and-swap on every completion batch, and the summary table and report have a row per instance. Past this the run's fan-in
 * would rewrite megabytes per batch; split the grid into several sweeps.
 */
export const MAX_STRATEGY_INSTANCES = 2000;

/** Refuse a sweep whose strategy grid cannot be summarised (before anything is written or sent). */
export function checkSummarisable(sweep: ResolvedSweep): void {
  const n = sweep.strategies.length;
  if (n > MAX_STRATEGY_INSTANCES) {
    throw new InputError(
      `backtest.strategies expands to ${n} strategy instances; a sweep can summarise at most ${MAX_STRATEGY_INSTANCES} ` +
        "(each one has an aggregate in the run's status, rewritten on every completion batch): " +
        "split the grid into several sweeps or list fewer parameter values",
    );
  }
}

export interface PlanResult {
  readonly runId: string;
  readonly manifestKey: string;
  /** "planned" = new run; "resumed" = unfinished run, its missing tasks re-enqueued; "finished" = nothing to do */
  readonly state: "planned" | "resumed" | "finished";
  /** the wave being sent (3: compaction; a finished run also says 3) */
  readonly wave: 1 | 2 | 3;
  readonly enqueued: number;
  /** (resumed runs) unaccounted tasks not re-sent: sent less than the visibility timeout ago */
  readonly recentlySent?: number;
  readonly planned: { calibrate: number; backtest: number };
}

/**
 * active-runs/{R}.json: the index of unfinished runs that the summary's periodic tick scans (a run whose
 * last event was lost still gets its wave 2 or its finish); the finish removes it.
 */
export async function markActive(store: ObjectStore, runId: string, plannedMs: number): Promise<void> {
  await putIfAbsent(
    store,
    activeRunKey(runId),
    `${JSON.stringify({ run_id: runId, planned_ms: plannedMs })}\n`,
  );
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

/**
 * sha256 of the resolved spec without its run_id (hex). `skipped_dates` (derived from the dates, issue 25) is left
 * out too, so a spec's hash and generated run id are those of the versions before it.
 */
export function specHash(sweep: ResolvedSweep): string {
  const { run_id: _, skipped_dates: _skipped, ...rest } = sweep;
  return createHash("sha256")
    .update(JSON.stringify(canonical(rest)))
    .digest("hex");
}

/** The spec's run_id, else `sweep-{first 12 hex of the spec hash}`. */
export function runIdOf(sweep: ResolvedSweep): string {
  return sweep.run_id ?? `sweep-${specHash(sweep).slice(0, 12)}`;
}

/** Run `f` over `items` with at most `n` calls in flight. */
async function pool<T, R>(items: readonly T[], n: number, f: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await f(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, lane));
  return out;
}

/** Longest common prefix of strings. */
function commonPrefix(a: readonly string[]): string {
  let p = a[0] ?? "";
  for (const s of a) while (!s.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/** LISTs in flight at once while planning. */
const PLAN_CONCURRENCY = 16;

/**
 * The input keys of `tasks` that exist, with one LIST per (symbol, venue) key prefix (the common prefix of
 * that symbol's keys over the dates) instead of one per symbol-day; a prefix inside another is not listed
 * again (a date-first key layout lists the shared prefix once). List, not head: the planner may list the input
 * bucket without reading it (least privilege).
 */
async function presentInputKeys(
  store: ObjectStore,
  input: ResolvedInput,
  tasks: readonly SweepTask[],
): Promise<Set<string>> {
  const groups = new Map<string, string[]>();
  for (const t of tasks)
    for (const [v, key] of inputKeys(input, t.symbol, t.date).entries()) {
      const g = groups.get(`${t.symbol}|${v}`) ?? [];
      g.push(key);
      groups.set(`${t.symbol}|${v}`, g);
    }
  const prefixes = [...new Set([...groups.values()].map(commonPrefix))].sort();
  const roots = prefixes.filter((p, i) => !prefixes.slice(0, i).some((q) => p.startsWith(q)));
  const found = new Set<string>();
  for (const keys of await pool(roots, PLAN_CONCURRENCY, (p) => store.list(p)))
    for (const k of keys) found.add(k);
  return found;
}

/** Wave 1 of a sweep: missing calibration records whose input exists; and those left out for lack of input. */
export async function planWave1(
  store: ObjectStore,
  inputStore: ObjectStore,
  sweep: ResolvedSweep,
): Promise<{ tasks: SweepTask[]; noInput: SweepTask[] }> {
  const dates = await pool(sweep.symbols, PLAN_CONCURRENCY, (s) => listCalibrationDates(store, s));
  const have = new Map(sweep.symbols.map((s, i) => [s, new Set(dates[i])]));
  const missing = calibrationTasks(sweep).filter((t) => !have.get(t.symbol)!.has(t.date));
  const present = missing.length > 0 ? await presentInputKeys(inputStore, sweep.input, missing) : new Set();
  const tasks: SweepTask[] = [];
  const noInput: SweepTask[] = [];
  for (const t of missing) {
    if (inputKeys(sweep.input, t.symbol, t.date).every((k) => present.has(k))) tasks.push(t);
    else noInput.push(t);
  }
  return { tasks, noInput };
}

/** The enqueuer of a planner (enqueue.ts). */
const enqueuer = (deps: PlannerDeps) => ({
  store: deps.store,
  queue: deps.taskQueue,
  now: deps.now ?? systemClock.now,
});

export async function planSweep(deps: PlannerDeps, sweep: ResolvedSweep): Promise<PlanResult> {
  checkSummarisable(sweep);
  const runId = runIdOf(sweep);
  const hash = specHash(sweep);
  const mKey = manifestKey(runId);
  const existing = await deps.store.tryGet(mKey);
  if (existing) return resume(deps, runId, hash, existing);

  const { tasks: wave1, noInput } = await planWave1(deps.store, deps.inputStore(sweep.input), sweep);
  const manifest: Manifest = {
    ...sweep,
    run_id: runId,
    spec_hash: hash,
    calibrate_tasks: wave1,
    no_input: noInput,
  };
  const planned = { calibrate: wave1.length, backtest: sweep.tasks.length };
  if (!(await putIfAbsent(deps.store, mKey, `${JSON.stringify(manifest, null, 1)}\n`))) {
    // another planner of the same spec got there first: resume its run instead
    return resume(deps, runId, hash, await deps.store.get(mKey));
  }
  const status = newRunStatus(runId, planned, wave1.length === 0);
  await putIfAbsent(deps.store, statusKey(runId), encodeStatus(status));
  await markActive(deps.store, runId, (deps.now ?? systemClock.now)());
  const wave = wave1.length > 0 ? 1 : 2;
  const { sent } = await enqueueWave(
    enqueuer(deps),
    runId,
    wave,
    wave === 1 ? wave1 : sweep.tasks,
    () => true,
  );
  return { runId, manifestKey: mKey, state: "planned", wave, enqueued: sent, planned };
}

async function resume(
  deps: PlannerDeps,
  runId: string,
  hash: string,
  bytes: Uint8Array,
): Promise<PlanResult> {
  const manifest = JSON.parse(new TextDecoder().decode(bytes)) as Manifest;
  const mKey = manifestKey(runId);
  if (manifest.spec_hash !== hash) {
    throw new InputError(
      `run ${runId} already exists (${deps.store.describe(mKey)}) with a different spec; ` +
        "give the new sweep another run_id, or drop run_id to get one derived from the spec",
    );
  }
  const planned = { calibrate: manifest.calibrate_tasks.length, backtest: manifest.tasks.length };
  const sBytes = await deps.store.tryGet(statusKey(runId));
  const status: RunStatus = sBytes
    ? parseRunStatus(sBytes, deps.store.describe(statusKey(runId)))
    : newRunStatus(runId, planned, manifest.calibrate_tasks.length === 0);
  if (!sBytes) await putIfAbsent(deps.store, statusKey(runId), encodeStatus(status));
  if (status.finished) return { runId, manifestKey: mKey, state: "finished", wave: 3, enqueued: 0, planned };
  await markActive(deps.store, runId, (deps.now ?? systemClock.now)());
  if (status.compaction) {
    // wave 3 (compaction): its tasks not accounted for, with the ok set frozen in the status
    const { sent, recent } = await enqueueCompaction(enqueuer(deps), runId, compactTasks(manifest), status);
    return {
      runId,
      manifestKey: mKey,
      state: "resumed",
      wave: 3,
      enqueued: sent,
      recentlySent: recent,
      planned,
    };
  }
  const wave = status.wave2_started ? 2 : 1;
  // only tasks not accounted for whose last send is older than the visibility timeout (enqueue.ts)
  const { sent, recent } = await enqueueWave(
    enqueuer(deps),
    runId,
    wave,
    wave === 1 ? manifest.calibrate_tasks : manifest.tasks,
    (t) => !status.tasks[t.task_id],
  );
  return { runId, manifestKey: mKey, state: "resumed", wave, enqueued: sent, recentlySent: recent, planned };
}

/** Read runs/{R}/manifest.json; NotFound as an InputError naming the run. */
export async function readManifest(store: ObjectStore, runId: string): Promise<Manifest> {
  const bytes = await store.tryGet(manifestKey(runId));
  if (!bytes) {
    throw new InputError(
      `run ${runId} has no manifest at ${store.describe(manifestKey(runId))}; check the run id and root`,
    );
  }
  return JSON.parse(new TextDecoder().decode(bytes)) as Manifest;
}
