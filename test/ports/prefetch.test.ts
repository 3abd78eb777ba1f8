/**
 * Coalesced prefetching over a byte source, and the derived column-chunk layout that drives it: the ranges
 * the reader announces are exactly the ranges parquet-wasm then reads (so every projected read is served
 * from the prefetched blocks).
 */
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Mbp10File } from "../../lib/mbp10/reader.ts";
import { chunkLayout, rowGroupRanges } from "../../lib/parquet/chunkRanges.ts";
import { openParquet, readRowGroup } from "../../lib/parquet/read.ts";
import { type ByteSource, bufferSource } from "../../lib/ports/byteSource.ts";
import { fileSource } from "../../lib/ports/fileSource.ts";
import { type ByteRange, canPrefetch, coalesceRanges, prefetchingSource } from "../../lib/ports/prefetch.ts";
import { writeSyntheticDay } from "../../lib/synth/write.ts";
import { tempDir } from "../helpers/tmp.ts";

/** A source that logs every read (one read = one "request"). */
function loggingSource(inner: ByteSource, log: ByteRange[]): ByteSource {
  return {
    name: inner.name,
    size: inner.size,
    read: (offset, length) => {
      log.push({ offset, length });
      return inner.read(offset, length);
    },
    ...(inner.close ? { close: () => inner.close!() } : {}),
  };
}

const covered = (rs: readonly ByteRange[]) => {
  const s = new Set<number>();
  for (const r of rs) for (let i = r.offset; i < r.offset + r.length; i++) s.add(i);
  return s;
};

describe("coalesceRanges", () => {
  it("property: covers every input byte, sorted, disjoint, gaps larger than maxGap, extra bytes only in gaps", () => {
    const range = fc.record({
      offset: fc.integer({ min: 0, max: 500 }),
      length: fc.integer({ min: 0, max: 60 }),
    });
    fc.assert(
      fc.property(fc.array(range, { maxLength: 12 }), fc.integer({ min: 0, max: 40 }), (rs, gap) => {
        const out = coalesceRanges(rs, gap);
        const want = covered(rs);
        const got = covered(out);
        for (const b of want) expect(got.has(b)).toBe(true);
        for (let i = 1; i < out.length; i++) {
          expect(out[i]!.offset - (out[i - 1]!.offset + out[i - 1]!.length)).toBeGreaterThan(gap);
        }
        expect(out.every((r) => r.length > 0)).toBe(true);
        // every extra byte lies in a gap of at most `gap` bytes between wanted bytes
        for (const b of got) {
          if (want.has(b)) continue;
          let lo = b;
          while (lo >= 0 && !want.has(lo)) lo--;
          let hi = b;
          while (hi < 600 && !want.has(hi)) hi++;
          expect(hi - lo - 1).toBeLessThanOrEqual(gap);
        }
      }),
    );
  });

  it("merges adjacent and near ranges", () => {
    expect(
      coalesceRanges(
        [
          { offset: 100, length: 10 },
          { offset: 0, length: 10 },
          { offset: 10, length: 5 },
          { offset: 120, length: 1 },
        ],
        10,
      ),
    ).toEqual([
      { offset: 0, length: 15 },
      { offset: 100, length: 21 },
    ]);
  });
});

describe("prefetchingSource", () => {
  const bytes = Uint8Array.from({ length: 4096 }, (_, i) => (i * 31) % 256);

  it("serves announced ranges from one coalesced request each; other reads fall through", async () => {
    const log: ByteRange[] = [];
    const src = prefetchingSource(loggingSource(bufferSource("mem", bytes), log), { maxGapBytes: 16 });
    expect(canPrefetch(src)).toBe(true);
    src.prefetch([
      { offset: 100, length: 50 },
      { offset: 150, length: 50 },
      { offset: 210, length: 10 },
      { offset: 1000, length: 100 },
    ]);
    expect(log).toEqual([
      { offset: 100, length: 120 },
      { offset: 1000, length: 100 },
    ]);
    expect([...(await src.read(150, 50))]).toEqual([...bytes.subarray(150, 200)]);
    expect([...(await src.read(1050, 50))]).toEqual([...bytes.subarray(1050, 1100)]);
    expect(log).toHaveLength(2);
    src.prefetch([{ offset: 160, length: 20 }]); // already covered: no request
    expect(log).toHaveLength(2);
    expect([...(await src.read(3000, 10))]).toEqual([...bytes.subarray(3000, 3010)]);
    expect(log).toHaveLength(3);
  });

  it("property: whatever is announced, every read returns the source's bytes", async () => {
    const range = fc.record({
      offset: fc.integer({ min: 0, max: 4000 }),
      length: fc.integer({ min: 0, max: 96 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(range, { maxLength: 4 }), { maxLength: 4 }),
        fc.array(range, { maxLength: 8 }),
        async (announcements, reads) => {
          const src = prefetchingSource(bufferSource("mem", bytes), { maxGapBytes: 32 });
          for (const a of announcements) src.prefetch(a);
          for (const r of reads) {
            expect([...(await src.read(r.offset, r.length))]).toEqual([
              ...bytes.subarray(r.offset, r.offset + r.length),
            ]);
          }
        },
      ),
    );
  });

  it("a failed prefetch is reported to the read that needs it, not as an unhandled rejection", async () => {
    const failing: ByteSource = { name: "f", size: 100, read: async () => Promise.reject(new Error("boom")) };
    const src = prefetchingSource(failing);
    src.prefetch([{ offset: 0, length: 10 }]);
    await expect(src.read(0, 10)).rejects.toThrow("boom");
  });
});

describe("column chunk layout of a written MBP-10 file", () => {
  const dir = tempDir("msor-prefetch-");

  it("announced ranges are exactly parquet-wasm's reads for a projection, row group by row group", async () => {
    const path = join(dir, "x.parquet");
    await writeSyntheticDay(path, {
      symbol: "SYNP",
      date: "2024-03-05",
      venues: 2,
      eventsPerVenue: 30_000,
      seed: 5,
    });
    const file = await fileSource(path);
    const log: ByteRange[] = [];
    const src = loggingSource(file, log);
    const pq = await openParquet(src);
    const layout = chunkLayout(pq, src.size)!;
    expect(layout).toBeDefined();
    expect(pq.rowGroupRows.length).toBeGreaterThanOrEqual(2);
    const cols = ["ts_recv", "action", "side", "price", "size", "bid_px_00", "ask_px_00"];
    for (let rg = 0; rg < pq.rowGroupRows.length; rg++) {
      log.length = 0;
      await readRowGroup(src, pq, rg, cols);
      const announced = rowGroupRanges(layout, rg, cols);
      expect(announced).toHaveLength(cols.length);
      // parquet-wasm itself merges chunks that touch, so its reads are the announced ranges coalesced
      expect([...log].sort((a, b) => a.offset - b.offset)).toEqual(coalesceRanges(announced, 0));
    }
    await file.close!();
  });

  it("Mbp10File.rowGroups prefetches: every projected read is served from announced blocks", async () => {
    const path = join(dir, "y.parquet");
    await writeSyntheticDay(path, {
      symbol: "SYNP",
      date: "2024-03-06",
      venues: 2,
      eventsPerVenue: 30_000,
      seed: 6,
    });
    const log: ByteRange[] = [];
    const inner = loggingSource(await fileSource(path), log);
    const src = prefetchingSource(inner, { maxGapBytes: 1024 });
    const f = await Mbp10File.open(src);
    const openReads = log.length;
    const cols = ["ts_recv", "price", "bid_px_00", "ask_px_00"];
    let rows = 0;
    for await (const t of f.rowGroups(cols)) rows += t.numRows;
    expect(rows).toBe(f.numRows);
    const readsAfterReplay = log.length;
    const pq = await openParquet(inner);
    const layout = chunkLayout(pq, inner.size)!;
    const expected = f.rowGroupRows.flatMap((_, rg) =>
      coalesceRanges(rowGroupRanges(layout, rg, cols), 1024),
    );
    // after opening: exactly one request per contiguous run of projected chunks, nothing else
    expect(readsAfterReplay - openReads).toBe(expected.length);
    const dataReads = log.slice(openReads, readsAfterReplay);
    expect([...dataReads].sort((a, b) => a.offset - b.offset)).toEqual(expected);
    await f.close();
  });

  it("announces row group k + 1 before row group k is handed to the consumer (network overlaps replay)", async () => {
    const path = join(dir, "z.parquet");
    await writeSyntheticDay(path, {
      symbol: "SYNP",
      date: "2024-03-07",
      venues: 2,
      eventsPerVenue: 30_000,
      seed: 7,
    });
    const log: ByteRange[] = [];
    const inner = loggingSource(await fileSource(path), log);
    const f = await Mbp10File.open(prefetchingSource(inner, { maxGapBytes: 1024 }));
    const pq = await openParquet(inner);
    const layout = chunkLayout(pq, inner.size)!;
    const cols = ["ts_recv", "price"];
    const it = f.rowGroups(cols)[Symbol.asyncIterator]();
    log.length = 0;
    const first = await it.next();
    expect(first.done).toBe(false);
    // while the consumer holds row group 0, the chunks of row group 1 have been requested already
    const next = coalesceRanges(rowGroupRanges(layout, 1, cols), 1024);
    for (const r of next) expect(log).toContainEqual(r);
    const before = log.length;
    await it.next(); // row group 1 is served from its prefetched blocks
    const rg1Requests = log.slice(before).filter((r) => next.some((n) => n.offset === r.offset));
    expect(rg1Requests).toEqual([]);
    await it.return?.(undefined);
    await f.close();
  });
});
