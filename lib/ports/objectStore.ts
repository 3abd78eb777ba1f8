/**
 * ObjectStore port: the same keys locally (a folder laid out like the S3 keys, lib/ports/localObjectStore.ts)
 * and on S3 (lib/aws/s3ObjectStore.ts). Keys are validated so that nothing can escape the root/prefix.
 *
 * Conditional writes are the only coordination primitive the pipeline needs (DESIGN.md "Fan-in"):
 * - put-if-absent (`{ ifNoneMatch: true }`, S3 `If-None-Match: *`): task markers, the summary lock;
 * - put-if-match (`{ ifMatch: etag }`, S3 `If-Match`): compare-and-swap of runs/{R}/status.json.
 * Both throw PreconditionFailedError when the condition does not hold. ETags are opaque strings: compare
 * them only with ETags returned by the same store.
 */
import { InputError, PreconditionFailedError } from "../core/errors.ts";
import type { ByteSource } from "./byteSource.ts";

export { PreconditionFailedError };

export interface PutOptions {
  /** Fail with PreconditionFailedError when the key exists (S3 If-None-Match: *). */
  ifNoneMatch?: boolean;
  /** Fail with PreconditionFailedError unless the key exists with this ETag (S3 If-Match). */
  ifMatch?: string;
  contentType?: string;
}

export interface PutResult {
  readonly etag: string;
}

export interface Versioned {
  readonly bytes: Uint8Array;
  readonly etag: string;
}

export interface ObjectInfo {
  readonly size: number;
  readonly etag: string;
}

export interface ObjectStore {
  /** Human-readable location of a key (path or s3:// URL) for messages. */
  describe(key: string): string;
  /** Whole object; NotFoundError when the key does not exist. */
  get(key: string): Promise<Uint8Array>;
  /** undefined when the key does not exist. */
  tryGet(key: string): Promise<Uint8Array | undefined>;
  /** The object with its ETag (for put-if-match); undefined when the key does not exist. */
  getWithEtag(key: string): Promise<Versioned | undefined>;
  /**
   * Bytes [offset, offset + length) of an object, shorter when the object ends first. NotFoundError when the
   * key does not exist, InputError for a negative range or an offset beyond the end.
   */
  getRange(key: string, offset: number, length: number): Promise<Uint8Array>;
  /** Size and ETag; undefined when the key does not exist. */
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Write an object (atomically: readers see the old or the new bytes, never a mix). */
  put(key: string, bytes: Uint8Array | string, options?: PutOptions): Promise<PutResult>;
  exists(key: string): Promise<boolean>;
  /** Remove an object; a missing key is not an error (S3 DeleteObject). */
  delete(key: string): Promise<void>;
  /** Keys that start with `prefix` (plain string prefix, as S3 ListObjectsV2), sorted. */
  list(prefix: string): Promise<string[]>;
  /** Random-access reads of an object (Parquet input). */
  byteSource(key: string): Promise<ByteSource>;
}

/** Put-if-absent: true when this call created the key, false when it already existed (no error). */
export async function putIfAbsent(
  store: ObjectStore,
  key: string,
  bytes: Uint8Array | string,
): Promise<boolean> {
  try {
    await store.put(key, bytes, { ifNoneMatch: true });
    return true;
  } catch (e) {
    if (e instanceof PreconditionFailedError) return false;
    throw e;
  }
}

export interface CasOptions {
  /** Attempts before giving up with a (retryable) error; default 50. */
  maxAttempts?: number;
  /** Called between attempts with the attempt number (1-based); e.g. a backoff sleep. Default: none. */
  onConflict?: (attempt: number) => Promise<void> | void;
}

/**
 * Compare-and-swap loop: read the object with its ETag, compute the new bytes, write them with If-Match (or
 * If-None-Match when the key did not exist), and on PreconditionFailed re-read and try again. `update`
 * returns undefined to leave the object unchanged (e.g. every completion of the batch was already counted).
 * Returns the bytes that are now stored.
 */
export async function compareAndSwap(
  store: ObjectStore,
  key: string,
  update: (current: Uint8Array | undefined) => Uint8Array | string | undefined,
  options: CasOptions = {},
): Promise<{ bytes: Uint8Array | undefined; attempts: number; written: boolean }> {
  const max = options.maxAttempts ?? 50;
  for (let attempt = 1; ; attempt++) {
    const cur = await store.getWithEtag(key);
    const next = update(cur?.bytes);
    if (next === undefined) return { bytes: cur?.bytes, attempts: attempt, written: false };
    try {
      await store.put(key, next, cur ? { ifMatch: cur.etag } : { ifNoneMatch: true });
      return {
        bytes: typeof next === "string" ? new TextEncoder().encode(next) : next,
        attempts: attempt,
        written: true,
      };
    } catch (e) {
      if (!(e instanceof PreconditionFailedError)) throw e;
      if (attempt >= max) {
        throw new PreconditionFailedError(
          `compare-and-swap of ${store.describe(key)} lost ${max} times in a row to concurrent writers; ` +
            "retry later or raise maxAttempts",
          { cause: e, permanent: false },
        );
      }
      await options.onConflict?.(attempt);
    }
  }
}

/** Throws InputError unless offset and length are non-negative safe integers. */
export function checkRange(where: string, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new InputError(
      `invalid range (offset ${offset}, length ${length}) of ${where}: both must be non-negative integers`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------------
// Key validation

/** Characters allowed in a key segment: ASCII letters, digits and . _ = - (no spaces, no unicode). */
const SEGMENT_RE = /^[A-Za-z0-9._=-]+$/;
/** S3's limit on a key (UTF-8 bytes); our keys are ASCII so bytes = characters. */
const MAX_KEY_LENGTH = 1024;

function describeChar(c: string): string {
  const cp = c.codePointAt(0)!;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  if (c === "\\") return "a backslash";
  if (cp === 0) return "a NUL byte";
  if (cp < 0x20 || cp === 0x7f) return `a control character (${hex})`;
  if (c === " ") return "a space";
  if (cp > 0x7e)
    return `the non-ASCII character ${hex} (look-alikes such as full-width '．' or '／' are refused)`;
  return `'${c}'`;
}

/**
 * Why `segment` is not a safe key segment, or undefined when it is. Segments are non-empty, ASCII letters,
 * digits, '.', '_', '=', '-', and not made of dots only ('.', '..', '...'). Being ASCII-only rules out
 * unicode look-alikes (full-width dots and slashes), non-NFC forms and control characters in one rule.
 */
export function keySegmentProblem(segment: string): string | undefined {
  if (segment === "") return "it is empty";
  if (/^\.+$/.test(segment)) return `'${segment}' is a relative path reference`;
  if (!SEGMENT_RE.test(segment)) {
    const bad = [...segment].find((c) => !/[A-Za-z0-9._=-]/.test(c))!;
    return `it contains ${describeChar(bad)}`;
  }
  return undefined;
}

/**
 * Validate a value that becomes ONE key segment (a symbol, a venue, a run id): throws InputError naming
 * `what` and the reason. Returns the value.
 */
export function validateKeySegment(value: string, what: string): string {
  const p = keySegmentProblem(value);
  if (p !== undefined) {
    throw new InputError(
      `invalid ${what} ${JSON.stringify(value)}: ${p}; use ASCII letters, digits, '.', '_', '=', '-'`,
    );
  }
  return value;
}

/**
 * Why `key` is not a valid object key, or undefined when it is: relative ('/'-separated, no leading or
 * trailing '/'), non-empty segments of safe characters (see keySegmentProblem), at most 1024 characters.
 */
export function keyProblem(key: string): string | undefined {
  if (typeof key !== "string" || key.length === 0) return "it is empty";
  if (key.length > MAX_KEY_LENGTH) return `it is longer than ${MAX_KEY_LENGTH} characters`;
  const segs = key.split("/");
  for (const [i, s] of segs.entries()) {
    const p = keySegmentProblem(s);
    if (p !== undefined) {
      const where = s === "" && i === 0 ? " (absolute keys are refused)" : "";
      return `segment ${i + 1} ${p}${where}`;
    }
  }
  return undefined;
}

/** Validate an object key (see keyProblem). Returns the key; InputError with the reason otherwise. */
export function validateKey(key: string): string {
  if (typeof key !== "string" || key.length === 0) {
    throw new InputError("invalid object key: it is empty; keys look like results/executions/x.parquet");
  }
  if (key.length > MAX_KEY_LENGTH) {
    throw new InputError(
      `invalid object key "${key.slice(0, 60)}...": longer than ${MAX_KEY_LENGTH} characters`,
    );
  }
  const p = keyProblem(key);
  if (p !== undefined) {
    throw new InputError(
      `invalid object key ${JSON.stringify(key)}: ${p}; segments must be ` +
        "non-empty and use ASCII letters, digits, '.', '_', '=', '-' (no '.' or '..')",
    );
  }
  return key;
}

/**
 * What a store does with an object that a listing finds but no valid key can name (e.g. `a+b.parquet`
 * written by another tool): list() leaves it out (nothing could read it back) and calls this hook with
 * the object's location and the reason, the same on every backend. Default: a process warning
 * (code MSOR_SKIPPED_KEY), which the CLI prints on stderr and Lambda logs.
 */
export type SkippedKeyHook = (where: string, problem: string) => void;

export const warnSkippedKey: SkippedKeyHook = (where, problem) => {
  process.emitWarning(
    `${where} was left out of a listing: its name cannot be a key (${problem}); rename or remove it`,
    { code: "MSOR_SKIPPED_KEY" },
  );
};

/**
 * Validate a list prefix: "" (everything), whole segments ending in '/', or whole segments followed by the
 * start of a segment ("runs/R/tasks/t-"). Same character rules as keys.
 */
export function validatePrefix(prefix: string): string {
  if (prefix === "") return prefix;
  const cut = prefix.lastIndexOf("/");
  if (cut >= 0) validateKey(prefix.slice(0, cut));
  const partial = prefix.slice(cut + 1);
  if (partial !== "" && (!SEGMENT_RE.test(partial) || /^\.+$/.test(partial))) {
    validateKey(prefix); // throws with the reason
  }
  return prefix;
}
