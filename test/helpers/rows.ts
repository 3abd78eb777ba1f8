/**
 * A result row for tests that care about a few columns: every column of the schema present and null ("no value"),
 * then the given ones. tableFromRows refuses a row that lacks a column, so partial rows are spelled out here.
 */
import type { CellValue, TableSchema } from "../../lib/results/schema.ts";

export function rowOf(schema: TableSchema, given: Record<string, CellValue>): Record<string, CellValue> {
  const row: Record<string, CellValue> = Object.fromEntries(schema.columns.map((c) => [c.name, null]));
  return Object.assign(row, given);
}
