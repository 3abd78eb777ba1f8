/**
 * `msor query`: DuckDB over a local results root, with one view per table named like the Athena tables
 * (executions, child_orders, fills, task_quality, calibration, summary, queue_check), so the saved Athena queries
 * (lib/results/queries.ts) run unchanged: `?` binds to the run id
 * (`msor query --saved NAME --run-id R`).
 */
import { DuckDBInstance, DuckDBTypeId } from "@duckdb/node-api";
import { errorMessage, InputError } from "../../core/errors.ts";
import { CALIBRATION_TABLE } from "../../results/calibrationSchema.ts";
import { duckdbViewStatements, SAVED_QUERIES, type SavedQuery } from "../../results/queries.ts";
import { QUEUE_CHECK } from "../../results/queueCheckSchema.ts";
import type { TableSchema } from "../../results/schema.ts";
import { SUMMARY } from "../../results/summarySchema.ts";
import { RESULT_TABLES } from "../../results/tables.ts";

/** The views of `msor query`. */
export const QUERY_TABLES: readonly TableSchema[] = [
  ...RESULT_TABLES,
  CALIBRATION_TABLE,
  SUMMARY,
  QUEUE_CHECK,
];

export interface QueryResult {
  readonly columns: string[];
  readonly rows: Record<string, unknown>[];
}

/** The saved query named `name`; an InputError listing the names otherwise. */
export function savedQuery(name: string): SavedQuery {
  const q = SAVED_QUERIES.find((x) => x.name === name);
  if (!q) {
    throw new InputError(
      `no saved query "${name}"; the saved queries are ${SAVED_QUERIES.map((x) => x.name).join(", ")} (msor query --list-saved)`,
    );
  }
  return q;
}

/** Number of `?` parameters of a statement (outside quoted strings and identifiers). */
export function countParameters(sql: string): number {
  return sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"/g, "").split("?").length - 1;
}

/**
 * True when a DuckDB error is about a view or file that does not exist (a table with no files yet), not
 * e.g. a syntax error or a missing parameter.
 */
export function isMissingTableError(message: string): boolean {
  return /Table with name \S+ does not exist|No files found|Catalog Error: Table/i.test(message);
}

/**
 * Run one SQL statement over the results under `root`, binding every `?` to `runId` (the saved queries have
 * one, the run_id). Views over tables with no file yet are skipped (DuckDB refuses a glob that matches
 * nothing), and an error about a missing table then names the tables without files.
 */
export async function queryResults(root: string, sql: string, runId?: string): Promise<QueryResult> {
  if (sql.trim() === "") throw new InputError('empty SQL; e.g. msor query "SELECT * FROM summary"');
  const n = countParameters(sql);
  if (n > 0 && runId === undefined) {
    throw new InputError(`the SQL has ${n} ? parameter(s) (the run_id); give --run-id R`);
  }
  if (n === 0 && runId !== undefined) {
    throw new InputError("--run-id binds the SQL's ? parameters, but the SQL has none; add WHERE run_id = ?");
  }
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
      r = await con.runAndReadAll(sql, n > 0 ? Array.from({ length: n }, () => runId!) : undefined);
    } catch (e) {
      const first = errorMessage(e).split("\n")[0]!;
      const hint =
        missing.length && isMissingTableError(first)
          ? ` (no files yet under ${root} for: ${missing.join(", ")}; run msor sweep or msor demo first)`
          : "";
      throw new InputError(`query failed: ${first}${hint}`);
    }
    const columns = r.columnNames();
    const rows = r.getRowObjectsJson() as Record<string, unknown>[];
    // 64/128-bit integers come back as strings (JSON has no int64): a number where it is exact, so that
    // count(*) and an INTEGER column look alike; a string only beyond 2^53
    const wide = new Set([
      DuckDBTypeId.BIGINT,
      DuckDBTypeId.UBIGINT,
      DuckDBTypeId.HUGEINT,
      DuckDBTypeId.UHUGEINT,
    ]);
    const big = r.columnTypes().flatMap((t, i) => (wide.has(t.typeId) ? [columns[i]!] : []));
    for (const row of rows)
      for (const c of big) {
        const v = row[c];
        if (typeof v === "string" && Number.isSafeInteger(Number(v))) row[c] = Number(v);
      }
    return { columns, rows };
  } finally {
    con.closeSync();
    inst.closeSync();
  }
}
