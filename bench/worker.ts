/**
 * Worker benchmark (DESIGN.md "Performance targets"), all measured in one run on the same cached file:
 *
 * 1. A ~1M-row synthetic day (2 venues): (a) parquet-wasm decode alone of the engine columns, the reference;
 *    (b) our reader's engine batches (decode + conversion); (c) DuckDB's native scan of the same columns;
 *    (d) runTask end to end with DEFAULT_SPEC plus writeTaskResults. Ratios d/a (target <= 1.5), d/c, b/a.
 * 2. Peak RSS of a child process running one task on a ~200k-row and a ~2M-row day (target <= 512 MB each,
 *    ratio <= 1.5).
 * 3. Scale on paper: the measured per-task time scaled linearly to a realistic symbol-day and to 125k tasks on
 *    1,000 concurrent Lambdas (an estimate, arithmetic only).
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";
import { Mbp10File } from "../lib/mbp10/reader.ts";
import { engineColumns } from "../lib/mbp10/schema.ts";
import { fileSource } from "../lib/ports/fileSource.ts";
import { LocalObjectStore } from "../lib/ports/localObjectStore.ts";
import { writeTaskResults } from "../lib/store/results.ts";
import { DEFAULT_SPEC } from "../lib/sweep/spec.ts";
import { runTask } from "../lib/task/runTask.ts";
import { BENCH_DATE, BENCH_SYMBOL, type BenchDay, syntheticDay } from "./inputs.ts";
import type { BenchResult } from "./run.ts";
import { median } from "./stats.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const MAIN_ROWS = 1_000_000;
const MEM_SMALL_ROWS = 200_000;
const MEM_LARGE_ROWS = 2_000_000;
/** Timed rounds after one discarded warm-up round. */
const REPS = 5;

// Scale-on-paper assumptions.
const PAPER_ROWS = 5_000_000;
const PAPER_TASKS = 500 * 250;
const PAPER_CONCURRENCY = 1000;
const LAMBDA_GB = 2;
const USD_PER_GB_S = 0.0000133334;
const USD_PER_REQUEST = 0.2 / 1e6;

const MiB = 2 ** 20;
const sq = (s: string) => `'${s.replaceAll("'", "''")}'`;
const qi = (s: string) => `"${s.replaceAll('"', '""')}"`;

/** (a) parquet-wasm decode alone: every row group of the engine columns, nothing else touched. */
async function decodeOnly(path: string): Promise<number> {
  const f = await Mbp10File.open(await fileSource(path));
  let n = 0;
  try {
    for await (const t of f.rowGroups(engineColumns(f.levels))) n += t.numRows;
  } finally {
    await f.close();
  }
  return n;
}

/** (b) our reader's engine batches (decode + conversion to typed arrays). */
async function engineBatches(path: string): Promise<number> {
  const f = await Mbp10File.open(await fileSource(path));
  let n = 0;
  try {
    for await (const b of f.batches()) n += b.length;
  } finally {
    await f.close();
  }
  return n;
}

/** (d) one task end to end: fresh calibration store (so default parameters every rep), results written. */
async function taskOnce(path: string): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), "msor-bench-task-"));
  try {
    const rows = await runTask({
      runId: "bench",
      symbol: BENCH_SYMBOL,
      date: BENCH_DATE,
      sources: [await fileSource(path)],
      spec: DEFAULT_SPEC,
      calibrationStore: new LocalObjectStore(join(dir, "calibration")),
    });
    if (rows.params.source !== "default")
      throw new Error(`expected default calibration, got ${rows.params.source}`);
    await writeTaskResults(
      new LocalObjectStore(join(dir, "results")),
      "bench",
      BENCH_DATE,
      BENCH_SYMBOL,
      rows,
    );
    return rows.executions.length;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** (c) DuckDB's native scan of the engine columns: sum of numbers, max of timestamps, min of strings. */
async function duckdbScanner(path: string, columns: readonly string[], threads?: number) {
  const inst = await DuckDBInstance.create(":memory:", threads ? { threads: String(threads) } : {});
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
  const t = await con.runAndReadAll("select current_setting('threads') as t");
  return {
    threads: Number(t.getRowObjects()[0]!["t"]),
    scan: () => con.runAndReadAll(sql),
    close() {
      con.closeSync();
      inst.closeSync();
    },
  };
}

interface ChildPeak {
  peak: number;
  sampledPeak: number;
  maxRss: number;
  baselineRss: number;
  ms: number;
}

/** Peak RSS of a fresh `node --import tsx bench/memory-child.ts FILE`. */
function childPeak(path: string): Promise<ChildPeak> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "bench", "memory-child.ts"), path], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`memory-child exited ${code}: ${err.trim()}`));
      const line = out.trim().split("\n").pop() ?? "";
      try {
        resolve(JSON.parse(line) as ChildPeak);
      } catch {
        reject(new Error(`memory-child printed no JSON: ${out}${err}`));
      }
    });
  });
}

function mem(day: BenchDay, p: ChildPeak): string {
  return (
    `${day.rows} rows; maxRSS ${(p.maxRss / MiB).toFixed(0)} MB, sampled ${(p.sampledPeak / MiB).toFixed(0)} MB, ` +
    `after imports ${(p.baselineRss / MiB).toFixed(0)} MB, task ${(p.ms / 1000).toFixed(1)} s; target <= 512 MB`
  );
}

export async function run(): Promise<BenchResult[]> {
  const day = await syntheticDay(MAIN_ROWS);
  const small = await syntheticDay(MEM_SMALL_ROWS);
  const large = await syntheticDay(MEM_LARGE_ROWS);
  const f = await Mbp10File.open(await fileSource(day.path));
  const columns = engineColumns(f.levels);
  const rowGroups = f.rowGroupRows.length;
  await f.close();
  const say = (s: string) => process.stderr.write(`bench: worker: ${s}\n`);

  const duck1 = await duckdbScanner(day.path, columns, 1);
  const duckN = await duckdbScanner(day.path, columns);
  // Interleaved reps (a, b, c, c', d, d-small per round) so that load from other processes hits every
  // measurement alike; round 0 is discarded.
  const times = { a: [] as number[], b: [] as number[], c: [] as number[], cN: [] as number[] };
  const dTimes: number[] = [];
  const dSmallTimes: number[] = [];
  const timeOnce = async (fn: () => Promise<unknown>) => {
    const t0 = performance.now();
    await fn();
    return performance.now() - t0;
  };
  try {
    for (let r = 0; r <= REPS; r++) {
      const ta = await timeOnce(() => decodeOnly(day.path));
      const tb = await timeOnce(() => engineBatches(day.path));
      const tc = await timeOnce(duck1.scan);
      const tcN = await timeOnce(duckN.scan);
      const td = await timeOnce(() => taskOnce(day.path));
      const tdSmall = await timeOnce(() => taskOnce(small.path));
      say(
        `round ${r}${r === 0 ? " (discarded)" : ""}: a ${ta.toFixed(0)} b ${tb.toFixed(0)} c ${tc.toFixed(0)} ` +
          `c' ${tcN.toFixed(0)} d ${td.toFixed(0)} d-small ${tdSmall.toFixed(0)} ms`,
      );
      if (r === 0) continue;
      times.a.push(ta);
      times.b.push(tb);
      times.c.push(tc);
      times.cN.push(tcN);
      dTimes.push(td);
      dSmallTimes.push(tdSmall);
    }
  } finally {
    duck1.close();
    duckN.close();
  }
  const med = (xs: number[]) => median([...xs].sort((x, y) => x - y));
  const a = med(times.a);
  const b = med(times.b);
  const c = med(times.c);
  const cN = med(times.cN);
  const d = med(dTimes);
  const dSmall = med(dSmallTimes);
  /** Per-round ratios x[i]/y[i]: min..max, to show the noise. */
  const spread = (x: number[], y: number[]) => {
    const r = x.map((v, i) => v / y[i]!);
    return `per-round ${Math.min(...r).toFixed(2)}..${Math.max(...r).toFixed(2)}`;
  };
  // Affine fit through (small.rows, dSmall) and (day.rows, d): per-task fixed cost + per-row cost.
  const perRowMs = (d - dSmall) / (day.rows - small.rows);
  const fixedMs = d - perRowMs * day.rows;

  say("memory children ...");
  const pSmall = await childPeak(small.path);
  const pLarge = await childPeak(large.path);

  const rowsNote = `${day.rows} rows, ${rowGroups} row groups, ${columns.length} engine columns`;
  const rep = `median of ${REPS} interleaved rounds after 1 discarded`;
  // Scale on paper.
  const perTaskS = (d / 1000) * (PAPER_ROWS / day.rows);
  const waves = Math.ceil(PAPER_TASKS / PAPER_CONCURRENCY);
  const wallS = waves * perTaskS;
  const computeUsd = PAPER_TASKS * perTaskS * LAMBDA_GB * USD_PER_GB_S;
  const requestUsd = PAPER_TASKS * USD_PER_REQUEST;
  const affineS = (fixedMs + perRowMs * PAPER_ROWS) / 1000;
  const paper =
    `ESTIMATE: linear in rows from d (${(d / 1000).toFixed(2)} s per ${day.rows} rows), same per-core speed ` +
    `on Lambda arm64 as here, excludes S3 transfer and cold starts; ` +
    `the affine fit (fixed + per-row) would give ${affineS.toFixed(1)} s`;

  return [
    {
      case: "worker",
      metric: "(a) parquet-wasm decode, engine columns",
      value: a,
      unit: "ms",
      note: `${rep}; ${rowsNote}; reference`,
    },
    {
      case: "worker",
      metric: "(b) reader engine batches",
      value: b,
      unit: "ms",
      note: `${rep}; decode + conversion`,
    },
    {
      case: "worker",
      metric: "(c) DuckDB native scan, 1 thread",
      value: c,
      unit: "ms",
      note: `${rep}; sum/max/min over the same ${columns.length} columns`,
    },
    {
      case: "worker",
      metric: `(c') DuckDB native scan, ${duckN.threads} threads`,
      value: cN,
      unit: "ms",
      note: `${rep}; DuckDB default threads`,
    },
    {
      case: "worker",
      metric: "(d) runTask + writeTaskResults",
      value: d,
      unit: "ms",
      note: `${rep}; DEFAULT_SPEC (${DEFAULT_SPEC.strategies.length} strategies x 3 orders); fresh calibration store each rep, so default parameters`,
    },
    {
      case: "worker",
      metric: "(d) runTask + writeTaskResults, ~200k-row day",
      value: dSmall,
      unit: "ms",
      note: `${rep}; ${small.rows} rows`,
    },
    {
      case: "worker",
      metric: "(d) affine fit: fixed cost per task",
      value: fixedMs,
      unit: "ms",
      note: `through the two days; plus ${(perRowMs * 1000).toFixed(3)} us/row`,
    },
    {
      case: "worker",
      metric: "d/a end-to-end vs parquet-wasm",
      value: d / a,
      unit: "x",
      note: `target <= 1.5; ${spread(dTimes, times.a)}`,
    },
    {
      case: "worker",
      metric: "d/c end-to-end vs DuckDB (1 thread)",
      value: d / c,
      unit: "x",
      note: spread(dTimes, times.c),
    },
    {
      case: "worker",
      metric: "b/a reader vs parquet-wasm",
      value: b / a,
      unit: "x",
      note: spread(times.b, times.a),
    },
    { case: "worker", metric: "(d) throughput", value: day.rows / (d / 1000), unit: "rows/s" },
    {
      case: "worker",
      metric: `peak RSS child, ~200k rows`,
      value: pSmall.peak / MiB,
      unit: "MB",
      note: mem(small, pSmall),
    },
    {
      case: "worker",
      metric: `peak RSS child, ~2M rows`,
      value: pLarge.peak / MiB,
      unit: "MB",
      note: mem(large, pLarge),
    },
    {
      case: "worker",
      metric: "RSS(2M) / RSS(200k)",
      value: pLarge.peak / pSmall.peak,
      unit: "x",
      note: "target <= 1.5",
    },
    {
      case: "worker",
      metric: `scale: per task at ${PAPER_ROWS / 1e6}M rows`,
      value: perTaskS,
      unit: "s",
      note: paper,
    },
    {
      case: "worker",
      metric: `scale: wall ${PAPER_TASKS} tasks @ ${PAPER_CONCURRENCY} Lambdas`,
      value: wallS / 60,
      unit: "min",
      note: `ESTIMATE: ${waves} waves x per-task time, perfect packing; availableParallelism here ${availableParallelism()}`,
    },
    {
      case: "worker",
      metric: "scale: Lambda cost",
      value: computeUsd + requestUsd,
      unit: "USD",
      note: `ESTIMATE: arm64 ${LAMBDA_GB * 1024} MB, ${PAPER_TASKS} x ${perTaskS.toFixed(1)} s x ${LAMBDA_GB} GB x $${USD_PER_GB_S}/GB-s = $${computeUsd.toFixed(2)} + $0.20/1M requests = $${requestUsd.toFixed(3)}`,
    },
  ];
}
