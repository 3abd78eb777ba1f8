/** ByteSource adapter over a local file (positional reads through one file handle). */
import { open } from "node:fs/promises";
import { errorMessage, NotFoundError } from "../core/errors.ts";
import type { ByteSource } from "./byteSource.ts";

export async function fileSource(path: string): Promise<ByteSource> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, "r");
  } catch (e) {
    throw new NotFoundError(`cannot open ${path}: ${errorMessage(e)}; check the path`);
  }
  const { size } = await fh.stat();
  return {
    name: path,
    size,
    freshReads: true,
    async read(offset, length) {
      const buf = new Uint8Array(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return got === length ? buf : buf.subarray(0, got);
    },
    close: () => fh.close(),
  };
}
