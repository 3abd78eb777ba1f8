/**
 * Executors of the local backend: where a task body runs. `inlineExecutor` runs the handler in this thread
 * (tests inject faults by wrapping it); `threadExecutor` runs one worker_thread per slot (default: one per
 * core), each with its own stores and handler, like concurrent Lambda instances. A thread that dies
 * mid-task is replaced, and its message is reported as failed (it returns to the queue).
 *
 * The threads start when the executor is built (runLocalSweep builds it before planning, so they load while
 * the planner runs) and live for the whole sweep: both waves run on the same threads, so each pays its
 * start-up (one bundled file, lib/pipeline/local/threadBundle.ts: ~0.15 s) and V8's JIT warm-up once per sweep,
 * not per task or wave.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { errorMessage, InputError } from "../../core/errors.ts";
import { LocalObjectStore } from "../../ports/localObjectStore.ts";
import type { ObjectStore } from "../../ports/objectStore.ts";
import type { Queue } from "../../ports/queue.ts";
import type { ResolvedInput } from "../../specs/sweepSpec.ts";
import { createTaskHandler, type WorkerResult } from "../worker.ts";
import { startFile, type ThreadEntry, threadEntry } from "./threadBundle.ts";

/** The results store of a local root folder. */
export function localResultsStore(root: string): ObjectStore {
  return new LocalObjectStore(root);
}

/** The input store of a spec on the local backend: its input.root, else the results root. */
export function localInputStore(input: ResolvedInput, results: ObjectStore): ObjectStore {
  if (input.bucket !== undefined) {
    throw new InputError(
      `the spec reads input from S3 bucket ${input.bucket}; run it with --backend aws, or set input.root to a local folder`,
    );
  }
  return input.root !== undefined ? new LocalObjectStore(input.root) : results;
}

export interface TaskRequest {
  readonly body: string;
  readonly taskId: string | undefined;
  readonly receiveCount: number;
}

export type TaskRun =
  | { ok: true; state: WorkerResult["state"] }
  | { ok: false; message: string; died: boolean };

export interface Executor {
  /** tasks that may run at once */
  readonly slots: number;
  run(req: TaskRequest): Promise<TaskRun>;
  close(): Promise<void>;
}

/** The handler in this thread; `wrap` lets tests inject faults around it. */
export function inlineExecutor(opts: {
  root: string;
  completions: Queue;
  /** the results store (default: the local folder `root`) and input stores, e.g. S3 in tests */
  store?: ObjectStore;
  inputStore?: (input: ResolvedInput) => ObjectStore;
  slots?: number;
  wrap?: (handle: (body: string) => Promise<WorkerResult>, req: TaskRequest) => Promise<WorkerResult>;
}): Executor {
  const store = opts.store ?? localResultsStore(opts.root);
  const handle = createTaskHandler({
    store,
    inputStore: opts.inputStore ?? ((input) => localInputStore(input, store)),
    completions: opts.completions,
  });
  return {
    slots: opts.slots ?? 1,
    async run(req) {
      try {
        const r = await (opts.wrap ? opts.wrap(handle, req) : handle(req.body));
        return { ok: true, state: r.state };
      } catch (e) {
        return { ok: false, message: (e as Error).message, died: e instanceof WorkerDied };
      }
    },
    close: async () => undefined,
  };
}

/** Thrown by a fault-injecting wrapper to simulate a worker that dies mid-task (no reply at all). */
export class WorkerDied extends Error {}

// ---- worker_threads ----------------------------------------------------------------------------------

export interface ThreadData {
  readonly root: string;
  /**
   * Decode in a second thread in this worker thread (the default of its streams): only when the pool leaves a
   * core to spare for each worker's decode thread (2 x workers <= cores); otherwise they would compete.
   */
  readonly decodeThread: boolean;
  /** fault injection (tests): these task ids kill their thread on their first delivery */
  readonly crashOnce?: readonly string[];
  /** fault injection (tests): the thread fails while it loads, before it is ready */
  readonly failToStart?: boolean;
}
export interface ThreadRequest extends TaskRequest {
  readonly id: number;
}
/** `cpuMs`: the thread's CPU time so far (lib/pipeline/local/threadCpu.ts; absent where unknown) */
/** `retire`: the thread can run no more tasks (parquet-wasm stopped in it): the pool replaces it. */
export type ThreadReply =
  | { type: "ready"; cpuMs?: number | undefined }
  | { type: "completion"; id: number | undefined; bodies: readonly string[] }
  | {
      type: "done";
      id: number;
      state: WorkerResult["state"];
      cpuMs?: number | undefined;
      retire?: boolean;
    }
  | {
      type: "error";
      id: number;
      retryable: boolean;
      message: string;
      cpuMs?: number | undefined;
      retire?: boolean;
    };

interface Slot {
  worker: Worker;
  busy:
    | {
        id: number;
        resolve: (r: TaskRun) => void;
        reject: (e: Error) => void;
        pendingCompletions: Promise<unknown>[];
      }
    | undefined;
  stats: ThreadStats;
  /** replaced after its task (it asked to retire); its exit is not a death */
  retired?: boolean;
}

/** What one worker thread did (ThreadExecutor.stats()). */
export interface ThreadStats {
  /** task bodies posted to this thread */
  tasks: number;
  /** the thread reported that its handler is built (start-up done) */
  ready: boolean;
  /** CPU time of the thread at its last report, ms (undefined where the platform does not tell) */
  cpuMs: number | undefined;
  /** the thread exited while the pool was open (it was replaced by a new thread) */
  died: boolean;
  /** the thread asked to be replaced after its task (parquet-wasm stopped in it on corrupt data) */
  retired: boolean;
}

export interface ThreadExecutor extends Executor {
  /** resolves when every thread currently in the pool has started (handler built) */
  ready(): Promise<void>;
  /** one entry per thread started so far, in start order (replacements appended) */
  stats(): readonly ThreadStats[];
  /** the file the threads start from: the bundle, or the TypeScript entry and why (lib/pipeline/local/threadBundle.ts) */
  readonly entry: ThreadEntry;
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

export function threadExecutor(opts: {
  root: string;
  completions: Queue;
  workers?: number;
  crashOnce?: readonly string[];
  /** fault injection (tests): every thread fails while it loads */
  failToStart?: boolean;
  /** decode threads in the worker threads (default: only when 2 x workers <= cores) */
  decodeThread?: boolean;
  /** the threads' entry file (default: threadEntry(), the bundle where it can be built) */
  entry?: ThreadEntry;
}): ThreadExecutor {
  const n = opts.workers ?? defaultWorkers();
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw new InputError(`--workers must be from 1 to 256, got ${n}`);
  const data: ThreadData = {
    root: opts.root,
    decodeThread: opts.decodeThread ?? 2 * n <= availableParallelism(),
    ...(opts.crashOnce ? { crashOnce: opts.crashOnce } : {}),
    ...(opts.failToStart ? { failToStart: true } : {}),
  };
  const entry = opts.entry ?? threadEntry();
  const slots: Slot[] = [];
  const started: ThreadStats[] = [];
  const readyWaiters = new Set<() => void>();
  const waiting: { take: (s: Slot) => void; fail: (e: Error) => void }[] = [];
  let seq = 0;
  let closing = false;
  /**
   * A thread that exits before it is ready cannot load the handler (a broken install, a bad build): starting
   * another would fail the same way, forever. The pool stops instead: every task waiting for a thread and every
   * later run() fails with this error, which ends the sweep with it.
   */
  let startFailure: Error | undefined;

  const allReady = () => startFailure !== undefined || slots.every((s) => s.stats.ready);
  const wakeReady = () => {
    if (!allReady() && !closing) return;
    for (const w of readyWaiters) w();
    readyWaiters.clear();
  };

  const release = (slot: Slot) => {
    slot.busy = undefined;
    const next = waiting.shift();
    if (next) next.take(slot);
  };

  const spawn = (index: number) => {
    const worker = new Worker(startFile(entry), { workerData: data });
    const stats: ThreadStats = { tasks: 0, ready: false, cpuMs: undefined, died: false, retired: false };
    started.push(stats);
    const slot: Slot = { worker, busy: undefined, stats };
    slots[index] = slot;
    let lastError: unknown;
    worker.on("message", (m: ThreadReply) => {
      if (m.type !== "completion" && m.cpuMs !== undefined) stats.cpuMs = m.cpuMs;
      if (m.type === "ready") {
        stats.ready = true;
        wakeReady();
        return;
      }
      const b = slot.busy;
      if (!b) return;
      if (m.type === "completion") b.pendingCompletions.push(opts.completions.sendBatch(m.bodies));
      else {
        const result: TaskRun =
          m.type === "done" ? { ok: true, state: m.state } : { ok: false, message: m.message, died: false };
        void Promise.all(b.pendingCompletions).then(() => {
          b.resolve(result);
          if (m.retire) {
            // the slot stays busy until its replacement has started (exit handler)
            slot.retired = true;
            stats.retired = true;
            void worker.terminate();
          } else release(slot);
        });
      }
    });
    const replace = () => {
      spawn(index);
      const next = waiting.shift();
      if (next) next.take(slots[index]!);
    };
    worker.on("exit", (code) => {
      if (closing) return;
      if (slot.retired) return replace();
      stats.died = true;
      const b = slot.busy;
      if (!stats.ready) {
        startFailure ??= new Error(
          `a worker thread failed to start (exit code ${code}): ${lastError === undefined ? "no error reported" : errorMessage(lastError)}`,
        );
        b?.reject(startFailure);
        for (const w of waiting.splice(0)) w.fail(startFailure);
        wakeReady();
        return;
      }
      if (b) b.resolve({ ok: false, message: `worker thread exited with code ${code} mid-task`, died: true });
      replace();
    });
    worker.on("error", (e) => {
      lastError = e; // followed by "exit"
    });
  };
  for (let i = 0; i < n; i++) spawn(i);

  const reserve = (s: Slot) => {
    s.busy = { id: 0, resolve: () => undefined, reject: () => undefined, pendingCompletions: [] };
    return s;
  };
  const acquire = () =>
    new Promise<Slot>((resolve, reject) => {
      if (startFailure) return reject(startFailure);
      const free = slots.find((s) => !s.busy);
      if (free) resolve(reserve(free));
      else waiting.push({ take: (s) => resolve(reserve(s)), fail: reject });
    });

  return {
    slots: n,
    entry,
    async run(req) {
      const slot = await acquire();
      if (startFailure) throw startFailure;
      return new Promise<TaskRun>((resolve, reject) => {
        const id = ++seq;
        slot.busy = { id, resolve, reject, pendingCompletions: [] };
        slot.stats.tasks++;
        slot.worker.postMessage({ ...req, id } satisfies ThreadRequest);
      });
    },
    ready: () => (allReady() || closing ? Promise.resolve() : new Promise<void>((r) => readyWaiters.add(r))),
    stats: () => started.map((s) => ({ ...s })),
    async close() {
      closing = true;
      wakeReady();
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
