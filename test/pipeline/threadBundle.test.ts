/**
 * The pool threads' bundle cache (lib/pipeline/local/threadBundle.ts): built once per source key, earlier
 * bundles pruned only when unused for a day, a bundle in use kept fresh, a missing one never started from.
 */
import { existsSync, mkdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { buildThreadEntry, startFile } from "../../lib/pipeline/local/threadBundle.ts";
import { tempDir } from "../helpers/tmp.ts";

const DAY_MS = 86_400_000;
const ageFolder = (dir: string, ms: number) => {
  const t = new Date(Date.now() - ms);
  utimesSync(dir, t, t);
};

describe("thread bundle cache", () => {
  it("builds the bundle with its decode thread and wasm beside it, and reuses it", () => {
    const cache = tempDir("msor-bundle-");
    const a = buildThreadEntry(cache);
    expect(a.kind).toBe("bundle");
    const dir = dirname(fileURLToPath(a.url));
    for (const f of ["thread.mjs", "decodeWorker.mjs", "parquet_wasm_bg.wasm"])
      expect(existsSync(join(dir, f)), f).toBe(true);
    const before = statSync(join(dir, "thread.mjs")).mtimeMs;
    const b = buildThreadEntry(cache); // same sources: the same folder, not written again
    expect(b.url.href).toBe(a.url.href);
    expect(statSync(join(dir, "thread.mjs")).mtimeMs).toBe(before);
  });

  it("a new build prunes bundles unused for a day, not those used recently; starting a thread touches its bundle", () => {
    const cache = tempDir("msor-bundle-");
    const old = join(cache, "threads-0000000000000old");
    const recent = join(cache, "threads-00000000recent");
    for (const d of [old, recent]) {
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, "thread.mjs"), "");
    }
    ageFolder(old, 2 * DAY_MS);
    ageFolder(recent, 2 * 3_600_000);
    const entry = buildThreadEntry(cache);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    // a pool starting a thread on its bundle marks it as in use
    const dir = dirname(fileURLToPath(entry.url));
    ageFolder(dir, 2 * DAY_MS);
    expect(startFile(entry).href).toBe(entry.url.href);
    expect(Date.now() - statSync(dir).mtimeMs).toBeLessThan(DAY_MS);
    // a bundle removed all the same: threads start from the TypeScript entry
    rmSync(dir, { recursive: true, force: true });
    expect(startFile(entry).href).toMatch(/lib\/pipeline\/local\/threadEntry\.mjs$/);
  });
});
