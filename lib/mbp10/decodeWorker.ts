/**
 * The decode thread's side (lib/mbp10/decodeThread.ts has the protocol): one session per input file. Bytes
 * are asked of the replaying thread (which owns the ByteSource: file handle, S3 client), row groups are
 * decoded here with parquet-wasm into engine typed arrays (the same code as the in-thread path:
 * `rawEngineBatch`), and their buffers are transferred back, not copied.
 */
import { parentPort } from "node:worker_threads";
import { errorMessage } from "../core/errors.ts";
import type { ByteSource } from "../ports/byteSource.ts";
import type { ByteRange, PrefetchingByteSource } from "../ports/prefetch.ts";
import type { FromDecoder, ToDecoder } from "./decodeThread.ts";
import { Mbp10File, type RawEngineBatch } from "./reader.ts";

interface Session {
  readonly reads: Map<number, { resolve: (b: Uint8Array) => void; reject: (e: Error) => void }>;
  it?: AsyncGenerator<RawEngineBatch>;
  file?: Mbp10File;
  /** Pulls run one after another. */
  chain: Promise<void>;
}

const port = parentPort!;
const sessions = new Map<number, Session>();
let nextRead = 0;
const post = (m: FromDecoder, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

function proxySource(id: number, name: string, size: number, prefetch: boolean): ByteSource {
  const s = sessions.get(id)!;
  const src: ByteSource = {
    name,
    size,
    read(offset, length) {
      const reqId = nextRead++;
      return new Promise<Uint8Array>((resolve, reject) => {
        s.reads.set(reqId, { resolve, reject });
        post({ op: "read", id, reqId, offset, length });
      });
    },
  };
  if (!prefetch) return src;
  const p: PrefetchingByteSource = {
    ...src,
    prefetch: (ranges: readonly ByteRange[]) => post({ op: "prefetch", id, ranges: [...ranges] }),
  };
  return p;
}

/** The distinct ArrayBuffers under a batch's typed arrays (transferred, so the batch moves without a copy). */
function buffersOf(b: RawEngineBatch): ArrayBuffer[] {
  const set = new Set<ArrayBuffer>();
  for (const v of Object.values(b)) {
    const arrays = Array.isArray(v) ? v : [v];
    for (const a of arrays) if (ArrayBuffer.isView(a) && a.buffer instanceof ArrayBuffer) set.add(a.buffer);
  }
  return [...set];
}

const fail = (id: number, e: unknown) =>
  post({ op: "error", id, name: (e as Error | undefined)?.name ?? "Error", message: errorMessage(e) });

port.on("message", (m: ToDecoder) => {
  switch (m.op) {
    case "open": {
      const s: Session = { reads: new Map(), chain: Promise.resolve() };
      sessions.set(m.id, s);
      s.chain = (async () => {
        try {
          s.file = await Mbp10File.open(proxySource(m.id, m.name, m.size, m.prefetch));
          s.it = s.file.rawBatches();
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
        try {
          const r = await s.it.next();
          if (r.done) post({ op: "end", id: m.id });
          else post({ op: "batch", id: m.id, batch: r.value }, buffersOf(r.value));
        } catch (e) {
          s.it = undefined;
          fail(m.id, e);
        }
      });
      break;
    }
    case "close": {
      const s = sessions.get(m.id);
      sessions.delete(m.id);
      if (s) {
        for (const r of s.reads.values()) r.reject(new Error("session closed"));
        void s.chain.then(() => s.it?.return(undefined)).catch(() => undefined);
      }
      break;
    }
  }
});
