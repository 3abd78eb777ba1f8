/**
 * The worker's task handler (DESIGN.md "Protocol and guarantees"), the same on both backends:
 *   validate the message -> (marker already there? re-send its completion) -> run the task -> results fully
 *   written (staging/...) -> task marker put-if-absent -> completion message.
 * A calibrate task (wave 1) is a calibration-only pass that writes the day's record; a backtest task (wave 2)
 * is runTask with the calibrations of EARLIER days, its result files staged; a compaction task (wave 3,
 * compaction.ts) streams the staged files of one part of a table's date partition into its published file.
 *
 * Errors: retryable ones (throttling, timeouts, 5xx, lost races) are rethrown so that the message returns to
 * the queue; permanent ones (missing or corrupt input, bad message) become a `failed` marker with the reason,
 * and the message is consumed. An invalid message that names no usable run or task id is dropped with a log
 * line: there is nothing to record it under.
 */
import { classifyError, errorMessage, InputError, NotFoundError } from "../core/errors.ts";
import { resolveInstrument } from "../core/instrument.ts";
import type { ByteSource } from "../ports/byteSource.ts";
import type { ObjectStore } from "../ports/objectStore.ts";
import { putIfAbsent } from "../ports/objectStore.ts";
import type { Queue } from "../ports/queue.ts";
import { queueCheckWindow } from "../specs/queueCheckSpec.ts";
import { inputKeys, type ResolvedInput } from "../specs/sweepSpec.ts";
import { calibrationExists, writeCalibration } from "../store/calibration.ts";
import { manifestKey, stagingResultKey, taskMarkerKey } from "../store/keys.ts";
import { queueCheckRows, writeQueueCheck } from "../store/queueCheck.ts";
import { writeTaskResults } from "../store/results.ts";
import { calibrateDay } from "../task/calibrateDay.ts";
import { compactionTables, compactPart, compactTasks, type PlannedPart } from "./compaction.ts";
import {
  aggregateExecutions,
  type CompactMessage,
  completionBody,
  parseTaskMessage,
  sampleParents,
  type TaskMarker,
  TaskMarkerSchema,
  type TaskMessage,
} from "./messages.ts";
import { type Manifest, readManifest } from "./planner.ts";
import { runStoredTask } from "./storedTask.ts";

export interface WorkerDeps {
  /** results store: manifest, calibration records, staging results, task markers */
  readonly store: ObjectStore;
  /** the store holding a spec's input (its root or bucket) */
  readonly inputStore: (input: ResolvedInput) => ObjectStore;
  readonly completions: Queue;
  readonly log?: (
    level: "info" | "warn" | "error",
    message: string,
    fields?: Record<string, unknown>,
  ) => void;
}

export interface WorkerResult {
  readonly taskId: string | undefined;
  /** "ok" / "failed": marker and completion written; "duplicate": the marker was there; "dropped": unusable */
  readonly state: "ok" | "failed" | "duplicate" | "dropped";
  readonly reason?: string;
}

/** A worker bound to its stores and queue; caches manifests across messages (a warm Lambda, a thread). */
export function createTaskHandler(deps: WorkerDeps): (body: string) => Promise<WorkerResult> {
  const manifests = new Map<string, Promise<Manifest>>();
  const log = deps.log ?? (() => undefined);

  const manifestOf = (runId: string) => {
    let m = manifests.get(runId);
    if (!m) {
      m = readManifest(deps.store, runId);
      m.catch(() => manifests.delete(runId));
      manifests.set(runId, m);
    }
    return m;
  };

  async function finish(marker: TaskMarker): Promise<WorkerResult> {
    const key = taskMarkerKey(marker.run_id, marker.task_id);
    let recorded = marker;
    if (!(await putIfAbsent(deps.store, key, `${JSON.stringify(marker)}\n`))) {
      // a duplicate delivery finished first: its marker is the task's outcome
      recorded = TaskMarkerSchema.parse(JSON.parse(new TextDecoder().decode(await deps.store.get(key))));
    }
    // (a completion too large for a message goes as a claim check on the marker: never a crash here)
    await deps.completions.sendBatch([completionBody(recorded, key)]);
    return {
      taskId: marker.task_id,
      state: recorded === marker ? marker.outcome : "duplicate",
      ...(recorded.reason ? { reason: recorded.reason } : {}),
    };
  }

  /** The compaction tasks of a run (wave 3), by id: what a compaction message may ask for. */
  const partsOf = new Map<string, Map<string, PlannedPart>>();
  async function compact(m: CompactMessage): Promise<TaskMarker> {
    const manifest = await manifestOf(m.run_id);
    let parts = partsOf.get(m.run_id);
    if (!parts) {
      parts = new Map(compactTasks(manifest).map((t) => [t.task_id, t]));
      partsOf.set(m.run_id, parts);
    }
    const part = parts.get(m.task_id);
    if (!part) {
      throw new NotFoundError(
        `task ${m.task_id} is not a compaction task of run ${m.run_id} (see its manifest)`,
      );
    }
    const planned = new Set(part.planned);
    const stray = m.symbols.find((s) => !planned.has(s));
    if (stray !== undefined)
      throw new InputError(`task ${m.task_id} names ${stray}, which is not a planned symbol of its part`);
    const schema = compactionTables(manifest).find((t) => t.name === m.table)!;
    const r = await compactPart(deps.store, schema, m.run_id, m.date, m.part, m.symbols);
    return { run_id: m.run_id, task_id: m.task_id, outcome: "ok", files: r.key ? 1 : 0 };
  }

  async function run(m: TaskMessage): Promise<TaskMarker> {
    if (m.wave === 3) return compact(m);
    const manifest = await manifestOf(m.run_id);
    const planned = (m.wave === 1 ? manifest.calibrate_tasks : manifest.tasks).some(
      (t) => t.task_id === m.task_id,
    );
    if (!planned) {
      throw new NotFoundError(
        `task ${m.task_id} is not a wave ${m.wave} task of run ${m.run_id} (see its manifest)`,
      );
    }
    const inputStore = deps.inputStore(manifest.input);
    const sources: ByteSource[] = [];
    try {
      for (const key of inputKeys(manifest.input, m.symbol, m.date))
        sources.push(await inputStore.byteSource(key));
      const format = manifest.input.format ?? "mbp10";
      // MBO days: the spec's queue check (its rows for the queue_check table, its choice for the record)
      const q = format === "mbo" ? manifest.queue_check : undefined;
      const queueSettings = q && {
        orders: q.orders,
        tauS: q.tau_s,
        seed: q.seed ?? 1,
        accept: queueCheckWindow(q),
      };
      if (m.wave === 1) {
        const { calendar } = resolveInstrument(
          manifest.backtest.instruments,
          m.symbol,
          manifest.backtest.fees,
        );
        const record = await calibrateDay(sources, {
          symbol: m.symbol,
          date: m.date,
          calendar,
          format,
          ...(queueSettings ? { queueCheck: queueSettings } : {}),
        });
        // put-if-absent (the stack's IAM refuses any other write under calibration/): a record that another run
        // wrote, and later runs trust, is never replaced
        await writeCalibration(deps.store, record, { ifAbsent: true });
        return { run_id: m.run_id, task_id: m.task_id, outcome: "ok" };
      }
      const r = await runStoredTask(
        deps.store,
        {
          symbol: m.symbol,
          date: m.date,
          sources,
          format,
          ...(queueSettings ? { queueCheck: queueSettings } : {}),
          spec: manifest.backtest,
          // wave 1 wrote this day's record (unless its task failed): do not compute it a second time
          calibrate: !(await calibrationExists(deps.store, m.symbol, m.date)),
        },
        // a record that exists is never replaced: another task may be reading it
        { keepExistingCalibration: true },
      );
      await writeTaskResults(deps.store, m.run_id, m.date, m.symbol, r, stagingResultKey);
      if (manifest.queue_check && r.queueCheck) {
        const rows = queueCheckRows(r.queueCheck, m.symbol, queueSettings!.seed);
        await writeQueueCheck(deps.store, m.run_id, m.date, m.symbol, rows, stagingResultKey);
      }
      return {
        run_id: m.run_id,
        task_id: m.task_id,
        outcome: "ok",
        aggregates: aggregateExecutions(r.executions),
        sample: sampleParents(r.executions, m.run_id, m.date),
      };
    } finally {
      for (const s of sources) await s.close?.();
    }
  }

  /** A run without a manifest: nothing is recorded under it (a marker would create a run folder). */
  async function unknownRun(runId: string, taskId: string | undefined): Promise<WorkerResult | undefined> {
    try {
      await manifestOf(runId);
      return undefined;
    } catch (e) {
      if (!(e instanceof InputError)) throw e; // (readManifest's "no manifest"; anything else is not ours to judge)
    }
    const reason = `run ${runId} has no manifest at ${deps.store.describe(manifestKey(runId))}: the message is dropped and nothing is recorded`;
    log("error", "task message for an unknown run dropped", { run_id: runId, task_id: taskId });
    return { taskId, state: "dropped", reason };
  }

  return async function handle(body: string): Promise<WorkerResult> {
    const parsed = parseTaskMessage(body);
    if (parsed.runId) {
      const dropped = await unknownRun(parsed.runId, parsed.taskId);
      if (dropped) return dropped;
    }
    if (!parsed.message) {
      if (parsed.runId && parsed.taskId) {
        log("warn", "invalid task message recorded as failed", { problem: parsed.problem });
        return finish({
          run_id: parsed.runId,
          task_id: parsed.taskId,
          outcome: "failed",
          reason: parsed.problem!,
        });
      }
      log("error", "invalid task message dropped", { problem: parsed.problem });
      return { taskId: undefined, state: "dropped", reason: parsed.problem! };
    }
    const m = parsed.message;
    const markerKey = taskMarkerKey(m.run_id, m.task_id);
    const existing = await deps.store.tryGet(markerKey);
    if (existing) {
      // redelivery after the marker: the work is done; make sure the summary hears of it
      const marker = TaskMarkerSchema.parse(JSON.parse(new TextDecoder().decode(existing)));
      await deps.completions.sendBatch([completionBody(marker, markerKey)]);
      return { taskId: m.task_id, state: "duplicate" };
    }
    let marker: TaskMarker;
    try {
      marker = await run(m);
    } catch (e) {
      if (classifyError(e) === "retryable") throw e;
      const reason = errorMessage(e);
      log("warn", "task failed", { task_id: m.task_id, reason });
      marker = { run_id: m.run_id, task_id: m.task_id, outcome: "failed", reason };
    }
    return finish(marker);
  };
}
