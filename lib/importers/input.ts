/**
 * Input plumbing shared by the importers: existence checks with one-line errors, file bytes with zstd
 * detected by its magic number and decompressed as a stream (fzstd), and line reading with line numbers.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Decompress } from "fzstd";
import { DataFormatError, errorMessage, NotFoundError } from "../core/errors.ts";

/** First four bytes of a zstd frame (RFC 8878): 28 b5 2f fd. */
export const ZSTD_MAGIC = Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd);

const READ_CHUNK_BYTES = 1 << 20;

/** Throw a NotFoundError naming `what` and `path` unless `path` is an existing regular file. */
export async function requireFile(path: string, what: string): Promise<void> {
  let isFile: boolean;
  try {
    isFile = (await stat(path)).isFile();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new NotFoundError(
      `${what} ${path} ${code === "ENOENT" ? "does not exist" : `cannot be read (${errorMessage(e)})`}; check the path`,
    );
  }
  if (!isFile) throw new NotFoundError(`${what} ${path} is not a regular file; pass a file, not a directory`);
}

/** Does `bytes` start with the zstd frame magic? */
export function isZstd(bytes: Uint8Array): boolean {
  return ZSTD_MAGIC.every((m, i) => bytes[i] === m);
}

/**
 * The bytes of `path`, decompressed on the fly when the file starts with the zstd magic (whatever its
 * extension). Chunks are yielded as they are decoded, so memory stays bounded by the zstd window.
 */
export async function* readBytes(path: string): AsyncGenerator<Uint8Array> {
  const stream = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  let decoder: Decompress | undefined;
  let first = true;
  const out: Uint8Array[] = [];
  const push = (chunk: Uint8Array, final: boolean) => {
    try {
      decoder!.push(chunk, final);
    } catch (e) {
      throw new DataFormatError(
        `${path}: zstd decompression failed (${errorMessage(e)}); the file is corrupt or truncated, re-download it`,
      );
    }
  };
  let carry: Uint8Array | undefined; // a first chunk shorter than the magic
  for await (const raw of stream as AsyncIterable<Buffer>) {
    let chunk: Uint8Array = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
    if (first) {
      if (carry) chunk = concatBytes(carry, chunk);
      if (chunk.length < ZSTD_MAGIC.length) {
        carry = chunk;
        continue;
      }
      first = false;
      carry = undefined;
      if (isZstd(chunk)) decoder = new Decompress((data) => void (data.length > 0 && out.push(data)));
    }
    if (!decoder) {
      yield chunk;
      continue;
    }
    push(chunk, false);
    yield* out.splice(0);
  }
  if (carry) yield carry;
  if (decoder) {
    push(new Uint8Array(0), true);
    yield* out.splice(0);
  }
}

/** a followed by b, in a new array. */
export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const c = new Uint8Array(a.length + b.length);
  c.set(a, 0);
  c.set(b, a.length);
  return c;
}

/**
 * Lines of a (possibly zstd-compressed) UTF-8 text file, '\n' or '\r\n' terminated, in arrays of the lines
 * completed by each decoded chunk (one await per chunk, not per line).
 */
export async function* readLineChunks(path: string): AsyncGenerator<string[]> {
  const decoder = new TextDecoder("utf-8");
  let rest = "";
  const strip = (s: string) => (s.endsWith("\r") ? s.slice(0, -1) : s);
  for await (const chunk of readBytes(path)) {
    const parts = (rest + decoder.decode(chunk, { stream: true })).split("\n");
    rest = parts.pop()!;
    if (parts.length > 0) yield parts.map(strip);
  }
  rest += decoder.decode();
  if (rest.length > 0) yield [strip(rest)];
}

/** Pull-style line reader with 1-based line numbers (LOBSTER reads two files in lockstep). */
export class LineReader {
  /** Line number of the line last returned (1-based; 0 before the first). */
  lineNo = 0;
  private lines: string[] = [];
  private i = 0;
  private readonly chunks: AsyncGenerator<string[]>;

  constructor(readonly path: string) {
    this.chunks = readLineChunks(path);
  }

  /** Next line, or undefined at the end of the file. */
  async next(): Promise<string | undefined> {
    while (this.i >= this.lines.length) {
      const r = await this.chunks.next();
      if (r.done) return undefined;
      this.lines = r.value;
      this.i = 0;
    }
    this.lineNo++;
    return this.lines[this.i++];
  }

  /** Next line that is not blank (blank lines still count in line numbers), or undefined at the end. */
  async nextNonBlank(): Promise<string | undefined> {
    for (;;) {
      const line = await this.next();
      if (line === undefined || line.trim() !== "") return line;
    }
  }

  /** Stop reading (closes the file). */
  async close(): Promise<void> {
    await this.chunks.return(undefined);
  }
}
