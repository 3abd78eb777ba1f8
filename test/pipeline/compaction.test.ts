/**
 * Wave 3 (lib/pipeline/compaction.ts): the compaction tasks a run plans, what one task publishes (the same
 * bytes as one write of the concatenated staged files, in symbol order), the checks on a compaction message,
 * the ok set frozen when wave 3 starts, and a run resumed in wave 3.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import * as arrow from "apache-arrow";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { openParquet, readRowGroup } from "../../lib/parquet/read.ts";
import { parquetBytes } from "../../lib/parquet/write.ts";
import {
  COMPACT_FILES_PER_PART,
  compactPart,
  compactTasks,
  PART_ROW_GROUP_ROWS,
} from "../../lib/pipeline/compaction.ts";
import { createFanIn } from "../../lib/pipeline/fanIn.ts";
import { runLocalSweep } from "../../lib/pipeline/local/localSweep.ts";
import { inlineExecutor } from "../../lib/pipeline/local/pool.ts";
import { compactMessage, completionBody, parseTaskMessage } from "../../lib/pipeline/messages.ts";
import { planSweep } from "../../lib/pipeline/planner.ts";
import {
  applyOutcomes,
  newCompactionStatus,
  newRunStatus,
  parseRunStatus,
} from "../../lib/pipeline/runStatus.ts";
import { createTaskHandler } from "../../lib/pipeline/worker.ts";
import { bufferSource } from "../../lib/ports/byteSource.ts";
import { LocalObjectStore } from "../../lib/ports/localObjectStore.ts";
import { LocalQueue } from "../../lib/ports/localQueue.ts";
import { renderRunReport } from "../../lib/report/index.ts";
import { sweepSummaryOf } from "../../lib/report/load.ts";
import { QUEUE_CHECK } from "../../lib/results/queueCheckSchema.ts";
import { rowsToParquet } from "../../lib/results/schema.ts";
import { EXECUTIONS, RESULT_TABLES } from "../../lib/results/tables.ts";
import { resolveSweepSpec } from "../../lib/specs/sweepSpec.ts";
import { compactTask, sweepTask } from "../../lib/specs/taskId.ts";
import { compactedResultKey, stagingResultKey, statusKey, taskMarkerKey } from "../../lib/store/keys.ts";
import { runCompaction } from "../helpers/compaction.ts";
import { rowOf } from "../helpers/rows.ts";
import { tempDir } from "../helpers/tmp.ts";
import { sweepSpec, writeInputs } from "./fixture.ts";

const dir = tempDir("msor-compaction-");
let n = 0;

/** `k` executions rows of a symbol (run_id and date are the partition's, not columns of the file). */
const rowsOf = (symbol: string, _date: string, k: number) =>
  Array.from({ length: k }, (_, i) =>
    rowOf(EXECUTIONS, {
      symbol,
      order_id: `buy-${i}`,
      strategy: i % 2 ? "twap/market" : "twap/sor",
      total_cost_bps: (i * 7.25) % 13,
    }),
  );

async function batchesOf(bytes: Uint8Array): Promise<arrow.RecordBatch[]> {
  const src = bufferSource("x", bytes);
  const pq = await openParquet(src);
  const out: arrow.RecordBatch[] = [];
  for (let rg = 0; rg < pq.rowGroupRows.length; rg++)
    for (const b of (await readRowGroup(src, pq, rg)).batches) if (b.numRows > 0) out.push(b);
  return out;
}

describe("wave 3: the compaction tasks of a run", () => {
  const tasksOf = (symbols: number, dates: string[]) =>
    dates.flatMap((d) => Array.from({ length: symbols }, (_, i) => sweepTask("backtest", `S${1e5 + i}`, d)));

  it("one task per (date, result table, part of up to COMPACT_FILES_PER_PART symbols); queue_check only when asked", () => {
    const small = compactTasks({ tasks: tasksOf(3, ["2024-03-06", "2024-03-05"]) });
    expect(small.map((t) => t.task_id)).toEqual(
      ["20240305", "20240306"].flatMap((d) => RESULT_TABLES.map((t) => `compact-${d}-${t.name}-00000`)),
    );
    expect(small[0]!.planned).toEqual(["S100000", "S100001", "S100002"]);
    const withQueue = compactTasks({ tasks: tasksOf(1, ["2024-03-05"]), queue_check: { orders: 5 } });
    expect(withQueue.map((t) => t.table)).toEqual([...RESULT_TABLES, QUEUE_CHECK].map((t) => t.name));

    const big = compactTasks({ tasks: tasksOf(COMPACT_FILES_PER_PART * 2 + 1, ["2024-03-05"]) });
    expect(big).toHaveLength(3 * RESULT_TABLES.length);
    const executions = big.filter((t) => t.table === "executions");
    expect(executions.map((t) => [t.part, t.planned.length])).toEqual([
      [0, COMPACT_FILES_PER_PART],
      [1, COMPACT_FILES_PER_PART],
      [2, 1],
    ]);
    // every planned symbol is in exactly one part, in symbol order
    expect(executions.flatMap((t) => t.planned)).toEqual(
      tasksOf(COMPACT_FILES_PER_PART * 2 + 1, ["2024-03-05"]).map((t) => t.symbol),
    );
    expect(compactedResultKey(EXECUTIONS, "r", "2024-03-05", 2)).toBe(
      "results/executions/run_id=r/date=2024-03-05/part-00002.parquet",
    );
  });

  it("a part's file: the ok symbols' staged files streamed in symbol order = one write of them concatenated", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ rows: fc.integer({ min: 0, max: 40 }), ok: fc.boolean() }), {
          minLength: 1,
          maxLength: 12,
        }),
        async (spec) => {
          const store = new LocalObjectStore(join(dir, `p${++n}`));
          const date = "2024-03-05";
          const symbols = spec.map((_, i) => `S${String.fromCharCode(90 - i)}`); // staged in reverse order
          for (const [i, s] of symbols.entries())
            await store.put(
              stagingResultKey(EXECUTIONS, "c", date, s),
              await rowsToParquet(EXECUTIONS, rowsOf(s, date, spec[i]!.rows)),
            );
          const ok = symbols.filter((_, i) => spec[i]!.ok).sort();
          const r = await compactPart(store, EXECUTIONS, "c", date, 0, ok);
          expect(r.files).toBe(ok.length);
          if (ok.length === 0) {
            expect(r.key).toBeUndefined();
            return;
          }
          const batches: arrow.RecordBatch[] = [];
          for (const s of ok)
            batches.push(...(await batchesOf(await store.get(stagingResultKey(EXECUTIONS, "c", date, s)))));
          const expected =
            batches.length === 0
              ? await rowsToParquet(EXECUTIONS, [])
              : await parquetBytes(new arrow.Table(batches), {
                  compression: "zstd",
                  rowGroupSize: PART_ROW_GROUP_ROWS,
                });
          const got = await store.get(r.key!);
          expect(Buffer.from(got).equals(Buffer.from(expected))).toBe(true);
          expect(r.rows).toBe(batches.reduce((a, b) => a + b.numRows, 0));
        },
      ),
      { numRuns: 12, seed: 23 },
    );
  }, 120_000);
});

describe("wave 3: a staged file that is gone", () => {
  it("an ok symbol's missing result file fails the part (never published without it); a missing queue_check file is skipped", async () => {
    const store = new LocalObjectStore(join(dir, `g${++n}`));
    const date = "2024-03-05";
    await store.put(
      stagingResultKey(EXECUTIONS, "c", date, "SYNA"),
      await rowsToParquet(EXECUTIONS, rowsOf("SYNA", date, 2)),
    );
    await expect(compactPart(store, EXECUTIONS, "c", date, 0, ["SYNA", "SYNB"])).rejects.toThrow(
      /staging\/executions\/run_id=c\/date=2024-03-05\/SYNB\.parquet is missing, though its backtest ended ok/,
    );
    expect(await store.exists(compactedResultKey(EXECUTIONS, "c", date, 0))).toBe(false);
    // the queue check runs only on some days: no file is no part
    expect(await compactPart(store, QUEUE_CHECK, "c", date, 0, ["SYNA", "SYNB"])).toEqual({
      files: 0,
      rows: 0,
    });
    expect(await store.exists(compactedResultKey(QUEUE_CHECK, "c", date, 0))).toBe(false);
  });
});

/** A run of 2 symbols x 1 day whose backtests are accounted for by hand (no input: nothing is computed). */
async function accountedRun(runId: string, outcomes: Record<string, "ok" | "failed">) {
  const store = new LocalObjectStore(join(dir, `r${++n}`));
  const tasks = new LocalQueue(`t${++n}`, { visibilityTimeoutS: 60 });
  const sweep = resolveSweepSpec({
    run_id: runId,
    symbols: ["SYNA", "SYNB"],
    dates: ["2024-03-05"],
    input: { root: join(dir, "none"), key_template: "mbp10/SYNTH/{symbol}/{date}.parquet" },
    calibration: { lookback_days: 1 },
    backtest: { strategies: [{ strategy: "twap", exec: "market" }] },
  });
  await planSweep({ store, taskQueue: tasks, inputStore: () => store, now: () => 1 }, sweep);
  await tasks.receive({ maxMessages: 10 }); // (the wave-2 messages, answered below)
  // what each backtest stages: a file per result table (executions rows here, the others empty)
  for (const s of ["SYNA", "SYNB"])
    for (const t of RESULT_TABLES)
      await store.put(
        stagingResultKey(t, runId, "2024-03-05", s),
        await rowsToParquet(t, t === EXECUTIONS ? rowsOf(s, "2024-03-05", 3) : []),
      );
  const bodies = Object.entries(outcomes).map(([symbol, outcome]) =>
    completionBody({
      run_id: runId,
      task_id: `backtest-20240305-${symbol}`,
      outcome,
      ...(outcome === "failed" ? { reason: "no input" } : {}),
    }),
  );
  return { store, tasks, sweep, bodies };
}

describe("wave 3: accounting, checks and resumption", () => {
  it("the compaction messages name only the ok symbols; the failed task's staged file is left out", async () => {
    const { store, tasks, bodies } = await accountedRun("okset", { SYNA: "ok", SYNB: "failed" });
    const fanIn = createFanIn({ store, taskQueue: tasks, now: () => 1 });
    expect((await fanIn(bodies)).finished).toEqual([]);
    const sent = (await tasks.receive({ maxMessages: 10 })).map((m) => JSON.parse(m.body));
    expect(sent.map((m) => m.task_id)).toEqual(RESULT_TABLES.map((t) => `compact-20240305-${t.name}-00000`));
    expect(sent.every((m) => JSON.stringify(m.symbols) === '["SYNA"]')).toBe(true);
    for (const m of sent) expect(parseTaskMessage(JSON.stringify(m)).problem).toBeUndefined();
  });

  it("a late ok of a dead-lettered backtest after wave 3 started is not counted (the ok set is frozen)", () => {
    const s = newRunStatus("f", { calibrate: 0, backtest: 1 }, true);
    const id = "backtest-20240305-SYNA";
    applyOutcomes(s, [{ task_id: id, outcome: "dead_lettered", reason: "x" }], () => true);
    const late = { task_id: id, outcome: "ok" as const, aggregates: {} };
    const before = structuredClone(s);
    before.compaction = newCompactionStatus(5);
    const frozen = structuredClone(before);
    expect(applyOutcomes(frozen, [late], () => true)).toBe(0);
    expect(frozen).toEqual(before);
    // before wave 3 the same late completion upgrades the task
    expect(applyOutcomes(s, [late], () => true)).toBe(1);
    expect(s.tasks[id]?.outcome).toBe("ok");
  });

  it("a forged or stray compaction message becomes a failed compaction task with the reason", async () => {
    const { store, sweep } = await accountedRun("forged", { SYNA: "ok", SYNB: "ok" });
    const completions = new LocalQueue("c");
    const handle = createTaskHandler({ store, inputStore: () => store, completions });
    const part = compactTask("executions", "2024-03-05", 0);
    // a symbol that is not in the part
    const stray = await handle(JSON.stringify(compactMessage("forged", part, ["SYNA", "ZZZ"])));
    expect(stray).toMatchObject({
      state: "failed",
      reason: expect.stringMatching(/names ZZZ, which is not a planned symbol/),
    });
    // symbols out of order: an invalid message, recorded under its task id
    const other = compactTask("fills", "2024-03-05", 0);
    const unordered = parseTaskMessage(JSON.stringify(compactMessage("forged", other, ["SYNB", "SYNA"])));
    expect(unordered.problem).toMatch(/symbols must be distinct and in order/);
    // a part the run did not plan
    const none = await handle(
      JSON.stringify(compactMessage("forged", compactTask("fills", "2024-03-05", 1), [])),
    );
    expect(none.reason).toMatch(/is not a compaction task of run forged/);
    // a task id that does not match its fields
    const mismatch = parseTaskMessage(
      JSON.stringify({ ...compactMessage("forged", other, []), task_id: part.task_id }),
    );
    expect(mismatch.problem).toMatch(/does not match wave 3, fills, 2024-03-05, part 0/);
    expect(sweep.tasks).toHaveLength(2);
  });

  it("a run stopped during wave 3 is resumed by planning it again: only the parts not accounted for are sent", async () => {
    const { store, tasks, sweep, bodies } = await accountedRun("resume3", { SYNA: "ok", SYNB: "ok" });
    const fanIn = createFanIn({ store, taskQueue: tasks, now: () => 1 });
    await fanIn(bodies);
    // the first two parts ran; then the process stopped (its in-process queue is gone)
    const first = (await tasks.receive({ maxMessages: 10 })).slice(0, 2);
    const completions = new LocalQueue("c2");
    const handle = createTaskHandler({ store, inputStore: () => store, completions });
    for (const m of first) await handle(m.body);
    const done = (await completions.receive({ maxMessages: 10 })).map((m) => m.body);
    await fanIn(done);
    // planned again with a new queue (a new process): wave 3 is resumed
    const fresh = new LocalQueue("t-fresh");
    const plan = await planSweep({ store, taskQueue: fresh, inputStore: () => store, now: () => 2 }, sweep);
    expect(plan).toMatchObject({ state: "resumed", wave: 3, enqueued: RESULT_TABLES.length - 2 });
    const fanIn2 = createFanIn({ store, taskQueue: fresh, now: () => 2 });
    const r = await fanIn2(await runCompaction(store, fresh));
    expect(r.finished).toEqual(["resume3"]);
    const s = parseRunStatus(await store.get(statusKey("resume3")), "status");
    // a file per table (empty ones too: the table's partition exists, with no rows)
    expect(s.compaction).toMatchObject({
      planned: 5,
      counts: { ok: 5, failed: 0, dead_lettered: 0 },
      files: 5,
    });
    expect(s.outputs?.compacted).toBe(5);
    expect(await store.exists(taskMarkerKey("resume3", "compact-20240305-executions-00000"))).toBe(true);
  });
});

describe("wave 3: a sweep's report once staging/ has expired", () => {
  it("re-renders the same report from the published parts (the sampled tasks' rows, selected by symbol)", async () => {
    const input = join(dir, "in");
    await writeInputs(input);
    const root = join(dir, "expired");
    const r = await runLocalSweep({
      sweep: sweepSpec(input),
      root,
      executor: (completions) => inlineExecutor({ root, completions }),
    });
    expect(r.status.finished).toBe(true);
    const store = new LocalObjectStore(root);
    const summary = await sweepSummaryOf(store, "t-sweep");
    expect(summary?.sample.length).toBeGreaterThan(0);
    const before = await renderRunReport(store, "t-sweep", summary);
    // the staging/ lifecycle rule expired every staged file
    rmSync(join(root, "staging"), { recursive: true });
    const after = await renderRunReport(store, "t-sweep", summary);
    expect(after).toBe(before);
    expect(after).toContain("seeded sample");
  }, 120_000);
});
