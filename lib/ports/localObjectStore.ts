/** Local ObjectStore: a folder whose layout is exactly the S3 key layout (the embedded default backend). */
import { mkdir, open, readdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { MsorError, NotFoundError } from "../core/errors.ts";
import type { ByteSource } from "./byteSource.ts";
import { fileSource } from "./fileSource.ts";
import { type ObjectStore, type PutOptions, validateKey } from "./objectStore.ts";

export class PreconditionFailedError extends MsorError {}

export class LocalObjectStore implements ObjectStore {
  constructor(readonly root: string) {}

  private path(key: string): string {
    return join(this.root, ...validateKey(key).split("/"));
  }

  describe(key: string): string {
    return this.path(key);
  }

  async get(key: string): Promise<Uint8Array> {
    const v = await this.tryGet(key);
    if (!v) throw new NotFoundError(`object ${this.path(key)} does not exist`);
    return v;
  }

  async tryGet(key: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.path(key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
  }

  async put(key: string, bytes: Uint8Array | string, options: PutOptions = {}): Promise<void> {
    const p = this.path(key);
    await mkdir(dirname(p), { recursive: true });
    if (options.ifNoneMatch) {
      try {
        const fh = await open(p, "wx");
        await fh.writeFile(bytes);
        await fh.close();
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EEXIST") {
          throw new PreconditionFailedError(`object ${p} already exists (conditional put refused)`);
        }
        throw e;
      }
      return;
    }
    // write-then-rename so readers never see a half-written object
    const tmp = `${p}.tmp-${process.pid}`;
    await writeFile(tmp, bytes);
    await rename(tmp, p);
  }

  async exists(key: string): Promise<boolean> {
    try {
      await stat(this.path(key));
      return true;
    } catch {
      return false;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const base = prefix.replace(/\/+$/, "");
    const dir = base === "" ? this.root : this.path(base);
    const out: string[] = [];
    const walk = async (d: string) => {
      let entries: import("node:fs").Dirent[];
      try {
        entries = await readdir(d, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const full = join(d, e.name);
        if (e.isDirectory()) await walk(full);
        else if (!e.name.includes(".tmp-")) out.push(relative(this.root, full).split(sep).join("/"));
      }
    };
    await walk(dir);
    return out.sort();
  }

  async byteSource(key: string): Promise<ByteSource> {
    return fileSource(this.path(key));
  }
}
