/**
 * A corrupt page that traps parquet-wasm (a Rust panic: RuntimeError "unreachable") while decoding in this
 * thread is reported as the file's error, not an uncaught exception, and parquet-wasm is refused afterwards
 * (lib/parquet/wasm.ts). Its own file: the trap leaves parquet-wasm unusable in the test's process.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DataFormatError, RetryableError } from "../../lib/core/errors.ts";
import { Mbp10Stream } from "../../lib/mbp10/stream.ts";
import { parquetWasmStopped } from "../../lib/parquet/wasm.ts";
import type { ByteSource } from "../../lib/ports/byteSource.ts";
import { fileSource } from "../../lib/ports/fileSource.ts";
import { writeSyntheticDay } from "../../lib/synth/index.ts";
import { garbledPages } from "../helpers/corrupt.ts";
import { tempDir } from "../helpers/tmp.ts";

describe("parquet-wasm trap in this thread", () => {
  it("is the file's DataFormatError; later decodes are refused (RetryableError), nothing hangs", async () => {
    const file = join(tempDir(), "trap.parquet");
    await writeSyntheticDay(file, {
      symbol: "TRP",
      date: "2024-03-04",
      venues: 1,
      eventsPerVenue: 20_000,
      seed: 3,
    });
    const src = await fileSource(file);
    // the footer and the first bytes stay intact: the file opens, its pages are garbage
    const corrupt = garbledPages(src);
    const s = await Mbp10Stream.open([{ source: corrupt, decodeThread: false }]);
    const consume = async (st: Mbp10Stream) => {
      for await (const _ of st.batches());
    };
    // another file being opened meanwhile: its footer arrives slowly, so its parquet-wasm call is pending
    // when the corrupt file's decode is asked for; the trap is the decode's, not blamed on the other file
    const good = await fileSource(file);
    let reads = 0;
    const slow: ByteSource = {
      name: "slow.parquet",
      size: good.size,
      read: (offset, length) =>
        ++reads <= 2 // the magic bytes at once, then slowly (the footer, inside parquet-wasm)
          ? good.read(offset, length)
          : new Promise((r) => setTimeout(() => r(good.read(offset, length)), 30)),
      close: () => good.close?.() ?? Promise.resolve(),
    };
    const other = Mbp10Stream.open([{ source: slow, decodeThread: false }]);
    while (reads < 3) await new Promise((r) => setTimeout(r, 1));
    const err = await consume(s).catch((e: unknown) => e);
    await s.close();
    const opened = await other; // opened: the trap came after its call
    const otherErr = await consume(opened).catch((e: unknown) => e);
    await opened.close();
    // its next call came after the trap: refused as retryable (a fresh thread can read it), not as corrupt
    expect(otherErr).toBeInstanceOf(RetryableError);
    expect(err).toBeInstanceOf(DataFormatError);
    expect(String(err)).toMatch(
      /trap\.parquet: cannot decode row group 0: parquet-wasm stopped \(unreachable\)/,
    );
    expect(parquetWasmStopped()).toBeInstanceOf(WebAssembly.RuntimeError);
    // parquet-wasm's state is undefined now: the next file is refused, as retryable (a fresh thread can do it)
    const again = await Mbp10Stream.open([{ source: await fileSource(file), decodeThread: false }]).catch(
      (e: unknown) => e,
    );
    expect(again).toBeInstanceOf(RetryableError);
    expect(String(again)).toMatch(/parquet-wasm stopped earlier in this thread/);
  });
});
