/**
 * ObjectStore on S3 (lib/ports/objectStore.ts): conditional writes with If-None-Match: * / If-Match (HTTP
 * 412 -> PreconditionFailedError), ranged GETs, paginated listing, and a prefetching ByteSource for Parquet
 * input. An optional key prefix lets several runs or tests share one bucket; keys are validated before the
 * prefix is added, so nothing escapes it. Throttling and 5xx are retried by the SDK (standard mode) and,
 * when the attempts run out, surface as RetryableError (core/errors.ts classifyError).
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  type S3Client,
} from "@aws-sdk/client-s3";
import {
  httpStatusOf,
  InputError,
  NotFoundError,
  PreconditionFailedError,
  toMsorError,
} from "../core/errors.ts";
import type { ByteSource } from "../ports/byteSource.ts";
import {
  checkRange,
  keyProblem,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
  type PutResult,
  type SkippedKeyHook,
  type Versioned,
  validateKey,
  validatePrefix,
  warnSkippedKey,
} from "../ports/objectStore.ts";
import { type S3ByteSourceOptions, s3ByteSource } from "./s3ByteSource.ts";

export interface S3ObjectStoreOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix inside the bucket ("" or ending in '/'), e.g. "team-a/". */
  prefix?: string;
  /** Options of the Parquet byte sources (tail size, range coalescing). */
  byteSource?: S3ByteSourceOptions;
  /** Told of each object a listing leaves out because no key can name it (default: a process warning). */
  onSkippedKey?: SkippedKeyHook;
}

const BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const isMissing = (e: unknown) => {
  const name = (e as { name?: string } | null)?.name;
  return httpStatusOf(e) === 404 || name === "NoSuchKey" || name === "NotFound";
};

export class S3ObjectStore implements ObjectStore {
  private readonly client: S3Client;
  readonly bucket: string;
  readonly prefix: string;
  private readonly sourceOptions: S3ByteSourceOptions;
  private readonly onSkippedKey: SkippedKeyHook;

  constructor(o: S3ObjectStoreOptions) {
    if (!BUCKET_RE.test(o.bucket)) {
      throw new InputError(
        `invalid S3 bucket name ${JSON.stringify(o.bucket)}: 3-63 lowercase letters, digits, '.', '-'`,
      );
    }
    const prefix = o.prefix ?? "";
    if (prefix !== "" && (!prefix.endsWith("/") || validatePrefix(prefix) !== prefix)) {
      throw new InputError(`invalid S3 key prefix ${JSON.stringify(prefix)}: it must be "" or end with '/'`);
    }
    this.client = o.client;
    this.bucket = o.bucket;
    this.prefix = prefix;
    this.sourceOptions = o.byteSource ?? {};
    this.onSkippedKey = o.onSkippedKey ?? warnSkippedKey;
  }

  private s3Key(key: string): string {
    return this.prefix + validateKey(key);
  }

  describe(key: string): string {
    return `s3://${this.bucket}/${this.s3Key(key)}`;
  }

  async get(key: string): Promise<Uint8Array> {
    return (await this.fetch(key, true))!.bytes;
  }

  async tryGet(key: string): Promise<Uint8Array | undefined> {
    return (await this.fetch(key, false))?.bytes;
  }

  async getWithEtag(key: string): Promise<Versioned | undefined> {
    return this.fetch(key, false);
  }

  private async fetch(key: string, required: boolean): Promise<Versioned | undefined> {
    const Key = this.s3Key(key);
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key }));
      const bytes = r.Body ? await r.Body.transformToByteArray() : new Uint8Array(0);
      return { bytes, etag: r.ETag ?? "" };
    } catch (e) {
      if (!required && isMissing(e)) return undefined;
      throw toMsorError(e, `get ${this.describe(key)}`);
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const Key = this.s3Key(key);
    try {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }));
      return { size: r.ContentLength ?? 0, etag: r.ETag ?? "" };
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw toMsorError(e, `head ${this.describe(key)}`);
    }
  }

  async getRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    const Key = this.s3Key(key);
    checkRange(this.describe(key), offset, length);
    if (length === 0) {
      if (!(await this.head(key))) throw new NotFoundError(`object ${this.describe(key)} does not exist`);
      return new Uint8Array(0);
    }
    try {
      const r = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key, Range: `bytes=${offset}-${offset + length - 1}` }),
      );
      return r.Body ? await r.Body.transformToByteArray() : new Uint8Array(0);
    } catch (e) {
      if (httpStatusOf(e) === 416) {
        throw new InputError(
          `range [${offset}, ${offset + length}) of ${this.describe(key)} starts beyond its end`,
          {
            cause: e,
          },
        );
      }
      throw toMsorError(e, `get range of ${this.describe(key)}`);
    }
  }

  async put(key: string, bytes: Uint8Array | string, options: PutOptions = {}): Promise<PutResult> {
    const Key = this.s3Key(key);
    const Body = typeof bytes === "string" ? Buffer.from(bytes, "utf8") : bytes;
    try {
      const r = await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key,
          Body,
          ContentLength: Body.byteLength,
          ...(options.contentType ? { ContentType: options.contentType } : {}),
          ...(options.ifNoneMatch ? { IfNoneMatch: "*" } : {}),
          ...(options.ifMatch !== undefined ? { IfMatch: options.ifMatch } : {}),
        }),
      );
      return { etag: r.ETag ?? "" };
    } catch (e) {
      // If-Match on a missing key is 404 NoSuchKey on S3: for a compare-and-swap it is the same lost race
      if (options.ifMatch !== undefined && isMissing(e)) {
        throw new PreconditionFailedError(
          `put ${this.describe(key)} if-match ${options.ifMatch}: the key does not exist (put-if-match refused)`,
          { cause: e },
        );
      }
      // 409 ConditionalRequestConflict: another conditional write of the key was in progress. For If-Match the
      // compare-and-swap loop must re-read anyway; for If-None-Match the other write may still fail, so it stays
      // a RetryableError rather than "already exists".
      if (options.ifMatch !== undefined && (e as { name?: string }).name === "ConditionalRequestConflict") {
        throw new PreconditionFailedError(
          `put ${this.describe(key)} if-match ${options.ifMatch}: a concurrent conditional write conflicted; re-read and retry`,
          { cause: e },
        );
      }
      throw toMsorError(e, `put ${this.describe(key)}`);
    }
  }

  async delete(key: string): Promise<void> {
    const Key = this.s3Key(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key }));
    } catch (e) {
      if (!isMissing(e)) throw toMsorError(e, `delete ${this.describe(key)}`);
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== undefined;
  }

  async list(prefix: string): Promise<string[]> {
    validatePrefix(prefix);
    const out: string[] = [];
    try {
      for await (const page of paginateListObjectsV2(
        { client: this.client, pageSize: 1000 },
        { Bucket: this.bucket, Prefix: this.prefix + prefix },
      )) {
        for (const o of page.Contents ?? []) {
          if (!o.Key) continue;
          const key = o.Key.slice(this.prefix.length);
          // an object another tool wrote under a name no key can take ('+', spaces, ...): nothing could read
          // it back (get validates the key), so it is left out with a warning, as the local store does
          const problem = keyProblem(key);
          if (problem !== undefined) this.onSkippedKey(`s3://${this.bucket}/${o.Key}`, problem);
          else out.push(key);
        }
      }
    } catch (e) {
      throw toMsorError(e, `list s3://${this.bucket}/${this.prefix}${prefix}`);
    }
    return out.sort();
  }

  async byteSource(key: string): Promise<ByteSource> {
    return s3ByteSource(this.client, this.bucket, this.s3Key(key), this.sourceOptions);
  }
}
