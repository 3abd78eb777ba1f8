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
import { COMPACTED_FILE, manifestKey, parseResultKey, resultRunPrefix, statusKey } from "../store/keys.ts";

/** A result row: int64 columns as numbers (shares and ns fit the report's precision), nulls as null. */
export type Row = Record<string, string | number | boolean | null>;

/** All rows of one Parquet object, every column. */
export async function readParquetRows(name: string, bytes: Uint8Array): Promise<Row[]> {
  const src = bufferSource(name, bytes);
  const pq = await openParquet(src);
  const rows: Row[] = [];
  for (let rg = 0; rg < pq.rowGroupRows.length; rg++) {
    const t = await readRowGroup(src, pq, rg);
    const cols = t.schema.fields.map((f) => [f.name, t.getChild(f.name)!] as const);
    for (let i = 0; i < t.numRows; i++) {
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

/** Rows of the given result files, each with `date` (and `symbol` when the file has none) added. */
export async function readResultRows(store: ObjectStore, files: readonly ResultFile[]): Promise<Row[]> {
  const all: Row[] = [];
  for (const f of files) {
    let rows: Row[];
    try {
      rows = await readParquetRows(store.describe(f.key), await store.get(f.key));
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
    // a per-task file ({symbol}.parquet, msor backtest) or the date's compacted file (part-NNNNN, a sweep)
    const files = (await listResultFiles(store, CHILD_ORDERS.name, runId)).filter(
      (f) => f.date === pick.date && (f.symbol === pick.symbol || f.symbol === COMPACTED_FILE),
    );
    const childOrders = (await readResultRows(store, files)).filter((r) => r.symbol === pick.symbol);
    if (childOrders.length > 0) sampleTask = { symbol: pick.symbol, date: pick.date, childOrders };
  }
  const queueFiles = await listResultFiles(store, QUEUE_CHECK.name, runId);
  const venueFiles = await listResultFiles(store, VENUE_STATS.name, runId);
  return {
    venueStats: await readResultRows(store, venueFiles),
    runId,
    executions,
    taskQuality,
    queueCheck: await readResultRows(store, queueFiles),
    executionColumns: columnsOf(executions),
    qualityColumns: columnsOf(taskQuality),
    calibrations,
    manifest: await readJson(store, manifestKey(runId)),
    status: await readJson(store, statusKey(runId)),
    files:
      execFiles.length + qualityFiles.length + queueFiles.length + venueFiles.length + (sampleTask ? 1 : 0),
    sampleTask,
  };
}
