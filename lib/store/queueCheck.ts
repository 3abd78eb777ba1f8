/**
 * The queue check of one symbol-day as result rows (lib/results/queueCheckSchema.ts) and their file under a
 * results root: results/queue_check/run_id={R}/date={D}/{S}.parquet.
 */

import type { ObjectStore } from "../ports/objectStore.ts";
import { QUEUE_CHECK } from "../results/queueCheckSchema.ts";
import type { CellValue } from "../results/schema.ts";
import { rowsToParquet } from "../results/schema.ts";
import type { QueueCheckResult } from "../sim/queueCheck.ts";
import { resultKey } from "./keys.ts";

/** One row per scored model (l3_fifo first). */
export function queueCheckRows(
  r: QueueCheckResult,
  symbol: string,
  seed: number,
): Record<string, CellValue>[] {
  return r.scores.map((s) => ({
    symbol,
    model: s.model,
    power: Number.isNaN(s.power) ? null : s.power,
    best_power: s.power === r.bestPower,
    best_model: s.model === r.bestModel,
    orders: r.placed,
    seed,
    tau_s: r.tauS,
    mean_queue_ahead: r.meanQueueAhead,
    exact_fill_rate: r.exactFillRate,
    fill_rate: s.fillRate,
    accuracy: s.accuracy,
    mean_signed_error_s: s.meanSignedErrorS,
    mean_abs_error_s: s.meanAbsErrorS,
    brier: s.brier,
  }));
}

/**
 * Write the rows of a symbol-day's queue check to the store (under results/, or with `keyOf` = stagingResultKey
 * where a sweep's worker stages them for compaction); returns the key.
 */
export async function writeQueueCheck(
  store: ObjectStore,
  runId: string,
  date: string,
  symbol: string,
  rows: readonly Record<string, CellValue>[],
  keyOf: typeof resultKey = resultKey,
): Promise<string> {
  const key = keyOf(QUEUE_CHECK, runId, date, symbol);
  await store.put(key, await rowsToParquet(QUEUE_CHECK, rows));
  return key;
}
