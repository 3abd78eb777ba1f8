/** Write a task's result tables as zstd Parquet under the Hive-partitioned result keys (./keys.ts). */
import { checkDate, checkRunId, checkSymbol } from "../core/ids.ts";
import type { ObjectStore } from "../ports/objectStore.ts";
import { type CellValue, rowsToParquet } from "../results/schema.ts";
import { CHILD_ORDERS, EXECUTIONS, FILLS, TASK_QUALITY, VENUE_STATS } from "../results/tables.ts";
import { resultKey } from "./keys.ts";

type Row = Record<string, CellValue>;

/** The rows of one task's result tables. */
export interface TaskRows {
  readonly executions: Row[];
  readonly childOrders: Row[];
  readonly fills: Row[];
  readonly taskQuality: Row[];
  /** The venue scorecard: one row per strategy x venue (lib/task/venueStats.ts). */
  readonly venueStats: Row[];
}

/** Where one table's file of a task goes (resultKey for msor backtest, stagingResultKey for a sweep). */
export type ResultKeyOf = (
  table: { readonly name: string },
  runId: string,
  date: string,
  symbol: string,
) => string;

/** Returns the keys written. Deterministic keys: a re-run overwrites the same objects. */
export async function writeTaskResults(
  store: ObjectStore,
  runId: string,
  date: string,
  symbol: string,
  rows: TaskRows,
  keyOf: ResultKeyOf = resultKey,
): Promise<string[]> {
  checkRunId(runId);
  checkDate(date);
  checkSymbol(symbol);
  const out: string[] = [];
  for (const [schema, data] of [
    [EXECUTIONS, rows.executions],
    [CHILD_ORDERS, rows.childOrders],
    [FILLS, rows.fills],
    [TASK_QUALITY, rows.taskQuality],
    [VENUE_STATS, rows.venueStats],
  ] as const) {
    const key = keyOf(schema, runId, date, symbol);
    await store.put(key, await rowsToParquet(schema, data));
    out.push(key);
  }
  return out;
}
