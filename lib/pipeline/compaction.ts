/**
 * Compaction of a sweep's result files (the summary step; DESIGN.md "Storage layout").
 *
 * Why and how, with no moment at which a query sees a row twice or misses one:
 * - A sweep's tasks write their files under staging/{table}/run_id={R}/date={D}/{S}.parquet, a prefix that
 *   no table reads (the Glue tables and the DuckDB views read results/{table}/ only). While a run is in
 *   progress its results are therefore invisible, never half visible.
 * - When every task is accounted for, the one summary writer builds, for each table and date, ONE file from
 *   the staged files of the tasks whose outcome is ok (in symbol order, so the bytes do not depend on the
 *   order in which tasks finished, the worker count or the backend) and publishes it with a single PUT to
 *   results/{table}/run_id={R}/date={D}/part-00000.parquet. A PUT is atomic on S3 and on the local store
 *   (rename), so a reader sees a partition either absent or complete: never a row twice (nothing else of
 *   the run is under results/), never a partial partition.
 * - Partitions of one run appear one after the other; the run is complete when status.json says
 *   `finished` (written after the last partition, the summary table and the report).
 * - Re-running compaction (a crashed summary writer's lock taken over) rewrites identical bytes.
 * Staged files stay where they are (cheap, and a later lifecycle rule can expire staging/); the summary role
 * needs no delete permission.
 */
import * as arrow from "apache-arrow";
import { openParquet, readRowGroup } from "../parquet/read.ts";
import { parquetBytes } from "../parquet/write.ts";
import type { ObjectStore } from "../ports/objectStore.ts";
import { rowsToParquet, type TableSchema } from "../results/schema.ts";
import { compactedResultKey, parseStagingKey, stagingRunPrefix } from "../store/keys.ts";

/** Every batch of a Parquet object, all columns. */
async function readBatches(store: ObjectStore, key: string): Promise<arrow.RecordBatch[]> {
  const src = await store.byteSource(key);
  try {
    const pq = await openParquet(src);
    const out: arrow.RecordBatch[] = [];
    for (let rg = 0; rg < pq.rowGroupRows.length; rg++)
      out.push(...(await readRowGroup(src, pq, rg)).batches);
    return out;
  } finally {
    await src.close?.();
  }
}

/**
 * Compact one table of a run: one file per date from the staged files of `include`d (date, symbol) tasks.
 * Returns the keys written, sorted.
 */
export async function compactTable(
  store: ObjectStore,
  schema: TableSchema,
  runId: string,
  include: (date: string, symbol: string) => boolean,
): Promise<string[]> {
  const byDate = new Map<string, { symbol: string; key: string }[]>();
  for (const key of await store.list(stagingRunPrefix(schema.name, runId))) {
    const p = parseStagingKey(schema.name, runId, key);
    if (!p || !include(p.date, p.symbol)) continue;
    const list = byDate.get(p.date) ?? [];
    list.push({ symbol: p.symbol, key });
    byDate.set(p.date, list);
  }
  const written: string[] = [];
  for (const date of [...byDate.keys()].sort()) {
    const files = byDate.get(date)!.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
    const batches: arrow.RecordBatch[] = [];
    for (const f of files) batches.push(...(await readBatches(store, f.key)));
    const nonEmpty = batches.filter((b) => b.numRows > 0);
    const bytes =
      nonEmpty.length === 0
        ? await rowsToParquet(schema, [])
        : await parquetBytes(new arrow.Table(nonEmpty), { compression: "zstd", rowGroupSize: 1 << 20 });
    const key = compactedResultKey(schema, runId, date);
    await store.put(key, bytes);
    written.push(key);
  }
  return written;
}
