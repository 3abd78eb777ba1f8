/** Local ObjectStore: the contract, key validation, and real concurrency (threads + processes racing CAS). */
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../lib/core/errors.ts";
import { LocalObjectStore } from "../../lib/ports/localObjectStore.ts";
import { validateKey, validateKeySegment, validatePrefix } from "../../lib/ports/objectStore.ts";
import { tempDir } from "../helpers/tmp.ts";
import { objectStoreContract } from "./objectStoreContract.ts";

const root = tempDir("msor-local-store-");
let n = 0;
objectStoreContract("local folder", () => new LocalObjectStore(join(root, `s${++n}`)));

describe("key validation", () => {
  const bad: [string, RegExp][] = [
    ["", /empty/],
    ["../x", /relative path reference/],
    ["a/../../x", /segment 2 '..' is a relative path reference/],
    ["./x", /relative path reference/],
    ["a/.../b", /relative path reference/],
    ["/etc/passwd", /absolute keys are refused/],
    ["a//b", /segment 2 it is empty/],
    ["a/b/", /segment 3 it is empty/],
    ["a\\..\\b", /backslash/],
    ["a/b\u0000c", /NUL/],
    ["a/b\nc", /control character \(U\+000A\)/],
    ["a/b c", /a space/],
    ["a/\uFF0E\uFF0E/b", /U\+FF0E/], // full-width dots
    ["a\uFF0Fb", /U\+FF0F/], // full-width slash
    ["a\u2215b", /U\+2215/], // division slash
    ["cafe\u0301", /U\+0301/], // non-NFC (combining acute)
    ["caf\u00e9", /U\+00E9/], // NFC but non-ASCII
    ["a/b:c", /':'/],
    ["a/b#lock", /'#'/],
    ["x".repeat(1025), /longer than 1024/],
  ];
  it.each(bad)("refuses %j", (key, reason) => {
    expect(() => validateKey(key)).toThrow(InputError);
    expect(() => validateKey(key)).toThrow(reason);
  });

  it("accepts the layout's keys", () => {
    for (const k of [
      "results/executions/run_id=r-1/date=2024-03-05/AAPL.parquet",
      "calibration/v=1/symbol=BRK.B/date=2024-03-05/calibration.parquet",
      "runs/20240305T120000-ab12/status.json",
      "mbp10/XNAS/AAPL/2024-03-05.parquet",
      ".hidden/x",
    ]) {
      expect(validateKey(k)).toBe(k);
    }
  });

  it("segments and prefixes", () => {
    expect(validateKeySegment("BRK.B", "symbol")).toBe("BRK.B");
    expect(() => validateKeySegment("../x", "symbol")).toThrow(/invalid symbol "..\/x": it contains '\/'/);
    expect(() => validateKeySegment("..", "symbol")).toThrow(/relative path reference/);
    expect(validatePrefix("")).toBe("");
    expect(validatePrefix("runs/R/tasks/t-")).toBe("runs/R/tasks/t-");
    expect(() => validatePrefix("runs/../")).toThrow(InputError);
    expect(() => validatePrefix("/runs/")).toThrow(InputError);
    expect(() => validatePrefix("runs/..")).toThrow(InputError);
  });

  it("property: every key that validates resolves strictly inside the root", () => {
    const base = resolve("/srv/root");
    const chars = [..."Aa0._=-/\\ ", "\uFF0E", "\uFF0F", "\u0000", "\u0301"];
    const seg = fc.array(fc.constantFrom(...chars), { maxLength: 8 }).map((cs) => cs.join(""));
    fc.assert(
      fc.property(fc.array(seg, { minLength: 1, maxLength: 5 }), (parts) => {
        const key = parts.join("/");
        let ok = true;
        try {
          validateKey(key);
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
          ok = false;
        }
        if (ok) expect(resolve(base, ...key.split("/")).startsWith(base + sep)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("local store internals", () => {
  it("temp and lock files never appear in list() and leave nothing behind", async () => {
    const s = new LocalObjectStore(join(root, "internals"));
    const v = await s.put("d/k.json", "1");
    await s.put("d/k.json", "2", { ifMatch: v.etag });
    await expect(s.put("d/k.json", "3", { ifMatch: v.etag })).rejects.toThrow(/put-if-match refused/);
    await expect(s.put("d/k.json", "3", { ifNoneMatch: true })).rejects.toThrow(/put-if-absent refused/);
    expect(readdirSync(join(root, "internals", "d"))).toEqual(["k.json"]);
    expect(await s.list("d/")).toEqual(["d/k.json"]);
  });

  it("list() follows symbolic links to files and folders (as get() does), and ends on a link cycle", async () => {
    const elsewhere = tempDir("msor-linked-");
    mkdirSync(join(elsewhere, "days"), { recursive: true });
    writeFileSync(join(elsewhere, "days", "2024-03-05.parquet"), "b");
    writeFileSync(join(elsewhere, "one.parquet"), "a");
    const storeRoot = join(root, "links");
    mkdirSync(join(storeRoot, "in", "SYNA"), { recursive: true });
    symlinkSync(join(elsewhere, "one.parquet"), join(storeRoot, "in", "SYNA", "2024-03-04.parquet"));
    symlinkSync(join(elsewhere, "days"), join(storeRoot, "in", "SYNB"));
    symlinkSync(join(elsewhere, "nowhere.parquet"), join(storeRoot, "in", "SYNA", "broken.parquet"));
    symlinkSync(join(storeRoot, "in"), join(storeRoot, "in", "loop"));
    const s = new LocalObjectStore(storeRoot);
    expect(await s.list("in/")).toEqual(["in/SYNA/2024-03-04.parquet", "in/SYNB/2024-03-05.parquet"]);
    expect(new TextDecoder().decode(await s.get("in/SYNB/2024-03-05.parquet"))).toBe("b");
  });

  it("breaks a lock left behind by a crashed writer once it is stale", async () => {
    const dir = join(root, "stale");
    let now = 1_000_000;
    const s = new LocalObjectStore(dir, { lockStaleMs: 5_000, now: () => now });
    await s.put("k", "v0");
    const { writeFileSync, utimesSync } = await import("node:fs");
    writeFileSync(join(dir, "k#lock"), "99999:0:1");
    utimesSync(join(dir, "k#lock"), new Date(0), new Date(0)); // mtime far in the past
    now = 10_000_000;
    await s.put("k", "v1");
    expect(Buffer.from(await s.get("k")).toString()).toBe("v1");
    expect(readdirSync(dir)).toEqual(["k"]);
  });
});

describe("concurrent writers (no lost update)", () => {
  const script = fileURLToPath(new URL("./fixtures/casIncrement.ts", import.meta.url));

  it("3 worker_threads and 2 child processes race CAS increments and one put-if-absent", async () => {
    const dir = join(root, "race");
    const perWriter = 25;
    const threads = [0, 1, 2].map(
      (i) =>
        new Promise<string>((res, rej) => {
          // a TypeScript worker: register tsx inside the thread, then import the script
          const boot = `import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(
            pathToFileURL(script).href,
          )}); });`;
          const w = new Worker(boot, {
            eval: true,
            workerData: { root: dir, key: "runs/R/status.json", n: perWriter, id: `t${i}` },
          });
          w.once("message", (m) => res(String(m)));
          w.once("error", rej);
        }),
    );
    const procs = [0, 1].map(
      (i) =>
        new Promise<string>((res, rej) => {
          const p = spawn(
            process.execPath,
            ["--import", "tsx", script, dir, "runs/R/status.json", String(perWriter), `p${i}`],
            { stdio: ["ignore", "pipe", "pipe"] },
          );
          let out = "";
          let err = "";
          p.stdout.on("data", (d) => (out += d));
          p.stderr.on("data", (d) => (err += d));
          p.on("close", (code) =>
            code === 0 ? res(out) : rej(new Error(`child ${i} exited ${code}: ${err}`)),
          );
        }),
    );
    const results = (await Promise.all([...threads, ...procs])).map(
      (r) => JSON.parse(r) as { id: string; conflicts: number; won: boolean },
    );
    const s = new LocalObjectStore(dir);
    const status = JSON.parse(Buffer.from(await s.get("runs/R/status.json")).toString()) as {
      count: number;
      ids: string[];
    };
    const total = 5 * perWriter;
    expect(status.count).toBe(total);
    expect(new Set(status.ids).size).toBe(total);
    // exactly one writer won the put-if-absent, and the marker holds its id
    const winners = results.filter((r) => r.won);
    expect(winners).toHaveLength(1);
    expect(Buffer.from(await s.get("marker/once.json")).toString()).toBe(winners[0]!.id);
    expect(await s.list("")).toEqual(["marker/once.json", "runs/R/status.json"]);
  });
});
