/**
 * Fan-in (DESIGN.md "Fan-in without a single-writer bottleneck"): the summary consumer.
 * 1. Completions (and task messages drained from the task DLQ, as dead_lettered) are grouped by run and
 *    merged into runs/{R}/status.json with compare-and-swap; each task id counts once (runStatus.ts).
 *    DLQ messages are deleted only after the status that records them is stored (at-least-once).
 * 2. When wave 1 is accounted for and wave 2 has not started, wave 2 is enqueued, THEN `wave2_started` is set
 *    by compare-and-swap. A crash between the two re-sends wave 2 on the next invocation; two racing
 *    invocations may both send it: duplicates are harmless (the task marker makes a re-run a no-op).
 *    Wave 2 is sent by enqueue.ts: chunk by chunk with its progress recorded, so an invocation that times
 *    out half way is continued by the next one instead of sending the whole wave again.
 * 3. When every backtest task is accounted for, wave 3 starts: the status gets its compaction section (which
 *    freezes the set of ok backtests) and the compaction tasks are sent (compaction.ts; the worker fleet runs
 *    them, one part of one table's date partition each). A send cut short is continued by the next tick.
 * 4. When every compaction task is accounted for too, the invocation that wins the put-if-absent of
 *    runs/{R}/summary.lock writes the summary table from the merged aggregates of status.json
 *    (strategyAggregates.ts: no execution row is read), writes the report, and sets `finished`.
 *    The lock is a lease (`leaseMs`, default 60 s) that its holder renews every third of it while it works
 *    (heartbeat); a lease that ran out (its holder crashed or timed out) is taken over by put-if-match, so a
 *    crashed finish is retried within a lease, not after a fixed 15 minutes. Every step is deterministic, so
 *    a takeover rewrites the same bytes. A finish that fails records why in status.json (`finish_error`) and
 *    gives its lease back; the next invocation or tick tries again.
 * 5. The runs to look at are those of the batch, those named by `check`, and with `check = "active"` (the
 *    periodic tick) every run in the active-runs/ index (planner.ts markActive); the finish removes a run
 *    from the index. So a run whose last event was lost (a finish started by a DLQ drain that crashed) is
 *    still picked up by the next tick.
 * Any number of invocations may run at once; the per-invocation cost is O(batch) messages plus the status
 * object of each run in the batch (and, when a wave starts, its sends). Nothing here reads a result row.
 */

import { errorMessage, InputError, RetryableError } from "../core/errors.ts";
import { compareAndSwap, type ObjectStore, PreconditionFailedError } from "../ports/objectStore.ts";
import type { Queue, QueueMessage } from "../ports/queue.ts";
import { writeRunReport } from "../report/index.ts";
import { summarizeAggregates } from "../report/strategyAggregates.ts";
import { rowsToParquet } from "../results/schema.ts";
import { SUMMARY } from "../results/summarySchema.ts";
import {
  ACTIVE_RUNS_PREFIX,
  activeRunKey,
  runIdOfActiveKey,
  statusKey,
  summaryKey,
  summaryLockKey,
} from "../store/keys.ts";
import { compactTasks, type PlannedPart } from "./compaction.ts";
import { enqueueCompaction, enqueueWave } from "./enqueue.ts";
import { type Completion, parseCompletion, parseTaskMarker, parseTaskMessage } from "./messages.ts";
import { type Manifest, readManifest } from "./planner.ts";
import {
  type Accounting,
  allAccounted,
  applyOutcomes,
  backtestsDone,
  encodeStatus,
  newCompactionStatus,
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
  /** wall clock in ms: the summary lock's lease and wave 2's send times */
  readonly now: () => number;
  /** lease of the summary lock, renewed every third of it while the finish runs (default 60 s) */
  readonly leaseMs?: number;
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
  /** runs this invocation finished (summary and report, after wave 3) */
  readonly finished: string[];
  /** message bodies that are not completions (logged and consumed) */
  readonly invalid: number;
  /** runs due to finish whose summary lock another holder's live lease has (it is finishing them) */
  readonly lockHeld: readonly LockHeld[];
  /**
   * (check = "active") age in ms of the oldest run still in the active-runs/ index after this invocation, 0
   * when none: the summary publishes it, and an alarm fires when a run stays unfinished past its expected time
   */
  readonly oldestActiveMs?: number;
  /** runs whose finish failed here (recorded in their status as finish_error; retried later) */
  readonly finishFailed: readonly { runId: string; error: string; cause: Error }[];
}

export interface LockHeld {
  readonly runId: string;
  readonly owner: string;
  /** ms until the holder's lease runs out (then the lock may be taken over) */
  readonly leaseLeftMs: number;
}

/** runs/{R}/summary.lock */
interface LockBody {
  owner: string;
  acquired_ms: number;
  /** the lease: the lock may be taken over after this (older locks without it: acquired + 15 min) */
  lease_until_ms?: number;
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

export type FanIn = (
  completionBodies: readonly string[],
  check?: readonly string[] | "active",
) => Promise<FanInResult>;

/** A held lease, renewed in the background; `lost` once another holder took it over. */
interface Lease {
  readonly lost: () => boolean;
  /** stop renewing; `release` also gives the lock back (lease ended now) so that a retry need not wait */
  readonly stop: (release: boolean) => Promise<void>;
}

export function createFanIn(deps: FanInDeps): FanIn {
  const manifests = new Map<string, Manifest>();
  const plannedSets = new Map<string, Set<string>>();
  /** each run's wave 3 (compactTasks of its manifest), computed once */
  const compactions = new Map<string, PlannedPart[]>();
  const log = deps.log ?? (() => undefined);

  async function planned(
    runId: string,
  ): Promise<{ manifest: Manifest; ids: Set<string>; compaction: PlannedPart[] }> {
    let manifest = manifests.get(runId);
    if (!manifest) {
      manifest = await readManifest(deps.store, runId);
      manifests.set(runId, manifest);
      const compaction = compactTasks(manifest);
      compactions.set(runId, compaction);
      plannedSets.set(
        runId,
        new Set([...manifest.calibrate_tasks, ...manifest.tasks, ...compaction].map((t) => t.task_id)),
      );
    }
    return { manifest, ids: plannedSets.get(runId)!, compaction: compactions.get(runId)! };
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

  async function startWave2(runId: string, status: RunStatus): Promise<void> {
    const { manifest } = await planned(runId);
    const r = await enqueueWave(
      { store: deps.store, queue: deps.taskQueue, now: deps.now },
      runId,
      2,
      manifest.tasks,
      (t) => !status.tasks[t.task_id],
    );
    if (r.recent > 0)
      log("info", "wave 2 continued", { run_id: runId, sent: r.sent, already_sent: r.recent });
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

  /**
   * Wave 3: freeze the ok set (the compaction section of the status; no late upgrade of a backtest after it),
   * then send the compaction tasks not accounted for (resumable: a send cut short is continued by a tick).
   */
  async function sendWave3(runId: string, tick: boolean): Promise<RunStatus["compaction"]> {
    const { compaction } = await planned(runId);
    let created = false;
    const status = await updateStatus(
      runId,
      (s) => {
        created = false;
        if (s.compaction) return false;
        s.compaction = newCompactionStatus(compaction.length);
        created = true;
        return true;
      },
      initOf(runId),
    );
    // the invocation that started wave 3 sends it, and a tick continues it; another that merely saw it started
    // (a race) leaves it to them
    if (!created && !tick) return status.compaction;
    const r = await enqueueCompaction(
      { store: deps.store, queue: deps.taskQueue, now: deps.now },
      runId,
      compaction,
      status,
    );
    if (r.sent > 0)
      log("info", "wave 3 (compaction) sent", { run_id: runId, sent: r.sent, already_sent: r.recent });
    return status.compaction;
  }

  const leaseMs = deps.leaseMs ?? 60_000;
  const lockBody = (): LockBody => {
    const now = deps.now();
    return { owner: deps.owner ?? "summary", acquired_ms: now, lease_until_ms: now + leaseMs };
  };
  const encodeLock = (b: LockBody) => JSON.stringify(b);

  /** Renew the lease at `key` (held with `etag`) every third of it until stopped. */
  function holdLease(runId: string, key: string, etag: string): Lease {
    let current = etag;
    let lost = false;
    let renewing: Promise<void> = Promise.resolve();
    const renew = async () => {
      try {
        current = (await deps.store.put(key, encodeLock(lockBody()), { ifMatch: current })).etag;
      } catch (e) {
        lost = true;
        log("warn", "summary lock lease lost", { run_id: runId, error: errorMessage(e) });
      }
    };
    const timer = setInterval(
      () => {
        if (!lost) renewing = renewing.then(renew);
      },
      Math.max(1, Math.floor(leaseMs / 3)),
    );
    timer.unref?.();
    return {
      lost: () => lost,
      async stop(release) {
        clearInterval(timer);
        await renewing;
        if (release && !lost) {
          const b = { ...lockBody(), lease_until_ms: 0 };
          await deps.store.put(key, encodeLock(b), { ifMatch: current }).catch(() => undefined);
        }
      },
    };
  }

  /** Take the summary lock (or one whose lease ran out); the holder when a live lease has it. */
  async function takeLock(runId: string): Promise<Lease | LockHeld> {
    const key = summaryLockKey(runId);
    const first = lockBody();
    try {
      const r = await deps.store.put(key, encodeLock(first), { ifNoneMatch: true });
      return holdLease(runId, key, r.etag);
    } catch (e) {
      if (!(e instanceof PreconditionFailedError)) throw e;
    }
    const cur = await deps.store.getWithEtag(key);
    if (!cur) return takeLock(runId);
    let held: Partial<LockBody> = {};
    try {
      held = JSON.parse(new TextDecoder().decode(cur.bytes)) as Partial<LockBody>;
    } catch {
      held = {};
    }
    const until = Number(held.lease_until_ms ?? Number(held.acquired_ms ?? 0) + 15 * 60_000);
    const left = (Number.isFinite(until) ? until : 0) - deps.now();
    if (left > 0) return { runId, owner: String(held.owner ?? "?"), leaseLeftMs: left };
    try {
      const r = await deps.store.put(key, encodeLock(lockBody()), { ifMatch: cur.etag });
      log("warn", "took over a summary lock whose lease ran out", { run_id: runId, holder: held.owner });
      return holdLease(runId, key, r.etag);
    } catch (e) {
      if (e instanceof PreconditionFailedError)
        return { runId, owner: "another invocation", leaseLeftMs: leaseMs };
      throw e;
    }
  }

  /** Summarise and report a run whose compaction is accounted for (under a lease); throws when the lease is lost. */
  async function finishUnderLease(runId: string, status: RunStatus, lease: Lease): Promise<void> {
    const check = () => {
      if (lease.lost()) throw new RetryableError(`the summary lock of run ${runId} was taken over; stopping`);
    };
    check();
    // the summary from the tasks' merged aggregates (strategyAggregates.ts): no execution row is read
    const sKey = summaryKey(runId);
    await deps.store.put(
      sKey,
      await rowsToParquet(
        SUMMARY,
        summarizeAggregates(status.aggregates).map((s) => ({ ...s })),
      ),
    );
    let report = "";
    if (Object.keys(status.aggregates).length > 0) {
      try {
        // from the merged aggregates and the staged files of the sampled parents' tasks: bounded by the sample
        report = await writeRunReport(
          deps.store,
          runId,
          status.sample ? { aggregates: status.aggregates, sample: status.sample } : undefined,
        );
      } catch (e) {
        // the report is a view of stored results: a rendering bug must not block the run's completion
        log("error", "report rendering failed", { run_id: runId, error: errorMessage(e) });
      }
    }
    check();
    await updateStatus(
      runId,
      (s) => {
        if (s.finished) return false;
        s.finished = true;
        delete s.finish_error;
        s.outputs = { summary: sKey, report, compacted: s.compaction?.files ?? 0 };
        return true;
      },
      initOf(runId),
    );
    await deps.store.delete(activeRunKey(runId));
  }

  /** true = finished here; a LockHeld = another holder is at it; an Error = this attempt failed (recorded). */
  async function finish(runId: string, status: RunStatus): Promise<true | LockHeld | Error> {
    const lease = await takeLock(runId);
    if (!("stop" in lease)) return lease;
    try {
      await finishUnderLease(runId, status, lease);
      await lease.stop(false);
      return true;
    } catch (e) {
      await lease.stop(true);
      const error = errorMessage(e);
      log("error", "finish failed; it is retried by the next invocation or tick", { run_id: runId, error });
      await updateStatus(
        runId,
        (s) => {
          if (s.finished) return false;
          s.finish_error = error;
          s.finish_attempts = (s.finish_attempts ?? 0) + 1;
          return true;
        },
        initOf(runId),
      ).catch(() => undefined);
      return e instanceof Error ? e : new Error(error);
    }
  }

  /**
   * Merge a batch of completion bodies (and the task DLQ) into the runs' statuses; `check` names runs to
   * look at even without a completion (a scheduled or idle tick: wave 2 or the summary may be due).
   */
  return async function fanIn(
    completionBodies: readonly string[],
    check: readonly string[] | "active" = [],
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
      if (c.claim !== undefined) {
        // claim check (messages.ts): the outcome is the task's marker, read from the store
        const bytes = await deps.store.tryGet(c.claim);
        let m: ReturnType<typeof parseTaskMarker> | undefined;
        try {
          m = bytes ? parseTaskMarker(bytes, deps.store.describe(c.claim)) : undefined;
        } catch (e) {
          log("error", "claimed task marker unreadable", { error: errorMessage(e) });
        }
        if (!m || m.run_id !== c.run_id || m.task_id !== c.task_id) {
          invalid++;
          log("error", "completion whose claim names no matching task marker consumed", {
            run_id: c.run_id,
            task_id: c.task_id,
          });
          continue;
        }
        c = { ...m, type: "completion" };
      }
      add(c.run_id, {
        task_id: c.task_id,
        outcome: c.outcome,
        reason: c.reason,
        aggregates: c.aggregates,
        sample: c.sample,
        files: c.files,
      });
    }
    const dead = deps.taskDlq ? await receiveDeadLetters(deps.taskDlq, deps.dlqWaitS ?? 0) : [];
    for (const m of dead) {
      const p = parseTaskMessage(m.body);
      if (p.runId && p.taskId) {
        add(p.runId, {
          task_id: p.taskId,
          outcome: "dead_lettered",
          body: m.body,
          // (not m.receiveCount: that counts receives from the DLQ, not the task queue's deliveries)
          reason:
            "dead-lettered: every delivery up to the task queue's maximum receive count ended without a result (the worker crashed, timed out or hit a retryable error each time)",
        });
      } else {
        log("error", "unusable message in the task DLQ consumed", { body: m.body.slice(0, 200) });
      }
    }
    const toCheck =
      check === "active"
        ? (await deps.store.list(ACTIVE_RUNS_PREFIX)).map(runIdOfActiveKey).filter((r) => r !== undefined)
        : check;
    for (const runId of toCheck) if (!byRun.has(runId)) byRun.set(runId, []);
    let accounted = 0;
    const wave2Started: string[] = [];
    const finished: string[] = [];
    const lockHeld: LockHeld[] = [];
    const finishFailed: { runId: string; error: string; cause: Error }[] = [];
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
      let redrive: Accounting[] = [];
      const status = await updateStatus(
        runId,
        (s) => {
          redrive = [];
          changed = applyOutcomes(s, items, isPlanned, (it) => redrive.push(it));
          return changed > 0;
        },
        initOf(runId),
      );
      accounted += changed - redrive.length;
      if (redrive.length > 0) {
        // dead-lettered compaction tasks sent again (runStatus.ts COMPACTION_REDRIVES): idempotent work
        await deps.taskQueue.sendBatch(redrive.map((r) => r.body!));
        log("warn", "dead-lettered compaction tasks sent again", {
          run_id: runId,
          task_ids: redrive.map((r) => r.task_id),
        });
      }
      if (wave1Done(status) && !status.wave2_started) {
        await startWave2(runId, status);
        status.wave2_started = true;
        wave2Started.push(runId);
      }
      const wave3Due = !status.compaction || (items.length === 0 && !allAccounted(status));
      if (backtestsDone(status) && !status.finished && wave3Due) {
        // wave 3 starts; or (a tick) a send of it cut short is continued, tasks sent recently are skipped
        status.compaction = await sendWave3(runId, items.length === 0);
      }
      if (status.finished && check === "active") await deps.store.delete(activeRunKey(runId)); // (a stale entry)
      if (!allAccounted(status) || status.finished) continue;
      const f = await finish(runId, status);
      if (f === true) finished.push(runId);
      else if (f instanceof Error) finishFailed.push({ runId, error: errorMessage(f), cause: f });
      else lockHeld.push(f);
    }
    for (const m of dead) await deps.taskDlq!.delete(m.receiptHandle);
    const result = {
      accounted,
      deadLettered: dead.length,
      wave2Started,
      finished,
      invalid,
      lockHeld,
      finishFailed,
    };
    if (check !== "active") return result;
    let oldestActiveMs = 0;
    for (const runId of toCheck) {
      if (finished.includes(runId)) continue;
      const b = await deps.store.tryGet(activeRunKey(runId));
      const planned = b
        ? Number((JSON.parse(new TextDecoder().decode(b)) as { planned_ms?: number }).planned_ms)
        : Number.NaN;
      if (Number.isFinite(planned)) oldestActiveMs = Math.max(oldestActiveMs, deps.now() - planned);
    }
    return { ...result, oldestActiveMs };
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
