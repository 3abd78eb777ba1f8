import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as arrow from "apache-arrow";
import { describe, expect, it } from "vitest";
import { Mbp10File } from "../../lib/mbp10/reader.ts";
import { mbp10Table, writeMbp10File } from "../../lib/mbp10/writer.ts";
import { parquetBytes } from "../../lib/parquet/write.ts";
import { countingSource, type ReadStats } from "../../lib/ports/byteSource.ts";
import { fileSource } from "../../lib/ports/fileSource.ts";
import { fullBatch } from "../helpers/fullBatch.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
const T0 = 1_340_285_400_000_000_000n;

function sampleRows(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    t: T0 + BigInt(i) * 1000n,
    pub: i % 3 === 0 ? 9 : 2,
    action: "A",
    side: i % 2 ? "A" : "B",
    price: 100 + (i % 7) * 0.01,
    size: 100 + i,
    bids: [
      [100, 500 + i],
      [99.99, 300],
    ] as [number, number][],
    asks: [[100.01, 400]] as [number, number][],
  }));
}

async function open(path: string) {
  return Mbp10File.open(await fileSource(path));
}

describe("Mbp10File: reading", () => {
  it("round-trips float64 and fixed-point prices, and keeps ns timestamps exact", async () => {
    for (const enc of ["float", "fixed"] as const) {
      const p = join(dir, `rt-${enc}.parquet`);
      await writeMbp10File(p, [fullBatch(sampleRows(1000))], { priceEncoding: enc, rowGroupSize: 300 });
      const f = await open(p);
      expect(f.priceEncoding).toBe(enc);
      expect(f.rowGroupRows).toEqual([300, 300, 300, 100]);
      expect(f.columns).toHaveLength(74);
      let rows = 0;
      let sumSize = 0;
      for await (const b of f.batches()) {
        if (rows === 0) {
          expect(b.tsRecv[1]).toBe(T0 + 1000n);
          expect(b.price[3]).toBe(100.03);
          expect(b.bidPx[1]![0]).toBe(99.99);
          expect(b.askPx[2]![0]).toBeNaN();
          expect(Array.from(b.venue.subarray(0, 4))).toEqual([0, 1, 1, 0]);
          expect(String.fromCharCode(b.action[0]!, b.side[0]!, b.side[1]!)).toBe("ABA");
        }
        rows += b.length;
        for (let i = 0; i < b.length; i++) sumSize += b.size[i]!;
      }
      expect(rows).toBe(1000);
      expect(sumSize).toBe(1000 * 100 + (999 * 1000) / 2);
      await f.close();
    }
  });

  it("reads only the requested columns' byte ranges", async () => {
    const p = join(dir, "proj.parquet");
    await writeMbp10File(p, [fullBatch(sampleRows(20_000))], { rowGroupSize: 5000 });
    const stats: ReadStats = { reads: 0, bytes: 0 };
    const f = await Mbp10File.open(countingSource(await fileSource(p), stats));
    const footer = stats.bytes;
    const chunkBytes = f.compressedBytes("price");
    const allBytes = f.compressedBytes();
    let n = 0;
    for await (const t of f.rowGroups(["price"])) {
      expect(t.schema.fields.map((x) => x.name)).toEqual(["price"]);
      n += t.numRows;
    }
    expect(n).toBe(20_000);
    const read = stats.bytes - footer;
    // exactly the price column chunks (plus at most a small page-index/header margin), not the other 73 columns
    expect(read).toBeGreaterThanOrEqual(chunkBytes);
    expect(read).toBeLessThan(chunkBytes + 1024);
    expect(read).toBeLessThan(allBytes / 20);
  });

  it("maxLevels reads the first levels only: the same values, fewer columns fetched", async () => {
    const p = join(dir, "maxlevels.parquet");
    await writeMbp10File(p, [fullBatch(sampleRows(6000))], { rowGroupSize: 2000 });
    const read = async (maxLevels?: number) => {
      const stats: ReadStats = { reads: 0, bytes: 0 };
      const f = await Mbp10File.open(countingSource(await fileSource(p), stats), { maxLevels });
      const batches = [];
      for await (const b of f.batches()) batches.push(b);
      await f.close();
      return { f, batches, bytes: stats.bytes };
    };
    const all = await read();
    const one = await read(1);
    expect(all.f.levels).toBe(10);
    expect(one.f.levels).toBe(10); // what the file has
    expect(one.f.readLevels).toBe(1); // what the batches carry
    expect(one.batches.map((b) => b.levels)).toEqual([1, 1, 1]);
    for (const [k, b] of one.batches.entries()) {
      const a = all.batches[k]!;
      expect(b.bidPx).toHaveLength(1);
      expect(b.bidPx[0]).toEqual(a.bidPx[0]);
      expect(b.askSz[0]).toEqual(a.askSz[0]);
      expect(b.tsRecv).toEqual(a.tsRecv);
      expect(b.action).toEqual(a.action);
    }
    // levels 1..9: 36 column chunks not fetched
    let deeper = 0;
    for (let l = 1; l < 10; l++)
      for (const c of ["bid_px", "ask_px", "bid_sz", "ask_sz"])
        deeper += all.f.compressedBytes(`${c}_${String(l).padStart(2, "0")}`);
    expect(deeper).toBeGreaterThan(0);
    expect(one.bytes).toBeLessThanOrEqual(all.bytes - deeper);
    for (const bad of [0, 11, 1.5])
      await expect(Mbp10File.open(await fileSource(p), { maxLevels: bad })).rejects.toThrow(
        /maxLevels must be an integer in 1\.\.10/,
      );
  });

  it("accepts microsecond timestamps, integer ns timestamps and a 1-level file", async () => {
    const n = 10;
    const ts = new BigInt64Array(n).map((_, i) => 1_000_000_000_000n + BigInt(i));
    const t = mbp10Table(fullBatch(sampleRows(n), 1));
    const cols: Record<string, arrow.Vector> = {};
    for (const f of t.schema.fields) cols[f.name] = t.getChild(f.name)!;
    cols.ts_recv = arrow.makeVector(
      arrow.makeData({ type: new arrow.TimestampMicrosecond("UTC"), length: n, data: ts }),
    );
    cols.ts_event = arrow.makeVector(ts.slice()); // a buffer of its own (a shared one trips parquet-wasm)
    const p = join(dir, "us.parquet");
    writeFileSync(p, await parquetBytes(new arrow.Table(cols)));
    const f = await open(p);
    expect(f.levels).toBe(1);
    for await (const b of f.batches()) {
      expect(b.tsRecv[3]).toBe(1_000_000_000_003_000n);
      expect(b.bidPx).toHaveLength(1);
    }
  });
});

describe("Mbp10File: bad input gets a specific message", () => {
  it("not Parquet", async () => {
    const p = join(dir, "x.csv");
    writeFileSync(p, "ts_recv,price\n1,2\n");
    await expect(open(p)).rejects.toThrow(/x\.csv is not a Parquet file \(no PAR1 magic at the start\)/);
  });

  it("empty and truncated", async () => {
    const e = join(dir, "empty.parquet");
    writeFileSync(e, "");
    await expect(open(e)).rejects.toThrow(/empty\.parquet is not a Parquet file: only 0 bytes/);
    const good = join(dir, "good.parquet");
    await writeMbp10File(good, [fullBatch(sampleRows(50))]);
    const bytes = (await import("node:fs")).readFileSync(good);
    const cut = join(dir, "cut.parquet");
    writeFileSync(cut, bytes.subarray(0, bytes.length - 100));
    await expect(open(cut)).rejects.toThrow(/cut\.parquet is truncated: Parquet footer missing/);
  });

  it("missing columns, with a guess of what the file is", async () => {
    const trades = new arrow.Table({
      ts_recv: arrow.makeVector(new BigInt64Array([1n, 2n])),
      price: arrow.makeVector(new Float64Array([1, 2])),
      size: arrow.makeVector(new Uint32Array([1, 2])),
      side: arrow.vectorFromArray(["A", "B"]),
    });
    const p = join(dir, "trades.parquet");
    writeFileSync(p, await parquetBytes(trades));
    await expect(open(p)).rejects.toThrow(
      /mbp10 file .*trades\.parquet lacks columns publisher_id, action, depth, flags, sequence, bid_px_00, \.\.\. \(9 in all\) \(found 4 of 74 expected columns\); is this a trades file\?/,
    );
  });

  it("a msor result file given as input is named as such (not guessed to be MBO), and its file is closed", async () => {
    const { EXECUTIONS } = await import("../../lib/results/tables.ts");
    const { rowsToParquet } = await import("../../lib/results/schema.ts");
    const { rowOf } = await import("../helpers/rows.ts");
    const p = join(dir, "executions.parquet");
    writeFileSync(
      p,
      await rowsToParquet(EXECUTIONS, [
        rowOf(EXECUTIONS, { symbol: "X", order_id: "buy-1-10:00", strategy: "twap/market" }),
      ]),
    );
    const src = await fileSource(p);
    let closed = 0;
    const spy = {
      ...src,
      close: async () => {
        closed++;
        await src.close?.();
      },
    };
    await expect(Mbp10File.open(spy)).rejects.toThrow(/is this a msor result file .*not an input\?/);
    expect(closed).toBe(1);
  });

  it("wrong column types", async () => {
    const t = mbp10Table(fullBatch(sampleRows(5), 1));
    const cols: Record<string, arrow.Vector> = {};
    for (const f of t.schema.fields) cols[f.name] = t.getChild(f.name)!;
    cols.price = arrow.vectorFromArray(["1", "2", "3", "4", "5"], new arrow.Utf8());
    const p = join(dir, "types.parquet");
    writeFileSync(p, await parquetBytes(new arrow.Table(cols)));
    await expect(open(p)).rejects.toThrow(
      /has wrong column types: price is Utf8 \(expected float64 dollars or int64 fixed-point/,
    );
  });

  it("zero rows", async () => {
    const p = join(dir, "zero.parquet");
    const t = mbp10Table(fullBatch([], 1));
    writeFileSync(p, await parquetBytes(t));
    await expect(open(p)).rejects.toThrow(/zero\.parquet has zero rows/);
  });

  it("missing file", async () => {
    await expect(open(join(dir, "nope.parquet"))).rejects.toThrow(
      /cannot open .*nope\.parquet: .*check the path/,
    );
  });
});
