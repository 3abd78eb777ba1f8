/**
 * Compaction of a sweep's result files: wave 3, run by the worker fleet (DESIGN.md "Storage layout").
 *
 * Why and how, with no moment at which a query sees a row twice or misses one:
 * - A sweep's backtest tasks write their files under staging/{table}/run_id={R}/date={D}/{S}.parquet, a prefix
 *   that no table reads (the Glue tables and the DuckDB views read results/{table}/ only). While a run is in
 *   progress its results are therefore invisible, never half visible.
 * - When every backtest task is accounted for, the fan-in freezes the set of ok tasks (runStatus.ts: no late
 *   upgrade after that) and sends wave 3: one compaction task per (table, date, part), a part being up to
 *   COMPACT_FILES_PER_PART of the date's planned symbols in symbol order. Each task's message names the ok
 *   symbols of its part; the task streams their staged files, in symbol order, into ONE Parquet file and
 *   publishes it with a single PUT to results/{table}/run_id={R}/date={D}/part-{NNNNN}.parquet. A PUT is
 *   atomic on S3 and on the local store (rename), so a reader sees a file either absent or complete.
 * - The bytes depend only on the frozen ok set and the staged files (never on the order in which tasks
 *   finished, the worker count or the backend), so a duplicate delivery or a retry after a crash rewrites the
 *   same bytes; the run is complete when status.json says `finished` (after every compaction task is
 *   accounted for, the summary table and the report).
 * - Memory is bounded by the part, not the run: the staged files are fetched whole (one GET each, 8 in flight
 *   ahead of the writer) and streamed into the writer file by file, in row groups of PART_ROW_GROUP_ROWS; what
 *   stays is the compressed output (held until its one PUT).
 * Staged files stay where they are (the report's sample reads them; a lifecycle rule can expire staging/).
 */
import * as arrow from "apache-arrow";
import { DataFormatError } from "../core/errors.ts";
import { openParquet, readRowGroup } from "../parquet/read.ts";
import { writeParquetStream } from "../parquet/write.ts";
import { bufferSource } from "../ports/byteSource.ts";
import type { ObjectStore } from "../ports/objectStore.ts";
import { QUEUE_CHECK } from "../results/queueCheckSchema.ts";
import { rowsToParquet, type TableSchema } from "../results/schema.ts";
import { RESULT_TABLES } from "../results/tables.ts";
import { type CompactTask, compactTask, type SweepTask } from "../specs/taskId.ts";
import { compactedResultKey, stagingResultKey } from "../store/keys.ts";

/**
 * Most staged files one compaction task reads (symbols of a date per part). A part's memory is its compressed
 * output plus a few staged files; at 1,000 symbols a date is still one file per table.
 */
export const COMPACT_FILES_PER_PART = 1000;

/** Staged files fetched ahead of the writer (parallel GETs). */
const PREFETCH = 8;

/** What wave 3 needs of a run's manifest. */
export interface CompactionPlan {
  /** the backtest tasks (wave 2) */
  readonly tasks: readonly SweepTask[];
  /** set when the spec asks for the queue check (its tasks stage queue_check files) */
  readonly queue_check?: unknown;
}

/** The tables a run's backtest tasks stage files for. */
export function compactionTables(plan: CompactionPlan): readonly TableSchema[] {
  return plan.queue_check ? [...RESULT_TABLES, QUEUE_CHECK] : RESULT_TABLES;
}

/** The planned symbols of each run date, in symbol (string) order. */
function symbolsByDate(plan: CompactionPlan): Map<string, string[]> {
  const byDate = new Map<string, string[]>();
  for (const t of plan.tasks) {
    const list = byDate.get(t.date) ?? [];
    list.push(t.symbol);
    byDate.set(t.date, list);
  }
  for (const list of byDate.values()) list.sort(); // (code-unit order, as `<` compares strings)
  return byDate;
}

/** A compaction task with the planned symbols of its part (symbol order). */
export interface PlannedPart extends CompactTask {
  readonly planned: readonly string[];
}

/** Wave 3 of a run: one task per (date, table, part), in that order. */
export function compactTasks(plan: CompactionPlan): PlannedPart[] {
  const out: PlannedPart[] = [];
  const byDate = symbolsByDate(plan);
  for (const date of [...byDate.keys()].sort()) {
    const all = byDate.get(date)!;
    for (let part = 0; part * COMPACT_FILES_PER_PART < all.length; part++) {
      const planned = all.slice(part * COMPACT_FILES_PER_PART, (part + 1) * COMPACT_FILES_PER_PART);
      for (const table of compactionTables(plan))
        out.push({ ...compactTask(table.name, date, part), planned });
    }
  }
  return out;
}

/** Every non-empty batch of a Parquet file held in memory, all columns. */
async function decodeBatches(name: string, bytes: Uint8Array): Promise<arrow.RecordBatch[]> {
  const src = bufferSource(name, bytes);
  const pq = await openParquet(src);
  const out: arrow.RecordBatch[] = [];
  for (let rg = 0; rg < pq.rowGroupRows.length; rg++)
    for (const b of (await readRowGroup(src, pq, rg)).batches) if (b.numRows > 0) out.push(b);
  return out;
}

export interface CompactedPart {
  /** the published key; undefined when none of the part's symbols staged a file for this table */
  readonly key?: string;
  /** staged files read */
  readonly files: number;
  readonly rows: number;
}

/**
 * Rows per row group of a published part. parquet-wasm holds a row group's rows until it is full, so this (with
 * the compressed output) bounds a compaction task's memory whatever the part's size; a part of up to 131,072
 * rows is one row group.
 */
export const PART_ROW_GROUP_ROWS = 1 << 17;

/**
 * Compact part `part` of `schema`'s partition `date` of a run: the staged files of `symbols` (the part's ok
 * symbols), in symbol order, into one published file. The keys are built from the symbols (no LIST): an ok
 * symbol's staged file of a result table must exist (every ok backtest stages one per table; one that is gone,
 * e.g. expired by a lifecycle rule, fails the task rather than publish a part without it); a queue_check file
 * exists only for the days the queue check ran. Nothing is written when no file was staged (queue_check).
 */
export async function compactPart(
  store: ObjectStore,
  schema: TableSchema,
  runId: string,
  date: string,
  part: number,
  symbols: readonly string[],
): Promise<CompactedPart> {
  const optional = schema.name === QUEUE_CHECK.name;
  const keys = [...symbols].sort().map((symbol) => stagingResultKey(schema, runId, date, symbol));

  // whole-object GETs, PREFETCH in flight ahead of the writer, consumed in symbol order
  const fetches: Promise<Uint8Array | undefined>[] = [];
  /** keep files [i, i + PREFETCH) fetched or in flight */
  const fetchFrom = (i: number) => {
    while (fetches.length < Math.min(keys.length, i + PREFETCH)) {
      const p = store.tryGet(keys[fetches.length]!);
      p.catch(() => undefined); // (each is awaited below: no unhandled rejection while it waits its turn)
      fetches.push(p);
    }
  };
  let rows = 0;
  let files = 0;
  let next = 0;
  /** The next staged file with rows, as one table; undefined at the end. */
  const nextTable = async (): Promise<arrow.Table | undefined> => {
    while (next < keys.length) {
      const i = next++;
      fetchFrom(i);
      const bytes = await fetches[i]!;
      fetches[i] = Promise.resolve(undefined); // (let the bytes go once decoded)
      if (!bytes) {
        if (optional) continue;
        throw new DataFormatError(
          `${store.describe(keys[i]!)} is missing, though its backtest ended ok (every ok backtest stages a file per ` +
            "result table): it was deleted or expired (staging/'s lifecycle rule); the part is not published without it",
        );
      }
      files++;
      const batches = await decodeBatches(store.describe(keys[i]!), bytes);
      if (batches.length === 0) continue;
      const t = new arrow.Table(batches);
      rows += t.numRows;
      return t;
    }
    return undefined;
  };
  const first = await nextTable();
  if (files === 0) return { files: 0, rows: 0 };
  const key = compactedResultKey(schema, runId, date, part);
  if (!first) {
    await store.put(key, await rowsToParquet(schema, []));
    return { key, files, rows: 0 };
  }
  async function* tables(): AsyncGenerator<arrow.Table> {
    yield first!;
    for (let t = await nextTable(); t; t = await nextTable()) yield t;
  }
  const chunks: Uint8Array[] = [];
  await writeParquetStream(tables(), (c) => void chunks.push(c.slice()), {
    compression: "zstd",
    rowGroupSize: PART_ROW_GROUP_ROWS,
  });
  await store.put(key, Buffer.concat(chunks));
  return { key, files, rows };
}
