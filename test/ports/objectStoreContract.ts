/**
 * The ObjectStore contract, run against every implementation (local folder here, S3 on moto_server in
 * test/aws). Each call of `objectStoreContract` gets a fresh, empty store from `make`.
 */
import { describe, expect, it } from "vitest";
import { InputError, NotFoundError, PreconditionFailedError } from "../../lib/core/errors.ts";
import { compareAndSwap, type ObjectStore, putIfAbsent } from "../../lib/ports/objectStore.ts";

const text = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString("utf8") : undefined);

export function objectStoreContract(name: string, make: () => Promise<ObjectStore> | ObjectStore): void {
  describe(`ObjectStore contract: ${name}`, () => {
    it("put / get / tryGet / exists / head round trip, missing keys", async () => {
      const s = await make();
      expect(await s.tryGet("a/b.txt")).toBeUndefined();
      expect(await s.exists("a/b.txt")).toBe(false);
      expect(await s.head("a/b.txt")).toBeUndefined();
      await expect(s.get("a/b.txt")).rejects.toBeInstanceOf(NotFoundError);
      const r = await s.put("a/b.txt", "hello");
      expect(text(await s.get("a/b.txt"))).toBe("hello");
      expect(await s.exists("a/b.txt")).toBe(true);
      expect(await s.head("a/b.txt")).toEqual({ size: 5, etag: r.etag });
      expect((await s.getWithEtag("a/b.txt"))?.etag).toBe(r.etag);
    });

    it("ETag is the MD5 of the content (same bytes, same ETag)", async () => {
      const s = await make();
      const a = await s.put("e/1", "same");
      const b = await s.put("e/2", "same");
      const c = await s.put("e/3", "other");
      // md5("same"), computed with `echo -n same | md5sum`
      expect(a.etag).toBe('"51037a4a37730f52c8732586d3aaa316"');
      expect(a.etag).toBe(b.etag);
      expect(a.etag).not.toBe(c.etag);
    });

    it("put-if-absent: the first wins, the second gets 412 (PreconditionFailedError)", async () => {
      const s = await make();
      await s.put("runs/R/tasks/t1.json", '{"outcome":"ok"}', { ifNoneMatch: true });
      await expect(
        s.put("runs/R/tasks/t1.json", '{"outcome":"x"}', { ifNoneMatch: true }),
      ).rejects.toBeInstanceOf(PreconditionFailedError);
      expect(text(await s.get("runs/R/tasks/t1.json"))).toBe('{"outcome":"ok"}');
      expect(await putIfAbsent(s, "runs/R/tasks/t1.json", "y")).toBe(false);
      expect(await putIfAbsent(s, "runs/R/tasks/t2.json", "y")).toBe(true);
    });

    it("put-if-match: the current ETag wins, a stale one gets PreconditionFailedError", async () => {
      const s = await make();
      const v1 = await s.put("runs/R/status.json", "v1");
      const v2 = await s.put("runs/R/status.json", "v2", { ifMatch: v1.etag });
      await expect(s.put("runs/R/status.json", "v3", { ifMatch: v1.etag })).rejects.toBeInstanceOf(
        PreconditionFailedError,
      );
      expect(text(await s.get("runs/R/status.json"))).toBe("v2");
      await s.put("runs/R/status.json", "v3", { ifMatch: v2.etag });
      expect(text(await s.get("runs/R/status.json"))).toBe("v3");
      await expect(s.put("runs/R/missing.json", "v", { ifMatch: v2.etag })).rejects.toBeInstanceOf(
        PreconditionFailedError,
      );
    });

    it("compareAndSwap creates, updates, and leaves unchanged when update returns undefined", async () => {
      const s = await make();
      const inc = (cur: Uint8Array | undefined) => String(Number(text(cur) ?? "0") + 1);
      expect((await compareAndSwap(s, "c/n", inc)).written).toBe(true);
      await compareAndSwap(s, "c/n", inc);
      expect(text(await s.get("c/n"))).toBe("2");
      const r = await compareAndSwap(s, "c/n", () => undefined);
      expect(r).toMatchObject({ written: false, attempts: 1 });
      expect(text(r.bytes)).toBe("2");
    });

    it("ranged get: exact bytes, short at the end, errors beyond the end and for bad ranges", async () => {
      const s = await make();
      const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) % 251);
      await s.put("bin/x.bin", bytes);
      expect([...(await s.getRange("bin/x.bin", 10, 5))]).toEqual([...bytes.subarray(10, 15)]);
      expect([...(await s.getRange("bin/x.bin", 990, 100))]).toEqual([...bytes.subarray(990)]);
      expect((await s.getRange("bin/x.bin", 0, 0)).byteLength).toBe(0);
      await expect(s.getRange("bin/x.bin", 1000, 1)).rejects.toBeInstanceOf(InputError);
      await expect(s.getRange("bin/x.bin", -1, 1)).rejects.toBeInstanceOf(InputError);
      await expect(s.getRange("bin/missing", 0, 1)).rejects.toBeInstanceOf(NotFoundError);
      const src = await s.byteSource("bin/x.bin");
      expect(src.size).toBe(1000);
      expect([...(await src.read(500, 3))]).toEqual([...bytes.subarray(500, 503)]);
      await src.close?.();
    });

    it("delete removes a key; deleting a missing key is no error", async () => {
      const s = await make();
      await s.put("active-runs/a.json", "{}");
      await s.put("active-runs/b.json", "{}");
      await s.delete("active-runs/a.json");
      await s.delete("active-runs/a.json");
      await s.delete("active-runs/never.json");
      expect(await s.list("active-runs/")).toEqual(["active-runs/b.json"]);
      expect(await s.tryGet("active-runs/a.json")).toBeUndefined();
    });

    it("list: plain string prefix, sorted, nothing outside the prefix", async () => {
      const s = await make();
      for (const k of ["r/a=1/x.parquet", "r/a=1/y.parquet", "r/a=2/x.parquet", "r/ab/z", "q/other"]) {
        await s.put(k, k);
      }
      expect(await s.list("r/a=1/")).toEqual(["r/a=1/x.parquet", "r/a=1/y.parquet"]);
      expect(await s.list("r/a")).toEqual([
        "r/a=1/x.parquet",
        "r/a=1/y.parquet",
        "r/a=2/x.parquet",
        "r/ab/z",
      ]);
      expect(await s.list("r/")).toHaveLength(4);
      expect(await s.list("nothing/")).toEqual([]);
      expect(await s.list("")).toHaveLength(5);
      await expect(s.list("../")).rejects.toBeInstanceOf(InputError);
    });

    it("refuses keys that escape the prefix", async () => {
      const s = await make();
      for (const k of ["../x", "/abs", "a//b", "a\\b", "a/\u0000b", "a/\uFF0E\uFF0E/b", "a\uFF0Fb"]) {
        await expect(s.put(k, "x")).rejects.toBeInstanceOf(InputError);
        await expect(s.tryGet(k)).rejects.toBeInstanceOf(InputError);
      }
    });
  });
}
