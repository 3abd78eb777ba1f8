/**
 * Fan-in (DESIGN.md "Fan-in without a single-writer bottleneck"): the summary consumer.
 * 1. Completions (and task messages drained from the task DLQ, as dead_lettered) are grouped by run and
 *    merged into runs/{R}/status.json with compare-and-swap; each task id counts once (runStatus.ts).
 *    DLQ messages are deleted only after the status that records them is stored (at-least-once).
 * 2. When wave 1 is accounted for and wave 2 has not started, wave 2 is enqueued, THEN `wave2_started` is set
 *    by compare-and-swap. A crash between the two re-sends wave 2 on the next invocation; two racing
 *    invocations may both send it: duplicates are harmless (the task marker makes a re-run a no-op).
 * 3. When every task is accounted for, the invocation that wins the put-if-absent of runs/{R}/summary.lock
 *    compacts the results (compaction.ts), writes the summary table and the report, and sets `finished`.
 *    A lock older than `lockStaleMs` (its holder crashed) is taken over by put-if-match; every step is
 *    deterministic, so a takeover rewrites the same bytes.
 * Any number of invocations may run at once; the per-invocation cost is O(batch) messages plus the status
 * object of each run in the batch.
 */

import { errorMessage, InputError } from "../core/errors.ts";
import {
  compareAndSwap,
  type ObjectStore,
  PreconditionFailedError,
  putIfAbsent,
} from "../ports/objectStore.ts";
import type { Queue, QueueMessage } from "../ports/queue.ts";
import { writeRunReport } from "../report/index.ts";
import { listResultFiles, readResultRows } from "../report/load.ts";
import { summarizeStrategies } from "../report/strategySummary.ts";
import { QUEUE_CHECK } from "../results/queueCheckSchema.ts";
import { rowsToParquet } from "../results/schema.ts";
import { SUMMARY } from "../results/summarySchema.ts";
import { RESULT_TABLES } from "../results/tables.ts";
import { sweepTaskId } from "../spec/taskId.ts";
import { statusKey, summaryKey, summaryLockKey } from "../store/keys.ts";
import { compactTable } from "./compaction.ts";
import { type Completion, parseCompletion, parseTaskMessage, taskMessage } from "./messages.ts";
import { type Manifest, readManifest } from "./planner.ts";
import {
  type Accounting,
  allAccounted,
  applyOutcomes,
  encodeStatus,
  newRunStatus,
  parseRunStatus,
  type RunStatus,
  wave1Done,
} from "./runStatus.ts";

export interface FanInDeps {
  readonly store: ObjectStore;
  /** where wave 2 is sent */
  readonly taskQueue: Queue;
  /** drained into dead_lettered on every invocation (absent = not drained here) */
  readonly taskDlq?: Queue;
  /** long-poll seconds for the DLQ drain (SQS short polls can miss messages; 0 for the local queue) */
  readonly dlqWaitS?: number;
  /** wall clock in ms, for the summary lock's age only */
  readonly now: () => number;
  /** a summary lock older than this is considered abandoned (default 15 minutes) */
  readonly lockStaleMs?: number;
  /** who holds the lock (for the lock file; e.g. the Lambda request id) */
  readonly owner?: string;
  readonly log?: (
    level: "info" | "warn" | "error",
    message: string,
    fields?: Record<string, unknown>,
  ) => void;
}

export interface FanInResult {
  /** completions / dead letters that changed a status */
  readonly accounted: number;
  readonly deadLettered: number;
  /** runs whose wave 2 this invocation enqueued */
  readonly wave2Started: string[];
  /** runs this invocation finished (summary, compaction, report) */
  readonly finished: string[];
  /** message bodies that are not completions (logged and consumed) */
  readonly invalid: number;
}

/** Drain the DLQ without deleting: the messages are deleted once their status is stored. */
async function receiveDeadLetters(q: Queue, waitS: number): Promise<QueueMessage[]> {
  const out: QueueMessage[] = [];
  for (;;) {
    const batch = await q.receive({ maxMessages: 10, waitS, visibilityTimeoutS: 300 });
    if (batch.length === 0) return out;
    out.push(...batch);
    if (out.length >= 1000) return out;
  }
}

export type FanIn = (completionBodies: readonly string[], check?: readonly string[]) => Promise<FanInResult>;

export function createFanIn(deps: FanInDeps): FanIn {
  const manifests = new Map<string, Manifest>();
  const plannedSets = new Map<string, Set<string>>();
  const log = deps.log ?? (() => undefined);

  async function planned(runId: string): Promise<{ manifest: Manifest; ids: Set<string> }> {
    let manifest = manifests.get(runId);
    if (!manifest) {
      manifest = await readManifest(deps.store, runId);
      manifests.set(runId, manifest);
      plannedSets.set(runId, new Set([...manifest.calibrate_tasks, ...manifest.tasks].map((t) => t.task_id)));
    }
    return { manifest, ids: plannedSets.get(runId)! };
  }

  /** Apply `change` to runs/{R}/status.json by compare-and-swap; returns the status as stored. */
  async function updateStatus(
    runId: string,
    change: (s: RunStatus) => boolean,
    init: () => Promise<RunStatus>,
  ): Promise<RunStatus> {
    const key = statusKey(runId);
    // no status yet (the planner stopped between manifest and status): start from the manifest
    const initial = (await deps.store.head(key)) ? undefined : await init();
    let result: RunStatus | undefined;
    await compareAndSwap(deps.store, key, (cur) => {
      if (!cur && !initial)
        throw new InputError(`${deps.store.describe(key)} vanished; the run's status is lost`);
      const s = cur ? parseRunStatus(cur, deps.store.describe(key)) : structuredClone(initial!);
      result = s;
      return change(s) ? encodeStatus(s) : undefined;
    });
    return result!;
  }

  const initOf = (runId: string) => async () => {
    const { manifest } = await planned(runId);
    return newRunStatus(
      runId,
      { calibrate: manifest.calibrate_tasks.length, backtest: manifest.tasks.length },
      manifest.calibrate_tasks.length === 0,
    );
  };

  async function startWave2(runId: string): Promise<void> {
    const { manifest } = await planned(runId);
    await deps.taskQueue.sendBatch(manifest.tasks.map((t) => JSON.stringify(taskMessage(runId, t))));
    await updateStatus(
      runId,
      (s) => {
        if (s.wave2_started) return false;
        s.wave2_started = true;
        return true;
      },
      initOf(runId),
    );
  }

  /** Take the summary lock (or a stale one); false when a live holder has it. */
  async function takeLock(runId: string): Promise<boolean> {
    const key = summaryLockKey(runId);
    const body = () => JSON.stringify({ owner: deps.owner ?? "summary", acquired_ms: deps.now() });
    if (await putIfAbsent(deps.store, key, body())) return true;
    const cur = await deps.store.getWithEtag(key);
    if (!cur) return putIfAbsent(deps.store, key, body());
    let acquired = 0;
    try {
      acquired = Number(
        (JSON.parse(new TextDecoder().decode(cur.bytes)) as { acquired_ms?: number }).acquired_ms,
      );
    } catch {
      acquired = 0;
    }
    if (deps.now() - acquired < (deps.lockStaleMs ?? 15 * 60_000)) return false;
    try {
      await deps.store.put(key, body(), { ifMatch: cur.etag });
      log("warn", "took over a stale summary lock", { run_id: runId });
      return true;
    } catch (e) {
      if (e instanceof PreconditionFailedError) return false;
      throw e;
    }
  }

  async function finish(runId: string, status: RunStatus): Promise<boolean> {
    if (!(await takeLock(runId))) return false;
    const okBacktest = (date: string, symbol: string) =>
      status.tasks[sweepTaskId("backtest", symbol, date)]?.outcome === "ok";
    let compacted = 0;
    // queue_check: staged only by the backtest tasks of a spec with queue_check on MBO input
    for (const table of [...RESULT_TABLES, QUEUE_CHECK])
      compacted += (await compactTable(deps.store, table, runId, okBacktest)).length;
    const executions = await readResultRows(
      deps.store,
      await listResultFiles(deps.store, "executions", runId),
    );
    const sKey = summaryKey(runId);
    await deps.store.put(
      sKey,
      await rowsToParquet(
        SUMMARY,
        summarizeStrategies(executions).map((s) => ({ ...s })),
      ),
    );
    let report = "";
    if (executions.length > 0) {
      try {
        report = await writeRunReport(deps.store, runId);
      } catch (e) {
        // the report is a view of stored results: a rendering bug must not block the run's completion
        log("error", "report rendering failed", { run_id: runId, error: errorMessage(e) });
      }
    }
    await updateStatus(
      runId,
      (s) => {
        if (s.finished) return false;
        s.finished = true;
        s.outputs = { summary: sKey, report, compacted };
        return true;
      },
      initOf(runId),
    );
    return true;
  }

  /**
   * Merge a batch of completion bodies (and the task DLQ) into the runs' statuses; `check` names runs to
   * look at even without a completion (a scheduled or idle tick: wave 2 or the summary may be due).
   */
  return async function fanIn(
    completionBodies: readonly string[],
    check: readonly string[] = [],
  ): Promise<FanInResult> {
    const byRun = new Map<string, Accounting[]>();
    let invalid = 0;
    const add = (runId: string, a: Accounting) => {
      const list = byRun.get(runId) ?? [];
      list.push(a);
      byRun.set(runId, list);
    };
    for (const body of completionBodies) {
      let c: Completion;
      try {
        c = parseCompletion(body);
      } catch (e) {
        invalid++;
        log("error", "invalid completion consumed", { error: errorMessage(e) });
        continue;
      }
      add(c.run_id, { task_id: c.task_id, outcome: c.outcome, reason: c.reason, aggregates: c.aggregates });
    }
    const dead = deps.taskDlq ? await receiveDeadLetters(deps.taskDlq, deps.dlqWaitS ?? 0) : [];
    for (const m of dead) {
      const p = parseTaskMessage(m.body);
      if (p.runId && p.taskId) {
        add(p.runId, {
          task_id: p.taskId,
          outcome: "dead_lettered",
          // (not m.receiveCount: that counts receives from the DLQ, not the task queue's deliveries)
          reason:
            "dead-lettered: every delivery up to the task queue's maximum receive count ended without a result (the worker crashed, timed out or hit a retryable error each time)",
        });
      } else {
        log("error", "unusable message in the task DLQ consumed", { body: m.body.slice(0, 200) });
      }
    }
    for (const runId of check) if (!byRun.has(runId)) byRun.set(runId, []);
    let accounted = 0;
    const wave2Started: string[] = [];
    const finished: string[] = [];
    for (const [runId, items] of [...byRun.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      let ids: Set<string>;
      try {
        ids = (await planned(runId)).ids;
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        log("error", "completion for a run without a manifest consumed", { run_id: runId });
        continue;
      }
      const isPlanned = (id: string) => {
        if (ids.has(id)) return true;
        log("warn", "completion of a task the run did not plan ignored", { run_id: runId, task_id: id });
        return false;
      };
      let changed = 0;
      const status = await updateStatus(
        runId,
        (s) => {
          changed = applyOutcomes(s, items, isPlanned);
          return changed > 0;
        },
        initOf(runId),
      );
      accounted += changed;
      if (wave1Done(status) && !status.wave2_started) {
        await startWave2(runId);
        status.wave2_started = true;
        wave2Started.push(runId);
      }
      if (allAccounted(status) && !status.finished && (await finish(runId, status))) finished.push(runId);
    }
    for (const m of dead) await deps.taskDlq!.delete(m.receiptHandle);
    return { accounted, deadLettered: dead.length, wave2Started, finished, invalid };
  };
}

/** The runs named by a batch of completion bodies (for logging). */
export function runsOf(bodies: readonly string[]): string[] {
  const runs = new Set<string>();
  for (const b of bodies) {
    try {
      runs.add(parseCompletion(b).run_id);
    } catch {
      // ignored
    }
  }
  return [...runs];
}
