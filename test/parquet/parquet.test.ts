/** Generic Parquet: write a table, open it over a ByteSource, read a row group back; clear errors on bad bytes. */
import * as arrow from "apache-arrow";
import { describe, expect, it } from "vitest";
import { openParquet, readRowGroup } from "../../lib/parquet/read.ts";
import { parquetBytes } from "../../lib/parquet/write.ts";
import { bufferSource } from "../../lib/ports/byteSource.ts";

const table = arrow.tableFromArrays({
  ts: BigInt64Array.from([1n, 2n, 3n, 4n, 5n]),
  px: Float64Array.from([10, 10.5, 11, 11.5, 12]),
});

describe("parquet read/write", () => {
  it("round-trips values, row groups and key-value metadata; projects columns", async () => {
    const bytes = await parquetBytes(table, {
      rowGroupSize: 2,
      compression: "zstd",
      keyValue: new Map([["k", "v"]]),
    });
    const src = bufferSource("t.parquet", bytes);
    const pq = await openParquet(src);
    expect(pq.rowGroupRows).toEqual([2, 2, 1]);
    expect(pq.numRows).toBe(5);
    expect(pq.keyValue.get("k")).toBe("v");
    expect(pq.schema.fields.map((f) => f.name)).toEqual(["ts", "px"]);
    const rg = await readRowGroup(src, pq, 1, ["px"]);
    expect(rg.schema.fields.map((f) => f.name)).toEqual(["px"]);
    expect([...rg.getChild("px")!.toArray()]).toEqual([11, 11.5]);
    const all = await readRowGroup(src, pq, 2);
    expect(all.getChild("ts")!.get(0)).toBe(5n);
  });

  it("says what is wrong with bytes that are not Parquet or are truncated", async () => {
    const good = await parquetBytes(table);
    await expect(openParquet(bufferSource("x", new Uint8Array(4)))).rejects.toThrow(/empty or truncated/);
    await expect(openParquet(bufferSource("x", new Uint8Array(64)))).rejects.toThrow(
      /no PAR1 magic at the start/,
    );
    await expect(openParquet(bufferSource("x", good.subarray(0, good.length - 8)))).rejects.toThrow(
      /truncated/,
    );
  });
});
