import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Mbp10Batch } from "../../lib/mbp10/schema.ts";
import { Mbp10Stream, mergeByTsRecv } from "../../lib/mbp10/stream.ts";
import { writeMbp10File } from "../../lib/mbp10/writer.ts";
import { fileSource } from "../../lib/ports/fileSource.ts";
import { fullBatch } from "../helpers/fullBatch.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();

async function* batchesOf(ts: readonly number[], tag: number, chunk: number): AsyncGenerator<Mbp10Batch> {
  for (let s = 0; s < ts.length; s += chunk) {
    yield fullBatch(
      ts.slice(s, s + chunk).map((t, k) => ({ t: BigInt(t), size: tag * 1000 + s + k })),
      2,
    );
  }
}

describe("mergeByTsRecv", () => {
  it("merges sorted streams stably (ties: earlier input first, then file order)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 40 }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 9 }),
        async (lists, inChunk, outChunk) => {
          const sorted = lists.map((l) => [...l].sort((a, b) => a - b));
          const got: [number, number][] = [];
          for await (const b of mergeByTsRecv(
            sorted.map((l, k) => batchesOf(l, k, inChunk)),
            2,
            outChunk,
          )) {
            expect(b.length).toBeLessThanOrEqual(outChunk);
            for (let i = 0; i < b.length; i++) got.push([Number(b.tsRecv[i]), b.size[i]!]);
          }
          // expected: all rows sorted by (ts, input, position)
          const want = sorted
            .flatMap((l, k) => l.map((t, j) => ({ t, k, j })))
            .sort((a, b) => a.t - b.t || a.k - b.k || a.j - b.j)
            .map(({ t, k, j }) => [t, k * 1000 + j]);
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("Mbp10Stream", () => {
  it("merges venue files, maps publishers to dense venues and counts data quality", async () => {
    const a = join(dir, "XNAS.parquet");
    const b = join(dir, "XNYS.parquet");
    const book = { bids: [[100, 500]] as [number, number][], asks: [[100.01, 300]] as [number, number][] };
    await writeMbp10File(a, [
      fullBatch([
        { t: 10n, pub: 2, seq: 1, ...book },
        { t: 30n, pub: 2, seq: 2, action: "T", side: "A", price: 100, size: 5, last: false, ...book },
        {
          t: 30n,
          pub: 2,
          seq: 2,
          action: "C",
          side: "B",
          price: 100,
          size: 5,
          bids: [[100, 495]],
          asks: book.asks,
        },
        { t: 25n, pub: 2, seq: 7, bids: [[100.02, 1]], asks: [[100.01, 300]] }, // ts goes back; crossed; gap
      ]),
    ]);
    await writeMbp10File(b, [
      fullBatch([
        { t: 20n, pub: 9, seq: 5, ...book },
        { t: 30n, pub: 9, seq: 4, bids: [[100.01, 9]], asks: [[100.01, 300]] }, // locked; regression
      ]),
    ]);
    const s = await Mbp10Stream.open([{ source: await fileSource(a) }, { source: await fileSource(b) }]);
    const ts: bigint[] = [];
    const venues: number[] = [];
    for await (const batch of s.batches()) {
      for (let i = 0; i < batch.length; i++) {
        ts.push(batch.tsRecv[i]!);
        venues.push(batch.venue[i]!);
      }
    }
    expect(ts).toEqual([10n, 20n, 30n, 30n, 25n, 30n]);
    expect(venues).toEqual([0, 1, 0, 0, 0, 1]);
    expect(s.venues.venues.map((v) => v.name)).toEqual(["XNAS.ITCH", "XNYS.PILLAR"]);
    const q = s.quality.q;
    expect(q).toMatchObject({
      rows: 6,
      trades: 1,
      fLastRecords: 5,
      crossedBooks: 1,
      lockedBooks: 1,
      nonMonotoneTs: 1,
      sequenceGaps: 1,
      sequenceRegressions: 1,
    });
    expect(q.firstTsNs).toBe(10n);
    await s.close();
  });

  it("fails before replaying anything when one input is bad", async () => {
    const good = join(dir, "good.parquet");
    await writeMbp10File(good, [fullBatch([{ t: 1n }])]);
    const bad = join(dir, "bad.parquet");
    writeFileSync(bad, "not parquet at all");
    await expect(Mbp10Stream.open([await fileSource(good), await fileSource(bad)])).rejects.toThrow(
      /bad\.parquet is not a Parquet file/,
    );
  });
});
