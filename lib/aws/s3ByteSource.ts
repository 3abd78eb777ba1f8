/**
 * A ByteSource over S3 ranged GETs for the Parquet reader (STYLE habit 1: the reader sits on "read bytes at
 * offset"). Opening costs ONE request: a suffix range GET (`bytes=-65536`) returns the file size (from
 * Content-Range), the ETag and the footer, so parquet-wasm's footer reads are served from memory. Every later
 * GET carries `If-Match: <etag>`, so an object replaced mid-read fails loudly instead of mixing versions.
 * The returned source supports prefetch(): the reader announces a row group's projected column chunks and
 * they arrive in as few coalesced requests as possible (lib/ports/prefetch.ts).
 */
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { DataFormatError, errorMessage, httpStatusOf, RetryableError, toMsorError } from "../core/errors.ts";
import type { ByteSource } from "../ports/byteSource.ts";
import { type PrefetchingByteSource, type PrefetchOptions, prefetchingSource } from "../ports/prefetch.ts";

export interface S3ByteSourceOptions extends PrefetchOptions {
  /** Bytes fetched from the end of the object when it is opened (default 64 KiB: the Parquet footer). */
  tailBytes?: number;
}

export async function s3ByteSource(
  client: S3Client,
  bucket: string,
  key: string,
  options: S3ByteSourceOptions = {},
): Promise<PrefetchingByteSource> {
  const name = `s3://${bucket}/${key}`;
  const tailWanted = options.tailBytes ?? 64 * 1024;
  let size: number;
  let etag: string;
  let tail: Uint8Array;
  try {
    const r = await client.send(
      new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=-${tailWanted}` }),
    );
    tail = r.Body ? await r.Body.transformToByteArray() : new Uint8Array(0);
    etag = r.ETag ?? "";
    const total = /\/(\d+)$/.exec(r.ContentRange ?? "")?.[1];
    size = total !== undefined ? Number(total) : tail.byteLength;
  } catch (e) {
    if (httpStatusOf(e) === 416) {
      // an empty object has no suffix range; the reader reports "0 bytes" clearly
      size = 0;
      etag = "";
      tail = new Uint8Array(0);
    } else {
      throw toMsorError(e, `open ${name}`);
    }
  }
  const tailStart = size - tail.byteLength;
  const raw: ByteSource = {
    name,
    size,
    async read(offset, length) {
      if (length === 0) return new Uint8Array(0);
      if (offset >= tailStart && offset + length <= size) {
        return tail.subarray(offset - tailStart, offset - tailStart + length);
      }
      try {
        const r = await client.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: key,
            Range: `bytes=${offset}-${offset + length - 1}`,
            ...(etag ? { IfMatch: etag } : {}),
          }),
        );
        if (!r.Body)
          throw new DataFormatError(`${name}: empty body for bytes ${offset}-${offset + length - 1}`);
        return await r.Body.transformToByteArray();
      } catch (e) {
        if (httpStatusOf(e) === 412) {
          throw new RetryableError(
            `${name} changed while it was being read (ETag is no longer ${etag}): ${errorMessage(e)}; the task ` +
              "will re-read it",
            { cause: e },
          );
        }
        throw toMsorError(e, `read bytes ${offset}-${offset + length - 1} of ${name}`);
      }
    },
  };
  return prefetchingSource(raw, options);
}
