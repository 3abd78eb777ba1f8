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
import type { ObjectStore } from "../ports/objectStore.ts";
import { putIfAbsent } from "../ports/objectStore.ts";
import type { Queue } from "../ports/queue.ts";
import { calibrationTasks, inputKeys, type ResolvedInput, type ResolvedSweep } from "../spec/sweepSpec.ts";
import type { SweepTask } from "../spec/taskId.ts";
import { listCalibrationDates } from "../store/calibration.ts";
import { manifestKey, statusKey } from "../store/keys.ts";
import { taskMessage } from "./messages.ts";
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
}

export interface PlanResult {
  readonly runId: string;
  readonly manifestKey: string;
  /** "planned" = new run; "resumed" = unfinished run, its missing tasks re-enqueued; "finished" = nothing to do */
  readonly state: "planned" | "resumed" | "finished";
  readonly wave: 1 | 2;
  readonly enqueued: number;
  readonly planned: { calibrate: number; backtest: number };
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

async function inputPresent(store: ObjectStore, input: ResolvedInput, t: SweepTask): Promise<boolean> {
  for (const key of inputKeys(input, t.symbol, t.date)) {
    // list, not head: the planner may list the input bucket without reading it (least privilege)
    if (!(await store.list(key)).includes(key)) return false;
  }
  return true;
}

/** Wave 1 of a sweep: missing calibration records whose input exists; and those left out for lack of input. */
export async function planWave1(
  store: ObjectStore,
  inputStore: ObjectStore,
  sweep: ResolvedSweep,
): Promise<{ tasks: SweepTask[]; noInput: SweepTask[] }> {
  const have = new Map<string, Set<string>>();
  for (const s of sweep.symbols) have.set(s, new Set(await listCalibrationDates(store, s)));
  const tasks: SweepTask[] = [];
  const noInput: SweepTask[] = [];
  for (const t of calibrationTasks(sweep)) {
    if (have.get(t.symbol)!.has(t.date)) continue;
    if (await inputPresent(inputStore, sweep.input, t)) tasks.push(t);
    else noInput.push(t);
  }
  return { tasks, noInput };
}

async function send(queue: Queue, runId: string, tasks: readonly SweepTask[]): Promise<number> {
  if (tasks.length > 0) await queue.sendBatch(tasks.map((t) => JSON.stringify(taskMessage(runId, t))));
  return tasks.length;
}

export async function planSweep(deps: PlannerDeps, sweep: ResolvedSweep): Promise<PlanResult> {
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
  const wave = wave1.length > 0 ? 1 : 2;
  const enqueued = await send(deps.taskQueue, runId, wave === 1 ? wave1 : sweep.tasks);
  return { runId, manifestKey: mKey, state: "planned", wave, enqueued, planned };
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
  if (status.finished) return { runId, manifestKey: mKey, state: "finished", wave: 2, enqueued: 0, planned };
  const wave = status.wave2_started ? 2 : 1;
  const pending = (wave === 1 ? manifest.calibrate_tasks : manifest.tasks).filter(
    (t) => !status.tasks[t.task_id],
  );
  const enqueued = await send(deps.taskQueue, runId, pending);
  return { runId, manifestKey: mKey, state: "resumed", wave, enqueued, planned };
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
