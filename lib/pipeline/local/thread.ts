/**
 * One local worker thread: builds the task handler once (its own stores, like a warm Lambda) and runs the
 * task bodies the pool posts to it; completions go back to the pool, which sends them to the completion
 * queue. A retryable error is reported as such (the pool returns the message to the queue). It says "ready"
 * once its handler is built (start-up done) and reports its CPU time with every reply (pool statistics).
 */
import { parentPort, workerData } from "node:worker_threads";
import { classifyError, errorMessage } from "../../core/errors.ts";
import { setDecodeThreadDefault } from "../../mbp10/decodeThread.ts";
import { parquetWasmStopped } from "../../parquet/wasm.ts";
import type { Queue } from "../../ports/queue.ts";
import { createTaskHandler } from "../worker.ts";
import {
  localInputStore,
  localResultsStore,
  type ThreadData,
  type ThreadReply,
  type ThreadRequest,
} from "./pool.ts";
import { threadCpuMs } from "./threadCpu.ts";

const data = workerData as ThreadData;
// fault injection (tests): a thread that cannot load, as with a broken install
if (data.failToStart) throw new Error("simulated start-up failure");
setDecodeThreadDefault(data.decodeThread);
const port = parentPort!;
let current: number | undefined;
const completions: Queue = {
  name: "completions",
  async sendBatch(bodies) {
    port.postMessage({ type: "completion", id: current, bodies } satisfies ThreadReply);
    return bodies.map(() => "");
  },
  receive: () => Promise.reject(new Error("not used in a worker thread")),
  delete: () => Promise.reject(new Error("not used in a worker thread")),
  changeVisibility: () => Promise.reject(new Error("not used in a worker thread")),
  counts: () => Promise.reject(new Error("not used in a worker thread")),
  defaultVisibilityS: () => Promise.reject(new Error("not used in a worker thread")),
  incarnation: "thread",
};
const store = localResultsStore(data.root);
const handle = createTaskHandler({
  store,
  inputStore: (input) => localInputStore(input, store),
  completions,
});

port.postMessage({ type: "ready", cpuMs: threadCpuMs() } satisfies ThreadReply);

port.on("message", async (req: ThreadRequest) => {
  current = req.id;
  if (data.crashOnce?.includes(req.taskId ?? "") && req.receiveCount === 1) {
    // fault injection (tests): the thread dies mid-task, as a Lambda that runs out of memory
    process.exit(70);
  }
  try {
    const r = await handle(req.body);
    port.postMessage({
      type: "done",
      id: req.id,
      state: r.state,
      cpuMs: threadCpuMs(),
      retire: parquetWasmStopped() !== undefined,
    } satisfies ThreadReply);
  } catch (e) {
    port.postMessage({
      type: "error",
      id: req.id,
      retryable: classifyError(e) === "retryable",
      message: errorMessage(e),
      cpuMs: threadCpuMs(),
      retire: parquetWasmStopped() !== undefined,
    } satisfies ThreadReply);
  }
});
