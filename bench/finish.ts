/**
 * The finish step at scale (issue 23.1): the peak RSS of a local run's finish (compaction, the summary from the
 * merged aggregates, the report from the seeded sample) for 200 and for 2,000 tiny backtest tasks.
 * A seed sweep (1 symbol, 1 swept day after a warm-up day, FINISH_EVENTS events per venue-day) gives one real
 * backtest task: its staged files and its completion (aggregates, sample). A run of N tasks is that task on N
 * days of the same symbol (one task per date partition: a sweep whose days grow), its staged files copied, its
 * completion applied to status.json N times (aggregates merged, each day's parents re-keyed and re-sampled
 * with the run's seed). A child process then runs only the finish (createFanIn with the run named, as the tick
 * does) and reports its peak RSS (kernel maxRSS), its RSS before the finish and the finish's wall time.
 * Run alone: `node --import tsx bench/finish.ts [--json]`; `npm run bench` runs it.
 */
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { nextTradingDay } from "../lib/core/calendar.ts";
import { createFanIn } from "../lib/pipeline/fanIn.ts";
import { runLocalSweep } from "../lib/pipeline/local/localSweep.ts";
import { inlineExecutor } from "../lib/pipeline/local/pool.ts";
import { type SampleEntry, samplePriority, type TaskMarker } from "../lib/pipeline/messages.ts";
import type { Manifest } from "../lib/pipeline/planner.ts";
import { applyOutcomes, encodeStatus, newRunStatus } from "../lib/pipeline/runStatus.ts";
import { LocalObjectStore } from "../lib/ports/localObjectStore.ts";
import { LocalQueue } from "../lib/ports/localQueue.ts";
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

/** A run of `n` copies of the seed task on consecutive days, accounted and ready to finish. */
export async function fabricateRun(
  root: string,
  runId: string,
  n: number,
  seed: Awaited<ReturnType<typeof seedTask>>,
) {
  const store = new LocalObjectStore(root);
  const dates: string[] = [];
  for (let d = "2016-01-04"; dates.length < n; d = nextTradingDay(d)) dates.push(d);
  const tasks = dates.map((date) => ({
    task_id: sweepTaskId("backtest", SYMBOL, date),
    kind: "backtest" as const,
    symbol: SYMBOL,
    date,
  }));
  await store.put(
    manifestKey(runId),
    JSON.stringify({ ...seed.manifest, run_id: runId, calibrate_tasks: [], tasks, no_input: [] }),
  );
  const tables = RESULT_TABLES.map((t) => t.name).concat(QUEUE_CHECK.name);
  for (const date of dates)
    for (const table of tables) {
      const b = seed.staged.get(table);
      if (b) await store.put(stagingResultKey({ name: table }, runId, date, SYMBOL), b);
    }
  const status = newRunStatus(runId, { calibrate: 0, backtest: n }, true);
  const parentsOf = (date: string): SampleEntry[] =>
    (seed.marker.sample ?? []).map(([, p]) => {
      const key = [SYMBOL, date, p.split("|")[2]].join("|");
      return [samplePriority(runId, key), key];
    });
  applyOutcomes(
    status,
    tasks.map((t) => ({
      task_id: t.task_id,
      outcome: "ok" as const,
      aggregates: seed.marker.aggregates,
      sample: parentsOf(t.date),
    })),
    () => true,
  );
  await store.put(statusKey(runId), encodeStatus(status));
}

/** The child: only the finish of `runId` under `root`; prints its figures as one JSON line. */
async function child(root: string, runId: string): Promise<void> {
  const store = new LocalObjectStore(root);
  const start = process.memoryUsage().rss;
  const t0 = performance.now();
  const r = await createFanIn({ store, taskQueue: new LocalQueue("finish-bench"), now: () => 1 })(
    [],
    [runId],
  );
  const ms = performance.now() - t0;
  if (r.finished[0] !== runId)
    throw new Error(`finish bench: run ${runId} did not finish: ${JSON.stringify(r.finishFailed)}`);
  process.stdout.write(
    `${JSON.stringify({ peak_rss_mb: process.resourceUsage().maxRSS / 1024, start_rss_mb: start / 2 ** 20, ms })}\n`,
  );
}

function runChild(
  root: string,
  runId: string,
): Promise<{ peak_rss_mb: number; start_rss_mb: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      ["--import", "tsx", join(ROOT, "bench", "finish.ts"), "--child", root, runId],
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
      resolve(JSON.parse(out.trim().split("\n").pop()!));
    });
  });
}

/** The finish of a 200-task and a 2,000-task run (each in its own child process). */
export async function runFinishBench(sizes: readonly number[] = [200, 2000]): Promise<FinishBench[]> {
  const dir = await mkdtemp(join(tmpdir(), "msor-finish-bench-"));
  try {
    const seed = await seedTask(dir);
    const out: FinishBench[] = [];
    for (const n of sizes) {
      const root = join(dir, `run-${n}`);
      await fabricateRun(root, `finish-${n}`, n, seed);
      const c = await runChild(root, `finish-${n}`);
      out.push({
        tasks: n,
        peak_rss_mb: Math.round(c.peak_rss_mb),
        start_rss_mb: Math.round(c.start_rss_mb),
        ms: Math.round(c.ms),
      });
      // the report must have been drawn from the sample: check it names it
      const html = await readFile(join(root, "runs", `finish-${n}`, "report.html"), "utf8");
      if (!html.includes("seeded sample"))
        throw new Error(`finish bench: the ${n}-task report has no sample`);
    }
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv[2] === "--child") await child(process.argv[3]!, process.argv[4]!);
  else {
    const r = await runFinishBench();
    if (process.argv.includes("--json")) process.stdout.write(`${JSON.stringify(r)}\n`);
    else
      for (const x of r)
        process.stdout.write(
          `${x.tasks} tasks: finish peak RSS ${x.peak_rss_mb} MB (${x.start_rss_mb} MB before it), ${x.ms} ms\n`,
        );
  }
}
