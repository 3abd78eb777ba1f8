/** The byte contract: buffer and file adapters read the same bytes; the counting wrapper counts every read. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NotFoundError } from "../../lib/core/errors.ts";
import { bufferSource, countingSource, type ReadStats } from "../../lib/ports/byteSource.ts";
import { fileSource } from "../../lib/ports/fileSource.ts";
import { LocalObjectStore, PreconditionFailedError } from "../../lib/ports/localObjectStore.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);

describe("ByteSource adapters", () => {
  it("buffer and file sources return the same ranges; a read past the end is short", async () => {
    const p = join(dir, "b.bin");
    writeFileSync(p, bytes);
    const f = await fileSource(p);
    const b = bufferSource("b", bytes);
    expect([f.size, b.size]).toEqual([256, 256]);
    for (const [off, len] of [
      [0, 4],
      [100, 50],
      [250, 6],
    ] as const) {
      expect([...(await f.read(off, len))]).toEqual([...bytes.subarray(off, off + len)]);
      expect([...(await b.read(off, len))]).toEqual([...bytes.subarray(off, off + len)]);
    }
    expect((await f.read(250, 20)).byteLength).toBe(6);
    await f.close?.();
  });

  it("counts reads and bytes asked for", async () => {
    const stats: ReadStats = { reads: 0, bytes: 0 };
    const c = countingSource(bufferSource("b", bytes), stats);
    await c.read(0, 10);
    await c.read(20, 30);
    expect(stats).toEqual({ reads: 2, bytes: 40 });
    expect(c.size).toBe(256);
  });

  it("a missing file is a NotFoundError naming the path", async () => {
    await expect(fileSource(join(dir, "nope.bin"))).rejects.toThrow(NotFoundError);
    await expect(fileSource(join(dir, "nope.bin"))).rejects.toThrow(/nope\.bin/);
  });
});

describe("LocalObjectStore", () => {
  it("puts, gets, lists sorted, refuses a conditional overwrite and serves byte sources", async () => {
    const store = new LocalObjectStore(join(dir, "store"));
    await store.put("a/b/c.bin", bytes);
    await store.put("a/a.txt", "x");
    expect(await store.list("a/")).toEqual(["a/a.txt", "a/b/c.bin"]);
    expect(await store.tryGet("a/missing")).toBe(undefined);
    await expect(store.put("a/a.txt", "y", { ifNoneMatch: true })).rejects.toThrow(PreconditionFailedError);
    const src = await store.byteSource("a/b/c.bin");
    expect([...(await src.read(10, 3))]).toEqual([10, 11, 12]);
    await src.close?.();
    await expect(store.get("../x")).rejects.toThrow(/invalid object key/);
  });
});
