/**
 * Fault injection on the local backend (DESIGN.md "Protocol and guarantees"): every planned task ends ok,
 * failed or dead_lettered, the counts add up, and the published result files are byte-identical to a clean
 * run whatever happened on the way (and whatever the worker count).
 */
import { copyFileSync, cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { RetryableError } from "../../lib/core/errors.ts";
import { createFanIn } from "../../lib/pipeline/fanIn.ts";
import { runLocalSweep } from "../../lib/pipeline/local/localSweep.ts";
import {
  type Executor,
  inlineExecutor,
  type TaskRequest,
  type ThreadExecutor,
  threadExecutor,
  WorkerDied,
} from "../../lib/pipeline/local/pool.ts";
import { buildThreadEntry, type ThreadEntry } from "../../lib/pipeline/local/threadBundle.ts";
import { completionBody } from "../../lib/pipeline/messages.ts";
import { planSweep } from "../../lib/pipeline/planner.ts";
import { COMPACTION_REDRIVES, type RunStatus } from "../../lib/pipeline/runStatus.ts";
import type { WorkerResult } from "../../lib/pipeline/worker.ts";
import { LocalObjectStore } from "../../lib/ports/localObjectStore.ts";
import { LocalQueue } from "../../lib/ports/localQueue.ts";
import type { Queue } from "../../lib/ports/queue.ts";
import { resolveSweepSpec } from "../../lib/specs/sweepSpec.ts";
import { inputKey, SYNTH_VENUE_FOLDER } from "../../lib/store/keys.ts";
import { tempDir } from "../helpers/tmp.ts";
import { filesUnder, SYMBOLS, sweepSpec, writeInputs } from "./fixture.ts";

const dir = tempDir();
const input = join(dir, "in");
let clean: Map<string, Buffer>;

/** A threadExecutor whose dispatches are counted per task id. */
function recorded(o: {
  workers: number;
  crashOnce?: readonly string[];
  entry?: ThreadEntry;
  decodeThread?: boolean;
}) {
  const dispatched = new Map<string, number>();
  let pool: ThreadExecutor | undefined;
  const executor = (completions: Queue, root: string): Executor => {
    const p = threadExecutor({ root, completions, ...o });
    pool = p;
    return {
      slots: p.slots,
      run(req) {
        const id = req.taskId ?? "?";
        dispatched.set(id, (dispatched.get(id) ?? 0) + 1);
        return p.run(req);
      },
      close: () => p.close(),
    };
  };
  return { executor, dispatched, pool: () => pool! };
}

type Wrap = (h: (body: string) => Promise<WorkerResult>, req: TaskRequest) => Promise<WorkerResult>;

async function sweep(
  name: string,
  opts: { wrap?: Wrap; executor?: (c: Queue, root: string) => Executor; inputRoot?: string } = {},
) {
  const root = join(dir, name);
  const r = await runLocalSweep({
    sweep: sweepSpec(opts.inputRoot ?? input),
    root,
    retryDelayS: 0,
    executor: (completions) =>
      opts.executor?.(completions, root) ??
      inlineExecutor({ root, completions, slots: 2, ...(opts.wrap ? { wrap: opts.wrap } : {}) }),
  });
  return { r, files: filesUnder(join(root, "results")) };
}

function expectAccounted(s: RunStatus): void {
  const planned = s.planned.calibrate + s.planned.backtest;
  expect(Object.keys(s.tasks)).toHaveLength(planned);
  expect(s.counts.ok + s.counts.failed + s.counts.dead_lettered).toBe(planned);
  // wave 3: 3 days x 5 result tables, each compaction task counted once
  const c = s.compaction!;
  expect(c.planned).toBe(15);
  expect(Object.keys(c.tasks)).toHaveLength(15);
  expect(c.counts.ok + c.counts.failed + c.counts.dead_lettered).toBe(15);
  expect(s.finished).toBe(true);
}

function expectSameFiles(a: Map<string, Buffer>, b: Map<string, Buffer>): void {
  expect([...a.keys()]).toEqual([...b.keys()]);
  for (const [k, v] of a) expect(v.equals(b.get(k)!), k).toBe(true);
}

beforeAll(async () => {
  await writeInputs(input);
  clean = (await sweep("clean")).files;
}, 180_000);

describe("local backend under faults", () => {
  it("a worker that dies mid-task: the message is redelivered and the results are identical", async () => {
    const died = new Set<string>();
    const { r, files } = await sweep("die", {
      wrap: async (h, req) => {
        if (req.taskId === "backtest-20240305-SYNA" && !died.has(req.taskId)) {
          died.add(req.taskId);
          throw new WorkerDied("killed");
        }
        return h(req.body);
      },
    });
    expect(r.retries).toBe(1);
    expect(r.status.counts).toMatchObject({ ok: 12, failed: 0, dead_lettered: 0 });
    expectAccounted(r.status);
    expectSameFiles(files, clean);
  }, 120_000);

  it("a worker that dies mid-compaction (wave 3): the part is compacted again, the same bytes", async () => {
    const died = new Set<string>();
    const { r, files } = await sweep("die-compact", {
      wrap: async (h, req) => {
        const id = req.taskId ?? "";
        if (id.startsWith("compact-20240305-") && !died.has(id)) {
          died.add(id);
          // one part dies before its work, another after it published its file and wrote its marker
          if (id.includes("executions")) throw new WorkerDied("killed before the PUT");
          await h(req.body);
          throw new WorkerDied("killed after the marker, before the message was deleted");
        }
        return h(req.body);
      },
    });
    expect(died.size).toBe(5);
    expect(r.retries).toBe(5);
    expect(r.status.compaction).toMatchObject({ counts: { ok: 15, failed: 0, dead_lettered: 0 }, files: 15 });
    expect(r.status.outputs?.compacted).toBe(15);
    expectAccounted(r.status);
    expectSameFiles(files, clean);
  }, 120_000);

  it("a compaction task dead-lettered by a passing fault is sent again (redrive) and ends ok: the same files", async () => {
    const part = "compact-20240305-child_orders-00000";
    let receives = 0;
    const { r, files } = await sweep("storm-compact", {
      wrap: async (h, req) => {
        if (req.taskId === part && ++receives <= 3)
          throw new RetryableError("injected: SlowDown (503) while the fleet reads staging/");
        return h(req.body);
      },
    });
    expect(receives).toBe(4); // 3 receives to the DLQ, then the redrive's first
    expect(r.status.compaction?.redriven).toEqual({ [part]: 1 });
    expect(r.status.compaction).toMatchObject({ counts: { ok: 15, failed: 0, dead_lettered: 0 }, files: 15 });
    expectAccounted(r.status);
    expectSameFiles(files, clean);
  }, 120_000);

  it("a compaction task that never succeeds is dead-lettered after its redrives and reported; the run finishes without that part", async () => {
    const poisoned = "compact-20240306-fills-00000";
    let receives = 0;
    const { r, files } = await sweep("poison-compact", {
      wrap: async (h, req) => {
        if (req.taskId === poisoned) {
          receives++;
          throw new RetryableError("injected: the compaction times out");
        }
        return h(req.body);
      },
    });
    expect(receives).toBe(3 * (1 + COMPACTION_REDRIVES));
    expect(r.status.counts).toMatchObject({ ok: 12, failed: 0, dead_lettered: 0 });
    expect(r.status.compaction).toMatchObject({ counts: { ok: 14, failed: 0, dead_lettered: 1 }, files: 14 });
    expect(r.status.compaction?.tasks[poisoned]?.reason).toMatch(/every delivery .* ended without a result/);
    expectAccounted(r.status);
    const missing = "fills/run_id=t-sweep/date=2024-03-06/part-00000.parquet";
    expect(clean.has(missing)).toBe(true);
    expect(files.has(missing)).toBe(false);
    for (const [k, v] of files) expect(v.equals(clean.get(k)!), k).toBe(true);
  }, 120_000);

  it("a message delivered twice is counted once", async () => {
    const { r, files } = await sweep("dup", {
      wrap: async (h, req) => {
        const first = await h(req.body);
        const second = await h(req.body); // the duplicate delivery
        expect(second.state).toBe("duplicate");
        return first;
      },
    });
    expect(r.status.counts).toMatchObject({ ok: 12, failed: 0, dead_lettered: 0 });
    // the compaction tasks too: 15 parts, each counted once, though each ran twice
    expect(r.status.compaction).toMatchObject({ counts: { ok: 15, failed: 0, dead_lettered: 0 }, files: 15 });
    // 6 backtest tasks x 2 orders, once each: the first day (default parameters) is aggregated apart
    expect(r.status.aggregates["twap/market"]?.orders).toBe(8);
    expect(r.status.aggregates["twap/market (default parameters)"]?.orders).toBe(4);
    expectAccounted(r.status);
    expectSameFiles(files, clean);
  }, 120_000);

  it("a poison message is dead-lettered after 3 receives and reported; the sweep completes", async () => {
    let receives = 0;
    const { r } = await sweep("poison", {
      wrap: async (h, req) => {
        if (req.taskId === "backtest-20240306-SYNB") {
          receives++;
          throw new RetryableError("injected: the worker times out on this task");
        }
        return h(req.body);
      },
    });
    expect(receives).toBe(3);
    expect(r.status.tasks["backtest-20240306-SYNB"]).toMatchObject({ outcome: "dead_lettered" });
    expect(r.status.tasks["backtest-20240306-SYNB"]?.reason).toMatch(
      /every delivery .* ended without a result/,
    );
    expect(r.status.counts).toMatchObject({ ok: 11, failed: 0, dead_lettered: 1 });
    expectAccounted(r.status);
  }, 120_000);

  it("a corrupt input file: its tasks fail with the reason, the sweep completes with the rest", async () => {
    const bad = join(dir, "in-corrupt");
    cpSync(input, bad, { recursive: true });
    const key = inputKey(SYNTH_VENUE_FOLDER, "SYNB", "2024-03-06");
    writeFileSync(join(bad, key), "PAR1 this is not parquet PAR1");
    const { r, files } = await sweep("corrupt", { inputRoot: bad });
    for (const id of ["calibrate-20240306-SYNB", "backtest-20240306-SYNB"]) {
      expect(r.status.tasks[id]?.outcome, id).toBe("failed");
      expect(r.status.tasks[id]?.reason, id).toMatch(/not a Parquet file|corrupt|truncated/);
    }
    expect(r.status.counts).toMatchObject({ ok: 10, failed: 2, dead_lettered: 0 });
    expectAccounted(r.status);
    // the other symbol's files of that day are published, the corrupt symbol's are not
    expect(files.size).toBe(clean.size);
    copyFileSync(join(input, key), join(bad, key));
  }, 120_000);

  it("a corrupt row group that traps parquet-wasm in a thread: the task fails with the reason, the thread is replaced", async () => {
    const bad = join(dir, "in-trap");
    cpSync(input, bad, { recursive: true });
    const key = inputKey(SYNTH_VENUE_FOLDER, "SYNB", "2024-03-06");
    const bytes = readFileSync(join(input, key));
    // the footer stays valid: the file opens, and decoding the book columns' pages traps parquet-wasm
    bytes.fill(0xab, Math.floor(bytes.length * 0.3), Math.floor(bytes.length * 0.6));
    writeFileSync(join(bad, key), bytes);
    const pool = recorded({ workers: 2, decodeThread: false });
    const { r, files } = await sweep("trap", { executor: pool.executor, inputRoot: bad });
    expect(r.status.tasks["backtest-20240306-SYNB"]).toMatchObject({ outcome: "failed" });
    expect(r.status.tasks["backtest-20240306-SYNB"]?.reason).toMatch(
      /SYNB\/2024-03-06\.parquet: cannot decode row group 0: parquet-wasm stopped \(unreachable\); the file is probably corrupt/,
    );
    expect(r.status.counts).toMatchObject({ ok: 11, failed: 1, dead_lettered: 0 });
    expect(r.retries).toBe(0);
    expectAccounted(r.status);
    // the trapped thread ran no further task: it was retired and replaced (2 + 1 threads, none died)
    const stats = pool.pool().stats();
    expect(stats.filter((t) => t.retired)).toHaveLength(1);
    expect(stats).toHaveLength(3);
    expect(stats.some((t) => t.died)).toBe(false);
    // the other days' results are those of the clean sweep (the run's summary has one task fewer)
    const others = [...clean.keys()].filter((k) => !k.includes("2024-03-06") && !k.startsWith("summary/"));
    expect(others.length).toBeGreaterThan(0);
    for (const k of others) expect(files.get(k)?.equals(clean.get(k)!), k).toBe(true);
  }, 180_000);

  it("a throttled store call is retried (the message returns to the queue) and the results are identical", async () => {
    let throttled = 0;
    const { r, files } = await sweep("throttle", {
      wrap: async (h, req) => {
        if (req.taskId === "calibrate-20240304-SYNA" && throttled === 0) {
          throttled++;
          throw new RetryableError("injected: SlowDown (503) from the object store");
        }
        return h(req.body);
      },
    });
    expect(r.retries).toBe(1);
    expect(r.status.counts.ok).toBe(12);
    expectSameFiles(files, clean);
  }, 120_000);

  it("worker_threads: 1 and 2 threads, and a thread that crashes, give byte-identical results", async () => {
    const one = recorded({ workers: 1 });
    const r1 = await sweep("threads1", { executor: one.executor });
    expectSameFiles(r1.files, clean);
    // one thread, started once, ran the three waves (6 calibrate, 6 backtest, 3 days x 5 tables of compaction);
    // every task handed out once
    const s1 = one.pool().stats();
    expect(one.pool().entry.kind).toBe("bundle"); // the threads ran the bundled entry (threadBundle.ts)
    expect(s1).toHaveLength(1);
    expect(s1[0]).toMatchObject({ tasks: 27, ready: true, died: false });
    expect(one.dispatched.size).toBe(27);
    expect([...one.dispatched.values()].every((n) => n === 1)).toBe(true);
    expect(new Set([...one.dispatched.keys()].map((id) => id.split("-")[0]))).toEqual(
      new Set(["calibrate", "backtest", "compact"]),
    );
    if (existsSync("/proc/thread-self/schedstat")) expect(s1[0]!.cpuMs).toBeGreaterThan(0);

    const two = recorded({ workers: 2, crashOnce: ["backtest-20240305-SYNB"] });
    const r2 = await sweep("threads2", { executor: two.executor });
    expect(r2.r.retries).toBe(1);
    expect(r2.r.status.counts.ok).toBe(12);
    expectSameFiles(r2.files, clean);
    // the crashed thread was replaced (2 + 1 threads, one died); only the crashed task was handed out twice
    const s2 = two.pool().stats();
    expect(s2).toHaveLength(3);
    expect(s2.filter((t) => t.died)).toHaveLength(1);
    expect(s2.every((t) => t.ready)).toBe(true);
    expect(s2.reduce((a, t) => a + t.tasks, 0)).toBe(28);
    expect(two.dispatched.get("backtest-20240305-SYNB")).toBe(2);
    expect([...two.dispatched].filter(([, n]) => n !== 1).map(([id]) => id)).toEqual([
      "backtest-20240305-SYNB",
    ]);
    // issue 23.1: summary.parquet (compared above) and the report come from the merged aggregates and the
    // seeded sample, whatever order the completions arrived in: the same bytes as the clean run's
    const report = (name: string) => readFileSync(join(dir, name, "runs", "t-sweep", "report.html"));
    expect(report("threads1").equals(report("clean"))).toBe(true);
    expect(report("threads2").equals(report("clean"))).toBe(true);
  }, 180_000);

  it("where the threads' bundle cannot be built, they run the TypeScript entry and say why; same results", async () => {
    const blocker = join(dir, "not-a-folder");
    writeFileSync(blocker, "a file where the cache folder would go");
    const entry = buildThreadEntry(join(blocker, "cache"));
    expect(entry.kind).toBe("typescript");
    expect(entry.kind === "typescript" && entry.why).toMatch(/cannot bundle the thread entry/);
    const ts = recorded({ workers: 1, entry });
    const r = await sweep("threads-ts", { executor: ts.executor });
    expect(ts.pool().entry).toBe(entry);
    expect(r.r.status.counts.ok).toBe(12);
    expectSameFiles(r.files, clean);
  }, 180_000);

  it("a sweep whose planning fails (its run id exists with another spec) closes its worker threads", async () => {
    const root = join(dir, "replan");
    const run = (calibration: Record<string, unknown>) => {
      let closed = false;
      const r = runLocalSweep({
        sweep: sweepSpec(input, { calibration }),
        root,
        retryDelayS: 0,
        executor: (completions) => {
          const p = threadExecutor({ root, completions, workers: 2 });
          return {
            slots: p.slots,
            run: (req) => p.run(req),
            close: () => p.close().then(() => void (closed = true)),
          };
        },
      });
      return { r, closed: () => closed };
    };
    const first = run({ lookback_days: 1 });
    expect((await first.r).status.finished).toBe(true);
    expect(first.closed()).toBe(true);
    const second = run({ lookback_days: 2 }); // same run_id, another spec
    await expect(second.r).rejects.toThrow(/already exists .* with a different spec/);
    // before, the threads stayed up and `msor sweep` printed the error, then never exited
    expect(second.closed()).toBe(true);
  }, 180_000);

  it("a thread pool says when its threads have started, and close() ends a pool whose threads never ran a task", async () => {
    const pool = threadExecutor({ root: join(dir, "idle"), completions: new LocalQueue("c"), workers: 2 });
    await pool.ready();
    expect(pool.stats().map((t) => ({ ...t, cpuMs: undefined }))).toEqual([
      { tasks: 0, ready: true, died: false, retired: false, cpuMs: undefined },
      { tasks: 0, ready: true, died: false, retired: false, cpuMs: undefined },
    ]);
    await pool.close();
    await pool.ready(); // resolves after close too
  }, 60_000);

  it("a thread that fails while it loads stops the sweep with its error (no endless restarts)", async () => {
    const root = join(dir, "nostart");
    const run = runLocalSweep({
      sweep: sweepSpec(input),
      root,
      executor: (completions) => threadExecutor({ root, completions, workers: 2, failToStart: true }),
    });
    await expect(run).rejects.toThrow(/a worker thread failed to start.*simulated start-up failure/);
  }, 60_000);

  it("a symbol containing ../ is rejected at planning", () => {
    expect(() => resolveSweepSpec({ symbols: ["../etc"], dates: ["2024-03-04"] })).toThrow(/symbols\[0\]/);
    expect(() => resolveSweepSpec({ symbols: ["A/../B"], dates: ["2024-03-04"] })).toThrow(
      /invalid sweep spec/,
    );
  });
});

describe("fan-in", () => {
  it("two summary invocations racing on status.json count each task once", async () => {
    const root = join(dir, "race");
    const store = new LocalObjectStore(root);
    const tasks = new LocalQueue("tasks");
    const spec = resolveSweepSpec({
      run_id: "race",
      symbols: SYMBOLS,
      dates: ["2024-03-05", "2024-03-06"],
      input: { root: input, key_template: "mbp10/SYNTH/{symbol}/{date}.parquet" },
      calibration: { lookback_days: 1 },
    });
    const plan = await planSweep(
      { store, taskQueue: tasks, inputStore: () => new LocalObjectStore(input) },
      spec,
    );
    expect(plan.planned).toEqual({ calibrate: 6, backtest: 4 });
    const ids = (await tasks.receive({ maxMessages: 10 })).map((m) => JSON.parse(m.body).task_id as string);
    const bodies = ids.map((task_id) => completionBody({ run_id: "race", task_id, outcome: "ok" }));
    const a = createFanIn({ store, taskQueue: tasks, now: () => 0 });
    const b = createFanIn({ store, taskQueue: tasks, now: () => 0 });
    // overlapping batches, each delivered to both invocations, concurrently
    const results = await Promise.all([
      a(bodies.slice(0, 4)),
      b(bodies.slice(2)),
      a(bodies.slice(3)),
      b(bodies),
    ]);
    expect(results.reduce((n, r) => n + r.accounted, 0)).toBe(6);
    const status = JSON.parse((await store.get("runs/race/status.json")).toString()) as RunStatus;
    expect(status.counts).toMatchObject({ ok: 6, calibrate_accounted: 6 });
    expect(status.wave2_started).toBe(true);
    // wave 2 was enqueued at least once (duplicates are allowed and harmless)
    const wave2 = new Set((await tasks.receive({ maxMessages: 10 })).map((m) => JSON.parse(m.body).task_id));
    expect([...wave2].sort()).toEqual(spec.tasks.map((t) => t.task_id).sort());
  });
});
