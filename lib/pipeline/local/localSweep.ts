/**
 * The local backend of `msor sweep` (DESIGN.md: the same handlers as on AWS, behind the same ports): a
 * LocalObjectStore root, in-process LocalQueues with SQS semantics, and an event-source loop that plays
 * Lambda's SQS triggers:
 * - task queue -> executor (batch size 1, up to `slots` at once); a handler that returns -> delete; one that
 *   throws (retryable error) or whose worker dies -> the message is NOT deleted: it becomes visible again
 *   after `retryDelayS` (on AWS after the visibility timeout; locally shorter so a laptop run does not stall)
 *   and after 3 receives the queue moves it to the DLQ;
 * - completion queue -> fan-in (batches of up to 10 x 10 messages; a throwing fan-in leaves them queued);
 * - when nothing is running, a tick of the fan-in drains the DLQ and checks whether wave 2 or the summary
 *   is due (the scheduled summary invocation on AWS).
 * The loop ends when runs/{R}/status.json says finished.
 */
import { type Clock, systemClock } from "../../ports/clock.ts";
import { LocalQueue } from "../../ports/localQueue.ts";
import type { ObjectStore } from "../../ports/objectStore.ts";
import type { Queue, QueueMessage } from "../../ports/queue.ts";
import type { ResolvedInput, ResolvedSweep } from "../../specs/sweepSpec.ts";
import { statusKey } from "../../store/keys.ts";
import { createFanIn, type LockHeld } from "../fanIn.ts";
import { parseTaskMessage } from "../messages.ts";
import { type PlanResult, planSweep } from "../planner.ts";
import { parseRunStatus, progressOf, type RunStatus } from "../runStatus.ts";
import { type Executor, localInputStore, localResultsStore, type TaskRun } from "./pool.ts";

export interface SweepProgress extends ReturnType<typeof progressOf> {
  readonly runId: string;
}

export interface LocalSweepOptions {
  readonly sweep: ResolvedSweep;
  /** results root folder */
  readonly root: string;
  /** where tasks run; built from the completion queue (threadExecutor or inlineExecutor) */
  readonly executor: (completions: Queue) => Executor;
  /** seconds before a failed or crashed task's message is visible again (default 1) */
  readonly retryDelayS?: number;
  /** visibility timeout of a received task (default 900 s: longer than any local task) */
  readonly visibilityTimeoutS?: number;
  readonly clock?: Clock;
  readonly onPlanned?: (plan: PlanResult) => void;
  readonly onProgress?: (p: SweepProgress) => void;
  /** told (once per holder) when another holder's lease has the run's summary lock: the finish waits for it */
  readonly onLockHeld?: (h: LockHeld) => void;
}

export interface LocalSweepResult {
  readonly plan: PlanResult;
  readonly status: RunStatus;
  /** task runs that failed (retryable error or dead worker) and went back to the queue */
  readonly retries: number;
}

/** A sweep on the local backend: plan, then drive the queues until the run is finished. */
export async function runLocalSweep(o: LocalSweepOptions): Promise<LocalSweepResult> {
  const clock = o.clock ?? systemClock;
  const store = localResultsStore(o.root);
  const dlq = new LocalQueue("tasks-dlq", { clock });
  const tasks = new LocalQueue("tasks", {
    clock,
    visibilityTimeoutS: o.visibilityTimeoutS ?? 900,
    deadLetter: dlq,
    maxReceiveCount: 3,
  });
  const completions = new LocalQueue("completions", { clock });
  return driveSweep({
    sweep: o.sweep,
    store,
    inputStore: (input) => localInputStore(input, store),
    tasks,
    dlq,
    completions,
    executor: o.executor(completions),
    clock,
    ...(o.retryDelayS !== undefined ? { retryDelayS: o.retryDelayS } : {}),
    ...(o.onPlanned ? { onPlanned: o.onPlanned } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    ...(o.onLockHeld ? { onLockHeld: o.onLockHeld } : {}),
  });
}

export interface DriveOptions {
  readonly sweep: ResolvedSweep;
  readonly store: ObjectStore;
  readonly inputStore: (input: ResolvedInput) => ObjectStore;
  readonly tasks: Queue;
  readonly dlq: Queue;
  readonly completions: Queue;
  readonly executor: Executor;
  readonly retryDelayS?: number;
  readonly clock?: Clock;
  /** long-poll seconds of the DLQ drain (0 locally) */
  readonly dlqWaitS?: number;
  readonly onPlanned?: (plan: PlanResult) => void;
  readonly onProgress?: (p: SweepProgress) => void;
  readonly onLockHeld?: (h: LockHeld) => void;
  /** lease of the summary lock (default 30 s: a finish killed with its process is taken over that soon) */
  readonly leaseMs?: number;
}

/** Who holds a local run's summary lock (shown to a later sweep of the same run while it waits). */
export const LOCAL_OWNER = `local msor sweep (pid ${process.pid})`;

/**
 * The event-source loop over any queues and store (the local backend, or the AWS adapters in tests): plan,
 * then feed tasks to the executor and completions to the fan-in until status.json says finished.
 */
export async function driveSweep(o: DriveOptions): Promise<LocalSweepResult> {
  try {
    return await drive(o);
  } finally {
    // also when planning fails (e.g. the run id exists with another spec): the executor's worker threads
    // would otherwise keep the process alive after the error
    await o.executor.close();
  }
}

async function drive(o: DriveOptions): Promise<LocalSweepResult> {
  const clock = o.clock ?? systemClock;
  const { store, tasks, dlq, completions, executor } = o;
  const plan = await planSweep({ store, taskQueue: tasks, inputStore: o.inputStore }, o.sweep);
  o.onPlanned?.(plan);
  const runId = plan.runId;
  const fanIn = createFanIn({
    store,
    taskQueue: tasks,
    taskDlq: dlq,
    dlqWaitS: o.dlqWaitS ?? 0,
    now: () => clock.now(),
    owner: LOCAL_OWNER,
    leaseMs: o.leaseMs ?? 30_000,
  });
  const toldHolders = new Set<string>();
  const readStatus = async () => {
    const b = await store.get(statusKey(runId));
    return parseRunStatus(b, store.describe(statusKey(runId)));
  };
  const retryDelayS = o.retryDelayS ?? 1;
  const running = new Set<Promise<void>>();
  let retries = 0;
  let status = await readStatus();
  o.onProgress?.({ runId, ...progressOf(status) });

  const dispatch = (m: QueueMessage) => {
    const p = parseTaskMessage(m.body);
    const job = executor
      .run({ body: m.body, taskId: p.taskId, receiveCount: m.receiveCount })
      .then(async (r: TaskRun) => {
        if (r.ok) await tasks.delete(m.receiptHandle);
        else {
          retries++;
          // partial batch failure: the message stays in the queue and comes back after the delay
          await tasks.changeVisibility(m.receiptHandle, retryDelayS).catch(() => undefined);
        }
      });
    const tracked = job.finally(() => running.delete(tracked));
    running.add(tracked);
  };

  try {
    while (!status.finished) {
      while (running.size < executor.slots) {
        const [m] = await tasks.receive({ maxMessages: 1 });
        if (!m) break;
        dispatch(m);
      }
      let bodies: QueueMessage[] = [];
      for (let i = 0; i < 10; i++) {
        const batch = await completions.receive({ maxMessages: 10 });
        if (batch.length === 0) break;
        bodies = bodies.concat(batch);
      }
      const queued = await tasks.counts();
      const idle = running.size === 0 && queued.visible === 0;
      if (bodies.length > 0 || idle) {
        const r = await fanIn(
          bodies.map((b) => b.body),
          [runId],
        );
        // here the sweep is the run's only driver: a failed finish stops it with the reason (run it again)
        const failed = r.finishFailed.find((f) => f.runId === runId);
        if (failed) throw failed.cause;
        for (const h of r.lockHeld) {
          if (toldHolders.has(h.owner)) continue;
          toldHolders.add(h.owner);
          o.onLockHeld?.(h);
        }
        for (const b of bodies) await completions.delete(b.receiptHandle);
        status = await readStatus();
        o.onProgress?.({ runId, ...progressOf(status) });
        if (bodies.length > 0) continue;
      }
      if (status.finished) break;
      // wait for a task to finish, or a short while (a message becoming visible again, a completion)
      await Promise.race([...running, clock.sleep(idle ? retryDelayS * 250 : 100)]);
    }
  } finally {
    await Promise.allSettled([...running]);
  }
  return { plan, status, retries };
}
