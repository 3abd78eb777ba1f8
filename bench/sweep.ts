/**
 * The local sweep case: the same small sweep (SWEEP_SYMBOLS symbols x SWEEP_DAYS swept NYSE days after one
 * warm-up day, 2 venues, SWEEP_EVENTS events per venue-day; the demo's spec shape) run by runLocalSweep with a
 * threadExecutor of 1 and of 2 worker threads, each into a fresh results root. Inputs are generated once and
 * cached under bench/.cache/ keyed by the parameters.
 *
 * Times of one run (thread start-up included, as a user of `msor sweep` sees it):
 * - `ms`: the whole run: planning, both waves, the fan-in, the summary, compaction and the report;
 * - `waves_ms`: from the first task handed to a thread to the last task's end (both waves and the barrier
 *   between them; the first tasks also wait for their thread's start-up);
 * - `driver_ms` = ms - waves_ms: planning before and the summary, compaction and report after (one thread);
 * - `startup_ms`: from building the executor to every thread having loaded its handler.
 * CPU of one run (on Linux, from /proc/thread-self/schedstat): the task threads, the driver (this) thread,
 * and the rest of the process (V8's compiler and GC threads, the tsx loader threads).
 * The tasks are sized (~0.5-1 s each on an idle core) so that a thread's fixed costs (start-up, V8's JIT
 * warm-up, which runs on background threads and competes for the same 2 cores) do not hide the pool's scaling.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nextTradingDay } from "../lib/core/calendar.ts";
import { runLocalSweep } from "../lib/pipeline/local/localSweep.ts";
import { threadExecutor } from "../lib/pipeline/local/pool.ts";
import { threadCpuMs } from "../lib/pipeline/local/threadCpu.ts";
import { loadSweepSpec } from "../lib/specs/sweepSpec.ts";
import { inputKey, SYNTH_VENUE_FOLDER } from "../lib/store/keys.ts";
import { GENERATOR_VERSION, writeSyntheticDay } from "../lib/synth/index.ts";
import { BENCH_DIR } from "./inputs.ts";
import { median } from "./stats.ts";

const SWEEP_SYMBOLS = ["SWPA", "SWPB"];
const SWEEP_FIRST_DAY = "2024-03-04";
/** swept days after the warm-up day: 2 symbols x 4 calibrate + 2 x 3 backtest tasks, even for 2 workers */
const SWEEP_DAYS = 3;
const SWEEP_EVENTS = 250_000;
const SWEEP_SEED = 7;

export interface SweepCase {
  readonly workers: number;
  readonly ms: number;
  readonly tasks: number;
  readonly tasks_per_s: number;
  readonly ok: number;
  readonly waves_ms: number;
  readonly driver_ms: number;
  readonly startup_ms: number;
  /** CPU ms: the task threads (sum), this thread, the whole process; undefined where unknown */
  readonly cpu: { threads: number | undefined; driver: number | undefined; process: number };
}

export interface SweepInputs {
  readonly root: string;
  readonly specText: string;
  readonly label: string;
}

/** Generate (once) the sweep's input days under bench/.cache/ and return the spec text. */
export async function sweepInputs(): Promise<SweepInputs> {
  const days = [SWEEP_FIRST_DAY];
  while (days.length < SWEEP_DAYS + 1) days.push(nextTradingDay(days[days.length - 1]!));
  const root = join(BENCH_DIR, `sweep-v2-e${SWEEP_EVENTS}-s${SWEEP_SEED}-${GENERATOR_VERSION}`);
  let generated = 0;
  for (const [i, symbol] of SWEEP_SYMBOLS.entries()) {
    for (const date of days) {
      const path = join(root, ...inputKey(SYNTH_VENUE_FOLDER, symbol, date).split("/"));
      if (existsSync(path)) continue;
      await mkdir(BENCH_DIR, { recursive: true });
      await writeSyntheticDay(path, {
        symbol,
        date,
        venues: 2,
        eventsPerVenue: SWEEP_EVENTS,
        seed: SWEEP_SEED + i,
      });
      generated++;
    }
  }
  const label = `${SWEEP_SYMBOLS.length} symbols x ${SWEEP_DAYS} days (+1 warm-up), ${SWEEP_EVENTS} events/venue-day x 2 venues`;
  process.stderr.write(
    `bench: sweep inputs ${generated > 0 ? `generated (${generated} days)` : "reused"} in ${root}: ${label}\n`,
  );
  const specText = [
    "run_id: bench",
    `symbols: [${SWEEP_SYMBOLS.join(", ")}]`,
    `dates: { from: ${days[1]}, to: ${days[days.length - 1]} }`,
    `input: { root: ${JSON.stringify(root)}, key_template: "mbp10/SYNTH/{symbol}/{date}.parquet" }`,
    "calibration: { lookback_days: 5 }",
    "backtest:",
    "  seed: 1",
    "  orders:",
    '    - { side: buy, pct_adv: 1, start_times: ["10:00", "13:30"], horizon_min: 20 }',
    "",
  ].join("\n");
  return { root, specText, label };
}

/** One sweep with `workers` threads into a fresh results root (removed afterwards). */
export async function runSweepCase(inputs: SweepInputs, workers: number): Promise<SweepCase> {
  const sweep = loadSweepSpec(inputs.specText, "bench sweep spec");
  const root = await mkdtemp(join(tmpdir(), `msor-bench-sweep-${workers}w-`));
  try {
    let pool: ReturnType<typeof threadExecutor> | undefined;
    let startupMs = Number.NaN;
    let first = Number.POSITIVE_INFINITY;
    let last = 0;
    const cpu0 = process.cpuUsage();
    const driver0 = threadCpuMs();
    const t0 = performance.now();
    const r = await runLocalSweep({
      sweep,
      root,
      executor: (completions) => {
        // decode threads off in both cases: the figure is the pool's own scaling (with 1 worker on 2 cores
        // the default would decode in the spare core)
        const p = threadExecutor({ root, completions, workers, decodeThread: false });
        pool = p;
        void p.ready().then(() => {
          startupMs = performance.now() - t0;
        });
        return {
          slots: p.slots,
          async run(req) {
            first = Math.min(first, performance.now());
            try {
              return await p.run(req);
            } finally {
              last = Math.max(last, performance.now());
            }
          },
          close: () => p.close(),
        };
      },
    });
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const driver1 = threadCpuMs();
    const threadCpu = pool?.stats().map((t) => t.cpuMs);
    if (!r.status.finished)
      throw new Error(`bench sweep with ${workers} workers did not finish (status in ${root})`);
    const tasks = r.status.planned.calibrate + r.status.planned.backtest;
    if (r.status.counts.ok !== tasks)
      throw new Error(
        `bench sweep with ${workers} workers: ${r.status.counts.ok} of ${tasks} tasks ok (${JSON.stringify(r.status.counts)})`,
      );
    const wavesMs = last - first;
    return {
      workers,
      ms,
      tasks,
      tasks_per_s: tasks / (ms / 1000),
      ok: r.status.counts.ok,
      waves_ms: wavesMs,
      driver_ms: ms - wavesMs,
      startup_ms: startupMs,
      cpu: {
        threads: threadCpu?.every((c) => c !== undefined) ? threadCpu.reduce((a, c) => a + c, 0) : undefined,
        driver: driver0 !== undefined && driver1 !== undefined ? driver1 - driver0 : undefined,
        process: (cpu.user + cpu.system) / 1000,
      },
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const med = (xs: readonly number[]) => median([...xs].sort((a, b) => a - b));
const r2 = (x: number) => Math.round(x * 100) / 100;
const cpuS = (xs: readonly (number | undefined)[]) =>
  xs.every((x) => x !== undefined) ? r2(med(xs as number[]) / 1000) : null;

/**
 * The sweep's breakdown keys of bench/results.json (beside sweep_speedup_2_workers, the whole run): medians
 * over the rounds; a speedup is the median over rounds of the ratio within a round.
 */
export function sweepFigures(one: readonly SweepCase[], two: readonly SweepCase[]) {
  const ratios = one.map((s, i) => s.waves_ms / two[i]!.waves_ms);
  const per = (k: "waves_ms" | "driver_ms" | "startup_ms", xs: readonly SweepCase[]) =>
    Math.round(med(xs.map((s) => s[k])));
  return {
    sweep_waves_speedup_2_workers: r2(med(ratios)),
    sweep_waves_speedup_2_workers_per_round: [r2(Math.min(...ratios)), r2(Math.max(...ratios))],
    sweep_waves_ms_1_worker: per("waves_ms", one),
    sweep_waves_ms_2_workers: per("waves_ms", two),
    sweep_driver_ms_1_worker: per("driver_ms", one),
    sweep_driver_ms_2_workers: per("driver_ms", two),
    sweep_startup_ms_1_worker: per("startup_ms", one),
    sweep_startup_ms_2_workers: per("startup_ms", two),
    sweep_cpu_s: {
      task_threads_1_worker: cpuS(one.map((s) => s.cpu.threads)),
      task_threads_2_workers: cpuS(two.map((s) => s.cpu.threads)),
      driver_thread_1_worker: cpuS(one.map((s) => s.cpu.driver)),
      driver_thread_2_workers: cpuS(two.map((s) => s.cpu.driver)),
      process_1_worker: cpuS(one.map((s) => s.cpu.process)),
      process_2_workers: cpuS(two.map((s) => s.cpu.process)),
    },
    sweep_breakdown_note:
      "sweep_speedup_2_workers: the whole run as a user sees it (thread start-up, planning, both waves, fan-in, summary, compaction, report); " +
      "sweep_waves_*: first task dispatched to last task finished (both waves and the barrier; the first tasks wait for their thread's start-up); " +
      "sweep_driver_ms: the rest (planning, summary, compaction and report in the driver thread; fixed, not parallel); " +
      "sweep_startup_ms: executor built to every thread's handler loaded; " +
      "sweep_cpu_s: CPU seconds of the task threads (sum), the driver thread and the whole process (the rest is V8's JIT compiler and GC threads and the tsx loader threads, which compete with the task threads for the cores)",
  };
}

/**
 * `node --import tsx bench/sweep.ts WORKERS`: one sweep case in this process, its SweepCase as one JSON line
 * (the bench runs it under `taskset -c 0` for the 1-worker-on-1-core figure).
 */
if (process.argv[1]?.endsWith("sweep.ts")) {
  const workers = Number(process.argv[2]);
  if (!Number.isInteger(workers) || workers < 1) {
    process.stderr.write("usage: node --import tsx bench/sweep.ts WORKERS\n");
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(await runSweepCase(await sweepInputs(), workers))}\n`);
}
