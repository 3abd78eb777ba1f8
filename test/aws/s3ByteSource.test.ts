/**
 * S3 requests and bytes of a projected MBP-10 read (DESIGN.md: "only the projected columns' byte ranges are
 * read"): a real Parquet file is uploaded to moto_server and read through the S3 ByteSource; every HTTP
 * request is logged by an SDK middleware. Compared with the same read of the local file.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CreateBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import type * as arrow from "apache-arrow";
import { describe, expect, it } from "vitest";
import { createS3Client } from "../../lib/aws/clients.ts";
import { S3ObjectStore } from "../../lib/aws/s3ObjectStore.ts";
import { NotFoundError, RetryableError } from "../../lib/core/errors.ts";
import { Mbp10File } from "../../lib/mbp10/reader.ts";
import { chunkLayout, rowGroupRanges } from "../../lib/parquet/chunkRanges.ts";
import { openParquet } from "../../lib/parquet/read.ts";
import { bufferSource, countingSource, type ReadStats } from "../../lib/ports/byteSource.ts";
import { fileSource } from "../../lib/ports/fileSource.ts";
import { coalesceRanges } from "../../lib/ports/prefetch.ts";
import { writeSyntheticDay } from "../../lib/synth/write.ts";
import { startMoto } from "../helpers/moto.ts";
import { tempDir } from "../helpers/tmp.ts";

const moto = await startMoto();
const BUCKET = "msor-test-input";
const KEY = "mbp10/SYNTH/SYNP/2024-03-05.parquet";
const GAP = 1024;
/** The columns a calibration pass needs (level 0 + trades), a strict subset of the file's 74. */
const COLS = [
  "ts_recv",
  "action",
  "side",
  "price",
  "size",
  "publisher_id",
  "bid_px_00",
  "ask_px_00",
  "bid_sz_00",
  "ask_sz_00",
];

interface Request {
  command: string;
  range: string | undefined;
  bytes: number;
}

/** An S3 client whose every HTTP attempt is logged (command, Range header, response Content-Length). */
function loggedClient(log: Request[]): S3Client {
  const c = createS3Client(moto.config);
  c.middlewareStack.add(
    (next, context) => async (args) => {
      const req = args.request as { headers: Record<string, string> };
      const out = await next(args);
      const res = out.response as { headers: Record<string, string> };
      log.push({
        command: String(context.commandName),
        range: req.headers.range ?? req.headers.Range,
        bytes: Number(res.headers["content-length"] ?? 0),
      });
      return out;
    },
    { step: "deserialize", name: "logRequests" },
  );
  return c;
}

async function readAll(f: Mbp10File): Promise<Map<string, unknown[]>> {
  const cols = new Map<string, unknown[]>(COLS.map((c) => [c, []]));
  for await (const t of f.rowGroups(COLS)) {
    for (const c of COLS) {
      const values = (t.getChild(c) as arrow.Vector).toArray() as ArrayLike<unknown>;
      cols.get(c)!.push(...Array.from(values));
    }
  }
  return cols;
}

describe.skipIf(!moto.available)("S3 ByteSource on moto_server", () => {
  const dir = tempDir("msor-s3-source-");
  const path = join(dir, "day.parquet");

  it("reads only the footer tail, the magic and the projected column chunks, in one request per run", async () => {
    await writeSyntheticDay(path, {
      symbol: "SYNP",
      date: "2024-03-05",
      venues: 2,
      eventsPerVenue: 40_000,
      seed: 9,
    });
    const bytes = readFileSync(path);
    const setup = createS3Client(moto.config);
    await setup.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await new S3ObjectStore({ client: setup, bucket: BUCKET }).put(KEY, bytes);

    // local reference: the same projected read of the file, counted
    const localStats: ReadStats = { reads: 0, bytes: 0 };
    const local = await Mbp10File.open(countingSource(await fileSource(path), localStats));
    const localOpen = { ...localStats };
    const localCols = await readAll(local);
    await local.close();

    // the expected data requests: projected chunks of every row group, touching chunks merged
    const pq = await openParquet(bufferSource("mem", bytes));
    const layout = chunkLayout(pq, bytes.byteLength)!;
    const exactRuns = pq.rowGroupRows.flatMap((_, rg) => coalesceRanges(rowGroupRanges(layout, rg, COLS), 0));
    const projectedBytes = exactRuns.reduce((a, r) => a + r.length, 0);
    // parquet-wasm itself reads chunks less than a few KiB apart as one range (measured: a 118 B gap merged,
    // 8,656 B not), so the announced chunks are merged across gaps up to GAP to serve those reads from one block
    const runs = pq.rowGroupRows.flatMap((_, rg) => coalesceRanges(rowGroupRanges(layout, rg, COLS), GAP));

    const log: Request[] = [];
    const store = new S3ObjectStore({
      client: loggedClient(log),
      bucket: BUCKET,
      byteSource: { maxGapBytes: GAP, tailBytes: 64 * 1024 },
    });
    const f = await Mbp10File.open(await store.byteSource(KEY));
    const openRequests = [...log];
    const s3Cols = await readAll(f);
    const dataRequests = log.slice(openRequests.length);

    // same decoded values as the local read
    expect(f.numRows).toBe(local.numRows);
    for (const c of COLS) expect(s3Cols.get(c)).toEqual(localCols.get(c));

    // opening: one suffix GET (size + footer) and the 4 magic bytes at the start
    expect(openRequests).toEqual([
      { command: "GetObjectCommand", range: "bytes=-65536", bytes: 65536 },
      { command: "GetObjectCommand", range: "bytes=0-3", bytes: 4 },
    ]);
    // replay: exactly the projected runs outside the tail, one GET each
    const tailStart = bytes.byteLength - 65536;
    const fetched = runs.filter((r) => !(r.offset >= tailStart));
    expect(dataRequests.map((r) => r.range).sort()).toEqual(
      fetched.map((r) => `bytes=${r.offset}-${r.offset + r.length - 1}`).sort(),
    );
    const s3DataBytes = dataRequests.reduce((a, r) => a + r.bytes, 0);
    expect(s3DataBytes).toBe(fetched.reduce((a, r) => a + r.length, 0));
    // the local read asks for the projected chunks plus the small gaps parquet-wasm merges itself; S3 reads
    // no more than the projected chunks plus gaps of at most GAP bytes (none inside the tail)
    const localDataBytes = localStats.bytes - localOpen.bytes;
    expect(localDataBytes).toBeGreaterThanOrEqual(projectedBytes);
    expect(s3DataBytes).toBeLessThanOrEqual(projectedBytes + (exactRuns.length - runs.length) * GAP);
    // measured on this (seeded) file: exactly the bytes the local read asks for
    expect(s3DataBytes).toBe(localDataBytes);
    const s3Total = log.reduce((a, r) => a + r.bytes, 0);
    console.info(
      `[s3 read] file ${bytes.byteLength} B, ${pq.rowGroupRows.length} row groups, ${COLS.length} of ` +
        `${pq.schema.fields.length} columns: S3 ${log.length} requests / ${s3Total} B ` +
        `(open ${openRequests.length}, data ${dataRequests.length} / ${s3DataBytes} B; projected chunks ${projectedBytes} B); ` +
        `local ${localStats.reads} reads / ${localStats.bytes} B (data ${localDataBytes} B, ` +
        `open ${localOpen.reads} / ${localOpen.bytes} B)`,
    );
    expect(s3Total).toBeLessThan(bytes.byteLength / 2);
    await f.close();
  });

  it("with the default 64 KiB gap merging, fewer requests and only small gaps read", async () => {
    const bytes = readFileSync(path);
    const log: Request[] = [];
    const store = new S3ObjectStore({ client: loggedClient(log), bucket: BUCKET });
    const f = await Mbp10File.open(await store.byteSource(KEY));
    const open = log.length;
    await readAll(f);
    const pq = await openParquet(bufferSource("mem", bytes));
    const layout = chunkLayout(pq, bytes.byteLength)!;
    const perRg = pq.rowGroupRows.map((_, rg) => rowGroupRanges(layout, rg, COLS));
    const exactRuns = perRg.flatMap((r) => coalesceRanges(r, 0));
    const mergedRuns = perRg.flatMap((r) => coalesceRanges(r, 64 * 1024));
    const dataRequests = log.slice(open);
    expect(dataRequests.length).toBeLessThanOrEqual(mergedRuns.length);
    expect(mergedRuns.length).toBeLessThan(exactRuns.length);
    const dataBytes = dataRequests.reduce((a, r) => a + r.bytes, 0);
    const projected = exactRuns.reduce((a, r) => a + r.length, 0);
    expect(dataBytes).toBeLessThanOrEqual(projected + (exactRuns.length - mergedRuns.length) * 64 * 1024);
    console.info(
      `[s3 read, 64 KiB gaps] data ${dataRequests.length} requests / ${dataBytes} B vs exact ${exactRuns.length} / ${projected} B`,
    );
    await f.close();
  });

  it("missing, empty and replaced-while-reading objects fail with clear, classified errors", async () => {
    const c = createS3Client(moto.config);
    const store = new S3ObjectStore({ client: c, bucket: BUCKET, prefix: "edge/" });
    await expect(store.byteSource("missing.parquet")).rejects.toBeInstanceOf(NotFoundError);
    await store.put("empty.parquet", new Uint8Array(0));
    const empty = await store.byteSource("empty.parquet");
    expect(empty.size).toBe(0);
    await expect(Mbp10File.open(empty)).rejects.toThrow(/only 0 bytes \(empty or truncated\)/);
    const big = Uint8Array.from({ length: 200_000 }, (_, i) => i % 251);
    await store.put("changing.bin", big);
    const src = await store.byteSource("changing.bin");
    expect([...(await src.read(10, 5))]).toEqual([...big.subarray(10, 15)]);
    await store.put(
      "changing.bin",
      big.map((b) => 255 - b),
    );
    const err = await src.read(20, 5).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryableError);
    expect((err as Error).message).toMatch(/changed while it was being read/);
  });
});
