/**
 * Enqueueing a wave at scale (issue 23.4): resumable, parallel, and never re-sending what is still in flight.
 *
 * runs/{R}/enqueued-w{1|2|3}.json records when each task of the wave (in manifest order) was last sent, run-length
 * encoded ([start, length, ms] runs; 0 = never sent). A send skips tasks that are accounted for and tasks sent
 * less than the task queue's visibility timeout ago (their message may still be queued or running: a second
 * copy would only be a duplicate). So:
 * - a re-plan of an unfinished run (`msor sweep --backend aws` run again) re-enqueues only the tasks whose last
 *   send is older than the visibility timeout, not every unaccounted task again;
 * - a wave-2 enqueue that timed out half way (a summary invocation killed) is continued by the next one: the
 *   tasks it sent are recorded chunk by chunk and skipped.
 * The record is merged by compare-and-swap (latest send wins per task), so two enqueuers may run at once.
 * Sends go out in parallel SendMessageBatch calls (`concurrency` at a time), chunk by chunk.
 */
import { compareAndSwap, type ObjectStore } from "../ports/objectStore.ts";
import { QUEUE_LIMITS, type Queue } from "../ports/queue.ts";
import { type SweepTask, sweepTaskId } from "../specs/taskId.ts";
import { enqueueLogKey } from "../store/keys.ts";
import type { PlannedPart } from "./compaction.ts";
import { compactMessage, taskMessage } from "./messages.ts";
import type { RunStatus } from "./runStatus.ts";

export interface EnqueueDeps {
  readonly store: ObjectStore;
  readonly queue: Queue;
  /** wall clock, ms (the send times only) */
  readonly now: () => number;
  /** SendMessageBatch calls in flight at once (default 16) */
  readonly concurrency?: number;
  /** tasks sent between two progress records (default 1,000) */
  readonly chunk?: number;
}

export interface EnqueueResult {
  /** messages sent now */
  readonly sent: number;
  /** pending tasks not sent because their last send is younger than the visibility timeout */
  readonly recent: number;
}

interface EnqueueLog {
  version: 1;
  tasks: number;
  /** the queue the sends went to (Queue.incarnation); absent in logs of earlier versions = this queue */
  queue?: string;
  /** [start index, length, last send ms] */
  runs: [number, number, number][];
}

/**
 * Last-send times, one per task (0 = never), from the stored runs; all 0 when the sends went to another queue
 * than `queue` (an in-process queue of an earlier process: those messages are gone).
 */
export function decodeSendTimes(bytes: Uint8Array | undefined, n: number, queue?: string): Float64Array {
  const out = new Float64Array(n);
  if (!bytes) return out;
  const log = JSON.parse(new TextDecoder().decode(bytes)) as EnqueueLog;
  if (queue !== undefined && log.queue !== undefined && log.queue !== queue) return out;
  for (const [start, len, ms] of log.runs) for (let i = start; i < Math.min(n, start + len); i++) out[i] = ms;
  return out;
}

/** Run-length encoding of last-send times (runs of equal times; never-sent runs left out). */
export function encodeSendTimes(t: Float64Array, queue?: string): string {
  const runs: [number, number, number][] = [];
  for (let i = 0; i < t.length; ) {
    let j = i + 1;
    while (j < t.length && t[j] === t[i]) j++;
    if (t[i]! > 0) runs.push([i, j - i, t[i]!]);
    i = j;
  }
  const log: EnqueueLog = { version: 1, tasks: t.length, ...(queue !== undefined ? { queue } : {}), runs };
  return `${JSON.stringify(log)}\n`;
}

/** Send every batch of `bodies` with at most `concurrency` SendMessageBatch calls in flight. */
async function sendParallel(queue: Queue, bodies: readonly string[], concurrency: number): Promise<void> {
  const BATCH = QUEUE_LIMITS.maxBatchEntries; // entries per SendMessageBatch
  let next = 0;
  const lane = async () => {
    for (;;) {
      const start = next;
      next += BATCH;
      if (start >= bodies.length) return;
      await queue.sendBatch(bodies.slice(start, start + BATCH));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
}

/**
 * Send the (symbol, day) `tasks` of wave 1 or 2 (the manifest's list, in order) for which `pending` holds and
 * whose last send is older than the queue's visibility timeout (sendTasks).
 */
export function enqueueWave(
  deps: EnqueueDeps,
  runId: string,
  wave: 1 | 2,
  tasks: readonly SweepTask[],
  pending: (t: SweepTask) => boolean,
): Promise<EnqueueResult> {
  return sendTasks(deps, runId, wave, tasks, pending, (t) => JSON.stringify(taskMessage(runId, t)));
}

/**
 * Send the `tasks` of `wave` (in their planned order) for which `pending` holds and whose last send is older
 * than the queue's visibility timeout, each as its `body`; record each chunk's send time before the next chunk.
 */
async function sendTasks<T extends { readonly task_id: string }>(
  deps: EnqueueDeps,
  runId: string,
  wave: 1 | 2 | 3,
  tasks: readonly T[],
  pending: (t: T) => boolean,
  body: (t: T) => string,
): Promise<EnqueueResult> {
  const key = enqueueLogKey(runId, wave);
  const visibleAfterMs = (await deps.queue.defaultVisibilityS()) * 1000;
  const start = deps.now();
  // a send to another queue (an earlier process's in-process queue: a local sweep run again) is not waiting here
  const last = decodeSendTimes(await deps.store.tryGet(key), tasks.length, deps.queue.incarnation);
  const due: number[] = [];
  let recent = 0;
  for (let i = 0; i < tasks.length; i++) {
    if (!pending(tasks[i]!)) continue;
    if (last[i]! > 0 && start - last[i]! < visibleAfterMs) recent++;
    else due.push(i);
  }
  const chunk = deps.chunk ?? 1000;
  for (let c = 0; c < due.length; c += chunk) {
    const idx = due.slice(c, c + chunk);
    const sentAt = Math.max(1, deps.now()); // (0 means never sent)
    await sendParallel(
      deps.queue,
      idx.map((i) => body(tasks[i]!)),
      deps.concurrency ?? 16,
    );
    await compareAndSwap(deps.store, key, (cur) => {
      const t = decodeSendTimes(cur, tasks.length, deps.queue.incarnation);
      for (const i of idx) t[i] = Math.max(t[i]!, sentAt);
      return encodeSendTimes(t, deps.queue.incarnation);
    });
  }
  return { sent: due.length, recent };
}

/**
 * Send wave 3 (`tasks`: compaction.ts compactTasks of the run) of a run whose status has its compaction section
 * (the frozen ok set): each compaction task not accounted for, with the ok symbols of its part; resumable like
 * the other waves.
 */
export function enqueueCompaction(
  deps: EnqueueDeps,
  runId: string,
  tasks: readonly PlannedPart[],
  status: RunStatus,
): Promise<EnqueueResult> {
  const accounted = status.compaction?.tasks ?? {};
  const ok = (symbol: string, date: string) =>
    status.tasks[sweepTaskId("backtest", symbol, date)]?.outcome === "ok";
  return sendTasks(
    deps,
    runId,
    3,
    tasks,
    (t) => !accounted[t.task_id],
    (t) =>
      JSON.stringify(
        compactMessage(
          runId,
          t,
          t.planned.filter((s) => ok(s, t.date)),
        ),
      ),
  );
}
