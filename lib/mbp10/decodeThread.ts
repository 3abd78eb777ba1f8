/**
 * Decoding in a second thread, overlapped with the replay (DESIGN.md performance targets). A worker thread
 * (lib/mbp10/decodeWorker.ts, shared by every stream of the thread that starts it and kept while that thread
 * lives, unref'd when no session is open: a stream closes its session when it ends or stops early) decodes
 * row group k + 1 of a file while the replaying thread consumes row group k. The replaying thread keeps the
 * ByteSource (a file handle or an S3 client cannot move) and reads AHEAD: the decode thread tells it, once the
 * file is open, the byte ranges of every row group's engine columns; the replaying thread reads row group
 * k + 1's ranges while it replays k and hands them over with the pull of k + 1, so a row group's decode does
 * not wait for the replaying thread's event loop (busy replaying). Reads the plan does not cover (the footer at
 * the open, a file whose layout is not the usual one) are asked for one by one and do wait for it.
 * Decoded batches come back with their buffers transferred, and the venue mapping (stateful, in replay order)
 * is applied on the replaying thread, so the batches are exactly those of the in-thread path.
 *
 * Protocol (one session per file, `id`):
 *   main -> worker  open {name, size, maxLevels} | pull {chunks} | bytes {reqId, bytes | message} | release | close
 *   worker -> main  read {reqId, offset, length} | opened {ranges} | batch {batch} | end | error {name, message}
 * Each pull yields one batch (or end / error); the replaying thread keeps one pull ahead of what it replays,
 * so at most two decoded row groups per file are alive, plus the bytes of one row group read ahead.
 *
 * Release (option `releaseBatches`): when the consumer asks for batch k + 1, batch k's slab (its typed arrays
 * lie in one buffer, lib/mbp10/slab.ts) is transferred back to the decode thread, which decodes a later row
 * group into it: hundreds of MB of decoded columns per day would otherwise be allocated and collected (on
 * the replaying thread each 64 MB of them triggered a full GC of its heap, about a fifth of its time on a
 * 2M-row day; in the decode thread a GC every few row groups). Only for consumers that keep no reference into
 * a batch past their next request (runTask settles its VenueBooks at every batch end); reading a released
 * batch sees empty (detached) arrays.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { DataFormatError, errorMessage } from "../core/errors.ts";
import { type ByteSource, ownsBuffer } from "../ports/byteSource.ts";
import { type ByteRange, canPrefetch } from "../ports/prefetch.ts";
import type { RawEngineBatch } from "./schema.ts";
import { slabOf } from "./slab.ts";

/** Bytes of the file at `offset`, handed to the decode thread ahead of the reads that need them. */
export interface Chunk {
  readonly offset: number;
  readonly bytes: Uint8Array;
}

export type ToDecoder =
  | { op: "open"; id: number; name: string; size: number; maxLevels: number }
  | { op: "pull"; id: number; chunks: Chunk[] }
  | { op: "bytes"; id: number; reqId: number; bytes?: Uint8Array; message?: string }
  | { op: "release"; id: number; buffers: ArrayBuffer[] }
  | { op: "close"; id: number };

export type FromDecoder =
  | { op: "read"; id: number; reqId: number; offset: number; length: number }
  | { op: "opened"; id: number; ranges: ByteRange[][] }
  | { op: "batch"; id: number; batch: RawEngineBatch }
  | { op: "end"; id: number }
  | { op: "error"; id: number; name: string; message: string; stopped?: boolean };

type Outcome = Extract<FromDecoder, { op: "opened" | "batch" | "end" | "error" }>;

interface Session {
  readonly src: ByteSource;
  readonly ready: Outcome[];
  waiter?: (o: Outcome) => void;
  /** The first error of the source itself: rethrown as is (e.g. a RetryableError from S3). */
  readError?: unknown;
}

/** The decode thread's entry file, looked up beside this module (and beside a bundle of it: threadBundle.ts). */
export const DECODE_WORKER_FILE = "decodeWorker.mjs";
const ENTRY = new URL(`./${DECODE_WORKER_FILE}`, import.meta.url);

class DecodeThread {
  private readonly worker: Worker;
  private readonly sessions = new Map<number, Session>();
  private nextId = 0;

  private retired = false;

  /** `onDead(this)`: this thread can take no more sessions (it exited, or was retired). */
  constructor(private readonly onDead: (t: DecodeThread) => void) {
    this.worker = new Worker(ENTRY);
    this.worker.unref();
    this.worker.on("message", (m: FromDecoder) => this.onMessage(m));
    const die = (why: string, wasmTrap: boolean) => {
      onDead(this);
      for (const [id, s] of this.sessions)
        this.deliver(
          wasmTrap
            ? {
                op: "error",
                id,
                name: "DataFormatError",
                message: `${s.src.name}: cannot decode a row group (parquet-wasm stopped: ${why}); the file is probably corrupt, re-download or re-write it`,
              }
            : {
                op: "error",
                id,
                name: "Error",
                message: this.retired
                  ? "the decode thread stopped: parquet-wasm trapped on a corrupt file of the same replay"
                  : `the decode thread stopped: ${why}`,
              },
        );
    };
    // a panic inside parquet-wasm (corrupt data) that its guard did not turn into a failed read (none pending)
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
        readsAsked++;
        s.src.read(m.offset, m.length).then(
          (bytes) => {
            const out = transferable(s.src, bytes); // never a block the source keeps
            this.post({ op: "bytes", id: m.id, reqId: m.reqId, bytes: out }, [out.buffer as ArrayBuffer]);
          },
          (e: unknown) => {
            s.readError ??= e;
            this.post({ op: "bytes", id: m.id, reqId: m.reqId, message: errorMessage(e) });
          },
        );
        break;
      default:
        this.deliver(m);
        // parquet-wasm trapped there (corrupt data): it can decode no more; the next stream starts a new one
        if (m.op === "error" && m.stopped) this.retire();
    }
  }

  private retire(): void {
    if (this.retired) return;
    this.retired = true;
    this.onDead(this);
    void this.worker.terminate();
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  open(src: ByteSource, maxLevels: number): number {
    const id = this.nextId++;
    this.sessions.set(id, { src, ready: [] });
    if (this.sessions.size === 1) this.worker.ref();
    this.post({ op: "open", id, name: src.name, size: src.size, maxLevels });
    return id;
  }

  /** Hand a batch's slab back (detached here; the decode thread reuses it). */
  release(id: number, batch: RawEngineBatch): void {
    const buffers = [slabOf(batch)];
    this.post({ op: "release", id, buffers }, buffers);
  }

  /** Decode the next row group with `chunks` (its bytes read ahead; transferred, so not usable here after). */
  pull(id: number, chunks: Chunk[] = []): void {
    this.post(
      { op: "pull", id, chunks },
      chunks.map((c) => c.bytes.buffer as ArrayBuffer),
    );
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

/**
 * One decode thread per replaying thread. (Measured on a 2M-row day, 2 cores: two decode threads alternating
 * row groups won no time and cost +170 MB of RSS; the replaying thread decoding a row group itself while it
 * would wait was slower (1.7x the decode instead of ~1.6x).)
 */
let shared: DecodeThread | undefined;
let defaultOn: boolean | undefined;

/**
 * Whether a stream decodes in a second thread when its options do not say (Mbp10OpenOptions.decodeThread):
 * by default when the machine has a core to spare for it (availableParallelism() >= 2). A local pool whose
 * worker threads already use every core turns it off in them (`setDecodeThreadDefault(false)`).
 */
export function decodeThreadByDefault(): boolean {
  return defaultOn ?? availableParallelism() >= 2;
}

/** Set this thread's default (see decodeThreadByDefault); undefined restores the core-count rule. */
export function setDecodeThreadDefault(on: boolean | undefined): void {
  defaultOn = on;
}
let readsAsked = 0;

/** Decode sessions open in this thread (one per file being decoded; tests check that early stops close them). */
export function openDecodeSessions(): number {
  return shared?.sessionCount ?? 0;
}

/**
 * Reads the decode threads of this thread have asked for one by one so far (not read ahead): the opens'
 * footer reads, plus any range the read plan missed (tests and the benchmark check that row groups are not
 * among them).
 */
export function decodeThreadReadsAsked(): number {
  return readsAsked;
}
let available: boolean | undefined;

/** Whether a decode thread can run here (its entry file exists: not inside a single-file bundle). */
export function decodeThreadAvailable(): boolean {
  available ??= ENTRY.protocol === "file:" && existsSync(fileURLToPath(ENTRY));
  return available;
}

/**
 * Bytes of `src` that may be transferred: a source whose reads are fresh buffers (`freshReads`, a file) hands
 * them over as they are; any other read is copied (it may be a view of, or the whole of, a block the source
 * keeps, e.g. a prefetched S3 block: transferring it would detach the source's copy).
 */
function transferable(src: ByteSource, b: Uint8Array): Uint8Array {
  return src.freshReads === true && ownsBuffer(b) ? b : b.slice();
}

/**
 * Start reading `ranges` of `src` (announced first to a prefetching source, which coalesces them into few
 * requests). The promise never rejects unobserved: a failure is kept until the pull that needs it.
 */
function readAhead(src: ByteSource, ranges: readonly ByteRange[]): Promise<Chunk[]> {
  if (ranges.length === 0) return Promise.resolve([]);
  if (canPrefetch(src)) src.prefetch(ranges);
  const p = Promise.all(
    ranges.map(async (r) => ({
      offset: r.offset,
      bytes: transferable(src, await src.read(r.offset, r.length)),
    })),
  );
  p.catch(() => undefined);
  return p;
}

/**
 * The raw engine batches of `src` (an MBP-10 Parquet source; `maxLevels` levels read, Mbp10OpenOptions),
 * decoded in the shared decode thread. With `releaseBatches`, a batch's buffers are handed back (detached)
 * when the next batch is asked for.
 */
export async function* threadedRawBatches(
  src: ByteSource,
  maxLevels: number,
  releaseBatches = false,
): AsyncGenerator<RawEngineBatch> {
  shared ??= new DecodeThread((dead) => {
    if (shared === dead) shared = undefined; // not a newer thread started since
  });
  const t = shared;
  const id = t.open(src, maxLevels);
  try {
    const opened = await t.next(id);
    if (opened.op === "error") throw t.errorOf(id, opened);
    if (opened.op !== "opened") throw new Error(`decode thread: expected "opened", got "${opened.op}"`);
    const plan = opened.ranges;
    t.pull(id, await readAhead(src, plan[0] ?? []));
    let ahead = readAhead(src, plan[1] ?? []);
    for (let rg = 0; ; rg++) {
      const o = await t.next(id);
      if (o.op === "end") return;
      if (o.op === "error") throw t.errorOf(id, o);
      if (o.op !== "batch") throw new Error(`decode thread: expected a batch, got "${o.op}"`);
      // row group rg + 1 is decoded while rg is replayed; rg + 2's bytes are read meanwhile (two row groups
      // asked ahead instead of one: measured on a 2M-row day, peak RSS +200 MB and no time won on 2 cores)
      t.pull(id, await ahead);
      ahead = readAhead(src, plan[rg + 2] ?? []);
      yield o.batch;
      if (releaseBatches) t.release(id, o.batch);
    }
  } finally {
    t.close(id);
  }
}
