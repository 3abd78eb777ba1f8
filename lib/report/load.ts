/**
 * Load what a run's report needs from an ObjectStore, with the project's own parquet-wasm + apache-arrow
 * reader (no DuckDB: the summary Lambda bundle has no native binaries). Result rows come back as plain
 * objects with the Hive partition values (date) added, like DuckDB's hive_partitioning.
 */

import type { CalibrationParams, CalibrationRecord } from "../calibration/index.ts";
import { combineCalibrations } from "../calibration/index.ts";
import { DataFormatError, errorMessage, NotFoundError } from "../core/errors.ts";
import { checkRunId } from "../core/ids.ts";
import { openParquet, readRowGroup } from "../parquet/read.ts";
import { bufferSource } from "../ports/byteSource.ts";
import type { ObjectStore } from "../ports/objectStore.ts";
import { QUEUE_CHECK } from "../results/queueCheckSchema.ts";
import { CHILD_ORDERS, EXECUTIONS, TASK_QUALITY, VENUE_STATS } from "../results/tables.ts";
import { readCalibration } from "../store/calibration.ts";
import {
  isCompactedFileName,
  manifestKey,
  parseResultKey,
  resultRunPrefix,
  stagingResultKey,
  statusKey,
} from "../store/keys.ts";
import type { Aggregates, SampleEntry } from "./strategyAggregates.ts";

/** A result row: int64 columns as numbers (shares and ns fit the report's precision), nulls as null. */
export type Row = Record<string, string | number | boolean | null>;

/**
 * All rows of one Parquet object, every column; with `symbol`, only the rows of that symbol (the others are
 * never turned into objects: a compacted part read for one of its symbols).
 */
export async function readParquetRows(name: string, bytes: Uint8Array, symbol?: string): Promise<Row[]> {
  const src = bufferSource(name, bytes);
  const pq = await openParquet(src);
  const rows: Row[] = [];
  for (let rg = 0; rg < pq.rowGroupRows.length; rg++) {
    const t = await readRowGroup(src, pq, rg);
    const cols = t.schema.fields.map((f) => [f.name, t.getChild(f.name)!] as const);
    const symbols = symbol === undefined ? undefined : t.getChild("symbol");
    if (symbol !== undefined && !symbols)
      throw new DataFormatError(`${name} has no symbol column to select by`);
    for (let i = 0; i < t.numRows; i++) {
      if (symbols && symbols.get(i) !== symbol) continue;
      const r: Row = {};
      for (const [name, v] of cols) {
        const x: unknown = v.get(i);
        r[name] =
          x === null || x === undefined
            ? null
            : typeof x === "bigint"
              ? Number(x)
              : typeof x === "number" || typeof x === "string" || typeof x === "boolean"
                ? x
                : String(x);
      }
      rows.push(r);
    }
  }
  return rows;
}

/** One result file of a run: its key, partition date and symbol (file name). */
export interface ResultFile {
  readonly key: string;
  readonly date: string;
  readonly symbol: string;
}

export async function listResultFiles(
  store: ObjectStore,
  table: string,
  runId: string,
): Promise<ResultFile[]> {
  const out: ResultFile[] = [];
  for (const key of await store.list(resultRunPrefix(table, runId))) {
    const p = parseResultKey(table, runId, key);
    if (p) out.push({ key, ...p });
  }
  return out;
}

/**
 * Rows of the given result files, each with `date` (and `symbol` when the file has none) added; with `symbol`,
 * only that symbol's rows.
 */
export async function readResultRows(
  store: ObjectStore,
  files: readonly ResultFile[],
  symbol?: string,
): Promise<Row[]> {
  const all: Row[] = [];
  for (const f of files) {
    let rows: Row[];
    try {
      rows = await readParquetRows(store.describe(f.key), await store.get(f.key), symbol);
    } catch (e) {
      if (e instanceof DataFormatError || e instanceof NotFoundError) throw e;
      throw new DataFormatError(`cannot read result ${store.describe(f.key)}: ${errorMessage(e)}`);
    }
    for (const r of rows) {
      r.date = f.date;
      if (r.symbol === undefined || r.symbol === null) r.symbol = f.symbol;
      all.push(r);
    }
  }
  return all;
}

/** Calibration actually used by one task, rebuilt from the records of the dates its rows name. */
export interface TaskCalibration {
  readonly symbol: string;
  readonly date: string;
  readonly source: string;
  readonly dates: readonly string[];
  /** The parameters combined exactly as the backtest combined them (combineCalibrations). */
  readonly params: CalibrationParams;
  /** Pooled R^2 (1 - sum SSR / sum SST) of the chosen half-life over the days used (NaN for defaults). */
  readonly impactR2: number;
  /** Dates named by the rows whose record is no longer in the store. */
  readonly missingDates: readonly string[];
  /** The task day's own record (written in the same pass): the realized volume profile. */
  readonly own: CalibrationRecord | undefined;
}

export interface RunData {
  readonly runId: string;
  readonly executions: Row[];
  readonly taskQuality: Row[];
  /** Execution columns present in the files (newer columns are optional). */
  readonly executionColumns: ReadonlySet<string>;
  readonly qualityColumns: ReadonlySet<string>;
  readonly calibrations: TaskCalibration[];
  readonly manifest: Record<string, unknown> | undefined;
  readonly status: Record<string, unknown> | undefined;
  /** Result files read, for the provenance line. */
  readonly files: number;
  /** queue_check rows of the run (`msor queue-check --out ROOT --run-id R`); empty when it has none. */
  readonly queueCheck: Row[];
  /** venue_stats rows of the run (one per task x strategy x venue; empty for runs before the table existed). */
  readonly venueStats: Row[];
  /** Child orders of one task, for the sample-order charts (undefined when the run has none). */
  readonly sampleTask: { symbol: string; date: string; childOrders: Row[] } | undefined;
  /**
   * A sweep's report (loadSampledRunData): the run's merged aggregates, from which the per-strategy table, the
   * cost distributions and the paired differences are drawn, while `executions` etc. hold only the rows of a
   * seeded sample of parents and their tasks. Absent: every row of the run was read.
   */
  readonly aggregates?: Aggregates;
  readonly sample?: { readonly parents: number; readonly tasks: number; readonly runParents: number };
}

async function readJson(store: ObjectStore, key: string): Promise<Record<string, unknown> | undefined> {
  const bytes = await store.tryGet(key);
  if (!bytes) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new DataFormatError(`${store.describe(key)} is not valid JSON: ${errorMessage(e)}`);
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw new DataFormatError(`${store.describe(key)} must hold a JSON object`);
  }
  return v as Record<string, unknown>;
}

async function taskCalibration(
  store: ObjectStore,
  symbol: string,
  date: string,
  source: string,
  dates: readonly string[],
  cache: Map<string, Promise<CalibrationRecord | undefined>>,
): Promise<TaskCalibration> {
  const get = (d: string) => {
    const k = `${symbol}|${d}`;
    let p = cache.get(k);
    if (!p) {
      p = readCalibration(store, symbol, d).catch((e) => {
        if (e instanceof NotFoundError) return undefined;
        throw e;
      });
      cache.set(k, p);
    }
    return p;
  };
  const found = await Promise.all(dates.map(get));
  const records = found.filter((r): r is CalibrationRecord => r !== undefined);
  const params = combineCalibrations(records);
  return {
    symbol,
    date,
    source,
    dates,
    params,
    impactR2: params.impactR2,
    missingDates: dates.filter((_d, i) => found[i] === undefined),
    own: await get(date),
  };
}

/** Everything the report shows, read from `store`. NotFoundError when the run has no execution results. */
export async function loadRunData(store: ObjectStore, runId: string): Promise<RunData> {
  checkRunId(runId);
  const execFiles = await listResultFiles(store, EXECUTIONS.name, runId);
  if (execFiles.length === 0) {
    throw new NotFoundError(
      `run "${runId}" has no results under ${store.describe(resultRunPrefix(EXECUTIONS.name, runId).slice(0, -1))}; ` +
        `check the run id and the root folder (msor backtest --run-id ${runId} --out DIR writes them)`,
    );
  }
  const qualityFiles = await listResultFiles(store, TASK_QUALITY.name, runId);
  const executions = await readResultRows(store, execFiles);
  const taskQuality = await readResultRows(store, qualityFiles);
  const queueFiles = await listResultFiles(store, QUEUE_CHECK.name, runId);
  const venueFiles = await listResultFiles(store, VENUE_STATS.name, runId);
  return assemble(store, runId, {
    executions,
    taskQuality,
    queueCheck: await readResultRows(store, queueFiles),
    venueStats: await readResultRows(store, venueFiles),
    files: execFiles.length + qualityFiles.length + queueFiles.length + venueFiles.length,
    childOrdersOf: async (symbol, date) => {
      // a per-task file ({symbol}.parquet, msor backtest) or the date's compacted file (part-NNNNN, a sweep)
      const files = (await listResultFiles(store, CHILD_ORDERS.name, runId)).filter(
        (f) => f.date === date && (f.symbol === symbol || isCompactedFileName(f.symbol)),
      );
      return (await readResultRows(store, files)).filter((r) => r.symbol === symbol);
    },
  });
}

/** The rows a report is drawn from, however they were read. */
interface RunRows {
  readonly executions: Row[];
  readonly taskQuality: Row[];
  readonly queueCheck: Row[];
  readonly venueStats: Row[];
  readonly files: number;
  readonly childOrdersOf: (symbol: string, date: string) => Promise<Row[]>;
  readonly aggregates?: Aggregates;
  readonly sample?: RunData["sample"];
}

async function assemble(store: ObjectStore, runId: string, rows: RunRows): Promise<RunData> {
  const { executions, taskQuality } = rows;
  const columnsOf = (rows: readonly Row[]) => {
    const s = new Set<string>();
    for (const r of rows) for (const k in r) s.add(k);
    return s;
  };

  // calibration used per task: the dates its execution rows name (the same for every row of a task)
  const tasks = new Map<string, { symbol: string; date: string; source: string; dates: string[] }>();
  for (const r of executions) {
    const k = `${r.symbol}|${r.date}`;
    if (!tasks.has(k)) {
      const dates = String(r.calibration_dates ?? "")
        .split(",")
        .filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d));
      tasks.set(k, {
        symbol: String(r.symbol),
        date: String(r.date),
        source: String(r.calibration_source ?? ""),
        dates,
      });
    }
  }
  const cache = new Map<string, Promise<CalibrationRecord | undefined>>();
  const calibrations: TaskCalibration[] = [];
  for (const t of [...tasks.values()].sort((a, b) => (a.symbol + a.date).localeCompare(b.symbol + b.date))) {
    calibrations.push(await taskCalibration(store, t.symbol, t.date, t.source, t.dates, cache));
  }

  // the sample order's task: the first task calibrated on earlier days (else the first) with myopic rows
  const myopicTasks = calibrations.filter((c) =>
    executions.some((r) => r.symbol === c.symbol && r.date === c.date && r.strategy_name === "myopic"),
  );
  const pick = myopicTasks.find((c) => c.source === "prior_days") ?? myopicTasks[0] ?? calibrations[0];
  let sampleTask: RunData["sampleTask"];
  if (pick) {
    const childOrders = await rows.childOrdersOf(pick.symbol, pick.date);
    if (childOrders.length > 0) sampleTask = { symbol: pick.symbol, date: pick.date, childOrders };
  }
  return {
    venueStats: rows.venueStats,
    runId,
    executions,
    taskQuality,
    queueCheck: rows.queueCheck,
    executionColumns: columnsOf(executions),
    qualityColumns: columnsOf(taskQuality),
    calibrations,
    manifest: await readJson(store, manifestKey(runId)),
    status: await readJson(store, statusKey(runId)),
    files: rows.files + (sampleTask ? 1 : 0),
    sampleTask,
    ...(rows.aggregates ? { aggregates: rows.aggregates } : {}),
    ...(rows.sample ? { sample: rows.sample } : {}),
  };
}

/**
 * Rows of one sweep task in `table`: its staged file (staging/{table}/run_id=R/date=D/S.parquet), or, once
 * staging/ has expired (its lifecycle rule), the task's rows of the date's published parts (the same rows in
 * the same order: a part is its symbols' staged files in symbol order); none when neither exists.
 */
async function stagedRows(store: ObjectStore, table: string, runId: string, date: string, symbol: string) {
  const key = stagingResultKey({ name: table }, runId, date, symbol);
  if (await store.head(key)) return { rows: await readResultRows(store, [{ key, date, symbol }]), read: 1 };
  const prefix = `${resultRunPrefix(table, runId)}date=${date}/`;
  const parts: ResultFile[] = [];
  for (const k of await store.list(prefix)) {
    const p = parseResultKey(table, runId, k);
    if (p && p.date === date && isCompactedFileName(p.symbol)) parts.push({ key: k, ...p });
  }
  return { rows: await readResultRows(store, parts, symbol), read: parts.length };
}

/**
 * What a sweep's report needs, in memory bounded by the sample, not by the run: the run's merged aggregates
 * (status.json) for every run-level number, and the staged files of only the tasks that hold a parent of the
 * run's sample (status.sample: at most SAMPLE_PARENTS parents, so at most as many tasks), their execution rows
 * restricted to the sampled parents. Reads no compacted file while the staged files are there.
 */
export async function loadSampledRunData(
  store: ObjectStore,
  runId: string,
  summary: { readonly aggregates: Aggregates; readonly sample: readonly SampleEntry[] },
): Promise<RunData> {
  checkRunId(runId);
  const parents = new Set(summary.sample.map(([, p]) => p));
  const tasks = [...new Set(summary.sample.map(([, p]) => p.split("|").slice(0, 2).join("|")))].sort();
  const out = {
    executions: [] as Row[],
    taskQuality: [] as Row[],
    queueCheck: [] as Row[],
    venueStats: [] as Row[],
  };
  let files = 0;
  for (const t of tasks) {
    const [symbol, date] = t.split("|") as [string, string];
    const ex = await stagedRows(store, EXECUTIONS.name, runId, date, symbol);
    out.executions.push(...ex.rows.filter((r) => parents.has(`${r.symbol}|${r.date}|${r.order_id}`)));
    const q = await stagedRows(store, TASK_QUALITY.name, runId, date, symbol);
    out.taskQuality.push(...q.rows);
    const v = await stagedRows(store, VENUE_STATS.name, runId, date, symbol);
    out.venueStats.push(...v.rows);
    const c = await stagedRows(store, QUEUE_CHECK.name, runId, date, symbol);
    out.queueCheck.push(...c.rows);
    files += ex.read + q.read + v.read + c.read;
  }
  const runParents = Math.max(0, ...Object.values(summary.aggregates).map((a) => a.orders + a.no_data));
  return assemble(store, runId, {
    ...out,
    files,
    childOrdersOf: async (symbol, date) =>
      (await stagedRows(store, CHILD_ORDERS.name, runId, date, symbol)).rows,
    aggregates: summary.aggregates,
    sample: { parents: parents.size, tasks: tasks.length, runParents },
  });
}

/**
 * A finished sweep's merged aggregates and sample (runs/{R}/status.json), for its report; undefined for a run
 * without them (msor backtest, or a sweep of an older version: its report reads every row).
 */
export async function sweepSummaryOf(
  store: ObjectStore,
  runId: string,
): Promise<{ aggregates: Aggregates; sample: SampleEntry[] } | undefined> {
  const s = await readJson(store, statusKey(checkRunId(runId)));
  const aggregates = s?.aggregates as Aggregates | undefined;
  const sample = s?.sample as SampleEntry[] | undefined;
  if (!aggregates || !Array.isArray(sample) || Object.keys(aggregates).length === 0) return undefined;
  return { aggregates, sample };
}
