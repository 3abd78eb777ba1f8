/**
 * The local pool's worker threads start from one bundled JavaScript file instead of loading ~150 TypeScript
 * modules through tsx each: measured on the bench sweep (2 cores), a thread is ready in ~0.15 s instead of
 * ~0.45 s with 1 worker and ~0.8 s with 2 (they contend for the loader), and the whole sweep is ~10% faster
 * (less for V8 to compile in every thread). Same code, same results: esbuild bundles the same sources tsx
 * transforms (the Lambda assets are built the same way, infra/constructs/functions.ts).
 *
 * The bundle (the thread's entry, the decode thread's entry beside it, parquet-wasm's .wasm beside them: the
 * layout the Lambda asset has) lives in node_modules/.cache/msor/threads-<key>/, the key a hash of every
 * source under lib/ and of the installed packages (node_modules/.package-lock.json): built (~0.25 s) by the
 * first pool after a change, reused as is by the next ones. Where it cannot be built or written (no esbuild,
 * a read-only install), the pool falls back to the TypeScript entry (threadEntry.mjs, through tsx) and says
 * why in its `entry`.
 */
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { threadId } from "node:worker_threads";
import { errorMessage } from "../../core/errors.ts";
import { DECODE_WORKER_FILE } from "../../mbp10/decodeThread.ts";
import { WASM_FILE, wasmPath } from "../../parquet/wasm.ts";
import { systemClock } from "../../ports/clock.ts";

/** The same settings as the Lambda bundles (ESM keeps import.meta.url, which finds the files beside). */
const BANNER =
  "import { createRequire as __msorCreateRequire } from 'node:module'; const require = __msorCreateRequire(import.meta.url);";

const HERE = dirname(fileURLToPath(import.meta.url));
const LIB = join(HERE, "..", "..");
const PROJECT = join(LIB, "..");
/** Bumped when the bundle's settings below change (part of the key). */
const BUNDLE_VERSION = "1";
const THREAD_SOURCE = join(HERE, "thread.ts");
const DECODE_SOURCE = join(LIB, "mbp10", "decodeWorker.ts");
/**
 * Left out of the bundle, resolved from node_modules at run time: native packages (DuckDB: a worker thread
 * does not use it today; should one import it, its .node binary could not be bundled).
 */
const EXTERNAL = ["@duckdb/node-api"];

export type ThreadEntry =
  | { readonly kind: "bundle"; readonly url: URL }
  | { readonly kind: "typescript"; readonly url: URL; readonly why: string };

const TS_ENTRY = new URL("./threadEntry.mjs", import.meta.url);

let built: ThreadEntry | undefined;

/** The entry file of the pool's worker threads (looked up or built once per process; see the module doc). */
export function threadEntry(): ThreadEntry {
  built ??= buildThreadEntry(join(PROJECT, "node_modules", ".cache", "msor"));
  return built;
}

/**
 * The file a new thread of the pool starts from (at every start: a replacement thread too). The bundle's
 * folder is touched, so that other processes' builds leave it (pruneOlder); were it gone all the same, the
 * thread starts from the TypeScript entry.
 */
export function startFile(entry: ThreadEntry): URL {
  if (entry.kind !== "bundle") return entry.url;
  try {
    const now = new Date(systemClock.now());
    utimesSync(dirname(fileURLToPath(entry.url)), now, now);
    return entry.url;
  } catch {
    return TS_ENTRY;
  }
}

/** The bundle for the current sources in `cacheDir` (built there if missing), or the TypeScript entry and why. */
export function buildThreadEntry(cacheDir: string): ThreadEntry {
  try {
    const dir = join(cacheDir, `threads-${sourceKey()}`);
    const entry = join(dir, "thread.mjs");
    if (!existsSync(entry)) write(dir);
    return { kind: "bundle", url: pathToFileURL(entry) };
  } catch (e) {
    return { kind: "typescript", url: TS_ENTRY, why: `cannot bundle the thread entry: ${errorMessage(e)}` };
  }
}

/** Hash of what the bundle is made of: every file under lib/, the installed packages, the settings. */
function sourceKey(): string {
  const h = createHash("sha256").update(BUNDLE_VERSION);
  const files = (readdirSync(LIB, { recursive: true }) as string[])
    .filter((f) => /\.(ts|mjs)$/.test(f))
    .sort();
  for (const f of files)
    h.update(f)
      .update("\0")
      .update(readFileSync(join(LIB, f)))
      .update("\0");
  const installed = join(PROJECT, "node_modules", ".package-lock.json");
  h.update(existsSync(installed) ? readFileSync(installed) : "no package lock");
  return h.digest("hex").slice(0, 16);
}

function write(dir: string): void {
  const require = createRequire(import.meta.url);
  const esbuild = require("esbuild") as typeof import("esbuild");
  const bundle = (entry: string, outfile: string) =>
    esbuild.buildSync({
      entryPoints: [entry],
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      mainFields: ["module", "main"],
      banner: { js: BANNER },
      external: EXTERNAL,
      outfile,
      write: false,
      logLevel: "silent",
    }).outputFiles[0]!.contents;
  // written in a folder of its own, then renamed: a concurrent pool sees all of it or none of it
  const tmp = `${dir}.${process.pid}-${threadId}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    writeFileSync(join(tmp, DECODE_WORKER_FILE), bundle(DECODE_SOURCE, DECODE_WORKER_FILE));
    writeFileSync(join(tmp, WASM_FILE), readFileSync(wasmPath()));
    writeFileSync(join(tmp, "thread.mjs"), bundle(THREAD_SOURCE, "thread.mjs"));
    renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(join(dir, "thread.mjs"))) throw e; // else another pool wrote the same bundle first
  }
  pruneOlder(dirname(dir), dir);
}

/**
 * Bundles of earlier sources (a developer's edits, another checkout's packages) go once unused for a day: a
 * pool touches its bundle's folder whenever it starts a thread (startFile), and its decode threads start with
 * its threads' first tasks.
 */
function pruneOlder(cacheDir: string, keep: string): void {
  const dayAgo = systemClock.now() - 86_400_000;
  for (const name of readdirSync(cacheDir)) {
    const p = join(cacheDir, name);
    if (p === keep || !name.startsWith("threads-")) continue;
    try {
      if (statSync(p).mtimeMs < dayAgo) rmSync(p, { recursive: true, force: true });
    } catch {
      // gone already, or not ours to remove: left as is
    }
  }
}
