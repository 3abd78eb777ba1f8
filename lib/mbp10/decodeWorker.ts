/**
 * The decode thread's side (lib/mbp10/decodeThread.ts has the protocol): one session per input file. The
 * replaying thread owns the ByteSource (file handle, S3 client): once the file is open here, this side sends
 * it the byte ranges of every row group's engine columns, and each pull brings that row group's bytes, so a
 * decode reads from memory; any other read (the footer, a range the plan missed) is asked for. Row groups are
 * decoded with parquet-wasm into engine typed arrays packed in one slab (the same code as the in-thread path:
 * `rawBatches`), which is transferred, not copied; released batches bring their slab back for reuse.
 */
import { parentPort } from "node:worker_threads";
import { errorMessage } from "../core/errors.ts";
import { parquetWasmStopped } from "../parquet/wasm.ts";
import type { ByteSource } from "../ports/byteSource.ts";
import { PREFETCH_GAP_BYTES } from "../ports/prefetch.ts";
import type { Chunk, FromDecoder, ToDecoder } from "./decodeThread.ts";
import { Mbp10File } from "./reader.ts";
import type { RawEngineBatch } from "./schema.ts";
import { SlabPool, slabOf } from "./slab.ts";

interface Session {
  readonly reads: Map<number, { resolve: (b: Uint8Array) => void; reject: (e: Error) => void }>;
  it?: AsyncGenerator<RawEngineBatch>;
  file?: Mbp10File;
  /** The bytes of the row group being decoded (from its pull). */
  chunks: Chunk[];
  /** Pulls run one after another. */
  chain: Promise<void>;
}

/**
 * Gap (bytes) up to which the planned ranges of neighbouring column chunks are merged: parquet-wasm reads
 * chunks separated by a small gap as one range, which must fall inside one planned range to be served from
 * memory; the prefetching source's bound, which has the same reason.
 */
const PLAN_GAP_BYTES = PREFETCH_GAP_BYTES;

const port = parentPort!;
const sessions = new Map<number, Session>();
/** Slabs handed back by the replaying thread (release), reused for the next row groups of any session. */
const slabs = new SlabPool();
let nextRead = 0;
const post = (m: FromDecoder, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

function proxySource(id: number, name: string, size: number): ByteSource {
  const s = sessions.get(id)!;
  return {
    name,
    size,
    read(offset, length) {
      for (const c of s.chunks) {
        if (offset >= c.offset && offset + length <= c.offset + c.bytes.byteLength)
          return Promise.resolve(c.bytes.subarray(offset - c.offset, offset - c.offset + length));
      }
      const reqId = nextRead++;
      return new Promise<Uint8Array>((resolve, reject) => {
        s.reads.set(reqId, { resolve, reject });
        post({ op: "read", id, reqId, offset, length });
      });
    },
  };
}

/** `stopped`: parquet-wasm trapped in this thread (lib/parquet/wasm.ts): the replaying thread retires it. */
const fail = (id: number, e: unknown) =>
  post({
    op: "error",
    id,
    name: (e as Error | undefined)?.name ?? "Error",
    message: errorMessage(e),
    stopped: parquetWasmStopped() !== undefined,
  });

port.on("message", (m: ToDecoder) => {
  switch (m.op) {
    case "open": {
      const s: Session = { reads: new Map(), chunks: [], chain: Promise.resolve() };
      sessions.set(m.id, s);
      s.chain = (async () => {
        try {
          s.file = await Mbp10File.open(proxySource(m.id, m.name, m.size), { maxLevels: m.maxLevels });
          s.it = s.file.rawBatches(slabs);
          post({ op: "opened", id: m.id, ranges: s.file.engineByteRanges(PLAN_GAP_BYTES) });
        } catch (e) {
          fail(m.id, e);
        }
      })();
      break;
    }
    case "bytes": {
      const r = sessions.get(m.id)?.reads.get(m.reqId);
      if (!r) break;
      sessions.get(m.id)!.reads.delete(m.reqId);
      if (m.bytes) r.resolve(m.bytes);
      else r.reject(new Error(m.message ?? "read failed"));
      break;
    }
    case "pull": {
      const s = sessions.get(m.id);
      if (!s) break;
      s.chain = s.chain.then(async () => {
        if (!s.it) return; // open failed, already reported
        s.chunks = m.chunks; // the previous row group is decoded: its bytes go
        try {
          const r = await s.it.next();
          s.chunks = [];
          if (r.done) post({ op: "end", id: m.id });
          else post({ op: "batch", id: m.id, batch: r.value }, [slabOf(r.value)]);
        } catch (e) {
          s.it = undefined;
          fail(m.id, e);
        }
      });
      break;
    }
    case "release":
      for (const b of m.buffers) slabs.give(b);
      break;
    case "close": {
      const s = sessions.get(m.id);
      sessions.delete(m.id);
      if (sessions.size === 0) slabs.clear(); // an idle thread keeps no slabs
      if (s) {
        for (const r of s.reads.values()) r.reject(new Error("session closed"));
        void s.chain.then(() => s.it?.return(undefined)).catch(() => undefined);
      }
      break;
    }
  }
});
