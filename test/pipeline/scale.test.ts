/**
 * Issue 23's reproductions on the local backend (the same handlers run on AWS: test/pipeline/scaleAws.test.ts
 * repeats the store-specific ones on moto_server). Most runs here have no input at all: wave 1 is empty and the
 * backtest tasks fail at once with "no input", so each run is planned, accounted and finished in milliseconds.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RetryableError } from "../../lib/core/errors.ts";
import { decodeSendTimes, enqueueWave } from "../../lib/pipeline/enqueue.ts";
import { createFanIn } from "../../lib/pipeline/fanIn.ts";
import { driveSweep } from "../../lib/pipeline/local/localSweep.ts";
import { inlineExecutor } from "../../lib/pipeline/local/pool.ts";
import {
  aggregateExecutions,
  CLAIM_CHECK_BYTES,
  completionBody,
  parseCompletion,
  type StrategyAggregate,
} from "../../lib/pipeline/messages.ts";
import { MAX_STRATEGY_INSTANCES, planSweep } from "../../lib/pipeline/planner.ts";
import { parseRunStatus, type RunStatus } from "../../lib/pipeline/runStatus.ts";
import { createTaskHandler } from "../../lib/pipeline/worker.ts";
import { LocalObjectStore } from "../../lib/ports/localObjectStore.ts";
import { LocalQueue } from "../../lib/ports/localQueue.ts";
import type { ObjectStore } from "../../lib/ports/objectStore.ts";
import { splitBatches } from "../../lib/ports/queue.ts";
import { listResultFiles } from "../../lib/report/load.ts";
import { resolveSweepSpec } from "../../lib/specs/sweepSpec.ts";
import {
  activeRunKey,
  calibrationKey,
  enqueueLogKey,
  statusKey,
  summaryKey,
  summaryLockKey,
  taskMarkerKey,
} from "../../lib/store/keys.ts";
import { runCompaction } from "../helpers/compaction.ts";
import { tempDir } from "../helpers/tmp.ts";
import { writeInputs } from "./fixture.ts";

const dir = tempDir("msor-scale-");
let n = 0;

/** A sweep over input that does not exist: no wave 1, every backtest task fails fast. */
function noInputSweep(runId: string, extra: Record<string, unknown> = {}) {
  return resolveSweepSpec({
    run_id: runId,
    symbols: ["SYNA", "SYNB"],
    dates: ["2024-03-05", "2024-03-06"],
    input: { root: join(dir, "nothing-here"), key_template: "mbp10/SYNTH/{symbol}/{date}.parquet" },
    calibration: { lookback_days: 1 },
    backtest: {
      seed: 5,
      orders: [{ side: "buy", shares: 1500, start_times: ["10:30"], horizon_min: 15 }],
      strategies: [{ strategy: "twap", exec: "market" }],
    },
    ...extra,
  });
}

const statusOf = async (store: ObjectStore, runId: string): Promise<RunStatus> =>
  parseRunStatus(await store.get(statusKey(runId)), runId);

/** Plan `runId` and turn its wave-2 messages into failed completions (as workers without input would). */
async function plannedAndAccounted(store: ObjectStore, runId: string, now: () => number) {
  const tasks = new LocalQueue(`t${++n}`, { visibilityTimeoutS: 60 });
  const plan = await planSweep(
    { store, taskQueue: tasks, inputStore: () => store, now },
    noInputSweep(runId),
  );
  const bodies = (await tasks.receive({ maxMessages: 10 })).map((m) => {
    const t = JSON.parse(m.body) as { run_id: string; task_id: string };
    return completionBody({ run_id: t.run_id, task_id: t.task_id, outcome: "failed", reason: "no input" });
  });
  return { plan, tasks, bodies };
}

describe("issue 23.2: runs always finish or say why", () => {
  it("a finish that crashed (lock left behind) is retried by a tick that names no run, once its lease ran out", async () => {
    const store = new LocalObjectStore(join(dir, `r${++n}`));
    let now = 1_000_000;
    const { tasks, bodies } = await plannedAndAccounted(store, "crashed", () => now);
    expect(await store.exists(activeRunKey("crashed"))).toBe(true);
    // every completion arrives, but the invocation that finishes dies after taking the lock (Lambda timeout)
    const fanIn = createFanIn({ store, taskQueue: tasks, now: () => now, owner: "dead", leaseMs: 60_000 });
    await store.put(
      summaryLockKey("crashed"),
      JSON.stringify({ owner: "dead", acquired_ms: now, lease_until_ms: now + 60_000 }),
    );
    // the backtests are accounted for: wave 3 (compaction) is sent; its tasks run, then the finish is due
    expect((await fanIn(bodies)).finished).toEqual([]);
    const first = await fanIn(await runCompaction(store, tasks));
    expect(first.finished).toEqual([]);
    expect(first.lockHeld).toEqual([{ runId: "crashed", owner: "dead", leaseLeftMs: 60_000 }]);
    // the periodic tick names no run: it scans active-runs/; within the lease it still waits
    now += 59_000;
    const tick = createFanIn({ store, taskQueue: tasks, now: () => now, owner: "tick" });
    const waiting = await tick([], "active");
    expect(waiting.lockHeld.map((h) => h.leaseLeftMs)).toEqual([1_000]);
    expect(waiting.oldestActiveMs).toBe(59_000); // (published for the "run unfinished past its time" alarm)
    now += 1_001;
    const r = await tick([], "active");
    expect(r.finished).toEqual(["crashed"]);
    expect((await statusOf(store, "crashed")).finished).toBe(true);
    expect(await store.exists(summaryKey("crashed"))).toBe(true);
    // finished runs leave the index: the next tick looks at nothing
    expect(await store.exists(activeRunKey("crashed"))).toBe(false);
    expect(await tick([], "active")).toMatchObject({ finished: [], lockHeld: [], oldestActiveMs: 0 });
  });

  it("a finish that fails records why in status.json, gives its lease back, and the next tick finishes the run", async () => {
    const inner = new LocalObjectStore(join(dir, `r${++n}`));
    let failSummary = true;
    const store: ObjectStore = Object.assign(Object.create(inner) as ObjectStore, {
      put: (key: string, bytes: Uint8Array | string, o?: Parameters<ObjectStore["put"]>[2]) => {
        if (failSummary && key === summaryKey("fails")) {
          failSummary = false;
          return Promise.reject(new Error("injected: the summary PUT failed"));
        }
        return inner.put(key, bytes, o);
      },
    });
    const { tasks, bodies } = await plannedAndAccounted(store, "fails", () => 5_000);
    const fanIn = createFanIn({ store, taskQueue: tasks, now: () => 5_000 });
    await fanIn(bodies); // (wave 3 sent)
    const r = await fanIn(await runCompaction(store, tasks));
    expect(r.finishFailed.map((f) => [f.runId, f.error])).toEqual([
      ["fails", "injected: the summary PUT failed"],
    ]);
    const s = await statusOf(store, "fails");
    expect(s).toMatchObject({
      finished: false,
      finish_error: "injected: the summary PUT failed",
      finish_attempts: 1,
    });
    // the lease was given back: the very next tick (same instant) retries and finishes
    const again = await fanIn([], "active");
    expect(again.finished).toEqual(["fails"]);
    const done = await statusOf(store, "fails");
    expect(done.finished).toBe(true);
    expect(done.finish_error).toBeUndefined();
  });

  it("a local sweep whose run's lock is held by a killed earlier sweep says so at once, then takes over", async () => {
    const root = join(dir, `r${++n}`);
    const store = new LocalObjectStore(root);
    // a previous msor sweep of the same run was killed during its finish 28 s into a 30 s lease
    await store.put(
      summaryLockKey("killed"),
      JSON.stringify({
        owner: "local msor sweep (pid 4242)",
        acquired_ms: Date.now() - 28_000,
        lease_until_ms: Date.now() + 2_000,
      }),
    );
    const held: { owner: string; leaseLeftMs: number; at: number }[] = [];
    const started = Date.now();
    const dlq = new LocalQueue("dlq");
    const completions = new LocalQueue("c");
    const r = await driveSweep({
      sweep: noInputSweep("killed"),
      store,
      inputStore: () => store,
      tasks: new LocalQueue("t", { deadLetter: dlq, visibilityTimeoutS: 60 }),
      dlq,
      completions,
      executor: inlineExecutor({ root, completions, store }),
      retryDelayS: 0.1,
      onLockHeld: (h) => held.push({ owner: h.owner, leaseLeftMs: h.leaseLeftMs, at: Date.now() - started }),
    });
    expect(held).toHaveLength(1);
    expect(held[0]!.owner).toBe("local msor sweep (pid 4242)");
    expect(held[0]!.leaseLeftMs).toBeGreaterThan(0);
    expect(held[0]!.leaseLeftMs).toBeLessThanOrEqual(2_000);
    expect(held[0]!.at).toBeLessThan(2_000); // said before the lease ended, not after 900 s of silence
    expect(r.status.finished).toBe(true);
    expect(r.status.counts).toMatchObject({ failed: 4 });
  }, 30_000);
});

describe("issue 23.2: keys the store cannot name", () => {
  it("a '+' file under results/ and staging/ of a run: the finish leaves it out with a warning (local store)", async () => {
    const root = join(dir, `r${++n}`);
    const skipped: string[] = [];
    const store = new LocalObjectStore(root, {
      onSkippedKey: (where, why) => skipped.push(`${where}: ${why}`),
    });
    for (const p of [
      "results/executions/run_id=plus/date=2024-03-05",
      "staging/executions/run_id=plus/date=2024-03-05",
    ]) {
      mkdirSync(join(root, p), { recursive: true });
      writeFileSync(join(root, p, "SY+NA.parquet"), "not parquet");
    }
    const { tasks, bodies } = await plannedAndAccounted(store, "plus", () => 1);
    const fanIn = createFanIn({ store, taskQueue: tasks, now: () => 1 });
    await fanIn(bodies); // (wave 3 sent)
    const r = await fanIn(await runCompaction(store, tasks));
    expect(r.finished).toEqual(["plus"]);
    // compaction builds its keys from the part's ok symbols: it lists nothing under staging/, so a key there that
    // the store cannot name is never met (before: one made every finish attempt throw on S3)
    expect(skipped.some((s) => s.includes("staging/"))).toBe(false);
    // the summary no longer reads results/ (it comes from the merged aggregates); the report's loader does
    expect(skipped.some((s) => s.includes("results/executions/"))).toBe(false);
    expect(await listResultFiles(store, "executions", "plus")).toEqual([]);
    expect(
      skipped.some((s) => s.includes("results/executions/run_id=plus/date=2024-03-05/SY+NA.parquet")),
    ).toBe(true);
    expect(skipped.every((s) => s.includes("it contains '+'"))).toBe(true);
  });
});

/** Aggregates of a grid of `k` strategy instances (the size of a completion that carries them). */
function bigAggregates(k: number): Record<string, StrategyAggregate> {
  const rows = [];
  for (let i = 0; i < k; i++)
    for (const order_id of [1, 2])
      rows.push({
        symbol: "SYNA",
        date: "2024-03-05",
        calibration_source: "prior_days",
        order_id,
        strategy: i === 0 ? "twap/market" : `pov/market/rho=0.${i}`,
        status: "ok",
        total_cost_bps: Math.sqrt(i + 2) * 3.3 + order_id / 7,
        executed_qty: 100,
      });
  return aggregateExecutions(rows);
}

describe("issue 23.3: completions of any size", () => {
  it("a 1,300-instance completion goes as a claim check on its marker; the fan-in merges the marker's aggregates", async () => {
    const aggregates = bigAggregates(1300);
    const marker = { run_id: "big", task_id: "backtest-20240305-SYNA", outcome: "ok" as const, aggregates };
    const inline = completionBody(marker);
    expect(Buffer.byteLength(inline)).toBeGreaterThan(256 * 1024);
    // what crashed the worker between its marker and its completion before the claim check
    expect(() => splitBatches([inline])).toThrow(/over the 256 KiB SQS limit/);
    const key = taskMarkerKey("big", marker.task_id);
    const claim = completionBody(marker, key);
    expect(Buffer.byteLength(claim)).toBeLessThan(CLAIM_CHECK_BYTES);
    expect(parseCompletion(claim)).toMatchObject({ claim: key, outcome: "ok" });
    expect(parseCompletion(claim).aggregates).toBeUndefined();
    // a claim may only name the task's own marker
    const forged = JSON.stringify({ ...JSON.parse(claim), claim: "runs/other/tasks/x.json" });
    expect(() => parseCompletion(forged)).toThrow(/is not the task marker of backtest-20240305-SYNA/);

    const store = new LocalObjectStore(join(dir, `r${++n}`));
    const tasks = new LocalQueue(`t${++n}`);
    await planSweep({ store, taskQueue: tasks, inputStore: () => store }, noInputSweep("big"));
    await store.put(key, `${JSON.stringify(marker)}\n`);
    const fanIn = createFanIn({ store, taskQueue: tasks, now: () => 1 });
    const missing = completionBody(
      { ...marker, task_id: "backtest-20240306-SYNA" },
      taskMarkerKey("big", "backtest-20240306-SYNA"),
    );
    const r = await fanIn([claim, missing]);
    expect(r).toMatchObject({ accounted: 1, invalid: 1 });
    const s = await statusOf(store, "big");
    expect(s.tasks[marker.task_id]).toEqual({ outcome: "ok" });
    expect(Object.keys(s.aggregates)).toHaveLength(1300);
    expect(s.aggregates["pov/market/rho=0.7"]).toEqual(aggregates["pov/market/rho=0.7"]);
  });

  it("a grid that cannot be summarised is refused at planning time, with the limit", async () => {
    const store = new LocalObjectStore(join(dir, `r${++n}`));
    const tasks = new LocalQueue(`t${++n}`);
    const rho = Array.from({ length: MAX_STRATEGY_INSTANCES + 1 }, (_, i) =>
      Number((0.01 + i * 0.0001).toFixed(4)),
    );
    const sweep = noInputSweep("huge", {
      backtest: {
        seed: 5,
        orders: [{ side: "buy", shares: 100, start_times: ["10:30"], horizon_min: 15 }],
        strategies: [{ strategy: "pov", exec: "market", rho }],
      },
    });
    await expect(planSweep({ store, taskQueue: tasks, inputStore: () => store }, sweep)).rejects.toThrow(
      /expands to 2001 strategy instances; a sweep can summarise at most 2000/,
    );
    expect(await store.list("runs/")).toEqual([]);
    expect((await tasks.counts()).visible).toBe(0);
  });
});

describe("issue 23.7: no stray markers, no repeated enqueues", () => {
  it("a task message for an unknown run writes no marker and sends no completion", async () => {
    const store = new LocalObjectStore(join(dir, `r${++n}`));
    const completions = new LocalQueue("c");
    const handle = createTaskHandler({ store, inputStore: () => store, completions });
    const msg = {
      run_id: "nope",
      task_id: "backtest-20240305-SYNA",
      wave: 2,
      symbol: "SYNA",
      date: "2024-03-05",
    };
    const r = await handle(JSON.stringify(msg));
    expect(r).toMatchObject({ state: "dropped", taskId: "backtest-20240305-SYNA" });
    expect(r.reason).toMatch(/run nope has no manifest/);
    // an invalid message naming an unknown run is dropped too
    expect((await handle(JSON.stringify({ ...msg, wave: 7 }))).state).toBe("dropped");
    expect(await store.list("")).toEqual([]);
    expect((await completions.counts()).visible).toBe(0);
  });

  it("re-planning an unfinished run re-enqueues only the tasks last sent longer ago than the visibility timeout", async () => {
    const store = new LocalObjectStore(join(dir, `r${++n}`));
    const tasks = new LocalQueue(`t${++n}`, { visibilityTimeoutS: 60 });
    let now = 10_000_000;
    const deps = { store, taskQueue: tasks, inputStore: () => store, now: () => now };
    const first = await planSweep(deps, noInputSweep("again"));
    expect(first).toMatchObject({ state: "planned", wave: 2, enqueued: 4 });
    now += 30_000; // msor sweep --backend aws again, 30 s later: all 4 are still in flight
    expect(await planSweep(deps, noInputSweep("again"))).toMatchObject({
      state: "resumed",
      enqueued: 0,
      recentlySent: 4,
    });
    now += 30_001; // past the visibility timeout: the unaccounted ones go again, once
    expect(await planSweep(deps, noInputSweep("again"))).toMatchObject({ enqueued: 4, recentlySent: 0 });
    expect(await planSweep(deps, noInputSweep("again"))).toMatchObject({ enqueued: 0, recentlySent: 4 });
    expect((await tasks.counts()).visible).toBe(8); // 4 + 4, not 4 + 4 + 4 + 4
  });

  it("an enqueue that stops half way is continued, not re-sent (chunked progress)", async () => {
    const store = new LocalObjectStore(join(dir, `r${++n}`));
    const queue = new LocalQueue(`t${++n}`, { visibilityTimeoutS: 60 });
    const sweep = noInputSweep("resume", { symbols: ["A", "B", "C", "D", "E"] }); // 10 backtest tasks
    let sends = 0;
    const flaky = Object.assign(Object.create(queue) as LocalQueue, {
      sendBatch: (b: readonly string[]) => {
        if (++sends === 3) return Promise.reject(new RetryableError("injected: the invocation timed out"));
        return queue.sendBatch(b);
      },
    });
    const deps = { store, queue: flaky, now: () => 1_000, chunk: 2, concurrency: 1 };
    await expect(enqueueWave(deps, "resume", 2, sweep.tasks, () => true)).rejects.toThrow(/timed out/);
    expect((await queue.counts()).visible).toBe(4); // two chunks of 2 recorded, the third failed
    const times = decodeSendTimes(await store.get(enqueueLogKey("resume", 2)), sweep.tasks.length);
    expect([...times]).toEqual([1000, 1000, 1000, 1000, 0, 0, 0, 0, 0, 0]);
    const r = await enqueueWave({ ...deps, now: () => 2_000 }, "resume", 2, sweep.tasks, () => true);
    expect(r).toEqual({ sent: 6, recent: 4 });
    const ids = (await queue.receive({ maxMessages: 10 })).map((m) => JSON.parse(m.body).task_id);
    expect(new Set(ids).size).toBe(10);
    expect(ids.sort()).toEqual(sweep.tasks.map((t) => t.task_id).sort());
  });
  it("sends to an earlier process's in-process queue do not count: a local sweep run again re-sends its pending tasks", async () => {
    const store = new LocalObjectStore(join(dir, `r${++n}`));
    const sweep = noInputSweep("again-local", { symbols: ["A", "B"] }); // 4 backtest tasks
    const first = new LocalQueue(`t${++n}`, { visibilityTimeoutS: 60 });
    const deps = { store, queue: first, now: () => 1_000 };
    expect(await enqueueWave(deps, "again-local", 2, sweep.tasks, () => true)).toEqual({
      sent: 4,
      recent: 0,
    });
    // the same queue still holds them: nothing is sent twice
    expect(await enqueueWave(deps, "again-local", 2, sweep.tasks, () => true)).toEqual({
      sent: 0,
      recent: 4,
    });
    // a new process's queue starts empty (the interrupted `msor sweep` run again): every pending task is sent
    const next = new LocalQueue(`t${++n}`, { visibilityTimeoutS: 60 });
    expect(await enqueueWave({ ...deps, queue: next }, "again-local", 2, sweep.tasks, () => true)).toEqual({
      sent: 4,
      recent: 0,
    });
    expect((await next.counts()).visible).toBe(4);
  });
});

describe("issue 23.4: planning at scale", () => {
  /** A store that records the prefixes it lists. */
  const listing = (store: ObjectStore, seen: string[]): ObjectStore =>
    Object.assign(Object.create(store) as ObjectStore, {
      list: (p: string) => {
        seen.push(p);
        return store.list(p);
      },
    });

  it("wave 1 lists the input once per symbol prefix (not once per symbol-day) and finds the same tasks", async () => {
    const root = join(dir, `r${++n}`);
    const symbols = ["SYNA", "SYNB", "SYNC"];
    const days = ["2024-03-04", "2024-03-05", "2024-03-06", "2024-03-07"];
    for (const s of symbols)
      for (const d of days) {
        if (s === "SYNB" && d === "2024-03-06") continue; // one missing input day
        mkdirSync(join(root, "in", "mbp10", "SYNTH", s), { recursive: true });
        writeFileSync(join(root, "in", "mbp10", "SYNTH", s, `${d}.parquet`), "");
      }
    const seen: string[] = [];
    const input = listing(new LocalObjectStore(join(root, "in")), seen);
    const store = new LocalObjectStore(join(root, "out"));
    const sweep = noInputSweep("lists", { symbols, dates: days.slice(1) });
    const plan = await planSweep(
      { store, taskQueue: new LocalQueue(`t${++n}`), inputStore: () => input },
      sweep,
    );
    // (each prefix is the common start of that symbol's keys over the dates)
    expect(seen.sort()).toEqual(symbols.map((s) => `mbp10/SYNTH/${s}/2024-03-0`));
    expect(plan.planned.calibrate).toBe(11); // 3 x 4 days (3 run days + 1 lookback) less the missing one
    const manifest = JSON.parse(Buffer.from(await store.get("runs/lists/manifest.json")).toString());
    expect(manifest.no_input.map((t: { task_id: string }) => t.task_id)).toEqual(["calibrate-20240306-SYNB"]);
  });

  it("a date-first key layout lists the shared prefix once", async () => {
    const root = join(dir, `r${++n}`);
    for (const d of ["2024-03-04", "2024-03-05"])
      for (const s of ["SYNA", "SYNB"]) {
        mkdirSync(join(root, "in", d), { recursive: true });
        writeFileSync(join(root, "in", d, `${s}.parquet`), "");
      }
    const seen: string[] = [];
    const input = listing(new LocalObjectStore(join(root, "in")), seen);
    const sweep = noInputSweep("datefirst", {
      dates: ["2024-03-05"],
      input: { root: join(root, "in"), key_template: "{date}/{symbol}.parquet" },
    });
    const plan = await planSweep(
      {
        store: new LocalObjectStore(join(root, "out")),
        taskQueue: new LocalQueue(`t${++n}`),
        inputStore: () => input,
      },
      sweep,
    );
    expect(seen).toEqual(["2024-03-0"]);
    expect(plan.planned.calibrate).toBe(4);
  });
});

describe("issue 23.8: calibration records are never replaced", () => {
  it("a calibrate task whose record another run wrote meanwhile keeps that record's bytes (put-if-absent)", async () => {
    const root = join(dir, `r${++n}`);
    await writeInputs(join(root, "in"), ["SYNA"], ["2024-03-05"]);
    const store = new LocalObjectStore(join(root, "out"));
    const input = new LocalObjectStore(join(root, "in"));
    const tasks = new LocalQueue(`t${++n}`);
    const sweep = noInputSweep("cal", { symbols: ["SYNA"], dates: ["2024-03-05"] });
    const withInput = { ...sweep, input: { ...sweep.input, root: join(root, "in") } };
    const plan = await planSweep({ store, taskQueue: tasks, inputStore: () => input }, withInput);
    expect(plan.planned.calibrate).toBe(1);
    // another run's calibrate task of the same day finished first
    const key = calibrationKey("SYNA", "2024-03-05", "calibration");
    await store.put(key, "the other run's record");
    const completions = new LocalQueue("c");
    const handle = createTaskHandler({ store, inputStore: () => input, completions });
    const [m] = await tasks.receive({ maxMessages: 1 });
    expect(await handle(m!.body)).toMatchObject({ state: "ok" });
    expect(Buffer.from(await store.get(key)).toString()).toBe("the other run's record");
    // the files the other run had not written yet are created
    expect(await store.exists(calibrationKey("SYNA", "2024-03-05", "profile"))).toBe(true);
  }, 60_000);
});
