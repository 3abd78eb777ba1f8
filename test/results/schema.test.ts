/** Result schemas drive the Parquet writer: column order and types as declared, NaN written as NULL. */
import { describe, expect, it } from "vitest";
import { openParquet, readRowGroup } from "../../lib/parquet/read.ts";
import { bufferSource } from "../../lib/ports/byteSource.ts";
import { athenaType, rowsToParquet, type TableSchema } from "../../lib/results/schema.ts";

const T: TableSchema = {
  name: "t",
  partitions: [],
  columns: [
    { name: "s", type: "string", doc: "" },
    { name: "n", type: "int64", doc: "" },
    { name: "x", type: "float64", doc: "" },
    { name: "b", type: "bool", doc: "" },
    { name: "ts", type: "timestamp_us", doc: "" },
  ],
};

describe("result schema", () => {
  it("writes the declared columns in order; NaN and null values are NULL; ns timestamps become us", async () => {
    const bytes = await rowsToParquet(T, [
      { s: "a", n: 3, x: 1.5, b: true, ts: 2_000_000n },
      { s: "b", n: 4n, x: Number.NaN, b: null, ts: null },
    ]);
    const src = bufferSource("t", bytes);
    const pq = await openParquet(src);
    expect(pq.schema.fields.map((f) => f.name)).toEqual(["s", "n", "x", "b", "ts"]);
    const t = await readRowGroup(src, pq, 0);
    expect(t.getChild("s")!.toArray()).toEqual(["a", "b"]);
    expect([...t.getChild("n")!.toArray()]).toEqual([3n, 4n]);
    expect([t.getChild("x")!.get(0), t.getChild("x")!.get(1)]).toEqual([1.5, null]);
    expect([t.getChild("b")!.get(0), t.getChild("b")!.get(1)]).toEqual([true, null]);
    expect(Number(t.getChild("ts")!.get(0))).toBe(2);
  });

  it("refuses a fractional integer with a message, and maps types to Athena", async () => {
    await expect(rowsToParquet(T, [{ s: "a", n: 1.5, x: 1, b: true, ts: 0n }])).rejects.toThrow(
      /result column n \(int64\) got 1.5/,
    );
    expect(
      ["string", "int32", "int64", "float64", "bool", "timestamp_us"].map((c) => athenaType(c as never)),
    ).toEqual(["string", "int", "bigint", "double", "boolean", "timestamp"]);
  });

  it("refuses a row with a key the schema lacks, or without one of its columns, naming both", async () => {
    const ok = { s: "a", n: 1, x: 1, b: true, ts: 0n };
    await expect(rowsToParquet(T, [ok, { ...ok, misspelt: 1 }])).rejects.toThrow(
      /result table t: row 1 has the key misspelt, which is not a column/,
    );
    const { x: _, ...noX } = ok;
    await expect(rowsToParquet(T, [noX])).rejects.toThrow(/result table t: row 0 lacks the column\(s\) x/);
  });
});
