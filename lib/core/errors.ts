/**
 * Error classes. Every message says what is wrong AND what to do about it.
 * `permanent` tells the pipeline whether retrying can help (DESIGN.md "Errors are classified").
 */
export class MsorError extends Error {
  /** true when retrying the same input cannot succeed (bad file, bad spec, missing object). */
  readonly permanent: boolean;
  constructor(message: string, options: { cause?: unknown; permanent?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.permanent = options.permanent ?? true;
  }
}

/** Bad user input: CLI arguments, sweep specs, task messages, ids. */
export class InputError extends MsorError {}

/** A data file that is not what it should be: not Parquet, truncated, missing columns, wrong types, empty. */
export class DataFormatError extends MsorError {}

/** An object or file that does not exist. */
export class NotFoundError extends MsorError {}

/** A model that cannot be evaluated with the given parameters (e.g. non-positive volatility). */
export class ModelError extends MsorError {}

/** Transient failure (throttling, timeout, 5xx): the task should be retried. */
export class RetryableError extends MsorError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, permanent: false });
  }
}

/**
 * A conditional write lost: put-if-absent found the key, or put-if-match found another ETag (HTTP 412).
 * Not retryable as such: the caller re-reads and decides (a compare-and-swap loop, or "already done").
 */
export class PreconditionFailedError extends MsorError {}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export type ErrorClass = "retryable" | "permanent";

/** Error names (AWS SDK v3 `name` / S3 and SQS error codes) that mean "slow down and try again". */
const RETRYABLE_NAMES = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "ProvisionedThroughputExceededException",
  "BandwidthLimitExceeded",
  "TransactionInProgressException",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
  "InternalError",
  "InternalFailure",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "ConditionalRequestConflict",
  "KMS.ThrottlingException",
]);

/** Node socket / DNS error codes that are transient. */
const RETRYABLE_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
]);

interface AwsLikeError {
  name?: unknown;
  code?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/**
 * Classify any thrown value (DESIGN.md "Protocol and guarantees"): retryable -> the message goes back to the
 * queue; permanent -> the task is marked failed with its reason. Duck-typed on AWS SDK v3 errors (`name`,
 * `$retryable`, `$metadata.httpStatusCode`) so that core never imports the SDK.
 * - MsorError: its own `permanent` flag.
 * - throttling / SlowDown / 429, timeouts, 5xx, 409 ConditionalRequestConflict, socket resets: retryable.
 * - NoSuchKey, NoSuchBucket, AccessDenied, other 4xx, and anything unknown (a bug does not heal on retry):
 *   permanent.
 */
export function classifyError(e: unknown): ErrorClass {
  if (e instanceof MsorError) return e.permanent ? "permanent" : "retryable";
  if (typeof e !== "object" || e === null) return "permanent";
  const err = e as AwsLikeError;
  if (typeof err.name === "string" && RETRYABLE_NAMES.has(err.name)) return "retryable";
  if (typeof err.code === "string" && RETRYABLE_CODES.has(err.code)) return "retryable";
  if (err.$retryable !== undefined && err.$retryable !== null && err.$retryable !== false) return "retryable";
  const status = err.$metadata?.httpStatusCode;
  if (typeof status === "number" && (status === 429 || status >= 500)) return "retryable";
  if (e instanceof Error && e.cause !== undefined && e.cause !== e) return classifyError(e.cause);
  return "permanent";
}

/** The HTTP status of an AWS SDK v3 error, when it has one. */
export function httpStatusOf(e: unknown): number | undefined {
  const s = (e as AwsLikeError | null)?.$metadata?.httpStatusCode;
  return typeof s === "number" ? s : undefined;
}

/**
 * Map a foreign error (AWS SDK, node:fs) to an MsorError with `what` (e.g. "get s3://b/k") in the message:
 * 412 -> PreconditionFailedError, 404 / NoSuchKey / ENOENT -> NotFoundError, retryable -> RetryableError,
 * anything else -> a permanent MsorError. MsorErrors pass through unchanged.
 */
export function toMsorError(e: unknown, what: string): MsorError {
  if (e instanceof MsorError) return e;
  const name = (e as AwsLikeError | null)?.name;
  const code = (e as AwsLikeError | null)?.code;
  const status = httpStatusOf(e);
  const detail = `${typeof name === "string" && name !== "Error" ? `${name}: ` : ""}${errorMessage(e)}`;
  if (status === 412 || name === "PreconditionFailed") {
    return new PreconditionFailedError(`${what}: precondition failed (${detail})`, { cause: e });
  }
  if (status === 404 || name === "NoSuchKey" || name === "NotFound" || code === "ENOENT") {
    return new NotFoundError(`${what}: not found (${detail}); check the key and bucket`, { cause: e });
  }
  if (classifyError(e) === "retryable") {
    return new RetryableError(`${what}: transient failure (${detail}); will be retried`, { cause: e });
  }
  return new MsorError(`${what}: ${detail}`, { cause: e });
}
