/**
 * The finish step at scale (issue 23.1): the peak RSS of a local run's whole finish for 200 and for 2,000 tiny
 * backtest tasks, and the time of one full compaction part (COMPACT_FILES_PER_PART staged files).
 * A seed sweep (1 symbol, 1 swept day after a warm-up day, FINISH_EVENTS events per venue-day) gives one real
 * backtest task: its staged files and its completion (aggregates, sample).
 * - The finish: a run of N tasks is that task on N days of the same symbol (one task per date partition: a sweep
 *   whose days grow), its staged files copied, its completion applied to status.json N times (aggregates
 *   merged, each day's parents re-keyed and re-sampled with the run's seed). A child process runs the whole
 *   finish, as the deployed stack would but in one process: the fan-in with the run named (as the tick does),
 *   which sends wave 3 (N days x 5 tables compaction tasks) into a local task queue; every wave-3 message
 *   through the worker's handler (createTaskHandler), one at a time; their completions fed back to the fan-in
 *   until the run is finished (the summary lock holder writes the summary and the report). It reports its peak
 *   RSS (kernel maxRSS), its RSS before the finish and the finish's wall time.
 * - A full compaction part: one date of COMPACT_FILES_PER_PART symbols (S0000, S0001, ...), the seed's staged
 *   files copied under each symbol's staging key (their rows still name the seed's symbol), every backtest ok.
 *   A child process sends wave 3 (one compaction task per result table) with the fan-in, runs each task once as
 *   a warm-up (compactPart, the same bytes to the same key), then once timed through the worker's handler, and
 *   reports the mean ms per task over the tables and its peak RSS.
 * Run alone: `node --import tsx bench/finish.ts [--json]`; `npm run bench` runs it.
 */
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { nextTradingDay } from "../lib/core/calendar.ts";
import { COMPACT_FILES_PER_PART, compactionTables, compactPart } from "../lib/pipeline/compaction.ts";
import { createFanIn } from "../lib/pipeline/fanIn.ts";
import { runLocalSweep } from "../lib/pipeline/local/localSweep.ts";
import { inlineExecutor } from "../lib/pipeline/local/pool.ts";
import {
  type CompactMessage,
  parseTaskMessage,
  type SampleEntry,
  samplePriority,
  type TaskMarker,
} from "../lib/pipeline/messages.ts";
import { type Manifest, readManifest } from "../lib/pipeline/planner.ts";
import { applyOutcomes, encodeStatus, newRunStatus, parseRunStatus } from "../lib/pipeline/runStatus.ts";
import { createTaskHandler } from "../lib/pipeline/worker.ts";
import { LocalObjectStore } from "../lib/ports/localObjectStore.ts";
import { LocalQueue } from "../lib/ports/localQueue.ts";
import type { ObjectStore } from "../lib/ports/objectStore.ts";
import type { Queue } from "../lib/ports/queue.ts";
import { QUEUE_CHECK } from "../lib/results/queueCheckSchema.ts";
import { RESULT_TABLES } from "../lib/results/tables.ts";
import { loadSweepSpec } from "../lib/specs/sweepSpec.ts";
import { sweepTaskId } from "../lib/specs/taskId.ts";
import {
  inputKey,
  manifestKey,
  SYNTH_VENUE_FOLDER,
  stagingResultKey,
  statusKey,
  taskMarkerKey,
} from "../lib/store/keys.ts";
import { writeSyntheticDay } from "../lib/synth/index.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const SYMBOL = "FINA";
const FIRST_DAY = "2024-03-04";
const FINISH_EVENTS = 20_000;

export interface FinishBench {
  readonly tasks: number;
  /** kernel maxRSS of the child that ran the finish (MB) */
  readonly peak_rss_mb: number;
  /** the child's RSS just before the finish started (MB): node, tsx and the loaded modules */
  readonly start_rss_mb: number;
  readonly ms: number;
}

/** The seed: one real backtest task of a 1-symbol sweep (its staged files by table, its marker). */
export async function seedTask(dir: string) {
  const days = [FIRST_DAY, nextTradingDay(FIRST_DAY)];
  const input = join(dir, "in");
  for (const date of days) {
    const path = join(input, ...inputKey(SYNTH_VENUE_FOLDER, SYMBOL, date).split("/"));
    mkdirSync(dirname(path), { recursive: true });
    await writeSyntheticDay(path, {
      symbol: SYMBOL,
      date,
      venues: 2,
      eventsPerVenue: FINISH_EVENTS,
      seed: 3,
    });
  }
  const sweep = loadSweepSpec(
    [
      "run_id: seed",
      `symbols: [${SYMBOL}]`,
      `dates: { from: ${days[1]}, to: ${days[1]} }`,
      `input: { root: ${JSON.stringify(input)}, key_template: "mbp10/SYNTH/{symbol}/{date}.parquet" }`,
      "calibration: { lookback_days: 1 }",
      "backtest:",
      "  seed: 1",
      "  orders:",
      '    - { side: buy, pct_adv: 1, start_times: ["10:00", "13:30"], horizon_min: 20 }',
      "",
    ].join("\n"),
    "finish bench seed spec",
  );
  const root = join(dir, "seed");
  const r = await runLocalSweep({
    sweep,
    root,
    executor: (completions) => inlineExecutor({ root, completions }),
  });
  if (!r.status.finished) throw new Error(`finish bench: the seed sweep did not finish (${root})`);
  const store = new LocalObjectStore(root);
  const date = days[1]!;
  const taskId = sweepTaskId("backtest", SYMBOL, date);
  const marker = JSON.parse(
    new TextDecoder().decode(await store.get(taskMarkerKey("seed", taskId))),
  ) as TaskMarker;
  const staged = new Map<string, Uint8Array>();
  for (const t of [...RESULT_TABLES, QUEUE_CHECK]) {
    const b = await store.tryGet(stagingResultKey(t, "seed", date, SYMBOL));
    if (b) staged.set(t.name, b);
  }
  const manifest = JSON.parse(new TextDecoder().decode(await store.get(manifestKey("seed")))) as Manifest;
  return { marker, staged, manifest, date };
}

type Seed = Awaited<ReturnType<typeof seedTask>>;

/** The seed's staged files under `symbol`'s staging keys of `date`. */
async function copyStaged(store: ObjectStore, seed: Seed, runId: string, date: string, symbol: string) {
  for (const table of RESULT_TABLES.map((t) => t.name).concat(QUEUE_CHECK.name)) {
    const b = seed.staged.get(table);
    if (b) await store.put(stagingResultKey({ name: table }, runId, date, symbol), b);
  }
}

/**
 * A run of `tasks` (copies of the seed task) whose backtests are all accounted for ok: its manifest (no wave 1)
 * and status.json with each task's completion applied (`completion` gives its aggregates and sample).
 */
async function fabricate(
  store: ObjectStore,
  runId: string,
  seed: Seed,
  tasks: readonly { symbol: string; date: string }[],
  completion: (t: { symbol: string; date: string }) => Pick<TaskMarker, "aggregates" | "sample">,
) {
  const planned = tasks.map((t) => ({
    task_id: sweepTaskId("backtest", t.symbol, t.date),
    kind: "backtest" as const,
    ...t,
  }));
  await store.put(
    manifestKey(runId),
    JSON.stringify({ ...seed.manifest, run_id: runId, calibrate_tasks: [], tasks: planned, no_input: [] }),
  );
  for (const t of tasks) await copyStaged(store, seed, runId, t.date, t.symbol);
  const status = newRunStatus(runId, { calibrate: 0, backtest: tasks.length }, true);
  applyOutcomes(
    status,
    planned.map((t) => ({ task_id: t.task_id, outcome: "ok" as const, ...completion(t) })),
    () => true,
  );
  await store.put(statusKey(runId), encodeStatus(status));
}

/** A run of `n` copies of the seed task on consecutive days, accounted and ready to finish. */
export async function fabricateRun(root: string, runId: string, n: number, seed: Seed) {
  const dates: string[] = [];
  for (let d = "2016-01-04"; dates.length < n; d = nextTradingDay(d)) dates.push(d);
  const parentsOf = (date: string): SampleEntry[] =>
    (seed.marker.sample ?? []).map(([, p]) => {
      const key = [SYMBOL, date, p.split("|")[2]].join("|");
      return [samplePriority(runId, key), key];
    });
  await fabricate(
    new LocalObjectStore(root),
    runId,
    seed,
    dates.map((date) => ({ symbol: SYMBOL, date })),
    (t) => ({ aggregates: seed.marker.aggregates, sample: parentsOf(t.date) }),
  );
}

/** Symbol i of a fabricated part: S0000, S0001, ... */
const partSymbol = (i: number) => `S${String(i).padStart(4, "0")}`;

/** One date of `files` symbols, each with the seed's staged files, every backtest ok: one compaction part. */
export async function fabricatePart(root: string, runId: string, files: number, seed: Seed) {
  const tasks = Array.from({ length: files }, (_, i) => ({ symbol: partSymbol(i), date: "2016-01-04" }));
  await fabricate(new LocalObjectStore(root), runId, seed, tasks, () => ({}));
}

/** Receive every message waiting in `q` (deleted as received). */
async function drain(q: Queue): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const batch = await q.receive({ maxMessages: 10 });
    if (batch.length === 0) return out;
    for (const m of batch) {
      out.push(m.body);
      await q.delete(m.receiptHandle);
    }
  }
}

/** The wave-3 messages waiting in `q` (anything else is a bench error). */
async function wave3Messages(q: Queue): Promise<string[]> {
  const bodies = await drain(q);
  for (const b of bodies)
    if ((JSON.parse(b) as { wave?: number }).wave !== 3)
      throw new Error(`finish bench: a task message of another wave in the task queue: ${b.slice(0, 120)}`);
  return bodies;
}

const rssFigures = () => ({ peak_rss_mb: process.resourceUsage().maxRSS / 1024 });

/**
 * The child: the whole finish of `runId` under `root` in this process: the fan-in (it sends wave 3), every
 * wave-3 message through the worker's handler one at a time, their completions back to the fan-in (at most
 * 10,000 per call, the summary's batch size) until the run is finished. Prints its figures as one JSON line.
 */
async function child(root: string, runId: string): Promise<void> {
  const store = new LocalObjectStore(root);
  const start = process.memoryUsage().rss;
  const t0 = performance.now();
  const tasks = new LocalQueue("finish-bench-tasks");
  const completions = new LocalQueue("finish-bench-completions");
  const fanIn = createFanIn({ store, taskQueue: tasks, now: () => 1 });
  const handle = createTaskHandler({ store, inputStore: () => store, completions });
  let r = await fanIn([], [runId]);
  let compactionTasks = 0;
  while (!r.finished.includes(runId)) {
    const wave3 = await wave3Messages(tasks);
    for (const body of wave3) {
      const w = await handle(body);
      if (w.state !== "ok")
        throw new Error(`finish bench: compaction task ${w.taskId}: ${w.state} ${w.reason}`);
    }
    compactionTasks += wave3.length;
    const bodies = await drain(completions);
    if (bodies.length === 0)
      throw new Error(`finish bench: run ${runId} did not finish: ${JSON.stringify(r.finishFailed)}`);
    for (let i = 0; i < bodies.length; i += 10_000) r = await fanIn(bodies.slice(i, i + 10_000), [runId]);
  }
  const ms = performance.now() - t0;
  process.stdout.write(
    `${JSON.stringify({ ...rssFigures(), start_rss_mb: start / 2 ** 20, ms, compaction_tasks: compactionTasks })}\n`,
  );
}

/**
 * The child of the part bench: the fan-in sends wave 3 of a one-part run (one compaction task per table); each
 * task runs once as a warm-up (compactPart: the same bytes to the same key), then once timed through the
 * worker's handler. Prints the ms of each timed task (and of its warm-up) by table as one JSON line.
 */
async function compactChild(root: string, runId: string): Promise<void> {
  const store = new LocalObjectStore(root);
  const tasks = new LocalQueue("compact-bench-tasks");
  const completions = new LocalQueue("compact-bench-completions");
  await createFanIn({ store, taskQueue: tasks, now: () => 1 })([], [runId]);
  const messages = (await wave3Messages(tasks)).map((body) => {
    const p = parseTaskMessage(body);
    if (p.message?.wave !== 3) throw new Error(`finish bench: not a compaction message: ${p.problem}`);
    return { body, m: p.message as CompactMessage };
  });
  const manifest = await readManifest(store, runId);
  const schemaOf = (table: string) => compactionTables(manifest).find((t) => t.name === table)!;
  const warmup: Record<string, number> = {};
  const files: Record<string, number> = {};
  for (const { m } of messages) {
    const t0 = performance.now();
    const c = await compactPart(store, schemaOf(m.table), runId, m.date, m.part, m.symbols);
    warmup[m.table] = performance.now() - t0;
    files[m.table] = c.files;
  }
  const handle = createTaskHandler({ store, inputStore: () => store, completions });
  const ms: Record<string, number> = {};
  for (const { body, m } of messages) {
    const t0 = performance.now();
    const w = await handle(body);
    ms[m.table] = performance.now() - t0;
    if (w.state !== "ok")
      throw new Error(`finish bench: compaction task ${w.taskId}: ${w.state} ${w.reason}`);
  }
  process.stdout.write(`${JSON.stringify({ ...rssFigures(), ms, warmup_ms: warmup, files })}\n`);
}

function runChild<T>(mode: "--child" | "--compact-child", root: string, runId: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      ["--import", "tsx", join(ROOT, "bench", "finish.ts"), mode, root, runId],
      {
        stdio: ["ignore", "pipe", "inherit"],
        cwd: ROOT,
      },
    );
    let out = "";
    p.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    p.on("error", reject);
    p.on("close", (code) => {
      if (code !== 0) return reject(new Error(`finish bench child exited with ${code}`));
      resolve(JSON.parse(out.trim().split("\n").pop()!) as T);
    });
  });
}

/** One full compaction part: its tasks (one per result table) timed in a child process. */
export interface CompactPartBench {
  /** staged files per task (COMPACT_FILES_PER_PART) */
  readonly files: number;
  /** mean ms per compaction task over the tables (timed after one warm-up run of each) */
  readonly ms: number;
  readonly ms_by_table: Record<string, number>;
  /** the first (cold) run of each task, ms */
  readonly warmup_ms_by_table: Record<string, number>;
  /** kernel maxRSS of the child (MB) */
  readonly peak_rss_mb: number;
  /** bytes of the seed's staged files per table (each copied `files` times) */
  readonly staged_bytes_by_table: Record<string, number>;
}

export interface FinishBenches {
  readonly finish: FinishBench[];
  readonly compact: CompactPartBench;
}

/**
 * The finish of a 200-task and a 2,000-task run, and one full compaction part (each in its own child process).
 */
export async function runFinishBench(sizes: readonly number[] = [200, 2000]): Promise<FinishBenches> {
  const dir = await mkdtemp(join(tmpdir(), "msor-finish-bench-"));
  try {
    const seed = await seedTask(dir);
    const finish: FinishBench[] = [];
    for (const n of sizes) {
      const root = join(dir, `run-${n}`);
      const runId = `finish-${n}`;
      await fabricateRun(root, runId, n, seed);
      const c = await runChild<{
        peak_rss_mb: number;
        start_rss_mb: number;
        ms: number;
        compaction_tasks: number;
      }>("--child", root, runId);
      // wave 3 ran: one compaction task (and one published file) per date and table
      const tables = seed.staged.size;
      const status = parseRunStatus(await readFile(join(root, "runs", runId, "status.json")), runId);
      if (c.compaction_tasks !== n * tables || status.outputs?.compacted !== n * tables)
        throw new Error(
          `finish bench: ${n} tasks: ${c.compaction_tasks} compaction tasks run, ${status.outputs?.compacted} files published; expected ${n * tables}`,
        );
      finish.push({
        tasks: n,
        peak_rss_mb: Math.round(c.peak_rss_mb),
        start_rss_mb: Math.round(c.start_rss_mb),
        ms: Math.round(c.ms),
      });
      // the report must have been drawn from the sample: check it names it
      const html = await readFile(join(root, "runs", runId, "report.html"), "utf8");
      if (!html.includes("seeded sample"))
        throw new Error(`finish bench: the ${n}-task report has no sample`);
      await rm(root, { recursive: true, force: true });
    }
    const root = join(dir, "part");
    await fabricatePart(root, "compact-part", COMPACT_FILES_PER_PART, seed);
    const c = await runChild<{
      peak_rss_mb: number;
      ms: Record<string, number>;
      warmup_ms: Record<string, number>;
      files: Record<string, number>;
    }>("--compact-child", root, "compact-part");
    const times = Object.values(c.ms);
    if (times.length !== seed.staged.size || Object.values(c.files).some((f) => f !== COMPACT_FILES_PER_PART))
      throw new Error(`finish bench: the part's tasks read ${JSON.stringify(c.files)} files`);
    const round = (o: Record<string, number>) =>
      Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v)]));
    const compact: CompactPartBench = {
      files: COMPACT_FILES_PER_PART,
      ms: Math.round(times.reduce((a, b) => a + b, 0) / times.length),
      ms_by_table: round(c.ms),
      warmup_ms_by_table: round(c.warmup_ms),
      peak_rss_mb: Math.round(c.peak_rss_mb),
      staged_bytes_by_table: Object.fromEntries([...seed.staged].map(([k, b]) => [k, b.byteLength])),
    };
    return { finish, compact };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv[2] === "--child") await child(process.argv[3]!, process.argv[4]!);
  else if (process.argv[2] === "--compact-child") await compactChild(process.argv[3]!, process.argv[4]!);
  else {
    const r = await runFinishBench();
    if (process.argv.includes("--json")) process.stdout.write(`${JSON.stringify(r)}\n`);
    else {
      for (const x of r.finish)
        process.stdout.write(
          `${x.tasks} tasks: finish peak RSS ${x.peak_rss_mb} MB (${x.start_rss_mb} MB before it), ${x.ms} ms\n`,
        );
      const c = r.compact;
      process.stdout.write(
        `compaction part of ${c.files} files: ${c.ms} ms per task (mean over the tables: ${JSON.stringify(c.ms_by_table)}; first runs ${JSON.stringify(c.warmup_ms_by_table)}), ${(c.ms / c.files).toFixed(3)} ms per file, peak RSS ${c.peak_rss_mb} MB\n`,
      );
    }
  }
}
