/**
 * `npm run bench [-- --json] [-- --out PATH] [-- --rounds N]`: the performance targets of DESIGN.md measured
 * in ONE run and reported as ratios (absolute times on a shared machine are noisy; the ratios are the result).
 *
 * Inputs: two synthetic Databento-layout days (~200k and ~2M rows, 2 venues), generated once and cached in
 * bench/.cache/ keyed by the generator parameters. Every heavy case runs in its own child process
 * (bench/child.ts), so its peak RSS is its own, and the cases are interleaved over N rounds (default 3) so
 * that load from other processes hits them alike; a time is the median over the rounds of one timed run after
 * one warm-up run in the same child, and a ratio is the median over the rounds of the ratio within a round. Peak RSS is the maximum over the rounds (kernel maxRSS of the child).
 * The local sweep (bench/sweep.ts: 1 and 2 worker threads on a small cached sweep, in every round) drives its
 * worker threads from this process; a third run of it, 1 worker in a child process pinned to one core
 * (`taskset -c 0`, where available), gives the pool's scaling per core. The router and the S3 case (moto_server) run in this process.
 * The streamed MBO import (bench/mboImport.ts: ~500k and ~5M synthetic MBO records) runs once per size in a child.
 * Planning (bench/plan.ts: 100 symbols x 50 days) runs once in this process. The finish (bench/finish.ts: fan-in, wave 3
 * of compaction tasks through the worker's handler, summary and report of 200 and of 2,000 tiny backtest tasks, all in
 * one process) runs once per size in a child, and one full compaction part (1,000 staged files per task) in another.
 * Writes bench/results.json (or --out PATH),
 * prints a table on stderr, and with --json the JSON on stdout.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { availableParallelism, cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Mbp10File } from "../lib/mbp10/reader.ts";
import { fileSource } from "../lib/ports/fileSource.ts";
import { DEFAULT_SPEC } from "../lib/specs/taskSpec.ts";
import type { ChildCase, ChildResult } from "./child.ts";
import { runFinishBench } from "./finish.ts";
import { type BenchDay, syntheticDay } from "./inputs.ts";
import { runMboImportBench } from "./mboImport.ts";
import { runPlanBench } from "./plan.ts";
import { routerMedianMs } from "./router.ts";
import { runS3 } from "./s3.ts";
import { runSweepCase, type SweepCase, sweepFigures, sweepInputs } from "./sweep.ts";

// the SDK warns once that releases after January 2027 need Node 22; the project runs Node 20
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

import { median } from "./stats.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const SMALL_ROWS = 200_000;
const LARGE_ROWS = 2_000_000;
/**
 * Grid sizes: the nearest multiples of the default strategy count to 8, 32 and 128 instances (bench/child.ts
 * gridSpec spreads whole strategy sets over parent orders; with 10 default strategies: 10, 30, 130).
 */
const PER_SET = DEFAULT_SPEC.strategies.length;
const GRID = [8, 32, 128].map((n) => Math.max(PER_SET, Math.round(n / PER_SET) * PER_SET));
const GRID_MAX = GRID[GRID.length - 1]!;
const MiB = 2 ** 20;
const SWEEP_WORKERS = [1, 2] as const;

// Scale on paper (assumptions stated in the output).
const PAPER_TASKS = 500 * 250;
const PAPER_CONCURRENCY = 1000;
const LAMBDA_GB = 2;
const USD_PER_GB_S = 0.0000133334; // Lambda arm64, us-east-1
const USD_PER_LAMBDA_REQUEST = 0.2 / 1e6;
const USD_PER_S3_GET = 0.0004 / 1000;

function parseArgs(argv: string[]) {
  const out = { json: false, outPath: join(ROOT, "bench", "results.json"), rounds: 3 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--json") out.json = true;
    else if (a === "--out") out.outPath = argv[++i] ?? "";
    else if (a === "--rounds") out.rounds = Number(argv[++i]);
    else {
      process.stderr.write(
        `bench: unknown option ${a}; usage: npm run bench -- [--json] [--out PATH] [--rounds N]\n`,
      );
      process.exit(2);
    }
  }
  if (!out.outPath) {
    process.stderr.write("bench: --out needs a path\n");
    process.exit(2);
  }
  if (!Number.isInteger(out.rounds) || out.rounds < 1) {
    process.stderr.write("bench: --rounds must be an integer >= 1\n");
    process.exit(2);
  }
  return out;
}

const say = (s: string) => process.stderr.write(`bench: ${s}\n`);

/** `taskset -c 0` there (Linux, util-linux): the 1-worker sweep on one core; undefined elsewhere. */
const TASKSET = ["/usr/bin/taskset", "/bin/taskset"].find((p) => existsSync(p));

/** Run `cmd args` in ROOT and parse the last line of its stdout as JSON (`what` names it in errors). */
function spawnJson<T>(what: string, cmd: string, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    p.on("error", reject);
    p.on("close", (code) => {
      if (code !== 0) return reject(new Error(`${what} exited ${code}: ${err.trim()}`));
      try {
        resolve(JSON.parse(out.trim().split("\n").pop() ?? "") as T);
      } catch {
        reject(new Error(`${what} printed no JSON: ${out}${err}`));
      }
    });
  });
}

/** The 1-worker sweep in a child process pinned to core 0: what one worker gets from one core. */
function pinnedSweep(): Promise<SweepCase> {
  const script = join(ROOT, "bench", "sweep.ts");
  return spawnJson("bench/sweep.ts (pinned)", TASKSET!, [
    "-c",
    "0",
    process.execPath,
    "--import",
    "tsx",
    script,
    "1",
  ]);
}

function child(kase: ChildCase, path: string, extra: string[] = []): Promise<ChildResult> {
  const args = ["--import", "tsx", join(ROOT, "bench", "child.ts"), kase, path, ...extra];
  return spawnJson(`bench/child.ts ${kase}`, process.execPath, args);
}

interface Series {
  ms: number[];
  activeMs: number[];
  peak: number[];
  rows: number;
  instances: number;
}

const med = (xs: readonly number[]) => median([...xs].sort((a, b) => a - b));
const r2 = (x: number) => Math.round(x * 100) / 100;
const r3 = (x: number) => Math.round(x * 1000) / 1000;

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const small = await syntheticDay(SMALL_ROWS);
  const large = await syntheticDay(LARGE_ROWS);
  const sweepIn = await sweepInputs();

  // name -> [case, day, extra args]
  const plan: [string, ChildCase, BenchDay, string[]][] = [
    ["decode_2m", "decode", large, []],
    ["decode_ipc_2m", "decode-ipc", large, []],
    ["duckdb_2m", "duckdb", large, []],
    // the default mode: a decode thread where a core is spare (this machine), in-thread otherwise
    ["backtest_2m_wave2", "backtest", large, ["--wave2"]],
    ["backtest_2m", "backtest", large, []],
    // in the replaying thread: the Lambda bundle, and a local pool with a worker per core
    ["backtest_2m_in_thread_wave2", "backtest", large, ["--in-thread", "--wave2"]],
    ["backtest_2m_in_thread", "backtest", large, ["--in-thread"]],
    ["calibrate_2m", "calibrate", large, []],
    ...GRID.map((n): [string, ChildCase, BenchDay, string[]] => [
      `grid${n}_2m`,
      "backtest",
      large,
      ["--instances", String(n)],
    ]),
    ["decode_200k", "decode", small, []],
    ["backtest_200k", "backtest", small, []],
    ["backtest_200k_in_thread", "backtest", small, ["--in-thread"]],
  ];
  const series = new Map<string, Series>(
    plan.map(([name]) => [name, { ms: [], activeMs: [], peak: [], rows: 0, instances: 0 }]),
  );
  const sweeps = new Map<number, SweepCase[]>(SWEEP_WORKERS.map((w) => [w, []]));
  const pinned: SweepCase[] = [];
  for (let r = 0; r < opts.rounds; r++) {
    const line: string[] = [];
    for (const [name, kase, day, extra] of plan) {
      const res = await child(kase, day.path, extra);
      const s = series.get(name)!;
      s.ms.push(res.ms[0]!);
      s.activeMs.push(res.activeMs[0]!);
      s.peak.push(Math.max(res.maxRss, res.sampledPeak));
      s.rows = res.rows;
      s.instances = res.instances;
      line.push(`${name} ${res.ms[0]!.toFixed(0)}`);
    }
    // the local sweep, 1 and 2 worker threads back to back (order alternating by round), fresh roots
    for (const w of r % 2 === 0 ? SWEEP_WORKERS : [...SWEEP_WORKERS].reverse()) {
      const res = await runSweepCase(sweepIn, w);
      sweeps.get(w)!.push(res);
      line.push(`sweep_${w}w ${res.ms.toFixed(0)}`);
    }
    if (TASKSET && availableParallelism() >= 2) {
      const res = await pinnedSweep();
      pinned.push(res);
      line.push(`sweep_1w_1core ${res.ms.toFixed(0)}`);
    }
    say(`round ${r + 1}/${opts.rounds} (ms): ${line.join(", ")}`);
  }
  const t = (name: string) => med(series.get(name)!.ms);
  const peakMb = (name: string) => Math.max(...series.get(name)!.peak) / MiB;
  /** Per-round ratios x[i]/y[i], min and max: the noise of a ratio. */
  const perRound = (x: string, y: string) => {
    const a = series.get(x)!.ms;
    const b = series.get(y)!.ms;
    return a.map((v, i) => v / b[i]!);
  };
  const spread = (x: string, y: string) => {
    const rs = perRound(x, y);
    return [r2(Math.min(...rs)), r2(Math.max(...rs))];
  };
  /** A ratio: the median over rounds of the ratio within a round (the two cases ran minutes apart at most). */
  const ratio = (x: string, y: string) => r2(med(perRound(x, y)));

  say("router ...");
  const router = await routerMedianMs();
  say("s3 (moto_server) ...");
  const s3 = await runS3(small, opts.rounds);
  say("streamed MBO import: ~500k and ~5M synthetic MBO records (DBN), each once in its own process");
  const mbo = await runMboImportBench();
  const planning = await runPlanBench();
  say(
    "finish: 200 and 2,000 tiny backtest tasks, each finish in its own process; one full compaction part in another",
  );
  const { finish, compact } = await runFinishBench();
  if ("reason" in s3) say(`s3 case skipped: ${s3.reason}`);
  const byTable = (o: Record<string, number>) =>
    Object.entries(o)
      .map(([t, v]) => `${t} ${v}`)
      .join(", ");
  const stagedBytes = byTable(compact.staged_bytes_by_table);
  const partMs = byTable(compact.ms_by_table);
  const firstMs = byTable(compact.warmup_ms_by_table);

  // Grid: least-squares slope of time over instances (8, 32, 128) = marginal ms per instance.
  const gx = GRID.map((n) => n);
  const gy = GRID.map((n) => t(`grid${n}_2m`));
  const mx = gx.reduce((a, b) => a + b, 0) / gx.length;
  const my = gy.reduce((a, b) => a + b, 0) / gy.length;
  const slope =
    gx.reduce((a, x, i) => a + (x - mx) * (gy[i]! - my), 0) / gx.reduce((a, x) => a + (x - mx) ** 2, 0);

  const sweep1 = sweeps.get(1)!;
  const sweep2 = sweeps.get(2)!;
  // speedup: the median over rounds of (1-worker time / 2-worker time) within a round
  const sweepSpeedup = r2(med(sweep1.map((s, i) => s.ms / sweep2[i]!.ms)));
  const sweepTasks = sweep1[0]!.tasks;

  const worker = t("backtest_2m_wave2");
  const rowsL = series.get("backtest_2m")!.rows;
  const rowsS = series.get("backtest_200k")!.rows;
  // affine fit through the two sizes (in-thread, as on Lambda; standalone): fixed + per-row cost
  const perRowMs = (t("backtest_2m_in_thread") - t("backtest_200k_in_thread")) / (rowsL - rowsS);
  const fixedMs = t("backtest_2m_in_thread") - perRowMs * rowsL;
  const calibrate = t("calibrate_2m");

  // Scale on paper: a 2M-row symbol-day per task; the Lambda bundle decodes in-thread (a 2 GB Lambda has
  // ~1.2 vCPU): wave 1 = the calibrate task, wave 2 = the backtest task as the sweep runs it (its day's record
  // exists).
  const waves = Math.ceil(PAPER_TASKS / PAPER_CONCURRENCY);
  const calS = calibrate / 1000;
  const btS = t("backtest_2m_in_thread_wave2") / 1000;
  const wallS = waves * (calS + btS);
  const computeUsd = PAPER_TASKS * (calS + btS) * LAMBDA_GB * USD_PER_GB_S;
  const invokeUsd = 2 * PAPER_TASKS * USD_PER_LAMBDA_REQUEST;
  // GETs grow with the row groups read: the measured GETs per row group of the small day x the large day's
  const rowGroups = async (d: BenchDay) => {
    const f = await Mbp10File.open(await fileSource(d.path));
    const n = f.rowGroupRows.length;
    await f.close();
    return n;
  };
  const [rgSmall, rgLarge] = [await rowGroups(small), await rowGroups(large)];
  // GETs per task of each wave on the large day: the small day's GETs per row group x the large day's row groups
  const s3Gets = "reason" in s3 ? undefined : (s3.requests_per_task / rgSmall) * rgLarge;
  const s3CalGets = "reason" in s3 ? undefined : (s3.calibrate_requests_per_task / rgSmall) * rgLarge;
  const s3Usd =
    s3Gets === undefined || s3CalGets === undefined ? 0 : PAPER_TASKS * (s3Gets + s3CalGets) * USD_PER_S3_GET;

  const figures = {
    mbo_import: {
      ...mbo,
      rss_5m_over_500k: r2(mbo["5m"].max_rss_mb / mbo["500k"].max_rss_mb),
      note: "msor import dbn of synthetic MBO (lib/synth/mbo.ts, uniform cancels) to MBO Parquet + derived MBP-10: two streamed passes; kernel maxRSS of the child",
    },
    // the sweep's backtest task (wave 2: its day's calibration exists), default mode (a decode thread here)
    worker_over_decode: ratio("backtest_2m_wave2", "decode_2m"),
    worker_over_decode_per_round: spread("backtest_2m_wave2", "decode_2m"),
    // the same task decoding in the replaying thread (Lambda bundle; local pool with a worker per core)
    // against the decode exported through Arrow IPC (the baseline of runs before the reader moved to the C
    // data interface, which made the decode itself ~20% faster)
    worker_over_decode_ipc: ratio("backtest_2m_wave2", "decode_ipc_2m"),
    worker_over_decode_in_thread: ratio("backtest_2m_in_thread_wave2", "decode_2m"),
    worker_over_decode_in_thread_per_round: spread("backtest_2m_in_thread_wave2", "decode_2m"),
    // a standalone backtest (`msor backtest`), which also calibrates its own day for later days
    standalone_over_decode: ratio("backtest_2m", "decode_2m"),
    standalone_over_decode_in_thread: ratio("backtest_2m_in_thread", "decode_2m"),
    // default mode: the replaying thread's busy time / decode (the task's time if the decode thread had a free core)
    worker_main_busy_over_decode: r2(
      med(series.get("backtest_2m_wave2")!.activeMs.map((a, i) => a / series.get("decode_2m")!.ms[i]!)),
    ),
    worker_over_duckdb: ratio("backtest_2m_wave2", "duckdb_2m"),
    calibrate_over_backtest: ratio("calibrate_2m", "backtest_2m_in_thread_wave2"),
    events_per_s: Math.round(rowsL / (worker / 1000)),
    peak_rss_mb_200k: Math.round(peakMb("backtest_200k")),
    peak_rss_mb_2m: Math.round(peakMb("backtest_2m")),
    rss_2m_over_200k: r2(peakMb("backtest_2m") / peakMb("backtest_200k")),
    peak_rss_mb_200k_in_thread: Math.round(peakMb("backtest_200k_in_thread")),
    peak_rss_mb_2m_in_thread: Math.round(peakMb("backtest_2m_in_thread")),
    peak_rss_mb_decode_2m: Math.round(peakMb("decode_2m")),
    marginal_ms_per_instance: r2(slope),
    grid128_over_default: ratio(`grid${GRID_MAX}_2m`, "backtest_2m"),
    grid_instances: GRID,
    default_instances: series.get("backtest_2m")!.instances,
    router_ms_median: r3(router),
    sweep_speedup_2_workers: sweepSpeedup,
    sweep_speedup_2_workers_per_round: [
      r2(Math.min(...sweep1.map((s, i) => s.ms / sweep2[i]!.ms))),
      r2(Math.max(...sweep1.map((s, i) => s.ms / sweep2[i]!.ms))),
    ],
    // 1 worker pinned to one core (its V8 compiler and GC threads too) against 2 workers on 2 cores: the
    // pool's scaling with cores; unpinned, one worker already gets ~1.4 cores (V8's background threads)
    sweep_speedup_2_workers_per_core:
      pinned.length > 0 ? r2(med(pinned.map((s, i) => s.ms / sweep2[i]!.ms))) : null,
    sweep_ms_1_worker_1_core: pinned.length > 0 ? Math.round(med(pinned.map((s) => s.ms))) : null,
    sweep_tasks_per_s_1_worker: r2(med(sweep1.map((s) => s.tasks_per_s))),
    sweep_tasks_per_s_2_workers: r2(med(sweep2.map((s) => s.tasks_per_s))),
    sweep_ms_1_worker: Math.round(med(sweep1.map((s) => s.ms))),
    sweep_ms_2_workers: Math.round(med(sweep2.map((s) => s.ms))),
    sweep_note: `runLocalSweep + threadExecutor, ${sweepTasks} tasks (both waves): ${sweepIn.label}; wall time of the whole run (plan, waves, fan-in, summary, report, thread start-up), each into a fresh root`,
    ...sweepFigures(sweep1, sweep2),
    plan_ms_per_1k_tasks: planning.ms_per_1k_tasks,
    plan_lists_per_1k_tasks: Math.round((planning.lists / planning.tasks) * 1000 * 10) / 10,
    plan_note: `planSweep of ${planning.symbols} symbols x ${planning.days} days (${planning.tasks} tasks, wave 1 sent: ${planning.sends} SendMessageBatch calls) on the local store and queue: the planner's own work; ${planning.lists} LISTs (one per symbol for calibration records, one per symbol input prefix)`,
    finish_rss_mb_200: finish[0]!.peak_rss_mb,
    finish_rss_mb_2000: finish[1]!.peak_rss_mb,
    finish_rss_2000_over_200: r2(finish[1]!.peak_rss_mb / finish[0]!.peak_rss_mb),
    finish_ms_200: finish[0]!.ms,
    finish_ms_2000: finish[1]!.ms,
    finish_note: `bench/finish.ts: one real backtest task (1 symbol, 2 x ${"20,000"} events/venue-day, 10 strategies x 2 parents) copied to 200 and 2,000 days of one symbol (one task per date partition), its completion applied to status.json per day; the whole finish in one child process: the fan-in sends wave 3 (one compaction task per date and result table: 1,000 / 10,000), each run through the worker's handler one at a time, their completions back to the fan-in until the summary lock holder writes the summary (from the merged aggregates) and the report (from the seeded sample); kernel maxRSS, the child's RSS before the finish ${finish[0]!.start_rss_mb} / ${finish[1]!.start_rss_mb} MB`,
    compact_part_files: compact.files,
    compact_part_ms: compact.ms,
    compact_ms_per_file: r3(compact.ms / compact.files),
    compact_part_rss_mb: compact.peak_rss_mb,
    compact_note: `bench/finish.ts: one full compaction part: 1 date of ${compact.files} symbols, the seed task's staged files (${stagedBytes} B) copied under each symbol's staging key, every backtest ok; the fan-in sends wave 3 (one task per result table), each task runs once as a warm-up, then once timed through the worker's handler (local store: no S3 round trips); compact_part_ms = mean over the tables (${partMs} ms; first runs ${firstMs} ms); kernel maxRSS of the child`,
    s3_requests_per_task: "reason" in s3 ? null : s3.requests_per_task,
    s3_requests_per_calibrate_task: "reason" in s3 ? null : s3.calibrate_requests_per_task,
    s3_requests_per_row_group: "reason" in s3 ? null : r2(s3.requests_per_task / rgSmall),
    s3_bytes_per_task: "reason" in s3 ? null : s3.bytes_per_task,
    s3_bytes_over_file: "reason" in s3 ? null : r3(s3.bytes_over_file),
    s3_over_local: "reason" in s3 ? null : r2(s3.s3_over_local),
    s3_ms_median: "reason" in s3 ? null : Math.round(s3.ms_median),
    s3_local_ms_median: "reason" in s3 ? null : Math.round(s3.local_ms_median),
    s3_note:
      "reason" in s3
        ? s3.reason
        : `backtest task (DEFAULT_SPEC) on the ${s3.file_rows}-row day (${(s3.file_bytes / MiB).toFixed(1)} MiB) through S3ObjectStore.byteSource against moto_server on loopback, vs fileSource`,
    ms: Object.fromEntries([...series].map(([k, s]) => [k, Math.round(med(s.ms))])),
    main_thread_busy_ms: Object.fromEntries([...series].map(([k, s]) => [k, Math.round(med(s.activeMs))])),
    rows: { "200k": rowsS, "2m": rowsL },
    row_groups: { "200k": rgSmall, "2m": rgLarge },
    fixed_ms_per_task: Math.round(fixedMs),
    us_per_row: r3(perRowMs * 1000),
    scale: {
      tasks: PAPER_TASKS,
      concurrency: PAPER_CONCURRENCY,
      lambda_gb: LAMBDA_GB,
      calibrate_s_per_task: r2(calS),
      backtest_s_per_task: r2(btS),
      wall_min: r2(wallS / 60),
      cost_usd: r2(computeUsd + invokeUsd + s3Usd),
      cost_breakdown_usd: { compute: r2(computeUsd), invocations: r2(invokeUsd), s3_get: r2(s3Usd) },
      s3_gets_per_task: s3Gets === undefined ? null : Math.round(s3Gets),
      s3_gets_per_calibrate_task: s3CalGets === undefined ? null : Math.round(s3CalGets),
      assumptions:
        `ESTIMATE: every task a ${rowsL}-row symbol-day; wave 1 = ${PAPER_TASKS} calibrate tasks, wave 2 = ${PAPER_TASKS} backtest tasks; ` +
        `${waves} rounds of ${PAPER_CONCURRENCY} per wave with perfect packing; single-threaded times measured here ` +
        `(a ${LAMBDA_GB} GB Lambda has ~1.2 vCPU) taken as Lambda arm64 speed; no cold starts, S3 transfer time not ` +
        `added, nor the fan-in between the waves and before the summary (the completion queue's batching window, ` +
        `30 s by default, then one status update per 10,000 completions); $${USD_PER_GB_S}/GB-s, $0.20 per 1M invocations, $0.0004 per 1000 GETs x the GETs per row group of each wave's task measured on moto x the row groups of the day`,
    },
    targets: {
      worker_over_decode_le_1_5: ratio("backtest_2m_wave2", "decode_2m") <= 1.5,
      grid128_over_default_lt_3: ratio(`grid${GRID_MAX}_2m`, "backtest_2m") < 3,
      peak_rss_le_512_mb: Math.max(peakMb("backtest_2m"), peakMb("backtest_200k")) <= 512,
      rss_ratio_le_1_5: peakMb("backtest_2m") / peakMb("backtest_200k") <= 1.5,
      router_lt_2_ms: router < 2,
      sweep_2_workers_ge_1_7: sweepSpeedup >= 1.7,
    },
    machine: {
      cpus: availableParallelism(),
      cpu_model: cpus()[0]?.model ?? "",
      node: process.version,
      rounds: opts.rounds,
      bench_s: 0,
    },
  };
  figures.machine.bench_s = Math.round((performance.now() - t0) / 1000);
  await writeFile(opts.outPath, `${JSON.stringify(figures, null, 2)}\n`);

  const rows: [string, string, string][] = [
    ["worker (wave-2 task) / parquet-wasm decode, 2M rows", `${figures.worker_over_decode}x`, "<= 1.5"],
    ["  same, decoding in the replaying thread", `${figures.worker_over_decode_in_thread}x`, ""],
    [
      "  worker / the decode exported as Arrow IPC (earlier baseline)",
      `${figures.worker_over_decode_ipc}x`,
      "",
    ],
    [
      "  standalone backtest (calibrates its day too) / decode",
      `${figures.standalone_over_decode}x (in-thread ${figures.standalone_over_decode_in_thread}x)`,
      "",
    ],
    ["  replaying thread busy / decode", `${figures.worker_main_busy_over_decode}x`, ""],
    ["worker / DuckDB native scan, 1 thread", `${figures.worker_over_duckdb}x`, "reported"],
    ["calibrate task / backtest task", `${figures.calibrate_over_backtest}x`, "reported"],
    ["events (MBP-10 records) per second", `${figures.events_per_s}`, "reported"],
    ["peak RSS, 200k rows", `${figures.peak_rss_mb_200k} MB`, "<= 512"],
    ["peak RSS, 2M rows", `${figures.peak_rss_mb_2m} MB`, "<= 512"],
    ["RSS(2M) / RSS(200k)", `${figures.rss_2m_over_200k}x`, "<= 1.5"],
    [
      "peak RSS 200k / 2M, in-thread",
      `${figures.peak_rss_mb_200k_in_thread} / ${figures.peak_rss_mb_2m_in_thread} MB`,
      "",
    ],
    ["marginal time per instance", `${figures.marginal_ms_per_instance} ms`, "reported"],
    [
      `grid of ${GRID_MAX} instances / default (${series.get("backtest_2m")!.instances})`,
      `${figures.grid128_over_default}x`,
      "< 3",
    ],
    ["router solve, N = 1000, 3 venues (median)", `${figures.router_ms_median} ms`, "< 2"],
    [
      `MBO import peak RSS, ${mbo["500k"].records} / ${mbo["5m"].records} records`,
      `${mbo["500k"].max_rss_mb} / ${mbo["5m"].max_rss_mb} MB`,
      "reported (bounded)",
    ],
    [
      `local sweep (${sweepTasks} tasks), tasks/s 1 / 2 workers`,
      `${figures.sweep_tasks_per_s_1_worker} / ${figures.sweep_tasks_per_s_2_workers}`,
      "reported",
    ],
    ["local sweep, speedup of 2 workers over 1", `${figures.sweep_speedup_2_workers}x`, ">= 1.7"],
    ["  same, waves only (no planning, summary, report)", `${figures.sweep_waves_speedup_2_workers}x`, ""],
    [
      "  2 workers on 2 cores / 1 worker pinned to 1 core",
      figures.sweep_speedup_2_workers_per_core === null
        ? "n/a"
        : `${figures.sweep_speedup_2_workers_per_core}x`,
      "",
    ],
    [
      "finish peak RSS, 200 / 2,000 tasks (MB)",
      `${figures.finish_rss_mb_200} / ${figures.finish_rss_mb_2000} (${figures.finish_rss_2000_over_200}x)`,
      "2,000 <= 1.2x 200",
    ],
    [
      `compaction part of ${figures.compact_part_files} files: ms per task / per file, peak RSS`,
      `${figures.compact_part_ms} / ${figures.compact_ms_per_file} ms, ${figures.compact_part_rss_mb} MB`,
      "reported",
    ],
    [
      `S3: GETs per backtest / calibrate task (${rowsS} rows, ${rgSmall} row groups)`,
      `${figures.s3_requests_per_task ?? "n/a"} / ${figures.s3_requests_per_calibrate_task ?? "n/a"}`,
      "reported",
    ],
    ["S3: bytes per task / file size", `${figures.s3_bytes_over_file ?? "n/a"}`, "reported"],
    ["S3 (moto) / local file, task time", `${figures.s3_over_local ?? "n/a"}x`, "reported"],
    [
      `scale: ${PAPER_TASKS} tasks @ ${PAPER_CONCURRENCY} Lambdas`,
      `${figures.scale.wall_min} min, $${figures.scale.cost_usd}`,
      "estimate",
    ],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  const v = Math.max(...rows.map((r) => r[1].length));
  process.stderr.write("\n");
  for (const [k, val, target] of rows)
    process.stderr.write(`${k.padEnd(w)}  ${val.padStart(v)}  ${target}\n`);
  process.stderr.write(
    `\nmedian ms: ${Object.entries(figures.ms)
      .map(([k, x]) => `${k} ${x}`)
      .join(", ")}\nworker/decode per round: ${figures.worker_over_decode_per_round.join("..")}; ` +
      `${figures.machine.rounds} rounds in ${figures.machine.bench_s} s; written to ${opts.outPath}\n`,
  );
  if (opts.json) process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
}

await main();
