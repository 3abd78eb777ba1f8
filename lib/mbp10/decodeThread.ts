/**
 * Decoding in a second thread, overlapped with the replay (DESIGN.md performance targets). A worker thread
 * (lib/mbp10/decodeWorker.ts, shared by every stream of the process and kept while the process lives, unref'd
 * when idle) decodes row group k + 1 of a file while the replaying thread consumes row group k. The
 * replaying thread keeps the ByteSource (a file handle or an S3 client cannot move): the worker asks it for
 * byte ranges (and forwards prefetch announcements), the replaying thread answers with a copy it transfers.
 * Decoded batches come back with their buffers transferred, and the venue mapping (stateful, in replay order)
 * is applied on the replaying thread, so the batches are exactly those of the in-thread path.
 *
 * Protocol (one session per file, `id`):
 *   main -> worker  open {name, size, prefetch} | pull | bytes {reqId, bytes | message} | close
 *   worker -> main  read {reqId, offset, length} | prefetch {ranges} | batch {batch} | end | error {name, message}
 * Each pull yields one batch (or end / error); the replaying thread keeps one pull ahead of what it replays,
 * so at most two decoded row groups per file are alive.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { DataFormatError, errorMessage } from "../core/errors.ts";
import type { ByteSource } from "../ports/byteSource.ts";
import { type ByteRange, canPrefetch } from "../ports/prefetch.ts";
import type { RawEngineBatch } from "./reader.ts";

export type ToDecoder =
  | { op: "open"; id: number; name: string; size: number; prefetch: boolean }
  | { op: "pull"; id: number }
  | { op: "bytes"; id: number; reqId: number; bytes?: Uint8Array; message?: string }
  | { op: "close"; id: number };

export type FromDecoder =
  | { op: "read"; id: number; reqId: number; offset: number; length: number }
  | { op: "prefetch"; id: number; ranges: ByteRange[] }
  | { op: "batch"; id: number; batch: RawEngineBatch }
  | { op: "end"; id: number }
  | { op: "error"; id: number; name: string; message: string };

type Outcome = Extract<FromDecoder, { op: "batch" | "end" | "error" }>;

interface Session {
  readonly src: ByteSource;
  readonly ready: Outcome[];
  waiter?: (o: Outcome) => void;
  /** The first error of the source itself: rethrown as is (e.g. a RetryableError from S3). */
  readError?: unknown;
}

const ENTRY = new URL("./decodeWorker.mjs", import.meta.url);

class DecodeThread {
  private readonly worker: Worker;
  private readonly sessions = new Map<number, Session>();
  private nextId = 0;

  constructor(onDead: () => void) {
    this.worker = new Worker(ENTRY);
    this.worker.unref();
    this.worker.on("message", (m: FromDecoder) => this.onMessage(m));
    const die = (why: string, wasmTrap: boolean) => {
      onDead();
      for (const [id, s] of this.sessions)
        this.deliver(
          wasmTrap
            ? {
                op: "error",
                id,
                name: "DataFormatError",
                message: `${s.src.name}: cannot decode a row group (parquet-wasm stopped: ${why}); the file is probably corrupt, re-download or re-write it`,
              }
            : { op: "error", id, name: "Error", message: `the decode thread stopped: ${why}` },
        );
    };
    // a panic inside parquet-wasm (corrupt data) is a WebAssembly.RuntimeError that escapes its promise
    this.worker.on("error", (e) => die(errorMessage(e), e.name === "RuntimeError"));
    this.worker.on("exit", (code) => die(`exit code ${code}`, false));
  }

  private post(m: ToDecoder, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(m, transfer);
  }

  private deliver(o: Outcome): void {
    const s = this.sessions.get(o.id);
    if (!s) return;
    if (s.waiter) {
      const w = s.waiter;
      s.waiter = undefined;
      w(o);
    } else s.ready.push(o);
  }

  private onMessage(m: FromDecoder): void {
    const s = this.sessions.get(m.id);
    if (!s) return;
    switch (m.op) {
      case "read":
        s.src.read(m.offset, m.length).then(
          (bytes) => {
            const copy = bytes.slice(); // a view may share a pooled or prefetched block: send only these bytes
            this.post({ op: "bytes", id: m.id, reqId: m.reqId, bytes: copy }, [copy.buffer as ArrayBuffer]);
          },
          (e: unknown) => {
            s.readError ??= e;
            this.post({ op: "bytes", id: m.id, reqId: m.reqId, message: errorMessage(e) });
          },
        );
        break;
      case "prefetch":
        if (canPrefetch(s.src)) s.src.prefetch(m.ranges);
        break;
      default:
        this.deliver(m);
    }
  }

  open(src: ByteSource): number {
    const id = this.nextId++;
    this.sessions.set(id, { src, ready: [] });
    if (this.sessions.size === 1) this.worker.ref();
    this.post({ op: "open", id, name: src.name, size: src.size, prefetch: canPrefetch(src) });
    return id;
  }

  pull(id: number): void {
    this.post({ op: "pull", id });
  }

  next(id: number): Promise<Outcome> {
    const s = this.sessions.get(id)!;
    const o = s.ready.shift();
    if (o) return Promise.resolve(o);
    return new Promise((resolve) => {
      s.waiter = resolve;
    });
  }

  errorOf(id: number, o: Extract<Outcome, { op: "error" }>): unknown {
    const e = this.sessions.get(id)?.readError;
    if (e) return e;
    if (o.name === "DataFormatError") return new DataFormatError(o.message);
    return Object.assign(new Error(o.message), { name: o.name });
  }

  close(id: number): void {
    if (!this.sessions.delete(id)) return;
    this.post({ op: "close", id });
    if (this.sessions.size === 0) this.worker.unref();
  }
}

let shared: DecodeThread | undefined;
let available: boolean | undefined;

/** Whether a decode thread can run here (its entry file exists: not inside a single-file bundle). */
export function decodeThreadAvailable(): boolean {
  available ??= ENTRY.protocol === "file:" && existsSync(fileURLToPath(ENTRY));
  return available;
}

/** The raw engine batches of `src` (an MBP-10 Parquet source), decoded in the shared decode thread. */
export async function* threadedRawBatches(src: ByteSource): AsyncGenerator<RawEngineBatch> {
  shared ??= new DecodeThread(() => {
    shared = undefined;
  });
  const t = shared;
  const id = t.open(src);
  try {
    t.pull(id);
    for (;;) {
      const o = await t.next(id);
      if (o.op === "end") return;
      if (o.op === "error") throw t.errorOf(id, o);
      t.pull(id); // decode the next row group while this one is replayed
      yield o.batch;
    }
  } finally {
    t.close(id);
  }
}
