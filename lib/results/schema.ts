/**
 * Result table schemas: ONE definition per table drives the Parquet writer and (later) the Glue/Athena
 * table definitions, so they cannot drift (DESIGN.md). Types are the Athena-readable subset: UTF8 strings,
 * int32/int64 (never unsigned 64-bit), float64, boolean, timestamp(us, UTC) beside exact *_ns int64 columns.
 */
import * as arrow from "apache-arrow";
import { MsorError } from "../core/errors.ts";
import { parquetBytes, type WriteOptions } from "../parquet/write.ts";

export type ColumnType = "string" | "int32" | "int64" | "float64" | "bool" | "timestamp_us";

export interface ColumnDef {
  readonly name: string;
  readonly type: ColumnType;
  /** What the column holds, with units. Becomes the Glue column comment. */
  readonly doc: string;
}

export interface TableSchema {
  /** Table name (results/<name>/... and the Glue table). */
  readonly name: string;
  readonly columns: readonly ColumnDef[];
  /** Hive partition keys, in key order (not stored in the file). */
  readonly partitions: readonly { readonly name: string; readonly type: "string" }[];
}

/** Values accepted per column type (row objects or columnar arrays). */
export type CellValue = string | number | bigint | boolean | null | undefined;

/** Athena/Hive type of a column. */
export function athenaType(t: ColumnType): string {
  return {
    string: "string",
    int32: "int",
    int64: "bigint",
    float64: "double",
    bool: "boolean",
    timestamp_us: "timestamp",
  }[t];
}

function vectorOf(def: ColumnDef, values: readonly CellValue[]): arrow.Vector {
  const n = values.length;
  const bad = (i: number) =>
    new MsorError(
      `result column ${def.name} (${def.type}) got ${String(values[i])} at row ${i}; this is a bug`,
    );
  switch (def.type) {
    case "string":
      return arrow.vectorFromArray(
        values.map((v) => (v === null || v === undefined ? null : String(v))),
        new arrow.Utf8(),
      );
    case "float64": {
      // NaN (not computable, e.g. no book at arrival) is written as NULL: SQL aggregates then skip it
      const a = new Float64Array(n);
      let nulls = 0;
      for (let i = 0; i < n; i++) {
        const v = values[i];
        a[i] = v === null || v === undefined ? Number.NaN : Number(v);
        if (Number.isNaN(a[i]!)) nulls++;
      }
      if (nulls === 0) return arrow.makeVector(a);
      return arrow.vectorFromArray(
        Array.from(a, (x) => (Number.isNaN(x) ? null : x)),
        new arrow.Float64(),
      );
    }
    case "int32": {
      const a = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = Number(values[i] ?? 0);
        if (!Number.isInteger(v)) throw bad(i);
        a[i] = v;
      }
      return arrow.makeVector(a);
    }
    case "int64": {
      // an explicit null is NULL (e.g. a time that never happened); an absent key stays 0
      if (values.some((v) => v === null))
        return arrow.vectorFromArray(
          values.map((v) => (v === null ? null : BigInt((v ?? 0) as number | bigint))),
          new arrow.Int64(),
        );
      const a = new BigInt64Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i] ?? 0;
        if (typeof v === "number" && !Number.isInteger(v)) throw bad(i);
        a[i] = BigInt(v as number | bigint);
      }
      return arrow.makeVector(a);
    }
    case "bool":
      return arrow.vectorFromArray(
        values.map((v) => (v === null || v === undefined ? null : Boolean(v))),
        new arrow.Bool(),
      );
    case "timestamp_us": {
      const a = new BigInt64Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i] ?? 0;
        // accepts ns (bigint) and converts to us
        a[i] = typeof v === "bigint" ? v / 1000n : BigInt(Math.round(Number(v)));
      }
      return arrow.makeVector(
        arrow.makeData({ type: new arrow.TimestampMicrosecond("UTC"), length: n, data: a }),
      );
    }
  }
}

/**
 * Build an arrow table from row objects, in schema column order. Missing keys are nulls. Every field is
 * declared nullable whatever this batch holds, so files of one table always share one Arrow schema (files
 * are concatenated by the sweep's compaction; a column that is NULL only on some days must not change it).
 */
/**
 * Every row holds exactly the schema's columns: a key the schema does not have (a misspelt name would write an
 * empty column and drop the value) or a column the row lacks (give null for "no value") is a bug, reported
 * with the table, the row and the key.
 */
export function checkRowKeys(schema: TableSchema, rows: readonly Record<string, CellValue>[]): void {
  const names = new Set(schema.columns.map((c) => c.name));
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    let n = 0;
    for (const k in row) {
      if (!names.has(k)) {
        throw new MsorError(
          `result table ${schema.name}: row ${i} has the key ${k}, which is not a column (lib/results); this is a bug`,
        );
      }
      n++;
    }
    if (n !== names.size) {
      const missing = schema.columns.filter((c) => !(c.name in row)).map((c) => c.name);
      throw new MsorError(
        `result table ${schema.name}: row ${i} lacks the column(s) ${missing.join(", ")} (null is "no value"); this is a bug`,
      );
    }
  }
}

export function tableFromRows(schema: TableSchema, rows: readonly Record<string, CellValue>[]): arrow.Table {
  checkRowKeys(schema, rows);
  const cols: Record<string, arrow.Vector> = {};
  for (const def of schema.columns)
    cols[def.name] = vectorOf(
      def,
      rows.map((r) => r[def.name]),
    );
  const table = new arrow.Table(cols);
  const fields = table.schema.fields.map((f) => new arrow.Field(f.name, f.type, true));
  const nullable = new arrow.Schema(fields);
  const struct = new arrow.Struct(fields);
  return new arrow.Table(
    nullable,
    table.batches.map(
      (b) =>
        new arrow.RecordBatch(
          nullable,
          arrow.makeData({ type: struct, length: b.numRows, nullCount: 0, children: b.data.children }),
        ),
    ),
  );
}

/** Parquet bytes (zstd) of rows under a schema. */
export async function rowsToParquet(
  schema: TableSchema,
  rows: readonly Record<string, CellValue>[],
  options: WriteOptions = {},
): Promise<Uint8Array> {
  return parquetBytes(tableFromRows(schema, rows), {
    compression: "zstd",
    rowGroupSize: 1 << 20,
    ...options,
  });
}
