/**
 * Local ObjectStore: a folder whose layout is exactly the S3 key layout (the embedded default backend).
 *
 * Safe under concurrent writers in several worker_threads and several processes:
 * - every write goes to a temp file first and is renamed into place (readers never see half an object);
 * - every write of a key holds that key's lock file (`<key>#lock`, created with O_EXCL, which is atomic
 *   across processes), so the check of a put-if-absent / put-if-match and the rename are one atomic step;
 * - the ETag is the quoted MD5 of the content (what S3 returns for a single-part upload), so it is
 *   deterministic and needs no side file.
 * Temp and lock names contain '#', which no valid key can, so they never show up in list() or collide with
 * a key. A lock older than `lockStaleMs` (its holder crashed) is broken.
 */
import { createHash } from "node:crypto";
import { mkdir, open, readdir, readFile, realpath, rename, stat, unlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { threadId } from "node:worker_threads";
import {
  InputError,
  NotFoundError,
  PreconditionFailedError,
  RetryableError,
  toMsorError,
} from "../core/errors.ts";
import type { ByteSource } from "./byteSource.ts";
import { fileSource } from "./fileSource.ts";
import {
  checkRange,
  keySegmentProblem,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
  type PutResult,
  type SkippedKeyHook,
  type Versioned,
  validateKey,
  validatePrefix,
  warnSkippedKey,
} from "./objectStore.ts";

export { PreconditionFailedError };

export interface LocalObjectStoreOptions {
  /** A lock older than this is considered abandoned by a crashed writer and broken (default 30 s). */
  lockStaleMs?: number;
  /** Give up waiting for a key's lock after this long with a RetryableError (default 60 s). */
  lockTimeoutMs?: number;
  /** Wall clock in ms (lock staleness only); default Date.now. */
  now?: () => number;
  /** Told of each file a listing leaves out because no key can name it (default: a process warning). */
  onSkippedKey?: SkippedKeyHook;
}

/** Quoted MD5 hex of the content: S3's ETag of a single-part upload. */
export function contentEtag(bytes: Uint8Array): string {
  return `"${createHash("md5").update(bytes).digest("hex")}"`;
}

let tmpCounter = 0;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const isCode = (e: unknown, code: string) => (e as NodeJS.ErrnoException | null)?.code === code;

export class LocalObjectStore implements ObjectStore {
  private readonly lockStaleMs: number;
  private readonly lockTimeoutMs: number;
  private readonly now: () => number;
  private readonly onSkippedKey: SkippedKeyHook;

  constructor(
    readonly root: string,
    options: LocalObjectStoreOptions = {},
  ) {
    this.lockStaleMs = options.lockStaleMs ?? 30_000;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 60_000;
    this.now = options.now ?? Date.now;
    this.onSkippedKey = options.onSkippedKey ?? warnSkippedKey;
  }

  private path(key: string): string {
    return join(this.root, ...validateKey(key).split("/"));
  }

  describe(key: string): string {
    return this.path(key);
  }

  async get(key: string): Promise<Uint8Array> {
    const v = await this.tryGet(key);
    if (!v)
      throw new NotFoundError(`object ${this.path(key)} does not exist; check the key and the root folder`);
    return v;
  }

  async tryGet(key: string): Promise<Uint8Array | undefined> {
    const p = this.path(key);
    try {
      return await readFile(p);
    } catch (e) {
      if (isCode(e, "ENOENT") || isCode(e, "ENOTDIR")) return undefined;
      throw toMsorError(e, `read ${p}`);
    }
  }

  async getWithEtag(key: string): Promise<Versioned | undefined> {
    const bytes = await this.tryGet(key);
    return bytes ? { bytes, etag: contentEtag(bytes) } : undefined;
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const v = await this.getWithEtag(key);
    return v ? { size: v.bytes.byteLength, etag: v.etag } : undefined;
  }

  async getRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    const p = this.path(key);
    checkRange(p, offset, length);
    let fh: Awaited<ReturnType<typeof open>>;
    try {
      fh = await open(p, "r");
    } catch (e) {
      throw toMsorError(e, `read ${p}`);
    }
    try {
      const { size } = await fh.stat();
      if (length > 0 && offset >= size) {
        throw new InputError(`range [${offset}, ${offset + length}) of ${p} starts beyond its ${size} bytes`);
      }
      const n = Math.min(length, size - offset);
      const buf = new Uint8Array(n);
      let got = 0;
      while (got < n) {
        const { bytesRead } = await fh.read(buf, got, n - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return got === n ? buf : buf.subarray(0, got);
    } finally {
      await fh.close();
    }
  }

  async put(key: string, bytes: Uint8Array | string, options: PutOptions = {}): Promise<PutResult> {
    const p = this.path(key);
    const data = typeof bytes === "string" ? Buffer.from(bytes, "utf8") : bytes;
    const etag = contentEtag(data);
    await mkdir(dirname(p), { recursive: true });
    const tmp = `${p}#tmp-${process.pid}-${threadId}-${++tmpCounter}`;
    await writeFile(tmp, data, { flag: "wx" });
    try {
      await this.withLock(p, async () => {
        if (options.ifNoneMatch || options.ifMatch !== undefined) {
          const cur = await this.getWithEtag(key);
          if (options.ifNoneMatch && cur) {
            throw new PreconditionFailedError(`object ${p} already exists (put-if-absent refused)`);
          }
          if (options.ifMatch !== undefined && cur?.etag !== options.ifMatch) {
            throw new PreconditionFailedError(
              `object ${p} ${cur ? `has ETag ${cur.etag}` : "does not exist"}, not ${options.ifMatch} ` +
                "(put-if-match refused); re-read it and retry",
            );
          }
        }
        await rename(tmp, p);
      });
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
    return { etag };
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.path(key));
    } catch (e) {
      if (!isCode(e, "ENOENT")) throw toMsorError(e, `delete ${this.path(key)}`);
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.path(key))).isFile();
    } catch {
      return false;
    }
  }

  async list(prefix: string): Promise<string[]> {
    validatePrefix(prefix);
    const cut = prefix.lastIndexOf("/");
    const baseKey = cut >= 0 ? prefix.slice(0, cut) : "";
    const out: string[] = [];
    // symbolic links are followed (a folder of input files linked from elsewhere is listed as get() reads it);
    // `walked` holds the real paths of the folders being walked, so that a link cycle ends
    const walked = new Set<string>();
    const walk = async (dir: string, keyPrefix: string) => {
      let entries: import("node:fs").Dirent[];
      let real: string;
      try {
        real = await realpath(dir);
        entries = await readdir(dir, { withFileTypes: true });
      } catch (e) {
        if (isCode(e, "ENOENT") || isCode(e, "ENOTDIR")) return;
        throw toMsorError(e, `list ${dir}`);
      }
      if (walked.has(real)) return;
      walked.add(real);
      for (const e of entries) {
        const k = keyPrefix + e.name;
        const problem = keySegmentProblem(e.name);
        if (problem !== undefined) {
          // this store's own temp and lock files carry a '#', which no key can: skipped silently; any other
          // name no key can take is left out with a warning (the S3 store does the same)
          if (!e.name.includes("#") && (k.startsWith(prefix) || prefix.startsWith(k)))
            this.onSkippedKey(join(dir, e.name), problem);
          continue;
        }
        const p = join(dir, e.name);
        const kind = e.isSymbolicLink()
          ? await linkKind(p)
          : e.isDirectory()
            ? "dir"
            : e.isFile()
              ? "file"
              : "other";
        if (kind === "dir") await walk(p, `${k}/`);
        else if (kind === "file" && k.startsWith(prefix)) out.push(k);
      }
      walked.delete(real);
    };
    await walk(baseKey === "" ? this.root : this.path(baseKey), baseKey === "" ? "" : `${baseKey}/`);
    return out.sort();
  }

  async byteSource(key: string): Promise<ByteSource> {
    return fileSource(this.path(key));
  }

  /** Run `fn` holding the lock file of path `p` (exclusive across threads and processes). */
  private async withLock<T>(p: string, fn: () => Promise<T>): Promise<T> {
    const lock = `${p}#lock`;
    const token = `${process.pid}:${threadId}:${++tmpCounter}`;
    const start = this.now();
    for (let attempt = 0; ; attempt++) {
      try {
        const fh = await open(lock, "wx");
        await fh.writeFile(token);
        await fh.close();
        break;
      } catch (e) {
        if (!isCode(e, "EEXIST")) throw toMsorError(e, `lock ${lock}`);
      }
      await this.breakIfStale(lock);
      if (this.now() - start > this.lockTimeoutMs) {
        throw new RetryableError(
          `timed out after ${this.lockTimeoutMs} ms waiting for the lock ${lock}; another writer holds it ` +
            "(remove the file if no writer is running)",
        );
      }
      await sleep(Math.min(1 + attempt, 20));
    }
    try {
      return await fn();
    } finally {
      // only remove our own lock (a stale-lock breaker may have replaced it)
      const held = await readFile(lock, "utf8").catch(() => undefined);
      if (held === token) await unlink(lock).catch(() => undefined);
    }
  }

  private async breakIfStale(lock: string): Promise<void> {
    try {
      const st = await stat(lock);
      if (this.now() - st.mtimeMs <= this.lockStaleMs) return;
      // rename is atomic: of several breakers only one moves the stale lock away
      const aside = `${lock}#stale-${process.pid}-${threadId}-${++tmpCounter}`;
      await rename(lock, aside);
      await unlink(aside).catch(() => undefined);
    } catch {
      // the lock went away meanwhile: just retry
    }
  }
}

/** What a symbolic link points to ("other" when it points nowhere). */
async function linkKind(p: string): Promise<"dir" | "file" | "other"> {
  try {
    const st = await stat(p);
    return st.isDirectory() ? "dir" : st.isFile() ? "file" : "other";
  } catch {
    return "other";
  }
}
