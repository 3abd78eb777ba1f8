/**
 * `msor query`: DuckDB over a local results root, with one view per table named like the Athena tables
 * (executions, child_orders, fills, task_quality, calibration, summary), so the saved Athena queries
 * (lib/results/queries.ts) run unchanged.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { errorMessage, InputError } from "../core/errors.ts";
import { CALIBRATION_TABLE } from "../results/calibrationSchema.ts";
import { duckdbViewStatements } from "../results/queries.ts";
import type { TableSchema } from "../results/schema.ts";
import { SUMMARY } from "../results/summarySchema.ts";
import { RESULT_TABLES } from "../results/tables.ts";

/** The views of `msor query`. */
export const QUERY_TABLES: readonly TableSchema[] = [...RESULT_TABLES, CALIBRATION_TABLE, SUMMARY];

export interface QueryResult {
  readonly columns: string[];
  readonly rows: Record<string, unknown>[];
}

/**
 * Run one SQL statement over the results under `root`. Views over tables with no file yet are skipped
 * (DuckDB refuses a glob that matches nothing), and the error then names the missing table.
 */
export async function queryResults(root: string, sql: string): Promise<QueryResult> {
  if (sql.trim() === "") throw new InputError('empty SQL; e.g. msor query "SELECT * FROM summary"');
  const inst = await DuckDBInstance.create(":memory:");
  const con = await inst.connect();
  try {
    const missing: string[] = [];
    const views = duckdbViewStatements(root, QUERY_TABLES);
    for (const [i, v] of views.entries()) {
      try {
        await con.run(v);
      } catch {
        missing.push(QUERY_TABLES[i]!.name);
      }
    }
    let r: Awaited<ReturnType<typeof con.runAndReadAll>>;
    try {
      r = await con.runAndReadAll(sql);
    } catch (e) {
      const hint = missing.length
        ? ` (no files yet under ${root} for: ${missing.join(", ")}; run msor sweep or msor demo first)`
        : "";
      throw new InputError(`query failed: ${errorMessage(e).split("\n")[0]}${hint}`);
    }
    return { columns: r.columnNames(), rows: r.getRowObjectsJson() as Record<string, unknown>[] };
  } finally {
    con.closeSync();
    inst.closeSync();
  }
}
