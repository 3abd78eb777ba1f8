/** Generic Parquet: write a table, open it over a ByteSource, read a row group back; clear errors on bad bytes. */
import * as arrow from "apache-arrow";
import { describe, expect, it } from "vitest";
import { openParquet, readRowGroup, requireZeroOffsets } from "../../lib/parquet/read.ts";
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

  it("reads nulls, dictionary strings, int64, uint8 and timestamps back as written (FFI copy-out)", async () => {
    const n = 9;
    const valid = (i: number) => i % 3 !== 1;
    const px = arrow.vectorFromArray(
      Array.from({ length: n }, (_, i) => (valid(i) ? BigInt(i) * 1_000_000_000n + 7n : null)),
      new arrow.Int64(),
    );
    const fpx = arrow.vectorFromArray(
      Array.from({ length: n }, (_, i) => (valid(i) ? i + 0.25 : null)),
      new arrow.Float64(),
    );
    const act = arrow.vectorFromArray(
      Array.from({ length: n }, (_, i) => (i === 4 ? null : "ACMTF"[i % 5]!)),
      new arrow.Utf8(),
    );
    const side = arrow.vectorFromArray(
      Array.from({ length: n }, (_, i) => "ABN"[i % 3]!),
      new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()),
    );
    const ts = arrow.vectorFromArray(
      Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i),
      new arrow.TimestampMicrosecond("UTC"),
    );
    const u8 = arrow.vectorFromArray(
      Array.from({ length: n }, (_, i) => (i * 37) % 256),
      new arrow.Uint8(),
    );
    const t: arrow.Table = new arrow.Table({ px, fpx, act, side, ts, u8 });
    const src = bufferSource("t.parquet", await parquetBytes(t, { rowGroupSize: 4 }));
    const pq = await openParquet(src);
    const got: Record<string, unknown[]> = { px: [], fpx: [], act: [], side: [], ts: [], u8: [] };
    for (let rg = 0; rg < pq.rowGroupRows.length; rg++) {
      const part = await readRowGroup(src, pq, rg);
      for (const k of Object.keys(got)) got[k]!.push(...part.getChild(k)!.toArray());
      // the columns' nulls survive the copy out of wasm memory
      for (let i = 0; i < part.numRows; i++) expect(part.getChild("px")!.isValid(i)).toBe(valid(rg * 4 + i));
    }
    for (const k of Object.keys(got)) {
      const want = [...t.getChild(k)!.toArray()].map((v, i) => (t.getChild(k)!.isValid(i) ? v : null));
      const have = got[k]!.map((v, i) => (t.getChild(k)!.isValid(i) ? v : null));
      expect(have, k).toEqual(want);
    }
  });

  it("refuses an exported Arrow array that is sliced (its offset, or a column's, or a dictionary's, is not 0)", () => {
    // ArrowArray structs (wasm32 layout: 5 x int64, then pointers buffers, children, dictionary) at 0, 64, 128
    const view = new DataView(new ArrayBuffer(256));
    const struct = (at: number, offset: bigint, children: number[], dictionary = 0) => {
      view.setBigInt64(at + 16, offset, true);
      view.setBigInt64(at + 32, BigInt(children.length), true);
      view.setUint32(at + 44, 192, true); // the children's pointers at 192
      for (const [i, c] of children.entries()) view.setUint32(192 + 4 * i, c, true);
      view.setUint32(at + 48, dictionary, true);
    };
    struct(64, 0n, []);
    struct(128, 0n, []);
    struct(0, 0n, [64, 128]);
    expect(() => requireZeroOffsets(view, 0, "f.parquet")).not.toThrow();
    struct(128, 3n, []);
    expect(() => requireZeroOffsets(view, 0, "f.parquet")).toThrow(
      /f\.parquet: .*sliced Arrow array \(offset 3\)/,
    );
    struct(128, 0n, [], 64);
    struct(64, 5n, []);
    expect(() => requireZeroOffsets(view, 128, "f.parquet")).toThrow(/offset 5/); // through the dictionary
    struct(0, 7n, []);
    expect(() => requireZeroOffsets(view, 0, "f.parquet")).toThrow(/offset 7/);
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
