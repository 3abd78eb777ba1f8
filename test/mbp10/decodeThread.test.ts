/**
 * The decode thread (lib/mbp10/decodeThread.ts) changes where row groups are decoded, never what the engine
 * sees: the batches, a whole task's result files and its calibration record are byte-identical to the
 * single-threaded path, and an error of the byte source surfaces as itself.
 */

import { createHash } from "node:crypto";
import { copyFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NO_PRIOR } from "../../lib/calibration/params.ts";
import { DataFormatError, RetryableError } from "../../lib/core/errors.ts";
import {
  decodeThreadAvailable,
  decodeThreadReadsAsked,
  openDecodeSessions,
} from "../../lib/mbp10/decodeThread.ts";
import { Mbp10File } from "../../lib/mbp10/reader.ts";
import type { Mbp10Batch } from "../../lib/mbp10/schema.ts";
import { Mbp10Stream } from "../../lib/mbp10/stream.ts";
import { type ByteSource, bufferSource } from "../../lib/ports/byteSource.ts";
import { fileSource } from "../../lib/ports/fileSource.ts";
import { LocalObjectStore } from "../../lib/ports/localObjectStore.ts";
import { prefetchingSource } from "../../lib/ports/prefetch.ts";
import { parseTaskSpec } from "../../lib/specs/taskSpec.ts";
import { writeTaskResults } from "../../lib/store/results.ts";
import { writeSyntheticDay } from "../../lib/synth/index.ts";
import { runTask } from "../../lib/task/runTask.ts";
import { garbledPages } from "../helpers/corrupt.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
const file = join(dir, "in", "thr.parquet");
const SYMBOL = "THR";
const DATE = "2024-03-04";
let written: Promise<unknown> | undefined;
const day = async () => {
  written ??= writeSyntheticDay(file, {
    symbol: SYMBOL,
    date: DATE,
    venues: 2,
    eventsPerVenue: 70_000,
    seed: 5,
  });
  await written;
  return file;
};

/** Every batch of a stream, as plain arrays of bytes (exact comparison of every column). */
async function streamBytes(decodeThread: boolean): Promise<Buffer[]> {
  const s = await Mbp10Stream.open([{ source: await fileSource(await day()), decodeThread }]);
  const out: Buffer[] = [];
  try {
    for await (const b of s.batches()) {
      for (const [k, v] of Object.entries(b).sort(([a], [c]) => a.localeCompare(c))) {
        for (const a of Array.isArray(v) ? v : [v]) {
          out.push(Buffer.from(k));
          out.push(
            ArrayBuffer.isView(a)
              ? Buffer.from(a.buffer, a.byteOffset, a.byteLength)
              : Buffer.from(String(a)),
          );
        }
      }
    }
  } finally {
    await s.close();
  }
  return out;
}

/** runTask + writeTaskResults; every written file (results and calibration) by key. */
async function taskFiles(decodeThread: boolean): Promise<Map<string, Buffer>> {
  const root = join(dir, `task-${decodeThread}`);
  const spec = parseTaskSpec({ router: { samples: 200 } });
  const rows = await runTask({
    symbol: SYMBOL,
    date: DATE,
    sources: [{ source: await fileSource(await day()), decodeThread }],
    spec,
    prior: NO_PRIOR,
  });
  const results = new LocalObjectStore(join(root, "results"));
  await writeTaskResults(results, "thr", DATE, SYMBOL, rows);
  const out = new Map<string, Buffer>();
  for (const [name, store] of [
    ["results", results],
    ["calibration", new LocalObjectStore(join(root, "calibration"))],
  ] as const) {
    for (const key of await store.list("")) out.set(`${name}/${key}`, await readFile(join(root, name, key)));
  }
  return out;
}

describe.skipIf(!decodeThreadAvailable())("decode thread", () => {
  it("the test file has several row groups (so the thread is used)", async () => {
    const f = await Mbp10File.open(await fileSource(await day()));
    expect(f.rowGroupRows.length).toBeGreaterThanOrEqual(3);
    await f.close();
  });

  it("reads each row group's bytes ahead: the decode thread asks for the footer only, not per row group", async () => {
    const f = await Mbp10File.open(await fileSource(await day()));
    const groups = f.rowGroupRows.length;
    // the plan covers every row group with a few merged ranges (the engine columns, small gaps included)
    const plan = f.engineByteRanges(64 * 1024);
    await f.close();
    expect(plan).toHaveLength(groups);
    for (const ranges of plan) expect(ranges.length).toBeGreaterThanOrEqual(1);
    const before = decodeThreadReadsAsked();
    const s = await Mbp10Stream.open([{ source: await fileSource(await day()), decodeThread: true }]);
    let batches = 0;
    for await (const _ of s.batches()) batches++;
    await s.close();
    expect(batches).toBe(groups);
    // the open reads the file's end only (the two magics, the footer length, the footer, the page indexes
    // before it: 5 reads, whatever the number of row groups); before the read plan it was ~20 per row group
    expect(decodeThreadReadsAsked() - before).toBeLessThanOrEqual(5);
  });

  it("yields exactly the batches of the single-threaded path", async () => {
    const [one, two] = [await streamBytes(false), await streamBytes(true)];
    expect(two.length).toBe(one.length);
    for (let i = 0; i < one.length; i++) expect(two[i]!.equals(one[i]!)).toBe(true);
  });

  it("a task's result files and calibration record are byte-identical to the single-threaded path", async () => {
    const one = await taskFiles(false);
    const two = await taskFiles(true);
    expect([...two.keys()].sort()).toEqual([...one.keys()].sort());
    expect(one.size).toBeGreaterThanOrEqual(5);
    for (const [k, v] of one) expect(two.get(k)!.equals(v), k).toBe(true);
  });

  it("a replay of several files that stops early closes every file's decode session", async () => {
    const other = join(dir, "in", "thr-copy.parquet");
    await copyFile(await day(), other);
    const before = openDecodeSessions();
    const s = await Mbp10Stream.open([
      { source: await fileSource(await day()), decodeThread: true },
      { source: await fileSource(other), decodeThread: true },
    ]);
    const consume = async () => {
      for await (const _ of s.batches()) {
        expect(openDecodeSessions()).toBe(before + 2);
        throw new Error("a strategy failed");
      }
    };
    await expect(consume()).rejects.toThrow("a strategy failed");
    await s.close();
    // (before the merge ended its inputs, both sessions stayed open and kept the process alive)
    expect(openDecodeSessions()).toBe(before);
  });

  it("bytes read ahead from a caching source (prefetched S3 blocks) are copied, not taken from it", async () => {
    const bytes = new Uint8Array(await readFile(await day()));
    // as S3: each request's bytes are a fresh buffer, which the prefetching source keeps as a block
    const buf = bufferSource("thr-buffer.parquet", bytes);
    const src = prefetchingSource({ ...buf, read: async (o, n) => (await buf.read(o, n)).slice() });
    const f = await Mbp10File.open(await fileSource(await day()));
    const plan = f.engineByteRanges(64 * 1024);
    await f.close();
    const s = await Mbp10Stream.open([{ source: src, decodeThread: true }]);
    for await (const _ of s.batches());
    // the last row group's blocks are still the source's: reading them again gives the file's bytes
    const last = plan[plan.length - 1]![0]!;
    const again = await src.read(last.offset, last.length);
    expect(
      Buffer.from(again).equals(Buffer.from(bytes.subarray(last.offset, last.offset + last.length))),
    ).toBe(true);
    await s.close();
  });

  it("an error of the byte source mid-file surfaces as itself", async () => {
    const src = await fileSource(await day());
    let reads = 0;
    const failing: ByteSource = {
      name: src.name,
      size: src.size,
      read(offset, length) {
        // the opens (main and decode thread) read the ends of the file; fail the first column chunk after them
        if (offset > 1000 && offset + length < src.size - 100_000 && ++reads > 2)
          return Promise.reject(new RetryableError("simulated S3 outage"));
        return src.read(offset, length);
      },
      close: () => src.close?.() ?? Promise.resolve(),
    };
    const s = await Mbp10Stream.open([{ source: failing, decodeThread: true }]);
    const consume = async () => {
      for await (const _ of s.batches());
    };
    await expect(consume()).rejects.toThrow(RetryableError);
    await s.close();
  });

  it("released batches give their slab back: reused for later row groups, values unchanged", async () => {
    const digest = (b: Record<string, unknown>) => {
      const h = createHash("sha256");
      for (const [k, v] of Object.entries(b).sort(([a], [c]) => a.localeCompare(c)))
        for (const a of Array.isArray(v) ? v : [v])
          h.update(k).update(
            ArrayBuffer.isView(a) ? new Uint8Array(a.buffer, a.byteOffset, a.byteLength) : String(a),
          );
      return h.digest("hex");
    };
    const run = async (decodeThread: boolean, releaseBatches: boolean) => {
      const f = await Mbp10File.open(await fileSource(await day()), { decodeThread, releaseBatches });
      const digests: string[] = [];
      const slabs: ArrayBuffer[] = [];
      let previous: Mbp10Batch | undefined;
      try {
        for await (const b of f.batches()) {
          // a released batch is gone from this thread (decode thread) or decoded into again (this thread)
          if (previous && releaseBatches && decodeThread) expect(previous.tsRecv.length).toBe(0);
          digests.push(digest(b as unknown as Record<string, unknown>));
          slabs.push(b.tsRecv.buffer as ArrayBuffer);
          // one slab per batch: every engine column of the batch lies in it
          expect(new Set([b.price, ...b.bidPx, ...b.askSz].map((a) => a.buffer)).size).toBe(1);
          expect(b.price.buffer).toBe(b.tsRecv.buffer);
          previous = b;
        }
      } finally {
        await f.close();
      }
      return { digests, slabs };
    };
    const plain = await run(false, false);
    expect(plain.digests.length).toBeGreaterThan(2);
    expect(new Set(plain.slabs).size).toBe(plain.slabs.length); // not released: a new slab per batch
    const inThread = await run(false, true);
    expect(inThread.digests).toEqual(plain.digests);
    expect(inThread.slabs[1]).toBe(inThread.slabs[0]); // same-size row groups: batch 1 reuses batch 0's slab
    expect(new Set(inThread.slabs).size).toBeLessThanOrEqual(2); // + the shorter last row group's
    const threaded = await run(true, true);
    expect(threaded.digests).toEqual(plain.digests);
  });

  it("a corrupt row group is reported as a DataFormatError naming the file", async () => {
    const src = await fileSource(await day());
    const corrupt = garbledPages(src);
    const s = await Mbp10Stream.open([{ source: corrupt, decodeThread: true }]);
    const consume = async () => {
      for await (const _ of s.batches());
    };
    const err = await consume().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataFormatError);
    expect(String(err)).toMatch(/thr\.parquet.*corrupt/);
    await s.close();
    // the trapped decode thread was retired: the next replay gets a fresh one and decodes as before
    const [one, two] = [await streamBytes(false), await streamBytes(true)];
    expect(two.length).toBe(one.length);
    for (let i = 0; i < one.length; i++) expect(two[i]!.equals(one[i]!)).toBe(true);
  });
});
