/**
 * ObjectStore port: the same keys locally (a folder laid out like the S3 keys) and on S3. Keys are validated
 * so that nothing can escape the root/prefix.
 */
import { InputError } from "../core/errors.ts";
import type { ByteSource } from "./byteSource.ts";

export interface PutOptions {
  /** Fail with PreconditionFailedError when the key exists (S3 If-None-Match: *). */
  ifNoneMatch?: boolean;
  contentType?: string;
}

export interface ObjectStore {
  /** Human-readable location of a key (path or s3:// URL) for messages. */
  describe(key: string): string;
  get(key: string): Promise<Uint8Array>;
  /** undefined when the key does not exist. */
  tryGet(key: string): Promise<Uint8Array | undefined>;
  put(key: string, bytes: Uint8Array | string, options?: PutOptions): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Keys under a prefix, sorted. */
  list(prefix: string): Promise<string[]>;
  /** Random-access reads of an object (Parquet input). */
  byteSource(key: string): Promise<ByteSource>;
}

const SEGMENT_RE = /^[A-Za-z0-9._=-]+$/;

/** Validate an object key: relative, '/'-separated segments of safe characters, no '.' or '..' segments. */
export function validateKey(key: string): string {
  const segs = key.split("/");
  for (const s of segs) {
    if (s === "" || s === "." || s === ".." || !SEGMENT_RE.test(s)) {
      throw new InputError(
        `invalid object key "${key}": segments must be non-empty, use letters, digits, '.', '_', '=', '-', and not be '.' or '..'`,
      );
    }
  }
  return key;
}
