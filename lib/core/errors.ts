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

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
