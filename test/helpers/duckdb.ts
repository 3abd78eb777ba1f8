/** DuckDB (the local Athena stand-in) for tests: run SQL, get rows as plain objects. */
import { DuckDBInstance } from "@duckdb/node-api";

export async function duckQuery(sql: string): Promise<Record<string, unknown>[]> {
  const inst = await DuckDBInstance.create(":memory:");
  const con = await inst.connect();
  try {
    const r = await con.runAndReadAll(sql);
    return r.getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    con.closeSync();
    inst.closeSync();
  }
}
