/**
 * One heavy benchmark case in a fresh process, so that its peak RSS is its own:
 *
 *   node --import tsx bench/child.ts CASE FILE [--instances N] [--reps R] [--decode-thread|--in-thread] [--wave2]
 *
 * CASE: decode (parquet-wasm decode of exactly the engine columns the worker reads, copied out as the reader
 * does), decode-ipc (the same decode exported through Arrow IPC, parquet-wasm's documented path and the
 * reader's until it moved to the C data interface: the baseline of earlier runs), duckdb (DuckDB's native
 * scan of the same columns, 1 thread), backtest (runTask + writeTaskResults, DEFAULT_SPEC or a grid of N
 * strategy x parent-order instances), calibrate (calibrateDay, the wave-1 calibration-only pass). Runs the case
 * once as a warm-up, then R times (default 1), and prints one JSON line: the timed durations (ms), rows, the
 * kernel's maxRSS and the RSS at the end (both bytes), and the RSS after imports.
 * `node --cpu-prof --import tsx bench/child.ts backtest FILE` profiles the worker.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import * as arrow from "apache-arrow";
import { NO_PRIOR } from "../lib/calibration/params.ts";
import { Mbp10File } from "../lib/mbp10/reader.ts";
import { engineColumns } from "../lib/mbp10/schema.ts";
import { openParquet } from "../lib/parquet/read.ts";
import { fileSource } from "../lib/ports/fileSource.ts";
import { LocalObjectStore } from "../lib/ports/localObjectStore.ts";
import { DEFAULT_SPEC, parseTaskSpec } from "../lib/specs/taskSpec.ts";
import { writeCalibration } from "../lib/store/calibration.ts";
import { writeTaskResults } from "../lib/store/results.ts";
import { calibrateDay } from "../lib/task/calibrateDay.ts";
import type { TaskConfig } from "../lib/task/config.ts";
import { runTask } from "../lib/task/runTask.ts";
import { BENCH_DATE, BENCH_SYMBOL } from "./inputs.ts";

export const CHILD_CASES = ["decode", "decode-ipc", "duckdb", "backtest", "calibrate"] as const;
export type ChildCase = (typeof CHILD_CASES)[number];

export interface ChildResult {
  readonly case: ChildCase;
  readonly ms: number[];
  /** Time the main thread was busy (event-loop utilization) during each timed run: waiting on the decode thread not counted. */
  readonly activeMs: number[];
  /** CPU time of the whole process (all its threads, user + system) during each timed run. */
  readonly cpuMs: number[];
  readonly rows: number;
  readonly instances: number;
  readonly maxRss: number;
  /** RSS at the end (process.memoryUsage); the peak is maxRss. */
  readonly sampledPeak: number;
  readonly baselineRss: number;
}

/**
 * A spec with `instances` strategy x parent-order instances: the default strategies, each on `instances /
 * strategies` parent orders started every 20 minutes from 09:30 (30-minute horizons, as the default order).
 */
export function gridSpec(instances: number): TaskConfig {
  const per = DEFAULT_SPEC.strategies.length;
  if (instances % per !== 0 || instances / per > 18)
    throw new Error(`--instances must be a multiple of ${per} up to ${18 * per}, got ${instances}`);
  const starts = Array.from({ length: instances / per }, (_, k) => {
    const m = 9 * 60 + 30 + 20 * k;
    return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
  });
  return parseTaskSpec({ orders: [{ side: "buy", pct_adv: 1, start_times: starts, horizon_min: 30 }] });
}

export function instancesOf(spec: TaskConfig): number {
  return spec.strategies.length * spec.orders.reduce((a, o) => a + o.start_times.length, 0);
}

async function decode(path: string): Promise<number> {
  const f = await Mbp10File.open(await fileSource(path));
  let n = 0;
  try {
    for await (const t of f.rowGroups(engineColumns(f.levels))) n += t.numRows;
  } finally {
    await f.close();
  }
  return n;
}

/**
 * The same row groups and columns, exported from parquet-wasm as Arrow IPC and read by apache-arrow. The
 * engine columns are looked up once, outside the timed runs (each timed run opens the file once, as `decode`).
 */
async function decodeIpc(path: string): Promise<() => Promise<number>> {
  const f = await Mbp10File.open(await fileSource(path));
  const columns = engineColumns(f.levels);
  await f.close();
  return async () => {
    const src = await fileSource(path);
    let n = 0;
    try {
      const pq = await openParquet(src);
      for (let rg = 0; rg < pq.rowGroupRows.length; rg++) {
        const t = await pq.file.read({ rowGroups: [rg], batchSize: pq.rowGroupRows[rg]!, columns });
        for (const rb of t.recordBatches()) n += arrow.tableFromIPC(rb.intoIPCStream()).numRows;
        t.free();
      }
    } finally {
      await src.close?.();
    }
    return n;
  };
}

const sq = (s: string) => `'${s.replaceAll("'", "''")}'`;
const qi = (s: string) => `"${s.replaceAll('"', '""')}"`;

/** (decode: one read of all the engine columns per row group, the fastest way parquet-wasm decodes them.) */

/** DuckDB's native scan of the engine columns (1 thread, as the worker): sum / max / min of every column. */
async function duckdb(path: string): Promise<() => Promise<number>> {
  const f = await Mbp10File.open(await fileSource(path));
  const columns = engineColumns(f.levels);
  const rows = f.numRows;
  await f.close();
  // imported here only: the other cases' peak RSS must not include DuckDB's native library
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const inst = await DuckDBInstance.create(":memory:", { threads: "1" });
  const con = await inst.connect();
  const desc = await con.runAndReadAll(`describe select * from read_parquet(${sq(path)})`);
  const types = new Map(
    desc.getRowObjects().map((r) => [String(r["column_name"]), String(r["column_type"])]),
  );
  const exprs = columns.map((c) => {
    const t = types.get(c) ?? "";
    if (t.startsWith("VARCHAR")) return `min(${qi(c)})`;
    if (t.startsWith("TIMESTAMP")) return `max(${qi(c)})`;
    return `sum(${qi(c)})`;
  });
  const sql = `select ${exprs.join(", ")} from read_parquet(${sq(path)})`;
  return async () => {
    await con.runAndReadAll(sql);
    return rows;
  };
}

/**
 * `--decode-thread` / `--in-thread`: decode in a second thread, or in the replaying thread
 * (Mbp10OpenOptions.decodeThread); neither: the default (a decode thread when a core is spare).
 */
const decodeThread = process.argv.includes("--decode-thread")
  ? true
  : process.argv.includes("--in-thread")
    ? false
    : undefined;
/**
 * `--wave2`: the backtest as a sweep's wave 2 runs it: the day's own calibration record exists (wave 1 wrote
 * it), so the pass does not compute it again (runTask `calibrate: false`). Default: a standalone backtest,
 * which also calibrates its day for later days.
 */
const wave2 = process.argv.includes("--wave2");

async function backtest(path: string, spec: TaskConfig): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), "msor-bench-task-"));
  try {
    const rows = await runTask({
      symbol: BENCH_SYMBOL,
      date: BENCH_DATE,
      sources: [{ source: await fileSource(path), ...(decodeThread === undefined ? {} : { decodeThread }) }],
      spec,
      prior: NO_PRIOR,
      calibrate: !wave2,
    });
    if (rows.calibration) {
      await writeCalibration(new LocalObjectStore(join(dir, "calibration")), rows.calibration);
    }
    if (rows.params.source !== "default")
      throw new Error(`expected default calibration, got ${rows.params.source}`);
    await writeTaskResults(
      new LocalObjectStore(join(dir, "results")),
      "bench",
      BENCH_DATE,
      BENCH_SYMBOL,
      rows,
    );
    return rows.quality.rows;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function calibrate(path: string): Promise<number> {
  const rec = await calibrateDay([await fileSource(path)], { symbol: BENCH_SYMBOL, date: BENCH_DATE });
  return rec.events;
}

async function main(): Promise<void> {
  const [name, path, ...rest] = process.argv.slice(2);
  const opt = (flag: string) => {
    const i = rest.indexOf(flag);
    return i >= 0 ? Number(rest[i + 1]) : undefined;
  };
  if (!name || !path || !(CHILD_CASES as readonly string[]).includes(name)) {
    process.stderr.write(
      `usage: node --import tsx bench/child.ts ${CHILD_CASES.join("|")} FILE [--instances N] [--reps R] [--decode-thread|--in-thread] [--wave2]\n`,
    );
    process.exit(2);
  }
  const reps = opt("--reps") ?? 1;
  const n = opt("--instances");
  const spec = n === undefined ? DEFAULT_SPEC : gridSpec(n);
  // peak RSS is the kernel's maxRSS (no sampling timer: process.memoryUsage() every few ms perturbs the timing)
  const baselineRss = process.memoryUsage().rss;
  let once: () => Promise<number>;
  switch (name as ChildCase) {
    case "decode":
      once = () => decode(path);
      break;
    case "decode-ipc":
      once = await decodeIpc(path);
      break;
    case "duckdb":
      once = await duckdb(path);
      break;
    case "backtest":
      once = () => backtest(path, spec);
      break;
    case "calibrate":
      once = () => calibrate(path);
      break;
  }
  let rows = await once(); // warm-up
  const ms: number[] = [];
  const activeMs: number[] = [];
  const cpuMs: number[] = [];
  for (let r = 0; r < reps; r++) {
    const elu0 = performance.eventLoopUtilization();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    rows = await once();
    ms.push(performance.now() - t0);
    const cpu = process.cpuUsage(cpu0);
    cpuMs.push((cpu.user + cpu.system) / 1000);
    activeMs.push(performance.eventLoopUtilization(elu0).active);
  }
  const result: ChildResult = {
    case: name as ChildCase,
    ms,
    activeMs,
    cpuMs,
    rows,
    instances: instancesOf(spec),
    maxRss: process.resourceUsage().maxRSS * 1024,
    sampledPeak: process.memoryUsage().rss,
    baselineRss,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (process.argv[1]?.endsWith("child.ts")) await main();
